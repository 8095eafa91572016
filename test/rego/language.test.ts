// The Rego language as evaluated by paved's engine: rule kinds, iteration, negation, `with`,
// comprehensions, ref heads, defaults, `else`, functions and conflicts.

import { compileModules } from '../../src/rego';
import { bindings, evalPath, policy, regoError } from './helpers';

describe('rules', () => {
  test('complete, partial set and partial object rules', () => {
    const mod = `package t
      xs := [1, 2, 3]
      big contains x if { some x in xs; x > 1 }
      sq[x] := x * x if { some x in xs }
      any_big if count(big) > 0`;
    expect(evalPath(mod, 'data.t.big')).toEqual([2, 3]);
    expect(evalPath(mod, 'data.t.sq')).toEqual({ '1': 1, '2': 4, '3': 9 });
    expect(evalPath(mod, 'data.t.any_big')).toBe(true);
    expect(evalPath(mod, 'data.t')).toEqual({ xs: [1, 2, 3], big: [2, 3], sq: { '1': 1, '2': 4, '3': 9 }, any_big: true });
  });

  test('default values and else chains', () => {
    const mod = `package t
      default allow := false
      allow if input.user == "admin"
      level := "high" if { input.n > 10 } else := "mid" if { input.n > 5 } else := "low"`;
    expect(evalPath(mod, 'data.t.allow', { input: { user: 'bob' } })).toBe(false);
    expect(evalPath(mod, 'data.t.allow', { input: { user: 'admin' } })).toBe(true);
    expect(evalPath(mod, 'data.t.level', { input: { n: 11 } })).toBe('high');
    expect(evalPath(mod, 'data.t.level', { input: { n: 7 } })).toBe('mid');
    expect(evalPath(mod, 'data.t.level', { input: { n: 1 } })).toBe('low');
  });

  test('functions with several definitions, patterns in arguments and default', () => {
    const mod = `package t
      f(1) := "one"
      f(x) := "many" if x > 1
      g([a, b]) := a + b
      default h(_) := 0
      h(x) := x if x > 100
      r := [f(1), f(5), g([2, 3]), h(1), h(200)]`;
    expect(evalPath(mod, 'data.t.r')).toEqual(['one', 'many', 5, 0, 200]);
  });

  test('ref heads build nested objects', () => {
    const mod = `package t
      users := [{"name": "a", "team": "x"}, {"name": "b", "team": "y"}]
      by_team[u.team].members contains u.name if some u in users
      settings.limits.cpu := 2`;
    expect(evalPath(mod, 'data.t.by_team')).toEqual({ x: { members: ['a'] }, y: { members: ['b'] } });
    expect(evalPath(mod, 'data.t.settings')).toEqual({ limits: { cpu: 2 } });
  });

  test('v0 syntax: partial sets with brackets and bodies without if', () => {
    const mod = `package t
      deny[msg] { r := input.rs[_]; not r.ok; msg := sprintf("%s failed", [r.id]) }
      allow { count(deny) == 0 }`;
    expect(evalPath(mod, 'data.t.deny', { input: { rs: [{ id: 'a', ok: true }, { id: 'b' }] } }, 'v0')).toEqual(['b failed']);
    expect(evalPath(mod, 'data.t.allow', { input: { rs: [] } }, 'v0')).toBe(true);
  });

  test('import rego.v1 and future.keywords make v0 files use the new keywords', () => {
    const a = 'package a\nimport rego.v1\np contains x if { some x in [1, 2] }';
    const b = 'package b\nimport future.keywords.in\np[x] { some x in [3] }';
    expect(evalPath(a, 'data.a.p', {}, 'v0')).toEqual([1, 2]);
    expect(evalPath(b, 'data.b.p', {}, 'v0')).toEqual([3]);
  });

  test('imports resolve data references with aliases', () => {
    const lib = 'package lib.util\nnames := {"a", "b"}\nup(s) := upper(s)';
    const main = 'package main\nimport data.lib.util as u\nx := {u.up(n) | some n in u.names}';
    expect(evalPath([lib, main], 'data.main.x')).toEqual(['A', 'B']);
  });
});

