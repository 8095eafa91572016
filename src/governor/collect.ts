// Gathers the facts the metrics are computed from, per registered project: workflow runs or
// pipelines, production deployments with the changes they shipped, incidents (GitHub issues labelled
// `incident`, GitLab incident issues), and the gate/scan/deploy evidence files. API failures are
// recorded on the project (shown on the dashboard), not thrown.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GitHubClient, GitHubDeployment } from '../forge/github';
import type { GitLabClient } from '../forge/gitlab';
import { describeError } from '../platform/errors';
import { DEFAULT_EVIDENCE_DIRS, readEvidence, type EvidenceSet } from './evidence';
import { readManifest } from './manifest';
import type { Change, Deployment, Incident, PipelineRun, ProjectFacts, RunConclusion } from './metrics';
import { tierOf, type Project, type Registry } from './registry';
import { LocalRepoFiles } from './repo-files';

export interface CollectContext {
  registry: Registry;
  from: Date;
  to: Date;
  github?: GitHubClient;
  gitlab?: GitLabClient;
  checkoutRoot?: string;
  /** Incident label on GitHub issues (default `incident`). */
  incidentLabel?: string;
  /** Most deployments whose commits are looked up for lead time, per project (API cost bound). */
  maxDeploysForLeadTime?: number;
  log?: (line: string) => void;
}

export interface FactsFile {
  generatedAt: string;
  window: { from: string; to: string };
  projects: ProjectFacts[];
}

export async function collectFacts(ctx: CollectContext, projects: Project[] = ctx.registry.projects): Promise<FactsFile> {
  const out: ProjectFacts[] = [];
  for (const p of projects) out.push(await collectProject(p, ctx));
  return { generatedAt: ctx.to.toISOString(), window: { from: ctx.from.toISOString(), to: ctx.to.toISOString() }, projects: out };
}

async function collectProject(project: Project, ctx: CollectContext): Promise<ProjectFacts> {
  const facts: ProjectFacts = {
    slug: project.slug,
    environments: project.deploymentTargets.flatMap((t) => t.environments.map((e) => e.name)),
    runs: [],
    deployments: [],
    incidents: [],
    quality: [],
    scans: [],
    problems: [],
  };
  const production = new Set(project.deploymentTargets.flatMap((t) => t.environments.filter((e) => e.tier === 'production').map((e) => e.name)));
  const local = project.checkout ?? (ctx.checkoutRoot ? path.join(ctx.checkoutRoot, project.slug) : undefined);
  if (local && fs.existsSync(local)) {
    const files = new LocalRepoFiles(local);
    const manifest = await readManifest(files);
    const dirs = [manifest.manifest?.evidence_dir, project.evidenceDir, ...DEFAULT_EVIDENCE_DIRS].filter((d): d is string => !!d);
    addEvidence(facts, await readEvidence(files, dirs), production);
  }
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      facts.problems!.push(`${what}: ${describeError(err)}`);
    }
  };
  if (project.platform === 'github' && ctx.github) {
    ctx.log?.(`collecting ${project.slug} from GitHub ${project.repoPath}`);
    const gh = ctx.github;
    let branch = project.defaultBranch;
    await attempt('repository', async () => {
      branch ??= (await gh.getRepository(project.repoPath)).default_branch;
    });
    await attempt('workflow runs', async () => {
      const runs = await gh.listWorkflowRuns(project.repoPath, { since: ctx.from, until: ctx.to, branch });
      facts.runs.push(...runs.filter((r) => r.status === 'completed').map((r): PipelineRun => ({ id: String(r.id), createdAt: r.created_at, conclusion: conclusionOf(r.conclusion), attempt: r.run_attempt })));
    });
    await attempt('deployments', async () => {
      facts.deployments.push(...(await githubDeployments(gh, project, production, ctx)));
    });
    await attempt('incidents', async () => {
      const issues = await gh.listIssues(project.repoPath, { labels: ctx.incidentLabel ?? 'incident', state: 'all', since: ctx.from.toISOString() });
      facts.incidents.push(...issues.map((i): Incident => ({ id: String(i.number), createdAt: i.created_at, resolvedAt: i.closed_at ?? undefined, ...rootCause(i.body) })));
    });
  }
  if (project.platform === 'gitlab' && ctx.gitlab) {
    ctx.log?.(`collecting ${project.slug} from GitLab ${project.repoPath}`);
    const gl = ctx.gitlab;
    let branch = project.defaultBranch;
    await attempt('project', async () => {
      branch ??= (await gl.getProject(project.repoPath)).default_branch;
    });
    await attempt('pipelines', async () => {
      const pipelines = await gl.listPipelines(project.repoPath, { ref: branch, updated_after: ctx.from.toISOString(), updated_before: ctx.to.toISOString() });
      facts.runs.push(...pipelines.map((p): PipelineRun => ({ id: String(p.id), createdAt: p.created_at, conclusion: conclusionOf(p.status) })));
    });
    await attempt('deployments', async () => {
      facts.deployments.push(...(await gitlabDeployments(gl, project, production, ctx)));
    });
    await attempt('incidents', async () => {
      const issues = await gl.listIssues(project.repoPath, { issue_type: 'incident', updated_after: ctx.from.toISOString() });
      facts.incidents.push(...issues.map((i): Incident => ({ id: String(i.iid), createdAt: i.created_at, resolvedAt: i.closed_at ?? undefined, ...rootCause(i.description) })));
    });
  }
  if (facts.problems!.length === 0) delete facts.problems;
  return facts;
}

