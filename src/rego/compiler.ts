// Compiles parsed modules into a rule tree ready for evaluation: resolves imports and rule names to
// `data` references, rewrites output-argument calls, renames shadowing locals, reorders every body so
// variables are bound before use (OPA's safety reordering) and reports OPA's compile errors
// (unsafe variables, recursion, undefined functions, conflicting rules, re-assigned variables).

import type { Expr, Module, Rule, Term, With } from './ast';
import { literalTypeError } from './builtins/signatures';
import type { BuiltinTable } from './builtins/types';
import { RegoError, type Location, type RegoErrorDetail } from './errors';

export interface CompiledRule extends Rule {
  /** Static part of the data path: package plus the leading string parts of the head ref. */
  path: string[];
  /** Head ref parts after the static path (the dynamic keys of a ref-head rule). */
  dyn: Term[];
}

export interface RuleNode {
  id: number;
  path: string[];
  children: Map<string, RuleNode>;
  /** Value-producing rules defined exactly at this path. */
  rules: CompiledRule[];
  /** Function definitions at this path. */
  funcs: CompiledRule[];
}

const ROOTS = new Set(['data', 'input']);

export class Compiler {
  readonly root: RuleNode;
  private nextId = 0;
  private errors: RegoErrorDetail[] = [];
  private fresh = 0;
  private funcArity = new Map<string, number>();

  constructor(
    readonly modules: Module[],
    readonly builtins: BuiltinTable,
  ) {
    this.root = this.node([]);
  }

  private node(path: string[]): RuleNode {
    return { id: this.nextId++, path, children: new Map(), rules: [], funcs: [] };
  }

  private err(code: string, message: string, location?: Location): void {
    this.errors.push({ code, message, location });
  }

  private throwIfErrors(): void {
    if (this.errors.length) {
      const errs = this.errors;
      this.errors = [];
      throw new RegoError(errs);
    }
  }

  nodeAt(path: string[], create = false): RuleNode | undefined {
    let n = this.root;
    for (const p of path) {
      let c = n.children.get(p);
      if (!c) {
        if (!create) return undefined;
        c = this.node([...n.path, p]);
        n.children.set(p, c);
      }
      n = c;
    }
    return n;
  }

  compile(): void {
    const all: CompiledRule[] = [];
    for (const m of this.modules) {
      this.nodeAt(m.pkg, true);
      for (const r of m.rules) {
        let i = 0;
        const path = [...m.pkg];
        while (i < r.head.ref.length) {
          const t = r.head.ref[i];
          if (t.type !== 'scalar' || typeof t.value !== 'string') break;
          path.push(t.value);
          i++;
        }
        const cr: CompiledRule = { ...r, head: { ...r.head }, path, dyn: r.head.ref.slice(i) };
        if (cr.kind === 'complete' && cr.dyn.length) cr.kind = 'partial-object';
        all.push(cr);
        const node = this.nodeAt(path, true)!;
        if (cr.kind === 'function') node.funcs.push(cr);
        else node.rules.push(cr);
      }
    }
    this.checkConflicts(this.root);
    this.throwIfErrors();
    for (const r of all) if (r.kind === 'function') this.funcArity.set(['data', ...r.path].join('.'), r.head.args!.length);
    for (const r of all) {
      const m = this.modules.find((mm) => mm.file === r.module && mm.pkg.join('.') === r.pkg.join('.'))!;
      this.compileRule(r, m);
    }
    this.throwIfErrors();
    this.checkRecursion(all);
    this.throwIfErrors();
  }

  private checkConflicts(n: RuleNode): void {
    const name = ['data', ...n.path].join('.');
    const kinds = new Set(n.rules.map((r) => (r.dyn.length ? 'multi' : r.kind)));
    if (n.funcs.length && n.rules.length) this.err('rego_type_error', `conflicting rules ${name} found`, n.funcs[0].loc);
    else if (kinds.size > 1) this.err('rego_type_error', `conflicting rules ${name} found`, n.rules[0].loc);
    const arities = new Set(n.funcs.map((f) => f.head.args!.length));
    if (arities.size > 1) this.err('rego_type_error', `conflicting rules ${name} found`, n.funcs[0].loc);
    const defaults = [...n.rules, ...n.funcs].filter((r) => r.isDefault);
    if (defaults.length > 1) this.err('rego_type_error', `multiple default rules ${name} found`, defaults[1].loc);
    for (const r of n.rules) {
      if (r.kind === 'complete' && n.children.size && !r.dyn.length) {
        const child = [...n.children.values()].find((c) => c.rules.length || c.funcs.length);
        if (child) this.err('rego_type_error', `rule ${name} conflicts with [${['data', ...child.path].join('.')}]`, r.loc);
        break;
      }
    }
    for (const c of n.children.values()) this.checkConflicts(c);
  }

