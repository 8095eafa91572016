import * as path from 'node:path';
import { validatePlan } from '../../src/contract/schema';
import { WITHHELD } from '../../src/contract/values';
import { byAddress, convertFile, FIXTURES, tempDir, writeJson } from './helpers';

const terraform = path.join(FIXTURES, 'terraform-mixed.json');
const pulumi = path.join(FIXTURES, 'pulumi-mixed.json');
const cloudformation = path.join(FIXTURES, 'cloudformation-mixed.json');
const DIGEST = /^hmac-sha256:[0-9a-f]{64}$/;

describe('Terraform / OpenTofu adapter', () => {
  const { plan, converted } = convertFile(terraform, { environment: 'staging' });

  test('the result validates against the contract schema', () => {
    expect(() => validatePlan(plan, terraform)).not.toThrow();
    expect(plan.contract_version).toBe(1);
    expect(plan.tool).toEqual({ name: 'terraform', version: '1.9.5', format_version: '1.2' });
    expect(plan.source.environment).toBe('staging');
  });

  test('one change per resource_changes entry, no-ops and reads included', () => {
    expect(plan.changes).toHaveLength(11);
    expect(plan.summary.total).toBe(11);
  });

  test('replace in both orders, forget-and-create, import, move and forget get their own actions', () => {
    expect(byAddress(plan, 'aws_db_instance.main')).toMatchObject({ action: 'replace', replace_order: 'delete-before-create', destroys: true, replace_paths: [['engine_version']], reason: 'replace_because_cannot_update' });
    expect(byAddress(plan, 'aws_lb.front')).toMatchObject({ action: 'replace', replace_order: 'create-before-delete', destroys: true, reason: 'replace_because_tainted' });
    expect(byAddress(plan, 'aws_s3_bucket.cache')).toMatchObject({ action: 'replace', replace_order: 'forget-and-create', destroys: false });
    expect(byAddress(plan, 'aws_s3_bucket.logs')).toMatchObject({ action: 'import', importing: { id: 'logs' } });
    expect(byAddress(plan, 'aws_s3_bucket.archive')).toMatchObject({ action: 'move', previous_address: 'aws_s3_bucket.old_archive' });
    expect(byAddress(plan, 'aws_s3_bucket.legacy')).toMatchObject({ action: 'forget', destroys: false });
    expect(byAddress(plan, 'data.aws_caller_identity.me')).toMatchObject({ action: 'read', mode: 'data' });
    expect(byAddress(plan, 'module.net.aws_subnet.private[1]')).toMatchObject({ action: 'delete', module: 'module.net', index: 1 });
    expect(byAddress(plan, 'aws_kms_key.main').native_action).toEqual(['no-op']);
  });

  test('summary counts per action, with replaces counted once and destructive changes singled out', () => {
    expect(plan.summary).toMatchObject({ create: 1, update: 1, delete: 1, replace: 3, read: 1, 'no-op': 1, import: 1, move: 1, forget: 1, destructive: 3, drift: 1, has_changes: true, has_deletes: true });
  });

  test("GitLab's counters flatten replaces into a create and a delete, as GitLab's own recipe does", () => {
    // create: 1 create + 3 replaces; delete: 1 delete + 2 destroying replaces (forget-and-create keeps the old object)
    expect(converted.gitlab).toEqual({ create: 4, update: 1, delete: 3 });
  });

  test('sensitive leaves become keyed digests; before and after of one resource stay comparable', () => {
    const db = byAddress(plan, 'aws_db_instance.main');
    const before = (db.before as Record<string, any>).password.sensitive;
    const after = (db.after as Record<string, any>).password.sensitive;
    expect(before).toMatch(DIGEST);
    expect(after).toMatch(DIGEST);
    expect(before).not.toBe(after);
    expect((db.before as Record<string, any>).engine).toBe('postgres');
    const role = byAddress(plan, 'aws_iam_role.ci');
    expect((role.before as any).secret_list[0].sensitive).toMatch(DIGEST);
    expect((role.before as any).secret_list[1]).toBe('public');
    expect(plan.redaction).toEqual({ method: 'hmac-sha256', salt: 'address', key: 'derived', values: 7 });
  });

  test('sensitive outputs and variables are digests too', () => {
    expect(plan.outputs.db_connection.sensitive).toBe(true);
    expect((plan.outputs.db_connection.after as any).sensitive).toMatch(DIGEST);
    expect(plan.outputs.bucket_name).toMatchObject({ action: 'create', sensitive: false, after: 'team-assets' });
    expect((plan.variables.db_password as any).sensitive).toMatch(DIGEST);
    expect(plan.variables.region).toBe('eu-west-1');
  });

  test('unknown-after-apply values are one normalised mask', () => {
    expect(byAddress(plan, 'aws_s3_bucket.assets').after_unknown).toEqual({ arn: true, id: true });
    expect(byAddress(plan, 'aws_iam_role.ci').after_unknown).toBeUndefined();
    expect(byAddress(plan, 'aws_db_instance.main').after_unknown).toEqual({ endpoint: true });
  });

  test('drift comes from resource_drift and failed checks become diagnostics', () => {
    expect(plan.drift).toHaveLength(1);
    expect(plan.drift[0]).toMatchObject({ address: 'aws_security_group.web', action: 'update' });
    expect(plan.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('health endpoint returned 503') })]);
  });

  test('a configured PAVED_PLAN_HASH_KEY makes digests comparable across plans; without it they are per plan', () => {
    const a = convertFile(terraform, { env: { PAVED_PLAN_HASH_KEY: 'team-key-0123456789abcdef' } }).plan;
    const b = convertFile(terraform, { env: { PAVED_PLAN_HASH_KEY: 'team-key-0123456789abcdef' } }).plan;
    const c = convertFile(terraform, { env: { PAVED_PLAN_HASH_KEY: 'another-key-fedcba9876543210' } }).plan;
    const pw = (p: typeof a) => (byAddress(p, 'aws_db_instance.main').after as any).password.sensitive;
    expect(pw(a)).toBe(pw(b));
    expect(pw(a)).not.toBe(pw(c));
    expect(pw(a)).not.toBe(pw(plan));
    expect(a.redaction.key).toBe('configured');
  });

  test('--tool opentofu names the tool; registry.opentofu.org providers are detected automatically', () => {
    expect(convertFile(terraform, { tool: 'opentofu' }).plan.tool.name).toBe('opentofu');
  });
});

