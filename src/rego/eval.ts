// Top-down evaluation of compiled Rego: continuation-passing search over body expressions with
// backtracking bindings, rule values cached per query (and per `with` context), conflict detection,
// `with` overrides of input, data and functions, and the time/step limits that stop runaway queries.

import type { Expr, Term, With } from './ast';
import type { BuiltinContext, BuiltinTable } from './builtins/types';
import type { CompiledRule, Compiler, RuleNode } from './compiler';
import { BuiltinError, RegoError, type Location } from './errors';
import { termString } from './format';
import { compare, equal, RObject, RSet, type Value } from './value';

/** Continuation: returns true to stop the search (an answer is enough). */
type K = () => boolean;
type VK = (v: Value) => boolean;

export interface EvalSettings {
  input?: Value;
  data: RObject;
  strictBuiltinErrors: boolean;
  timeoutMs: number;
  maxSteps: number;
  print: (msg: string) => void;
}

/** What a `with` statement changed; each distinct context has its own rule cache. */
interface Ctx {
  input: Value | undefined;
  data: RObject;
  overrides: Array<{ path: string[]; value: Value }>;
  fns: Map<string, { fn?: string; value?: Value }>;
  cache: Map<string, Value | undefined>;
  inProgress: Set<number>;
}

export class Frame {
  readonly vars = new Map<string, Value>();
  exprValues?: Map<Expr, Value>;
}

const CONFLICT = 'eval_conflict_error';

/**
 * Objects and sets built by the rule tree itself (package documents, ref-head paths, partial-set
 * collections), as opposed to values rules produce. Only these merge when two rules share a path.
 */
const treeDocs = new WeakSet<RObject | RSet>();
function treeDoc<T extends RObject | RSet>(v: T): T {
  treeDocs.add(v);
  return v;
}

export class Evaluator {
  private steps = 0;
  private deadline: number;
  private funcNodes = new Map<string, RuleNode | undefined>();
  readonly bctx: BuiltinContext;
  readonly root: Ctx;

  constructor(
    private compiler: Compiler,
    private builtins: BuiltinTable,
    private s: EvalSettings,
  ) {
    this.deadline = Date.now() + s.timeoutMs;
    const now = BigInt(Date.now()) * 1000000n;
    this.bctx = { nowNs: now, print: s.print, memo: new Map() };
    this.root = { input: s.input, data: s.data, overrides: [], fns: new Map(), cache: new Map(), inProgress: new Set() };
  }

  /** Starts a new query on this evaluator: fresh limits, same rule cache. */
  restart(timeoutMs: number, maxSteps: number): void {
    this.s.timeoutMs = timeoutMs;
    this.s.maxSteps = maxSteps;
    this.deadline = Date.now() + timeoutMs;
    this.steps = 0;
  }

  private tick(loc?: Location): void {
    if (++this.steps % 4096 === 0) {
      if (Date.now() > this.deadline) throw RegoError.of('eval_cancel_error', `evaluation timed out after ${this.s.timeoutMs} ms`, loc);
      if (this.steps > this.s.maxSteps) throw RegoError.of('eval_cancel_error', `evaluation exceeded the limit of ${this.s.maxSteps} steps`, loc);
    }
  }

  // ---- bodies and expressions ----

  evalBody(body: Expr[], i: number, f: Frame, ctx: Ctx, k: K): boolean {
    if (i === body.length) return k();
    return this.evalExpr(body[i], f, ctx, () => this.evalBody(body, i + 1, f, ctx, k));
  }

  private evalExpr(e: Expr, f: Frame, ctx: Ctx, k: K): boolean {
    this.tick(e.loc);
    let inner = ctx;
    if (e.with.length) {
      const c = this.applyWith(e.with, f, ctx);
      if (!c) return false;
      inner = c;
    }
    if (e.negated) {
      let found = false;
      this.evalPositive(e, f, inner, () => (found = true));
      return found ? false : k();
    }
    return this.evalPositive(e, f, inner, k);
  }