  // ---- per-rule compilation ----

  private compileRule(r: CompiledRule, m: Module): void {
    if (r.head.args && !r.isDefault) this.moveArgsToBody(r);
    const args = new Set<string>(r.head.args ? r.head.args.flatMap(varsOf) : []);
    const headTerms = [r.head.key, r.head.value, ...r.dyn].filter((t): t is Term => !!t);
    const outerVars = new Set<string>([...args, ...headTerms.flatMap(allVarsShallow), ...r.elses.flatMap((e) => (e.value ? allVarsShallow(e.value) : []))]);
    const newScope = () => {
      const s = new Scope(this, m, undefined);
      for (const v of args) s.declare(v);
      return s;
    };
    const argScope = newScope();
    if (r.head.args) r.head.args = r.head.args.map((a) => argScope.resolveTerm(a));
    if (r.isDefault) {
      if (r.head.value) {
        r.head.value = argScope.resolveHead(r.head.value, outerVars);
        for (const [v, loc] of freeVarLocs(r.head.value)) if (!args.has(v)) this.err('rego_unsafe_var_error', `var ${displayName(v)} is unsafe`, loc);
      }
      return;
    }
    /** Compiles one body and the head terms it must bind. */
    const branch = (body: Expr[], heads: Term[]): [Expr[], Term[]] => {
      const s = newScope();
      const out = s.compileBody(body, args, outerVars);
      const resolved = heads.map((h) => s.resolveHead(h, outerVars));
      const boundAfter = new Set<string>([...args, ...bodyOutputs(out)]);
      for (const h of resolved) {
          for (const [v, loc] of needs(h, boundAfter, s.captured)) this.err('rego_unsafe_var_error', `var ${displayName(v)} is unsafe`, loc);
      }
      return [out, resolved];
    };
    const [body, heads] = branch(r.body, headTerms);
    r.body = body;
    let i = 0;
    if (r.head.key) r.head.key = heads[i++];
    if (r.head.value) r.head.value = heads[i++];
    r.dyn = heads.slice(i);
    r.elses = r.elses.map((e) => {
      const [eb, [ev]] = branch(e.body, e.value ? [e.value] : []);
      return { ...e, body: eb, value: ev };
    });
  }

  /**
   * Function arguments that are not patterns (template strings, calls, refs, sets) become a fresh
   * argument plus an equality in every body, as OPA rewrites them, so their variables can be bound
   * by the body first.
   */
  private moveArgsToBody(r: CompiledRule): void {
    const isPattern = (t: Term): boolean =>
      t.type === 'var' || t.type === 'scalar' || (t.type === 'array' && t.items.every(isPattern)) || (t.type === 'object' && t.items.every(([k, v]) => k.type === 'scalar' && isPattern(v)));
    r.head.args = r.head.args!.map((a) => {
      if (isPattern(a)) return a;
      const fresh: Term = { type: 'var', name: this.freshName('__arg'), loc: a.loc };
      const eq = (): Expr => ({ kind: 'unify', lhs: fresh, rhs: a, negated: false, with: [], loc: a.loc });
      r.body = [...r.body, eq()];
      r.elses = r.elses.map((e) => ({ ...e, body: [...e.body, eq()] }));
      return fresh;
    });
  }

  compileQuery(body: Expr[], pkg: string[] = [], imports: Module['imports'] = []): Expr[] {
    const m: Module = { file: 'query', pkg, pkgLoc: { file: 'query', row: 1, col: 1 }, imports, rules: [], regoVersion: 'v1' };
    const scope = new Scope(this, m, undefined, true);
    const out = scope.compileBody(body, new Set(), new Set());
    this.throwIfErrors();
    return out;
  }

  // ---- helpers used by Scope ----

  freshName(base: string): string {
    return `${base}$${this.fresh++}`;
  }

  report(code: string, message: string, loc?: Location): void {
    this.err(code, message, loc);
  }

  isRule(path: string[]): boolean {
    const n = this.nodeAt(path);
    return !!n;
  }

  functionArity(name: string): number | undefined {
    if (name.startsWith('data.')) return this.funcArity.get(name);
    return this.builtins[name]?.arity;
  }

  hasFunction(name: string): boolean {
    if (name.startsWith('data.')) return this.funcArity.has(name);
    return name in this.builtins;
  }

