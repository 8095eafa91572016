// Finds every use of shared CI code in one project: GitHub `uses:` of actions and reusable workflows,
// GitLab `include:` of projects, components, templates, remote and local files (and child pipelines'
// `trigger: include:`), each with where it is written, what it points at and how it is pinned.

import { configDocuments, isMap, parseCiYaml, type CiDocument, type YamlPath } from './ci-yaml';
import { globFiles, normalisePath, type RepoFiles } from './repo-files';

export type CiPlatform = 'github' | 'gitlab';
export type ReferenceKind =
  | 'action'
  | 'reusable-workflow'
  | 'include-project'
  | 'include-component'
  | 'include-template'
  | 'include-local'
  | 'include-remote';
/** sha: a full commit id; tag: a release; branch: a moving ref; none: no ref (default branch); local: same repository. */
export type PinKind = 'sha' | 'tag' | 'branch' | 'none' | 'local';

export interface CiReference {
  /** The CI file the reference is written in, relative to the project root. */
  file: string;
  line?: number;
  column?: number;
  platform: CiPlatform;
  kind: ReferenceKind;
  /** What is referenced, variables expanded: `owner/repo/.github/workflows/x.yml`, `gitlab.com/group/proj/comp`, a path, a URL. */
  target: string;
  /** The ref as written (after variable expansion); null when none is given. */
  ref: string | null;
  pin: PinKind;
  /** For `include: project:` the file inside that project. */
  path?: string;
  /** The version comment written after a SHA pin (`# v1.10.1`). */
  versionComment?: string;
  /** The job (and step) the reference belongs to, for GitHub uses and GitLab trigger includes. */
  job?: string;
  /** For local references: whether the file exists in this checkout (missing ones are reported, not followed). */
  resolved?: boolean;
  /** The reference exactly as written in the file. */
  raw: string;
}

export interface CiJob {
  file: string;
  platform: CiPlatform;
  name: string;
  line?: number;
  hidden: boolean;
  /** Deployment environment the job declares (`environment:` on either platform). */
  environment?: string;
  /** The job's commands, step names and the names it extends, lower-cased, for the non-negotiable checks. */
  text: string;
}

export interface CiFile {
  file: string;
  platform: CiPlatform;
  text: string;
  /** How the file was reached: `entry`, `include-local from <file>`, `scan`. */
  via: string;
}

export interface CheckoutScan {
  references: CiReference[];
  jobs: CiJob[];
  files: CiFile[];
  /** YAML that could not be read, with its position; the scan carries on with the other files. */
  errors: Array<{ file: string; line?: number; column?: number; message: string }>;
}

export interface ScanOptions {
  /** Values for predefined GitLab variables used in include addresses. */
  variables?: Record<string, string>;
  /** GitLab's CI configuration path (default `.gitlab-ci.yml`). */
  gitlabCiPath?: string;
}

const SHA_RE = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
// Releases: `v1`, `1.2.3`, `26.1`, `v2.0.0-rc.1`, and monorepo tags such as `send-slack-message/v3.0.2`.
const TAG_RE = /^(?:[\w.-]+\/)*v?\d+(?:\.\d+)*(?:[-+][0-9A-Za-z.+-]+)?$/;

/** How a ref pins its target, from the ref alone (the audit refines this with the platform's real tags). */
export function pinOf(ref: string | null): PinKind {
  if (ref === null || ref === '') return 'none';
  if (SHA_RE.test(ref) || /^\$\{?CI_COMMIT_SHA\}?$/.test(ref)) return 'sha';
  if (TAG_RE.test(ref) || ref === '~latest' || /^\$\{?CI_COMMIT_TAG\}?$/.test(ref)) return 'tag';
  return 'branch';
}

/** Default values for the predefined variables GitLab allows in `include:`. */
export function gitlabVariables(opts: { serverHost?: string; projectPath?: string; defaultBranch?: string }): Record<string, string> {
  const host = opts.serverHost ?? 'gitlab.com';
  const vars: Record<string, string> = {
    CI_SERVER_FQDN: host,
    CI_SERVER_HOST: host.replace(/:\d+$/, ''),
    CI_SERVER_URL: `https://${host}`,
  };
  if (opts.projectPath) {
    vars.CI_PROJECT_PATH = opts.projectPath;
    vars.CI_PROJECT_NAMESPACE = opts.projectPath.split('/').slice(0, -1).join('/');
    vars.CI_PROJECT_NAME = opts.projectPath.split('/').pop() ?? opts.projectPath;
  }
  if (opts.defaultBranch) vars.CI_DEFAULT_BRANCH = opts.defaultBranch;
  return vars;
}

