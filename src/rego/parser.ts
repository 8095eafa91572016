// Recursive-descent parser for Rego modules and queries (v1 syntax, and v0 with its optional
// `future.keywords` / `rego.v1` imports). Every node carries its file:row:col.

import type { Expr, ExprBody, Import, Module, Rule, RuleHead, Term, With } from './ast';
import { RegoError, type Location } from './errors';
import { tokenize, type Token } from './lexer';
import { normInt, type Value } from './value';

const KEYWORDS = ['if', 'contains', 'in', 'every'];
const RELATIONS: Record<string, string> = { '==': 'equal', '!=': 'neq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };

export class Parser {
  private toks: Token[];
  private i = 0;
  private keywords: Set<string>;
  private wildcards = 0;

  constructor(
    private src: string,
    private file: string,
    private v1: boolean,
    wildcardStart = 0,
  ) {
    this.toks = tokenize(src, file);
    this.keywords = new Set(v1 ? KEYWORDS : []);
    this.wildcards = wildcardStart;
  }

  // ---- token helpers ----
  private get tok(): Token {
    return this.toks[this.i];
  }
  private peek(n = 1): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)];
  }
  private loc(t: Token = this.tok): Location {
    return { file: this.file, row: t.row, col: t.col };
  }
  private fail(msg: string, t: Token = this.tok): never {
    throw RegoError.of('rego_parse_error', msg, this.loc(t));
  }
  private isOp(v: string, t: Token = this.tok): boolean {
    return t.t === 'op' && t.v === v;
  }
  private isKw(v: string, t: Token = this.tok): boolean {
    return t.t === 'ident' && t.v === v && (this.keywords.has(v) || !KEYWORDS.includes(v));
  }
  /** A keyword directly followed by `.` or `[` is used as a name in a ref (`default.foo`, `input.if`). */
  private refFollows(t: Token = this.tok): boolean {
    const n = this.toks[this.toks.indexOf(t) + 1];
    return !!n && n.t === 'op' && (n.v === '.' || n.v === '[') && n.pos === this.endOf(t);
  }
  private expectOp(v: string): Token {
    if (!this.isOp(v)) this.fail(`expected ${v} but found ${this.describe()}`);
    return this.toks[this.i++];
  }
  private describe(t: Token = this.tok): string {
    return t.t === 'eof' ? 'end of input' : `'${t.v}'`;
  }
  private endOf(t: Token): number {
    return t.pos + t.v.length;
  }

  // ---- module ----
  parseModule(): Module {
    if (!this.isKw('package')) this.fail('package expected');
    const pkgTok = this.tok;
    this.i++;
    const pkgRef = this.parseRefTerm();
    const pkg = this.staticPath(pkgRef, 'package');
    if (pkg[0] === 'data') pkg.shift();
    const imports: Import[] = [];
    while (this.isKw('import') && !this.refFollows()) {
      const loc = this.loc();
      this.i++;
      const path = this.parseRefTerm();
      let alias: string | undefined;
      if (this.tok.t === 'ident' && this.tok.v === 'as' && !this.tok.nl) {
        this.i++;
        if (this.tok.t !== 'ident') this.fail('import alias must be an identifier');
        alias = this.toks[this.i++].v;
      }
      const parts = this.staticPath(path, 'import');
      if (parts[0] === 'future' && parts[1] === 'keywords') {
        if (parts.length === 2) for (const k of KEYWORDS) this.keywords.add(k);
        else if (parts.length === 3 && KEYWORDS.includes(parts[2])) this.keywords.add(parts[2]);
        else this.fail(`unexpected keyword, must be one of [${KEYWORDS.join(' ')}]`);
        continue;
      }
      if (parts[0] === 'rego' && parts[1] === 'v1') {
        for (const k of KEYWORDS) this.keywords.add(k);
        continue;
      }
      if (parts[0] !== 'data' && parts[0] !== 'input') this.fail(`invalid import ${parts.join('.')}: path must begin with input or data`);
      imports.push({ path, alias, loc });
    }
    const rules: Rule[] = [];
    while (this.tok.t !== 'eof') rules.push(...this.parseRule(pkg));
    return { file: this.file, pkg, pkgLoc: this.loc(pkgTok), imports, rules, regoVersion: this.v1 ? 'v1' : 'v0' };
  }

  private staticPath(t: Term, what: string): string[] {
    if (t.type === 'var') return [t.name];
    if (t.type === 'ref' && t.head.type === 'var') {
      const out = [t.head.name];
      for (const p of t.path) {
        if (p.type !== 'scalar' || typeof p.value !== 'string') this.fail(`${what} path must be static`);
        out.push(p.value as string);
      }
      return out;
    }
    return this.fail(`invalid ${what} path`);
  }

  private parseRule(pkg: string[]): Rule[] {
    const start = this.tok;
    const loc = this.loc();
    let isDefault = false;
    if (this.isKw('default') && !this.refFollows() && this.peek().t === 'ident' && !this.peek().nl) {
      isDefault = true;
      this.i++;
    }
    if (this.tok.t !== 'ident') this.fail(`unexpected ${this.describe()} token: expected rule`);
    const headRef = this.parseRefTerm();
    const ref: Term[] =
      headRef.type === 'var' ? [{ type: 'scalar', value: headRef.name, loc: headRef.loc }] : headRef.type === 'ref' && headRef.head.type === 'var' ? [{ type: 'scalar', value: headRef.head.name, loc: headRef.head.loc }, ...headRef.path] : this.fail('invalid rule head');
    const head: RuleHead = { ref, assign: false };
    if (this.isOp('(') && !this.tok.nl) {
      this.i++;
      head.args = this.parseTermList(')');
    }
    if (this.isKw('contains') && !this.tok.nl) {
      this.i++;
      head.key = this.parseTermExpr();
    } else if ((this.isOp(':=') || this.isOp('=')) && !this.tok.nl) {
      head.assign = this.tok.v === ':=';
      this.i++;
      head.value = this.parseTermExpr();
    }
    let kind: Rule['kind'];
    if (head.args) kind = 'function';
    else if (head.key) kind = 'partial-set';
    else if (!head.value && ref.length === 2 && !this.v1 && !(ref[1].type === 'scalar' && typeof ref[1].value === 'string')) {
      // v0 `p[x] { ... }`: a partial set.
      kind = 'partial-set';
      head.key = ref.pop();
    } else if (ref.slice(1).some((t) => t.type !== 'scalar' || typeof t.value !== 'string')) kind = 'partial-object';
    else kind = 'complete';
    if (isDefault) {
      if (!head.value) this.fail('default rules must have a value', start);
      return [{ kind, head, body: [], isDefault, elses: [], loc, pkg, module: this.file }];
    }
    const rules: Rule[] = [];
    const bodies: Expr[][] = [];
    const body = this.parseRuleBody();
    const elses: Rule['elses'] = [];
    if (body) {
      bodies.push(body);
      // v0 allows several bodies for one head: `p { a } { b }`.
      while (this.isOp('{') && !this.keywords.has('if')) bodies.push(this.parseBraceBody());
      while (this.isKw('else') && !this.refFollows()) {
        const eloc = this.loc();
        this.i++;
        let value: Term | undefined;
        if (this.isOp(':=') || this.isOp('=')) {
          this.i++;
          value = this.parseTermExpr();
        }
        const eb = this.parseRuleBody() ?? [trueExpr(eloc)];
        elses.push({ value, body: eb, loc: eloc });
      }
    } else {
      if (!head.value && !head.key && kind !== 'function' && kind !== 'partial-object') {
        if (this.v1 || this.keywords.has('if')) this.fail(`rule must have a value or a body`, start);
      }
      bodies.push([trueExpr(loc)]);
    }
    for (const b of bodies) rules.push({ kind, head, body: b, isDefault, elses, loc, pkg, module: this.file });
    return rules;
  }

  /** A rule body after the head: `if { ... }`, `if expr`, or (v0) `{ ... }`. Undefined when absent. */
  private parseRuleBody(): Expr[] | undefined {
    if (this.isKw('if') && this.keywords.has('if')) {
      this.i++;
      if (this.isOp('{')) {
        // `if {` can open a body or start an object/set term; a body is by far the usual case.
        const save = this.i;
        try {
          return this.parseBraceBody();
        } catch (bodyError) {
          this.i = save;
          try {
            return [this.parseExpr()];
          } catch {
            throw bodyError;
          }
        }
      }
      return [this.parseExpr()];
    }
    if (this.isOp('{')) {
      if (this.v1) this.fail('`if` keyword is required before rule body');
      return this.parseBraceBody();
    }
    return undefined;
  }

  private parseBraceBody(): Expr[] {
    this.expectOp('{');
    const body = this.parseBody('}');
    this.expectOp('}');
    return body;
  }

  /** Expressions separated by `;` or newlines, up to (not including) the closing token. */
  parseBody(close: string): Expr[] {
    const body: Expr[] = [];
    while (!this.isOp(close)) {
      if (this.tok.t === 'eof') this.fail(`unexpected end of input: expected ${close}`);
      body.push(this.parseExpr());
      if (this.isOp(';')) {
        this.i++;
        continue;
      }
      if (!this.isOp(close) && !this.tok.nl) this.fail(`unexpected ${this.describe()} token: expected \\n or ; or ${close}`);
    }
    if (!body.length) this.fail('found empty body');
    return body;
  }

  // ---- queries ----
  parseQuery(): Expr[] {
    const body: Expr[] = [];
    while (this.tok.t !== 'eof') {
      body.push(this.parseExpr());
      if (this.isOp(';')) this.i++;
      else if ((this.tok.t as string) !== 'eof' && !this.tok.nl) this.fail(`unexpected ${this.describe()} token`);
    }
    if (!body.length) this.fail('empty query');
    return body;
  }

  parseSingleTerm(): Term {
    const t = this.parseTermExpr();
    if (this.tok.t !== 'eof') this.fail(`unexpected ${this.describe()} token`);
    return t;
  }

  // ---- expressions ----
  parseExpr(): Expr {
    const first = this.tok;
    const loc = this.loc();
    let negated = false;
    let body: ExprBody;
    if (this.isKw('not') && !this.refFollows() && !this.isOp('(', this.peek())) {
      this.i++;
      negated = true;
    }
    if (this.isKw('some') && !this.refFollows() && !this.peek().nl && this.peek().t !== 'eof') {
      this.i++;
      const vars = [this.parseTermRelation()];
      while (this.isOp(',')) {
        this.i++;
        vars.push(this.parseTermRelation());
      }
      if (this.isKw('in') && this.keywords.has('in')) {
        this.i++;
        if (vars.length > 2) this.fail('unexpected , in some ... in: at most key and value');
        const domain = this.parseTermRelation();
        body = vars.length === 2 ? { kind: 'somein', key: vars[0], value: vars[1], domain } : { kind: 'somein', value: vars[0], domain };
      } else {
        for (const v of vars) if (v.type !== 'var') this.fail('expected var in some declaration', first);
        body = { kind: 'some', vars };
      }
    } else if (this.isKw('every') && this.keywords.has('every') && !this.refFollows()) {
      this.i++;
      const a = this.parseTermRelation();
      let key: Term | undefined, value = a;
      if (this.isOp(',')) {
        this.i++;
        key = a;
        value = this.parseTermRelation();
      }
      if (!this.isKw('in')) this.fail('expected `in` in every');
      this.i++;
      const domain = this.parseTermRelation();
      const eb = this.parseBraceBody();
      body = { kind: 'every', key, value, domain, body: eb, captures: [] };
    } else {
      const lhs = this.parseTermExpr();
      if (this.isOp(',') && this.keywordIn()) {
        this.i++;
        const v = this.parseTermRelation();
        this.i++; // in
        const domain = this.parseTermRelation();
        body = { kind: 'term', term: { type: 'call', name: 'internal.member_3', args: [lhs, v, domain], loc: lhs.loc } };
      } else if (this.isOp(':=') || this.isOp('=')) {
        const op = this.tok.v;
        this.i++;
        const rhs = this.parseTermExpr();
        body = op === ':=' ? { kind: 'assign', lhs, rhs } : { kind: 'unify', lhs, rhs };
      } else body = { kind: 'term', term: lhs };
    }
    const withs = this.parseWiths();
    const last = this.toks[this.i - 1];
    return { ...body, negated, with: withs, loc, text: this.src.slice(first.pos, this.endOf(last)) } as Expr;
  }

  /** `with target as value` clauses (they may continue on following lines). */
  private parseWiths(): With[] {
    const withs: With[] = [];
    while (this.isKw('with') && !this.refFollows()) {
      const wloc = this.loc();
      this.i++;
      const target = this.parseRefTerm();
      if (!(this.tok.t === 'ident' && this.tok.v === 'as')) this.fail('expected `as` in with');
      this.i++;
      const value = this.parseTermExpr();
      withs.push({ target, value, loc: wloc });
    }
    return withs;
  }

  /** `x, y in xs` lookahead: the `in` keyword after one more term. */
  private keywordIn(): boolean {
    if (!this.keywords.has('in')) return false;
    const save = this.i;
    try {
      this.i++;
      this.parseTermRelation();
      return this.isKw('in');
    } catch {
      return false;
    } finally {
      this.i = save;
    }
  }

  /** A full term expression including membership (`x in xs`). */
  parseTermExpr(noOr = false): Term {
    let lhs = this.parseTermRelation(noOr);
    while (this.keywords.has('in') && this.isKw('in') && !this.tok.nl) {
      this.i++;
      const rhs = this.parseTermRelation(noOr);
      lhs = { type: 'call', name: 'internal.member_2', args: [lhs, rhs], loc: lhs.loc };
    }
    return lhs;
  }

  private parseTermRelation(noOr = false): Term {
    let lhs = this.parseTermOr(noOr);
    while (this.tok.t === 'op' && RELATIONS[this.tok.v] && !this.tok.nl) {
      const name = RELATIONS[this.tok.v];
      this.i++;
      const rhs = this.parseTermOr(noOr);
      lhs = { type: 'call', name, args: [lhs, rhs], loc: lhs.loc };
    }
    return lhs;
  }

  private parseTermOr(noOr: boolean): Term {
    let lhs = this.parseTermAnd();
    while (!noOr && this.isOp('|') && !this.tok.nl) {
      this.i++;
      const rhs = this.parseTermAnd();
      lhs = { type: 'call', name: 'or', args: [lhs, rhs], loc: lhs.loc };
    }
    return lhs;
  }

  private parseTermAnd(): Term {
    let lhs = this.parseTermArith();
    while (this.isOp('&') && !this.tok.nl) {
      this.i++;
      const rhs = this.parseTermArith();
      lhs = { type: 'call', name: 'and', args: [lhs, rhs], loc: lhs.loc };
    }
    return lhs;
  }

  private parseTermArith(): Term {
    let lhs = this.parseTermFactor();
    while ((this.isOp('+') || this.isOp('-')) && !this.tok.nl) {
      const name = this.tok.v === '+' ? 'plus' : 'minus';
      this.i++;
      const rhs = this.parseTermFactor();
      lhs = { type: 'call', name, args: [lhs, rhs], loc: lhs.loc };
    }
    return lhs;
  }

  private parseTermFactor(): Term {
    let lhs = this.parseTermPostfix();
    while ((this.isOp('*') || this.isOp('/') || this.isOp('%')) && !this.tok.nl) {
      const name = { '*': 'mul', '/': 'div', '%': 'rem' }[this.tok.v]!;
      this.i++;
      const rhs = this.parseTermPostfix();
      lhs = { type: 'call', name, args: [lhs, rhs], loc: lhs.loc };
    }
    return lhs;
  }

  /** A primary term followed by `.field`, `[index]` and call suffixes. */
  private parseTermPostfix(): Term {
    let t = this.parsePrimary();
    for (;;) {
      const tok = this.tok;
      if (this.isOp('.') && !tok.nl) {
        if (this.endOf(this.toks[this.i - 1]) !== tok.pos) this.fail('unexpected whitespace before .');
        this.i++;
        if (this.tok.t !== 'ident' || this.tok.pos !== tok.pos + 1) this.fail(`expected identifier after .`);
        const name = this.toks[this.i++];
        t = appendRef(t, { type: 'scalar', value: name.v, loc: this.loc(name) });
      } else if (this.isOp('[') && !tok.nl && this.endOf(this.toks[this.i - 1]) === tok.pos) {
        this.i++;
        const idx = this.parseTermExpr();
        this.expectOp(']');
        t = appendRef(t, idx);
      } else if (this.isOp('(') && !tok.nl && this.endOf(this.toks[this.i - 1]) === tok.pos && isCallable(t)) {
        this.i++;
        const args = this.parseTermList(')');
        t = { type: 'call', name: refName(t), args, loc: t.loc };
      } else return t;
    }
  }

  /** A ref made of a var and `.name` / `[term]` parts (package, import, rule head, with target). */
  private parseRefTerm(): Term {
    if (this.tok.t !== 'ident') this.fail(`expected identifier but found ${this.describe()}`);
    const first = this.toks[this.i++];
    let t: Term = { type: 'var', name: first.v, loc: this.loc(first) };
    for (;;) {
      const tok = this.tok;
      if (this.isOp('.') && this.endOf(this.toks[this.i - 1]) === tok.pos) {
        this.i++;
        if (this.tok.t !== 'ident') this.fail('expected identifier after .');
        const name = this.toks[this.i++];
        t = appendRef(t, { type: 'scalar', value: name.v, loc: this.loc(name) });
      } else if (this.isOp('[') && this.endOf(this.toks[this.i - 1]) === tok.pos) {
        this.i++;
        const idx = this.parseTermExpr();
        this.expectOp(']');
        t = appendRef(t, idx);
      } else return t;
    }
  }

  private parseTermList(close: string): Term[] {
    const items: Term[] = [];
    while (!this.isOp(close)) {
      items.push(this.parseTermExpr());
      if (this.isOp(',')) this.i++;
      else if (!this.isOp(close)) this.fail(`unexpected ${this.describe()} token: expected , or ${close}`);
    }
    this.i++;
    return items;
  }

  private parsePrimary(): Term {
    const tok = this.tok;
    const loc = this.loc();
    switch (tok.t) {
      case 'number':
        this.i++;
        return { type: 'scalar', value: parseNumber(tok.v), loc };
      case 'string':
        this.i++;
        return { type: 'scalar', value: tok.str!, loc };
      case 'template':
        this.i++;
        return { type: 'template', parts: tok.parts!.map((p) => ('lit' in p ? p.lit : this.subTerm(p))), loc };
      case 'ident': {
        this.i++;
        if (this.refFollows(tok)) return { type: 'var', name: tok.v, loc };
        if (tok.v === 'true' || tok.v === 'false') return { type: 'scalar', value: tok.v === 'true', loc };
        if (tok.v === 'null') return { type: 'scalar', value: null, loc };
        if (tok.v === 'set' && this.isOp('(') && this.isOp(')', this.peek())) {
          this.i += 2;
          return { type: 'set', items: [], loc };
        }
        // `contains` is a keyword only after a rule head; elsewhere it is a name (and a built-in).
        if (tok.v !== 'contains' && (this.keywords.has(tok.v) || ['not', 'package', 'import', 'with', 'default', 'else', 'some'].includes(tok.v))) {
          this.fail(`unexpected ${tok.v} keyword`, tok);
        }
        if (tok.v === '_') return { type: 'var', name: `_$${this.wildcards++}`, loc };
        return { type: 'var', name: tok.v, loc };
      }
      case 'op':
        break;
      default:
        this.fail(`unexpected ${this.describe()}`);
    }
    if (tok.v === '-' && this.peek().t === 'number' && this.peek().pos === tok.pos + 1) {
      this.i += 2;
      const n = parseNumber(this.toks[this.i - 1].v);
      return { type: 'scalar', value: typeof n === 'bigint' ? normInt(-n) : -(n as number), loc };
    }
    if (tok.v === '(') {
      this.i++;
      const t = this.parseTermExpr();
      if (this.isOp(',') && this.keywords.has('in')) {
        // `(k, v in xs)`: membership with key.
        this.i++;
        const v = this.parseTermRelation();
        if (!this.isKw('in')) this.fail('expected `in` after key, value');
        this.i++;
        const domain = this.parseTermRelation();
        this.expectOp(')');
        return { type: 'call', name: 'internal.member_3', args: [t, v, domain], loc };
      }
      this.expectOp(')');
      return t;
    }
    if (tok.v === '[') {
      this.i++;
      if (this.isOp(']')) {
        this.i++;
        return { type: 'array', items: [], loc };
      }
      const first = this.parseTermExpr(true);
      if (this.isOp('|')) {
        this.i++;
        const body = this.parseBody(']');
        this.i++;
        return { type: 'arraycomp', head: first, body, loc };
      }
      const items = [first];
      if (this.isOp(',')) {
        this.i++;
        items.push(...this.parseTermList(']'));
      } else this.expectOp(']');
      return { type: 'array', items, loc };
    }
    if (tok.v === '{') {
      this.i++;
      if (this.isOp('}')) {
        this.i++;
        return { type: 'object', items: [], loc };
      }
      const first = this.parseTermExpr(true);
      if (this.isOp(':')) {
        this.i++;
        const value = this.parseTermExpr(true);
        if (this.isOp('|')) {
          this.i++;
          const body = this.parseBody('}');
          this.i++;
          return { type: 'objcomp', key: first, value, body, loc };
        }
        const items: Array<[Term, Term]> = [[first, value]];
        while (this.isOp(',')) {
          this.i++;
          if (this.isOp('}')) break;
          const k = this.parseTermExpr();
          this.expectOp(':');
          items.push([k, this.parseTermExpr()]);
        }
        this.expectOp('}');
        return { type: 'object', items, loc };
      }
      if (this.isOp('|')) {
        this.i++;
        const body = this.parseBody('}');
        this.i++;
        return { type: 'setcomp', head: first, body, loc };
      }
      const items = [first];
      if (this.isOp(',')) {
        this.i++;
        items.push(...this.parseTermList('}'));
      } else this.expectOp('}');
      return { type: 'set', items, loc };
    }
    return this.fail(`unexpected ${this.describe()} token`);
  }

  /** Parses an expression embedded in a template string. */
  private subTerm(p: { expr: string; row: number; col: number }): Term {
    const sub = new Parser(p.expr, this.file, this.v1, this.wildcards);
    sub.keywords = this.keywords;
    for (const t of sub.toks) {
      if (t.row === 1) t.col += p.col - 1;
      t.row += p.row - 1;
    }
    const term = sub.parseTermExpr();
    const withs = sub.parseWiths();
    if (sub.tok.t !== 'eof') sub.fail(`unexpected ${sub.describe()} token`);
    this.wildcards = sub.wildcards;
    return withs.length ? { type: 'with', term, with: withs, loc: term.loc } : term;
  }
}