  private checkRecursion(all: CompiledRule[]): void {
    // Dependency graph between rule nodes; a cycle is a recursion error.
    const deps = new Map<RuleNode, Set<RuleNode>>();
    const nodeOf = (r: CompiledRule) => this.nodeAt(r.path)!;
    for (const r of all) {
      const from = nodeOf(r);
      let set = deps.get(from);
      if (!set) deps.set(from, (set = new Set()));
      const terms: Term[] = [];
      visitRule(r, (t) => terms.push(t));
      // Rules a reference can reach: constant segments select one child, others any child.
      const reach = (n: RuleNode, path: Term[], i: number): void => {
        if (n.rules.length || n.funcs.length) set!.add(n);
        if (i === path.length) {
          forEachNode(n, (c) => (c.rules.length || c.funcs.length ? set!.add(c) : undefined));
          return;
        }
        const p = path[i];
        if (p.type === 'scalar' && (typeof p.value === 'string' || typeof p.value === 'number')) {
          const c = n.children.get(String(p.value));
          if (c) reach(c, path, i + 1);
        } else for (const c of n.children.values()) reach(c, path, i + 1);
      };
      for (const t of terms) {
        if (t.type === 'call' && t.name.startsWith('data.')) {
          reach(this.root, t.name.split('.').slice(1).map((v) => ({ type: 'scalar', value: v, loc: t.loc }) as Term), 0);
        } else if (t.type === 'ref' && t.head.type === 'var' && t.head.name === 'data') reach(this.root, t.path, 0);
      }
    }
    const state = new Map<RuleNode, number>();
    const stack: RuleNode[] = [];
    const visit = (n: RuleNode): boolean => {
      state.set(n, 1);
      stack.push(n);
      for (const d of deps.get(n) ?? []) {
        const s = state.get(d);
        if (s === 1) {
          const cycle = [...stack.slice(stack.indexOf(d)), d].map((x) => ['data', ...x.path].join('.'));
          const r = d.rules[0] ?? d.funcs[0];
          this.err('rego_recursion_error', `rule ${cycle[0]} is recursive: ${cycle.join(' -> ')}`, r.loc);
          return true;
        }
        if (!s && visit(d)) return true;
      }
      stack.pop();
      state.set(n, 2);
      return false;
    };
    for (const n of deps.keys()) if (!state.get(n) && visit(n)) return;
  }
}

function forEachNode(n: RuleNode, f: (n: RuleNode) => void): void {
  f(n);
  for (const c of n.children.values()) forEachNode(c, f);
}

export function staticPrefix(path: Term[]): string[] {
  const out: string[] = [];
  for (const p of path) {
    if (p.type !== 'scalar' || typeof p.value !== 'string') break;
    out.push(p.value);
  }
  return out;
}

// ---- variable analysis ----

/** Variables in pattern positions and everywhere else. */
export function allVars(t: Term, out: string[] = []): string[] {
  visitTerm(t, (x) => {
    if (x.type === 'var') out.push(x.name);
  });
  return out;
}

function varsOf(t: Term): string[] {
  return allVars(t).filter((v) => !ROOTS.has(v));
}

function freeVarLocs(t: Term): Array<[string, Location]> {
  const out: Array<[string, Location]> = [];
  visitTerm(t, (x) => {
    if (x.type === 'var' && !ROOTS.has(x.name)) out.push([x.name, x.loc]);
  }, false);
  return out;
}

/** Visits a term and its sub-terms; comprehension bodies are included unless `intoBodies` is false. */
export function visitTerm(t: Term, f: (t: Term) => void, intoBodies = true): void {
  f(t);
  switch (t.type) {
    case 'ref':
      visitTerm(t.head, f, intoBodies);
      for (const p of t.path) visitTerm(p, f, intoBodies);
      break;
    case 'array':
    case 'set':
      for (const x of t.items) visitTerm(x, f, intoBodies);
      break;
    case 'object':
      for (const [k, v] of t.items) {
        visitTerm(k, f, intoBodies);
        visitTerm(v, f, intoBodies);
      }
      break;
    case 'call':
      for (const a of t.args) visitTerm(a, f, intoBodies);
      break;
    case 'template':
      for (const p of t.parts) if (typeof p !== 'string') visitTerm(p, f, intoBodies);
      break;
    case 'with':
      visitTerm(t.term, f, intoBodies);
      for (const w of t.with) (visitTerm(w.target, f, intoBodies), visitTerm(w.value, f, intoBodies));
      break;
    case 'arraycomp':
    case 'setcomp':
      if (intoBodies) {
        visitTerm(t.head, f);
        for (const e of t.body) visitExpr(e, f);
      }
      break;
    case 'objcomp':
      if (intoBodies) {
        visitTerm(t.key, f);
        visitTerm(t.value, f);
        for (const e of t.body) visitExpr(e, f);
      }
      break;
  }
}