export function expandVariables(text: string, vars: Record<string, string>): string {
  return text.replace(/\$(?:\{(\w+)\}|(\w+))/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    return Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : whole;
  });
}

/** Scans a checkout (or a forge's view of one) for both platforms' CI files. */
export async function scanRepository(files: RepoFiles, options: ScanOptions = {}): Promise<CheckoutScan> {
  const scan: CheckoutScan = { references: [], jobs: [], files: [], errors: [] };
  await scanGithub(files, scan);
  await scanGitlab(files, scan, options);
  return scan;
}

// ---------------------------------------------------------------------------------------------- GitHub

async function scanGithub(files: RepoFiles, scan: CheckoutScan): Promise<void> {
  const workflowFiles = (await files.list('.github/workflows'))
    .filter((e) => e.type === 'file' && /\.ya?ml$/i.test(e.name))
    .map((e) => `.github/workflows/${e.name}`);
  const actionFiles = [
    ...(await globFiles(files, 'action.yml')),
    ...(await globFiles(files, 'action.yaml')),
    ...(await globFiles(files, '.github/actions/**/action.yml')),
    ...(await globFiles(files, '.github/actions/**/action.yaml')),
  ];
  for (const file of [...workflowFiles, ...actionFiles]) {
    const text = await files.read(file);
    if (text === undefined) continue;
    scan.files.push({ file, platform: 'github', text, via: 'entry' });
    const parsed = parseCiYaml(text);
    for (const e of parsed.errors) scan.errors.push({ file, ...e });
    for (const doc of configDocuments(parsed)) {
      if (workflowFiles.includes(file)) await readWorkflow(files, doc, file, scan);
      else await readCompositeAction(files, doc, file, scan);
    }
  }
}

async function readWorkflow(files: RepoFiles, doc: CiDocument, file: string, scan: CheckoutScan): Promise<void> {
  const root = doc.value;
  if (!isMap(root) || !isMap(root.jobs)) return;
  for (const [jobName, job] of Object.entries(root.jobs)) {
    if (!isMap(job)) continue;
    const pos = doc.positionOf(['jobs', jobName]);
    const texts: string[] = [jobName, String(job.name ?? '')];
    if (typeof job.uses === 'string') {
      scan.references.push(await githubUses(files, doc, file, ['jobs', jobName, 'uses'], job.uses, jobName, true));
      texts.push(job.uses);
    }
    if (Array.isArray(job.steps)) {
      await readSteps(files, doc, file, ['jobs', jobName, 'steps'], job.steps, jobName, scan, texts);
    }
    scan.jobs.push({
      file,
      platform: 'github',
      name: jobName,
      line: pos?.line,
      hidden: false,
      environment: environmentName(job.environment),
      text: texts.join('\n').toLowerCase(),
    });
  }
}

async function readCompositeAction(files: RepoFiles, doc: CiDocument, file: string, scan: CheckoutScan): Promise<void> {
  const root = doc.value;
  if (!isMap(root) || !isMap(root.runs) || !Array.isArray(root.runs.steps)) return;
  const texts: string[] = [String(root.name ?? file)];
  await readSteps(files, doc, file, ['runs', 'steps'], root.runs.steps, String(root.name ?? file), scan, texts);
  scan.jobs.push({ file, platform: 'github', name: String(root.name ?? file), hidden: false, text: texts.join('\n').toLowerCase() });
}

async function readSteps(
  files: RepoFiles,
  doc: CiDocument,
  file: string,
  base: YamlPath,
  steps: unknown[],
  jobName: string,
  scan: CheckoutScan,
  texts: string[],
): Promise<void> {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (!isMap(step)) continue;
    if (typeof step.name === 'string') texts.push(step.name);
    if (typeof step.run === 'string') texts.push(step.run);
    if (typeof step.uses === 'string') {
      const label = typeof step.name === 'string' ? `${jobName} / ${step.name}` : `${jobName} / step ${i + 1}`;
      scan.references.push(await githubUses(files, doc, file, [...base, i, 'uses'], step.uses, label, false));
      texts.push(step.uses);
    }
  }
}

