// Advisory data in OSV format: a local folder of OSV JSON files (any depth) or osv-scanner's
// `<ecosystem>/all.zip` exports, or the OSV API (`POST /v1/querybatch`, `GET /v1/vulns/{id}`), and
// OSV's IsVulnerable evaluation with each ecosystem's version ordering.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../platform/errors';
import { HttpClient } from '../../platform/http';
import { severityFromScore, toSeverity, type Severity } from '../model';
import { cvss3BaseScore } from './cvss';
import type { Package } from './lockfiles';
import { compareVersions, normalizePackageName, type Ecosystem } from './versions';
import { readZip } from './zip';

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  ranges?: Array<{ type: string; events: OsvEvent[] }>;
  versions?: string[];
  severity?: Array<{ type: string; score: string }>;
  database_specific?: Record<string, unknown>;
  ecosystem_specific?: Record<string, unknown>;
}

export interface OsvRecord {
  id: string;
  aliases?: string[];
  summary?: string;
  details?: string;
  withdrawn?: string;
  severity?: Array<{ type: string; score: string }>;
  affected?: OsvAffected[];
  database_specific?: Record<string, unknown>;
  references?: Array<{ type: string; url: string }>;
}

export interface AdvisorySource {
  /** Says where advisories came from, for the report. */
  readonly description: string;
  /** Records that mention each package (by `packageKey`); matching is done by the caller. */
  lookup(packages: Package[]): Promise<Map<string, OsvRecord[]>>;
}

const ECOSYSTEMS: Record<string, Ecosystem> = { npm: 'npm', pypi: 'PyPI', go: 'Go', 'crates.io': 'crates.io' };

export function packageKey(ecosystem: string, name: string): string {
  const eco = ECOSYSTEMS[ecosystem.toLowerCase()];
  return eco ? `${eco}\0${normalizePackageName(eco, name)}` : `${ecosystem}\0${name}`;
}

/** Advisories from files on disk, indexed by package. */
export class OsvDirectory implements AdvisorySource {
  readonly description: string;
  readonly records: number;
  private readonly index = new Map<string, OsvRecord[]>();

  constructor(dir: string) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new InputError('OSV directory not found', { file: dir, field: '--osv-dir', hint: 'give a folder of OSV JSON files or osv-scanner <ecosystem>/all.zip exports' });
    }
    let count = 0;
    const add = (record: unknown) => {
      const r = record as OsvRecord;
      if (!r || typeof r !== 'object' || typeof r.id !== 'string') return;
      if (!Array.isArray(r.affected)) return;
      count++;
      const keys = new Set(r.affected.filter((a) => a.package).map((a) => packageKey(a.package!.ecosystem, a.package!.name)));
      for (const key of keys) {
        const list = this.index.get(key) ?? [];
        list.push(r);
        this.index.set(key, list);
      }
    };
    const parse = (text: string, file: string) => {
      try {
        return JSON.parse(text) as unknown;
      } catch (err) {
        throw new InputError(`advisory file is not valid JSON: ${(err as Error).message}`, { file, field: '--osv-dir' });
      }
    };
    const visit = (d: string) => {
      for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const full = path.join(d, entry.name);
        if (entry.isDirectory()) visit(full);
        else if (entry.name.endsWith('.json')) {
          const doc = parse(fs.readFileSync(full, 'utf8'), full);
          for (const r of Array.isArray(doc) ? doc : [doc]) add(r);
        } else if (entry.name.endsWith('.zip')) {
          let entries;
          try {
            entries = readZip(fs.readFileSync(full));
          } catch (err) {
            throw new InputError(`cannot read advisory zip: ${(err as Error).message}`, { file: full, field: '--osv-dir' });
          }
          for (const e of entries) if (e.name.endsWith('.json')) add(parse(e.read().toString('utf8'), `${full}:${e.name}`));
        }
      }
    };
    visit(dir);
    this.records = count;
    this.description = `OSV files in ${dir} (${count} advisories)`;
  }

  async lookup(packages: Package[]): Promise<Map<string, OsvRecord[]>> {
    const out = new Map<string, OsvRecord[]>();
    for (const p of packages) {
      const key = packageKey(p.ecosystem, p.name);
      const hits = this.index.get(key);
      if (hits) out.set(key, hits);
    }
    return out;
  }
}

/** The OSV API (osv.dev or a mirror): one querybatch for all packages, then each advisory once. */
export class OsvApi implements AdvisorySource {
  readonly description: string;
  private readonly client: HttpClient;

  constructor(baseUrl: string, options: { sleep?: (ms: number) => Promise<void>; token?: string } = {}) {
    this.client = new HttpClient({ baseUrl, apiName: 'OSV API', sleep: options.sleep, token: options.token, backoffMs: 200 });
    this.description = `OSV API at ${this.client.baseUrl.origin}${this.client.baseUrl.pathname.replace(/\/$/, '')}`;
  }

