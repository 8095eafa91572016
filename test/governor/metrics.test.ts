// Metric formulas against hand-computed cases, including the known pitfalls: re-runs, squash merges,
// incidents updated many times, GitHub's 1,000-result search cap, GitLab's timestamp formats.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { GitHubClient } from '../../src/forge/github';
import { GitLabClient } from '../../src/forge/gitlab';
import { collectFacts, conclusionOf, rootCause } from '../../src/governor/collect';
import { date } from '../../src/governor/evidence';
import {
  changeFailureRate,
  computeMetrics,
  deploymentFrequency,
  leadTime,
  mergeIncidents,
  pipelineSuccessRate,
  recoveryTime,
  scanPassRate,
  type Deployment,
  type PipelineRun,
} from '../../src/governor/metrics';
import { loadRegistry, parseRegistry } from '../../src/governor/registry';
import { ForgeEmulator } from '../helpers/forge-emulator';
import { describeShared, sharedPath } from '../helpers/shared';

const NOW = new Date('2026-03-02T00:00:00Z');
const FROM = new Date('2026-02-02T00:00:00Z'); // four whole weeks
const h = (hoursBeforeNow: number) => new Date(NOW.getTime() - hoursBeforeNow * 3600_000).toISOString();

function deploy(id: string, hoursAgo: number, extra: Partial<Deployment> = {}): Deployment {
  return { id, environment: 'prod', production: true, at: h(hoursAgo), status: 'success', sha: `sha-${id}`, ...extra };
}

describe('pipeline success rate (rolling 7 days)', () => {
  it('counts success / (success + failure + timed_out + startup_failure), a re-run once, and only 7 days', () => {
    const runs: PipelineRun[] = [
      ...Array.from({ length: 17 }, (_, i) => ({ id: `s${i}`, createdAt: h(10 + i), conclusion: 'success' as const })),
      { id: 'f1', createdAt: h(5), conclusion: 'failure' },
      { id: 't1', createdAt: h(6), conclusion: 'timed_out' },
      { id: 'c1', createdAt: h(7), conclusion: 'cancelled' },
      { id: 'c2', createdAt: h(8), conclusion: 'skipped' },
      // A failed run re-run successfully: one run, the latest attempt decides.
      { id: 'r1', createdAt: h(9), conclusion: 'failure', attempt: 1 },
      { id: 'r1', createdAt: h(9), conclusion: 'success', attempt: 2 },
      // Older than 7 days: not counted.
      { id: 'old', createdAt: h(7 * 24 + 1), conclusion: 'failure' },
    ];
    const m = pipelineSuccessRate(runs, NOW);
    // 18 successes (17 + the re-run) of 20 counted runs.
    expect(m.value).toBe(90);
    expect(m.samples).toBe(20);
    expect(m.met).toBe(false);
    expect(m.detail).toBe('18 of 20 finished runs succeeded in 7 days (2 cancelled/skipped left out)');
  });

  it('has no value, and no verdict, without runs', () => {
    expect(pipelineSuccessRate([], NOW)).toMatchObject({ value: null, met: null, samples: 0 });
  });
});

describe('deployment frequency', () => {
  it('counts production deliveries per week, skips rollbacks and same-SHA redeploys, checks every week per environment', () => {
    const deploys = [
      deploy('a', 24 * 1),
      deploy('b', 24 * 8),
      deploy('b2', 24 * 8 - 1, { sha: 'sha-b' }), // redeploy of the same commit
      deploy('c', 24 * 15),
      deploy('d', 24 * 22),
      deploy('e', 24 * 23),
      deploy('rb', 24 * 2, { rollback: true, sha: 'sha-d' }),
      deploy('s1', 24 * 3, { environment: 'staging', production: false }),
    ];
    const m = deploymentFrequency(deploys, FROM, NOW, ['staging', 'prod']);
    expect(m.value).toBe(1.25); // 5 deliveries in 4 weeks
    expect(m.perEnvironment).toEqual({ prod: 1.25, staging: 0.25 });
    expect(m.weeklyMinimumMet).toBe(false); // staging deployed in one week of four
    expect(m.met).toBe(false);
    expect(m.level).toBe('high'); // one deploy-day in most weeks
  });

  it('is elite when most weeks have three or more deploy days', () => {
    const deploys = Array.from({ length: 4 * 7 }, (_, day) => deploy(`d${day}`, day * 24 + 1)).filter((_, day) => day % 7 < 4);
    expect(deploymentFrequency(deploys, FROM, NOW).level).toBe('elite');
  });
});

