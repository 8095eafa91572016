// AWS CloudFormation: the output of `aws cloudformation describe-change-set` (with or without
// --include-property-values). One contract change per `Changes[]` entry. `Replacement: Conditional` and
// `Action: Dynamic` are possible replacements (`maybe_replace`); `PolicyAction: Retain` means a removal
// keeps the object; `{{changeSet:KNOWN_AFTER_APPLY}}` and `Evaluation: Dynamic` become the unknown mask.

import { InputError } from '../../platform/errors';
import type { Action, Diagnostic, PathStep, PlanChange } from '../types';
import { extractUnknowns, markUnknown, normalizeUnknown, type SensitiveHasher } from '../values';
import { asArray, asRecord, optionalString, requireString, type AdapterContext, type AdapterResult } from './adapter';

export const CLOUDFORMATION_MARKERS = ['Changes', 'ChangeSetId', 'ChangeSetName'];
const KNOWN_AFTER_APPLY = '{{changeSet:KNOWN_AFTER_APPLY}}';
/** How CloudFormation shows NoEcho parameter values. */
const NO_ECHO = '****';

export function convertCloudFormation(doc: Record<string, unknown>, ctx: AdapterContext): AdapterResult {
  const { file, hasher } = ctx;
  const diagnostics: Diagnostic[] = [];
  if (!Array.isArray(doc.Changes)) throw new InputError('Changes is missing or not a list', { file, field: 'Changes', hint: 'give the output of `aws cloudformation describe-change-set`' });
  doc.Changes.forEach((raw, i) => {
    const entry = asRecord(raw);
    if (!entry.ResourceChange) {
      diagnostics.push({ severity: 'info', message: `Changes[${i}] of type ${String(entry.Type ?? 'unknown')} is not a resource change; not listed` });
      return;
    }
    ctx.sink.change(resourceChange(asRecord(entry.ResourceChange), `Changes[${i}].ResourceChange`, file, hasher));
  });

  const status = optionalString(doc.Status);
  const reason = optionalString(doc.StatusReason);
  const noChanges = reason !== null && /didn't contain changes|no updates are to be performed/i.test(reason);
  const errored = status === 'FAILED' && !noChanges;
  if (errored) diagnostics.push({ severity: 'error', message: `change set failed: ${reason ?? 'no reason given'}` });
  else if (noChanges) diagnostics.push({ severity: 'info', message: reason! });
  const execution = optionalString(doc.ExecutionStatus);
  if (execution === 'OBSOLETE') diagnostics.push({ severity: 'error', message: 'change set is OBSOLETE: the stack was updated after it was created; create a new change set' });
  else if (execution && execution !== 'AVAILABLE') diagnostics.push({ severity: 'warning', message: `change set execution status is ${execution}` });
  const paginated = typeof doc.NextToken === 'string' && doc.NextToken !== '';
  if (paginated) diagnostics.push({ severity: 'warning', message: 'describe-change-set output is paginated (NextToken): only this page of changes was converted' });

  const variables: Record<string, unknown> = {};
  for (const raw of asArray(doc.Parameters)) {
    const p = asRecord(raw);
    if (typeof p.ParameterKey !== 'string') continue;
    const value = p.ResolvedValue ?? p.ParameterValue ?? null;
    variables[p.ParameterKey] = p.ParameterValue === NO_ECHO ? hasher.withheld() : value;
  }
  return {
    tool: { name: 'cloudformation', version: null, format_version: null },
    errored,
    applyable: !errored && (execution === null || execution === 'AVAILABLE'),
    complete: !paginated,
    variables,
    outputs: {},
    diagnostics,
  };
}

