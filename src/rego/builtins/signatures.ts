// Operand types of common built-ins, for the compile-time check OPA's type checker performs:
// a literal of the wrong type (`count(1)`, `startswith(1, "a")`) is a rego_type_error before any
// evaluation. Letters: s string, n number, b boolean, a array, o object, S set, z null, * any.

import { RObject, RSet, type Value } from '../value';

const SIGNATURES: Record<string, string[]> = {
  count: ['aoSs'], sum: ['aS'], product: ['aS'], max: ['aS'], min: ['aS'], sort: ['aS'],
  concat: ['s', 'aS'], contains: ['s', 's'], startswith: ['s', 's'], endswith: ['s', 's'], lower: ['s'], upper: ['s'],
  split: ['s', 's'], replace: ['s', 's', 's'], substring: ['s', 'n', 'n'], indexof: ['s', 's'], trim: ['s', 's'],
  trim_space: ['s'], trim_prefix: ['s', 's'], trim_suffix: ['s', 's'], trim_left: ['s', 's'], trim_right: ['s', 's'],
  sprintf: ['s', 'a'], format_int: ['n', 'n'], to_number: ['zbns'], abs: ['n'], round: ['n'], ceil: ['n'], floor: ['n'],
  plus: ['n', 'n'], mul: ['n', 'n'], div: ['n', 'n'], rem: ['n', 'n'], and: ['S', 'S'], or: ['S', 'S'],
  'regex.match': ['s', 's'], 'regex.split': ['s', 's'], 'regex.replace': ['s', 's', 's'], 'regex.find_n': ['s', 's', 'n'],
  'object.get': ['o', '*', '*'], 'object.keys': ['o'], 'object.remove': ['o', 'aoS'], 'object.filter': ['o', 'aoS'],
  'object.union': ['o', 'o'], 'json.unmarshal': ['s'], 'yaml.unmarshal': ['s'], 'base64.encode': ['s'], 'base64.decode': ['s'],
  'array.concat': ['a', 'a'], 'array.slice': ['a', 'n', 'n'], 'array.reverse': ['a'], 'numbers.range': ['n', 'n'],
  'time.parse_rfc3339_ns': ['s'], 'time.parse_duration_ns': ['s'], 'units.parse': ['s'], 'units.parse_bytes': ['s'],
  'glob.match': ['s', 'zaS', 's'], 'net.cidr_contains': ['s', 's'], 'semver.compare': ['s', 's'], 'strings.split_n': ['s', 's', 'n'],
};

const NAMES: Record<string, string> = { s: 'string', n: 'number', b: 'boolean', a: 'array', o: 'object', S: 'set', z: 'null' };

/** The letter of a literal's type. */
function kind(v: Value | 'array' | 'object' | 'set'): string {
  if (v === 'array') return 'a';
  if (v === 'object') return 'o';
  if (v === 'set') return 'S';
  if (v === null) return 'z';
  if (typeof v === 'string') return 's';
  if (typeof v === 'boolean') return 'b';
  if (typeof v === 'number' || typeof v === 'bigint') return 'n';
  if (Array.isArray(v)) return 'a';
  if (v instanceof RObject) return 'o';
  if (v instanceof RSet) return 'S';
  return '*';
}

/**
 * An error message when literal operand `i` of built-in `name` has a type the built-in rejects;
 * `literal` is a scalar value or the kind of a collection literal.
 */
export function literalTypeError(name: string, i: number, literal: Value | 'array' | 'object' | 'set'): string | undefined {
  const want = SIGNATURES[name]?.[i];
  if (!want || want === '*' || want.includes(kind(literal))) return undefined;
  return `${name}: invalid argument(s)\n\thave: operand ${i + 1} of type ${NAMES[kind(literal)]}\n\twant: ${[...want].map((c) => NAMES[c]).join(' or ')}`;
}