  async lookup(packages: Package[]): Promise<Map<string, OsvRecord[]>> {
    const ids = new Map<string, Set<string>>();
    const unique = [...new Map(packages.map((p) => [`${p.ecosystem}\0${p.name}\0${p.version}`, p])).values()];
    for (let start = 0; start < unique.length; start += 1000) {
      const batch = unique.slice(start, start + 1000);
      let queries = batch.map((p) => ({ pkg: p, page: undefined as string | undefined }));
      while (queries.length) {
        const res = await this.client.post<{ results?: Array<{ vulns?: Array<{ id: string }>; next_page_token?: string }> }>(
          'v1/querybatch',
          { queries: queries.map((q) => ({ package: { name: q.pkg.name, ecosystem: q.pkg.ecosystem }, version: q.pkg.version, ...(q.page ? { page_token: q.page } : {}) })) },
          { retryUnsafe: true },
        );
        const results = res.body?.results;
        if (!Array.isArray(results) || results.length !== queries.length) {
          throw new InputError(`OSV API answered querybatch with ${Array.isArray(results) ? results.length : 'no'} results for ${queries.length} queries`, { field: '--osv-url' });
        }
        const next: typeof queries = [];
        results.forEach((r, i) => {
          const key = packageKey(queries[i].pkg.ecosystem, queries[i].pkg.name);
          for (const v of r.vulns ?? []) {
            const set = ids.get(key) ?? new Set();
            set.add(v.id);
            ids.set(key, set);
          }
          if (r.next_page_token) next.push({ pkg: queries[i].pkg, page: r.next_page_token });
        });
        queries = next;
      }
    }
    const records = new Map<string, OsvRecord>();
    const wanted = [...new Set([...ids.values()].flatMap((s) => [...s]))];
    for (let i = 0; i < wanted.length; i += 8) {
      await Promise.all(
        wanted.slice(i, i + 8).map(async (id) => {
          const res = await this.client.get<OsvRecord>(`v1/vulns/${encodeURIComponent(id)}`);
          if (!res.body || typeof res.body !== 'object' || res.body.id !== id) throw new InputError(`OSV API returned no record for ${id}`, { field: '--osv-url' });
          records.set(id, res.body);
        }),
      );
    }
    const out = new Map<string, OsvRecord[]>();
    for (const [key, set] of ids) out.set(key, [...set].map((id) => records.get(id)!).filter(Boolean));
    return out;
  }
}

function inRange(ecosystem: Ecosystem, version: string, events: OsvEvent[]): boolean {
  const cmp = (a: string, b: string) => compareVersions(ecosystem, a, b);
  const point = (e: OsvEvent) => e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '0';
  const rank = (e: OsvEvent) => (point(e) === '0' ? 0 : 1);
  const sorted = [...events].sort((a, b) => rank(a) - rank(b) || (rank(a) ? cmp(point(a), point(b)) : 0));
  let affected = false;
  for (const e of sorted) {
    if (e.introduced !== undefined && (e.introduced === '0' || cmp(version, e.introduced) >= 0)) affected = true;
    else if (e.fixed !== undefined && cmp(version, e.fixed) >= 0) affected = false;
    else if (e.last_affected !== undefined && cmp(version, e.last_affected) > 0) affected = false;
  }
  return affected;
}

/** The `affected` entry of a record that covers this package version, if any (OSV IsVulnerable). */
export function affectedEntry(record: OsvRecord, pkg: Package): OsvAffected | undefined {
  if (record.withdrawn) return undefined;
  const key = packageKey(pkg.ecosystem, pkg.name);
  for (const a of record.affected ?? []) {
    if (!a.package || packageKey(a.package.ecosystem, a.package.name) !== key) continue;
    if (a.versions?.includes(pkg.version)) return a;
    for (const r of a.ranges ?? []) {
      if ((r.type === 'SEMVER' || r.type === 'ECOSYSTEM') && inRange(pkg.ecosystem, pkg.version, r.events ?? [])) return a;
    }
  }
  return undefined;
}

export function fixedVersion(a: OsvAffected, pkg: Package): string | undefined {
  const fixes = (a.ranges ?? []).flatMap((r) => r.events.map((e) => e.fixed)).filter((f): f is string => !!f && compareVersions(pkg.ecosystem, f, pkg.version) > 0);
  return fixes.sort((x, y) => compareVersions(pkg.ecosystem, x, y))[0];
}

export interface RecordSeverity {
  severity: Severity;
  score?: number;
  vector?: string;
  /** Where the severity came from: `cvss` (computed), `database` or `unknown` (treated as high). */
  source: 'cvss' | 'database' | 'unknown';
}

export function severityOf(record: OsvRecord, a?: OsvAffected): RecordSeverity {
  for (const s of [...(record.severity ?? []), ...(a?.severity ?? [])]) {
    if (s.type === 'CVSS_V3' && /^CVSS:3\.[01]\//.test(s.score)) {
      try {
        const score = cvss3BaseScore(s.score);
        return { severity: severityFromScore(score), score, vector: s.score, source: 'cvss' };
      } catch {
        // a malformed vector falls through to the database label
      }
    }
  }
  const label = record.database_specific?.severity ?? a?.database_specific?.severity ?? a?.ecosystem_specific?.severity;
  const severity = typeof label === 'string' ? toSeverity(label) : undefined;
  if (severity) return { severity, source: 'database', vector: record.severity?.[0]?.score };
  return { severity: 'high', source: 'unknown', vector: record.severity?.[0]?.score };
}
