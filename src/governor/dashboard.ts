// The cross-project dashboard: one self-contained HTML page (inline CSS and SVG, no script, no
// external URL) with each metric's portfolio value against its target and DORA level, weekly trend
// lines, the per-project table, the project × check compliance matrix and template drift per
// version; plus the same numbers as JSON and Markdown.

import { CHECKS, type CheckStatus } from './checks';
import type { AuditReport } from './audit';
import type { FactsFile } from './collect';
import { computeMetrics, METRIC_KEYS, METRIC_TITLES, weeklyTrend, type MetricKey, type MetricValue, type ProjectFacts, type ProjectMetrics } from './metrics';
import type { ComplianceStatus } from './registry';
import type { DriftClass } from './versions';

type TrendPoint = ReturnType<typeof weeklyTrend>[number];

export interface DashboardData {
  generatedAt: string;
  window: { from: string; to: string };
  portfolio: ProjectMetrics;
  projects: ProjectMetrics[];
  trends: { portfolio: TrendPoint[]; projects: Record<string, TrendPoint[]> };
  compliance?: {
    date: string;
    summary: AuditReport['summary'];
    matrix: Array<{ slug: string; status: ComplianceStatus; summary: string; checks: Record<string, CheckStatus> }>;
    templateVersions: AuditReport['templateVersions'];
  };
  problems: Array<{ slug: string; problem: string }>;
}

/** The numbers behind the dashboard: per project, pooled over the portfolio, and weekly trends. */
export function buildDashboard(facts: FactsFile, audit?: AuditReport, weeks = 12): DashboardData {
  const from = new Date(facts.window.from);
  const to = new Date(facts.window.to);
  const pooled: ProjectFacts = {
    slug: 'portfolio',
    runs: facts.projects.flatMap((p) => p.runs.map((r) => ({ ...r, id: `${p.slug}/${r.id}` }))),
    deployments: facts.projects.flatMap((p) => p.deployments.map((d) => ({ ...d, id: `${p.slug}/${d.id}`, environment: `${p.slug}/${d.environment}` }))),
    incidents: facts.projects.flatMap((p) => p.incidents.map((i) => ({ ...i, id: `${p.slug}/${i.id}`, deploymentId: i.deploymentId && `${p.slug}/${i.deploymentId}` }))),
    quality: [],
    scans: facts.projects.flatMap((p) => p.scans),
  };
  const portfolio = computeMetrics(pooled, from, to);
  // Portfolio coverage: the mean of each project's latest figure (a sum of lines is not available).
  const projectMetrics = facts.projects.map((p) => computeMetrics(p, from, to));
  const covs = projectMetrics.map((m) => m.coverage.value).filter((v): v is number => v !== null);
  portfolio.coverage = {
    ...portfolio.coverage,
    value: covs.length ? Math.round((covs.reduce((a, b) => a + b, 0) / covs.length) * 100) / 100 : null,
    met: covs.length ? covs.every((c) => c > 80) : null,
    samples: covs.length,
    detail: `mean of ${covs.length} project(s)' latest coverage; target met only when every project is above 80%`,
  };
  const trendWeeks = Math.max(1, Math.min(weeks, Math.ceil((to.getTime() - from.getTime()) / (7 * 86400_000))));
  const portfolioTrend = weeklyTrend(pooled, to, trendWeeks);
  const projectTrends = Object.fromEntries(facts.projects.map((p) => [p.slug, weeklyTrend(p, to, trendWeeks)]));
  portfolioTrend.forEach((point, week) => {
    const values = Object.values(projectTrends).map((trend) => trend[week].coverage).filter((v): v is number => v !== null);
    point.coverage = values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100 : null;
  });
  return {
    generatedAt: facts.generatedAt,
    window: facts.window,
    portfolio,
    projects: projectMetrics,
    trends: { portfolio: portfolioTrend, projects: projectTrends },
    compliance: audit && {
      date: audit.generatedAt,
      summary: audit.summary,
      matrix: audit.projects.map((p) => ({ slug: p.slug, status: p.status, summary: p.summary, checks: Object.fromEntries(p.checks.map((c) => [c.id, c.status])) })),
      templateVersions: audit.templateVersions,
    },
    problems: facts.projects.flatMap((p) => (p.problems ?? []).map((problem) => ({ slug: p.slug, problem }))),
  };
}