function resourceChange(rc: Record<string, any>, field: string, file: string, hasher: SensitiveHasher): PlanChange {
  const logicalId = requireString(rc.LogicalResourceId, file, `${field}.LogicalResourceId`);
  const nativeAction = requireString(rc.Action, file, `${field}.Action`);
  const replacement = optionalString(rc.Replacement);
  const policy = optionalString(rc.PolicyAction);
  const type = optionalString(rc.ResourceType) ?? 'unknown';
  const module = optionalString(asRecord(rc.ModuleInfo).LogicalIdHierarchy);
  const address = module ? `${module}/${logicalId}` : logicalId;

  let action: Action;
  let maybe = false;
  switch (nativeAction) {
    case 'Add':
      action = 'create';
      break;
    case 'Modify':
      action = replacement === 'True' ? 'replace' : 'update';
      maybe = replacement === 'Conditional';
      break;
    case 'Remove':
      action = 'delete';
      break;
    case 'Import':
      action = 'import';
      break;
    case 'Dynamic':
      action = 'update';
      maybe = true;
      break;
    case 'SyncWithActual':
      action = 'no-op';
      break;
    default:
      throw new InputError(`unknown Action "${nativeAction}"`, { file, field: `${field}.Action`, hint: 'this change set uses an action paved does not know; upgrade paved' });
  }
  const retained = policy === 'Retain' || policy === 'ReplaceAndRetain';

  const details = asArray(rc.Details).map(asRecord);
  const replacePaths: PathStep[][] = [];
  let unknown: unknown;
  for (const d of details) {
    const target = asRecord(d.Target);
    const path = targetPath(target);
    if ((target.RequiresRecreation === 'Always' || target.RequiresRecreation === 'Conditionally') && !replacePaths.some((p) => p.join('/') === path.join('/'))) {
      replacePaths.push(path);
    }
    if (d.Evaluation === 'Dynamic' && path.length) unknown = markUnknown(unknown, path);
  }
  const after = extractUnknowns(context(rc.AfterContext, file, `${field}.AfterContext`), (v) => typeof v === 'string' && v.includes(KNOWN_AFTER_APPLY));
  const change: PlanChange = {
    address,
    module,
    mode: 'managed',
    type,
    name: logicalId,
    provider: type.includes('::') ? type.slice(0, type.indexOf('::')).toLowerCase() : null,
    action,
    native_action: [nativeAction, ...(replacement ? [`Replacement: ${replacement}`] : []), ...(policy ? [`PolicyAction: ${policy}`] : [])],
    maybe_replace: maybe,
    destroys: (action === 'delete' || action === 'replace') && !retained,
    ...(action === 'replace' && { replace_order: 'create-before-delete' as const }),
    reason: causes(details),
    replace_paths: replacePaths,
    ...(typeof rc.PhysicalResourceId === 'string' && rc.PhysicalResourceId !== '' && { physical_id: rc.PhysicalResourceId }),
    before: context(rc.BeforeContext, file, `${field}.BeforeContext`),
    after: after.value,
  };
  const mask = action === 'delete' ? undefined : normalizeUnknown(mergeMasks(after.unknown, unknown));
  if (mask !== undefined) change.after_unknown = mask;
  return change;
}

/** Before/AfterContext: an encoded JSON string from the API, an object in some recordings. */
function context(value: unknown, file: string, field: string): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new InputError('is not valid encoded JSON', { file, field });
  }
}

function targetPath(target: Record<string, any>): PathStep[] {
  if (typeof target.Path === 'string' && target.Path.startsWith('/')) {
    return target.Path.slice(1).split('/').map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  return [target.Attribute, target.Name].filter((s): s is string => typeof s === 'string' && s !== '');
}

/** "ParameterReference: Purpose, DirectModification": the static details name the real cause. */
function causes(details: Array<Record<string, any>>): string | null {
  const seen: string[] = [];
  const ordered = [...details.filter((d) => d.Evaluation === 'Static'), ...details.filter((d) => d.Evaluation !== 'Static')];
  for (const d of ordered) {
    if (typeof d.ChangeSource !== 'string') continue;
    const cause = typeof d.CausingEntity === 'string' ? `${d.ChangeSource}: ${d.CausingEntity}` : d.ChangeSource;
    if (!seen.includes(cause)) seen.push(cause);
  }
  return seen.length ? seen.join(', ') : null;
}

function mergeMasks(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined || a === true) return a;
  if (b === true) return true;
  const out: Record<string, unknown> = { ...asRecord(a) };
  for (const [k, v] of Object.entries(asRecord(b))) out[k] = mergeMasks(out[k], v);
  return out;
}
