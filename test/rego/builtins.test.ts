// Built-ins whose OPA behaviour is easy to get wrong in JS: Go's sprintf, RE2 regular expressions,
// rune-based strings, exact units, nanosecond time, JSON/YAML and globs.

import { evalPath, policy, regoError } from './helpers';

/** Evaluates one expression as the value of rule `p`. */
function value(expr: string, strict = true): unknown {
  return policy(`package t\np := ${expr}`).evaluate('data.t.p', { strictBuiltinErrors: strict });
}

describe('sprintf (Go fmt verbs)', () => {
  test.each([
    ['sprintf("%v", [[1, "a", {"k": true}]])', '[1, "a", {"k": true}]'],
    ['sprintf("%s|%d|%5.2f|%x|%q|%t", ["s", 42, 3.14159, 255, "q", true])', 's|42| 3.14|ff|"q"|true'],
    ['sprintf("%03d|%-4d|%+d", [7, 7, 7])', '007|7   |+7'],
    ['sprintf("%v", [{1, 2}])', '{1, 2}'],
    ['sprintf("%v", [set()])', 'set()'],
    ['sprintf("%d", [123456789012345678901234567890])', '123456789012345678901234567890'],
    ['sprintf("%v %v", [1.5, 0.000001])', '1.5 1e-06'],
    ['sprintf("%d", ["x"])', '%!d(string=x)'],
    ['sprintf("%s", [])', '%!s(MISSING)'],
  ])('%s', (expr, want) => {
    expect(value(expr)).toBe(want);
  });
});

describe('regular expressions (RE2 semantics)', () => {
  test('matching, named groups, POSIX classes and \\Q..\\E', () => {
    expect(value('regex.match(`^[[:alpha:]]+\\d$`, "abc1")')).toBe(true);
    expect(value('regex.find_all_string_submatch_n(`(?P<k>\\w+)=(\\w+)`, "a=1 b=2", -1)')).toEqual([['a=1', 'a', '1'], ['b=2', 'b', '2']]);
    expect(value('regex.match(`\\Qa.b\\E`, "axb")')).toBe(false);
    expect(value('regex.match(`(?i)^abc$`, "ABC")')).toBe(true);
    expect(value('regex.match("^a{,2}$", "a{,2}")')).toBe(true);
  });

  test('replace expands $1 and ${name} like Go', () => {
    expect(value('regex.replace("a-b c-d", `(\\w)-(\\w)`, "${2}_$1")')).toBe('b_a d_c');
    expect(value('regex.replace("ab", "(a)", "$1x")')).toBe('b');
  });

  test('split and find follow Go for empty matches', () => {
    expect(value('regex.split("x*", "axbxxc")')).toEqual(['a', 'b', 'c']);
    expect(value('regex.find_n("b*", "abc", -1)')).toEqual(['', 'b', '']);
  });

  test('constructs RE2 rejects are errors, not silent differences', () => {
    for (const pattern of ['(a)\\\\1', '(?=a)', '(?<!a)b']) {
      const e = regoError(() => value(`regex.match(\`${pattern.replace(/\\\\/g, '\\')}\`, "aa")`));
      expect(e.errors[0]).toMatchObject({ code: 'eval_builtin_error' });
      expect(e.errors[0].message).toContain('error parsing regexp');
    }
    expect(value('regex.is_valid("(?=a)")')).toBe(false);
    expect(value('regex.is_valid("a+b")')).toBe(true);
  });
});

describe('strings', () => {
  test('count, substring and indexof use code points', () => {
    expect(value('[count("héllo"), substring("héllo", 1, 3), indexof("héllo", "l")]')).toEqual([5, 'éll', 2]);
  });

  test('trim family, split_n and replace_n', () => {
    expect(value('[trim("xxaxx", "x"), trim_left("aab", "a"), trim_suffix("a.rego", ".rego"), trim_space("  a \\n")]')).toEqual(['a', 'b', 'a', 'a']);
    expect(value('strings.split_n("a.b.c", ".", 2)')).toEqual(['a', 'b']);
    expect(value('strings.replace_n({"a": "1", "b": "2"}, "abc")')).toBe('12c');
  });

  test('to_number and format_int', () => {
    expect(value('[to_number("42"), to_number("-1.5"), to_number(true), format_int(255, 16)]')).toEqual([42, -1.5, 1, 'ff']);
    expect(regoError(() => value('to_number("abc")')).errors[0].message).toContain('to_number');
  });
});

