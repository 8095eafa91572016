// Built-in checks for GitLab CI files: deploy jobs that any branch can run (no rule restricting them to
// protected or default branches or tags), and scripts that print secret-looking variables or dump
// the whole environment into the job log.
// Exported for reuse: the pipelines step runs `auditGitlabCi` over every template paved ships.

import type { Finding, Severity } from '../model';
import { entries, getNode, isMap, items, parseLocated, pipelineFinding, scalar, type LocatedYaml, type PipelineRule } from './yaml-lines';

export const GITLAB_RULES: Record<string, PipelineRule> = {
  'gl-unprotected-deploy': {
    title: 'Deploy job can run from any branch',
    severity: 'high',
    help: 'Restrict the job with rules: - if: $CI_COMMIT_REF_PROTECTED == "true" (or $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH / $CI_COMMIT_TAG) and protect the environment.',
  },
  'gl-secret-echo': {
    title: 'Secret variable printed to the job log',
    severity: 'high',
    help: 'Do not echo credentials; masked variables are only masked when printed verbatim, and derived forms leak.',
  },
  'gl-env-dump': {
    title: 'Whole environment printed to the job log',
    severity: 'medium',
    help: 'Remove env/printenv/set -x: they print every CI/CD variable, including unmasked secrets.',
  },
};

const RESERVED = new Set(['default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'types', 'spec']);
const SECRET_NAME = /\$\{?([A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|PASS|API_?KEY|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?|AUTH)[A-Z0-9_]*)\}?/i;
const PRINTS = /(?:^|[;&|]\s*|\s)(?:echo|printf|cat\s+<<<|print)\b/;
const DUMPS = /(?:^|[;&|]\s*)(?:env|printenv|export\s+-p|set\s+-x|set\s+-o\s+xtrace)\s*(?:$|[;&|>])/;
// A rule that limits a job to protected refs, the default branch, tags, or one named branch.
const PROTECTING_RULE = /CI_COMMIT_REF_PROTECTED|CI_DEFAULT_BRANCH|CI_COMMIT_TAG|CI_COMMIT_(?:BRANCH|REF_NAME)\}?\s*==/;

export function auditGitlabCi(text: string, file: string): Finding[] {
  const y = parseLocated(text, file);
  const findings: Finding[] = [];
  const add = (rule: keyof typeof GITLAB_RULES, line: number | undefined, detail: string, severity?: Severity) =>
    findings.push(pipelineFinding(GITLAB_RULES, rule, file, line, detail, severity));
  if (!isMap(y.root)) return findings;
  for (const [section, node] of [['before_script', getNode(y.root, 'before_script')], ['after_script', getNode(y.root, 'after_script')]] as const) {
    checkScript(node, y, `top-level ${section}`, add);
  }
  const defaults = getNode(y.root, 'default');
  for (const section of ['before_script', 'after_script']) checkScript(getNode(defaults, section), y, `default:${section}`, add);
  for (const [name, job, key] of entries(y.root)) {
    if (RESERVED.has(name) || !isMap(job)) continue;
    for (const section of ['script', 'before_script', 'after_script']) checkScript(getNode(job, section), y, `job ${name} ${section}`, add);
    if (name.startsWith('.')) continue; // templates are checked where they are used
    const envNode = getNode(job, 'environment');
    const environment = scalar(envNode) ?? scalar(getNode(envNode, 'name'));
    const stage = scalar(getNode(job, 'stage')) ?? '';
    const action = scalar(getNode(envNode, 'action'));
    const isDeploy = (environment !== undefined && action !== 'stop' && action !== 'prepare') || /deploy|release|prod/i.test(stage) || /^deploy|deploy$/i.test(name);
    // Review apps deploy every branch on purpose (review/<slug>, or a name built from the ref).
    const reviewApp = /^review\/|\$\{?CI_COMMIT_REF_(?:SLUG|NAME)/.test(environment ?? '');
    if (!isDeploy || reviewApp || isRestricted(job)) continue;
    const prod = /prod|live/i.test(environment ?? '') || /prod/i.test(stage);
    add('gl-unprotected-deploy', y.lineOf(key), `job ${name}${environment ? ` deploys to ${environment}` : ''} without rules/only restricting it to protected branches or tags`, prod ? 'high' : 'medium');
  }
  return findings;
}

function isRestricted(job: unknown): boolean {
  // Every rule that lets the job run must be a protecting one (a trailing `- when: always` undoes them).
  const running = items(getNode(job, 'rules')).filter((r) => scalar(getNode(r, 'when')) !== 'never');
  if (running.length && running.every((r) => PROTECTING_RULE.test(scalar(getNode(r, 'if')) ?? ''))) return true;
  const only = getNode(job, 'only');
  const refs = [...items(only), ...items(getNode(only, 'refs'))].map(scalar);
  if (refs.length && refs.every((r) => r && !/^(?:branches|merge_requests|pushes|\/.*\/)$/.test(r))) return true;
  const except = [...items(getNode(job, 'except')), ...items(getNode(getNode(job, 'except'), 'refs'))].map(scalar);
  return except.includes('branches');
}

function checkScript(node: unknown, y: LocatedYaml, where: string, add: (rule: 'gl-secret-echo' | 'gl-env-dump', line: number | undefined, detail: string) => void): void {
  const lines = scalar(node) !== undefined ? [node] : items(node);
  for (const item of lines) {
    const text = scalar(item);
    if (!text) continue;
    for (const command of text.split('\n')) {
      const secret = SECRET_NAME.exec(command);
      if (secret && PRINTS.test(command)) add('gl-secret-echo', y.lineOf(item), `${where} prints $${secret[1]}`);
      else if (DUMPS.test(command.trim())) add('gl-env-dump', y.lineOf(item), `${where} runs "${command.trim().slice(0, 60)}"`);
    }
  }
}
