// Pulumi: the digest `pulumi preview --json` prints. One contract change per URN: the logical `replace`
// step and the physical `create-replacement`/`delete-replaced` steps (shown with --show-replacement-steps)
// fold into one replace. Unknowns are sentinel strings; secrets are `[secret]` placeholders or
// signature-tagged objects (state exports), both turned into the contract's sensitive form.

import { InputError } from '../../platform/errors';
import type { Action, Diagnostic, PlanChange, ReplaceOrder } from '../types';
import { extractUnknowns, isPlainObject, type SensitiveHasher } from '../values';
import { asArray, asRecord, optionalString, parsePropertyPath, requireString, type AdapterContext, type AdapterResult } from './adapter';

export const PULUMI_MARKERS = ['steps', 'changeSummary'];
export const PULUMI_KEYS = new Set(['steps', 'changeSummary', 'config', 'diagnostics', 'duration', 'maybeCorrupt']);

/** Pulumi's placeholders for values known only after the update (sdk/go/common/resource/plugin/rpc.go). */
const UNKNOWN_SENTINELS = new Set([
  '04da6b54-80e4-46f7-96ec-b56ff0331ba9',
  '1c4a061d-8072-4f0a-a4cb-0ff528b18fe7',
  '3eeb2bf0-c639-47a8-9e75-3b44932eb421',
  '6a19a0b0-7e62-4c92-b797-7f8e31da9cc2',
  'dd056dcd-154b-4c76-9bd3-c8f88648b5ff',
  '030794c1-ac77-496b-92df-f27374a8bd58',
  'e48ece36-62e2-4504-bad9-02848725956a',
]);
const SECRET_PLACEHOLDER = '[secret]';
const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

const OPS: Record<string, Action> = {
  same: 'no-op',
  create: 'create',
  update: 'update',
  delete: 'delete',
  replace: 'replace',
  'create-replacement': 'replace',
  'delete-replaced': 'replace',
  'import-replacement': 'replace',
  read: 'read',
  'read-replacement': 'read',
  refresh: 'read',
  import: 'import',
  discard: 'forget',
  'discard-replaced': 'forget',
  'remove-pending-replace': 'no-op',
};

/** When one URN has several steps, the most consequential decides the action. */
const PRECEDENCE: Action[] = ['replace', 'delete', 'create', 'update', 'import', 'forget', 'read', 'no-op'];

export function convertPulumi(doc: Record<string, unknown>, ctx: AdapterContext): AdapterResult {
  const { file, hasher } = ctx;
  const byUrn = new Map<string, Array<{ step: Record<string, any>; index: number }>>();
  asArray(doc.steps).forEach((raw, index) => {
    const step = asRecord(raw);
    const urn = requireString(step.urn, file, `steps[${index}].urn`);
    const op = requireString(step.op, file, `steps[${index}].op`);
    if (!(op in OPS)) {
      throw new InputError(`unknown step op "${op}"`, { file, field: `steps[${index}].op`, hint: 'this preview was made by a newer Pulumi than paved knows; upgrade paved' });
    }
    byUrn.set(urn, [...(byUrn.get(urn) ?? []), { step, index }]);
  });
  for (const [urn, steps] of byUrn) ctx.sink.change(pulumiChange(urn, steps.map((s) => s.step), hasher));

  const diagnostics: Diagnostic[] = asArray(doc.diagnostics).flatMap((raw) => {
    const d = asRecord(raw);
    const severity = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : d.severity === 'info' ? 'info' : undefined;
    if (!severity) return [];
    // Pulumi's colour directives (`<{%reset%}>`) and ANSI codes are for terminals, not reports.
    const message = String(d.message ?? '').replace(/\u001b\[[0-9;]*m/g, '').replace(/<\{%[^%]*%\}>/g, '').trim();
    return [{ severity, message, ...(typeof d.urn === 'string' && { address: d.urn }) }];
  });
  if (doc.maybeCorrupt === true) diagnostics.push({ severity: 'warning', message: 'Pulumi reports the preview may be corrupt (maybeCorrupt)' });
  const errored = diagnostics.some((d) => d.severity === 'error');

  const variables: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(asRecord(doc.config))) variables[key] = sealSecrets(`config.${key}`, value, hasher);

  const toolReported: Record<string, number> = {};
  for (const [op, n] of Object.entries(asRecord(doc.changeSummary))) if (typeof n === 'number') toolReported[op] = n;

  return {
    tool: { name: 'pulumi', version: null, format_version: null },
    errored,
    applyable: !errored,
    complete: true,
    variables,
    outputs: {},
    diagnostics,
    ...(Object.keys(toolReported).length && { toolReported }),
  };
}

