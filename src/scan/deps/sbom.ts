// A CycloneDX 1.6 JSON SBOM of every package the lockfiles pin, with package URLs, direct/transitive
// and dev scope, and the vulnerabilities found (when an advisory source was used).

import { randomUUID } from 'node:crypto';
import type { Finding } from '../model';
import type { Lockfile, Package } from './lockfiles';

const PURL_TYPE: Record<Package['ecosystem'], string> = { npm: 'npm', PyPI: 'pypi', Go: 'golang', 'crates.io': 'cargo' };

export function purl(pkg: Pick<Package, 'ecosystem' | 'name' | 'version'>): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%2F/g, '/');
  const name = pkg.ecosystem === 'npm' && pkg.name.startsWith('@') ? `%40${enc(pkg.name.slice(1))}` : enc(pkg.name);
  return `pkg:${PURL_TYPE[pkg.ecosystem]}/${name}@${encodeURIComponent(pkg.version)}`;
}

export function cycloneDx(lockfiles: Lockfile[], findings: Finding[], tool: { name: string; version: string }, now = new Date()): object {
  const components = new Map<string, object>();
  for (const lock of lockfiles) {
    for (const p of lock.packages) {
      const ref = purl(p);
      if (components.has(ref)) continue;
      components.set(ref, {
        type: 'library',
        'bom-ref': ref,
        name: p.name,
        version: p.version,
        purl: ref,
        scope: p.dev ? 'optional' : 'required',
        properties: [
          { name: 'paved:direct', value: String(p.direct) },
          { name: 'paved:lockfile', value: lock.file },
        ],
      });
    }
  }
  const vulns = new Map<string, { id: string; refs: Set<string>; f: Finding }>();
  for (const f of findings.filter((x) => x.kind === 'deps' && x.package && x.version && x.ecosystem)) {
    const v = vulns.get(f.rule) ?? { id: f.rule, refs: new Set<string>(), f };
    v.refs.add(purl({ ecosystem: f.ecosystem as Package['ecosystem'], name: f.package!, version: f.version! }));
    vulns.set(f.rule, v);
  }
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: { timestamp: now.toISOString(), tools: { components: [{ type: 'application', name: tool.name, version: tool.version }] } },
    components: [...components.values()],
    vulnerabilities: [...vulns.values()].map(({ id, refs, f }) => ({
      'bom-ref': `vuln:${id}`,
      id,
      source: { name: 'OSV', url: f.url },
      ratings: [
        f.cvssScore !== undefined
          ? { score: f.cvssScore, severity: f.severity, method: 'CVSSv31', vector: f.cvssVector }
          : { severity: f.severity === 'info' ? 'info' : f.severity, method: 'other' },
      ],
      description: f.title,
      ...(f.aliases?.length ? { references: f.aliases.map((a) => ({ id: a, source: { name: a.startsWith('CVE-') ? 'NVD' : 'OSV' } })) } : {}),
      affects: [...refs].map((ref) => ({ ref })),
    })),
  };
}
