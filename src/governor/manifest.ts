// A project's own manifest (`.paved/manifest.yaml`, or `.claude/manifest.yaml` as in seed 001):
// found, validated against schemas/project-manifest.schema.json with located problems, and compared
// with what the registry says about the project.

import manifestSchema from '../../schemas/project-manifest.schema.json';
import { PavedError } from '../platform/errors';
import type { DeploymentType, Project } from './registry';
import type { RepoFiles } from './repo-files';
import { parseYamlDocument, schemaProblems, type SchemaProblem } from './yaml-schema';

const MANIFEST_PATHS = ['.paved/manifest.yaml', '.paved/manifest.yml', '.claude/manifest.yaml', '.claude/manifest.yml'];

export interface Manifest {
  slug: string;
  ci_template?: string;
  deployment_targets?: Array<{ type: DeploymentType; environments: string[] }>;
  evidence_dir?: string;
  health_checks?: Array<{ environment: string; url: string; expect_status?: number }>;
  rollback?: { runbook?: string; command?: string };
  metrics?: { coverage_target?: number; incident_label?: string };
}

export interface ManifestRead {
  file?: string;
  manifest?: Manifest;
  problems: SchemaProblem[];
}

export async function readManifest(files: RepoFiles): Promise<ManifestRead> {
  for (const file of MANIFEST_PATHS) {
    const text = await files.read(file);
    if (text === undefined) continue;
    try {
      const { doc, value, lineCounter } = parseYamlDocument(text, file, 'project manifest');
      const problems = schemaProblems(manifestSchema, value, doc, lineCounter);
      return problems.length > 0 ? { file, problems } : { file, manifest: value as Manifest, problems };
    } catch (err) {
      if (!(err instanceof PavedError)) throw err;
      const where = err.context.file?.match(/:(\d+):(\d+)$/);
      return { file, problems: [{ field: '(syntax)', message: err.message, line: where ? Number(where[1]) : undefined, column: where ? Number(where[2]) : undefined }] };
    }
  }
  return { problems: [] };
}

/** Where the manifest and the registry disagree (slug, template, environments per target type). */
export function manifestMismatches(manifest: Manifest, project: Project): string[] {
  const out: string[] = [];
  if (manifest.slug !== project.slug) out.push(`manifest slug "${manifest.slug}" differs from the registry's "${project.slug}"`);
  if (manifest.ci_template && manifest.ci_template !== project.ciTemplate) {
    out.push(`manifest ci_template "${manifest.ci_template}" differs from the registry's "${project.ciTemplate}"`);
  }
  for (const target of manifest.deployment_targets ?? []) {
    const registered = project.deploymentTargets.find((t) => t.type === target.type);
    if (!registered) {
      out.push(`manifest deploys to ${target.type}, which the registry does not list`);
      continue;
    }
    const names = new Set(registered.environments.map((e) => e.name));
    const missing = target.environments.filter((e) => !names.has(e));
    if (missing.length > 0) out.push(`${target.type}: environments ${missing.join(', ')} are in the manifest but not in the registry`);
  }
  return out;
}
