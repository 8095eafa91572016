// The weekly template-drift and compliance audit: for each registered project, read its CI
// configuration (local checkout or forge API at the default branch), find every use of the platform,
// resolve and classify each reference, check the non-negotiables, and decide a compliance status.
// One project failing to load makes that project `unknown`; it never stops the others.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GitHubClient } from '../forge/github';
import type { GitLabClient } from '../forge/gitlab';
import { describeError, InputError } from '../platform/errors';
import { runChecks, type CheckResult } from './checks';
import { DEFAULT_EVIDENCE_DIRS, readEvidence } from './evidence';
import { readManifest } from './manifest';
import { gitlabVariables, scanRepository, type CiReference } from './refs';
import type { ComplianceStatus, Project, Registry, Release } from './registry';
import { globFiles, LocalRepoFiles, type RepoFiles } from './repo-files';
import { GitHubRepoFiles, GitLabRepoFiles, githubRuntime, gitlabRuntime, type RuntimeEvidence } from './sources';
import {
  buildReleaseIndex,
  classifyReference,
  isPlatformReference,
  matchesTemplate,
  templateName,
  type DriftClass,
  type ReleaseIndex,
} from './versions';
import { auditWorkflows, type WorkflowAuditors } from './workflow-security';

export interface AuditContext {
  registry: Registry;
  now: Date;
  github?: GitHubClient;
  gitlab?: GitLabClient;
  /** A folder holding one checkout per project, named by slug (used before the API). */
  checkoutRoot?: string;
  /** Consult run history (GitHub workflow runs, GitLab CI lint) when reading through the API. */
  runtime?: boolean;
  /** Days of run history to examine (default 14). */
  runtimeDays?: number;
  /** The workflow security checks (default: the security-scan step's). */
  auditors?: WorkflowAuditors;
  /** Progress lines ("auditing app-web from github:org/app-web@main"). */
  log?: (line: string) => void;
}

export interface AuditedReference extends CiReference {
  template: string;
  drift: DriftClass;
  /** The platform release the reference resolves to. */
  release?: string;
  detail: string;
}

export interface ProjectAudit {
  slug: string;
  repo: string;
  platform: 'github' | 'gitlab';
  source?: string;
  status: ComplianceStatus;
  /** Why the status is what it is, in one line. */
  summary: string;
  ciTemplate: string;
  references: AuditedReference[];
  /** All references found (platform or not), for the inventory. */
  inventory: number;
  checks: CheckResult[];
  errors: string[];
}

export interface AuditReport {
  generatedAt: string;
  registry: string;
  platform: { github?: string; gitlab?: string; latest: Record<string, string | undefined> };
  summary: Record<ComplianceStatus, number> & { projects: number };
  projects: ProjectAudit[];
  /** How many projects use each template at each version (the drift view). */
  templateVersions: Array<{ template: string; version: string; drift: DriftClass; projects: string[] }>;
}

export async function auditRegistry(ctx: AuditContext, projects: Project[] = ctx.registry.projects): Promise<AuditReport> {
  const indexes = await releaseIndexes(ctx);
  const audits: ProjectAudit[] = [];
  for (const project of projects) audits.push(await auditProject(project, ctx, indexes));
  const summary = { projects: audits.length, compliant: 0, drifting: 0, non_compliant: 0, unknown: 0 };
  for (const a of audits) summary[a.status]++;
  return {
    generatedAt: ctx.now.toISOString(),
    registry: ctx.registry.file,
    platform: {
      github: ctx.registry.platform.github,
      gitlab: ctx.registry.platform.gitlab,
      latest: { github: indexes.github?.latest?.tag, gitlab: indexes.gitlab?.latest?.tag },
    },
    summary,
    projects: audits,
    templateVersions: templateVersions(audits),
  };
}

/** Release tags of the platform per forge: from the registry when listed there, else from the tags API. */
async function releaseIndexes(ctx: AuditContext): Promise<{ github?: ReleaseIndex; gitlab?: ReleaseIndex }> {
  const p = ctx.registry.platform;
  const out: { github?: ReleaseIndex; gitlab?: ReleaseIndex } = {};
  const fromApi = async (load: () => Promise<Release[]>, what: string): Promise<ReleaseIndex> => {
    try {
      return buildReleaseIndex(await load());
    } catch (err) {
      throw new InputError(`cannot read the platform's release tags from ${what}: ${describeError(err)}`, {
        file: ctx.registry.file,
        field: 'platform.releases',
        hint: 'give a token that can read the platform repository, or list the releases in the registry',
      });
    }
  };
  if (p.releases) {
    const index = buildReleaseIndex(p.releases);
    if (p.github) out.github = index;
    if (p.gitlab) out.gitlab = index;
    return out;
  }
  if (p.github && ctx.github) out.github = await fromApi(async () => (await ctx.github!.listTags(p.github!)).map((t) => ({ tag: t.name, sha: t.sha })), `GitHub ${p.github}`);
  if (p.gitlab && ctx.gitlab) out.gitlab = await fromApi(async () => (await ctx.gitlab!.listTags(p.gitlab!)).map((t) => ({ tag: t.name, sha: t.sha })), `GitLab ${p.gitlab}`);
  return out;
}

