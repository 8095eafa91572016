// The dashboard: one self-contained HTML file (no script, no external URL) that headless Chromium
// renders with every metric, the compliance matrix and the drift chart; plus JSON and Markdown.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { FactsFile } from '../../src/governor/collect';
import type { DashboardData } from '../../src/governor/dashboard';
import type { Deployment, PipelineRun, ProjectFacts } from '../../src/governor/metrics';
import { onPath, run } from '../../src/platform/exec';

const PORTFOLIO = path.join(__dirname, 'fixtures', 'portfolio');
const NOW = Date.parse('2026-03-02T00:00:00Z');
const DAY = 86400_000;

/** Twelve weeks of plausible history for a project; `health` (0..1) shapes how well it does. */
function history(slug: string, health: number, deploysPerWeek: number): ProjectFacts {
  const runs: PipelineRun[] = [];
  const deployments: Deployment[] = [];
  const quality: ProjectFacts['quality'] = [];
  const scans: ProjectFacts['scans'] = [];
  const incidents: ProjectFacts['incidents'] = [];
  for (let day = 0; day < 84; day++) {
    const at = (hour: number) => new Date(NOW - (84 - day) * DAY + hour * 3600_000).toISOString();
    for (let i = 0; i < 6; i++) {
      // A deterministic failure pattern: fewer failures for healthier projects, improving over time.
      const fails = (day * 7 + i * 13) % 100 < (1 - health) * 30 * (1.4 - day / 84);
      runs.push({ id: `${slug}-${day}-${i}`, createdAt: at(8 + i), conclusion: fails ? 'failure' : 'success' });
    }
    if (day % Math.max(1, Math.round(7 / deploysPerWeek)) === 0) {
      const id = `${slug}-d${day}`;
      deployments.push({
        id,
        environment: 'prod',
        production: true,
        at: at(15),
        status: 'success',
        sha: `sha${day}`,
        changes: [{ sha: `c${day}`, committedAt: at(15 - 30 * (1.2 - health)) }],
      });
      deployments.push({ id: `${id}-stg`, environment: 'staging', production: false, at: at(13), status: 'success', sha: `sha${day}` });
      deployments.push({ id: `${id}-dev`, environment: 'dev', production: false, at: at(11), status: 'success', sha: `sha${day}` });
      if (day % 17 === 0 && health < 0.9) incidents.push({ id: `i${day}`, createdAt: at(16), resolvedAt: at(16 + 2 * (1 - health)), rootCauseSha: `sha${day}` });
    }
    if (day % 7 === 3) {
      quality.push({ at: at(9), coverage: Math.round((60 + health * 30 + day / 10) * 10) / 10, verdict: 'pass' });
      scans.push({ at: at(9), passed: (day + Math.round(health * 10)) % 3 !== 0 || health > 0.9 });
    }
  }
  return { slug, environments: ['dev', 'staging', 'prod'], runs, deployments, incidents, quality, scans };
}

function factsFile(): FactsFile {
  return {
    generatedAt: new Date(NOW).toISOString(),
    window: { from: new Date(NOW - 84 * DAY).toISOString(), to: new Date(NOW).toISOString() },
    projects: [
      history('web-app', 0.97, 5),
      history('api', 0.8, 2),
      history('events', 0.6, 1),
      { ...history('analytics', 0.5, 0.5), problems: ['incidents: GitHub API: GET /repos/acme/analytics/issues answered HTTP 502'] },
      history('reports', 0.9, 3),
    ],
  };
}

function findChromium(): string {
  const found = process.env.PAVED_CHROMIUM ?? ['chromium', 'chromium-browser', 'google-chrome'].map((c) => onPath(c)).find(Boolean);
  if (!found) throw new Error('headless Chromium is needed for this test: apt-get install -y chromium (or set PAVED_CHROMIUM)');
  return found;
}

