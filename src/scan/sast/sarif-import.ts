// Reads SARIF 2.1.0 from other tools (Semgrep, CodeQL, ESLint, ...) into findings: rule metadata
// from the driver and its extensions, severity from `security-severity` or the level, suppressed
// results left out, and absolute `file://` URIs made relative to the checkout.

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../platform/errors';
import { readJson } from '../../platform/files';
import { severityFromScore, sha256, toPosix, type Finding, type Severity } from '../model';

type Json = Record<string, any>;

const LEVEL_SEVERITY: Record<string, Severity> = { error: 'high', warning: 'medium', note: 'low', none: 'info' };

/** `roots`: absolute directories a file:// URI may start with (the scan root, the CI workspace). */
export function importSarif(file: string, roots: string[]): Finding[] {
  const doc = readJson<Json>(file, 'SARIF file');
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.runs)) {
    throw new InputError('not a SARIF log (no "runs" array)', { file, field: '--sarif', hint: 'give the .sarif file the tool wrote (SARIF 2.1.0)' });
  }
  const findings: Finding[] = [];
  doc.runs.forEach((run: Json, runIndex: number) => {
    const driver = run?.tool?.driver;
    const tool = String(driver?.name ?? `${path.basename(file)} run ${runIndex + 1}`);
    const rules: Json[] = [...(driver?.rules ?? []), ...((run?.tool?.extensions ?? []) as Json[]).flatMap((e) => e.rules ?? [])];
    const byId = new Map(rules.filter((r) => r?.id).map((r) => [String(r.id), r]));
    const baseIds = (run.originalUriBaseIds ?? {}) as Record<string, { uri?: string }>;
    const workDir = run.invocations?.[0]?.workingDirectory?.uri as string | undefined;
    for (const result of (run.results ?? []) as Json[]) {
      if (Array.isArray(result.suppressions) && result.suppressions.some((s: Json) => !s.status || s.status === 'accepted')) continue;
      const rule = (result.ruleIndex !== undefined ? rules[result.ruleIndex] : undefined) ?? byId.get(String(result.ruleId ?? result.rule?.id));
      const ruleId = String(result.ruleId ?? result.rule?.id ?? rule?.id ?? `${tool}-result`);
      const level = String(result.level ?? rule?.defaultConfiguration?.level ?? 'warning');
      const secSev = Number.parseFloat(rule?.properties?.['security-severity'] ?? result.properties?.['security-severity']);
      const severity = Number.isFinite(secSev) ? severityFromScore(secSev) : (LEVEL_SEVERITY[level] ?? 'medium');
      const loc = result.locations?.[0]?.physicalLocation ?? {};
      const ref = (loc.artifactLocation ?? {}) as Json;
      const art = (ref.uri === undefined && ref.index !== undefined ? run.artifacts?.[ref.index]?.location : ref) ?? {};
      const filePath = resolveUri(String(art.uri ?? ''), art.uriBaseId ? baseIds[art.uriBaseId]?.uri : undefined, workDir, roots);
      const region = loc.region ?? {};
      const message = String(result.message?.text ?? rule?.shortDescription?.text ?? rule?.fullDescription?.text ?? ruleId);
      const fp = result.partialFingerprints?.primaryLocationLineHash ?? Object.values(result.fingerprints ?? {})[0];
      findings.push({
        kind: 'sast',
        rule: ruleId,
        title: String(rule?.shortDescription?.text ?? rule?.name ?? ruleId),
        message,
        severity,
        file: filePath,
        line: typeof region.startLine === 'number' ? region.startLine : undefined,
        endLine: typeof region.endLine === 'number' ? region.endLine : undefined,
        column: typeof region.startColumn === 'number' ? region.startColumn : undefined,
        endColumn: typeof region.endColumn === 'number' ? region.endColumn : undefined,
        fingerprint: sha256(`${tool}\0${ruleId}\0${filePath}\0${fp ?? `${message}\0${region.startLine ?? ''}`}`),
        tool,
        help: rule?.help?.text ?? rule?.fullDescription?.text,
        url: rule?.helpUri,
      });
    }
  });
  return findings;
}

function resolveUri(uri: string, base: string | undefined, workDir: string | undefined, roots: string[]): string {
  let value = uri;
  if (base && !/^[a-z]+:/i.test(value)) value = base.replace(/\/?$/, '/') + value;
  if (/^file:/i.test(value)) {
    let abs: string;
    try {
      abs = fileURLToPath(value);
    } catch {
      return value;
    }
    const candidates = [...(workDir && /^file:/i.test(workDir) ? [fileURLToPath(workDir)] : []), ...roots].map((r) => path.resolve(r));
    for (const root of candidates) {
      const rel = path.relative(root, abs);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return toPosix(rel);
    }
    return toPosix(abs);
  }
  return toPosix(decodeURIComponent(value)).replace(/^\.\//, '');
}
