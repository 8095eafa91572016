// Built-in checks for GitHub Actions workflows: untrusted `${{ }}` expressions in `run:` and
// github-script, `pull_request_target` workflows that check out the PR's code, third-party actions not
// pinned to a commit, missing or write-all `permissions`, and `secrets: inherit`.
// Exported for reuse: the pipelines step runs `auditGithubWorkflow` over every workflow paved ships.

import type { Finding } from '../model';
import { entries, getNode, isMap, items, keyNode, lineContaining, parseLocated, pipelineFinding, scalar, type LocatedYaml, type PipelineRule } from './yaml-lines';

export const GITHUB_RULES: Record<string, PipelineRule> = {
  'gha-script-injection': {
    title: 'Untrusted input expanded into a script',
    severity: 'high',
    help: 'Pass the value through an environment variable (env: TITLE: ${{ github.event.issue.title }}) and use "$TITLE" in the script.',
  },
  'gha-pwn-request': {
    title: 'pull_request_target workflow checks out the pull request code',
    severity: 'critical',
    help: 'Do not build or run PR code in pull_request_target; use pull_request, or split into an unprivileged build and a privileged workflow_run.',
  },
  'gha-unpinned-action': {
    title: 'Third-party action not pinned to a commit SHA',
    severity: 'medium',
    help: 'Pin to the full 40-character commit SHA (uses: owner/repo@<sha> # vX.Y.Z) so a moved tag cannot change what runs.',
  },
  'gha-missing-permissions': {
    title: 'Workflow does not declare token permissions',
    severity: 'medium',
    help: 'Add a top-level permissions: block (for example contents: read) and widen it per job only where needed.',
  },
  'gha-write-all-permissions': {
    title: 'GITHUB_TOKEN granted write-all',
    severity: 'high',
    help: 'List the scopes the job needs instead of write-all.',
  },
  'gha-secrets-inherit': {
    title: 'Reusable workflow receives every secret (secrets: inherit)',
    severity: 'medium',
    help: 'Pass only the secrets the called workflow needs, by name.',
  },
};

const UNTRUSTED: RegExp[] = [
  /github\.head_ref\b/,
  /github\.event\.(?:issue|pull_request|discussion|release)\.(?:title|body)\b/,
  /github\.event\.(?:comment|review|review_comment|discussion_comment)\.body\b/,
  /github\.event\.pull_request\.head\.(?:ref|label|repo\.default_branch)\b/,
  /github\.event\.(?:head_commit|commits)[\w.*[\]-]*?\.(?:message|author\.(?:name|email)|committer\.(?:name|email))\b/,
  /github\.event\.pages[\w.*[\]-]*?\.page_name\b/,
  /github\.event\.workflow_run\.(?:head_branch|display_title|head_commit\.message|head_repository\.description)\b/,
];
const FIRST_PARTY_OWNERS = new Set(['actions', 'github']);
const PR_HEAD_REF = /github\.event\.pull_request\.head\.(?:sha|ref)|github\.head_ref|refs\/pull\//;

export interface GithubAuditOptions {
  /** Owners whose actions count as first-party besides actions/ and github/ (e.g. your own org). */
  trustedOwners?: string[];
}

