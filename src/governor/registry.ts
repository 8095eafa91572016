// The project registry: the governor's list of projects (seed 001's `project_registry.yaml`), read
// and validated with located errors, normalised for the audit, and written back after an audit with
// `last_audit` and `compliance_status` changed in place (comments and formatting kept).

import * as path from 'node:path';
import * as YAML from 'yaml';
import registrySchema from '../../schemas/project-registry.schema.json';
import { InputError } from '../platform/errors';
import { readText } from '../platform/files';
import type { CiPlatform } from './refs';
import { fieldName, parseYamlDocument, schemaProblems, throwProblems, type SchemaProblem } from './yaml-schema';

export type DeploymentType = 'fly' | 'aks' | 'azure-functions' | 'databricks';
export type ComplianceStatus = 'compliant' | 'drifting' | 'non_compliant' | 'unknown';
export type Tier = 'development' | 'staging' | 'production';

export interface Environment {
  name: string;
  tier: Tier;
  healthUrl?: string;
}

export interface DeploymentTarget {
  type: DeploymentType;
  environments: Environment[];
}

export interface Release {
  tag: string;
  sha?: string;
}

export interface PlatformSpec {
  github?: string;
  gitlab?: string;
  gitlabHost: string;
  /** Undefined when they must be read from the forge's tags API. */
  releases?: Release[];
}

export interface Project {
  slug: string;
  /** host/path as written. */
  repo: string;
  host: string;
  /** owner/repo or group/sub/project. */
  repoPath: string;
  platform: CiPlatform;
  defaultBranch?: string;
  /** Absolute path of a local checkout, when the registry names one. */
  checkout?: string;
  deploymentTargets: DeploymentTarget[];
  ciTemplate: string;
  owners: string[];
  exemptions: Array<{ check: string; reason: string; expires: string }>;
  evidenceDir?: string;
  rollbackTestMaxAgeDays: number;
  lastAudit?: string;
  complianceStatus?: ComplianceStatus;
  /** Index in the registry's `projects` list (for write-back). */
  index: number;
}

export interface Registry {
  file: string;
  text: string;
  platform: PlatformSpec;
  projects: Project[];
}

/** Environment names that count as each tier when the registry does not say. */
export function tierOf(name: string): Tier {
  const n = name.toLowerCase();
  if (/^(prod|production|prd|live)([-_.].*)?$/.test(n)) return 'production';
  if (/^(staging|stage|stg|preprod|pre-prod|uat|qa)([-_.].*)?$/.test(n)) return 'staging';
  return 'development';
}

export function loadRegistry(file: string): Registry {
  return parseRegistry(readText(file, 'project registry'), file);
}

export function parseRegistry(text: string, file: string): Registry {
  const { doc, value, lineCounter } = parseYamlDocument(text, file, 'project registry');
  const problems: SchemaProblem[] = schemaProblems(registrySchema, value, doc, lineCounter);
  const raw = value as RawRegistry;
  if (problems.length === 0) problems.push(...duplicateSlugs(raw, doc, lineCounter));
  if (problems.length > 0) {
    throwProblems(problems, file, 'project registry', 'see docs/governance.md#registry and schemas/project-registry.schema.json');
  }
  const baseDir = path.dirname(path.resolve(file));
  const defaults = raw.defaults ?? {};
  const projects = raw.projects.map((p, index): Project => {
    const [host, ...rest] = p.repo.split('/');
    const platform: CiPlatform = p.platform ?? (/(^|\.)github\.com$/i.test(host) ? 'github' : 'gitlab');
    return {
      slug: p.slug,
      repo: p.repo,
      host,
      repoPath: rest.join('/'),
      platform,
      defaultBranch: p.default_branch ?? defaults.default_branch,
      checkout: p.checkout ? path.resolve(baseDir, p.checkout) : undefined,
      deploymentTargets: p.deployment_targets.map((t) => ({
        type: t.type,
        environments: t.environments.map((e) =>
          typeof e === 'string' ? { name: e, tier: tierOf(e) } : { name: e.name, tier: e.tier ?? tierOf(e.name), healthUrl: e.health_url },
        ),
      })),
      ciTemplate: p.ci_template,
      owners: p.owners ?? [],
      exemptions: p.exemptions ?? [],
      evidenceDir: defaults.evidence_dir,
      rollbackTestMaxAgeDays: defaults.rollback_test_max_age_days ?? 90,
      lastAudit: p.last_audit,
      complianceStatus: p.compliance_status,
      index,
    };
  });
  const platform: PlatformSpec = {
    github: raw.platform?.github,
    gitlab: raw.platform?.gitlab,
    gitlabHost: raw.platform?.gitlab_host ?? 'gitlab.com',
    releases: raw.platform?.releases?.map((r) => (typeof r === 'string' ? { tag: r } : r)),
  };
  return { file, text, platform, projects };
}

