// The plan contract, version 1: one document of proposed infrastructure changes that every IaC tool's
// plan converts into, so policies, reports and the apply gate never depend on the tool that made it.
// `schemas/plan.schema.json` is the same contract as a JSON Schema; keep the two in step.

export const CONTRACT_VERSION = 1;

export const TOOLS = ['terraform', 'opentofu', 'pulumi', 'cloudformation'] as const;
export type ToolName = (typeof TOOLS)[number];

/** What applying the plan does to one resource. */
export const ACTIONS = ['create', 'update', 'delete', 'replace', 'read', 'no-op', 'import', 'move', 'forget'] as const;
export type Action = (typeof ACTIONS)[number];

export type ResourceMode = 'managed' | 'data' | 'ephemeral';

/** A step in an attribute path: an object key or an array index. */
export type PathStep = string | number;

/**
 * A sensitive value as it appears in the contract: never the value itself. `hmac-sha256:<hex>` is a keyed
 * digest salted with the resource address, so a policy can test equality (did the password change?) but
 * nobody can brute-force a short secret from it; `withheld` means the tool never showed the value.
 */
export interface SensitiveValue {
  sensitive: string;
}

/** Where replacement comes from when the tool reports it. */
export type ReplaceOrder = 'delete-before-create' | 'create-before-delete' | 'forget-and-create';

export interface PlanChange {
  /** The tool's identity for the resource instance: Terraform address, Pulumi URN, CloudFormation logical ID. */
  address: string;
  /** The address before a `moved` block (Terraform/OpenTofu), when it changed. */
  previous_address?: string;
  /** The module (Terraform), parent URN (Pulumi) or nested-stack path (CloudFormation); null at the root. */
  module: string | null;
  mode: ResourceMode;
  type: string;
  name: string;
  /** count/for_each key (Terraform/OpenTofu). */
  index?: string | number;
  /** The provider that manages the resource (`registry.terraform.io/hashicorp/aws`, `aws`, ...). */
  provider: string | null;
  /** Set when the change targets a deposed object (a leftover of create_before_destroy). */
  deposed?: string;
  action: Action;
  /** The tool's own words for the action (`["delete","create"]`, `replace`, `Modify`), for audit. */
  native_action: string[];
  /** The change may turn into a replacement at apply time (CloudFormation `Replacement: Conditional`, `Dynamic`). */
  maybe_replace: boolean;
  /** Applying the change destroys an existing object (false for forget, `Retain` policies and `retainOnDelete`). */
  destroys: boolean;
  replace_order?: ReplaceOrder;
  /** Why the tool chose the action (`replace_because_tainted`, `ParameterReference: Purpose`, ...). */
  reason: string | null;
  /** Attribute paths that force the replacement. */
  replace_paths: PathStep[][];
  /** Present when the change imports an existing object. */
  importing?: { id?: string; identity?: unknown };
  /** The cloud's id for the object when the tool reports it (Pulumi `id`, CloudFormation `PhysicalResourceId`). */
  physical_id?: string;
  before: unknown;
  after: unknown;
  /** A mask shaped like `after`: `true` where a value is known only after apply. Absent when all is known. */
  after_unknown?: unknown;
}

export interface OutputChange {
  action: Action;
  sensitive: boolean;
  before: unknown;
  after: unknown;
  after_unknown?: unknown;
}

export interface Diagnostic {
  severity: 'error' | 'warning' | 'info';
  message: string;
  address?: string;
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  replace: number;
  read: number;
  'no-op': number;
  import: number;
  move: number;
  forget: number;
  /** Entries in `changes`. */
  total: number;
  /** Changes that may become replacements at apply time. */
  maybe_replace: number;
  /** Changes that destroy or may destroy an object: deletes, replaces, possible replaces. */
  destructive: number;
  /** Entries in `drift`. */
  drift: number;
  has_changes: boolean;
  has_deletes: boolean;
  /** Counters as the tool itself reported them (Pulumi `changeSummary` counts unlisted `same` resources). */
  tool_reported?: Record<string, number>;
}

export interface PlanSource {
  /** The IaC project directory, as given. */
  directory: string;
  environment: string | null;
  commit: string | null;
  /** The tool's own saved plan (Terraform planfile, Pulumi update plan) that apply must use, relative to `directory`. */
  plan_file?: string;
  plan_file_sha256?: string;
}

export interface ToolInfo {
  name: ToolName;
  version: string | null;
  /** The native document's format version (Terraform `format_version`). */
  format_version: string | null;
}

export interface Redaction {
  method: 'hmac-sha256';
  /** Each digest is salted with the resource address (`output.<name>`, `var.<name>` for outputs and variables). */
  salt: 'address';
  /** `configured`: PAVED_PLAN_HASH_KEY, comparable across plans; `derived`: from the native plan's bytes, comparable within one plan. */
  key: 'configured' | 'derived';
  /** How many values were replaced. */
  values: number;
}

export interface ContractPlan {
  contract_version: typeof CONTRACT_VERSION;
  tool: ToolInfo;
  source: PlanSource;
  summary: PlanSummary;
  errored: boolean;
  /** Whether an automation should try to apply it (Terraform `applyable`, CloudFormation `ExecutionStatus`). */
  applyable: boolean;
  /** False when more plan/apply rounds are expected (deferred changes, paginated change sets). */
  complete: boolean;
  redaction: Redaction;
  variables: Record<string, unknown>;
  outputs: Record<string, OutputChange>;
  diagnostics: Diagnostic[];
  changes: PlanChange[];
  drift: PlanChange[];
}

/** The contract plan minus its two possibly huge arrays: what the converter keeps in memory. */
export type PlanHeader = Omit<ContractPlan, 'changes' | 'drift'>;