describe('OpenTofu and newer Terraform features', () => {
  const dir = tempDir();
  const rc = (address: string, actions: string[], extra: Record<string, unknown> = {}) => ({
    address,
    mode: 'managed',
    type: address.split('.')[0],
    name: address.split('.')[1],
    provider_name: 'registry.opentofu.org/hashicorp/random',
    change: { actions, before: null, after: null },
    ...extra,
  });
  const file = writeJson(dir, 'tofu.json', {
    format_version: '1.2',
    terraform_version: '1.10.0',
    resource_changes: [
      rc('random_password.db', ['forget', 'create']),
      { ...rc('ephemeral_token.session', ['open']), mode: 'ephemeral' },
      rc('random_id.server', ['update'], { change: { actions: ['update'], before: { id: 'a' }, after: { id: 'a' }, importing: { identity: { id: 'a' } } } }),
    ],
    deferred_changes: [{ reason: 'provider_config_unknown', resource_change: rc('random_id.later', ['create']) }],
    action_invocations: [{ address: 'action.notify.slack' }],
    configuration: { provider_config: { random: { full_name: 'registry.opentofu.org/hashicorp/random' } } },
  });
  const { plan } = convertFile(file);

  test('is recognised as OpenTofu, with forget-and-create, ephemeral opens and imports mapped', () => {
    expect(plan.tool).toEqual({ name: 'opentofu', version: '1.10.0', format_version: '1.2' });
    expect(byAddress(plan, 'random_password.db')).toMatchObject({ action: 'replace', replace_order: 'forget-and-create', destroys: false });
    expect(byAddress(plan, 'ephemeral_token.session')).toMatchObject({ action: 'read', mode: 'ephemeral', destroys: false });
    expect(byAddress(plan, 'random_id.server')).toMatchObject({ action: 'update', importing: { identity: { id: 'a' } } });
  });

  test('deferred changes make the plan incomplete; action invocations are noted', () => {
    expect(plan.complete).toBe(false);
    expect(plan.diagnostics.map((d) => d.severity)).toEqual(['warning', 'info']);
    expect(plan.summary.destructive).toBe(0);
  });
});