// -------------------------------------------------------------------------------------- Markdown

export function renderDashboardMarkdown(d: DashboardData): string {
  const lines = [
    `## Platform metrics — ${d.window.from.slice(0, 10)} to ${d.window.to.slice(0, 10)}`,
    '',
    '| Metric | Portfolio | Target | Met | DORA level |',
    '| --- | --- | --- | :-: | --- |',
    ...METRIC_KEYS.map((k) => {
      const m = d.portfolio[k];
      return `| ${METRIC_TITLES[k]} | ${formatValue(m)} | ${m.target} | ${metIcon(m.met)} | ${m.level ?? '—'} |`;
    }),
    '',
    `| Project | ${METRIC_KEYS.map((k) => SHORT[k]).join(' | ')} |`,
    `| --- | ${METRIC_KEYS.map(() => '---').join(' | ')} |`,
    ...d.projects.map((p) => `| ${p.slug} | ${METRIC_KEYS.map((k) => `${metIcon(p[k].met)} ${formatValue(p[k])}`).join(' | ')} |`),
  ];
  if (d.compliance) {
    const s = d.compliance.summary;
    lines.push('', `Compliance (${d.compliance.date.slice(0, 10)}): ${s.compliant} compliant, ${s.drifting} drifting, ${s.non_compliant} non-compliant, ${s.unknown} unknown.`);
  }
  if (d.problems.length > 0) lines.push('', '### Collection problems', '', ...d.problems.map((p) => `- ${p.slug}: ${p.problem}`));
  return `${lines.join('\n')}\n`;
}

const SHORT: Record<MetricKey, string> = {
  pipelineSuccessRate: 'Success 7d',
  deploymentFrequency: 'Deploys/wk',
  leadTime: 'Lead time',
  changeFailureRate: 'CFR',
  recoveryTime: 'MTTR',
  coverage: 'Coverage',
  scanPassRate: 'Scan pass',
};

function metIcon(met: boolean | null): string {
  return met === null ? '—' : met ? '✅' : '❌';
}

function formatValue(m: MetricValue): string {
  if (m.value === null) return 'no data';
  if (m.unit === '%') return `${m.value}%`;
  if (m.unit === 'hours') return m.value < 1 ? `${Math.round(m.value * 60)} min` : m.value < 48 ? `${m.value} h` : `${Math.round((m.value / 24) * 10) / 10} d`;
  return `${m.value}/wk`;
}

// ------------------------------------------------------------------------------------------ HTML

const COLOURS = { pass: '#1a7f37', warn: '#bf8700', fail: '#cf222e', unknown: '#8c959f', exempt: '#0969da' } as const;
const STATUS_COLOUR: Record<ComplianceStatus, string> = { compliant: COLOURS.pass, drifting: COLOURS.warn, non_compliant: COLOURS.fail, unknown: COLOURS.unknown };
const DRIFT_COLOUR: Record<DriftClass, string> = {
  current: COLOURS.pass,
  'behind-minor': COLOURS.warn,
  'behind-major': COLOURS.fail,
  'unpinned-branch': '#8250df',
  'unknown-ref': COLOURS.unknown,
  missing: '#57606a',
};
const LEVEL_COLOUR: Record<string, string> = { elite: '#8250df', high: COLOURS.pass, medium: COLOURS.warn, low: COLOURS.fail };

