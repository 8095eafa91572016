// Sticky comments: one logical comment per key on a PR or MR, found again by a hidden marker and
// updated in place. Bodies over the forge's limit (GitHub: 65,535 characters) are split into
// numbered parts, and parts a shorter update no longer needs are deleted.

export const GITHUB_COMMENT_LIMIT = 65535;
/** GitLab notes accept 1,000,000 characters; we split well below to keep MR pages usable. */
export const GITLAB_NOTE_LIMIT = 1000000;

export interface ExistingComment {
  id: number | string;
  body: string;
}

/** The forge operations a sticky comment needs; the GitHub and GitLab faces implement them. */
export interface CommentApi {
  list(): Promise<ExistingComment[]>;
  create(body: string): Promise<void>;
  update(id: ExistingComment['id'], body: string): Promise<void>;
  remove(id: ExistingComment['id']): Promise<void>;
}

export function marker(key: string, part: number): string {
  return `<!-- paved:${key}:part=${part} -->`;
}

const MARKER_RE = /<!-- paved:(.+?):part=(\d+) -->/;

export function parseMarker(body: string): { key: string; part: number } | undefined {
  const match = MARKER_RE.exec(body);
  return match ? { key: match[1], part: Number(match[2]) } : undefined;
}

/**
 * Splits `body` into parts that each fit `limit` once their marker and continuation line are added.
 * Splits happen at line boundaries, and never inside a fenced code block or an open `<details>`
 * element when a boundary outside one exists within the limit.
 */
export function splitComment(key: string, body: string, limit = GITHUB_COMMENT_LIMIT): string[] {
  const overhead = marker(key, 999).length + 80;
  const room = limit - overhead;
  if (room <= 0) throw new Error(`comment limit ${limit} is too small`);
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 0;
  let lastSafe = -1; // index in `current` after which a split keeps structure intact
  let inFence = false;
  let openDetails = 0;

  const flush = (upTo: number) => {
    chunks.push(current.slice(0, upTo).join('\n'));
    current = current.slice(upTo);
    size = current.reduce((n, l) => n + l.length + 1, 0);
    lastSafe = -1;
  };

  for (const rawLine of body.split('\n')) {
    // A single line longer than the room is cut hard; nothing else can be done with it.
    const pieces = rawLine.length > room ? rawLine.match(new RegExp(`[\\s\\S]{1,${room}}`, 'g'))! : [rawLine];
    for (const line of pieces) {
      if (size + line.length + 1 > room && current.length > 0) flush(lastSafe > 0 ? lastSafe : current.length);
      current.push(line);
      size += line.length + 1;
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      openDetails += (line.match(/<details/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
      if (!inFence && openDetails <= 0) lastSafe = current.length;
    }
  }
  if (current.length > 0 || chunks.length === 0) chunks.push(current.join('\n'));

  return chunks.map((chunk, i) => {
    const head = marker(key, i + 1);
    const tail = chunks.length > 1 ? `\n\n<sub>part ${i + 1} of ${chunks.length}</sub>` : '';
    return `${head}\n${chunk}${tail}`;
  });
}

/** Creates, updates in place, or trims the comment parts for `key`. Returns how many parts were written. */
export async function syncStickyComment(api: CommentApi, key: string, body: string, limit: number): Promise<number> {
  const parts = splitComment(key, body, limit);
  const existing = new Map<number, ExistingComment>();
  for (const comment of await api.list()) {
    const found = parseMarker(comment.body);
    if (found?.key === key && !existing.has(found.part)) existing.set(found.part, comment);
  }
  for (let i = 0; i < parts.length; i++) {
    const current = existing.get(i + 1);
    if (!current) await api.create(parts[i]);
    else if (current.body !== parts[i]) await api.update(current.id, parts[i]);
  }
  for (const [part, comment] of existing) {
    if (part > parts.length) await api.remove(comment.id);
  }
  return parts.length;
}