function pulumiChange(urn: string, steps: Array<Record<string, any>>, hasher: SensitiveHasher): PlanChange {
  const ops: string[] = steps.map((s) => s.op);
  const actions = ops.map((op) => OPS[op]);
  const action = PRECEDENCE.find((a) => actions.includes(a)) ?? 'no-op';
  const oldState = steps.map((s) => s.oldState).find(isPlainObject) as Record<string, any> | undefined;
  const newState = steps.map((s) => s.newState).find(isPlainObject) as Record<string, any> | undefined;
  const state = newState ?? oldState ?? {};
  const type = optionalString(state.type) ?? typeFromUrn(urn);
  const retained = oldState?.retainOnDelete === true;
  const replaceReasons = [...new Set(steps.flatMap((s) => asArray(s.replaceReasons).map(String)))];

  const change: PlanChange = {
    address: urn,
    module: optionalString(state.parent),
    mode: ops.some((op) => op === 'read' || op === 'read-replacement') ? 'data' : 'managed',
    type,
    name: urn.slice(urn.lastIndexOf('::') + 2),
    provider: type.includes(':') ? type.slice(0, type.indexOf(':')) : null,
    action,
    native_action: ops,
    maybe_replace: false,
    destroys: (action === 'delete' || action === 'replace') && !retained,
    ...(action === 'replace' && { replace_order: replaceOrder(ops, newState) }),
    reason: ops.length === 1 && ops[0] !== action && ops[0] !== 'same' ? ops[0] : null,
    replace_paths: replaceReasons.map(parsePropertyPath),
    ...(typeof oldState?.id === 'string' && oldState.id !== '' && { physical_id: oldState.id }),
    before: oldState ? sealSecrets(urn, properties(oldState), hasher) : null,
    after: null,
  };
  if (newState && action !== 'delete' && action !== 'forget') {
    const split = extractUnknowns(properties(newState), (v) => typeof v === 'string' && UNKNOWN_SENTINELS.has(v), (v) => sealOne(urn, v, hasher));
    change.after = split.value;
    if (split.unknown !== undefined) change.after_unknown = split.unknown;
  }
  return change;
}

/** A resource's properties: outputs once it exists, its inputs before that; Pulumi's `__` bookkeeping dropped. */
function properties(state: Record<string, any>): unknown {
  const outputs = asRecord(state.outputs);
  const chosen = Object.keys(outputs).length ? outputs : asRecord(state.inputs);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(chosen)) if (!k.startsWith('__')) out[k] = v;
  return out;
}

function replaceOrder(ops: string[], newState: Record<string, any> | undefined): ReplaceOrder {
  const created = ops.indexOf('create-replacement');
  const deleted = ops.indexOf('delete-replaced');
  if (created >= 0 && deleted >= 0) return deleted < created ? 'delete-before-create' : 'create-before-delete';
  return newState?.deleteBeforeReplace === true ? 'delete-before-create' : 'create-before-delete';
}

function typeFromUrn(urn: string): string {
  const parts = urn.split('::');
  const qualified = parts.length >= 4 ? parts[parts.length - 2] : '';
  return qualified.slice(qualified.lastIndexOf('$') + 1) || 'unknown';
}

/** Swaps one secret leaf for its contract form; returns the value itself when it is not a secret. */
function sealOne(address: string, value: unknown, hasher: SensitiveHasher): unknown {
  if (value === SECRET_PLACEHOLDER) return hasher.withheld();
  if (isPlainObject(value) && value[SIG_KEY] === SECRET_SIG) {
    if (typeof value.plaintext === 'string') {
      let plain: unknown = value.plaintext;
      try {
        plain = JSON.parse(value.plaintext);
      } catch {
        // plaintext that is not JSON is hashed as the string it is
      }
      return hasher.digest(address, plain);
    }
    if ('value' in value) return hasher.digest(address, value.value);
    return hasher.withheld();
  }
  return value;
}

function sealSecrets(address: string, value: unknown, hasher: SensitiveHasher): unknown {
  return extractUnknowns(value, () => false, (v) => sealOne(address, v, hasher)).value;
}