export function renderDashboardHtml(d: DashboardData): string {
  const cards = METRIC_KEYS.map((k) => metricCard(k, d)).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Platform dashboard — ${esc(d.window.to.slice(0, 10))}</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>Platform dashboard</h1>
  <p class="sub">${d.projects.length} project(s) · ${esc(d.window.from.slice(0, 10))} → ${esc(d.window.to.slice(0, 10))} · generated ${esc(d.generatedAt.replace('T', ' ').slice(0, 16))} UTC</p>
  ${d.compliance ? complianceTiles(d.compliance.summary) : ''}
</header>
<main>
<section aria-label="Metrics" class="cards" id="metrics">
${cards}
</section>
${d.compliance ? complianceMatrix(d.compliance) : ''}
${d.compliance && d.compliance.templateVersions.length ? driftChart(d.compliance.templateVersions) : ''}
${projectTable(d)}
${d.problems.length ? `<section id="problems"><h2>Collection problems</h2><ul>${d.problems.map((p) => `<li><b>${esc(p.slug)}</b>: ${esc(p.problem)}</li>`).join('')}</ul></section>` : ''}
</main>
<footer>Targets from the platform's portfolio standard; DORA levels per the 2024 State of DevOps clusters (deployment frequency by Four Keys' weekly-median method). Figures resting on few samples show their count.</footer>
</body>
</html>
`;
}

function complianceTiles(s: AuditReport['summary']): string {
  const tile = (label: string, n: number, colour: string, id: string) => `<div class="tile" id="tile-${id}" style="border-color:${colour}"><span class="n" style="color:${colour}">${n}</span><span>${label}</span></div>`;
  return `<div class="tiles">${tile('compliant', s.compliant, COLOURS.pass, 'compliant')}${tile('drifting', s.drifting, COLOURS.warn, 'drifting')}${tile('non-compliant', s.non_compliant, COLOURS.fail, 'non-compliant')}${tile('unknown', s.unknown, COLOURS.unknown, 'unknown')}</div>`;
}

function metricCard(k: MetricKey, d: DashboardData): string {
  const m = d.portfolio[k];
  const state = m.met === null ? 'unknown' : m.met ? 'pass' : 'fail';
  const series = d.trends.portfolio.map((p) => ({ label: p.weekEnding, value: p[k] }));
  const targetLine = TARGET_LINES[k];
  return `<article class="card" id="metric-${k}" data-met="${state}">
  <h2>${esc(METRIC_TITLES[k])}</h2>
  <div class="value" style="color:${COLOURS[state]}">${esc(formatValue(m))}</div>
  <div class="meta"><span class="badge" style="background:${COLOURS[state]}">${m.met === null ? 'no data' : m.met ? 'target met' : 'target missed'}</span>${m.level ? ` <span class="badge" style="background:${LEVEL_COLOUR[m.level]}">DORA ${m.level}</span>` : ''}</div>
  <div class="target">target: ${esc(m.target)} · ${m.samples} sample(s)</div>
  ${sparkline(series, m.unit, targetLine, `${METRIC_TITLES[k]} by week`)}
  <div class="detail">${esc(m.detail)}</div>
</article>`;
}

const TARGET_LINES: Partial<Record<MetricKey, number>> = { pipelineSuccessRate: 95, coverage: 80, changeFailureRate: 5, recoveryTime: 1, deploymentFrequency: 1, scanPassRate: 100, leadTime: 24 };

/** A weekly trend line: gaps where a week has no data, a dashed target line, the last value labelled. */
function sparkline(points: Array<{ label: string; value: number | null }>, unit: string, target: number | undefined, title: string): string {
  const w = 300;
  const h = 90;
  const pad = { l: 30, r: 8, t: 8, b: 18 };
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const max = unit === '%' ? 100 : Math.max(1, ...values, target ?? 0) * 1.15;
  const x = (i: number) => pad.l + (points.length <= 1 ? (w - pad.l - pad.r) / 2 : (i * (w - pad.l - pad.r)) / (points.length - 1));
  const y = (v: number) => pad.t + (h - pad.t - pad.b) * (1 - Math.min(v, max) / max);
  const segments: string[] = [];
  let current: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (current.length) segments.push(current.join(' '));
      current = [];
    } else current.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  if (current.length) segments.push(current.join(' '));
  const dots = points
    .map((p, i) => (p.value === null ? '' : `<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="2.5"><title>${esc(p.label)}: ${p.value}${unit === '%' ? '%' : ` ${unit}`}</title></circle>`))
    .join('');
  const targetSvg = target !== undefined && target <= max ? `<line class="target" x1="${pad.l}" x2="${w - pad.r}" y1="${y(target).toFixed(1)}" y2="${y(target).toFixed(1)}"/>` : '';
  const axis = `<text x="${pad.l - 4}" y="${pad.t + 4}" text-anchor="end">${fmtAxis(max, unit)}</text><text x="${pad.l - 4}" y="${h - pad.b}" text-anchor="end">0</text>`;
  const first = points[0]?.label.slice(5) ?? '';
  const last = points[points.length - 1]?.label.slice(5) ?? '';
  const labels = `<text x="${pad.l}" y="${h - 4}">${esc(first)}</text><text x="${w - pad.r}" y="${h - 4}" text-anchor="end">${esc(last)}</text>`;
  const empty = values.length === 0 ? `<text x="${w / 2}" y="${h / 2}" text-anchor="middle" class="empty">no data in the window</text>` : '';
  return `<svg class="spark" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title><line class="axis" x1="${pad.l}" x2="${pad.l}" y1="${pad.t}" y2="${h - pad.b}"/><line class="axis" x1="${pad.l}" x2="${w - pad.r}" y1="${h - pad.b}" y2="${h - pad.b}"/>${targetSvg}${segments.map((s) => `<polyline points="${s}"/>`).join('')}${dots}${axis}${labels}${empty}</svg>`;
}

function fmtAxis(v: number, unit: string): string {
  if (unit === '%') return '100%';
  return v >= 10 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
}

function complianceMatrix(c: NonNullable<DashboardData['compliance']>): string {
  const ids = Object.keys(CHECKS) as Array<keyof typeof CHECKS>;
  const head = ids.map((id) => `<th class="rot" title="${esc(CHECKS[id])}"><span>${esc(id)}</span></th>`).join('');
  const rows = c.matrix
    .map((p) => {
      const cells = ids
        .map((id) => {
          const s = p.checks[id] ?? 'unknown';
          return `<td class="cell" style="background:${COLOURS[s]}" title="${esc(`${p.slug} — ${CHECKS[id]}: ${s}`)}">${CELL_MARK[s]}</td>`;
        })
        .join('');
      return `<tr data-slug="${esc(p.slug)}"><th class="proj">${esc(p.slug)}</th><td><span class="badge" style="background:${STATUS_COLOUR[p.status]}">${esc(p.status.replace('_', '-'))}</span></td>${cells}</tr>`;
    })
    .join('\n');
  return `<section id="compliance"><h2>Compliance by project and check <small>audit of ${esc(c.date.slice(0, 10))}</small></h2>
