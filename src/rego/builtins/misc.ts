// Smaller built-in families: semver.*, uuid.*, graph.reachable*, uri/url parsing, json schema
// validation (Ajv, draft 2020-12 / 2019-09 / 07 / 04) and `http.send`, which is declared so
// policies that mock it with `with` compile, but refuses to make network calls.

import * as crypto from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import AjvDraft07 from 'ajv';
import { normInt, RObject, RSet, toJS, typeName, type Value } from '../value';
import { jsonMarshal } from './encoding';
import { fail, obj, str, typeError, type BuiltinTable } from './types';

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

function semverCompare(a: RegExpExecArray, b: RegExpExecArray): number {
  for (let i = 1; i <= 3; i++) {
    const x = BigInt(a[i]), y = BigInt(b[i]);
    if (x !== y) return x < y ? -1 : 1;
  }
  const pa = a[4], pb = b[4];
  if (pa === undefined || pb === undefined) return pa === pb ? 0 : pa === undefined ? 1 : -1;
  const xs = pa.split('.'), ys = pb.split('.');
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i], y = ys[i];
    const xn = /^\d+$/.test(x), yn = /^\d+$/.test(y);
    if (xn && yn) {
      const d = BigInt(x) - BigInt(y);
      if (d) return d < 0n ? -1 : 1;
    } else if (xn !== yn) return xn ? -1 : 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return Math.sign(xs.length - ys.length);
}

function uuidParse(s: string): Value | undefined {
  // google/uuid accepts a urn:uuid: prefix and any one-character wrapping of the 36-character form.
  const clean = s.replace(/^urn:uuid:/i, '').replace(/^.(.{36}).$/s, '$1');
  const hex = clean.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex) || (clean.includes('-') && !/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(clean))) return undefined;
  const bytes = Buffer.from(hex, 'hex');
  const version = bytes[6] >> 4;
  const v = bytes[8];
  const variant = (v & 0x80) === 0 ? 'Reserved, NCS backward compatibility' : (v & 0xc0) === 0x80 ? 'RFC4122' : (v & 0xe0) === 0xc0 ? 'Reserved, Microsoft Corporation backward compatibility' : 'Reserved, reserved for future definition';
  const out = new RObject([['version', version], ['variant', variant]]);
  if (version === 1 || version === 2) {
    const timeLow = BigInt('0x' + hex.slice(0, 8)), timeMid = BigInt('0x' + hex.slice(8, 12)), timeHi = BigInt('0x' + hex.slice(13, 16));
    const ticks = (timeHi << 48n) | (timeMid << 32n) | timeLow;
    // 100 ns ticks since 1582-10-15 to Unix nanoseconds.
    const ns = (ticks - 122192928000000000n) * 100n;
    out.set('time', normInt(ns));
    out.set('clocksequence', ((bytes[8] & 0x3f) << 8) | bytes[9]);
    out.set('nodeid', [...bytes.subarray(10)].map((b) => b.toString(16).padStart(2, '0')).join('-'));
    out.set('macvariables', `${bytes[10] & 2 ? 'local' : 'global'}:${bytes[10] & 1 ? 'multicast' : 'unicast'}`);
    if (version === 2) {
      out.set('id', Number(timeLow));
      out.set('domain', bytes[9] === 0 ? 'Person' : bytes[9] === 1 ? 'Group' : bytes[9] === 2 ? 'Org' : `Domain${bytes[9]}`);
    }
  }
  return out;
}

function reachable(graph: RObject, start: Value[]): RSet {
  const seen = new RSet();
  const stack = [...start];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    const edges = graph.get(n);
    if (edges === undefined) continue;
    seen.add(n);
    const next = Array.isArray(edges) ? edges : edges instanceof RSet ? edges.sorted() : [];
    for (const e of next) if (!seen.has(e)) stack.push(e);
  }
  return seen;
}

