// OPA's error codes and file:row:col for wrong policies, strict built-in errors and evaluation limits.

import { compileModules } from '../../src/rego';
import { evalPath, policy, regoError } from './helpers';

function compileError(text: string) {
  const e = regoError(() => compileModules([{ file: 'bad.rego', text }]));
  return e.errors[0];
}

describe('compile errors', () => {
  test('syntax error', () => {
    expect(compileError('package t\n\np if {\n  x := [1, 2\n}\n')).toMatchObject({ code: 'rego_parse_error', location: { file: 'bad.rego', row: 5, col: 1 } });
  });

  test('v0 body without `if` is rejected in v1 with a hint', () => {
    const e = compileError('package t\ndeny[msg] { msg := "x" }');
    expect(e.code).toBe('rego_parse_error');
    expect(e.message).toContain('`if` keyword is required');
  });

  test('unsafe variable', () => {
    expect(compileError('package t\np if {\n  x > 1\n}')).toEqual({ code: 'rego_unsafe_var_error', message: 'var x is unsafe', location: { file: 'bad.rego', row: 3, col: 3 } });
  });

  test('unsafe variable in a rule head', () => {
    expect(compileError('package t\np := y if { true }')).toMatchObject({ code: 'rego_unsafe_var_error', message: 'var y is unsafe', location: { row: 2, col: 6 } });
  });

  test('unknown built-in', () => {
    expect(compileError('package t\np if {\n  no_such_fn(1)\n}')).toEqual({ code: 'rego_type_error', message: 'undefined function no_such_fn', location: { file: 'bad.rego', row: 3, col: 3 } });
  });

  test('wrong number of arguments', () => {
    expect(compileError('package t\np := count(1, 2, 3)')).toMatchObject({ code: 'rego_type_error', location: { row: 2 } });
  });

  test('literal operands of the wrong type are type errors before evaluation', () => {
    const e = compileError('package t\np if {\n  startswith("abc", 1)\n}');
    expect(e).toMatchObject({ code: 'rego_type_error', location: { file: 'bad.rego', row: 3, col: 21 } });
    expect(e.message).toContain('startswith: invalid argument(s)');
    expect(compileError('package t\np := count(1)')).toMatchObject({ code: 'rego_type_error' });
  });

  test('recursion', () => {
    const e = compileError('package t\np if q\nq if p');
    expect(e.code).toBe('rego_recursion_error');
    expect(e.message).toMatch(/^rule data\.t\.[pq] is recursive: data\.t\.[pq] -> data\.t\.[pq] -> data\.t\.[pq]$/);
  });

  test('conflicting rule kinds', () => {
    expect(compileError('package t\np := 1\np contains 2')).toMatchObject({ code: 'rego_type_error', message: 'conflicting rules data.t.p found' });
    expect(compileError('package t\nf(x) := x\nf := 1')).toMatchObject({ code: 'rego_type_error', message: 'conflicting rules data.t.f found' });
  });

  test('re-assigned variable', () => {
    expect(compileError('package t\np if {\n  x := 1\n  x := 2\n}')).toMatchObject({ code: 'rego_compile_error', message: 'var x assigned above', location: { row: 4 } });
  });

  test('errors from several files are reported together', () => {
    const e = regoError(() => compileModules([{ file: 'a.rego', text: 'package a\np if {' }, { file: 'b.rego', text: 'package' }]));
    expect(e.errors.map((d) => d.location?.file)).toEqual(['a.rego', 'b.rego']);
  });
});

describe('built-in errors', () => {
  const mod = 'package t\np := x if { x := 1 / input.d }\nq := count(input.v)';

  test('are undefined by default', () => {
    expect(evalPath(mod, 'data.t.p', { input: { d: 0 } })).toBeUndefined();
    expect(evalPath(mod, 'data.t.q', { input: { v: 5 } })).toBeUndefined();
  });

  test('fail the query with strict built-in errors', () => {
    const div = regoError(() => policy(mod).evaluate('data.t.p', { input: { d: 0 }, strictBuiltinErrors: true }));
    expect(div.errors[0]).toMatchObject({ code: 'eval_builtin_error', message: 'div: divide by zero', location: { file: 'm0.rego', row: 2 } });
    const count = regoError(() => policy(mod).evaluate('data.t.q', { input: { v: 5 }, strictBuiltinErrors: true }));
    expect(count.errors[0]).toMatchObject({ code: 'eval_type_error', message: 'count: operand 1 must be one of {array, object, set, string} but got number' });
  });
});

describe('limits', () => {
  const heavy = 'package t\np := count([x | some x in numbers.range(1, 100000); x % 7 == 0])';

  test('a step limit stops runaway evaluation with eval_cancel_error', () => {
    const e = regoError(() => policy(heavy).evaluate('data.t.p', { maxSteps: 10000 }));
    expect(e.code).toBe('eval_cancel_error');
    expect(e.message).toContain('10000 steps');
  });

  test('a time limit stops evaluation with eval_cancel_error', () => {
    const e = regoError(() => policy(heavy).evaluate('data.t.p', { timeoutMs: 0 }));
    expect(e.code).toBe('eval_cancel_error');
    expect(e.message).toContain('timed out');
  });

  test('within the limits the same query completes', () => {
    expect(policy(heavy).evaluate('data.t.p')).toBe(14285);
  });
});