<table class="matrix"><thead><tr><th></th><th>status</th>${head}</tr></thead><tbody>
${rows}
</tbody></table>
<p class="legend">${(['pass', 'warn', 'fail', 'exempt', 'unknown'] as const).map((s) => `<span><i style="background:${COLOURS[s]}"></i>${s}</span>`).join('')}</p>
<dl class="checks">${ids.map((id) => `<dt>${esc(id)}</dt><dd>${esc(CHECKS[id])}</dd>`).join('')}</dl></section>`;
}

const CELL_MARK: Record<CheckStatus, string> = { pass: '✓', warn: '!', fail: '✗', exempt: 'z', unknown: '?' };

function driftChart(versions: AuditReport['templateVersions']): string {
  const templates = [...new Set(versions.map((v) => v.template))];
  const total = Math.max(...templates.map((t) => versions.filter((v) => v.template === t).reduce((n, v) => n + v.projects.length, 0)));
  const barW = 520;
  const rowH = 30;
  const labelW = Math.min(460, Math.max(120, ...templates.map((t) => t.length * 7 + 16)));
  const rows = templates
    .map((t, i) => {
      let x = labelW;
      const segs = versions
        .filter((v) => v.template === t)
        .map((v) => {
          const width = (v.projects.length / total) * barW;
          const seg = `<g class="seg"><rect x="${x.toFixed(1)}" y="${i * rowH + 4}" width="${Math.max(width - 2, 1).toFixed(1)}" height="${rowH - 10}" fill="${DRIFT_COLOUR[v.drift]}"><title>${esc(`${t} ${v.version} (${v.drift}): ${v.projects.join(', ')}`)}</title></rect>${width > 44 ? `<text x="${(x + 6).toFixed(1)}" y="${i * rowH + rowH / 2 + 4}" class="in">${esc(v.version)} · ${v.projects.length}</text>` : ''}</g>`;
          x += width;
          return seg;
        })
        .join('');
      return `<text x="${labelW - 8}" y="${i * rowH + rowH / 2 + 4}" text-anchor="end">${esc(t)}</text>${segs}`;
    })
    .join('');
  const legend = (Object.keys(DRIFT_COLOUR) as DriftClass[]).map((k) => `<span><i style="background:${DRIFT_COLOUR[k]}"></i>${k}</span>`).join('');
  return `<section id="drift"><h2>Template versions in use</h2>