export function auditGithubWorkflow(text: string, file: string, options: GithubAuditOptions = {}): Finding[] {
  const y = parseLocated(text, file);
  const trusted = new Set([...FIRST_PARTY_OWNERS, ...(options.trustedOwners ?? []).map((o) => o.toLowerCase())]);
  const findings: Finding[] = [];
  const add = (rule: keyof typeof GITHUB_RULES, line: number | undefined, detail: string) => findings.push(pipelineFinding(GITHUB_RULES, rule, file, line, detail));
  if (!isMap(y.root)) return findings;
  const triggers = triggerNames(getNode(y.root, 'on'));
  const privileged = triggers.includes('pull_request_target') || triggers.includes('workflow_run');
  const topPermissions = getNode(y.root, 'permissions');
  checkWriteAll(topPermissions, y, 'workflow', add);
  const jobs = entries(getNode(y.root, 'jobs'));
  const jobsWithoutPermissions: string[] = [];
  for (const [jobId, job] of jobs) {
    if (!isMap(job)) continue;
    const jobPermissions = getNode(job, 'permissions');
    if (jobPermissions === undefined) jobsWithoutPermissions.push(jobId);
    checkWriteAll(jobPermissions, y, `job ${jobId}`, add);
    const uses = scalar(getNode(job, 'uses'));
    if (uses) checkPinned(uses, y.lineOf(getNode(job, 'uses')), `job ${jobId}`, trusted, add);
    if (scalar(getNode(job, 'secrets')) === 'inherit') add('gha-secrets-inherit', y.lineOf(getNode(job, 'secrets')), `job ${jobId} calls ${uses ?? 'a reusable workflow'} with secrets: inherit`);
    items(getNode(job, 'steps')).forEach((step, index) => {
      const name = scalar(getNode(step, 'name')) ?? scalar(getNode(step, 'id')) ?? `step ${index + 1}`;
      const where = `job ${jobId}, ${name}`;
      const stepUses = scalar(getNode(step, 'uses'));
      if (stepUses) checkPinned(stepUses, y.lineOf(getNode(step, 'uses')), where, trusted, add);
      const scripts: unknown[] = [getNode(step, 'run')];
      if (stepUses?.startsWith('actions/github-script@')) scripts.push(getNode(getNode(step, 'with'), 'script'));
      for (const node of scripts) {
        const script = scalar(node);
        if (!script) continue;
        for (const expr of script.match(/\$\{\{[\s\S]*?\}\}/g) ?? []) {
          if (UNTRUSTED.some((r) => r.test(expr))) {
            add('gha-script-injection', lineContaining(y.lines, expr.split('\n')[0], y.lineOf(node) ?? 1), `${where} expands ${expr.replace(/\s+/g, ' ')}`);
          }
        }
      }
      if (privileged && stepUses?.startsWith('actions/checkout@')) {
        const ref = getNode(getNode(step, 'with'), 'ref');
        if (PR_HEAD_REF.test(scalar(ref) ?? '')) {
          add('gha-pwn-request', y.lineOf(ref) ?? y.lineOf(getNode(step, 'uses')), `${where} checks out ${scalar(ref)} in a ${triggers.filter((t) => t === 'pull_request_target' || t === 'workflow_run').join('/')} workflow`);
        }
      }
    });
  }
  if (topPermissions === undefined && jobsWithoutPermissions.length) {
    add('gha-missing-permissions', y.lineOf(keyNode(y.root, 'jobs')) ?? 1, `no top-level permissions and no permissions on job(s) ${jobsWithoutPermissions.join(', ')}; the token gets the repository default`);
  }
  return findings;
}

function triggerNames(on: unknown): string[] {
  const s = scalar(on);
  if (s) return [s];
  if (isMap(on)) return entries(on).map(([k]) => k);
  return items(on).map(scalar).filter((x): x is string => !!x);
}

function checkWriteAll(node: unknown, y: LocatedYaml, where: string, add: (rule: 'gha-write-all-permissions', line: number | undefined, detail: string) => void): void {
  if (scalar(node) === 'write-all') add('gha-write-all-permissions', y.lineOf(node), `${where} sets permissions: write-all`);
}

function checkPinned(
  uses: string,
  line: number | undefined,
  where: string,
  trusted: Set<string>,
  add: (rule: 'gha-unpinned-action', line: number | undefined, detail: string) => void,
): void {
  if (uses.startsWith('./')) return;
  if (uses.startsWith('docker://')) {
    if (!uses.includes('@sha256:')) add('gha-unpinned-action', line, `${where} runs image ${uses} without a digest`);
    return;
  }
  const m = /^([^/@]+)\/[^@]+@(.+)$/.exec(uses);
  if (!m) return;
  if (trusted.has(m[1].toLowerCase())) return;
  if (!/^[0-9a-f]{40}$/.test(m[2])) add('gha-unpinned-action', line, `${where} uses ${uses}`);
}
