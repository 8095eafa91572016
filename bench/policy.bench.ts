// Benchmarks policy-check: the platform library (policies/, namespace paved.plan) against a generated
// 5,000-change contract plan, through the same core the CLI and the action call. The floor is
// JSON.parse of the same plan text, measured in this run.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPolicies } from '../src/policy/check';
import { medianMs } from './timing';

const CHANGES = 5000;
const root = path.resolve(__dirname, '..');

/** A contract plan with a realistic mix: tagged and untagged resources, open and closed ports, public and private buckets. */
function generatePlan(n: number): unknown {
  const actions = ['create', 'update', 'no-op', 'no-op', 'create', 'replace', 'delete'];
  const changes = [];
  for (let i = 0; i < n; i++) {
    const action = actions[i % actions.length];
    const kind = i % 5;
    const tags = i % 3 === 0 ? { owner: 'team' } : { owner: 'team', 'cost-center': `cc-${i % 17}` };
    let type: string;
    let after: Record<string, unknown>;
    if (kind === 0) {
      type = 'aws_s3_bucket';
      after = { bucket: `b-${i}`, acl: i % 11 === 0 ? 'public-read' : 'private', region: 'eu-west-1', tags };
    } else if (kind === 1) {
      type = 'aws_security_group';
      after = { name: `sg-${i}`, tags, ingress: [{ from_port: i % 13 === 0 ? 22 : 443, to_port: i % 13 === 0 ? 22 : 443, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }] };
    } else if (kind === 2) {
      type = 'aws_ebs_volume';
      after = { size: 100, encrypted: i % 7 !== 0, tags };
    } else if (kind === 3) {
      type = 'aws_instance';
      after = { instance_type: i % 2 ? 't3.micro' : 'm6i.4xlarge', region: 'eu-west-1', tags: null, tags_all: tags };
    } else {
      type = 'google_compute_firewall';
      after = { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: [i % 9 === 0 ? '3389' : '443'] }], labels: tags };
    }
    changes.push({
      address: `module.m${i % 40}.${type}.r${i}`,
      type,
      provider: type.startsWith('google') ? 'registry.terraform.io/hashicorp/google' : 'registry.terraform.io/hashicorp/aws',
      module: `module.m${i % 40}`,
      name: `r${i}`,
      mode: 'managed',
      action,
      before: action === 'create' ? null : after,
      after: action === 'delete' ? null : after,
      after_unknown: {},
      replace_paths: [],
    });
  }
  return { contract_version: 1, tool: { name: 'terraform', version: '1.9.5' }, source: { directory: 'infra', environment: 'dev', commit: 'abc' }, summary: {}, changes, outputs: {}, drift: [], errored: false, diagnostics: [] };
}

/** Compile time and per-rule evaluation times (PAVED_BENCH_PROFILE=1), to see where the time goes. */
function profileRules(planText: string): string {
  const { compilePolicies } = require('../src/policy/engines/builtin') as typeof import('../src/policy/engines/builtin');
  const { loadData, loadPolicySources } = require('../src/policy/documents') as typeof import('../src/policy/documents');
  const t0 = process.hrtime.bigint();
  const policy = compilePolicies(loadPolicySources([path.join(root, 'policies')], root, { tests: false }), 'v1');
  const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const data = loadData([path.join(root, 'policies')], { policyPaths: true });
  const input = JSON.parse(planText);
  const parts = [`compile ${compileMs.toFixed(0)} ms`];
  for (const rule of policy.rules('paved.plan').filter((r) => r.name.startsWith('deny'))) {
    const start = process.hrtime.bigint();
    policy.evaluate(`data.paved.plan.${rule.name}`, { input, data });
    parts.push(`${rule.name} ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(0)} ms`);
  }
  return parts.join(', ');
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-policy-bench-'));
  const planFile = path.join(dir, 'plan.json');
  const text = JSON.stringify(generatePlan(CHANGES));
  fs.writeFileSync(planFile, text);
  const parseMs = medianMs(() => JSON.parse(text), 20);

  const run = () => checkPolicies({ policies: [path.join(root, 'policies')], namespaces: ['paved.plan'], inputs: [planFile], cwd: dir });
  const first = await run(); // warm-up, and the figures below
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    await run();
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const checkMs = runs.sort((a, b) => a - b)[2];
  const s = first.summary;
  console.log(`plan size: ${(text.length / 1e6).toFixed(2)} MB, ${CHANGES} changes; findings: ${s.failures} failures, ${s.warnings} warnings (engine: ${first.engine})`);
  console.log(`JSON.parse floor: ${parseMs.toFixed(1)} ms`);
  console.log(`policy check paved.plan (load + compile + evaluate): ${checkMs.toFixed(1)} ms (ratio ${(checkMs / parseMs).toFixed(2)} to JSON.parse ${parseMs.toFixed(1)} ms)`);
  if (process.env.PAVED_BENCH_PROFILE) console.log(`profile: ${profileRules(text)}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