export function exprTerms(e: Expr): Term[] {
  switch (e.kind) {
    case 'term':
      return [e.term];
    case 'unify':
    case 'assign':
      return [e.lhs, e.rhs];
    case 'some':
      return e.vars;
    case 'somein':
      return [...(e.key ? [e.key] : []), e.value, e.domain];
    case 'every':
      return [...(e.key ? [e.key] : []), e.value, e.domain];
  }
}

export function visitExpr(e: Expr, f: (t: Term) => void): void {
  for (const t of exprTerms(e)) visitTerm(t, f);
  if (e.kind === 'every') for (const b of e.body) visitExpr(b, f);
  for (const w of e.with) {
    visitTerm(w.target, f);
    visitTerm(w.value, f);
  }
}

function visitRule(r: Rule, f: (t: Term) => void): void {
  for (const e of r.body) visitExpr(e, f);
  for (const t of [r.head.key, r.head.value, ...(r.head.args ?? [])]) if (t) visitTerm(t, f);
  for (const el of r.elses) {
    for (const e of el.body) visitExpr(e, f);
    if (el.value) visitTerm(el.value, f);
  }
}

/** Variables a body can bind (used to check head variables). */
function bodyOutputs(body: Expr[]): string[] {
  const out: string[] = [];
  for (const e of body) if (!e.negated) out.push(...exprOutputs(e));
  return out;
}

/** Vars bound by unifying a pattern: vars at the top level or inside array/object/set literals. */
export function patternVars(t: Term, out: string[] = []): string[] {
  if (t.type === 'var') {
    if (!ROOTS.has(t.name)) out.push(t.name);
  } else if (t.type === 'array') for (const x of t.items) patternVars(x, out);
  else if (t.type === 'object') for (const [, v] of t.items) patternVars(v, out);
  else if (t.type === 'ref') refOutputs(t, out);
  else if (t.type === 'call') for (const a of t.args) refOutputsDeep(a, out);
  return out;
}

/** Vars a ref can bind by iterating: plain variables in its path. */
function refOutputs(t: Term & { type: 'ref' }, out: string[]): void {
  for (const p of t.path) {
    if (p.type === 'var') out.push(p.name);
    else if (p.type === 'array' || p.type === 'object') patternVars(p, out);
    else refOutputsDeep(p, out);
  }
  if (t.head.type !== 'var') refOutputsDeep(t.head, out);
}

function refOutputsDeep(t: Term, out: string[]): void {
  if (t.type === 'ref') refOutputs(t, out);
  else if (t.type === 'call') for (const a of t.args) refOutputsDeep(a, out);
  else if (t.type === 'array' || t.type === 'set') for (const x of t.items) refOutputsDeep(x, out);
  else if (t.type === 'object') for (const [k, v] of t.items) (refOutputsDeep(k, out), refOutputsDeep(v, out));
}

function exprOutputs(e: Expr): string[] {
  switch (e.kind) {
    case 'term': {
      const out: string[] = [];
      refOutputsDeep(e.term, out);
      return out;
    }
    case 'unify':
      return [...patternVars(e.lhs), ...patternVars(e.rhs)];
    case 'assign':
      return patternVars(e.lhs).concat(patternVars(e.rhs));
    case 'somein':
      return [...(e.key ? patternVars(e.key) : []), ...patternVars(e.value), ...patternVars(e.domain)];
    default:
      return [];
  }
}

/** Unbound variables that stop a term from being evaluated (vars in iterable ref positions are fine). */
function needs(t: Term, bound: Set<string>, captured: Map<Term, string[]>, out: Array<[string, Location]> = []): Array<[string, Location]> {
  switch (t.type) {
    case 'var':
      if (!bound.has(t.name) && !ROOTS.has(t.name)) out.push([t.name, t.loc]);
      break;
    case 'ref':
      needs(t.head, bound, captured, out);
      for (const p of t.path) if (p.type === 'array' || p.type === 'object') out.push(...patternNeeds(p, bound, captured));
      else if (p.type !== 'var') needs(p, bound, captured, out);
      break;
    case 'array':
    case 'set':
      for (const x of t.items) needs(x, bound, captured, out);
      break;
    case 'object':
      for (const [k, v] of t.items) (needs(k, bound, captured, out), needs(v, bound, captured, out));
      break;
    case 'call': {
      // A ref argument binds its iteration variables for the other arguments (`x == xs[x]`).
      const outs: string[] = [];
      for (const a of t.args) refOutputsDeep(a, outs);
      const b = outs.length ? new Set([...bound, ...outs]) : bound;
      for (const a of t.args) needs(a, b, captured, out);
      break;
    }
    case 'template':
      for (const p of t.parts) if (typeof p !== 'string') needs(p, bound, captured, out);
      break;
    case 'with':
      needs(t.term, bound, captured, out);
      for (const w of t.with) if (!w.fn) needs(w.value, bound, captured, out);
      break;
    default:
      for (const v of captured.get(t) ?? []) if (!bound.has(v)) out.push([v, t.loc]);
  }
  return out;
}

