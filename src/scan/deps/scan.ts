// The dependency scan: read every lockfile, ask the advisory source about the packages, keep the
// advisories whose ranges cover the installed version, and merge aliases (GHSA <-> CVE) so one
// vulnerability is one finding per package and lockfile.

import * as path from 'node:path';
import { readText } from '../../platform/files';
import { sha256, type Finding } from '../model';
import { findLockfiles, LockfileLines, type Lockfile, type Package } from './lockfiles';
import { affectedEntry, fixedVersion, OsvApi, OsvDirectory, packageKey, severityOf, type AdvisorySource, type OsvRecord } from './osv';

export interface DepScanOptions {
  root: string;
  osvDir?: string;
  osvUrl?: string;
  exclude?: string[];
  /** Injected in tests so API retries do not wait. */
  sleep?: (ms: number) => Promise<void>;
}

export interface DepScanResult {
  lockfiles: Lockfile[];
  findings: Finding[];
  packages: number;
  /** Undefined when no advisory data was configured. */
  advisorySource?: string;
}

export function advisorySourceFor(options: DepScanOptions): AdvisorySource | undefined {
  if (options.osvDir) return new OsvDirectory(options.osvDir);
  if (options.osvUrl) return new OsvApi(options.osvUrl, { sleep: options.sleep });
  return undefined;
}

export async function scanDependencies(options: DepScanOptions): Promise<DepScanResult> {
  const lockfiles = findLockfiles(options.root, options.exclude);
  const source = advisorySourceFor(options);
  const all = lockfiles.flatMap((l) => l.packages);
  const result: DepScanResult = { lockfiles, findings: [], packages: all.length, advisorySource: source?.description };
  if (!source || all.length === 0) return result;
  const byPackage = await source.lookup(all);
  const rootDir = path.extname(options.root) ? path.dirname(options.root) : options.root;
  // Lockfiles side by side (package-lock.json and yarn.lock) describe one project: one finding each.
  const seen = new Map<string, Finding>();
  for (const lock of lockfiles) {
    let lines: LockfileLines | undefined;
    for (const pkg of lock.packages) {
      const records = byPackage.get(packageKey(pkg.ecosystem, pkg.name));
      if (!records) continue;
      for (const group of mergeAliases(records.filter((r) => affectedEntry(r, pkg)))) {
        const key = `${path.posix.dirname(lock.file)}\0${group[0].id}\0${pkg.ecosystem}\0${pkg.name}\0${pkg.version}`;
        const first = seen.get(key);
        if (first) {
          if (first.file === lock.file || first.alsoIn?.includes(lock.file)) continue;
          if (first.line === undefined && pkg.line !== undefined) {
            // Point at the file that pins the package on a line of its own (not via an include).
            first.alsoIn = [...(first.alsoIn ?? []), first.file];
            Object.assign(first, { file: lock.file, line: pkg.line, fingerprint: depFingerprint(group[0].id, lock.file, pkg.name) });
          } else first.alsoIn = [...(first.alsoIn ?? []), lock.file];
          continue;
        }
        lines ??= new LockfileLines(readText(lockfileAbs(rootDir, options.root, lock), 'lockfile'));
        const finding = toFinding(group, pkg, lock, lines.locate(pkg));
        seen.set(key, finding);
        result.findings.push(finding);
      }
    }
  }
  for (const f of result.findings) if (f.alsoIn) f.message += ` (also pinned in ${f.alsoIn.join(', ')})`;
  return result;
}

function lockfileAbs(rootDir: string, root: string, lock: Lockfile): string {
  return path.basename(root) === lock.file ? root : path.join(rootDir, lock.file);
}

/** Groups records that name each other (directly or through a shared alias); the first id wins. */
function mergeAliases(records: OsvRecord[]): OsvRecord[][] {
  const groups: Array<{ ids: Set<string>; records: OsvRecord[] }> = [];
  for (const r of [...records].sort((a, b) => a.id.localeCompare(b.id))) {
    const names = [r.id, ...(r.aliases ?? [])];
    const group = groups.find((g) => names.some((n) => g.ids.has(n)));
    if (group) {
      names.forEach((n) => group.ids.add(n));
      group.records.push(r);
    } else groups.push({ ids: new Set(names), records: [r] });
  }
  return groups.map((g) => g.records);
}

/** Line-independent, like osv-scanner's: advisory, lockfile and package. */
function depFingerprint(id: string, file: string, name: string): string {
  return sha256(`${id}:${file}:${name}`);
}

function toFinding(group: OsvRecord[], pkg: Package, lock: Lockfile, line: number | undefined): Finding {
  const record = group[0];
  const affected = affectedEntry(record, pkg)!;
  const sev = group.map((r) => severityOf(r, affectedEntry(r, pkg))).sort((a, b) => (b.score ?? 0) - (a.score ?? 0))[0];
  const fixedIn = fixedVersion(affected, pkg);
  const aliases = [...new Set(group.flatMap((r) => [r.id, ...(r.aliases ?? [])]))].filter((id) => id !== record.id);
  const title = record.summary ?? record.details?.split('\n')[0]?.slice(0, 200) ?? record.id;
  return {
    kind: 'deps',
    rule: record.id,
    title,
    message: `${pkg.name}@${pkg.version} (${pkg.direct ? 'direct' : 'transitive'}${pkg.dev ? ', dev' : ''}) is affected by ${record.id}: ${title}${fixedIn ? `; fixed in ${fixedIn}` : '; no fixed version'}`,
    severity: sev.severity,
    file: lock.file,
    line,
    fingerprint: depFingerprint(record.id, lock.file, pkg.name),
    package: pkg.name,
    version: pkg.version,
    ecosystem: pkg.ecosystem,
    fixedIn,
    aliases,
    cvssScore: sev.score,
    cvssVector: sev.vector,
    url: `https://osv.dev/vulnerability/${record.id}`,
    help: record.details,
  };
}