async function auditProject(project: Project, ctx: AuditContext, indexes: { github?: ReleaseIndex; gitlab?: ReleaseIndex }): Promise<ProjectAudit> {
  const base = { slug: project.slug, repo: project.repo, platform: project.platform, ciTemplate: project.ciTemplate, inventory: 0 };
  let files: RepoFiles;
  let branch: string | undefined;
  try {
    ({ files, branch } = await openProject(project, ctx));
  } catch (err) {
    return { ...base, status: 'unknown', summary: `not audited: ${describeError(err)}`, references: [], checks: [], errors: [describeError(err)] };
  }
  ctx.log?.(`auditing ${project.slug} from ${files.label}`);
  try {
    const platform = ctx.registry.platform;
    const scan = await scanRepository(files, {
      variables: gitlabVariables({ serverHost: project.platform === 'gitlab' ? project.host : platform.gitlabHost, projectPath: project.repoPath, defaultBranch: branch }),
    });
    const index = project.platform === 'github' ? indexes.github : indexes.gitlab;
    const references: AuditedReference[] = scan.references
      .filter((r) => isPlatformReference(r, platform))
      .map((r) => {
        const verdict = index ? classifyReference(r, index) : { status: 'unknown-ref' as DriftClass, detail: 'no release index for this forge' };
        return { ...r, template: templateName(r, platform), drift: verdict.status, release: verdict.resolved, detail: verdict.detail };
      });
    // Without a platform block the template can still be recognised by name anywhere in the config.
    const templateRef = scan.references.find((r) => (references.length === 0 || isPlatformReference(r, platform)) && matchesTemplate(r, project.ciTemplate, platform));
    const manifest = await readManifest(files);
    const evidenceDirs = [manifest.manifest?.evidence_dir, project.evidenceDir, ...DEFAULT_EVIDENCE_DIRS].filter((d): d is string => !!d);
    const evidence = await readEvidence(files, evidenceDirs);
    const runbookFiles = await findRunbooks(files, manifest.manifest?.rollback?.runbook);
    // How the platform's own references are pinned is the drift check's business, not a finding twice over.
    const platformLines = new Set(references.map((r) => `${r.file}:${r.line}`));
    const workflowFindings = auditWorkflows(scan.files, ctx.auditors)?.filter((f) => !(f.rule === 'gha-unpinned-action' && platformLines.has(`${f.file}:${f.line}`)));
    const runtime = await runtimeFor(project, ctx, branch);
    const checks = runChecks({
      project,
      scan,
      platformRefs: references.map((r) => ({ ref: r, drift: r.drift, detail: r.detail, template: r.template })),
      templateRef,
      manifest,
      evidence,
      runbookFiles,
      workflowFindings,
      runtime,
      platformKnown: !!(project.platform === 'github' ? platform.github : platform.gitlab),
      now: ctx.now,
    });
    if (!templateRef) {
      references.push({
        file: scan.files.find((f) => f.via === 'entry')?.file ?? '(no CI file)',
        platform: project.platform,
        kind: project.platform === 'github' ? 'reusable-workflow' : 'include-project',
        target: project.ciTemplate,
        ref: null,
        pin: 'none',
        raw: '',
        template: project.ciTemplate,
        drift: 'missing',
        detail: `${project.ciTemplate} is not referenced`,
      });
    }
    const errors = [
      ...scan.errors.map((e) => `${e.file}${e.line ? `:${e.line}:${e.column}` : ''}: ${e.message}`),
      ...evidence.unreadable.map((u) => `${u.file}: ${u.reason}`),
    ];
    for (const r of scan.references.filter((x) => x.resolved === false)) {
      errors.push(`${r.file}${r.line ? `:${r.line}` : ''}: ${r.target} is not in the repository (the pipeline fails where it is used)`);
    }
    if (scan.files.length === 0) errors.push(`no CI configuration found in ${files.label}`);
    const { status, summary } = decide(checks, scan.files.length === 0);
    return { ...base, source: files.label, status, summary, references, inventory: scan.references.length, checks, errors };
  } catch (err) {
    return { ...base, source: files.label, status: 'unknown', summary: `audit failed: ${describeError(err)}`, references: [], checks: [], errors: [describeError(err)] };
  }
}