describe('iteration and logic', () => {
  test('some, every, not and membership', () => {
    const mod = `package t
      all_pos if every x in input.xs { x > 0 }
      has_neg if { some x in input.xs; x < 0 }
      no_zero if not 0 in input.xs
      pairs contains [k, v] if some k, v in {"a": 1}`;
    expect(evalPath(mod, 'data.t.all_pos', { input: { xs: [1, 2] } })).toBe(true);
    expect(evalPath(mod, 'data.t.all_pos', { input: { xs: [1, -2] } })).toBeUndefined();
    expect(evalPath(mod, 'data.t.has_neg', { input: { xs: [1, -2] } })).toBe(true);
    expect(evalPath(mod, 'data.t.no_zero', { input: { xs: [1] } })).toBe(true);
    expect(evalPath(mod, 'data.t.pairs')).toEqual([['a', 1]]);
  });

  test('sets and objects are iterated in Rego order, as OPA does', () => {
    expect(evalPath('package t\np := [x | some x in {"b", 3, "a", 1}]', 'data.t.p')).toEqual([1, 3, 'a', 'b']);
    expect(evalPath('package t\np := [k | some k, _ in {"b": 1, "a": 2}]', 'data.t.p')).toEqual(['a', 'b']);
    expect(evalPath('package t\np := concat(",", [v | some v in input.s])', 'data.t.p', { input: { s: ['z', 'y'] } })).toBe('z,y');
  });

  test('body expressions are reordered so variables are bound before use', () => {
    expect(evalPath('package t\np := y if { y > 1; y := 1 + 2 }', 'data.t.p')).toBe(3);
  });

  test('comprehensions capture outer variables', () => {
    const mod = `package t
      groups := {"a": [1, 2], "b": [3]}
      sizes := {k: n | some k, vs in groups; n := count([v | some v in vs; v > 0])}`;
    expect(evalPath(mod, 'data.t.sizes')).toEqual({ a: 2, b: 1 });
  });

  test('query results carry bindings for every solution', () => {
    const rows = bindings('package t\nxs := ["a", "b"]', 'some i; data.t.xs[i] = v');
    expect(rows).toEqual([{ i: 0, v: 'a' }, { i: 1, v: 'b' }]);
  });

  test('dynamic references into data and virtual documents', () => {
    const mod = 'package t\nq := {"k": 1}\nr[k] := v if some k, v in q';
    expect(bindings(mod, 'data.t[name].k = 1')).toEqual([{ name: 'q' }, { name: 'r' }]);
  });
});

describe('with', () => {
  test('replaces input, data and functions', () => {
    const mod = `package t
      allow if input.role == data.cfg.admin_role
      f(x) := x + 1
      mock(x) := x * 10
      ok1 if allow with input as {"role": "root"} with data.cfg.admin_role as "root"
      ok2 := y if { y := f(1) with f as mock }
      ok3 := n if { n := count([1, 2]) with count as 7 }`;
    expect(evalPath(mod, 'data.t.ok1')).toBe(true);
    expect(evalPath(mod, 'data.t.ok2')).toBe(10);
    expect(evalPath(mod, 'data.t.ok3')).toBe(7);
  });
});

describe('values', () => {
  test('sets and objects compare structurally and print in Rego order', () => {
    expect(evalPath('package t\np := {3, 1, [2], "a", {"k": 1}, null, true}', 'data.t.p')).toEqual([null, true, 1, 3, 'a', [2], { k: 1 }]);
    expect(evalPath('package t\np if {1, 2} == {2, 1}', 'data.t.p')).toBe(true);
  });

  test('integers beyond 2^53 stay exact', () => {
    expect(evalPath('package t\np := 9223372036854775807 - 1', 'data.t.p')).toBe(9223372036854775806n);
    expect(evalPath('package t\np := 18446744073709551617 * 2', 'data.t.p')).toBe(36893488147419103234n);
    expect(evalPath('package t\np := 7 / 2', 'data.t.p')).toBe(3.5);
  });

  test('template strings render values like OPA', () => {
    expect(evalPath('package t\nx := [1, "a"]\np := $"v={x} s={{1}} u={input.nope}"', 'data.t.p')).toBe('v=[1, "a"] s={1} u=<undefined>');
  });

  test('template expressions may use `with`, and templates may be function argument patterns', () => {
    expect(evalPath('package t\na := input.a\np := $"a={a with input as {"a": 42}}"', 'data.t.p')).toBe('a=42');
    expect(evalPath('package t\nf($"{x}!") := x if x := "hi"\np := f("hi!")', 'data.t.p')).toBe('hi');
  });

  test('print sends formatted values to the print hook', () => {
    const lines: string[] = [];
    policy('package t\np if { print("x", [1], input.none) }').evaluate('data.t.p', { printHook: (m) => lines.push(m) });
    expect(lines).toEqual(['x [1] <undefined>']);
  });
});

describe('conflicts', () => {
  test('complete rules with two values', () => {
    const e = regoError(() => evalPath('package t\np := 1\np := 2 if true', 'data.t.p'));
    expect(e.code).toBe('eval_conflict_error');
    expect(e.errors[0].message).toBe('complete rules must not produce multiple outputs');
    expect(e.errors[0].location).toMatchObject({ file: 'm0.rego', row: 3 });
  });

  test('partial objects with two values for one key, and functions', () => {
    expect(regoError(() => evalPath('package t\np[k] := v if { some k, v in {"a": 1} }\np["a"] := 2', 'data.t.p')).errors[0].message).toBe('object keys must be unique');
    expect(regoError(() => evalPath('package t\nf(_) := 1\nf(_) := 2\np := f(0)', 'data.t.p')).errors[0].message).toBe('functions must not produce multiple outputs for same inputs');
  });
});

describe('rego versions per module', () => {
  test('a v0 module and a v1 module compile together when each says its version', () => {
    const p = compileModules([
      { file: 'old.rego', text: 'package old\ndeny[msg] { msg := "old" }', regoVersion: 'v0' },
      { file: 'new.rego', text: 'package new\nimport data.old\ndeny contains msg if { some m in old.deny; msg := upper(m) }' },
    ]);
    expect(p.evaluate('data.new.deny')).toEqual(['OLD']);
    expect(p.packages()).toEqual(['new', 'old']);
    expect(p.rules('new')).toEqual([{ name: 'deny', kind: 'partial-set', location: { file: 'new.rego', row: 3, col: 1 } }]);
  });
});
