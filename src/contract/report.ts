// The plan report reviewers read in a PR comment, job summary or terminal: the counts table above the
// fold, destroyed and replaced resources listed where nobody can miss them, every other change folded
// into <details>, and the whole kept under GitHub's comment limit however big the plan.

import { details, escapeCell, inlineCode, table } from '../platform/markdown';
import { isDestructive, type ChangeBrief } from './summary';
import type { Action, Diagnostic, PlanHeader } from './types';

/** Leaves room under GitHub's 65,535-character comment limit for the sticky-comment marker. */
const MARKDOWN_BUDGET = 60000;
const DESTRUCTIVE_SHOWN = 50;

const ICONS: Record<Action, string> = {
  create: '➕',
  update: '🔄',
  replace: '♻️',
  delete: '🗑️',
  read: '📖',
  'no-op': '▫️',
  import: '📥',
  move: '🚚',
  forget: '👋',
};
const ORDER: Action[] = ['create', 'update', 'replace', 'delete', 'import', 'move', 'forget', 'read', 'no-op'];

export interface PlanReportInput {
  header: PlanHeader;
  notable: ChangeBrief[];
  omitted: number;
  drifted: ChangeBrief[];
  omittedDrift: number;
  digest: string;
  /** The contract plan file as the user will find it (artifact name or path). */
  planPath?: string;
}

/** "3 to create, 1 to update, 1 to replace, 2 to delete" (or "no changes"). */
export function headline(header: PlanHeader): string {
  const s = header.summary;
  const parts = (['create', 'update', 'replace', 'delete', 'import', 'move', 'forget'] as const).filter((a) => s[a] > 0).map((a) => `${s[a]} to ${a}`);
  return parts.length ? parts.join(', ') : 'no changes';
}

export function planTitle(header: PlanHeader): string {
  const env = header.source.environment ? ` for ${header.source.environment}` : '';
  if (header.errored) return `Plan${env} errored: ${headline(header)} so far`;
  return `Plan${env}: ${headline(header)}${header.summary.destructive ? ` (${header.summary.destructive} destructive)` : ''}`;
}

function describeChange(c: ChangeBrief): string {
  const notes: string[] = [];
  if (c.maybe_replace) notes.push('**may be replaced**');
  if (c.action === 'delete' && !c.destroys) notes.push('object kept (removed from management only)');
  if (c.replace_paths.length) notes.push(`forced by ${c.replace_paths.map(inlineCode).join(', ')}`);
  if (c.previous_address) notes.push(`moved from ${inlineCode(c.previous_address)}`);
  if (c.reason) notes.push(c.reason);
  return notes.join('; ');
}

function changeLine(c: ChangeBrief): string {
  const note = describeChange(c);
  return `- ${ICONS[c.action]} ${inlineCode(c.address)} **${c.action}**${note ? ` — ${note}` : ''}`;
}

function diagnosticsBlock(diagnostics: Diagnostic[]): string {
  const shown = diagnostics.filter((d) => d.severity !== 'info');
  if (!shown.length) return '';
  const lines = shown.slice(0, 20).map((d) => `> ${d.severity === 'error' ? '❌' : '⚠️'} ${escapeCell(d.message)}`);
  if (shown.length > 20) lines.push(`> …and ${shown.length - 20} more in the plan's diagnostics`);
  return lines.join('\n');
}

/** Appends rows while they fit the budget; returns the rows kept and how many were dropped. */
function fitRows<T>(items: T[], render: (item: T) => string, budget: number): { text: string[]; dropped: number } {
  const text: string[] = [];
  let used = 0;
  for (const item of items) {
    const line = render(item);
    if (used + line.length + 1 > budget) break;
    text.push(line);
    used += line.length + 1;
  }
  return { text, dropped: items.length - text.length };
}

export function planMarkdown(input: PlanReportInput): string {
  const { header } = input;
  const s = header.summary;
  const out: string[] = [];
  const env = header.source.environment ? ` ${inlineCode(header.source.environment)}` : '';
  out.push(header.errored ? `### ❌ Plan${env} errored: ${headline(header)} so far` : `### ${s.destructive ? '⚠️' : s.has_changes ? '📋' : '✅'} Plan${env}: ${headline(header)}`);
  const facts = [`${header.tool.name}${header.tool.version ? ` ${header.tool.version}` : ''}`];
  if (header.source.commit) facts.push(`commit ${inlineCode(header.source.commit.slice(0, 12))}`);
  facts.push(`${inlineCode(input.planPath ?? 'plan.json')} sha256 ${inlineCode(input.digest)}`);
  out.push(facts.join(' · '));

  if (s.destructive) {
    const certain = s.destructive - s.maybe_replace;
    const parts = [certain && `${certain} deleted or replaced`, s.maybe_replace && `${s.maybe_replace} possibly replaced`].filter(Boolean);
    out.push(`> [!CAUTION]\n> **This plan destroys or may destroy ${s.destructive} resource${s.destructive > 1 ? 's' : ''}** (${parts.join(', ')}). Check them below before approving.`);
  }
  const diag = diagnosticsBlock(header.diagnostics);
  if (diag) out.push(diag);

  const rows = ORDER.filter((a) => s[a] > 0 || ['create', 'update', 'replace', 'delete'].includes(a)).map((a) => [`${ICONS[a]} ${a}`, s[a]]);
  if (s.drift) rows.push(['🌪️ drifted outside the tool', s.drift]);
  out.push(table(['Action', 'Resources'], rows, ['left', 'right']));

  const destructive = input.notable.filter(isDestructive);
  if (destructive.length) {
    const shown = destructive.slice(0, DESTRUCTIVE_SHOWN).map(changeLine);
    const more = s.destructive - shown.length;
    out.push(`**Destroyed, replaced or possibly replaced:**\n\n${shown.join('\n')}${more > 0 ? `\n- …and ${more} more (all in the details below and in the plan file)` : ''}`);
  }

  let used = out.join('\n\n').length;
  const changeBudget = Math.max(0, Math.floor((MARKDOWN_BUDGET - used) * (input.drifted.length ? 0.75 : 1)) - 200);
  if (input.notable.length) {
    const fitted = fitRows(input.notable, changeLine, changeBudget);
    const dropped = fitted.dropped + input.omitted;
    const body = fitted.text.join('\n') + (dropped ? `\n- …and ${dropped} more: see the plan file` : '');
    // Pulumi counts unchanged resources its preview does not list.
    const unchanged = Math.max(s['no-op'], s.tool_reported?.same ?? 0) + s.read;
    out.push(details(`All ${input.notable.length + input.omitted} changes${unchanged ? ` (${unchanged} unchanged or read not listed)` : ''}`, body));
  }
  used = out.join('\n\n').length;
  if (input.drifted.length) {
    const fitted = fitRows(input.drifted, changeLine, Math.max(0, MARKDOWN_BUDGET - used - 300));
    const dropped = fitted.dropped + input.omittedDrift;
    const body = fitted.text.join('\n') + (dropped ? `\n- …and ${dropped} more: see the plan file` : '');
    out.push(details(`Drift: ${s.drift} resource${s.drift > 1 ? 's' : ''} changed outside ${header.tool.name} (not part of what apply does)`, body));
  }
  return `${out.join('\n\n')}\n`;
}