function reachablePaths(graph: RObject, start: Value[]): RSet {
  const out = new RSet();
  const walk = (node: Value, path: Value[]) => {
    const edges = graph.get(node);
    if (edges === undefined) {
      if (path.length > 1) out.add(path.slice(0, -1));
      return;
    }
    const next = (Array.isArray(edges) ? edges : edges instanceof RSet ? edges.sorted() : []).filter((e) => !path.some((p) => typeName(p) === typeName(e) && jsonMarshal(p) === jsonMarshal(e)));
    if (!next.length) {
      out.add(path);
      return;
    }
    for (const e of next) walk(e, [...path, e]);
  };
  for (const s of start) if (graph.has(s)) walk(s, [s]);
  return out;
}

function startNodes(name: string, v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof RSet) return v.sorted();
  throw typeError(name, 1, 'one of {array, set}', v);
}

/** Go's url.Parse, with the fields OPA's uri.parse returns (opaque URIs like mailto: keep only the scheme). */
function parseUri(s: string): RObject | undefined {
  if (s === '') return new RObject();
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(\/\/[^/?#]*)?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(s);
  if (!m) return undefined;
  const out = new RObject();
  const set = (k: string, v: string | undefined) => {
    if (v !== undefined && v !== '') out.set(k, v);
  };
  set('scheme', m[1]);
  if (m[1] && !m[2] && m[3] && !m[3].startsWith('/')) return out;
  if (m[2]) {
    const authority = m[2].slice(2).replace(/^[^@]*@/, '');
    const hm = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d*))?$/.exec(authority);
    if (!hm) return undefined;
    const host = hm[1].replace(/^\[|\]$/g, '');
    if (hm[1].startsWith('[') && !/^[0-9a-fA-F:.]+$/.test(host)) return undefined;
    set('hostname', host);
    set('port', hm[2]);
  }
  try {
    set('path', decodeURIComponent(m[3]));
  } catch {
    return undefined;
  }
  set('raw_path', m[3]);
  set('raw_query', m[4]);
  set('fragment', m[5]);
  return out;
}

const ajvCache = new Map<string, ReturnType<Ajv2020['compile']>>();
const PRIMITIVES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];

/** The first `type` keyword naming no JSON type, reported the way OPA's gojsonschema reports it. */
function invalidType(schema: unknown): string | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  if (Array.isArray(schema)) {
    for (const s of schema) {
      const bad = invalidType(s);
      if (bad) return bad;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'type') for (const t of Array.isArray(v) ? v : [v]) if (typeof t === 'string' && !PRIMITIVES.includes(t)) {
      return `has a primitive type that is NOT VALID -- given: /${t}/ Expected valid values are:[${PRIMITIVES.join(' ')}]`;
    }
    const bad = k === 'enum' || k === 'const' || k === 'default' || k === 'examples' ? undefined : invalidType(v);
    if (bad) return bad;
  }
  return undefined;
}

function schemaValidator(name: string, schema: Value) {
  const raw = typeof schema === 'string' ? schema : jsonMarshal(schema);
  let hit = ajvCache.get(raw);
  if (!hit) {
    let parsed: unknown;
    try {
      parsed = typeof schema === 'string' ? JSON.parse(schema) : toJS(schema);
    } catch (e) {
      throw fail(name, `invalid JSON schema: ${(e as Error).message}`);
    }
    const badType = invalidType(parsed);
    if (badType) throw fail(name, badType);
    const draft = typeof parsed === 'object' && parsed && '$schema' in parsed ? String((parsed as { $schema: unknown }).$schema) : '';
    const ajv = /2020-12|2019-09/.test(draft) ? new Ajv2020({ strict: false, allErrors: true }) : new AjvDraft07({ strict: false, allErrors: true, schemaId: 'auto' } as never);
    try {
      hit = ajv.compile(parsed as object);
    } catch (e) {
      throw fail(name, `invalid JSON schema: ${(e as Error).message}`);
    }
    ajvCache.set(raw, hit);
  }
  return hit;
}

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v);