async function githubUses(
  files: RepoFiles,
  doc: CiDocument,
  file: string,
  at: YamlPath,
  raw: string,
  job: string,
  jobLevel: boolean,
): Promise<CiReference> {
  const pos = doc.positionOf(at);
  const base = { file, line: pos?.line, column: pos?.column, platform: 'github' as const, job, raw };
  const value = raw.trim();
  if (value.startsWith('./') || value === '.') {
    const target = normalisePath(value);
    const exists = jobLevel
      ? (await files.read(target)) !== undefined
      : (await files.read(`${target ? `${target}/` : ''}action.yml`)) !== undefined ||
        (await files.read(`${target ? `${target}/` : ''}action.yaml`)) !== undefined;
    return { ...base, kind: jobLevel ? 'reusable-workflow' : 'action', target: value, ref: null, pin: 'local', resolved: exists };
  }
  if (value.startsWith('docker://')) {
    const image = value.slice('docker://'.length);
    const digest = image.match(/@(sha256:[0-9a-f]{64})$/i);
    const tag = digest ? null : image.match(/:([^/:]+)$/);
    const ref = digest ? digest[1] : tag ? tag[1] : null;
    const target = `docker://${digest ? image.slice(0, digest.index) : tag ? image.slice(0, tag.index) : image}`;
    return { ...base, kind: 'action', target, ref, pin: digest ? 'sha' : ref === null || ref === 'latest' ? 'none' : pinOf(ref) };
  }
  const at_ = value.lastIndexOf('@');
  const target = at_ === -1 ? value : value.slice(0, at_);
  const ref = at_ === -1 ? null : value.slice(at_ + 1);
  const reusable = jobLevel || /\/\.github\/workflows\/[^/]+\.ya?ml$/i.test(target);
  const comment = doc.commentOf(at);
  const versionComment = comment?.match(/(?:^|\s)((?:[\w.-]+\/)*v?\d+(?:\.\d+)*(?:[-+][\w.-]+)?)\b/)?.[1];
  return {
    ...base,
    kind: reusable ? 'reusable-workflow' : 'action',
    target,
    ref,
    pin: pinOf(ref),
    ...(versionComment ? { versionComment } : {}),
  };
}

function environmentName(env: unknown): string | undefined {
  if (typeof env === 'string') return env;
  if (isMap(env) && typeof env.name === 'string') return env.name;
  return undefined;
}

// ---------------------------------------------------------------------------------------------- GitLab

const GITLAB_GLOBAL_KEYS = new Set([
  'default', 'include', 'stages', 'variables', 'workflow', 'spec', 'image', 'services', 'cache',
  'before_script', 'after_script', 'types',
]);

async function scanGitlab(files: RepoFiles, scan: CheckoutScan, options: ScanOptions): Promise<void> {
  const vars = options.variables ?? gitlabVariables({});
  const entry = normalisePath(options.gitlabCiPath ?? '.gitlab-ci.yml');
  const seen = new Set<string>();
  const queue: Array<{ file: string; via: string }> = [];
  if ((await files.read(entry)) !== undefined) queue.push({ file: entry, via: 'entry' });
  // Component definitions (`templates/`) and conventional include folders are read even when no
  // local include reaches them: they are shipped CI code too.
  for (const pattern of ['templates/*.yml', 'templates/*/template.yml', '.gitlab/ci/**/*.yml', '.gitlab/ci/**/*.yaml']) {
    for (const file of await globFiles(files, pattern)) queue.push({ file, via: 'scan' });
  }
  const localIncludes: CiReference[] = [];
  while (queue.length > 0) {
    const { file, via } = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await files.read(file);
    if (text === undefined) continue;
    scan.files.push({ file, platform: 'gitlab', text, via });
    const parsed = parseCiYaml(text);
    for (const e of parsed.errors) scan.errors.push({ file, ...e });
    for (const doc of configDocuments(parsed)) {
      const root = doc.value;
      if (!isMap(root)) continue;
      const refs = await gitlabIncludes(files, doc, file, ['include'], root.include, vars, undefined);
      for (const [name, job] of Object.entries(root)) {
        if (GITLAB_GLOBAL_KEYS.has(name) || !isMap(job)) continue;
        if (isMap(job.trigger) && job.trigger.include !== undefined) {
          refs.push(...(await gitlabIncludes(files, doc, file, [name, 'trigger', 'include'], job.trigger.include, vars, name)));
        }
        scan.jobs.push(gitlabJob(doc, file, name, job));
      }
      for (const ref of refs) {
        scan.references.push(ref);
        if (ref.kind === 'include-local') localIncludes.push(ref);
      }
    }
    // Follow local includes (wildcards allowed) so the files they pull in are audited as well.
    while (localIncludes.length > 0) {
      const ref = localIncludes.shift()!;
      const matches = await globFiles(files, ref.target);
      for (const match of matches) if (!seen.has(match)) queue.unshift({ file: match, via: `include-local from ${ref.file}` });
    }
  }
  resolveExtends(scan.jobs.filter((j) => j.platform === 'gitlab'));
}

