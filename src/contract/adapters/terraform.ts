// Terraform and OpenTofu: `terraform show -json` / `tofu show -json` of a saved plan, format 0.1 to 1.2.
// The document is read in one streaming pass: `resource_changes` and `resource_drift` element by element,
// `planned_values` and `configuration` only for the few parts that carry output and variable sensitivity,
// `prior_state` skipped. Behaviour keys on which fields are present, never on `format_version`.

import { InputError } from '../../platform/errors';
import type { JsonStreamReader } from '../json-stream';
import type { Action, Diagnostic, OutputChange, PlanChange, ReplaceOrder, ResourceMode } from '../types';
import { normalizeUnknown, type SensitiveHasher } from '../values';
import { asArray, asRecord, optionalString, requireString, type AdapterContext, type AdapterResult } from './adapter';

/** Top-level keys that only the Terraform family writes. */
export const TERRAFORM_MARKERS = ['format_version', 'terraform_version', 'resource_changes', 'planned_values', 'prior_state'];

/** Signs that a plan came from OpenTofu rather than Terraform (the two share one format). */
const TOFU_REASONS = new Set(['delete_because_enabled_false', 'forgot_because_lifecycle_destroy_in_state', 'forgot_because_lifecycle_destroy_in_config']);

interface ActionInfo {
  action: Action;
  destroys: boolean;
  replace_order?: ReplaceOrder;
}

/** The state a Terraform-family document builds up while it streams past. */
export class TerraformReader {
  private tofuEvidence = false;
  private outputSensitivity: Record<string, boolean> = {};
  private variableSensitivity: Record<string, boolean> = {};

  constructor(private readonly ctx: AdapterContext) {}

  /** Handles the top-level keys that must stream; returns false for the small ones, which the caller reads whole. */
  readKey(key: string, reader: JsonStreamReader): boolean {
    switch (key) {
      case 'resource_changes':
      case 'resource_drift': {
        const emit = key === 'resource_changes' ? (c: PlanChange) => this.ctx.sink.change(c) : (c: PlanChange) => this.ctx.sink.drift(c);
        reader.items((i) => emit(this.change(reader.value(), `${key}[${i}]`)), `an array for ${key}`);
        return true;
      }
      case 'planned_values':
        reader.entries((k) => {
          if (k !== 'outputs') return reader.skip();
          for (const [name, out] of Object.entries(asRecord(reader.value()))) if (asRecord(out).sensitive === true) this.outputSensitivity[name] = true;
        }, 'an object for planned_values');
        return true;
      case 'configuration':
        reader.entries((k) => {
          if (k === 'provider_config') return this.noteProviders(reader.value());
          if (k !== 'root_module') return reader.skip();
          reader.entries((m) => {
            if (m !== 'outputs' && m !== 'variables') return reader.skip();
            const into = m === 'outputs' ? this.outputSensitivity : this.variableSensitivity;
            for (const [name, decl] of Object.entries(asRecord(reader.value()))) if (asRecord(decl).sensitive === true) into[name] = true;
          }, 'an object for configuration.root_module');
        }, 'an object for configuration');
        return true;
      case 'prior_state':
        reader.skip();
        return true;
      default:
        return false;
    }
  }

  private noteProviders(config: unknown): void {
    for (const provider of Object.values(asRecord(config))) {
      if (String(asRecord(provider).full_name ?? '').startsWith('registry.opentofu.org/')) this.tofuEvidence = true;
    }
  }

  change(raw: unknown, field: string): PlanChange {
    const file = this.ctx.file;
    const rc = asRecord(raw);
    // Terraform 1.0 wrote resource_drift entries without `address`; it is rebuilt from its parts.
    const address = optionalString(rc.address) ?? composeAddress(rc, file, field);
    const change = asRecord(rc.change);
    const actions = change.actions;
    if (!Array.isArray(actions) || !actions.every((a) => typeof a === 'string')) {
      throw new InputError('change.actions is missing or not a list of strings', { file, field: `${field}.change.actions` });
    }
    const provider = optionalString(rc.provider_name);
    const reason = optionalString(rc.action_reason);
    if (provider?.startsWith('registry.opentofu.org/') || rc.mode === 'ephemeral' || (reason && TOFU_REASONS.has(reason)) || actions.join() === 'forget,create') {
      this.tofuEvidence = true;
    }
    const importing = change.importing === undefined || change.importing === null ? undefined : asRecord(change.importing);
    const previous = optionalString(rc.previous_address) ?? undefined;
    const info = actionOf(actions, { importing: importing !== undefined, moved: previous !== undefined && previous !== address }, file, field);
    const hasher = this.ctx.hasher;
    const out: PlanChange = {
      address,
      ...(previous !== undefined && { previous_address: previous }),
      module: optionalString(rc.module_address),
      mode: modeOf(rc.mode),
      type: requireString(rc.type, file, `${field}.type`),
      name: requireString(rc.name, file, `${field}.name`),
      ...((typeof rc.index === 'number' || typeof rc.index === 'string') && { index: rc.index }),
      provider,
      ...(typeof rc.deposed === 'string' && { deposed: rc.deposed }),
      action: info.action,
      native_action: actions,
      maybe_replace: false,
      destroys: info.destroys,
      ...(info.replace_order && { replace_order: info.replace_order }),
      reason,
      replace_paths: asArray(change.replace_paths).filter(Array.isArray),
      ...(importing && { importing: pick(importing, ['id', 'identity', 'unknown']) }),
      before: hasher.apply(address, change.before ?? null, change.before_sensitive),
      after: hasher.apply(address, change.after ?? null, change.after_sensitive),
    };
    const unknown = normalizeUnknown(change.after_unknown);
    if (unknown !== undefined) out.after_unknown = unknown;
    return out;
  }

