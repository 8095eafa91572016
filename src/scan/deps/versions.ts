// Version ordering per ecosystem, as OSV ranges need it: SemVer 2.0 (npm, crates.io), Go module
// versions (SemVer with a `v`, `+incompatible` ignored) and PEP 440 (PyPI).

export type Ecosystem = 'npm' | 'PyPI' | 'Go' | 'crates.io';

interface SemVer {
  nums: number[];
  pre: Array<string | number>;
}

function parseSemver(raw: string): SemVer | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(raw.trim());
  if (!m) return undefined;
  return {
    nums: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)],
    pre: m[4] ? m[4].split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [],
  };
}

export function compareSemver(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  if (!x || !y) return compareLoose(a, b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i] < y.nums[i] ? -1 : 1;
  if (!x.pre.length || !y.pre.length) return x.pre.length === y.pre.length ? 0 : x.pre.length ? -1 : 1;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return p < q ? -1 : 1;
    if (typeof p === 'number') return -1;
    if (typeof q === 'number') return 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

interface Pep440 {
  epoch: number;
  release: number[];
  pre?: [number, number]; // a=0, b=1, rc=2
  post?: number;
  dev?: number;
  local: Array<string | number>;
}

const PEP440 =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:(?:-(\d+))|(?:[-_.]?(post|rev|r)[-_.]?(\d*)))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/i;

function parsePep440(raw: string): Pep440 | undefined {
  const m = PEP440.exec(raw.trim());
  if (!m) return undefined;
  const preKind = m[3]?.toLowerCase();
  const preRank = preKind === undefined ? undefined : preKind.startsWith('a') ? 0 : preKind.startsWith('b') ? 1 : 2;
  return {
    epoch: Number(m[1] ?? 0),
    release: m[2].split('.').map(Number),
    pre: preRank === undefined ? undefined : [preRank, Number(m[4] || 0)],
    post: m[5] !== undefined ? Number(m[5]) : m[6] !== undefined ? Number(m[7] || 0) : undefined,
    dev: m[8] !== undefined ? Number(m[9] || 0) : undefined,
    local: m[10] ? m[10].split(/[-_.]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p.toLowerCase())) : [],
  };
}

export function comparePep440(a: string, b: string): number {
  const x = parsePep440(a);
  const y = parsePep440(b);
  if (!x || !y) return compareLoose(a, b);
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  const len = Math.max(x.release.length, y.release.length);
  for (let i = 0; i < len; i++) {
    const p = x.release[i] ?? 0;
    const q = y.release[i] ?? 0;
    if (p !== q) return p < q ? -1 : 1;
  }
  // Ordering within a release: dev-only < pre (< pre.dev before pre) < final < post.
  const key = (v: Pep440): number[] => {
    const pre = v.pre ? [v.pre[0], v.pre[1]] : v.post === undefined && v.dev !== undefined ? [-1, 0] : [3, 0];
    const post = v.post === undefined ? -1 : v.post;
    const dev = v.dev === undefined ? Infinity : v.dev;
    return [...pre, post, dev];
  };
  const kx = key(x);
  const ky = key(y);
  for (let i = 0; i < kx.length; i++) if (kx[i] !== ky[i]) return kx[i] < ky[i] ? -1 : 1;
  for (let i = 0; i < Math.max(x.local.length, y.local.length); i++) {
    const p = x.local[i];
    const q = y.local[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return p < q ? -1 : 1;
    if (typeof p === 'number') return 1;
    if (typeof q === 'number') return -1;
    return p < q ? -1 : 1;
  }
  return 0;
}

/** Numeric-aware fallback for versions no scheme recognises. */
function compareLoose(a: string, b: string): number {
  const pa = a.split(/[^0-9A-Za-z]+/);
  const pb = b.split(/[^0-9A-Za-z]+/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const p = pa[i] ?? '';
    const q = pb[i] ?? '';
    if (p === q) continue;
    if (/^\d+$/.test(p) && /^\d+$/.test(q)) return Number(p) < Number(q) ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

export function compareVersions(ecosystem: Ecosystem, a: string, b: string): number {
  if (ecosystem === 'PyPI') return comparePep440(a, b);
  if (ecosystem === 'Go') return compareSemver(a.replace(/\+incompatible$/, ''), b.replace(/\+incompatible$/, ''));
  return compareSemver(a, b);
}

/** PEP 503 name normalisation (PyPI names compare case- and separator-insensitively). */
export function normalizePackageName(ecosystem: Ecosystem, name: string): string {
  return ecosystem === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}