/** One validation error as OPA reports it (gojsonschema's wording for the common keywords). */
function schemaError(e: NonNullable<ReturnType<Ajv2020['compile']>['errors']>[number], doc: unknown): RObject {
  const field = e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)';
  let type = e.keyword, desc = e.message ?? 'invalid';
  if (e.keyword === 'type') {
    const value = e.instancePath.split('/').slice(1).reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    type = 'invalid_type';
    desc = `Invalid type. Expected: ${(e.params as { type: string }).type}, given: ${jsonType(value)}`;
  } else if (e.keyword === 'required') desc = `${(e.params as { missingProperty: string }).missingProperty} is required`;
  return new RObject([['error', `${field}: ${desc}`], ['type', type], ['field', field], ['desc', desc]]);
}

function docOf(name: string, v: Value, operand: number): unknown {
  if (typeof v === 'string') {
    try {
      return JSON.parse(v);
    } catch (e) {
      throw fail(name, `operand ${operand} is not valid JSON: ${(e as Error).message}`);
    }
  }
  return toJS(v);
}

export const miscBuiltins: BuiltinTable = {
  'semver.is_valid': { arity: 1, fn: ([v]) => typeof v === 'string' && SEMVER.test(v) },
  'semver.compare': { arity: 2, fn: (args) => {
    const a = str('semver.compare', args, 0), b = str('semver.compare', args, 1);
    const ma = SEMVER.exec(a);
    if (!ma) throw fail('semver.compare', `operand 1: string ${JSON.stringify(a)} is not a valid SemVer`);
    const mb = SEMVER.exec(b);
    if (!mb) throw fail('semver.compare', `operand 2: string ${JSON.stringify(b)} is not a valid SemVer`);
    return semverCompare(ma, mb);
  } },
  'uuid.rfc4122': { arity: 1, fn: (args, ctx) => {
    // One UUID per seed for the whole query, as OPA caches it.
    const key = `uuid.rfc4122\u0000${str('uuid.rfc4122', args, 0)}`;
    let v = ctx.memo.get(key);
    if (v === undefined) ctx.memo.set(key, (v = crypto.randomUUID()));
    return v;
  } },
  'uuid.parse': { arity: 1, fn: (args) => uuidParse(str('uuid.parse', args, 0)) },
  'graph.reachable': { arity: 2, fn: (args) => reachable(obj('graph.reachable', args, 0), startNodes('graph.reachable', args[1])) },
  'graph.reachable_paths': { arity: 2, fn: (args) => reachablePaths(obj('graph.reachable_paths', args, 0), startNodes('graph.reachable_paths', args[1])) },
  'uri.parse': { arity: 1, fn: (args) => {
    const u = parseUri(str('uri.parse', args, 0));
    if (!u) throw fail('uri.parse', 'invalid URI');
    return u;
  } },
  'uri.is_valid': { arity: 1, fn: ([v]) => typeof v === 'string' && v !== '' && parseUri(v) !== undefined },
  'json.verify_schema': { arity: 1, fn: ([schema]) => {
    try {
      schemaValidator('json.verify_schema', schema);
      return [true, null];
    } catch (e) {
      return [false, (e as Error).message.replace(/^json\.verify_schema: /, 'jsonschema: ')];
    }
  } },
  'json.match_schema': { arity: 2, fn: (args) => {
    const validate = schemaValidator('json.match_schema', args[1]);
    const doc = docOf('json.match_schema', args[0], 1);
    const ok = validate(doc);
    return [!!ok, ok ? [] : (validate.errors ?? []).map((e) => schemaError(e, doc))];
  } },
  // Runtime information is not exposed to policies (OPA's includes environment variables, which in
  // CI hold secrets): an empty object, as OPA returns without a configured runtime.
  'opa.runtime': { arity: 0, fn: () => new RObject() },
  'http.send': { arity: 1, fn: () => {
    throw fail('http.send', 'network access is disabled in policy evaluation; mock it in tests with `with http.send as ...`');
  } },
};
