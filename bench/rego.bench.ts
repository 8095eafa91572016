// Benchmarks the Rego engine alone: a dozen conftest-style policies (partial sets, functions,
// comprehensions, helper rules, regex, sprintf) against a generated 5,000-resource Terraform plan.
// The floor is JSON.parse of the same plan text, measured in this run.

import { compileModules } from '../src/rego';
import { medianMs } from './timing';

const RESOURCES = 5000;

function generatePlan(n: number): unknown {
  const types = ['aws_s3_bucket', 'aws_security_group', 'aws_instance', 'aws_db_instance', 'aws_iam_role'];
  const resource_changes = [];
  for (let i = 0; i < n; i++) {
    const type = types[i % types.length];
    const after: Record<string, unknown> = {
      tags: i % 4 === 0 ? { Name: `r${i}` } : { Name: `r${i}`, owner: 'team', 'cost-center': `cc${i % 9}` },
      acl: i % 13 === 0 ? 'public-read' : 'private',
      encrypted: i % 7 !== 0,
      instance_type: ['t3.micro', 'm5.large', 'x1.32xlarge'][i % 3],
      ingress: [{ from_port: i % 11 === 0 ? 22 : 443, to_port: i % 11 === 0 ? 22 : 443, cidr_blocks: ['0.0.0.0/0'] }],
    };
    resource_changes.push({ address: `${type}.r${i}`, type, name: `r${i}`, change: { actions: [i % 10 === 0 ? 'delete' : 'create'], before: null, after } });
  }
  return { format_version: '1.2', terraform_version: '1.9.5', resource_changes };
}

const POLICIES = [
  `package main
import data.lib
deny contains msg if {
  some r in lib.changed
  not r.change.after.tags.owner
  msg := sprintf("%s: missing owner tag", [r.address])
}`,
  `package main
import data.lib
deny contains msg if {
  some r in lib.of_type("aws_s3_bucket")
  r.change.after.acl in {"public-read", "public-read-write"}
  msg := sprintf("%s: public ACL %q", [r.address, r.change.after.acl])
}`,
  `package main
import data.lib
deny contains msg if {
  some r in lib.of_type("aws_db_instance")
  not r.change.after.encrypted
  msg := sprintf("%s: storage not encrypted", [r.address])
}`,
  `package main
import data.lib
admin_ports := {22, 3389}
deny contains msg if {
  some r in lib.of_type("aws_security_group")
  some rule in r.change.after.ingress
  some port in admin_ports
  rule.from_port <= port; port <= rule.to_port
  "0.0.0.0/0" in rule.cidr_blocks
  msg := sprintf("%s: port %d open to the world", [r.address, port])
}`,
  `package main
import data.lib
allowed_sizes := {"t3.micro", "m5.large"}
warn contains msg if {
  some r in lib.of_type("aws_instance")
  not r.change.after.instance_type in allowed_sizes
  msg := sprintf("%s: instance type %s is not allowed", [r.address, r.change.after.instance_type])
}`,
  `package main
import data.lib
deny contains msg if {
  count(lib.deletes) > 100
  msg := sprintf("plan deletes %d resources", [count(lib.deletes)])
}`,
  `package main
import data.lib
deny contains msg if {
  some r in lib.changed
  not regex.match("^r[0-9]+$", r.name)
  msg := sprintf("%s: bad name", [r.address])
}`,
  `package main
import data.lib
warn contains msg if {
  some r in lib.changed
  cc := object.get(r.change.after.tags, "cost-center", "")
  cc != ""
  not startswith(cc, "cc")
  msg := sprintf("%s: bad cost center", [r.address])
}`,
  `package main
import data.lib
tag_counts := {t: n | some t in lib.types; n := count([r | some r in lib.changed; r.type == t])}
warn contains msg if {
  some t, n in tag_counts
  n > 2000
  msg := sprintf("%d resources of type %s", [n, t])
}`,
  `package main
import data.lib
deny contains msg if {
  some r in lib.of_type("aws_iam_role")
  every k in ["Name", "owner"] { r.change.after.tags[k] }
  false
  msg := "unreachable"
}`,
  `package main
summary := {"total": count(input.resource_changes), "deny": count(deny), "warn": count(warn)}`,
  `package lib
changed := [r | some r in input.resource_changes; r.change.actions != ["no-op"]]
deletes := [r | some r in changed; "delete" in r.change.actions]
types := {r.type | some r in changed}
by_type[t] := [r | some r in changed; r.type == t] if some t in types
of_type(t) := by_type[t]`,
];

function main(): void {
  const text = JSON.stringify(generatePlan(RESOURCES));
  const parseMs = medianMs(() => JSON.parse(text), 20);
  const sources = POLICIES.map((t, i) => ({ file: `p${i}.rego`, text: t }));
  const compileMs = medianMs(() => compileModules(sources), 10);
  const policy = compileModules(sources);
  let summary: unknown;
  const evalMs = medianMs(() => {
    // A fresh input object each run, so nothing is reused between runs.
    summary = policy.evaluate('data.main.summary', { input: JSON.parse(text) });
  }, 5);
  console.log(`input: ${(text.length / 1e6).toFixed(2)} MB, ${RESOURCES} resources, ${POLICIES.length} modules; result ${JSON.stringify(summary)}`);
  console.log(`JSON.parse floor: ${parseMs.toFixed(1)} ms`);
  console.log(`rego compile (${POLICIES.length} modules): ${compileMs.toFixed(1)} ms`);
  console.log(`rego evaluate deny+warn (parse + convert + evaluate): ${evalMs.toFixed(1)} ms (ratio ${(evalMs / parseMs).toFixed(2)} to JSON.parse ${parseMs.toFixed(1)} ms)`);
}

main();
