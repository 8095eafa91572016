// Every real plan in ../shared/fixtures/plans converts, validates, and keeps the counts its tool
// reported; GitLab's counters equal what GitLab's own jq recipe computes from the native plan; and no
// value the tool marked sensitive survives into the contract or the report.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { markdownToText } from '../../src/platform/markdown';
import { planMarkdown } from '../../src/contract/report';
import { validatePlan } from '../../src/contract/schema';
import { describeShared, hasShared, sharedPath } from '../helpers/shared';
import { convertFile } from './helpers';

const root = sharedPath('fixtures', 'plans');
const files = hasShared
  ? fs
      .readdirSync(root)
      .filter((d) => fs.statSync(path.join(root, d)).isDirectory())
      .flatMap((d) => fs.readdirSync(path.join(root, d)).filter((f) => f.endsWith('.json')).map((f) => `${d}/${f}`))
      .sort()
  : [];

function count<T>(items: T[], pred: (item: T) => boolean): number {
  return items.filter(pred).length;
}

/** Values at leaves a Terraform sensitivity mask marks true. */
function maskedLeaves(value: unknown, mask: unknown, out: unknown[]): void {
  if (mask === true) out.push(value);
  else if (Array.isArray(mask) && Array.isArray(value)) mask.forEach((m, i) => maskedLeaves(value[i], m, out));
  else if (mask && typeof mask === 'object' && value && typeof value === 'object') for (const [k, m] of Object.entries(mask)) maskedLeaves((value as any)[k], m, out);
}

/** Every string inside a value (sensitive objects may hold several). */
function strings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
}

function sensitiveStrings(native: any): string[] {
  const leaves: unknown[] = [];
  for (const key of ['resource_changes', 'resource_drift']) {
    for (const rc of native[key] ?? []) {
      maskedLeaves(rc.change?.before, rc.change?.before_sensitive, leaves);
      maskedLeaves(rc.change?.after, rc.change?.after_sensitive, leaves);
    }
  }
  for (const [name, oc] of Object.entries<any>(native.output_changes ?? {})) {
    if (oc.before_sensitive === true || oc.after_sensitive === true || native.planned_values?.outputs?.[name]?.sensitive) leaves.push(oc.before, oc.after);
  }
  const out: string[] = [];
  strings(leaves, out);
  // Short values ("bar", "true") also occur in plain, non-sensitive places of the same plan.
  return out.filter((s) => s.length >= 6);
}

describeShared('the real plans in ../shared/fixtures/plans', () => {
  test('the folder holds plans of all four tools', () => {
    for (const tool of ['terraform', 'opentofu', 'pulumi', 'cloudformation']) expect(files.some((f) => f.startsWith(`${tool}/`))).toBe(true);
  });

  describe.each(files)('%s', (name) => {
    const file = path.join(root, name);
    const native = JSON.parse(fs.readFileSync(file, 'utf8'));
    const { plan, converted } = convertFile(file);

    test('converts and validates against the contract schema', () => {
      expect(() => validatePlan(plan, file)).not.toThrow();
      expect(plan.summary.total).toBe(plan.changes.length);
    });

    if (name.startsWith('terraform/') || name.startsWith('opentofu/')) {
      test('one change per resource_changes entry and per resource_drift entry, counted as Terraform counts them', () => {
        const rcs: any[] = native.resource_changes ?? [];
        const is = (...actions: string[]) => (rc: any) => rc.change.actions.join() === actions.join();
        expect(plan.changes).toHaveLength(rcs.length);
        expect(plan.drift).toHaveLength((native.resource_drift ?? []).length);
        expect(plan.summary.create).toBe(count(rcs, is('create')));
        expect(plan.summary.update).toBe(count(rcs, is('update')));
        expect(plan.summary.delete).toBe(count(rcs, is('delete')));
        expect(plan.summary.read).toBe(count(rcs, is('read')));
        expect(plan.summary.replace).toBe(count(rcs, (rc) => ['delete,create', 'create,delete', 'create,forget', 'forget,create'].includes(rc.change.actions.join())));
        expect(plan.summary['no-op'] + plan.summary.import + plan.summary.move).toBe(count(rcs, is('no-op')));
        expect(plan.changes.map((c) => c.address)).toEqual(rcs.map((rc) => rc.address));
        expect(plan.errored).toBe(native.errored === true);
      });

      test("GitLab's report equals GitLab's jq recipe over the native plan", () => {
        const flat: string[] = (native.resource_changes ?? []).flatMap((rc: any) => rc.change.actions);
        expect(converted.gitlab).toEqual({ create: count(flat, (a) => a === 'create'), update: count(flat, (a) => a === 'update'), delete: count(flat, (a) => a === 'delete') });
      });
    }

    if (name.startsWith('pulumi/')) {
      test('one change per URN, and every listed operation counted as Pulumi counts it', () => {
        const steps: any[] = native.steps;
        expect(plan.changes).toHaveLength(new Set(steps.map((s) => s.urn)).size);
        for (const op of ['create', 'update', 'delete', 'replace'] as const) {
          expect(plan.summary[op]).toBe(native.changeSummary?.[op] ?? 0);
        }
        expect(plan.summary.tool_reported).toEqual(native.changeSummary);
      });
    }

    if (name.startsWith('cloudformation/')) {
      test('one change per Changes entry, by CloudFormation action', () => {
        const rcs = (native.Changes as any[]).map((c) => c.ResourceChange);
        expect(plan.changes).toHaveLength(rcs.length);
        expect(plan.summary.create).toBe(count(rcs, (rc) => rc.Action === 'Add'));
        expect(plan.summary.delete).toBe(count(rcs, (rc) => rc.Action === 'Remove'));
        expect(plan.summary.update + plan.summary.replace).toBe(count(rcs, (rc) => rc.Action === 'Modify' || rc.Action === 'Dynamic'));
        expect(plan.summary.replace).toBe(count(rcs, (rc) => rc.Replacement === 'True'));
      });
    }

    test('no sensitive value reaches the contract, the markdown report or the text report', () => {
      const markdown = planMarkdown({ ...converted, planPath: 'plan.json' });
      const outputs = [JSON.stringify(plan), markdown, markdownToText(markdown)];
      for (const secret of sensitiveStrings(native)) {
        for (const text of outputs) expect(text.includes(secret)).toBe(false);
      }
    });
  });
});