function chromiumArgs(profile: string): string[] {
  return ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`];
}

describe('paved metrics dashboard', () => {
  let dir: string;
  let html: string;
  let data: DashboardData;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-dashboard-'));
    fs.writeFileSync(path.join(dir, 'facts.json'), JSON.stringify(factsFile()));
    const audit = await runCli(['audit', 'run', '--registry', path.join(PORTFOLIO, 'registry.yaml'), '--out-dir', path.join(dir, 'audit'), '--now', '2026-03-02'], { env: {} });
    expect(audit.exitCode).toBe(1);
    const res = await runCli(['metrics', 'dashboard', '--facts', 'facts.json', '--audit', 'audit/audit.json', '--out-dir', 'site', '--weeks', '12'], { cwd: dir, env: {} });
    expect(res.stderr).toBe('');
    expect(res.exitCode).toBe(0);
    html = fs.readFileSync(path.join(dir, 'site', 'dashboard.html'), 'utf8');
    data = JSON.parse(fs.readFileSync(path.join(dir, 'site', 'metrics.json'), 'utf8'));
  });

  it('is one self-contained file: no script, no stylesheet link, no external URL', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)\s*=/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('carries the same numbers as metrics.json and metrics.md', () => {
    const md = fs.readFileSync(path.join(dir, 'site', 'metrics.md'), 'utf8');
    expect(data.projects.map((p) => p.slug)).toEqual(['web-app', 'api', 'events', 'analytics', 'reports']);
    expect(data.trends.portfolio).toHaveLength(12);
    const rate = `${data.portfolio.pipelineSuccessRate.value}%`;
    expect(md).toContain(`| Pipeline success rate | ${rate} | > 95% over 7 days |`);
    expect(html).toContain(rate);
    expect(data.compliance?.summary).toMatchObject({ compliant: 1, drifting: 1, non_compliant: 3 });
    expect(md).toContain('- analytics: incidents: GitHub API');
  });

  it('renders in headless Chromium: metric cards, trends, the compliance matrix and the drift chart', async () => {
    const chromium = findChromium();
    const file = path.join(dir, 'site', 'dashboard.html');
    const dom = await run(chromium, [...chromiumArgs(path.join(dir, 'profile-dom')), '--dump-dom', `file://${file}`], { timeoutMs: 60000 });
    expect(dom.exitCode).toBe(0);
    const out = dom.stdout;
    for (const id of ['pipelineSuccessRate', 'deploymentFrequency', 'leadTime', 'changeFailureRate', 'recoveryTime', 'coverage', 'scanPassRate']) {
      expect(out).toContain(`id="metric-${id}"`);
    }
    expect((out.match(/<polyline /g) ?? []).length).toBeGreaterThanOrEqual(7);
    expect((out.match(/<tr data-slug=/g) ?? []).length).toBe(10); // matrix rows + project rows
    expect(out).toContain('id="compliance"');
    expect(out).toContain('v2.2.0 (behind-minor): reports');
    expect(out).toContain('Collection problems');

    const shot = path.join(dir, 'site', 'dashboard.png');
    const png = await run(chromium, [...chromiumArgs(path.join(dir, 'profile-shot')), `--screenshot=${shot}`, '--window-size=1400,2200', '--hide-scrollbars', `file://${file}`], { timeoutMs: 60000 });
    expect(png.exitCode).toBe(0);
    const bytes = fs.readFileSync(shot);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(50_000);
    if (process.env.PAVED_KEEP_SCREENSHOT) fs.copyFileSync(shot, process.env.PAVED_KEEP_SCREENSHOT);
  });

  it('refuses a file that is not a facts file, and a missing --out-dir, with exit 2', async () => {
    fs.writeFileSync(path.join(dir, 'junk.json'), '{"hello": 1}');
    const junk = await runCli(['metrics', 'dashboard', '--facts', 'junk.json', '--out-dir', 'x'], { cwd: dir, env: {} });
    expect(junk.exitCode).toBe(2);
    expect(junk.stderr).toContain('junk.json: not a facts file');
    const noOut = await runCli(['metrics', 'dashboard', '--facts', 'facts.json'], { cwd: dir, env: {} });
    expect(noOut.exitCode).toBe(2);
    expect(noOut.stderr).toContain('--out-dir');
  });
});