  private evalPositive(e: Expr, f: Frame, ctx: Ctx, k: K): boolean {
    switch (e.kind) {
      case 'term':
        return this.evalTerm(e.term, f, ctx, (v) => {
          if (v === false) return false;
          f.exprValues?.set(e, v);
          return k();
        });
      case 'unify':
        return this.unifyTerms(e.lhs, e.rhs, f, ctx, k);
      case 'assign':
        return this.evalTerm(e.rhs, f, ctx, (v) => this.unifyValue(e.lhs, v, f, ctx, k));
      case 'somein':
        return this.evalTerm(e.domain, f, ctx, (d) =>
          this.iterate(d, (key, val) => (e.key ? this.unifyValue(e.key, key, f, ctx, () => this.unifyValue(e.value, val, f, ctx, k)) : this.unifyValue(e.value, val, f, ctx, k))),
        );
      case 'every':
        return this.evalTerm(e.domain, f, ctx, (d) => {
          if (!(Array.isArray(d) || d instanceof RObject || d instanceof RSet)) return false;
          const failed = this.iterate(d, (key, val) => {
            let ok = false;
            const run = () => this.evalBody(e.body, 0, f, ctx, () => (ok = true));
            if (e.key) this.unifyValue(e.key, key, f, ctx, () => this.unifyValue(e.value, val, f, ctx, run));
            else this.unifyValue(e.value, val, f, ctx, run);
            return !ok;
          });
          return failed ? false : k();
        });
      case 'some':
        return k();
    }
  }

  /** Calls `fn` for each (key, value) of a collection, in Rego order as OPA does; stops when it returns true. */
  private iterate(d: Value, fn: (k: Value, v: Value) => boolean): boolean {
    if (Array.isArray(d)) {
      for (let i = 0; i < d.length; i++) if (fn(i, d[i])) return true;
    } else if (d instanceof RObject) {
      for (const [k, v] of sortedEntries(d)) if (fn(k, v)) return true;
    } else if (d instanceof RSet) {
      for (const v of sortedMembers(d)) if (fn(v, v)) return true;
    }
    return false;
  }

  private applyWith(withs: With[], f: Frame, ctx: Ctx): Ctx | undefined {
    const c: Ctx = { ...ctx, overrides: [...ctx.overrides], fns: new Map(ctx.fns), cache: new Map(), inProgress: new Set() };
    for (const w of withs) {
      if (w.fn) {
        c.fns.set((w.target as { value: string }).value, { fn: w.fn });
        continue;
      }
      const value = this.evalOne(w.value, f, ctx);
      if (value === undefined) return undefined;
      const t = w.target;
      if (t.type === 'scalar') c.fns.set(t.value as string, { value });
      else if (t.type === 'var' && t.name === 'input') c.input = value;
      else if (t.type === 'var' && t.name === 'data') {
        if (!(value instanceof RObject)) return undefined;
        c.data = value;
        c.overrides.push({ path: [], value });
      } else if (t.type === 'ref' && t.head.type === 'var') {
        const path = t.path.map((p) => (p.type === 'scalar' ? p.value : this.evalOne(p, f, ctx)));
        if (path.some((p) => p === undefined)) return undefined;
        if (t.head.name === 'input') c.input = setPath(c.input, path as Value[], value);
        else {
          c.data = setPath(c.data, path as Value[], value) as RObject;
          c.overrides.push({ path: path.map(String), value });
        }
      }
    }
    return c;
  }

  /** The first value of a term, or undefined. */
  evalOne(t: Term, f: Frame, ctx: Ctx): Value | undefined {
    let out: Value | undefined;
    this.evalTerm(t, f, ctx, (v) => {
      out = v;
      return true;
    });
    return out;
  }

  // ---- unification ----

  private bind(f: Frame, name: string, v: Value, k: K): boolean {
    f.vars.set(name, v);
    const r = k();
    f.vars.delete(name);
    return r;
  }

