// Encoding built-ins: json.*, yaml.*, base64 / base64url, hex, urlquery.* and hashes/HMAC
// (crypto.md5/sha1/sha256, crypto.hmac.*) via node:crypto.

import * as crypto from 'node:crypto';
import * as YAML from 'yaml';
import { BuiltinError } from '../errors';
import { fromJS, parseJSON, RObject, RSet, stringify, toJS, type Value } from '../value';
import { bool, fail, obj, str, typeError, type BuiltinTable } from './types';

/** Go's json.Marshal escapes <, > and & inside strings. */
export function jsonMarshal(v: Value): string {
  return stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function jsonUnmarshal(name: string, s: string): Value {
  try {
    return fromJS(parseJSON(s));
  } catch (e) {
    throw fail(name, (e as Error).message);
  }
}

function base64Decode(name: string, s: string, url: boolean): string {
  const alphabet = url ? /^[A-Za-z0-9_-]*={0,2}$/ : /^[A-Za-z0-9+/]*={0,2}$/;
  const bad = [...s].findIndex((c, i) => !(url ? /[A-Za-z0-9_=-]/ : /[A-Za-z0-9+/=]/).test(c) || (c === '=' && !/^=*$/.test(s.slice(i))));
  if (bad >= 0 || !alphabet.test(s)) throw fail(name, `illegal base64 data at input byte ${bad >= 0 ? bad : s.length}`);
  const unpadded = s.replace(/=+$/, '');
  if (unpadded.length % 4 === 1 || (!url && s.length % 4 !== 0)) throw fail(name, `illegal base64 data at input byte ${s.length}`);
  return Buffer.from(s, url ? 'base64url' : 'base64').toString('utf8');
}

/** Go's url.QueryEscape. */
function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*~]/g, (c) => (c === '~' ? '~' : '%' + c.charCodeAt(0).toString(16).toUpperCase())).replace(/%20/g, '+');
}

function queryUnescape(name: string, s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw fail(name, `invalid URL escape in ${JSON.stringify(s)}`);
  }
}

function hash(algo: string) {
  const name = `crypto.${algo}`;
  return { arity: 1, fn: (args: Value[]) => crypto.createHash(algo).update(str(name, args, 0), 'utf8').digest('hex') };
}

function hmac(algo: string) {
  const name = `crypto.hmac.${algo}`;
  return { arity: 2, fn: (args: Value[]) => crypto.createHmac(algo, str(name, args, 1)).update(str(name, args, 0)).digest('hex') };
}

function yamlToValue(name: string, s: string): Value {
  try {
    const docs = YAML.parseAllDocuments(s, { intAsBigInt: true, uniqueKeys: false });
    for (const d of docs) if (d.errors.length) throw d.errors[0];
    if (!docs.length) return null;
    return fromJS(docs[0].toJS({ maxAliasCount: 1000 }));
  } catch (e) {
    throw fail(name, `yaml: ${(e as Error).message}`);
  }
}

