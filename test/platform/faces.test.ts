import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitLabFace } from '../../src/platform/gitlab';
import { LocalFace } from '../../src/platform/local';
import type { StepOutcome } from '../../src/platform/step';
import { HttpEmulator } from '../helpers/http-emulator';

const outcome = (markdown: string, extra: Partial<StepOutcome> = {}): StepOutcome => ({
  step: 'plan',
  verdict: 'pass',
  exitCode: 0,
  title: 'plan: 2 to create',
  markdown,
  annotations: [{ level: 'warning', message: 'bucket is public', file: 'main.tf', line: 3 }],
  outputs: { digest: 'abc', 'has-deletes': 'false' },
  data: {},
  commentKey: 'plan:dev',
  ...extra,
});

/** Notes of one MR, as GitLab's REST API serves them (paginated with x-next-page). */
function gitlabNotes(emulator: HttpEmulator) {
  const notes: Array<{ id: number; body: string; system: boolean }> = [{ id: 1, body: 'changed the description', system: true }];
  let next = 10;
  const base = '/api/v4/projects/:project/merge_requests/:iid/notes';
  emulator.on('GET', base, (req) => {
    const page = Number(req.query.get('page') ?? 1);
    const per = Number(req.query.get('per_page') ?? 20);
    const slice = notes.slice((page - 1) * per, page * per);
    return { body: slice, headers: { 'x-next-page': page * per < notes.length ? String(page + 1) : '' } };
  });
  emulator.on('POST', base, (req) => {
    const note = { id: next++, body: req.json.body, system: false };
    notes.push(note);
    return { status: 201, body: note };
  });
  emulator.on('PUT', `${base}/:id`, (req) => {
    const note = notes.find((n) => n.id === Number(req.params.id))!;
    note.body = req.json.body;
    return { body: note };
  });
  return notes;
}

