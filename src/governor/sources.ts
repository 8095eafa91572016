// Where a project's CI configuration and run history come from when there is no local checkout: the
// GitHub or GitLab API at the default branch. Files are exposed through RepoFiles so the reference
// scanner is the same for both; runtime evidence says which platform templates actually ran.

import type { GitHubClient } from '../forge/github';
import type { GitLabClient } from '../forge/gitlab';
import { parseCiYaml } from './ci-yaml';
import { pinOf, type CiReference } from './refs';
import type { RepoFiles } from './repo-files';

export class GitHubRepoFiles implements RepoFiles {
  readonly label: string;
  private readonly cache = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly client: GitHubClient,
    private readonly repo: string,
    private readonly ref: string,
  ) {
    this.label = `github:${repo}@${ref}`;
  }

  async list(dir: string) {
    const entries = await this.client.listDirectory(this.repo, dir, this.ref);
    return entries
      .filter((e) => e.type === 'file' || e.type === 'dir')
      .map((e) => ({ name: e.name, type: e.type as 'file' | 'dir' }));
  }

  read(file: string): Promise<string | undefined> {
    let hit = this.cache.get(file);
    if (!hit) {
      hit = this.client.getFileText(this.repo, file, this.ref);
      this.cache.set(file, hit);
    }
    return hit;
  }
}

export class GitLabRepoFiles implements RepoFiles {
  readonly label: string;
  private readonly cache = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly client: GitLabClient,
    private readonly project: string,
    private readonly ref: string,
  ) {
    this.label = `gitlab:${project}@${ref}`;
  }

  async list(dir: string) {
    const entries = await this.client.listTree(this.project, dir, this.ref);
    return entries.map((e) => ({ name: e.name, type: e.type === 'tree' ? ('dir' as const) : ('file' as const) }));
  }

  read(file: string): Promise<string | undefined> {
    let hit = this.cache.get(file);
    if (!hit) {
      hit = this.client.getFileText(this.project, file, this.ref);
      this.cache.set(file, hit);
    }
    return hit;
  }
}

/** What the platform says actually ran, as opposed to what the YAML says. */
export interface RuntimeEvidence {
  source: 'github-workflow-runs' | 'gitlab-ci-lint';
  /** References that ran (GitHub) or that GitLab resolved when merging the configuration. */
  references: Array<Pick<CiReference, 'kind' | 'target' | 'ref' | 'pin' | 'path'> & { sha?: string }>;
  /** Runs examined (GitHub) or jobs in the merged configuration (GitLab). */
  examined: number;
  /** Problems the platform reported (invalid configuration, no recent runs). */
  problems: string[];
}

/**
 * The reusable workflows GitHub ran in the default branch's recent runs: `referenced_workflows`
 * gives each one's path@ref and the commit that ran.
 */
export async function githubRuntime(client: GitHubClient, repo: string, branch: string, since: Date, until: Date): Promise<RuntimeEvidence> {
  const runs = await client.listWorkflowRuns(repo, { since, until, branch, limit: 300 });
  const latestPerWorkflow = new Map<string, (typeof runs)[number]>();
  for (const run of runs) {
    const key = run.path ?? run.name ?? String(run.id);
    const seen = latestPerWorkflow.get(key);
    if (!seen || Date.parse(run.created_at) > Date.parse(seen.created_at)) latestPerWorkflow.set(key, run);
  }
  const references: RuntimeEvidence['references'] = [];
  for (const run of latestPerWorkflow.values()) {
    for (const w of run.referenced_workflows ?? []) {
      const at = w.path.lastIndexOf('@');
      const target = at === -1 ? w.path : w.path.slice(0, at);
      const ref = (at === -1 ? w.ref : w.path.slice(at + 1)) ?? null;
      const shortRef = ref?.replace(/^refs\/(heads|tags)\//, '') ?? null;
      references.push({ kind: 'reusable-workflow', target, ref: shortRef, pin: ref?.startsWith('refs/heads/') ? 'branch' : pinOf(shortRef), sha: w.sha });
    }
  }
  const problems = runs.length === 0 ? [`no workflow runs on ${branch} in the window`] : [];
  return { source: 'github-workflow-runs', references, examined: latestPerWorkflow.size, problems };
}

/** GitLab's own view of the configuration at `ref`: validity, resolved includes and job count. */
export async function gitlabRuntime(client: GitLabClient, project: string, ref: string, serverHost: string): Promise<RuntimeEvidence> {
  const lint = await client.lintProjectConfig(project, ref);
  const problems = lint.valid ? [] : [`GitLab rejects the configuration: ${(lint.errors ?? []).join('; ') || 'invalid'}`];
  const references: RuntimeEvidence['references'] = [];
  for (const inc of lint.includes ?? []) {
    if (inc.type === 'file' && inc.extra?.project) {
      const r = inc.extra.ref ?? null;
      references.push({ kind: 'include-project', target: inc.extra.project, ref: r, pin: pinOf(r), path: inc.location.replace(/^\//, '') });
    } else if (inc.type === 'component') {
      const address = inc.location.replace(/^https?:\/\//, '');
      const at = address.lastIndexOf('@');
      const r = at === -1 ? null : address.slice(at + 1);
      const target = at === -1 ? address : address.slice(0, at);
      references.push({ kind: 'include-component', target: target.startsWith(serverHost) ? target : `${serverHost}/${target}`, ref: r, pin: pinOf(r) });
    } else if (inc.type === 'template') {
      references.push({ kind: 'include-template', target: inc.location, ref: null, pin: 'none' });
    } else if (inc.type === 'remote') {
      references.push({ kind: 'include-remote', target: inc.location, ref: null, pin: 'none' });
    }
  }
  let examined = lint.jobs?.length ?? 0;
  if (examined === 0 && lint.merged_yaml) {
    const doc = parseCiYaml(lint.merged_yaml).documents[0]?.value;
    examined = doc && typeof doc === 'object' ? Object.keys(doc).filter((k) => !k.startsWith('.')).length : 0;
  }
  return { source: 'gitlab-ci-lint', references, examined, problems };
}