describe('lead time for changes', () => {
  it('uses the pull request start for squash merges, drops non-positive values, takes the median', () => {
    const d1 = deploy('d1', 10, {
      changes: [
        // A squash commit made 1 h before the deploy, for work started 50 h before it.
        { sha: 'sq', committedAt: h(11), workStartedAt: h(60) },
        { sha: 'c2', committedAt: h(14) },
        // A commit dated after the deploy (a bot's): dropped.
        { sha: 'bot', committedAt: h(5) },
      ],
    });
    const d2 = deploy('d2', 30, { changes: [{ sha: 'c3', committedAt: h(32) }] });
    const m = leadTime([d1, d2], FROM, NOW);
    // Samples: 50 h, 4 h, 2 h → median 4 h.
    expect(m.value).toBe(4);
    expect(m.samples).toBe(3);
    expect(m.level).toBe('elite');
    // Without the squash correction the first sample would be 1 h, and the median 2 h.
    const naive = leadTime([{ ...d1, changes: d1.changes!.map(({ workStartedAt: _w, ...c }) => c) }, d2], FROM, NOW);
    expect(naive.value).toBe(2);
  });
});

describe('change failure rate and recovery time', () => {
  const deploys = [
    deploy('d1', 100),
    deploy('d2', 80),
    deploy('d3', 60),
    deploy('d4', 40),
    // d3 was rolled back 30 minutes later.
    deploy('r3', 59.5, { rollback: true, sha: 'sha-d2' }),
  ];
  // Incident 7 was updated three times (each update arrives as a record); it names d2's commit.
  const incidents = [
    { id: '7', createdAt: h(79), resolvedAt: h(78), rootCauseSha: 'sha-d2' },
    { id: '7', createdAt: h(79), resolvedAt: h(77) },
    { id: '7', createdAt: h(79.5) },
  ];

  it('merges repeated incident updates into one incident', () => {
    expect(mergeIncidents(incidents)).toEqual([{ id: '7', createdAt: h(79.5), resolvedAt: h(77), rootCauseSha: 'sha-d2' }]);
  });

  it('counts failed deployments, not incident records: 2 of 4', () => {
    const m = changeFailureRate(deploys, incidents, FROM, NOW);
    expect(m.value).toBe(50);
    expect(m.samples).toBe(4);
    expect(m.detail).toMatch(/^2 of 4/);
    expect(m.met).toBe(false);
  });

  it('recovery: incident from the deploy to its last resolution, rollback 30 min after the deploy', () => {
    const m = recoveryTime(deploys, incidents, FROM, NOW);
    // d2: failure starts at the deploy (80 h ago, before the incident was opened), resolved 77 h ago → 3 h.
    // d3: deployed 60 h ago, rolled back 59.5 h ago → 0.5 h. Mean 1.75 h, median 1.75 h.
    expect(m.value).toBe(1.75);
    expect(m.median).toBe(1.75);
    expect(m.met).toBe(false);
    expect(m.level).toBe('high');
  });

  it('an automatic switch-back by the deploy step is a failure recovered at once', () => {
    const m = recoveryTime([deploy('x', 10, { autoRolledBack: true }), deploy('y', 5)], [], FROM, NOW);
    expect(m).toMatchObject({ value: 0, samples: 1, met: true, level: 'elite' });
    expect(changeFailureRate([deploy('x', 10, { autoRolledBack: true }), deploy('y', 5)], [], FROM, NOW).value).toBe(50);
  });
});

describe('scan pass rate and coverage', () => {
  it('counts a skipped scan as failed and takes the latest coverage', () => {
    expect(scanPassRate([{ at: h(5), passed: true }, { at: h(6), passed: false }, { at: h(7), passed: true }, { at: h(8), passed: true }], FROM, NOW).value).toBe(75);
    const m = computeMetrics({ slug: 'x', runs: [], deployments: [], incidents: [], scans: [], quality: [{ at: h(50), coverage: 91 }, { at: h(5), coverage: 79.5 }] }, FROM, NOW);
    expect(m.coverage).toMatchObject({ value: 79.5, met: false });
  });
});

describe('reading the forges\' values', () => {
  it('parses GitLab\'s timestamp formats and maps run conclusions', () => {
    expect(date('2021-04-28 21:50:00 +0200')?.toISOString()).toBe('2021-04-28T19:50:00.000Z');
    expect(date('2016-08-12 15:23:28 UTC')?.toISOString()).toBe('2016-08-12T15:23:28.000Z');
    expect(conclusionOf('failed')).toBe('failure');
    expect(conclusionOf('canceled')).toBe('cancelled');
    expect(rootCause('Outage.\nroot cause: ABCDEF1234')).toEqual({ rootCauseSha: 'abcdef1234' });
  });
});

