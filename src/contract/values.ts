// How values cross into the contract: sensitive values become keyed digests (the producer is the only
// place that ever sees them), and every tool's way of saying "known after apply" becomes one mask
// shaped like the value, with `true` on the unknown parts.

import { createHash, type Hash } from 'node:crypto';
import { secrets } from '../platform/redact';
import { forEachChunk } from './json-stream';
import type { Redaction, SensitiveValue } from './types';

/** The environment variable holding the key for sensitive-value digests (a CI secret). */
export const HASH_KEY_ENV = 'PAVED_PLAN_HASH_KEY';
export const WITHHELD = 'withheld';

/** JSON with object keys sorted, so equal values always hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value as Record<string, unknown>).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Replaces sensitive values with HMAC-SHA256 digests. The message is `address NUL canonical-json(value)`:
 * the same secret on two resources gives two digests (no cross-resource correlation), while before and
 * after of one resource stay comparable. The key is PAVED_PLAN_HASH_KEY when set (digests comparable
 * across plans), otherwise derived from the native plan's bytes, which hold the secrets themselves: a
 * reader of the contract cannot rebuild that key, so short secrets cannot be brute-forced from digests.
 */
export class SensitiveHasher {
  private replaced = 0;
  /** HMAC's inner and outer hash states after the padded key, copied per value (RFC 2104). */
  private readonly inner: Hash;
  private readonly outer: Hash;

  constructor(
    key: Buffer,
    readonly keySource: Redaction['key'],
  ) {
    const block = Buffer.alloc(64);
    (key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(block);
    this.inner = createHash('sha256').update(block.map((b) => b ^ 0x36));
    this.outer = createHash('sha256').update(block.map((b) => b ^ 0x5c));
  }

  static forNativePlan(file: string, env: NodeJS.ProcessEnv): SensitiveHasher {
    const configured = env[HASH_KEY_ENV];
    if (configured) {
      secrets.add(configured);
      return new SensitiveHasher(Buffer.from(configured, 'utf8'), 'configured');
    }
    const hash = createHash('sha256').update('paved plan contract v1 sensitive-value key\0');
    forEachChunk(file, (chunk) => hash.update(chunk));
    return new SensitiveHasher(hash.digest(), 'derived');
  }

  /** For reading plans only to count or check them: nothing it would digest is ever written. */
  static forInspection(): SensitiveHasher {
    return new SensitiveHasher(Buffer.alloc(32), 'derived');
  }

  redaction(): Redaction {
    return { method: 'hmac-sha256', salt: 'address', key: this.keySource, values: this.replaced };
  }

  digest(address: string, value: unknown): SensitiveValue {
    this.replaced++;
    const inner = this.inner.copy().update(address).update('\0').update(canonicalJson(value)).digest();
    return { sensitive: `hmac-sha256:${this.outer.copy().update(inner).digest('hex')}` };
  }

  /** The tool showed only a placeholder (Pulumi `[secret]`): the value is unknown, even to us. */
  withheld(): SensitiveValue {
    this.replaced++;
    return { sensitive: WITHHELD };
  }

  /** Replaces every part of `value` that the Terraform-style `mask` marks `true`. */
  apply(address: string, value: unknown, mask: unknown): unknown {
    if (mask === true) return value === null || value === undefined ? value : this.digest(address, value);
    if (Array.isArray(mask) && Array.isArray(value)) return value.map((v, i) => this.apply(address, v, mask[i]));
    if (isPlainObject(mask) && isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = k in mask ? this.apply(address, v, mask[k]) : v;
      return out;
    }
    return value;
  }
}

/**
 * Normalises an unknown-value mask: `true` leaves kept, known parts dropped, arrays keep their positions
 * (`false` for known elements). Returns undefined when nothing is unknown.
 */
export function normalizeUnknown(mask: unknown): unknown {
  if (mask === true) return true;
  if (Array.isArray(mask)) {
    const items = mask.map(normalizeUnknown);
    return items.some((m) => m !== undefined) ? items.map((m) => (m === undefined ? false : m)) : undefined;
  }
  if (isPlainObject(mask)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(mask)) {
      const m = normalizeUnknown(v);
      if (m !== undefined) out[k] = m;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return undefined;
}

/** Sets `true` at `path` in a mask (creating objects on the way); returns the new mask. */
export function markUnknown(mask: unknown, path: Array<string | number>): unknown {
  if (path.length === 0 || mask === true) return true;
  const root: Record<string, unknown> = isPlainObject(mask) ? mask : {};
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = String(path[i]);
    const next = node[key];
    if (next === true) return root;
    if (!isPlainObject(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[String(path[path.length - 1])] = true;
  return root;
}

/**
 * Walks a value whose unknown parts are written inline as placeholders (Pulumi sentinels, CloudFormation
 * `{{changeSet:KNOWN_AFTER_APPLY}}`) and returns it with those parts set to null plus the mask.
 * `replace` may also swap other leaves (secret placeholders) for their contract form.
 */
export function extractUnknowns(
  value: unknown,
  isUnknown: (v: unknown) => boolean,
  replace: (v: unknown) => unknown = (v) => v,
): { value: unknown; unknown: unknown } {
  if (isUnknown(value)) return { value: null, unknown: true };
  const swapped = replace(value);
  if (swapped !== value) return { value: swapped, unknown: undefined };
  if (Array.isArray(value)) {
    const parts = value.map((v) => extractUnknowns(v, isUnknown, replace));
    return { value: parts.map((p) => p.value), unknown: normalizeUnknown(parts.map((p) => p.unknown)) };
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    const mask: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const part = extractUnknowns(v, isUnknown, replace);
      out[k] = part.value;
      if (part.unknown !== undefined) mask[k] = part.unknown;
    }
    return { value: out, unknown: normalizeUnknown(mask) };
  }
  return { value, unknown: undefined };
}