function addEvidence(facts: ProjectFacts, evidence: EvidenceSet, production: Set<string>): void {
  for (const q of evidence.quality) if (q.at) facts.quality.push({ at: q.at.toISOString(), coverage: q.coverage, verdict: q.verdict });
  for (const s of evidence.scans) if (s.at) facts.scans.push({ at: s.at.toISOString(), passed: s.blocking === 0 && s.verdict !== 'skipped' && s.verdict !== 'error' });
  // Deploy records stand in for the forge's deployments when the API is not consulted.
  for (const d of evidence.deploys) {
    if (!d.finishedAt) continue;
    facts.deployments.push({
      id: `record:${d.file}`,
      environment: d.environment,
      production: production.has(d.environment) || tierOf(d.tier ?? d.environment) === 'production',
      at: d.finishedAt.toISOString(),
      status: d.outcome === 'succeeded' || d.outcome === 'rolled-back' ? 'success' : 'failure',
      sha: d.commit,
      rollback: d.operation === 'rollback',
      autoRolledBack: d.outcome === 'rolled-back',
    });
  }
}

const CONCLUSIONS: Record<string, RunConclusion> = {
  success: 'success',
  failure: 'failure',
  failed: 'failure',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  skipped: 'skipped',
  neutral: 'neutral',
  timed_out: 'timed_out',
  action_required: 'action_required',
  startup_failure: 'startup_failure',
  stale: 'stale',
};

export function conclusionOf(value: string | null | undefined): RunConclusion {
  return CONCLUSIONS[value ?? ''] ?? 'other';
}