/** Unbound variables in the evaluated (non-pattern) parts of a pattern. */
function patternNeeds(t: Term, bound: Set<string>, captured: Map<Term, string[]>): Array<[string, Location]> {
  if (t.type === 'var') return [];
  if (t.type === 'array') return t.items.flatMap((x) => patternNeeds(x, bound, captured));
  if (t.type === 'object') return t.items.flatMap(([k, v]) => [...needs(k, bound, captured), ...patternNeeds(v, bound, captured)]);
  return needs(t, bound, captured);
}

function canUnify(a: Term, b: Term, bound: Set<string>, captured: Map<Term, string[]>): boolean {
  if (!needs(b, bound, captured).length && !patternNeeds(a, bound, captured).length) return true;
  if (!needs(a, bound, captured).length && !patternNeeds(b, bound, captured).length) return true;
  if (a.type === 'array' && b.type === 'array' && a.items.length === b.items.length) {
    const local = new Set(bound);
    const pending = a.items.map((x, i) => [x, b.items[i]] as [Term, Term]);
    // Element pairs can bind each other's variables, in any order.
    let progress = true;
    while (pending.length && progress) {
      progress = false;
      for (let i = 0; i < pending.length; i++) {
        const [x, y] = pending[i];
        if (canUnify(x, y, local, captured)) {
          for (const v of [...patternVars(x), ...patternVars(y)]) local.add(v);
          pending.splice(i--, 1);
          progress = true;
        }
      }
    }
    return !pending.length;
  }
  if (a.type === 'object' && b.type === 'object' && a.items.length === b.items.length) {
    return a.items.every(([k, v]) => {
      const other = b.items.find(([k2]) => JSON.stringify(stripLoc(k2)) === JSON.stringify(stripLoc(k)));
      return other && canUnify(v, other[1], bound, captured);
    });
  }
  return false;
}

function stripLoc(t: Term): unknown {
  return JSON.parse(JSON.stringify(t, (k, v) => (k === 'loc' ? undefined : typeof v === 'bigint' ? v.toString() : v)));
}

/** A lexical scope: a rule body, query, comprehension or `every` body. */
class Scope {
  readonly declared = new Set<string>();
  private renames = new Map<string, string>();
  /** Comprehension/every terms mapped to the outer variables they capture. */
  captured = new Map<Term, string[]>();

  constructor(
    private c: Compiler,
    private m: Module,
    private parent: Scope | undefined,
    private isQuery = false,
  ) {}

  declare(name: string): void {
    this.declared.add(name);
  }