<svg class="drift" viewBox="0 0 ${labelW + barW + 10} ${templates.length * rowH + 4}" role="img" aria-label="Projects per template version">${rows}</svg>
<p class="legend">${legend}</p></section>`;
}

function projectTable(d: DashboardData): string {
  const head = METRIC_KEYS.map((k) => `<th>${esc(SHORT[k])}</th>`).join('');
  const rows = d.projects
    .map((p) => {
      const cells = METRIC_KEYS.map((k) => {
        const m = p[k];
        const state = m.met === null ? 'unknown' : m.met ? 'pass' : 'fail';
        return `<td class="num" style="color:${COLOURS[state]}" title="${esc(m.detail)}">${esc(formatValue(m))}</td>`;
      }).join('');
      const trend = d.trends.projects[p.slug] ?? [];
      return `<tr data-slug="${esc(p.slug)}"><th class="proj">${esc(p.slug)}</th>${cells}<td>${sparkline(trend.map((t) => ({ label: t.weekEnding, value: t.pipelineSuccessRate })), '%', 95, `${p.slug} pipeline success by week`).replace('class="spark"', 'class="spark mini"')}</td></tr>`;
    })
    .join('\n');
  return `<section id="projects"><h2>Projects</h2><table class="projects"><thead><tr><th></th>${head}<th>success trend</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
header{background:#fff;border-bottom:1px solid #d0d7de;padding:18px 28px;display:flex;flex-wrap:wrap;align-items:center;gap:8px 28px}
h1{font-size:22px;margin:0}.sub{margin:0;color:#57606a;flex:1 1 300px}
.tiles{display:flex;gap:10px}.tile{background:#fff;border:2px solid;border-radius:8px;padding:6px 12px;display:flex;flex-direction:column;align-items:center;min-width:92px}
.tile .n{font-size:22px;font-weight:700}.tile span:last-child{font-size:12px;color:#57606a}
main{padding:20px 28px;display:flex;flex-direction:column;gap:22px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:10px;padding:14px 16px}
.card h2{font-size:13px;font-weight:600;color:#57606a;margin:0 0 4px;text-transform:uppercase;letter-spacing:.03em}
.value{font-size:30px;font-weight:700;line-height:1.1}
.meta{margin:6px 0 2px}.badge{display:inline-block;color:#fff;border-radius:999px;padding:1px 9px;font-size:12px;font-weight:600}
.target,.detail{font-size:12px;color:#57606a}.detail{margin-top:4px}
.spark{width:100%;height:auto;margin-top:6px}.spark polyline{fill:none;stroke:#0969da;stroke-width:2}.spark circle{fill:#0969da}
.spark .axis{stroke:#d0d7de}.spark .target{stroke:#cf222e;stroke-dasharray:4 3;stroke-width:1}.spark text{font-size:10px;fill:#57606a}.spark .empty{font-size:12px}
.spark.mini{width:140px}
section{background:#fff;border:1px solid #d0d7de;border-radius:10px;padding:14px 16px;overflow-x:auto}
section.cards{background:none;border:0;padding:0}
section h2{font-size:16px;margin:0 0 10px}section h2 small{font-weight:400;color:#57606a;font-size:12px}
table{border-collapse:collapse}th,td{padding:4px 8px;text-align:left}
.matrix th.rot{height:130px;white-space:nowrap;vertical-align:bottom;padding:0 2px}
.matrix th.rot span{display:inline-block;transform:translateX(12px) rotate(-50deg);transform-origin:left bottom;width:26px;font-weight:500;font-size:12px}
.matrix td.cell{width:30px;height:26px;text-align:center;color:#fff;font-weight:700;border:2px solid #fff;border-radius:4px}
th.proj{font-weight:600;white-space:nowrap}
.projects td.num{font-variant-numeric:tabular-nums;font-weight:600;white-space:nowrap}.projects tr+tr{border-top:1px solid #eaeef2}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:12px;color:#57606a;margin:8px 0 0}.legend i{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:5px;vertical-align:-2px}
.checks{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:2px 10px;font-size:12px;color:#57606a;margin:10px 0 0}.checks dt{font-weight:600;color:#1f2328}.checks dd{margin:0}
.drift{width:100%;max-width:1000px}.drift text{font-size:12px;fill:#1f2328}.drift text.in{fill:#fff;font-weight:600}
footer{padding:10px 28px 24px;color:#57606a;font-size:12px}
`;