export const encodingBuiltins: BuiltinTable = {
  'json.marshal': { arity: 1, fn: ([v]) => jsonMarshal(v) },
  'json.marshal_with_options': { arity: 2, fn: (args) => {
    const opts = obj('json.marshal_with_options', args, 1);
    let indent = '\t', prefix = '', pretty = false;
    for (const [k, v] of opts.entries()) {
      if (k === 'pretty') pretty = bool('json.marshal_with_options', [v], 0);
      else if (k === 'indent') {
        if (typeof v !== 'string') throw fail('json.marshal_with_options', 'indent must be a string');
        indent = v;
        pretty = pretty || opts.get('pretty') === undefined;
      } else if (k === 'prefix') {
        if (typeof v !== 'string') throw fail('json.marshal_with_options', 'prefix must be a string');
        prefix = v;
        pretty = pretty || opts.get('pretty') === undefined;
      } else throw new BuiltinError(`json.marshal_with_options: object contained unknown key ${JSON.stringify(k)}`, 'eval_type_error');
    }
    if (opts.get('pretty') === false) pretty = false;
    if (!pretty) return jsonMarshal(args[0]);
    const text = stringify(args[0], indent || '').replace(/[<>&]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
    return text.split('\n').map((l) => prefix + l).join('\n');
  } },
  'json.unmarshal': { arity: 1, fn: (args) => jsonUnmarshal('json.unmarshal', str('json.unmarshal', args, 0)) },
  'json.is_valid': { arity: 1, fn: ([s]) => {
    if (typeof s !== 'string') return false;
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  } },
  'yaml.marshal': { arity: 1, fn: ([v]) => YAML.stringify(toJS(v), { sortMapEntries: true }) },
  'yaml.unmarshal': { arity: 1, fn: (args) => yamlToValue('yaml.unmarshal', str('yaml.unmarshal', args, 0)) },
  'yaml.is_valid': { arity: 1, fn: ([s]) => {
    if (typeof s !== 'string') return false;
    try {
      yamlToValue('yaml.is_valid', s);
      return true;
    } catch {
      return false;
    }
  } },
  'base64.encode': { arity: 1, fn: (args) => Buffer.from(str('base64.encode', args, 0), 'utf8').toString('base64') },
  'base64.decode': { arity: 1, fn: (args) => base64Decode('base64.decode', str('base64.decode', args, 0), false) },
  'base64.is_valid': { arity: 1, fn: (args) => {
    try {
      base64Decode('base64.is_valid', str('base64.is_valid', args, 0), false);
      return true;
    } catch {
      return false;
    }
  } },
  'base64url.encode': { arity: 1, fn: (args) => {
    const s = Buffer.from(str('base64url.encode', args, 0), 'utf8').toString('base64url');
    return s + '='.repeat((4 - (s.length % 4)) % 4);
  } },
  'base64url.encode_no_pad': { arity: 1, fn: (args) => Buffer.from(str('base64url.encode_no_pad', args, 0), 'utf8').toString('base64url') },
  'base64url.decode': { arity: 1, fn: (args) => {
    const s = str('base64url.decode', args, 0);
    const bad = [...s].findIndex((c) => !/[A-Za-z0-9_=-]/.test(c));
    if (bad >= 0 || s.replace(/=+$/, '').length % 4 === 1) throw fail('base64url.decode', `illegal base64 data at input byte ${bad >= 0 ? bad : s.length}`);
    return Buffer.from(s.replace(/=+$/, ''), 'base64url').toString('utf8');
  } },
  'hex.encode': { arity: 1, fn: (args) => Buffer.from(str('hex.encode', args, 0), 'utf8').toString('hex') },
  'hex.decode': { arity: 1, fn: (args) => {
    const s = str('hex.decode', args, 0);
    const bad = [...s].findIndex((c) => !/[0-9a-fA-F]/.test(c));
    if (bad >= 0) throw fail('hex.decode', `encoding/hex: invalid byte: U+${s.codePointAt(bad)!.toString(16).toUpperCase().padStart(4, '0')} ${JSON.stringify(s[bad]).replace(/"/g, "'")}`);
    if (s.length % 2) throw fail('hex.decode', 'encoding/hex: odd length hex string');
    return Buffer.from(s, 'hex').toString('utf8');
  } },
  'urlquery.encode': { arity: 1, fn: (args) => queryEscape(str('urlquery.encode', args, 0)) },
  'urlquery.decode': { arity: 1, fn: (args) => queryUnescape('urlquery.decode', str('urlquery.decode', args, 0)) },
  'urlquery.encode_object': { arity: 1, fn: (args) => {
    const o = obj('urlquery.encode_object', args, 0);
    const parts: string[] = [];
    for (const [k, v] of o.sortedEntries()) {
      if (typeof k !== 'string') throw typeError('urlquery.encode_object', 0, 'object[string: any<string, array[string], set[string]>]', o);
      const vals = typeof v === 'string' ? [v] : Array.isArray(v) ? v : v instanceof RSet ? v.sorted() : undefined;
      if (!vals) throw typeError('urlquery.encode_object', 0, 'object[string: any<string, array[string], set[string]>]', o);
      for (const x of vals) {
        if (typeof x !== 'string') throw typeError('urlquery.encode_object', 0, 'object[string: any<string, array[string], set[string]>]', o);
        parts.push(queryEscape(k) + '=' + queryEscape(x));
      }
    }
    return parts.join('&');
  } },
  'urlquery.decode_object': { arity: 1, fn: (args) => {
    const s = str('urlquery.decode_object', args, 0);
    const out = new RObject();
    for (const part of s.split(/[&]/)) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const k = queryUnescape('urlquery.decode_object', eq < 0 ? part : part.slice(0, eq));
      const v = eq < 0 ? '' : queryUnescape('urlquery.decode_object', part.slice(eq + 1));
      const prev = out.get(k);
      out.set(k, [...((prev as Value[] | undefined) ?? []), v]);
    }
    return out;
  } },
  'crypto.md5': hash('md5'),
  'crypto.sha1': hash('sha1'),
  'crypto.sha256': hash('sha256'),
  'crypto.hmac.md5': hmac('md5'),
  'crypto.hmac.sha1': hmac('sha1'),
  'crypto.hmac.sha256': hmac('sha256'),
  'crypto.hmac.sha512': hmac('sha512'),
  'crypto.hmac.equal': { arity: 2, fn: (args) => {
    const a = Buffer.from(str('crypto.hmac.equal', args, 0)), b = Buffer.from(str('crypto.hmac.equal', args, 1));
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  } },
};
