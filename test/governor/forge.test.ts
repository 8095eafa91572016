// The GitHub and GitLab clients against the loopback forge emulator: pagination, rate limits with
// their retry headers, 5xx retries, and the endpoints other steps reuse.

import { GitHubClient } from '../../src/forge/github';
import { GitLabClient } from '../../src/forge/gitlab';
import { RateLimitError } from '../../src/forge/rest';
import { secrets } from '../../src/platform/redact';
import { ForgeEmulator } from '../helpers/forge-emulator';

const NOW = Date.parse('2026-03-02T12:00:00Z');

function run(id: number, createdAt: string, conclusion = 'success') {
  return { id, event: 'push', status: 'completed', conclusion, head_sha: `sha${id}`, head_branch: 'main', created_at: createdAt, updated_at: createdAt, path: '.github/workflows/ci.yml' };
}

describe('forge clients', () => {
  let forge: ForgeEmulator;
  let sleeps: number[];
  let github: GitHubClient;
  let gitlab: GitLabClient;

  beforeEach(async () => {
    forge = await new ForgeEmulator().start();
    sleeps = [];
    const sleep = async (ms: number) => void sleeps.push(ms);
    github = new GitHubClient({ baseUrl: forge.baseUrl, token: 'ghp_forgetesttoken123', sleep, now: () => NOW });
    gitlab = new GitLabClient({ baseUrl: forge.gitlabUrl, token: 'glpat-forgetesttoken', sleep, now: () => NOW });
  });
  afterEach(() => forge.stop());

  describe('GitHub', () => {
    it('follows Link headers across pages of tags', async () => {
      forge.github['acme/paved'] = { tags: Array.from({ length: 250 }, (_, i) => ({ name: `v1.${i}.0`, sha: i.toString(16).padStart(40, '0') })) };
      const tags = await github.listTags('acme/paved');
      expect(tags).toHaveLength(250);
      expect(tags[249]).toEqual({ name: 'v1.249.0', sha: (249).toString(16).padStart(40, '0') });
      expect(forge.http.count('GET', '/repos/acme/paved/tags')).toBe(3);
    });

    it('refuses to follow a next-page link to another server (the token would go with it)', async () => {
      forge.http.fault('GET', '/repos/acme/evil/tags', { status: 200, headers: { link: '<https://attacker.example/steal?page=2>; rel="next"' }, body: [] });
      await expect(github.listTags('acme/evil')).rejects.toThrow(/another server \(https:\/\/attacker\.example\); not followed/);
    });

    it('reads files and directories at a ref, and answers undefined for a missing file', async () => {
      forge.github['acme/app'] = { files: { '.github/workflows/ci.yml': 'on: push\n', 'README.md': '# app' } };
      expect(await github.getFileText('acme/app', '.github/workflows/ci.yml', 'main')).toBe('on: push\n');
      expect(await github.getFileText('acme/app', 'nope.yml', 'main')).toBeUndefined();
      expect((await github.listDirectory('acme/app', '.github/workflows', 'main')).map((e) => e.name)).toEqual(['ci.yml']);
      expect(await github.listDirectory('acme/app', 'absent', 'main')).toEqual([]);
    });

    it('splits a run search that matches more than 1,000 runs into windows that each fit', async () => {
      const start = Date.parse('2026-02-01T00:00:00Z');
      const runs = Array.from({ length: 1500 }, (_, i) => run(i + 1, new Date(start + i * 60_000).toISOString()));
      forge.github['acme/app'] = { runs };
      const got = await github.listWorkflowRuns('acme/app', { since: new Date(start), until: new Date(start + 1500 * 60_000), branch: 'main' });
      expect(got).toHaveLength(1500);
      expect(new Set(got.map((r) => r.id)).size).toBe(1500);
    });

    it('waits out a primary rate limit until x-ratelimit-reset, then succeeds', async () => {
      forge.github['acme/app'] = { defaultBranch: 'trunk' };
      const reset = Math.floor(NOW / 1000) + 30;
      forge.http.fault('GET', '/repos/acme/app', { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: { message: 'API rate limit exceeded' } });
      expect((await github.getRepository('acme/app')).default_branch).toBe('trunk');
      expect(sleeps).toEqual([31_000]);
    });

    it('honours retry-after on a secondary rate limit (403) and on 429', async () => {
      forge.github['acme/app'] = {};
      forge.http.fault('GET', '/repos/acme/app', { status: 403, headers: { 'retry-after': '7' }, body: { message: 'You have exceeded a secondary rate limit' } });
      forge.http.fault('GET', '/repos/acme/app', { status: 429, headers: { 'retry-after': '3' } });
      await github.getRepository('acme/app');
      expect(sleeps).toEqual([7000, 3000]);
    });

    it('gives up with a rate-limit error when the reset is too far away', async () => {
      forge.github['acme/app'] = {};
      const reset = Math.floor(NOW / 1000) + 3600;
      forge.http.fault('GET', '/repos/acme/app', { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } });
      await expect(github.getRepository('acme/app')).rejects.toBeInstanceOf(RateLimitError);
    });

    it('reports a 403 that is not a rate limit at once, naming the API', async () => {
      forge.github['acme/app'] = {};
      forge.http.fault('GET', '/repos/acme/app', { status: 403, body: { message: 'Resource not accessible by integration' } });
      await expect(github.getRepository('acme/app')).rejects.toThrow(/GitHub API.*403.*Resource not accessible/);
      expect(sleeps).toEqual([]);
    });

    it('retries 5xx answers and dropped connections', async () => {
      forge.github['acme/app'] = { defaultBranch: 'main' };
      forge.http.fault('GET', '/repos/acme/app', { status: 502, times: 2 });
      forge.http.fault('GET', '/repos/acme/app', { drop: true });
      expect((await github.getRepository('acme/app')).default_branch).toBe('main');
      expect(forge.http.count('GET', '/repos/acme/app')).toBe(4);
    });

    it('dispatches a workflow and returns the run id, falling back on servers without return_run_details', async () => {
      forge.github['acme/manager'] = {};
      const withId = await github.dispatchWorkflow('acme/manager', 'infra.yml', 'main', { sha: 'abc' });
      expect(withId.runId).toBeGreaterThan(0);
      forge.github['acme/old'] = { returnRunDetails: false };
      expect(await github.dispatchWorkflow('acme/old', 'infra.yml', 'main', { sha: 'abc' })).toEqual({});
      expect(forge.github['acme/old'].dispatches).toEqual([expect.objectContaining({ ref: 'main', inputs: { sha: 'abc' } })]);
    });

    it('reads, creates and updates PR comments, and posts commit statuses', async () => {
      forge.github['acme/app'] = {};
      const first = await github.createIssueComment('acme/app', 7, 'first');
      await github.updateIssueComment('acme/app', first.id, 'second');
      await github.createIssueComment('acme/app', 7, 'other');
      expect((await github.listIssueComments('acme/app', 7)).map((c) => c.body)).toEqual(['second', 'other']);
      await github.createCommitStatus('acme/app', 'abc', { state: 'success', context: 'infra/plan (prod)', description: 'x'.repeat(200) });
      const [status] = await github.listCommitStatuses('acme/app', 'abc');
      expect(status.context).toBe('infra/plan (prod)');
      expect((forge.github['acme/app'].statuses!.abc[0].description as string).length).toBe(140);
    });

    it('sends the token only as a header and registers it as a secret', async () => {
      forge.github['acme/app'] = {};
      await github.getRepository('acme/app');
      expect(forge.requests[0].headers.authorization).toBe('Bearer ghp_forgetesttoken123');
      expect(secrets.redact('token ghp_forgetesttoken123')).toBe('token ***');
    });
  });

  describe('GitLab', () => {
    it('follows x-next-page across pages of pipelines', async () => {
      forge.gitlab['acme/app'] = {
        id: 42,
        pipelines: Array.from({ length: 230 }, (_, i) => ({ id: i + 1, sha: 's', ref: 'main', status: 'success', created_at: '2026-03-01T00:00:00Z', updated_at: '2026-03-01T00:00:00Z' })),
      };
      const pipelines = await gitlab.listPipelines('acme/app', { ref: 'main' });
      expect(pipelines).toHaveLength(230);
      expect(forge.http.count('GET', '/api/v4/projects/acme%2Fapp/pipelines')).toBe(3);
    });

    it('reads raw files and trees by project path and sends PRIVATE-TOKEN', async () => {
      forge.gitlab['group/sub/app'] = { id: 7, files: { '.gitlab-ci.yml': 'include: []\n', '.gitlab/ci/test.yml': 'x: 1\n' } };
      expect(await gitlab.getFileText('group/sub/app', '.gitlab/ci/test.yml', 'main')).toBe('x: 1\n');
      expect(await gitlab.getFileText('group/sub/app', 'missing.yml', 'main')).toBeUndefined();
      expect((await gitlab.listTree('group/sub/app', '.gitlab', 'main')).map((e) => e.name)).toEqual(['ci']);
      expect(await gitlab.listTree('group/sub/app', 'nothing', 'main')).toEqual([]);
      expect(forge.requests[0].headers['private-token']).toBe('glpat-forgetesttoken');
    });

    it('waits out 429 with RateLimit-Reset and retries 500', async () => {
      forge.gitlab['acme/app'] = { id: 1, tags: [{ name: '1.0.0', sha: 'a'.repeat(40) }] };
      forge.http.fault('GET', '/api/v4/projects/acme%2Fapp/repository/tags', { status: 429, headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': String(Math.floor(NOW / 1000) + 5) } });
      forge.http.fault('GET', '/api/v4/projects/acme%2Fapp/repository/tags', { status: 500 });
      expect(await gitlab.listTags('acme/app')).toEqual([{ name: '1.0.0', sha: 'a'.repeat(40) }]);
      expect(sleeps[0]).toBe(6000);
    });

    it('reads, creates and updates MR notes, triggers pipelines and posts statuses', async () => {
      forge.gitlab['acme/app'] = { id: 3 };
      const note = await gitlab.createMergeRequestNote('acme/app', 5, 'one');
      await gitlab.updateMergeRequestNote('acme/app', 5, note.id, 'two');
      expect((await gitlab.listMergeRequestNotes('acme/app', 5)).map((n) => n.body)).toEqual(['two']);
      const p = await gitlab.createPipeline('acme/app', 'main', { customer: 'x' });
      expect(p.id).toBeGreaterThan(0);
      await gitlab.triggerPipeline('acme/app', 'main', 'glptt-triggertoken99', { A: '1' });
      expect(secrets.redact('glptt-triggertoken99')).toBe('***');
      await gitlab.createCommitStatus('acme/app', 'abc', { state: 'success', name: 'infra/plan' });
      expect(forge.gitlab['acme/app'].statuses!.abc[0].name).toBe('infra/plan');
    });

    it('asks CI lint for a dry run at the ref', async () => {
      forge.gitlab['acme/app'] = { id: 3, lint: { valid: true, errors: [], warnings: [], merged_yaml: 'a: 1\n', includes: [] } };
      const lint = await gitlab.lintProjectConfig('acme/app', 'main');
      expect(lint.valid).toBe(true);
      const req = forge.requests.find((r) => r.path.endsWith('/ci/lint'))!;
      expect(req.query.get('dry_run')).toBe('true');
      expect(req.query.get('dry_run_ref')).toBe('main');
    });
  });
});
