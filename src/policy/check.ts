// The policy-check step's core: load the inputs, open an engine, evaluate every selected namespace's
// deny/violation/warn rules against every input document with conftest's semantics, and return one
// CheckReport. Knows nothing of GitHub or GitLab; the CLI and the action both call `checkPolicies`.

import * as path from 'node:path';
import { InputError } from '../platform/errors';
import { exceptionName, findingsFromValue, isExcepted, isFailureRule, namespaceMatcher } from './conventions';
import { lineIndex, loadInputs, type InputFile } from './documents';
import { openEngine } from './engines';
import type { PolicyEngine } from './engines/engine';
import type { CheckReport, EngineChoice, FileResult, Finding, RegoVersion, RuleDecision } from './types';

export interface CheckOptions {
  policies: string[];
  data?: string[];
  /** Namespaces or globs (`k8s.*`); `main` when empty, as in conftest. */
  namespaces?: string[];
  allNamespaces?: boolean;
  engine?: EngineChoice;
  regoVersion?: RegoVersion;
  inputs: string[];
  failOnWarn?: boolean;
  /**
   * Explicit approvals of destructive changes (resource addresses, or `all`), given to policies as
   * `data.paved.approval` ({destructive: true} or {addresses: [...]}).
   */
  approvals?: string[];
  /** Resolves relative paths (the CLI's cwd, the action's workspace). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  readStdin?: () => string;
}

export const DEFAULT_NAMESPACE = 'main';

export async function checkPolicies(options: CheckOptions): Promise<CheckReport> {
  if (options.policies.length === 0) throw new InputError('no policy given', { field: '--policy', hint: 'pass --policy DIR (repeatable)' });
  const cwd = options.cwd ?? process.cwd();
  const inputs = loadInputs(options.inputs, cwd, options.readStdin);
  const engine = await openEngine({
    engine: options.engine ?? 'auto',
    policyPaths: options.policies,
    dataPaths: options.data ?? [],
    regoVersion: options.regoVersion ?? 'v1',
    env: options.env ?? process.env,
    cwd,
    dataOverlay: approvalData(options.approvals ?? []),
  });
  const namespaces = selectNamespaces(engine, options);

  const results: FileResult[] = [];
  for (const input of inputs) {
    for (const namespace of namespaces) results.push(await checkFile(engine, input, namespace, cwd));
  }

  const count = (pick: (r: FileResult) => number) => results.reduce((n, r) => n + pick(r), 0);
  const summary = {
    files: inputs.length,
    documents: inputs.reduce((n, f) => n + f.documents.length, 0),
    namespaces,
    successes: count((r) => r.successes),
    failures: count((r) => r.failures.length),
    warnings: count((r) => r.warnings.length),
    exceptions: count((r) => r.exceptions.length),
  };
  const verdict = summary.failures > 0 ? 'fail' : summary.warnings > 0 ? 'warn' : 'pass';
  return { engine: engine.name, verdict, failOnWarn: options.failOnWarn ?? false, summary, results };
}

/** `data.paved.approval` from `--approve` values; nothing when none are given, so data files decide. */
export function approvalData(approvals: readonly string[]): Record<string, unknown> {
  const values = approvals.map((a) => a.trim()).filter(Boolean);
  if (values.length === 0) return {};
  const approval = values.includes('all') ? { destructive: true } : { addresses: values };
  return { paved: { approval } };
}

/** Whether the report should fail the job: any failure, or any warning with --fail-on-warn. */
export function reportFails(report: CheckReport): boolean {
  return report.verdict === 'fail' || (report.failOnWarn && report.verdict === 'warn');
}

function selectNamespaces(engine: PolicyEngine, options: CheckOptions): string[] {
  const available = engine.namespaces();
  if (options.allNamespaces) return available;
  const patterns = options.namespaces?.length ? options.namespaces : [DEFAULT_NAMESPACE];
  const matches = namespaceMatcher(patterns);
  const selected = available.filter(matches);
  if (selected.length === 0) {
    throw new InputError(`no policy package matches --namespace ${patterns.join(', ')}`, {
      field: '--namespace',
      hint: `the policies define: ${available.join(', ') || '(no packages)'}; pass --namespace NAME or --all-namespaces`,
    });
  }
  return selected;
}

async function checkFile(engine: PolicyEngine, input: InputFile, namespace: string, cwd: string): Promise<FileResult> {
  const rules = engine.checkRules(namespace);
  const ruleCount = rules.reduce((n, r) => n + r.bodies, 0);
  const result: FileResult = { filename: input.file, namespace, successes: 0, failures: [], warnings: [], exceptions: [], decisions: [] };
  const decisions = new Map<string, RuleDecision>(
    rules.map((r) => [
      r.name,
      {
        namespace,
        rule: r.name,
        kind: isFailureRule(r.name) ? 'failure' : 'warning',
        decision: 'pass',
        findings: 0,
        ...(r.title ? { title: r.title } : {}),
        ...(r.description ? { description: r.description } : {}),
        ...(r.severity ? { severity: r.severity } : {}),
      },
    ]),
  );
  const absolute = path.resolve(cwd, input.file);
  const fileInfo = input.file === '-' ? { name: '-', dir: cwd } : { name: path.basename(absolute), dir: path.dirname(absolute) };
  const locate = locator(input.text);
  const multi = input.documents.length > 1;

  for (const [index, doc] of input.documents.entries()) {
    const evaluation = await engine.evaluate(namespace, rules.map((r) => r.name), doc.value, fileInfo);
    const addresses = resourceAddresses(doc.value);
    let reported = 0;
    for (const rule of rules) {
      const decision = decisions.get(rule.name) as RuleDecision;
      if (isExcepted(evaluation.exception, rule.name)) {
        result.exceptions.push({ msg: `data.${namespace}.exception[_][_] == ${JSON.stringify(exceptionName(rule.name))}`, metadata: { query: `data.${namespace}.exception` }, rule: rule.name, namespace, ...(multi ? { document: index } : {}) });
        decision.decision = worst(decision.decision, 'exception');
        reported++;
        continue;
      }
      const findings = findingsFromValue(evaluation.values[rule.name], rule.name, namespace, input.file);
      for (const finding of findings) {
        if (multi) finding.document = index;
        finding.resource = resourceOf(finding, addresses);
        finding.loc ??= { file: input.file, line: (finding.resource && locate(finding.resource)) || doc.line };
      }
      reported += findings.length;
      decision.findings += findings.length;
      if (findings.length > 0) decision.decision = worst(decision.decision, decision.kind === 'failure' ? 'fail' : 'warn');
      (decision.kind === 'failure' ? result.failures : result.warnings).push(...findings);
    }
    result.successes += Math.max(0, ruleCount - reported);
  }
  result.decisions = [...decisions.values()];
  return result;
}

const SEVERITY: Record<RuleDecision['decision'], number> = { pass: 0, exception: 1, warn: 2, fail: 3 };

/** A rule's decision over several documents is its worst one. */
function worst(a: RuleDecision['decision'], b: RuleDecision['decision']): RuleDecision['decision'] {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

const RESOURCE_KEYS = ['resource', 'address', 'resource_address', 'resource_id'];

/** The resource a finding concerns: named in its metadata, or the longest input address its message mentions. */
function resourceOf(finding: Finding, addresses: string[]): string | undefined {
  for (const key of RESOURCE_KEYS) {
    const v = finding.metadata[key];
    if (typeof v === 'string' && v) return v;
  }
  return addresses.find((a) => finding.msg.includes(a));
}

/**
 * Addresses a policy message may name: plan-contract and Terraform plan resource addresses,
 * Kubernetes `Kind/name`. Longest first, so `aws_s3_bucket.logs_2` wins over `aws_s3_bucket.logs`.
 */
export function resourceAddresses(doc: unknown): string[] {
  const out = new Set<string>();
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    const d = doc as Record<string, unknown>;
    for (const list of [d.changes, d.resource_changes]) {
      if (!Array.isArray(list)) continue;
      for (const c of list) if (c && typeof (c as { address?: unknown }).address === 'string') out.add((c as { address: string }).address);
    }
    const meta = d.metadata as { name?: unknown } | undefined;
    if (typeof d.kind === 'string' && meta && typeof meta.name === 'string') {
      out.add(`${d.kind}/${meta.name}`);
      out.add(meta.name);
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/**
 * Finds the line where a resource address first appears in the input's text. Quoted strings are
 * indexed in one pass on first use (thousands of findings on a large plan would otherwise rescan it).
 */
function locator(text: string): (needle: string) => number | undefined {
  const lineOf = lineIndex(text);
  let quoted: Map<string, number> | undefined;
  return (needle) => {
    if (!quoted) {
      quoted = new Map();
      for (const m of text.matchAll(/"(?:[^"\\\n]|\\.)*"/g)) if (!quoted.has(m[0])) quoted.set(m[0], m.index ?? 0);
    }
    const at = quoted.get(JSON.stringify(needle)) ?? text.indexOf(needle);
    return at >= 0 ? lineOf(at) : undefined;
  };
}
