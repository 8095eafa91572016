// Writes a realistic Terraform plan of any size without holding it in memory: for the streaming
// test (~200 MB) and the benchmark. Every resource appears in planned_values, resource_changes and
// prior_state, as in real plans, and carries a sensitive attribute.

import * as fs from 'node:fs';

export interface GeneratedPlan {
  file: string;
  resources: number;
  bytes: number;
  /** Expected counts by action. */
  counts: { create: number; update: number; delete: number; replace: number; 'no-op': number };
}

const ACTIONS: string[][] = [['create'], ['update'], ['no-op'], ['no-op'], ['delete'], ['delete', 'create'], ['update'], ['no-op']];

function values(i: number, version: number): Record<string, unknown> {
  return {
    ami: `ami-${(1000000 + i).toString(16)}`,
    instance_type: version ? 't3.large' : 't3.medium',
    subnet_id: `subnet-${(i % 64).toString(16).padStart(8, '0')}`,
    tags: { Name: `web-${i}`, team: `team-${i % 17}`, cost_center: `cc-${i % 5}` },
    user_data: `#!/bin/sh\necho booting node ${i} version ${version}\n`,
    root_block_device: [{ volume_size: 20 + (i % 50), volume_type: 'gp3', encrypted: true }],
    password: `generated-secret-${i}-${version}`,
  };
}

export function generateTerraformPlan(file: string, targetBytes: number): GeneratedPlan {
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  let buffer = '';
  const write = (text: string) => {
    buffer += text;
    if (buffer.length > 1 << 20) flush();
  };
  const flush = () => {
    bytes += fs.writeSync(fd, buffer);
    buffer = '';
  };
  // One resource costs about 1.9 kB over the three sections.
  const resources = Math.max(1, Math.round(targetBytes / 1900));
  const counts = { create: 0, update: 0, delete: 0, replace: 0, 'no-op': 0 };
  const address = (i: number) => `module.fleet[${i % 10}].aws_instance.web[${i}]`;
  try {
    write('{"format_version":"1.2","terraform_version":"1.9.5","variables":{"region":{"value":"eu-west-1"}},"planned_values":{"root_module":{"resources":[');
    for (let i = 0; i < resources; i++) {
      write(`${i ? ',' : ''}${JSON.stringify({ address: address(i), mode: 'managed', type: 'aws_instance', name: 'web', index: i, provider_name: 'registry.terraform.io/hashicorp/aws', schema_version: 1, values: values(i, 1), sensitive_values: { password: true } })}`);
    }
    write(']}},"resource_changes":[');
    for (let i = 0; i < resources; i++) {
      const actions = ACTIONS[i % ACTIONS.length];
      const key = actions.length === 2 ? 'replace' : (actions[0] as keyof typeof counts);
      counts[key]++;
      const rc = {
        address: address(i),
        module_address: `module.fleet[${i % 10}]`,
        mode: 'managed',
        type: 'aws_instance',
        name: 'web',
        index: i,
        provider_name: 'registry.terraform.io/hashicorp/aws',
        change: {
          actions,
          before: actions[0] === 'create' ? null : values(i, 0),
          after: actions[0] === 'delete' && actions.length === 1 ? null : values(i, 1),
          after_unknown: { id: true, arn: true, tags_all: {} },
          before_sensitive: actions[0] === 'create' ? false : { password: true },
          after_sensitive: { password: true },
          ...(actions.length === 2 && { replace_paths: [['ami']] }),
        },
        ...(actions.length === 2 && { action_reason: 'replace_because_cannot_update' }),
      };
      write(`${i ? ',' : ''}${JSON.stringify(rc)}`);
    }
    write('],"prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[');
    for (let i = 0; i < resources; i++) write(`${i ? ',' : ''}${JSON.stringify({ address: address(i), values: values(i, 0) })}`);
    write(']}}},"configuration":{"provider_config":{"aws":{"name":"aws","full_name":"registry.terraform.io/hashicorp/aws"}},"root_module":{"outputs":{},"variables":{"region":{}}}},"timestamp":"2026-11-01T10:00:00Z","applyable":true,"complete":true,"errored":false}\n');
    flush();
  } finally {
    fs.closeSync(fd);
  }
  return { file, resources, bytes, counts };
}