  unifyValue(t: Term, v: Value, f: Frame, ctx: Ctx, k: K): boolean {
    switch (t.type) {
      case 'var': {
        if (f.vars.has(t.name)) return equal(f.vars.get(t.name)!, v) ? k() : false;
        if (t.name === 'input' || t.name === 'data') return this.evalTerm(t, f, ctx, (x) => (equal(x, v) ? k() : false));
        return this.bind(f, t.name, v, k);
      }
      case 'scalar':
        return equal(t.value, v) ? k() : false;
      case 'array': {
        if (!Array.isArray(v) || v.length !== t.items.length) return false;
        const step = (i: number): boolean => (i === t.items.length ? k() : this.unifyValue(t.items[i], v[i], f, ctx, () => step(i + 1)));
        return step(0);
      }
      case 'object': {
        if (!(v instanceof RObject) || v.size !== t.items.length) return false;
        const step = (i: number): boolean => {
          if (i === t.items.length) return k();
          const [kt, vt] = t.items[i];
          return this.evalTerm(kt, f, ctx, (key) => {
            const child = v.get(key);
            return child === undefined ? false : this.unifyValue(vt, child, f, ctx, () => step(i + 1));
          });
        };
        return step(0);
      }
      default:
        return this.evalTerm(t, f, ctx, (x) => (equal(x, v) ? k() : false));
    }
  }

  private unifyTerms(a: Term, b: Term, f: Frame, ctx: Ctx, k: K): boolean {
    if (a.type === 'array' && b.type === 'array') {
      if (a.items.length !== b.items.length) return false;
      const step = (i: number): boolean => (i === a.items.length ? k() : this.unifyTerms(a.items[i], b.items[i], f, ctx, () => step(i + 1)));
      return step(0);
    }
    if (a.type === 'object' && b.type === 'object' && !(this.evaluable(a, f) || this.evaluable(b, f))) {
      // Pairwise by key when both sides are object patterns with the same constant keys.
      if (a.items.length !== b.items.length) return false;
      const pairs: Array<[Term, Term]> = [];
      for (const [ka, va] of a.items) {
        const match = ka.type === 'scalar' ? b.items.find(([kb]) => kb.type === 'scalar' && equal(kb.value, ka.value)) : undefined;
        if (!match) return false;
        pairs.push([va, match[1]]);
      }
      const step = (i: number): boolean => (i === pairs.length ? k() : this.unifyTerms(pairs[i][0], pairs[i][1], f, ctx, () => step(i + 1)));
      return step(0);
    }
    if (this.evaluable(b, f)) return this.evalTerm(b, f, ctx, (v) => this.unifyValue(a, v, f, ctx, k));
    if (this.evaluable(a, f)) return this.evalTerm(a, f, ctx, (v) => this.unifyValue(b, v, f, ctx, k));
    throw RegoError.of('rego_unsafe_var_error', 'unification of two unbound terms', a.loc);
  }

  private evaluable(t: Term, f: Frame): boolean {
    switch (t.type) {
      case 'var':
        return f.vars.has(t.name) || t.name === 'data' || t.name === 'input';
      case 'scalar':
        return true;
      case 'ref':
        return this.evaluable(t.head, f) && t.path.every((p) => p.type === 'var' || this.evaluable(p, f));
      case 'array':
      case 'set':
        return t.items.every((x) => this.evaluable(x, f));
      case 'object':
        return t.items.every(([x, y]) => this.evaluable(x, f) && this.evaluable(y, f));
      case 'call':
        return t.args.every((x) => this.evaluable(x, f));
      case 'template':
        return t.parts.every((p) => typeof p === 'string' || this.evaluable(p, f));
      case 'with':
        return this.evaluable(t.term, f);
      default:
        return true;
    }
  }

  // ---- terms ----