async function openProject(project: Project, ctx: AuditContext): Promise<{ files: RepoFiles; branch?: string }> {
  const local = project.checkout ?? (ctx.checkoutRoot ? path.join(ctx.checkoutRoot, project.slug) : undefined);
  if (local && fs.existsSync(local)) return { files: new LocalRepoFiles(local), branch: project.defaultBranch };
  if (project.checkout) throw new InputError(`checkout ${project.checkout} does not exist`, { field: `projects[${project.index}].checkout` });
  if (project.platform === 'github') {
    if (!ctx.github) throw new InputError('no GitHub client (give --github-token or a checkout)', { field: 'github-token' });
    const branch = project.defaultBranch ?? (await ctx.github.getRepository(project.repoPath)).default_branch;
    return { files: new GitHubRepoFiles(ctx.github, project.repoPath, branch), branch };
  }
  if (!ctx.gitlab) throw new InputError('no GitLab client (give --gitlab-token or a checkout)', { field: 'gitlab-token' });
  const branch = project.defaultBranch ?? (await ctx.gitlab.getProject(project.repoPath)).default_branch;
  return { files: new GitLabRepoFiles(ctx.gitlab, project.repoPath, branch), branch };
}

// Run history comes from the API only; a project read from a checkout still gets it when a client
// for its forge is configured (the default branch is then asked for).
async function runtimeFor(project: Project, ctx: AuditContext, knownBranch: string | undefined): Promise<RuntimeEvidence | { error: string } | undefined> {
  if (!ctx.runtime) return undefined;
  try {
    if (project.platform === 'github' && ctx.github) {
      const branch = knownBranch ?? (await ctx.github.getRepository(project.repoPath)).default_branch;
      const since = new Date(ctx.now.getTime() - (ctx.runtimeDays ?? 14) * 86400_000);
      return await githubRuntime(ctx.github, project.repoPath, branch, since, ctx.now);
    }
    if (project.platform === 'gitlab' && ctx.gitlab) {
      const branch = knownBranch ?? (await ctx.gitlab.getProject(project.repoPath)).default_branch;
      return await gitlabRuntime(ctx.gitlab, project.repoPath, branch, project.host);
    }
  } catch (err) {
    return { error: describeError(err) };
  }
  return undefined;
}

const RUNBOOK_PATTERNS = ['docs/runbooks/*rollback*', 'docs/runbook*/*', 'docs/*rollback*', 'ROLLBACK.md', 'RUNBOOK.md', 'runbooks/*rollback*', '.paved/rollback.md'];

async function findRunbooks(files: RepoFiles, declared: string | undefined): Promise<string[]> {
  const out = new Set<string>();
  if (declared && (await files.read(declared)) !== undefined) out.add(declared);
  for (const pattern of RUNBOOK_PATTERNS) {
    for (const f of await globFiles(files, pattern)) {
      const text = pattern.includes('rollback') ? '' : ((await files.read(f)) ?? '');
      if (pattern.includes('rollback') || /rollback|roll back/i.test(text)) out.add(f);
    }
  }
  return [...out];
}

function decide(checks: CheckResult[], noConfig: boolean): { status: ComplianceStatus; summary: string } {
  if (noConfig) return { status: 'unknown', summary: 'no CI configuration found' };
  const failed = checks.filter((c) => c.status === 'fail');
  const warned = checks.filter((c) => c.status === 'warn');
  if (failed.length > 0) return { status: 'non_compliant', summary: `failed: ${failed.map((c) => c.id).join(', ')}` };
  if (warned.length > 0) return { status: 'drifting', summary: `warnings: ${warned.map((c) => c.id).join(', ')}` };
  return { status: 'compliant', summary: 'all checks pass' };
}

function templateVersions(audits: ProjectAudit[]): AuditReport['templateVersions'] {
  const map = new Map<string, { template: string; version: string; drift: DriftClass; projects: Set<string> }>();
  for (const a of audits) {
    for (const r of a.references) {
      const version = r.drift === 'missing' ? '(missing)' : (r.release ?? r.ref ?? '(default branch)');
      const key = `${r.template}\u0000${version}`;
      const entry = map.get(key) ?? { template: r.template, version, drift: r.drift, projects: new Set<string>() };
      entry.projects.add(a.slug);
      map.set(key, entry);
    }
  }
  return [...map.values()]
    .map((e) => ({ ...e, projects: [...e.projects].sort() }))
    .sort((a, b) => a.template.localeCompare(b.template) || a.version.localeCompare(b.version));
}