describeShared('webhook samples (../shared/fixtures/github-api)', () => {
  const read = (f: string) => JSON.parse(fs.readFileSync(sharedPath('fixtures', 'github-api', f), 'utf8'));
  it('reads the run, pipeline and deployment samples', () => {
    const run = read('github-webhook-workflow_run.completed.json').workflow_run;
    expect(conclusionOf(run.conclusion)).toBe('success');
    const pipeline = read('gitlab-webhook-pipeline.json').object_attributes;
    expect(date(pipeline.created_at)).toBeInstanceOf(Date);
    expect(conclusionOf(pipeline.status)).not.toBe('other');
    const deployment = read('gitlab-webhook-deployment.json');
    expect(date(deployment.status_changed_at)?.getTime()).toBe(Date.parse('2021-04-28T19:50:00Z'));
  });
});

describe('collecting facts from the forges', () => {
  let forge: ForgeEmulator;
  beforeEach(async () => {
    forge = await new ForgeEmulator().start();
  });
  afterEach(() => forge.stop());

  it('gets every run past the 1,000-result cap, deployments with their changes (squash via the PR), and incidents', async () => {
    const start = NOW.getTime() - 6 * 86400_000;
    const runs = Array.from({ length: 1500 }, (_, i) => ({
      id: i + 1,
      event: 'push',
      status: 'completed',
      conclusion: i % 15 === 0 ? 'failure' : 'success',
      head_sha: 's',
      head_branch: 'main',
      path: '.github/workflows/ci.yml',
      created_at: new Date(start + i * 5 * 60_000).toISOString(),
      updated_at: new Date(start + i * 5 * 60_000).toISOString(),
    }));
    forge.github['acme/web'] = {
      runs,
      deployments: [
        { id: 1, sha: 'aaa', ref: 'main', environment: 'prod', created_at: h(100), statuses: [{ id: 11, state: 'success', created_at: h(99) }] },
        { id: 2, sha: 'bbb', ref: 'main', environment: 'prod', created_at: h(50), statuses: [{ id: 22, state: 'success', created_at: h(49) }, { id: 21, state: 'in_progress', created_at: h(50) }] },
        { id: 3, sha: 'aaa', ref: 'main', environment: 'prod', created_at: h(48), statuses: [{ id: 33, state: 'success', created_at: h(48) }] },
      ],
      compare: { 'aaa...bbb': [{ sha: 'bbb', commit: { author: { date: h(51) }, message: 'Add thing (#42)' } }] },
      pulls: { bbb: [{ number: 42, created_at: h(70), merged_at: h(51) }] },
      issues: [{ number: 9, title: 'down', state: 'closed', created_at: h(49), closed_at: h(48), labels: [{ name: 'incident' }], body: 'root cause: bbb' }],
    };
    const registry = parseRegistry('projects:\n  - slug: web\n    repo: github.com/acme/web\n    default_branch: main\n    deployment_targets: [{ type: fly, environments: [dev, prod] }]\n    ci_template: deploy-fly.yml\n', 'r.yaml');
    const github = new GitHubClient({ baseUrl: forge.baseUrl, token: 'ghp_metrics' });
    const facts = await collectFacts({ registry, from: new Date(NOW.getTime() - 28 * 86400_000), to: NOW, github });
    const web = facts.projects[0];
    expect(web.problems).toBeUndefined();
    expect(web.runs).toHaveLength(1500);
    const m = computeMetrics(web, new Date(facts.window.from), NOW);
    // 100 failures in 1,500 runs.
    expect(m.pipelineSuccessRate.value).toBe(93.33);
    expect(web.deployments.map((d) => [d.id, d.rollback ?? false])).toEqual([
      ['1', false],
      ['2', false],
      ['3', true],
    ]);
    expect(web.deployments[1].changes).toEqual([{ sha: 'bbb', committedAt: h(51), workStartedAt: h(70) }]);
    expect(m.leadTime.value).toBe(21); // PR opened 70 h ago, deployed 49 h ago
    expect(m.changeFailureRate.value).toBe(50); // deploy 2 (root cause bbb) of 2 deliveries
    expect(m.recoveryTime.value).toBe(1); // from deploy 49 h ago to the incident closing 48 h ago
  });

  it('collects GitLab pipelines, production-tier deployments and incidents; an API failure is recorded, not thrown', async () => {
    forge.gitlab['acme/api'] = {
      id: 5,
      defaultBranch: 'main',
      pipelines: [
        { id: 1, sha: 'a', ref: 'main', status: 'success', created_at: h(10), updated_at: h(9) },
        { id: 2, sha: 'b', ref: 'main', status: 'failed', created_at: h(8), updated_at: h(7) },
        { id: 3, sha: 'c', ref: 'main', status: 'canceled', created_at: h(6), updated_at: h(5) },
      ],
      deployments: [{ id: 7, iid: 1, sha: 'a', ref: 'main', status: 'success', created_at: h(9), updated_at: h(9), finished_at: h(9), environment: { name: 'production', tier: 'production' } }],
      issues: [{ iid: 3, title: 'x', state: 'closed', created_at: h(8), closed_at: h(7.5), issue_type: 'incident', description: 'root cause: a' }],
    };
    forge.http.on('GET', '/api/v4/projects/:project/deployments/:id/merge_requests', () => ({ body: [{ iid: 4, created_at: h(30), merged_at: h(12) }] }));
    forge.http.fault('GET', '/api/v4/projects/acme%2Fapi/issues', { status: 500, times: 10 });
    const registry = parseRegistry('projects:\n  - slug: api\n    repo: gitlab.com/acme/api\n    deployment_targets: [{ type: aks, environments: [dev, staging, production] }]\n    ci_template: python-aks.yml\n', 'r.yaml');
    const gitlab = new GitLabClient({ baseUrl: forge.gitlabUrl, token: 'glpat-metrics', maxAttempts: 2, sleep: async () => undefined });
    const facts = await collectFacts({ registry, from: new Date(NOW.getTime() - 28 * 86400_000), to: NOW, gitlab });
    const api = facts.projects[0];
    expect(api.problems).toEqual([expect.stringMatching(/^incidents: GitLab API: GET .* answered HTTP 500/)]);
    const m = computeMetrics(api, new Date(facts.window.from), NOW);
    expect(m.pipelineSuccessRate.value).toBe(50);
    expect(m.leadTime.value).toBe(21); // MR opened 30 h ago, deployed 9 h ago
  });

  it('reads deploy records and gate evidence from checkouts when no API is given', async () => {
    const registry = loadRegistry(path.join(__dirname, 'fixtures', 'portfolio', 'registry.yaml'));
    const facts = await collectFacts({ registry, from: new Date('2026-02-01T00:00:00Z'), to: NOW }, registry.projects.filter((p) => p.slug === 'web-app'));
    const web = facts.projects[0];
    expect(web.deployments.map((d) => [d.environment, d.production, d.rollback])).toEqual([
      ['staging', false, true],
      ['prod', true, false],
    ]);
    expect(web.quality).toEqual([{ at: '2026-02-27T10:00:00.000Z', coverage: 86.4, verdict: 'pass' }]);
    expect(web.scans).toEqual([{ at: '2026-02-27T10:05:00.000Z', passed: true }]);
  });
});

