// Tier-2 built-in families (net, semver, uuid, graph, uri, hashes, json schema) and syntax corners
// real policy libraries rely on.

import { evalPath, policy, regoError } from './helpers';

function value(expr: string): unknown {
  return policy(`package t\np := ${expr}`).evaluate('data.t.p', { strictBuiltinErrors: true });
}

describe('net.cidr', () => {
  test('contains, intersects and validity for IPv4 and IPv6', () => {
    expect(value('[net.cidr_contains("10.0.0.0/8", "10.1.2.3"), net.cidr_contains("10.0.0.0/8", "11.0.0.0/24"), net.cidr_contains("2001:db8::/32", "2001:db8:1::/48")]')).toEqual([true, false, true]);
    expect(value('[net.cidr_intersects("10.0.0.0/24", "10.0.0.128/25"), net.cidr_is_valid("10.0.0.0/33"), net.cidr_is_valid("::/0")]')).toEqual([true, false, true]);
  });

  test('expand and merge', () => {
    expect(value('net.cidr_expand("192.168.0.0/30")')).toEqual(['192.168.0.0', '192.168.0.1', '192.168.0.2', '192.168.0.3']);
    expect(value('net.cidr_merge(["10.0.0.0/25", "10.0.0.128/25", "10.0.0.5/32", "2001:db8::/33", "2001:db8:8000::/33"])')).toEqual(['10.0.0.0/24', '2001:db8::/32']);
  });

  test('contains_matches keys results by collection index or key', () => {
    expect(value('net.cidr_contains_matches({"lan": "10.0.0.0/8"}, ["10.1.1.1", "8.8.8.8"])')).toEqual([['lan', 0]]);
  });

  test('invalid addresses are built-in errors', () => {
    expect(regoError(() => value('net.cidr_contains("nope", "10.0.0.1")')).errors[0]).toMatchObject({ code: 'eval_builtin_error', message: 'net.cidr_contains: invalid CIDR address: nope' });
  });
});

describe('semver, uuid, graph, uri, hashes', () => {
  test('semver', () => {
    expect(value('[semver.compare("1.2.3", "1.10.0"), semver.compare("1.0.0-alpha", "1.0.0"), semver.is_valid("1.2"), semver.is_valid("1.2.3+build")]')).toEqual([-1, -1, false, true]);
  });

  test('uuid', () => {
    expect(value('uuid.parse("6ba7b810-9dad-41d1-80b4-00c04fd430c8")')).toEqual({ variant: 'RFC4122', version: 4 });
    expect(value('count(uuid.rfc4122("seed"))')).toBe(36);
    expect(evalPath('package t\np if { uuid.rfc4122("a") == uuid.rfc4122("a"); uuid.rfc4122("a") != uuid.rfc4122("b") }', 'data.t.p')).toBe(true);
  });

  test('graph.reachable', () => {
    expect(value('graph.reachable({"a": ["b"], "b": ["c"], "c": [], "d": ["a"]}, ["a"])')).toEqual(['a', 'b', 'c']);
  });

  test('uri.parse and urlquery', () => {
    expect(value('uri.parse("https://example.com:8443/a%20b?x=1#f")')).toEqual({ scheme: 'https', hostname: 'example.com', port: '8443', path: '/a b', raw_path: '/a%20b', raw_query: 'x=1', fragment: 'f' });
    expect(value('urlquery.decode_object("a=1&a=2&b=x+y")')).toEqual({ a: ['1', '2'], b: ['x y'] });
  });

  test('regex.globs_match intersects two glob-style patterns', () => {
    expect(value('[regex.globs_match("a.a.[0-9]+z", ".b.b2359825792*594823z"), regex.globs_match("[a-z]+", "[0-9]*"), regex.globs_match("ab*", "a+")]')).toEqual([true, false, true]);
    expect(regoError(() => value('regex.globs_match("pqrs]", "a")')).errors[0].message).toContain("set-close ']' with no preceding '['");
  });

  test('hashes and HMAC', () => {
    expect(value('[crypto.sha256("abc"), crypto.hmac.sha256("msg", "key")]')).toEqual([
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      '2d93cbc1be167bcb1637a4a23cbff01a7878f0c50ee833954ea5221bb1b8c628',
    ]);
  });

  test('json schema', () => {
    const schema = '{"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}';
    expect(value(`json.match_schema({"id": 1}, ${JSON.stringify(schema)})`)).toEqual([true, []]);
    const [ok, errors] = value(`json.match_schema({"id": "x"}, ${JSON.stringify(schema)})`) as [boolean, unknown[]];
    expect(ok).toBe(false);
    expect(errors).toHaveLength(1);
  });

  test('http.send refuses the network but can be mocked', () => {
    const mod = `package t
      mock(_) := {"status_code": 200}
      live := http.send({"method": "GET", "url": "http://127.0.0.1:1"})
      mocked := r if { r := http.send({"method": "GET", "url": "x"}) with http.send as mock }`;
    expect(evalPath(mod, 'data.t.live')).toBeUndefined();
    expect(regoError(() => policy(mod).evaluate('data.t.live', { strictBuiltinErrors: true })).errors[0].message).toContain('network access is disabled');
    expect(evalPath(mod, 'data.t.mocked')).toEqual({ status_code: 200 });
  });
});

describe('syntax corners', () => {
  test('a v0 helper named like a keyword shadows the built-in', () => {
    const mod = `package t
      contains(arr, elem) { arr[_] = elem }
      p { contains(["a"], "a") }`;
    expect(evalPath(mod, 'data.t.p', {}, 'v0')).toBe(true);
  });

  test('`contains` as a variable name in v1 and keywords in refs', () => {
    expect(evalPath('package t\nf(xs, x) := contains if { contains := x in xs }\np := f([1], 1)', 'data.t.p')).toBe(true);
    expect(evalPath('package t\np := input.if.else', 'data.t.p', { input: { if: { else: 3 } } })).toBe(3);
  });

  test('raw strings, escapes and comments', () => {
    expect(evalPath('package t\n# comment\np := [`a\\b`, "tab\\tq\\"", "\\u00e9"] # trailing', 'data.t.p')).toEqual(['a\\b', 'tab\tq"', 'é']);
  });

  test('expressions continue across lines inside brackets and after operators', () => {
    expect(evalPath('package t\np := x if {\n  x := [\n    1,\n    2,\n  ]\n  count(x) ==\n    2\n}', 'data.t.p')).toEqual([1, 2]);
  });

  test('multiple with statements on continuation lines', () => {
    expect(evalPath('package t\nq := [input.a, data.d]\np := v if {\n  v := q\n    with input as {"a": 1}\n    with data.d as 2\n}', 'data.t.p')).toEqual([1, 2]);
  });
});