describe('Pulumi adapter', () => {
  const { plan } = convertFile(pulumi);

  test('validates, one change per URN, replacement steps folded into one replace', () => {
    expect(() => validatePlan(plan, pulumi)).not.toThrow();
    expect(plan.tool.name).toBe('pulumi');
    expect(plan.changes).toHaveLength(7);
    const db = byAddress(plan, 'urn:pulumi:staging::shop::aws:rds/instance:Instance::db');
    expect(db).toMatchObject({ action: 'replace', replace_order: 'create-before-delete', destroys: true, replace_paths: [['engineVersion']], physical_id: 'db-123', type: 'aws:rds/instance:Instance', name: 'db', provider: 'aws' });
    expect(db.native_action).toEqual(['create-replacement', 'replace', 'delete-replaced']);
  });

  test('counts per action, with the tool\'s own changeSummary kept', () => {
    expect(plan.summary).toMatchObject({ create: 1, replace: 1, update: 1, delete: 2, read: 1, 'no-op': 1, destructive: 2 });
    expect(plan.summary.tool_reported).toEqual({ same: 4, create: 1, replace: 1, update: 1, delete: 2, read: 1 });
  });

  test('retainOnDelete means the delete keeps the object', () => {
    expect(byAddress(plan, 'urn:pulumi:staging::shop::aws:s3/bucket:Bucket::old-logs')).toMatchObject({ action: 'delete', destroys: false });
    expect(byAddress(plan, 'urn:pulumi:staging::shop::aws:sqs/queue:Queue::jobs')).toMatchObject({ action: 'delete', destroys: true });
  });

  test('sentinels become the unknown mask; [secret] is withheld; signed secrets become digests', () => {
    const bucket = byAddress(plan, 'urn:pulumi:staging::shop::aws:s3/bucket:Bucket::assets');
    expect(bucket.after_unknown).toEqual({ arn: true, versioning: { enabled: true } });
    expect(bucket.after).toEqual({ bucket: 'shop-assets', arn: null, versioning: { enabled: null } });
    expect(bucket.module).toBe('urn:pulumi:staging::shop::pulumi:pulumi:Stack::shop-staging');
    const db = byAddress(plan, 'urn:pulumi:staging::shop::aws:rds/instance:Instance::db');
    expect((db.before as any).password.sensitive).toMatch(DIGEST);
    expect((db.after as any).password).toEqual({ sensitive: WITHHELD });
    expect(plan.variables['app:dbPassword']).toEqual({ sensitive: WITHHELD });
  });

  test('diagnostics keep their severity without terminal colours', () => {
    expect(plan.diagnostics).toEqual([{ severity: 'warning', message: 'bucket ACLs are deprecated', address: 'urn:pulumi:staging::shop::aws:s3/bucket:Bucket::assets' }]);
  });
});

describe('CloudFormation adapter', () => {
  const { plan, converted } = convertFile(cloudformation);

  test('validates, one change per Changes entry', () => {
    expect(() => validatePlan(plan, cloudformation)).not.toThrow();
    expect(plan.tool.name).toBe('cloudformation');
    expect(plan.changes.map((c) => c.action)).toEqual(['update', 'delete', 'delete', 'import', 'update', 'create']);
  });

  test('Replacement: Conditional and Action: Dynamic are possible replacements', () => {
    const db = byAddress(plan, 'Database');
    expect(db).toMatchObject({ action: 'update', maybe_replace: true, destroys: false, replace_paths: [['Properties', 'DBInstanceClass']], reason: 'ParameterReference: InstanceClass, DirectModification', physical_id: 'shop-db' });
    expect(db.before).toEqual({ Properties: { DBInstanceClass: 'db.t3.small' } });
    expect(db.after_unknown).toEqual({ Properties: { DBInstanceClass: true } });
    expect(byAddress(plan, 'Nested')).toMatchObject({ action: 'update', maybe_replace: true });
    expect(plan.summary).toMatchObject({ maybe_replace: 2, destructive: 3, has_deletes: true });
  });

  test('PolicyAction: Retain keeps the object; NoEcho parameters are withheld', () => {
    expect(byAddress(plan, 'Archive')).toMatchObject({ action: 'delete', destroys: false });
    expect(byAddress(plan, 'Queue')).toMatchObject({ action: 'delete', destroys: true });
    expect(plan.variables).toEqual({ Environment: 'staging', DbPassword: { sensitive: WITHHELD } });
    expect(converted.gitlab).toEqual({ create: 1, update: 2, delete: 2 });
  });
});