/** Four Keys' convention: the incident body names the cause with `root cause: <sha>` (or a deployment id). */
export function rootCause(body: string | null | undefined): Pick<Incident, 'rootCauseSha' | 'deploymentId'> {
  const sha = body?.match(/root[ _-]?cause:\s*([0-9a-f]{7,40})\b/i)?.[1];
  const deploy = body?.match(/deployment:\s*#?(\d+)\b/i)?.[1];
  return { ...(sha ? { rootCauseSha: sha.toLowerCase() } : {}), ...(deploy ? { deploymentId: deploy } : {}) };
}

async function githubDeployments(gh: GitHubClient, project: Project, production: Set<string>, ctx: CollectContext): Promise<Deployment[]> {
  const raw: GitHubDeployment[] = await gh.listDeployments(project.repoPath);
  const out: Deployment[] = [];
  for (const d of raw) {
    if (Date.parse(d.created_at) < ctx.from.getTime() - 7 * 86400_000 || Date.parse(d.created_at) >= ctx.to.getTime()) continue;
    const statuses = await gh.listDeploymentStatuses(project.repoPath, d.id);
    // Statuses come newest first; the deployment's time is its first terminal status.
    const terminal = [...statuses].reverse().find((s) => s.state === 'success' || s.state === 'failure' || s.state === 'error');
    if (!terminal) continue;
    const isRollback = /rollback/i.test(`${d.task ?? ''} ${typeof d.payload === 'object' && d.payload ? JSON.stringify(d.payload) : ''}`);
    out.push({
      id: String(d.id),
      environment: d.environment,
      production: d.production_environment === true || production.has(d.environment),
      at: terminal.created_at,
      status: terminal.state === 'success' ? 'success' : 'failure',
      sha: d.sha,
      rollback: isRollback,
    });
  }
  out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  markRollbacks(out);
  await attachGithubChanges(gh, project, out, ctx.maxDeploysForLeadTime ?? 50);
  return out;
}

/** The commits each production delivery shipped first: compare(previous production sha … this sha). */
async function attachGithubChanges(gh: GitHubClient, project: Project, deploys: Deployment[], limit: number): Promise<void> {
  const byEnv = new Map<string, Deployment[]>();
  for (const d of deploys) if (d.production && d.status === 'success' && !d.rollback && d.sha) byEnv.set(d.environment, [...(byEnv.get(d.environment) ?? []), d]);
  let budget = limit;
  for (const list of byEnv.values()) {
    for (let i = 1; i < list.length && budget > 0; i++, budget--) {
      const prev = list[i - 1].sha!;
      const d = list[i];
      if (prev === d.sha) continue;
      const commits = await gh.compareCommits(project.repoPath, prev, d.sha!);
      const changes: Change[] = [];
      for (const c of commits) {
        const committedAt = c.commit.author?.date ?? c.commit.committer?.date;
        if (!committedAt) continue;
        const change: Change = { sha: c.sha, committedAt };
        // Squash merges carry the merge time; the pull request says when the work began.
        if (/\(#\d+\)\s*$/m.test(c.commit.message ?? '')) {
          const pulls = await gh.listPullsForCommit(project.repoPath, c.sha);
          const started = pulls.map((p) => p.created_at).sort()[0];
          if (started) change.workStartedAt = started;
        }
        changes.push(change);
      }
      d.changes = changes;
    }
  }
}

async function gitlabDeployments(gl: GitLabClient, project: Project, production: Set<string>, ctx: CollectContext): Promise<Deployment[]> {
  const raw = await gl.listDeployments(project.repoPath, { updated_after: new Date(ctx.from.getTime() - 7 * 86400_000).toISOString(), updated_before: ctx.to.toISOString() });
  const out: Deployment[] = [];
  let budget = ctx.maxDeploysForLeadTime ?? 50;
  for (const d of raw) {
    if (d.status !== 'success' && d.status !== 'failed') continue;
    const prod = d.environment.tier === 'production' || production.has(d.environment.name);
    const deployment: Deployment = {
      id: String(d.id),
      environment: d.environment.name,
      production: prod,
      at: d.finished_at ?? d.updated_at ?? d.created_at,
      status: d.status === 'success' ? 'success' : 'failure',
      sha: d.sha,
    };
    if (prod && d.status === 'success' && budget-- > 0) {
      const mrs = await gl.listDeploymentMergeRequests(project.repoPath, d.id);
      deployment.changes = mrs.map((m) => ({ sha: `!${m.iid}`, committedAt: m.merged_at ?? m.created_at, workStartedAt: m.created_at }));
    }
    out.push(deployment);
  }
  markRollbacks(out);
  return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** A successful deploy of a SHA the environment ran before the current one is a rollback. */
function markRollbacks(deploys: Deployment[]): void {
  const byEnv = new Map<string, Deployment[]>();
  for (const d of deploys) if (d.status === 'success' && d.sha) byEnv.set(d.environment, [...(byEnv.get(d.environment) ?? []), d]);
  for (const list of byEnv.values()) {
    list.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    for (let i = 2; i < list.length; i++) {
      const earlier = list.slice(0, i - 1).map((d) => d.sha);
      if (list[i].sha !== list[i - 1].sha && earlier.includes(list[i].sha)) list[i].rollback = true;
    }
  }
}