  evalTerm(t: Term, f: Frame, ctx: Ctx, k: VK): boolean {
    switch (t.type) {
      case 'scalar':
        return k(t.value);
      case 'var': {
        const v = f.vars.get(t.name);
        if (v !== undefined || f.vars.has(t.name)) return k(v as Value);
        if (t.name === 'input') return ctx.input === undefined ? false : k(ctx.input);
        if (t.name === 'data') return this.walkData(this.compiler.root, ctx.data, [], 0, f, ctx, k);
        throw RegoError.of('rego_unsafe_var_error', `var ${t.name} is unsafe`, t.loc);
      }
      case 'ref':
        return this.evalRef(t, f, ctx, k);
      case 'array': {
        const v = this.direct(t, f);
        if (v !== undefined) return k(v);
        return this.evalList(t.items, f, ctx, (vals) => k(vals));
      }
      case 'set':
      case 'object': {
        const v = this.direct(t, f);
        if (v !== undefined) return k(v);
        if (t.type === 'set') return this.evalList(t.items, f, ctx, (vals) => k(new RSet(vals)));
        return this.evalList(
          t.items.flatMap(([a, b]) => [a, b]),
          f,
          ctx,
          (vals) => {
            const o = new RObject();
            for (let i = 0; i < vals.length; i += 2) o.set(vals[i], vals[i + 1]);
            return k(o);
          },
        );
      }
      case 'arraycomp': {
        const out: Value[] = [];
        this.evalBody(t.body, 0, f, ctx, () => this.evalTerm(t.head, f, ctx, (v) => (out.push(v), false)));
        return k(out);
      }
      case 'setcomp': {
        const out = new RSet();
        this.evalBody(t.body, 0, f, ctx, () => this.evalTerm(t.head, f, ctx, (v) => (out.add(v), false)));
        return k(out);
      }
      case 'objcomp': {
        const out = new RObject();
        this.evalBody(t.body, 0, f, ctx, () =>
          this.evalTerm(t.key, f, ctx, (key) =>
            this.evalTerm(t.value, f, ctx, (val) => {
              const prev = out.get(key);
              if (prev !== undefined && !equal(prev, val)) throw RegoError.of(CONFLICT, 'object keys must be unique', t.loc);
              out.set(key, val);
              return false;
            }),
          ),
        );
        return k(out);
      }
      case 'call':
        return this.evalCall(t, f, ctx, k);
      case 'with': {
        const c = this.applyWith(t.with, f, ctx);
        return c ? this.evalTerm(t.term, f, c, k) : false;
      }
      case 'template': {
        // Each embedded expression contributes its value, or `<undefined>`.
        let text = '';
        for (const p of t.parts) {
          if (typeof p === 'string') text += p;
          else {
            const v = this.evalOne(p, f, ctx);
            text += v === undefined ? '<undefined>' : templateString(v);
          }
        }
        return k(text);
      }
    }
  }

  /**
   * The value of a term that has exactly one value and needs no search: constants, bound variables
   * and collections of those. Undefined otherwise. Keeps long literals off the continuation stack.
   */
  private direct(t: Term, f: Frame): Value | undefined {
    switch (t.type) {
      case 'scalar':
        return t.value;
      case 'var':
        return f.vars.get(t.name);
      case 'array': {
        const out: Value[] = new Array(t.items.length);
        for (let i = 0; i < t.items.length; i++) {
          const v = this.direct(t.items[i], f);
          if (v === undefined) return undefined;
          out[i] = v;
        }
        return out;
      }
      case 'set': {
        const out = new RSet();
        for (const item of t.items) {
          const v = this.direct(item, f);
          if (v === undefined) return undefined;
          out.add(v);
        }
        return out;
      }
      case 'object': {
        const out = new RObject();
        for (const [kt, vt] of t.items) {
          const key = this.direct(kt, f);
          const v = key === undefined ? undefined : this.direct(vt, f);
          if (v === undefined) return undefined;
          out.set(key!, v);
        }
        return out;
      }
      default:
        return undefined;
    }
  }