function gitlabJob(doc: CiDocument, file: string, name: string, job: Record<string, unknown>): CiJob {
  const texts = [name];
  for (const key of ['script', 'before_script', 'after_script']) {
    const v = job[key];
    if (typeof v === 'string') texts.push(v);
    else if (Array.isArray(v)) texts.push(...v.flat(3).filter((x): x is string => typeof x === 'string'));
  }
  const ext = job.extends;
  for (const e of typeof ext === 'string' ? [ext] : Array.isArray(ext) ? ext : []) if (typeof e === 'string') texts.push(`extends:${e}`);
  if (typeof job.stage === 'string') texts.push(`stage:${job.stage}`);
  return {
    file,
    platform: 'gitlab',
    name,
    line: doc.positionOf([name])?.line,
    hidden: name.startsWith('.'),
    environment: environmentName(job.environment),
    text: texts.join('\n').toLowerCase(),
  };
}

// A job that `extends:` hidden jobs defined in the same project runs their scripts too.
function resolveExtends(jobs: CiJob[]): void {
  const byName = new Map(jobs.map((j) => [j.name.toLowerCase(), j]));
  for (const job of jobs) {
    const seen = new Set<string>();
    const pending = [...job.text.matchAll(/^extends:(.+)$/gm)].map((m) => m[1]);
    while (pending.length > 0) {
      const name = pending.shift()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const parent = byName.get(name);
      if (!parent) continue;
      job.text += `\n${parent.text}`;
      if (!job.environment && parent.environment) job.environment = parent.environment;
      pending.push(...[...parent.text.matchAll(/^extends:(.+)$/gm)].map((m) => m[1]));
    }
  }
}

async function gitlabIncludes(
  files: RepoFiles,
  doc: CiDocument,
  file: string,
  at: YamlPath,
  value: unknown,
  vars: Record<string, string>,
  job: string | undefined,
): Promise<CiReference[]> {
  if (value === undefined || value === null) return [];
  const entries = Array.isArray(value) ? value.map((v, i) => ({ v, path: [...at, i] })) : [{ v: value, path: at }];
  const out: CiReference[] = [];
  for (const { v, path } of entries) {
    const pos = doc.positionOf(path);
    const base = { file, line: pos?.line, column: pos?.column, platform: 'gitlab' as const, ...(job ? { job } : {}) };
    if (typeof v === 'string') {
      const target = expandVariables(v, vars);
      if (/^https?:\/\//i.test(target)) out.push({ ...base, ...remoteInclude(target), raw: v });
      else out.push(await localInclude(files, base, target, v));
      continue;
    }
    if (!isMap(v)) continue;
    const raw = JSON.stringify(v);
    if (typeof v.local === 'string') out.push(await localInclude(files, base, expandVariables(v.local, vars), raw));
    else if (typeof v.component === 'string') {
      const address = expandVariables(v.component, vars);
      const at_ = address.lastIndexOf('@');
      const ref = at_ === -1 ? null : address.slice(at_ + 1);
      out.push({ ...base, kind: 'include-component', target: at_ === -1 ? address : address.slice(0, at_), ref, pin: pinOf(ref), raw });
    } else if (typeof v.project === 'string') {
      const target = expandVariables(v.project, vars);
      const ref = v.ref === undefined || v.ref === null ? null : expandVariables(String(v.ref), vars);
      const fileList = Array.isArray(v.file) ? v.file : [v.file];
      for (const f of fileList) {
        out.push({
          ...base,
          kind: 'include-project',
          target,
          ref,
          pin: pinOf(ref),
          ...(typeof f === 'string' ? { path: normalisePath(expandVariables(f, vars)) } : {}),
          raw,
        });
      }
    } else if (typeof v.template === 'string') {
      out.push({ ...base, kind: 'include-template', target: v.template, ref: null, pin: 'none', raw });
    } else if (typeof v.remote === 'string') {
      const r = remoteInclude(expandVariables(v.remote, vars));
      out.push({ ...base, ...r, pin: typeof v.integrity === 'string' ? 'sha' : r.pin, raw });
    }
  }
  return out;
}

async function localInclude(
  files: RepoFiles,
  base: Pick<CiReference, 'file' | 'line' | 'column' | 'platform' | 'job'>,
  target: string,
  raw: string,
): Promise<CiReference> {
  const resolved = (await globFiles(files, target)).length > 0;
  return { ...base, kind: 'include-local', target: normalisePath(target), ref: null, pin: 'local', resolved, raw };
}

// Raw-file URLs carry their ref: GitLab `/-/raw/<ref>/`, GitHub `raw.githubusercontent.com/o/r/<ref>/`.
function remoteInclude(url: string): Pick<CiReference, 'kind' | 'target' | 'ref' | 'pin'> {
  const gitlab = url.match(/\/-\/raw\/([^/]+)\//);
  const github = url.match(/^https?:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/([^/]+)\//i);
  const ref = gitlab?.[1] ?? github?.[1] ?? null;
  return { kind: 'include-remote', target: url, ref, pin: pinOf(ref) };
}