function trueExpr(loc: Location): Expr {
  return { kind: 'term', term: { type: 'scalar', value: true, loc }, negated: false, with: [], loc };
}

function appendRef(t: Term, part: Term): Term {
  if (t.type === 'ref') return { type: 'ref', head: t.head, path: [...t.path, part], loc: t.loc };
  return { type: 'ref', head: t, path: [part], loc: t.loc };
}

function isCallable(t: Term): boolean {
  if (t.type === 'var') return true;
  return t.type === 'ref' && t.head.type === 'var' && t.path.every((p) => p.type === 'scalar' && typeof p.value === 'string');
}

function refName(t: Term): string {
  if (t.type === 'var') return t.name;
  if (t.type === 'ref' && t.head.type === 'var') return [t.head.name, ...t.path.map((p) => (p as { value: string }).value)].join('.');
  return '';
}

export function parseNumber(s: string): Value {
  if (/^\d+$/.test(s)) return s.length > 15 ? normInt(BigInt(s)) : Number(s);
  return Number(s);
}

export function parseModule(file: string, text: string, v1: boolean): Module {
  return new Parser(text, file, v1).parseModule();
}

export function parseQuery(text: string, v1 = true, file = 'query'): Expr[] {
  return new Parser(text, file, v1).parseQuery();
}

export function parseTerm(text: string, file = 'term'): Term {
  return new Parser(text, file, true).parseSingleTerm();
}
