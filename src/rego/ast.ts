// The Rego abstract syntax tree produced by the parser and rewritten by the compiler.

import type { Location } from './errors';
import type { Value } from './value';

export type Term =
  | { type: 'scalar'; value: Value; loc: Location }
  | { type: 'var'; name: string; loc: Location }
  | { type: 'ref'; head: Term; path: Term[]; loc: Location }
  | { type: 'array'; items: Term[]; loc: Location }
  | { type: 'set'; items: Term[]; loc: Location }
  | { type: 'object'; items: Array<[Term, Term]>; loc: Location }
  | { type: 'arraycomp'; head: Term; body: Expr[]; loc: Location }
  | { type: 'setcomp'; head: Term; body: Expr[]; loc: Location }
  | { type: 'objcomp'; key: Term; value: Term; body: Expr[]; loc: Location }
  /** A call: `name` is the dotted operator (`count`, `data.lib.f`, `plus`, `internal.member_2`). */
  | { type: 'call'; name: string; args: Term[]; loc: Location }
  /** A `$"...{expr}..."` template string: literal parts and embedded expressions. */
  | { type: 'template'; parts: Array<string | Term>; loc: Location }
  /** An expression evaluated under `with` (only inside template strings: `{x with input as y}`). */
  | { type: 'with'; term: Term; with: With[]; loc: Location };

export interface With {
  target: Term;
  value: Term;
  /** Set by the compiler when the value names a function or built-in (`with f as g`). */
  fn?: string;
  loc: Location;
}

export type ExprBody =
  | { kind: 'term'; term: Term }
  | { kind: 'unify'; lhs: Term; rhs: Term }
  | { kind: 'assign'; lhs: Term; rhs: Term }
  | { kind: 'some'; vars: Term[] }
  | { kind: 'somein'; key?: Term; value: Term; domain: Term }
  | { kind: 'every'; key?: Term; value: Term; domain: Term; body: Expr[]; /** Outer variables the body uses (set by the compiler). */ captures: string[] };

export type Expr = ExprBody & { negated: boolean; with: With[]; loc: Location; text?: string };

export type RuleKind = 'complete' | 'partial-set' | 'partial-object' | 'function';

export interface RuleHead {
  /** Head reference after the package: `p`, `p.q[x]`, `f`. First element is always a string. */
  ref: Term[];
  /** `contains` key, or the v0 `p[x]` set member. */
  key?: Term;
  value?: Term;
  args?: Term[];
  assign: boolean;
}

export interface Rule {
  kind: RuleKind;
  head: RuleHead;
  body: Expr[];
  isDefault: boolean;
  elses: Array<{ value?: Term; body: Expr[]; loc: Location }>;
  loc: Location;
  /** Filled by the compiler: the package path plus the head ref. */
  pkg: string[];
  module: string;
}

export interface Import {
  path: Term;
  alias?: string;
  loc: Location;
}

export interface Module {
  file: string;
  pkg: string[];
  pkgLoc: Location;
  imports: Import[];
  rules: Rule[];
  regoVersion: 'v0' | 'v1';
}