/**
 * The registry text with each audited project's `last_audit` and `compliance_status` set. The edit is
 * made in the text itself: existing values are replaced in place (keeping their quotes), missing keys
 * are added as a new line under the project, and every other byte, comments included, stays as it was.
 */
export function updateRegistryText(registry: Registry, results: Array<{ slug: string; date: string; status: ComplianceStatus }>): string {
  const doc = YAML.parseDocument(registry.text);
  const edits: Array<{ at: number; end: number; text: string }> = [];
  for (const result of results) {
    const project = registry.projects.find((p) => p.slug === result.slug);
    const map = project && doc.getIn(['projects', project.index], true);
    if (!YAML.isMap(map) || map.flow) return rewriteWhole(doc, registry, results);
    for (const [key, value] of [['last_audit', result.date], ['compliance_status', result.status]] as const) {
      const pair = map.items.find((p) => YAML.isScalar(p.key) && p.key.value === key);
      if (pair && YAML.isScalar(pair.value) && pair.value.range) {
        const quote = pair.value.type === 'QUOTE_DOUBLE' ? '"' : pair.value.type === 'QUOTE_SINGLE' ? "'" : '';
        edits.push({ at: pair.value.range[0], end: pair.value.range[1], text: `${quote}${value}${quote}` });
        continue;
      }
      const first = map.items[0]?.key as YAML.Node | undefined;
      const lastValue = map.items[map.items.length - 1]?.value as YAML.Node | undefined;
      if (!first?.range || !lastValue?.range) return rewriteWhole(doc, registry, results);
      const lineStart = registry.text.lastIndexOf('\n', first.range[0] - 1) + 1;
      const indent = ' '.repeat(first.range[0] - lineStart);
      const eol = registry.text.indexOf('\n', lastValue.range[1] - 1);
      const at = eol === -1 ? registry.text.length : eol;
      // Dates stay quoted so YAML 1.1 readers do not turn them into timestamps.
      const text = key === 'last_audit' ? `"${value}"` : value;
      edits.push({ at, end: at, text: `\n${indent}${key}: ${text}` });
    }
  }
  let out = registry.text;
  const ordered = edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.at - a.at || b.i - a.i);
  for (const e of ordered) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  return out;
}

// Flow-style project entries (`- {slug: a, ...}`) cannot be edited line-wise; let the library re-emit.
function rewriteWhole(doc: YAML.Document, registry: Registry, results: Array<{ slug: string; date: string; status: ComplianceStatus }>): string {
  for (const result of results) {
    const project = registry.projects.find((p) => p.slug === result.slug);
    if (!project) continue;
    doc.setIn(['projects', project.index, 'last_audit'], result.date);
    doc.setIn(['projects', project.index, 'compliance_status'], result.status);
  }
  return doc.toString({ lineWidth: 0 });
}

function duplicateSlugs(raw: RawRegistry, doc: YAML.Document, lineCounter: YAML.LineCounter): SchemaProblem[] {
  const seen = new Map<string, number>();
  const out: SchemaProblem[] = [];
  raw.projects.forEach((p, i) => {
    const first = seen.get(p.slug);
    if (first === undefined) {
      seen.set(p.slug, i);
      return;
    }
    const node = doc.getIn(['projects', i, 'slug'], true) as YAML.Node | undefined;
    const pos = node?.range ? lineCounter.linePos(node.range[0]) : undefined;
    out.push({ field: fieldName(['projects', i, 'slug']), message: `duplicate slug "${p.slug}" (also projects[${first}])`, line: pos?.line, column: pos?.col });
  });
  return out;
}

/** Fails with a clear message when `slug` is not in the registry (for `--project`). */
export function selectProjects(registry: Registry, slugs: string[]): Project[] {
  if (slugs.length === 0) return registry.projects;
  return slugs.map((slug) => {
    const p = registry.projects.find((x) => x.slug === slug);
    if (!p) {
      throw new InputError(`no project "${slug}" in the registry`, {
        file: registry.file,
        field: '--project',
        hint: `known: ${registry.projects.map((x) => x.slug).join(', ') || '(none)'}`,
      });
    }
    return p;
  });
}

interface RawRegistry {
  platform?: { github?: string; gitlab?: string; gitlab_host?: string; releases?: Array<string | Release> };
  defaults?: { default_branch?: string; evidence_dir?: string; rollback_test_max_age_days?: number };
  projects: Array<{
    slug: string;
    repo: string;
    platform?: CiPlatform;
    default_branch?: string;
    checkout?: string;
    deployment_targets: Array<{ type: DeploymentType; environments: Array<string | { name: string; tier?: Tier; health_url?: string }> }>;
    ci_template: string;
    owners?: string[];
    exemptions?: Array<{ check: string; reason: string; expires: string }>;
    last_audit?: string;
    compliance_status?: ComplianceStatus;
  }>;
}