  private evalList(items: Term[], f: Frame, ctx: Ctx, k: (vals: Value[]) => boolean): boolean {
    const acc: Value[] = new Array(items.length);
    const pending: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const v = this.direct(items[i], f);
      if (v === undefined) pending.push(i);
      else acc[i] = v;
    }
    if (!pending.length) return k(acc);
    if (!pending.every((i) => this.evaluable(items[i], f))) {
      const done = items.map((_, i) => !pending.includes(i));
      return this.evalListInOrder(items, f, ctx, acc, done, k);
    }
    const step = (j: number): boolean => {
      if (j === pending.length) return k(acc.slice());
      const i = pending[j];
      return this.evalTerm(items[i], f, ctx, (v) => {
        acc[i] = v;
        return step(j + 1);
      });
    };
    return step(0);
  }

  /** Evaluates items whose variables are bound first, so a ref argument can bind a variable another argument uses. */
  private evalListInOrder(items: Term[], f: Frame, ctx: Ctx, acc: Value[], done: boolean[], k: (vals: Value[]) => boolean): boolean {
    let i = done.findIndex((d, j) => !d && this.evaluable(items[j], f));
    if (i < 0) {
      i = done.indexOf(false);
      if (i < 0) return k(acc.slice());
    }
    const idx = i;
    return this.evalTerm(items[idx], f, ctx, (v) => {
      acc[idx] = v;
      done[idx] = true;
      const r = this.evalListInOrder(items, f, ctx, acc, done, k);
      done[idx] = false;
      return r;
    });
  }

  private evalRef(t: Term & { type: 'ref' }, f: Frame, ctx: Ctx, k: VK): boolean {
    const h = t.head;
    if (h.type === 'var' && !f.vars.has(h.name)) {
      if (h.name === 'data') return this.walkData(this.compiler.root, ctx.data, t.path, 0, f, ctx, k);
      if (h.name === 'input') return ctx.input === undefined ? false : this.walkPath(ctx.input, t.path, 0, f, ctx, k);
    }
    return this.evalTerm(h, f, ctx, (v) => this.walkPath(v, t.path, 0, f, ctx, k));
  }

  /** Walks `path` from `i` into `v`; `inData` lets numbers address object keys by their text. */
  private walkPath(v: Value, path: Term[], i: number, f: Frame, ctx: Ctx, k: VK, inData = false): boolean {
    if (i === path.length) return k(v);
    const p = path[i];
    const get = (key: Value) => {
      const child = lookup(v, key);
      return child === undefined && inData && typeof key === 'number' && v instanceof RObject ? v.get(String(key)) : child;
    };
    if (p.type === 'scalar') {
      const child = get(p.value);
      return child === undefined ? false : this.walkPath(child, path, i + 1, f, ctx, k, inData);
    }
    if (p.type === 'var' && !f.vars.has(p.name)) {
      return this.iterate(v, (key, val) => this.bind(f, p.name, key, () => this.walkPath(val, path, i + 1, f, ctx, k, inData)));
    }
    if (!this.evaluable(p, f)) {
      return this.iterate(v, (key, val) => this.unifyValue(p, key, f, ctx, () => this.walkPath(val, path, i + 1, f, ctx, k, inData)));
    }
    return this.evalTerm(p, f, ctx, (key) => {
      const child = get(key);
      return child === undefined ? false : this.walkPath(child, path, i + 1, f, ctx, k, inData);
    });
  }

  /** Walks `data`: the rule tree merged with the base documents (and `with` overrides). */
  private walkData(node: RuleNode, base: Value | undefined, path: Term[], i: number, f: Frame, ctx: Ctx, k: VK): boolean {
    if (node.rules.length) {
      // A base document at the same path takes precedence over the rule (as OPA resolves it).
      const v = base !== undefined ? base : this.nodeValue(node, ctx);
      return v === undefined ? false : this.walkPath(v, path, i, f, ctx, k, true);
    }
    if (node.funcs.length && !node.children.size) return false;
    if (i === path.length) {
      const doc = this.nodeDocument(node, base, ctx);
      return doc === undefined ? false : k(doc);
    }
    const p = path[i];
    const step = (raw: Value): boolean => {
      // Numbers address data documents by their text: data.x[2] is data.x["2"].
      const key = typeof raw === 'number' ? String(raw) : raw;
      const child = typeof key === 'string' ? node.children.get(key) : undefined;
      const b = base instanceof RObject ? base.get(key) : undefined;
      if (child && !this.isMasked(child, ctx)) return this.walkData(child, b, path, i + 1, f, ctx, k);
      return b === undefined ? false : this.walkPath(b, path, i + 1, f, ctx, k, true);
    };
    if (p.type === 'var' && !f.vars.has(p.name)) {
      const keys = new Set<string>(node.children.keys());
      if (base instanceof RObject) for (const key of base.keys()) if (typeof key === 'string') keys.add(key);
      for (const key of [...keys].sort(compare)) {
        if (this.bind(f, p.name, key, () => step(key))) return true;
      }
      return false;
    }
    return this.evalTerm(p, f, ctx, step);
  }

  private isMasked(node: RuleNode, ctx: Ctx): boolean {
    if (!ctx.overrides.length) return false;
    return ctx.overrides.some((o) => o.path.length <= node.path.length && o.path.every((p, j) => p === node.path[j]));
  }

  /** The whole document at a node: base data merged with every rule below it. */
  private nodeDocument(node: RuleNode, base: Value | undefined, ctx: Ctx): Value | undefined {
    if (node.rules.length) return base ?? this.nodeValue(node, ctx);
    if (node.funcs.length && !node.children.size) return undefined;
    if (base !== undefined && !(base instanceof RObject)) return base;
    const out = treeDoc(base instanceof RObject ? new RObject(base.entries()) : new RObject());
    for (const [name, child] of node.children) {
      if (this.isMasked(child, ctx)) continue;
      const v = this.nodeDocument(child, base instanceof RObject ? base.get(name) : undefined, ctx);
      if (v !== undefined) out.set(name, v);
    }
    return out;
  }

  // ---- rules ----

  /** The value of the rules at a node, computed once per context. */
  nodeValue(node: RuleNode, ctx: Ctx): Value | undefined {
    const key = 'n' + node.id;
    if (ctx.cache.has(key)) return ctx.cache.get(key);
    if (ctx.inProgress.has(node.id)) {
      throw RegoError.of('rego_recursion_error', `rule data.${node.path.join('.')} is recursive`, node.rules[0].loc);
    }
    ctx.inProgress.add(node.id);
    try {
      let v = this.computeNode(node, ctx);
      for (const o of ctx.overrides) {
        if (o.path.length > node.path.length && node.path.every((p, j) => p === o.path[j]) && v !== undefined) v = setPath(v, o.path.slice(node.path.length), o.value);
      }
      ctx.cache.set(key, v);
      return v;
    } finally {
      ctx.inProgress.delete(node.id);
    }
  }

  private computeNode(node: RuleNode, ctx: Ctx): Value | undefined {
    const rules = node.rules.filter((r) => !r.isDefault);
    const def = node.rules.find((r) => r.isDefault);
    const first = node.rules[0];
    if (first.kind === 'complete') {
      const values: Value[] = [];
      for (const r of rules) {
        for (const v of this.ruleResults(r, ctx, new Frame(), (k) => k())) {
          if (!values.some((x) => equal(x, v))) values.push(v);
          if (values.length > 1) throw RegoError.of(CONFLICT, 'complete rules must not produce multiple outputs', r.loc);
        }
      }
      if (values.length) return values[0];
      return def ? this.evalOne(def.head.value!, new Frame(), ctx) : undefined;
    }
    if (first.kind === 'partial-set' && !first.dyn.length) {
      const out = treeDoc(new RSet());
      for (const r of rules) {
        const f = new Frame();
        this.evalBody(r.body, 0, f, ctx, () => this.evalTerm(r.head.key!, f, ctx, (v) => (out.add(v), false)));
      }
      return out;
    }
    // Rules with dynamic head keys build an object (possibly nested, possibly with set leaves).
    const out = treeDoc(new RObject());
    for (const r of rules) {
      const f = new Frame();
      const leaf = r.kind === 'partial-set' ? r.head.key! : r.head.value ?? { type: 'scalar', value: true, loc: r.loc };
      this.evalBody(r.body, 0, f, ctx, () =>
        this.evalList([...r.dyn, leaf], f, ctx, (vals) => {
          insertAt(out, vals.slice(0, -1), vals[vals.length - 1], r.kind === 'partial-set', r.loc);
          return false;
        }),
      );
    }
    for (const [name, child] of node.children) {
      const v = this.nodeDocument(child, undefined, ctx);
      if (v === undefined) continue;
      const prev = out.get(name);
      const merged = prev === undefined ? v : mergeDocs(prev, v);
      if (merged === undefined) throw RegoError.of(CONFLICT, 'object keys must be unique', (child.rules[0] ?? first).loc);
      out.set(name, merged);
    }
    return out;
  }

  /** Values of one rule (with its else chain), for a frame whose arguments are already bound. */
  private ruleResults(r: CompiledRule, ctx: Ctx, f: Frame, bindArgs: (k: K) => boolean): Value[] {
    const out: Value[] = [];
    const branches: Array<{ body: Expr[]; value?: Term }> = [{ body: r.body, value: r.head.value }, ...r.elses];
    for (const br of branches) {
      const value = br.value ?? { type: 'scalar' as const, value: true as Value, loc: r.loc };
      const constant = value.type === 'scalar';
      bindArgs(() =>
        this.evalBody(br.body, 0, f, ctx, () =>
          this.evalTerm(value, f, ctx, (v) => {
            if (!out.some((x) => equal(x, v))) out.push(v);
            return constant || out.length > 1;
          }),
        ),
      );
      if (out.length) break;
    }
    return out;
  }

  // ---- calls ----

  private evalCall(t: Term & { type: 'call' }, f: Frame, ctx: Ctx, k: VK): boolean {
    if (t.name === 'print') return this.evalPrint(t, f, ctx, k);
    return this.evalList(t.args, f, ctx, (args) => this.callFunction(t.name, args, t.loc, ctx, k));
  }

  callFunction(name: string, args: Value[], loc: Location, ctx: Ctx, k: VK): boolean {
    const override = ctx.fns.get(name);
    if (override) {
      if (override.value !== undefined) return k(override.value);
      // A replacement runs without any mocks: a mock never calls another mock (as in OPA).
      return this.callFunction(override.fn!, args, loc, { ...ctx, fns: new Map(), cache: new Map() }, k);
    }
    if (name.startsWith('data.')) return this.callUser(name, args, loc, ctx, k);
    const def = this.builtins[name];
    if (!def) throw RegoError.of('rego_type_error', `undefined function ${name}`, loc);
    let result: Value | undefined;
    try {
      result = def.fn(args, this.bctx);
    } catch (err) {
      if (err instanceof BuiltinError) {
        if (this.s.strictBuiltinErrors) throw RegoError.of(err.code, err.message, loc);
        return false;
      }
      if (err instanceof RegoError) throw err;
      if (err instanceof RangeError) throw RegoError.of('eval_cancel_error', `evaluation exceeded the stack depth limit (${err.message})`, loc);
      throw RegoError.of('eval_internal_error', `${name}: ${(err as Error).message}`, loc);
    }
    if (result === undefined) return false;
    if (def.relation) {
      for (const r of result as Value[]) if (k(r)) return true;
      return false;
    }
    return k(result);
  }

  private callUser(name: string, args: Value[], loc: Location, ctx: Ctx, k: VK): boolean {
    let node = this.funcNodes.get(name);
    if (node === undefined) this.funcNodes.set(name, (node = this.compiler.nodeAt(name.split('.').slice(1))));
    if (!node || !node.funcs.length) {
      // Calling a non-function rule: its value (OPA allows refs to rules in call position only for functions).
      throw RegoError.of('rego_type_error', `undefined function ${name}`, loc);
    }
    const values: Value[] = [];
    for (const r of node.funcs) {
      if (r.isDefault) continue;
      const f = new Frame();
      const bindArgs = (kk: K): boolean => {
        const step = (i: number): boolean => (i === args.length ? kk() : this.unifyValue(r.head.args![i], args[i], f, ctx, () => step(i + 1)));
        return step(0);
      };
      for (const v of this.ruleResults(r, ctx, f, bindArgs)) {
        if (!values.some((x) => equal(x, v))) values.push(v);
        if (values.length > 1) throw RegoError.of(CONFLICT, 'functions must not produce multiple outputs for same inputs', r.loc);
      }
    }
    if (!values.length) {
      const def = node.funcs.find((r) => r.isDefault);
      if (!def) return false;
      const v = this.evalOne(def.head.value!, new Frame(), ctx);
      return v === undefined ? false : k(v);
    }
    return k(values[0]);
  }

  private evalPrint(t: Term & { type: 'call' }, f: Frame, ctx: Ctx, k: VK): boolean {
    const parts = t.args.map((a) => {
      const vals: Value[] = [];
      this.evalTerm(a, f, ctx, (v) => (vals.push(v), false));
      if (!vals.length) return '<undefined>';
      return vals.map((v) => (typeof v === 'string' ? v : termString(v))).join(' ');
    });
    this.s.print(parts.join(' '));
    return k(true);
  }
}