describe('numbers and aggregates', () => {
  test('arithmetic errors', () => {
    expect(regoError(() => value('1 % 0')).errors[0].message).toBe('rem: modulo by zero');
    expect(regoError(() => value('1.5 % 1')).errors[0].message).toBe('rem: modulo on floating-point number');
  });

  test('aggregates and rounding', () => {
    expect(value('[sum([1, 2.5]), product({2, 3}), max([1, "a"]), min({3, 1}), round(-2.5), ceil(1.2), floor(-1.2), abs(-3)]')).toEqual([3.5, 6, 'a', 1, -3, 2, -2, 3]);
    expect(value('numbers.range(3, 1)')).toEqual([3, 2, 1]);
  });

  test('set operators', () => {
    expect(value('[({1, 2} | {3}), {1, 2} & {2}, {1, 2} - {1}]')).toEqual([[1, 2, 3], [2], [2]]);
  });
});

describe('units', () => {
  test('exact decimal results', () => {
    expect(value('[units.parse("500m"), units.parse("0.0000005M"), units.parse("1.1Ki"), units.parse("10Ei")]')).toEqual([0.5, 0.5, 1126.4, 11529215046068469760n]);
    expect(value('[units.parse_bytes("1KiB"), units.parse_bytes("2MB"), units.parse_bytes("12")]')).toEqual([1024, 2000000, 12]);
    expect(regoError(() => value('units.parse("1 k")')).errors[0].message).toBe('units.parse: spaces not allowed in resource strings');
  });
});

describe('time', () => {
  test('parse, format and calendar functions in nanoseconds', () => {
    const ns = 1700000000123456789n;
    expect(value('time.parse_rfc3339_ns("2023-11-14T22:13:20.123456789Z")')).toBe(ns);
    expect(value(`time.format([${ns}, "Asia/Kolkata", "2006-01-02 15:04:05.000 -0700"])`)).toBe('2023-11-15 03:43:20.123 +0530');
    expect(value(`[time.date(${ns}), time.clock([${ns}, "America/New_York"]), time.weekday(${ns})]`)).toEqual([[2023, 11, 14], [17, 13, 20], 'Tuesday']);
    expect(value('time.parse_duration_ns("1h30m")')).toBe(5400000000000);
    expect(value(`time.add_date(${ns}, 0, 1, 0) - ${ns}`)).toBe(30 * 86400 * 1e9);
    expect(value('time.diff(time.parse_rfc3339_ns("2020-01-31T00:00:00Z"), time.parse_rfc3339_ns("2020-03-01T00:00:00Z"))')).toEqual([0, 1, 1, 0, 0, 0]);
  });

  test('now_ns is fixed for one query and can be mocked', () => {
    expect(evalPath('package t\np if time.now_ns() == time.now_ns()', 'data.t.p')).toBe(true);
    expect(evalPath('package t\nq := time.now_ns()\np := x if { x := q with time.now_ns as 5 }', 'data.t.p')).toBe(5);
  });
});

describe('encoding and objects', () => {
  test('json and yaml', () => {
    expect(value('json.marshal({"b": [1, {2}], "a": "<"})')).toBe('{"a":"\\u003c","b":[1,[2]]}');
    expect(value('json.unmarshal("{\\"n\\": 12345678901234567890}")')).toEqual({ n: 12345678901234567890n });
    expect(value('yaml.unmarshal("a: [1, 2]\\nb: x")')).toEqual({ a: [1, 2], b: 'x' });
    expect(value('[base64.encode("hi"), base64.decode("aGk="), hex.encode("hi"), urlquery.encode("a b&c")]')).toEqual(['aGk=', 'hi', '6869', 'a+b%26c']);
  });

  test('object and json path helpers', () => {
    expect(value('object.get({"a": {"b": 1}}, ["a", "b"], 0)')).toBe(1);
    expect(value('json.filter({"a": {"b": 1, "c": 2}, "d": 3}, ["a/b"])')).toEqual({ a: { b: 1 } });
    expect(value('json.remove({"a": {"b": 1, "c": 2}}, ["a/b"])')).toEqual({ a: { c: 2 } });
    expect(value('object.union({"a": {"b": 1}}, {"a": {"c": 2}})')).toEqual({ a: { b: 1, c: 2 } });
    expect(value('json.patch({"a": 1}, [{"op": "add", "path": "/b", "value": 2}])')).toEqual({ a: 1, b: 2 });
  });

  test('walk enumerates every path', () => {
    expect(evalPath('package t\np := [path | walk({"a": [1]}, [path, _])]', 'data.t.p')).toEqual([[], ['a'], ['a', 0]]);
  });

  test('glob.match with delimiters', () => {
    expect(value('[glob.match("*.github.com", [], "api.github.com"), glob.match("*.com", [], "a.b.com"), glob.match("**.com", [], "a.b.com"), glob.match("{a,b}?", null, "a.")]')).toEqual([true, false, true, true]);
  });
});
