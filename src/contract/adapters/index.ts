// Reads any supported plan document in one streaming pass and tells which tool wrote it. Top-level
// keys identify the tool (Terraform/OpenTofu `format_version`/`resource_changes`, Pulumi `steps`,
// CloudFormation `Changes`, a contract plan `contract_version`); the big Terraform arrays stream
// element by element, everything else is small and read whole.

import { InputError } from '../../platform/errors';
import { JsonStreamReader } from '../json-stream';
import { checkChange } from '../schema';
import type { ContractPlan, PlanChange, ToolName } from '../types';
import { TOOLS } from '../types';
import type { AdapterContext, AdapterResult } from './adapter';
import { CLOUDFORMATION_MARKERS, convertCloudFormation } from './cloudformation';
import { convertPulumi, PULUMI_MARKERS } from './pulumi';
import { TERRAFORM_MARKERS, TerraformReader } from './terraform';

export type ToolChoice = 'auto' | ToolName;
export const TOOL_CHOICES: readonly ToolChoice[] = ['auto', ...TOOLS];

type Family = 'terraform' | 'pulumi' | 'cloudformation' | 'contract';

const FAMILY_MARKERS: Array<[Family, string[]]> = [
  ['contract', ['contract_version']],
  ['terraform', TERRAFORM_MARKERS],
  ['pulumi', PULUMI_MARKERS],
  ['cloudformation', CLOUDFORMATION_MARKERS],
];

/** A Terraform plan has at least one of these; `terraform show -json` of state has none. */
const TERRAFORM_PLAN_KEYS = ['planned_values', 'resource_changes', 'configuration', 'output_changes', 'errored'];

const NATIVE_HINT =
  'give the JSON of `terraform show -json PLANFILE`, `tofu show -json PLANFILE`, `pulumi preview --json` or `aws cloudformation describe-change-set`, or a contract plan';

export interface ReadPlanResult extends AdapterResult {
  /** The input already was a contract plan: its header fields as written. */
  contract?: Omit<ContractPlan, 'changes' | 'drift'>;
}

/** Reads `ctx.file`, sending each change to `ctx.sink`; returns the header fields. */
export function readPlan(ctx: AdapterContext, tool: ToolChoice): ReadPlanResult {
  const terraform = new TerraformReader(ctx);
  const top: Record<string, unknown> = {};
  const keys: string[] = [];
  JsonStreamReader.open(ctx.file, (reader) =>
    reader.document((key) => {
      keys.push(key);
      if (key === 'changes' || key === 'drift') {
        const emit = key === 'changes' ? (c: PlanChange) => ctx.sink.change(c) : (c: PlanChange) => ctx.sink.drift(c);
        reader.items((i) => {
          const change = reader.value<PlanChange>();
          checkChange(change, `${key}[${i}]`, ctx.file);
          emit(change);
        }, `an array for ${key}`);
        return;
      }
      if (!terraform.readKey(key, reader)) top[key] = reader.value();
    }),
  );

  const family = detectFamily(keys, ctx.file);
  const wanted = tool === 'opentofu' ? 'terraform' : tool;
  if (tool !== 'auto' && family !== 'contract' && wanted !== family) {
    throw new InputError(`--tool ${tool} was given, but the file looks like ${describeFamily(family)}`, { file: ctx.file, field: '--tool', hint: 'use --tool auto to detect the tool' });
  }
  switch (family) {
    case 'terraform': {
      if (!TERRAFORM_PLAN_KEYS.some((k) => keys.includes(k))) {
        throw new InputError('this is Terraform/OpenTofu state, not a plan (it has no planned_values, resource_changes or configuration)', {
          file: ctx.file,
          hint: 'save a plan with `terraform plan -out=tfplan` and give `terraform show -json tfplan`',
        });
      }
      const result = terraform.finish(top);
      if (tool === 'terraform' || tool === 'opentofu') result.tool.name = tool;
      return result;
    }
    case 'pulumi':
      return convertPulumi(top, ctx);
    case 'cloudformation':
      return convertCloudFormation(top, ctx);
    case 'contract':
      return contractHeader(top, ctx.file, tool);
  }
}

function detectFamily(keys: string[], file: string): Family {
  const found = FAMILY_MARKERS.filter(([, markers]) => markers.some((m) => keys.includes(m))).map(([family]) => family);
  if (found.length === 1) return found[0];
  if (found.length === 0) {
    const shown = keys.slice(0, 8).join(', ') + (keys.length > 8 ? ', ...' : '');
    throw new InputError(`unknown plan format: no tool writes a document with top-level keys ${shown ? `{${shown}}` : '{} (an empty object)'}`, { file, hint: NATIVE_HINT });
  }
  throw new InputError(`ambiguous plan format: the top-level keys match ${found.join(' and ')}`, { file, hint: NATIVE_HINT });
}

function describeFamily(family: Family): string {
  return { terraform: 'a Terraform/OpenTofu plan', pulumi: 'a Pulumi preview', cloudformation: 'a CloudFormation change set', contract: 'a contract plan' }[family];
}

function contractHeader(top: Record<string, unknown>, file: string, tool: ToolChoice): ReadPlanResult {
  if (top.contract_version !== 1) {
    throw new InputError(`unsupported contract_version ${JSON.stringify(top.contract_version)}`, { file, field: 'contract_version', hint: 'this paved reads contract version 1' });
  }
  const header = top as unknown as Omit<ContractPlan, 'changes' | 'drift'>;
  const name = (header.tool as { name?: unknown } | undefined)?.name;
  if (tool !== 'auto' && name !== tool) throw new InputError(`--tool ${tool} was given, but this contract plan was made by ${String(name)}`, { file, field: '--tool' });
  return {
    tool: header.tool,
    errored: header.errored,
    applyable: header.applyable,
    complete: header.complete,
    variables: header.variables,
    outputs: header.outputs,
    diagnostics: header.diagnostics,
    toolReported: header.summary?.tool_reported,
    contract: header,
  };
}