describe('paved metrics collect / dashboard', () => {
  it('collects from checkouts into a facts file and builds the dashboard from the registry directly', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-metrics-'));
    const registry = path.join(__dirname, 'fixtures', 'portfolio', 'registry.yaml');
    const collect = await runCli(['metrics', 'collect', '--registry', registry, '--now', '2026-03-02', '--days', '28', '--out', 'facts.json', '--format', 'json'], { cwd: dir, env: {} });
    expect(collect.exitCode).toBe(0);
    const printed = JSON.parse(collect.stdout);
    expect(printed.metrics.find((m: { slug: string }) => m.slug === 'web-app').coverage.value).toBe(86.4);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'facts.json'), 'utf8')).projects).toHaveLength(5);
    const dash = await runCli(['metrics', 'dashboard', '--registry', registry, '--now', '2026-03-02', '--days', '28', '--weeks', '4', '--out-dir', 'site'], { cwd: dir, env: {} });
    expect(dash.exitCode).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'site')).sort()).toEqual(['dashboard.html', 'metrics.json', 'metrics.md']);
  });

  it('rejects a bad --days and a bad --now with exit 2 naming the option', async () => {
    const days = await runCli(['metrics', 'collect', '--registry', 'r.yaml', '--days', '0'], { env: {} });
    expect(days.exitCode).toBe(2);
    expect(days.stderr).toContain('--days');
    const now = await runCli(['metrics', 'collect', '--registry', 'r.yaml', '--now', 'yesterday'], { env: {} });
    expect(now.exitCode).toBe(2);
    expect(now.stderr).toContain('--now: not a date');
  });
});