  private lookupRename(name: string): string | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const r = s.renames.get(name);
      if (r) return r;
    }
    return undefined;
  }

  isDeclared(name: string): boolean {
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.declared.has(name) || s.renames.has(name)) return true;
    return false;
  }

  /** Resolves a var to a local variable, an import, a rule of the package, or a root document. */
  private resolveVar(t: Term & { type: 'var' }): Term {
    const renamed = this.lookupRename(t.name);
    if (renamed) return { ...t, name: renamed };
    if (ROOTS.has(t.name) || this.isDeclared(t.name)) return t;
    const imp = this.m.imports.find((i) => importName(i) === t.name);
    if (imp) return { ...imp.path, loc: t.loc };
    if (!this.isQuery || this.m.pkg.length) {
      const pkgNode = this.c.nodeAt(this.m.pkg);
      if (pkgNode?.children.has(t.name) && !t.name.includes('$')) {
        return { type: 'ref', head: { type: 'var', name: 'data', loc: t.loc }, path: [...this.m.pkg, t.name].map((p) => ({ type: 'scalar', value: p, loc: t.loc }) as Term), loc: t.loc };
      }
    }
    return t;
  }

  /** The full name of a function or built-in a call refers to, or undefined when there is none. */
  tryResolveFunction(name: string): string | undefined {
    const parts = name.split('.');
    if (this.lookupRename(parts[0]) || this.isDeclared(parts[0])) return undefined;
    const imp = this.m.imports.find((i) => importName(i) === parts[0]);
    let full = name;
    if (imp) {
      const ip = imp.path.type === 'ref' ? [(imp.path.head as { name: string }).name, ...staticPrefix(imp.path.path)] : [(imp.path as { name: string }).name];
      full = [...ip, ...parts.slice(1)].join('.');
    } else if (parts[0] !== 'data') {
      const local = ['data', ...this.m.pkg, ...parts].join('.');
      if (this.c.hasFunction(local) || this.c.isRule([...this.m.pkg, ...parts])) full = local;
    }
    if (this.c.hasFunction(full) || (full.startsWith('data.') && this.c.isRule(full.split('.').slice(1)))) return full;
    return undefined;
  }

  private resolveCallName(name: string, loc: Location): string {
    const full = this.tryResolveFunction(name);
    if (full === undefined) {
      this.c.report('rego_type_error', `undefined function ${name}`, loc);
      return name;
    }
    return full;
  }

  /** Resolves names in a term; comprehension bodies are compiled as nested scopes. */
  resolveTerm(t: Term): Term {
    switch (t.type) {
      case 'scalar':
        return t;
      case 'var':
        return this.resolveVar(t);
      case 'ref': {
        let head = this.resolveTerm(t.head);
        let path = t.path.map((p) => this.resolveTerm(p));
        if (head.type === 'ref') {
          path = [...head.path, ...path];
          head = head.head;
        }
        return { ...t, head, path };
      }
      case 'array':
        return { ...t, items: t.items.map((x) => this.resolveTerm(x)) };
      case 'set':
        return { ...t, items: t.items.map((x) => this.resolveTerm(x)) };
      case 'object':
        return { ...t, items: t.items.map(([k, v]) => [this.resolveTerm(k), this.resolveTerm(v)] as [Term, Term]) };
      case 'template':
        return { ...t, parts: t.parts.map((p) => (typeof p === 'string' ? p : this.resolveTerm(p))) };
      case 'with':
        return { ...t, term: this.resolveTerm(t.term), with: this.resolveWiths(t.with, (x) => x) };
      case 'call': {
        const args = t.args.map((a) => this.resolveTerm(a));
        if (t.name === 'print') return { ...t, args };
        const name = this.resolveCallName(t.name, t.loc);
        const arity = this.c.functionArity(name);
        if (arity !== undefined && args.length !== arity && !(args.length === arity + 1)) {
          this.c.report('rego_type_error', `${t.name}: arity mismatch\n\thave: (${args.length} args)\n\twant: (${arity} args)`, t.loc);
        }
        if (!name.startsWith('data.')) {
          args.slice(0, arity).forEach((a, i) => {
            const literal = a.type === 'scalar' ? a.value : a.type === 'array' || a.type === 'object' || a.type === 'set' ? a.type : undefined;
            const msg = literal === undefined ? undefined : literalTypeError(name, i, literal);
            if (msg) this.c.report('rego_type_error', msg, a.loc);
          });
        }
        return { ...t, name, args };
      }
      default:
        return t; // comprehensions are handled by compileNested
    }
  }

  /**
   * Resolves, rewrites and orders a body. `bound` holds the variables already bound on entry and
   * `outerVars` every variable of the enclosing scopes (captured when they appear inside).
   */
  compileBody(body: Expr[], bound: Set<string>, outerVars: Set<string>): Expr[] {
    // Declarations first, so uses anywhere in the body resolve to the local.
    const assigned = new Set<string>();
    for (const e of body) {
      const decl = e.kind === 'assign' ? patternVars(e.lhs) : e.kind === 'some' ? e.vars.map((v) => (v as { name: string }).name) : e.kind === 'somein' ? [...(e.key ? patternVars(e.key) : []), ...patternVars(e.value)] : [];
      for (const v of decl) {
        if (v.startsWith('_$')) continue;
        if (e.kind === 'assign' && (assigned.has(v) || (!this.parent && (this.declared.has(v) || bound.has(v))))) {
          this.c.report('rego_compile_error', `var ${v} assigned above`, e.loc);
        }
        if (e.kind === 'assign') assigned.add(v);
        // A declaration that shadows an outer variable gets a fresh name.
        if (this.parent && (outerVars.has(v) || this.parent.isDeclared(v))) this.renames.set(v, this.c.freshName(v));
        else this.declared.add(v);
      }
    }
    const exprs: Expr[] = [];
    for (const e of body) exprs.push(...this.rewriteExpr(e, outerVars, body));
    return this.reorder(exprs, bound);
  }

  private rewriteExpr(e: Expr, outerVars: Set<string>, body: Expr[]): Expr[] {
    // Variables of the enclosing body a nested comprehension can capture. A variable first declared
    // with `:=` after this expression is a different variable (OPA rewrites declarations in order).
    const here = new Set<string>(outerVars);
    const at = body.indexOf(e);
    const laterDecl = new Set<string>();
    body.forEach((other, j) => {
      if (j > at && other.kind === 'assign') for (const v of patternVars(other.lhs)) laterDecl.add(v);
    });
    body.forEach((other, j) => {
      if (j <= at || other.kind !== 'assign') for (const t of exprTerms(other)) for (const v of allVarsShallow(t)) here.add(v);
      else for (const v of allVarsShallow(other.rhs)) here.add(v);
    });
    for (const v of laterDecl) if (!body.some((o, j) => j <= at && exprTerms(o).some((t) => allVarsShallow(t).includes(v)))) here.delete(v);
    const nested = (t: Term): Term => this.nested(t, here);
    const withs = this.resolveWiths(e.with, nested);
    const base = { negated: e.negated, with: withs, loc: e.loc, text: e.text };
    switch (e.kind) {
      case 'term': {
        let term = nested(this.resolveTerm(e.term));
        if (term.type === 'call') {
          const arity = this.c.functionArity(term.name);
          if (arity !== undefined && term.args.length === arity + 1) {
            const out = term.args[term.args.length - 1];
            term = { ...term, args: term.args.slice(0, -1) };
            return [{ kind: 'unify', lhs: out, rhs: term, ...base }];
          }
        }
        return [{ kind: 'term', term, ...base }];
      }
      case 'unify':
        return [{ kind: 'unify', lhs: nested(this.resolveTerm(e.lhs)), rhs: nested(this.resolveTerm(e.rhs)), ...base }];
      case 'assign': {
        const lhs = this.resolveTerm(e.lhs);
        if (lhs.type === 'ref') this.c.report('rego_compile_error', `cannot assign to ref`, e.loc);
        return [{ kind: 'assign', lhs, rhs: nested(this.resolveTerm(e.rhs)), ...base }];
      }
      case 'some':
        return [];
      case 'somein':
        return [{ kind: 'somein', key: e.key ? this.resolveTerm(e.key) : undefined, value: this.resolveTerm(e.value), domain: nested(this.resolveTerm(e.domain)), ...base }];
      case 'every': {
        const inner = new Scope(this.c, this.m, this, this.isQuery);
        const k = e.key ? inner.bindFresh(e.key) : undefined;
        const v = inner.bindFresh(e.value);
        const innerBound = new Set<string>([...(k ? varsOf(k) : []), ...varsOf(v)]);
        const eb = inner.compileBody(e.body, new Set([...here, ...innerBound]), here);
        const captures = [...new Set(eb.flatMap(exprVarsDeep))].filter((x) => here.has(x) && !innerBound.has(x) && !ROOTS.has(x));
        for (const [t, vs] of inner.captured) this.captured.set(t, vs);
        return [{ kind: 'every', key: k, value: v, domain: nested(this.resolveTerm(e.domain)), body: eb, captures, ...base }];
      }
    }
  }

  /** Resolves `with` targets (input, data paths, functions) and values. */
  private resolveWiths(withs: With[], nested: (t: Term) => Term): With[] {
    return withs.map((w) => {
      const target = this.resolveWithTarget(w.target);
      const fn = target.type === 'scalar' ? this.functionValue(w.value) : undefined;
      return fn ? { ...w, target, fn, value: w.value } : { ...w, target, value: nested(this.resolveTerm(w.value)) };
    });
  }

  /** `with f as g`: the function or built-in `g` names, when it names one. */
  private functionValue(t: Term): string | undefined {
    const name = t.type === 'var' ? t.name : t.type === 'ref' && t.head.type === 'var' && t.path.every((p) => p.type === 'scalar' && typeof p.value === 'string') ? [t.head.name, ...staticPrefix(t.path)].join('.') : undefined;
    if (!name || ROOTS.has(name)) return undefined;
    const full = this.tryResolveFunction(name);
    return full && this.c.hasFunction(full) ? full : undefined;
  }

  resolveHead(t: Term, outer: Set<string>): Term {
    return this.nested(this.resolveTerm(t), outer);
  }

  private bindFresh(t: Term): Term {
    if (t.type === 'var') {
      if (t.name.startsWith('_$')) return t;
      const fresh = this.c.freshName(t.name);
      this.renames.set(t.name, fresh);
      return { ...t, name: fresh };
    }
    return this.resolveTerm(t);
  }

  private resolveWithTarget(t: Term): Term {
    if (t.type === 'var' && !ROOTS.has(t.name)) {
      const name = this.resolveCallName(t.name, t.loc);
      return { type: 'scalar', value: name, loc: t.loc };
    }
    if (t.type === 'ref' && t.head.type === 'var' && !ROOTS.has(t.head.name)) {
      const name = this.resolveCallName([t.head.name, ...staticPrefix(t.path)].join('.'), t.loc);
      return { type: 'scalar', value: name, loc: t.loc };
    }
    if (t.type === 'ref' && t.head.type === 'var' && t.head.name === 'data') {
      const name = ['data', ...staticPrefix(t.path)].join('.');
      if (this.c.hasFunction(name)) return { type: 'scalar', value: name, loc: t.loc };
    }
    return t;
  }

  /** Compiles comprehensions inside a term as nested scopes. */
  private nested(t: Term, outer: Set<string>): Term {
    switch (t.type) {
      case 'arraycomp':
      case 'setcomp':
      case 'objcomp': {
        const inner = new Scope(this.c, this.m, this, this.isQuery);
        const body = inner.compileBody(t.body, new Set(outer), outer);
        const resolveHead = (h: Term) => inner.nested(inner.resolveTerm(h), outer);
        const out: Term = t.type === 'objcomp' ? { ...t, key: resolveHead(t.key), value: resolveHead(t.value), body } : { ...t, head: resolveHead(t.head), body };
        const used = new Set<string>([...body.flatMap(exprVarsDeep), ...(out.type === 'objcomp' ? [out.key, out.value] : out.type === 'arraycomp' || out.type === 'setcomp' ? [out.head] : []).flatMap((t) => allVars(t))]);
        this.captured.set(out, [...used].filter((v) => outer.has(v) && !ROOTS.has(v)));
        for (const [k, v] of inner.captured) this.captured.set(k, v);
        return out;
      }
      case 'ref':
        return { ...t, head: this.nested(t.head, outer), path: t.path.map((p) => this.nested(p, outer)) };
      case 'array':
      case 'set':
        return { ...t, items: t.items.map((x) => this.nested(x, outer)) };
      case 'object':
        return { ...t, items: t.items.map(([k, v]) => [this.nested(k, outer), this.nested(v, outer)] as [Term, Term]) };
      case 'call':
        return { ...t, args: t.args.map((a) => this.nested(a, outer)) };
      case 'template':
        return { ...t, parts: t.parts.map((p) => (typeof p === 'string' ? p : this.nested(p, outer))) };
      case 'with':
        return { ...t, term: this.nested(t.term, outer), with: t.with.map((w) => (w.fn ? w : { ...w, value: this.nested(w.value, outer) })) };
      default:
        return t;
    }
  }

  /** OPA's safety reordering: pick, in order, the first expression whose inputs are bound. */
  private reorder(exprs: Expr[], bound: Set<string>): Expr[] {
    const b = new Set(bound);
    const out: Expr[] = [];
    const pending = [...exprs];
    const cap = this.captured;
    const safe = (e: Expr): boolean => {
      for (const w of e.with) if (!w.fn && needs(w.value, b, cap).length) return false;
      switch (e.kind) {
        case 'term':
          return !needs(e.term, b, cap).length;
        case 'unify':
          return canUnify(e.lhs, e.rhs, b, cap);
        case 'assign':
          return !needs(e.rhs, b, cap).length && !patternNeeds(e.lhs, b, cap).length;
        case 'somein':
          return !needs(e.domain, b, cap).length && !patternNeeds(e.value, b, cap).length && !(e.key && patternNeeds(e.key, b, cap).length);
        case 'every':
          return !needs(e.domain, b, cap).length && e.captures.every((v) => b.has(v));
        default:
          return true;
      }
    };
    while (pending.length) {
      const i = pending.findIndex(safe);
      if (i < 0) {
        const reported = new Set<string>();
        for (const e of pending) {
          const vars: Array<[string, Location]> = [];
          for (const t of exprTerms(e)) needs(t, b, cap, vars);
          if (e.kind === 'every') for (const v of e.captures) if (!b.has(v)) vars.push([v, e.loc]);
          for (const w of e.with) if (!w.fn) needs(w.value, b, cap, vars);
          for (const [v, loc] of vars) {
            if (reported.has(v) || b.has(v)) continue;
            reported.add(v);
            this.c.report('rego_unsafe_var_error', `var ${displayName(v)} is unsafe`, loc);
          }
        }
        if (!reported.size) this.c.report('rego_unsafe_var_error', `expression is unsafe`, pending[0].loc);
        return [...out, ...pending];
      }
      const [e] = pending.splice(i, 1);
      out.push(e);
      if (!e.negated) for (const v of exprOutputs(e)) b.add(v);
    }
    return out;
  }
}

function displayName(v: string): string {
  return v.startsWith('_$') ? '_' : v.replace(/\$\d+$/, '');
}

function allVarsShallow(t: Term): string[] {
  const out: string[] = [];
  visitTerm(t, (x) => {
    if (x.type === 'var') out.push(x.name);
  }, false);
  return out;
}

function exprVarsDeep(e: Expr): string[] {
  const out: string[] = [];
  visitExpr(e, (x) => {
    if (x.type === 'var') out.push(x.name);
  });
  return out;
}

function importName(i: Module['imports'][number]): string {
  if (i.alias) return i.alias;
  if (i.path.type === 'var') return i.path.name;
  const last = (i.path as { path: Term[] }).path.at(-1)!;
  return String((last as { value: unknown }).value);
}
