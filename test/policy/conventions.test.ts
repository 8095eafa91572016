import { exceptionName, findingsFromValue, isExcepted, isFailureRule, isWarningRule, namespaceMatcher } from '../../src/policy/conventions';

describe("conftest's rule conventions", () => {
  it('classifies deny/violation and warn rules with optional suffixes', () => {
    expect(['deny', 'violation', 'deny_tags', 'violation_a_b2'].every(isFailureRule)).toBe(true);
    expect(['warn', 'warn_probes'].every(isWarningRule)).toBe(true);
    expect(['denied', 'deny_', 'allow', 'warning', 'exception'].some((r) => isFailureRule(r) || isWarningRule(r))).toBe(false);
  });

  it('turns strings and {msg, ...metadata} objects into findings, lifting _loc', () => {
    const findings = findingsFromValue(['plain', { msg: 'structured', severity: 'high', _loc: { file: 'a.yaml', line: 4 } }], 'violation', 'main', 'in.yaml');
    expect(findings).toEqual([
      { msg: 'plain', metadata: { query: 'data.main.violation' }, rule: 'violation', namespace: 'main' },
      { msg: 'structured', metadata: { severity: 'high', query: 'data.main.violation' }, rule: 'violation', namespace: 'main', loc: { file: 'a.yaml', line: 4 } },
    ]);
    expect(findingsFromValue(undefined, 'deny', 'main', 'x')).toEqual([]);
    expect(findingsFromValue([], 'deny', 'main', 'x')).toEqual([]);
    expect(findingsFromValue('single', 'deny', 'main', 'x')).toHaveLength(1);
  });

  it('rejects boolean deny rules and objects without msg, naming the rule', () => {
    expect(() => findingsFromValue(true, 'deny', 'main', 'p.rego')).toThrow(/data.main.deny is a boolean/);
    expect(() => findingsFromValue([{ message: 'x' }], 'deny_x', 'k8s', 'p.rego')).toThrow(/data.k8s.deny_x returned an object without a string "msg"/);
  });

  it('waives rules named by exception rules, never bare deny/warn', () => {
    expect(exceptionName('deny_image_registry')).toBe('image_registry');
    expect(exceptionName('warn_replicas')).toBe('replicas');
    expect(exceptionName('deny')).toBe('');
    expect(isExcepted([['image_registry']], 'deny_image_registry')).toBe(true);
    expect(isExcepted([['image_registry']], 'warn_image_registry')).toBe(true);
    expect(isExcepted([['other']], 'deny_image_registry')).toBe(false);
    expect(isExcepted(undefined, 'deny_x')).toBe(false);
  });

  it('selects namespaces by name or glob', () => {
    const match = namespaceMatcher(['main', 'k8s.*']);
    expect(['main', 'k8s.pods', 'k8s.svc.x'].every(match)).toBe(true);
    expect(['mainly', 'k8s', 'paved.k8s.x'].some(match)).toBe(false);
  });
});