  /** Completes the header from the small top-level values (`variables`, `output_changes`, `checks`, ...). */
  finish(top: Record<string, unknown>): AdapterResult {
    const hasher = this.ctx.hasher;
    const diagnostics: Diagnostic[] = [];
    const errored = top.errored === true;
    if (errored) diagnostics.push({ severity: 'error', message: 'planning failed (errored: true): the changes listed may be incomplete' });

    for (const check of asArray(top.checks)) {
      const status = asRecord(check).status;
      if (status !== 'fail' && status !== 'error') continue;
      const where = String(asRecord(asRecord(check).address).to_display ?? 'a check');
      const problems = asArray(asRecord(check).instances).flatMap((i) => asArray(asRecord(i).problems).map((p) => String(asRecord(p).message ?? '')));
      const detail = problems.filter(Boolean).join('; ');
      diagnostics.push({ severity: status === 'error' ? 'error' : 'warning', message: `check ${status === 'error' ? 'errored' : 'failed'}: ${where}${detail ? `: ${detail}` : ''}`, address: where });
    }
    const deferred = asArray(top.deferred_changes);
    if (deferred.length) diagnostics.push({ severity: 'warning', message: `${deferred.length} change(s) deferred to a later plan/apply round (Terraform deferred actions)` });
    const invocations = asArray(top.action_invocations).length;
    if (invocations) diagnostics.push({ severity: 'info', message: `the plan invokes ${invocations} Terraform action(s) (action blocks)` });

    const variables: Record<string, unknown> = {};
    for (const [name, variable] of Object.entries(asRecord(top.variables))) {
      const value = asRecord(variable).value ?? null;
      variables[name] = this.variableSensitivity[name] && value !== null ? hasher.digest(`var.${name}`, value) : value;
    }
    const outputs: Record<string, OutputChange> = {};
    for (const [name, raw] of Object.entries(asRecord(top.output_changes))) {
      outputs[name] = this.outputChange(name, asRecord(raw), hasher);
    }
    return {
      tool: {
        name: this.tofuEvidence ? 'opentofu' : 'terraform',
        version: optionalString(top.terraform_version),
        format_version: optionalString(top.format_version),
      },
      errored,
      applyable: typeof top.applyable === 'boolean' ? top.applyable : !errored,
      complete: typeof top.complete === 'boolean' ? top.complete && deferred.length === 0 : deferred.length === 0,
      variables,
      outputs,
      diagnostics,
    };
  }

  private outputChange(name: string, raw: Record<string, any>, hasher: SensitiveHasher): OutputChange {
    const field = `output_changes.${name}`;
    const actions = raw.actions;
    if (!Array.isArray(actions)) throw new InputError('actions is missing', { file: this.ctx.file, field: `${field}.actions` });
    const sensitive = raw.before_sensitive === true || raw.after_sensitive === true || this.outputSensitivity[name] === true;
    const address = `output.${name}`;
    const seal = (value: unknown, mask: unknown) => (sensitive ? (value === null || value === undefined ? null : hasher.digest(address, value)) : hasher.apply(address, value ?? null, mask));
    const out: OutputChange = {
      action: actionOf(actions, { importing: false, moved: false }, this.ctx.file, field).action,
      sensitive,
      before: seal(raw.before, raw.before_sensitive),
      after: seal(raw.after, raw.after_sensitive),
    };
    const unknown = normalizeUnknown(raw.after_unknown);
    if (unknown !== undefined) out.after_unknown = unknown;
    return out;
  }
}


function actionOf(actions: string[], flags: { importing: boolean; moved: boolean }, file: string, field: string): ActionInfo {
  switch (actions.join(',')) {
    case 'no-op':
      return { action: flags.importing ? 'import' : flags.moved ? 'move' : 'no-op', destroys: false };
    case 'create':
      return { action: 'create', destroys: false };
    case 'read':
    // Ephemeral resources are opened, renewed and closed within a run; nothing of them persists.
    case 'open':
    case 'renew':
    case 'close':
      return { action: 'read', destroys: false };
    case 'update':
      return { action: 'update', destroys: false };
    case 'delete':
      return { action: 'delete', destroys: true };
    case 'delete,create':
      return { action: 'replace', destroys: true, replace_order: 'delete-before-create' };
    case 'create,delete':
      return { action: 'replace', destroys: true, replace_order: 'create-before-delete' };
    case 'forget':
      return { action: 'forget', destroys: false };
    case 'create,forget':
    case 'forget,create':
      return { action: 'replace', destroys: false, replace_order: 'forget-and-create' };
    default:
      throw new InputError(`unknown action list ${JSON.stringify(actions)}`, {
        file,
        field: `${field}.actions`,
        hint: 'this plan was made by a newer tool than paved knows; upgrade paved',
      });
  }
}

function composeAddress(rc: Record<string, any>, file: string, field: string): string {
  const type = requireString(rc.type, file, `${field}.type`);
  const name = requireString(rc.name, file, `${field}.name`);
  const key = typeof rc.index === 'number' ? `[${rc.index}]` : typeof rc.index === 'string' ? `[${JSON.stringify(rc.index)}]` : '';
  const local = `${rc.mode === 'data' ? 'data.' : ''}${type}.${name}${key}`;
  return typeof rc.module_address === 'string' && rc.module_address ? `${rc.module_address}.${local}` : local;
}

function modeOf(mode: unknown): ResourceMode {
  return mode === 'data' || mode === 'ephemeral' ? mode : 'managed';
}

function pick(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (record[k] !== undefined) out[k] = record[k];
  return out;
}