// Values are immutable once built, so their Rego-ordered members are computed once (the size
// check guards the collections still being filled while a rule is computed).
const orderCache = new WeakMap<RObject | RSet, { size: number; items: unknown[] }>();

function sortedMembers(s: RSet): Value[] {
  const hit = orderCache.get(s);
  if (hit && hit.size === s.size) return hit.items as Value[];
  const items = s.size < 2 ? [...s.values()] : s.sorted();
  orderCache.set(s, { size: s.size, items });
  return items;
}

function sortedEntries(o: RObject): Array<[Value, Value]> {
  const hit = orderCache.get(o);
  if (hit && hit.size === o.size) return hit.items as Array<[Value, Value]>;
  const items = o.size < 2 ? [...o.entries()] : o.sortedEntries();
  orderCache.set(o, { size: o.size, items });
  return items;
}

function lookup(v: Value, key: Value): Value | undefined {
  if (Array.isArray(v)) {
    if (typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < v.length) return v[key];
    return undefined;
  }
  if (v instanceof RObject) return v.get(key);
  if (v instanceof RSet) return v.has(key) ? key : undefined;
  return undefined;
}

/** A copy of `doc` with `value` at `path` (creating objects along the way). */
function setPath(doc: Value | undefined, path: Value[], value: Value): Value {
  if (!path.length) return value;
  const obj = doc instanceof RObject ? new RObject(doc.entries()) : new RObject();
  obj.set(path[0], setPath(obj.get(path[0]), path.slice(1), value));
  return obj;
}

