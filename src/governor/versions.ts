// Template drift: which references point at the platform library, what release each resolves to
// (tags compared as versions, SHAs mapped back to the tag that carries them), and how far behind
// the newest release that is.

import type { CiReference } from './refs';
import type { PlatformSpec, Release } from './registry';

export type DriftClass = 'current' | 'behind-minor' | 'behind-major' | 'unpinned-branch' | 'unknown-ref' | 'missing';

export interface Version {
  parts: number[];
  prerelease: boolean;
}

export interface ReleaseIndex {
  /** Newest first; prereleases excluded from `latest`. */
  releases: Release[];
  latest?: Release;
  bySha: Map<string, Release[]>;
  byTag: Map<string, Release>;
}

export interface DriftVerdict {
  status: DriftClass;
  /** The release the reference resolves to (`v2.1.0`), when known. */
  resolved?: string;
  latest?: string;
  detail: string;
}

/** `v1.2.3`, `1.2`, `26.1`, `name/v0.2.0` → numeric parts; undefined for anything else. */
export function parseVersion(tag: string): Version | undefined {
  const m = tag.match(/^(?:[\w.-]+\/)*v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/);
  if (!m) return undefined;
  return { parts: m[1].split('.').map(Number), prerelease: m[2] !== undefined };
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < Math.max(a.parts.length, b.parts.length); i++) {
    const d = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (d !== 0) return d;
  }
  return Number(b.prerelease) - Number(a.prerelease);
}

export function buildReleaseIndex(releases: Release[]): ReleaseIndex {
  const versioned = releases
    .map((r) => ({ r, v: parseVersion(r.tag) }))
    .filter((x): x is { r: Release; v: Version } => x.v !== undefined)
    .sort((a, b) => compareVersions(b.v, a.v));
  const bySha = new Map<string, Release[]>();
  for (const r of releases) {
    if (!r.sha) continue;
    const key = r.sha.toLowerCase();
    bySha.set(key, [...(bySha.get(key) ?? []), r]);
  }
  return {
    releases: versioned.map((x) => x.r),
    latest: versioned.find((x) => !x.v.prerelease)?.r,
    bySha,
    byTag: new Map(releases.map((r) => [r.tag, r])),
  };
}

/** Whether a reference points at the platform library (by its GitHub repo or GitLab project). */
export function isPlatformReference(ref: CiReference, platform: PlatformSpec): boolean {
  const t = ref.target.toLowerCase();
  if (ref.platform === 'github' && platform.github) {
    const repo = platform.github.toLowerCase();
    return t === repo || t.startsWith(`${repo}/`);
  }
  if (ref.platform === 'gitlab' && platform.gitlab) {
    const project = platform.gitlab.toLowerCase();
    if (ref.kind === 'include-project') return t === project;
    if (ref.kind === 'include-component') return t.startsWith(`${platform.gitlabHost.toLowerCase()}/${project}/`);
    if (ref.kind === 'include-remote') return t.includes(`/${project}/`);
  }
  return false;
}

/** The template a platform reference names: workflow/action path, component name or included file. */
export function templateName(ref: CiReference, platform: PlatformSpec): string {
  if (ref.kind === 'include-project') return ref.path ?? ref.target;
  if (ref.kind === 'include-component') return ref.target.split('/').pop() ?? ref.target;
  if (ref.kind === 'include-remote') return ref.target.split('/').pop() ?? ref.target;
  const repo = platform.github?.toLowerCase() ?? '';
  const rest = ref.target.slice(repo.length).replace(/^\//, '');
  return rest || ref.target;
}

/** Whether a reference is the registry's `ci_template` (file name, with or without extension, or path suffix). */
export function matchesTemplate(ref: CiReference, template: string, platform: PlatformSpec): boolean {
  const strip = (s: string) => s.toLowerCase().replace(/\.ya?ml$/, '');
  const wanted = strip(template);
  const candidates = [templateName(ref, platform), ref.path ?? '', ref.target].filter(Boolean).map(strip);
  return candidates.some((c) => c === wanted || c.endsWith(`/${wanted}`));
}

/** Classifies one platform reference against the release index. */
export function classifyReference(ref: CiReference, index: ReleaseIndex): DriftVerdict {
  const latest = index.latest?.tag;
  if (ref.pin === 'none') return { status: 'unpinned-branch', latest, detail: 'no ref: follows the default branch' };
  if (ref.ref === null) return { status: 'unknown-ref', latest, detail: 'no ref' };
  if (!index.latest) return { status: 'unknown-ref', detail: 'the platform has no release tags to compare with' };
  if (ref.ref === '~latest') return { status: 'current', resolved: latest, latest, detail: '~latest follows the newest release' };

  if (ref.pin === 'sha') {
    const tags = index.bySha.get(ref.ref.toLowerCase());
    const best = tags?.map((r) => r.tag).sort((a, b) => compareVersions(parseVersion(b) ?? ZERO, parseVersion(a) ?? ZERO))[0];
    if (best) {
      const v = compareTo(best, index);
      const note = ref.versionComment && ref.versionComment !== best ? ` (the comment says ${ref.versionComment})` : '';
      return { ...v, detail: `SHA is release ${best}${note}; ${v.detail}` };
    }
    if (index.bySha.size === 0 && ref.versionComment && index.byTag.has(ref.versionComment)) {
      const v = compareTo(ref.versionComment, index);
      return { ...v, detail: `SHA taken as ${ref.versionComment} from its comment (no release SHAs known); ${v.detail}` };
    }
    return { status: 'unknown-ref', latest, detail: 'SHA is not the commit of any release tag' };
  }

  const exact = index.byTag.get(ref.ref);
  if (exact || ref.pin === 'tag') {
    const parsed = parseVersion(ref.ref);
    if (!parsed) return { status: 'unknown-ref', latest, detail: `tag ${ref.ref} is not a version` };
    // A shorter tag (`v2`) is a moving major/minor alias: compare only the parts it names.
    const known = exact || index.releases.some((r) => sameOnPrefix(parseVersion(r.tag), parsed));
    if (!known) return { status: 'unknown-ref', latest, detail: `no release ${ref.ref}` };
    return compareTo(ref.ref, index);
  }
  return { status: 'unpinned-branch', latest, detail: `branch ${ref.ref} moves without a change in this project` };
}

const ZERO: Version = { parts: [0], prerelease: false };

function sameOnPrefix(release: Version | undefined, alias: Version): boolean {
  return !!release && alias.parts.every((p, i) => release.parts[i] === p);
}

function compareTo(tag: string, index: ReleaseIndex): DriftVerdict {
  const latest = index.latest!.tag;
  const v = parseVersion(tag)!;
  const l = parseVersion(latest)!;
  if (v.parts[0] < l.parts[0]) return { status: 'behind-major', resolved: tag, latest, detail: `${tag} is a major version behind ${latest}` };
  for (let i = 1; i < v.parts.length; i++) {
    if ((v.parts[i] ?? 0) < (l.parts[i] ?? 0)) return { status: 'behind-minor', resolved: tag, latest, detail: `${tag} is behind ${latest} within the same major` };
    if ((v.parts[i] ?? 0) > (l.parts[i] ?? 0)) break;
  }
  return { status: 'current', resolved: tag, latest, detail: `${tag} is the current release line (${latest})` };
}

/** Worst first: the order used to summarise a project's drift. */
export const DRIFT_SEVERITY: Record<DriftClass, number> = {
  missing: 5,
  'behind-major': 4,
  'unpinned-branch': 3,
  'unknown-ref': 3,
  'behind-minor': 2,
  current: 0,
};