describe('GitLab face', () => {
  const emulator = new HttpEmulator();
  let apiUrl: string;
  let notes: ReturnType<typeof gitlabNotes>;
  beforeAll(async () => {
    notes = gitlabNotes(emulator);
    apiUrl = `${await emulator.start()}/api/v4`;
  });
  afterAll(() => emulator.stop());

  const env = (extra: Record<string, string> = {}) => ({
    GITLAB_CI: 'true',
    CI_API_V4_URL: apiUrl,
    CI_PROJECT_ID: 'group/infra',
    CI_MERGE_REQUEST_IID: '42',
    PAVED_GITLAB_TOKEN: 'glpat-abcdefghijklmnop',
    ...extra,
  });

  it('prints the report, writes dotenv outputs, and keeps one MR note per key up to date', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-gl-'));
    let out = '';
    const face = new GitLabFace(env(), { out: (t) => (out += t), err: () => undefined, dotenv: path.join(dir, 'plan.env') });
    await face.publish(outcome('## Plan\n\n| create | delete |\n| --- | --- |\n| 2 | 0 |'));
    expect(out).toContain('create  delete');
    expect(out).toContain('main.tf:3: warning: bucket is public');
    expect(fs.readFileSync(path.join(dir, 'plan.env'), 'utf8')).toBe('PLAN_DIGEST=abc\nPLAN_HAS_DELETES=false\n');

    await face.publish(outcome('## Plan v2'));
    const ours = notes.filter((n) => !n.system);
    expect(ours).toHaveLength(1);
    expect(ours[0].body).toContain('Plan v2');
    expect(emulator.requests.find((r) => r.method === 'POST')?.headers['private-token']).toBe('glpat-abcdefghijklmnop');
  });

  it('warns instead of failing when it has no token to write notes with', async () => {
    let err = '';
    const face = new GitLabFace(env({ PAVED_GITLAB_TOKEN: '' }), { out: () => undefined, err: (t) => (err += t) });
    await face.publish(outcome('x'));
    expect(err).toMatch(/PAVED_GITLAB_TOKEN/);
  });

  it('wraps groups in collapsible log sections', async () => {
    let err = '';
    const face = new GitLabFace(env(), { out: () => undefined, err: (t) => (err += t) });
    await face.group('terraform plan', async () => undefined);
    expect(err).toMatch(/\u001b\[0Ksection_start:\d+:paved_\d+\[collapsed=true\]\r\u001b\[0Kterraform plan/);
    expect(err).toMatch(/section_end:\d+:paved_\d+/);
  });
});

describe('local face', () => {
  it('renders Markdown as aligned terminal text and keeps JSON output clean', async () => {
    let out = '';
    const face = new LocalFace({ out: (t) => (out += t), err: () => undefined });
    await face.publish(outcome('# Title\n\n<details><summary>more</summary>\n\n**bold** `code`\n\n</details>'), { print: true });
    expect(out).toContain('Title\n=====');
    expect(out).toContain('more');
    expect(out).toContain('bold code');
    expect(out).not.toContain('<details>');
    out = '';
    await face.publish(outcome('# Title'), { print: false });
    expect(out).toBe('');
  });
});

describe('GitHub face', () => {
  const emulator = new HttpEmulator();
  const comments: Array<{ id: number; body: string }> = [];
  let apiUrl: string;
  let dir: string;

  beforeAll(async () => {
    let next = 500;
    emulator.on('GET', '/repos/:owner/:repo/issues/:n/comments', () => ({ body: comments }));
    emulator.on('POST', '/repos/:owner/:repo/issues/:n/comments', (req) => {
      const c = { id: next++, body: req.json.body };
      comments.push(c);
      return { status: 201, body: c };
    });
    emulator.on('PATCH', '/repos/:owner/:repo/issues/comments/:id', (req) => {
      const c = comments.find((x) => x.id === Number(req.params.id))!;
      c.body = req.json.body;
      return { body: c };
    });
    apiUrl = await emulator.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-gh-'));
  });
  afterAll(() => emulator.stop());

  async function runInAction(env: Record<string, string>, markdown: string, exitCode = 0) {
    const saved = { ...process.env };
    const files = { output: path.join(dir, 'output'), summary: path.join(dir, 'summary.md'), event: path.join(dir, 'event.json') };
    fs.writeFileSync(files.output, '');
    fs.writeFileSync(files.summary, '');
    fs.writeFileSync(files.event, JSON.stringify({ pull_request: { number: 7 } }));
    Object.assign(process.env, {
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REPOSITORY: 'org/app',
      GITHUB_API_URL: apiUrl,
      'INPUT_GITHUB-TOKEN': 'ghs_faketokenfaketoken',
      ...env,
    });
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await jest.isolateModulesAsync(async () => {
        const { runAction } = await import('../../src/platform/github');
        await runAction('plan', async () => outcome(markdown, { exitCode, verdict: exitCode ? 'fail' : 'pass' }));
      });
    } finally {
      spy.mockRestore();
      process.env = saved;
    }
    return { stdout: written.join(''), output: fs.readFileSync(files.output, 'utf8'), summary: fs.readFileSync(files.summary, 'utf8') };
  }

  it('sets outputs, writes the job summary, annotates, and posts one sticky PR comment', async () => {
    const first = await runInAction({}, '## Plan one');
    expect(first.output).toMatch(/digest<<ghadelimiter_[\w-]+\nabc\n/);
    expect(first.summary).toContain('## Plan one');
    expect(first.stdout).toContain('::warning file=main.tf,line=3::bucket is public');
    expect(first.stdout).toContain('::add-mask::ghs_faketokenfaketoken');
    await runInAction({}, '## Plan two');
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain('<!-- paved:plan:dev:part=1 -->');
    expect(comments[0].body).toContain('Plan two');
  });

  it('fails the step when the outcome is a failed gate, and honours comment: false', async () => {
    const before = comments[0].body;
    const run = await runInAction({ INPUT_COMMENT: 'false' }, '## Plan three', 1);
    expect(run.stdout).toContain('::error::plan: plan: 2 to create');
    expect(comments[0].body).toBe(before);
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
  });
});