function insertAt(root: RObject, keys: Value[], leaf: Value, asSet: boolean, loc: Location): void {
  let cur = root;
  for (let i = 0; i < keys.length - 1; i++) {
    let next = cur.get(keys[i]);
    if (next === undefined) {
      next = treeDoc(new RObject());
      cur.set(keys[i], next);
    } else if (!(next instanceof RObject) || !treeDocs.has(next)) throw RegoError.of(CONFLICT, 'object keys must be unique', loc);
    cur = next as RObject;
  }
  const k = keys[keys.length - 1];
  const prev = cur.get(k);
  if (asSet) {
    if (prev !== undefined && !(prev instanceof RSet)) throw RegoError.of(CONFLICT, 'object keys must be unique', loc);
    const s = prev ?? treeDoc(new RSet());
    if (prev === undefined) cur.set(k, s);
    (s as RSet).add(leaf);
    return;
  }
  if (prev !== undefined && !equal(prev, leaf)) throw RegoError.of(CONFLICT, 'object keys must be unique', loc);
  cur.set(k, leaf);
}

/** Merges two documents produced for one path: objects key by key, sets by union; undefined on conflict. */
function mergeDocs(a: Value, b: Value): Value | undefined {
  if (equal(a, b)) return a;
  const mergeable = (x: Value) => (x instanceof RObject || x instanceof RSet) && treeDocs.has(x);
  if (!mergeable(a) || !mergeable(b)) return undefined;
  if (a instanceof RSet && b instanceof RSet) return treeDoc(new RSet([...a.values(), ...b.values()]));
  if (a instanceof RObject && b instanceof RObject) {
    const out = treeDoc(new RObject(a.entries()));
    for (const [k, v] of b.entries()) {
      const prev = out.get(k);
      const m = prev === undefined ? v : mergeDocs(prev, v);
      if (m === undefined) return undefined;
      out.set(k, m);
    }
    return out;
  }
  return undefined;
}

function templateString(v: Value): string {
  return typeof v === 'string' ? v : termString(v);
}

