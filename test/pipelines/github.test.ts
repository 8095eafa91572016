// Every workflow and action we ship is checked by GitHub's own parser, actionlint, the SchemaStore
// schemas, our security rules, and against each other (inputs passed = inputs declared).

import * as fs from 'node:fs';
import Ajv from 'ajv';
import { auditGithubWorkflow } from '../../src/scan/sast';
import { runLint } from '../helpers/actionlint';
import { parseWithGitHub } from '../helpers/github-parser';
import { actions, allWorkflows, githubWorkflows, starterWorkflows, type PipelineFile } from '../helpers/pipeline-files';
import { describeShared, sharedPath } from '../helpers/shared';

const PLATFORM = 'org/platform';
const SHA_PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;

function jobsOf(workflow: PipelineFile): Array<[string, any]> {
  return Object.entries(workflow.doc.jobs ?? {});
}

function stepsOf(workflow: PipelineFile): any[] {
  return jobsOf(workflow).flatMap(([, job]) => job.steps ?? []);
}

/** Every `uses:` of a step or a job, with the `with:` it passes. */
function usesOf(workflow: PipelineFile): Array<{ uses: string; with: Record<string, unknown>; secrets?: unknown }> {
  const jobUses = jobsOf(workflow)
    .filter(([, job]) => job.uses)
    .map(([, job]) => ({ uses: job.uses as string, with: job.with ?? {}, secrets: job.secrets }));
  const stepUses = stepsOf(workflow)
    .filter((s) => s.uses)
    .map((s) => ({ uses: s.uses as string, with: s.with ?? {} }));
  return [...jobUses, ...stepUses];
}

describe('workflows and actions: GitHub parser and actionlint', () => {
  it('ships reusable workflows, starter workflows and actions', () => {
    expect(githubWorkflows().length).toBeGreaterThanOrEqual(8);
    expect(starterWorkflows().length).toBeGreaterThanOrEqual(7);
    expect(actions().length).toBeGreaterThanOrEqual(8);
  });

  it('GitHub\'s own parser (@actions/workflow-parser) accepts every file without an error', async () => {
    const parsed = await parseWithGitHub({
      workflows: allWorkflows().map((w) => ({ name: w.file, content: w.text })),
      actions: actions().map((a) => ({ name: a.file, content: a.text })),
    });
    const errors = [
      ...Object.entries(parsed.workflows).flatMap(([file, r]) => r.errors.map((e) => `${file}: ${e.message}`)),
      ...Object.entries(parsed.actions).flatMap(([file, r]) => r.errors.map((e) => `${file}: ${e.message}`)),
    ];
    expect(errors).toEqual([]);
    for (const a of actions()) expect(parsed.actions[a.file].using).toBe('node24');
  }, 120_000);

  it('actionlint finds nothing in any workflow', async () => {
    const findings: string[] = [];
    for (const w of allWorkflows()) {
      for (const f of await runLint(w.text, w.file)) findings.push(`${w.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    }
    expect(findings).toEqual([]);
  }, 120_000);
});

describeShared('workflows and actions: SchemaStore schemas', () => {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const workflowSchema = ajv.compile(JSON.parse(fs.readFileSync(sharedPath('schemas-external/github/github-workflow.json'), 'utf8')));
  const actionSchema = ajv.compile(JSON.parse(fs.readFileSync(sharedPath('schemas-external/github/github-action.json'), 'utf8')));

  it.each(allWorkflows().map((w) => [w.file, w] as const))('%s is a valid workflow', (_file, w) => {
    expect(workflowSchema(w.doc) ? [] : workflowSchema.errors).toEqual([]);
  });

  it.each(actions().map((a) => [a.file, a] as const))('%s is valid action metadata', (_file, a) => {
    expect(actionSchema(a.doc) ? [] : actionSchema.errors).toEqual([]);
  });
});

describe('workflow security rules', () => {
  const workflows = allWorkflows();

  it.each(workflows.map((w) => [w.file, w] as const))('%s grants nothing at the top and least privilege per job', (_file, w) => {
    expect(w.doc.permissions).toEqual({});
    for (const [name, job] of jobsOf(w)) {
      expect({ job: name, hasPermissions: job.permissions !== undefined }).toEqual({ job: name, hasPermissions: true });
      expect(job.permissions).not.toBe('write-all');
      expect(job.permissions).not.toBe('read-all');
    }
  });

  it.each(workflows.map((w) => [w.file, w] as const))('%s passes no ${{ }} expression into run: (values go through env:)', (_file, w) => {
    const offending = stepsOf(w).filter((s) => typeof s.run === 'string' && s.run.includes('${{'));
    expect(offending.map((s) => s.run)).toEqual([]);
  });

  it.each(workflows.map((w) => [w.file, w] as const))('%s pins third-party actions by commit SHA and never inherits secrets', (_file, w) => {
    for (const use of usesOf(w)) {
      if (use.uses.startsWith('./') || use.uses.startsWith(`${PLATFORM}/`)) continue;
      expect(use.uses).toMatch(SHA_PINNED);
      expect(w.text).toMatch(new RegExp(`${use.uses.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} # v\\d`));
    }
    expect(usesOf(w).filter((u) => u.secrets === 'inherit')).toEqual([]);
    expect(w.doc.on?.pull_request_target).toBeUndefined();
  });

  it.each(workflows.map((w) => [w.file, w] as const))('%s checks out without persisting credentials', (_file, w) => {
    for (const step of stepsOf(w).filter((s) => String(s.uses).startsWith('actions/checkout@'))) {
      expect(step.with?.['persist-credentials']).toBe(false);
    }
  });
});

describe('workflows and actions agree with each other', () => {
  const actionInputs = new Map(actions().map((a) => [a.name, a.doc.inputs ?? {}]));
  const reusable = new Map(
    githubWorkflows()
      .filter((w) => w.doc.on?.workflow_call !== undefined)
      .map((w) => [w.file.replace('.github/workflows/', ''), w.doc.on.workflow_call ?? {}]),
  );

  it('every action input and output is described', () => {
    for (const a of actions()) {
      expect(a.doc.description).toBeTruthy();
      for (const [name, input] of Object.entries<any>(a.doc.inputs ?? {})) expect({ input: `${a.name}.${name}`, description: !!input.description }).toEqual({ input: `${a.name}.${name}`, description: true });
      for (const [name, output] of Object.entries<any>(a.doc.outputs ?? {})) expect({ output: `${a.name}.${name}`, description: !!output.description }).toEqual({ output: `${a.name}.${name}`, description: true });
    }
  });

  it('every reusable workflow input and secret is typed and described', () => {
    for (const [file, call] of reusable) {
      for (const [name, input] of Object.entries<any>(call.inputs ?? {})) {
        expect({ file, name, type: input.type, described: !!input.description }).toEqual({ file, name, type: expect.stringMatching(/^(string|number|boolean)$/), described: true });
      }
      for (const [name, secret] of Object.entries<any>(call.secrets ?? {})) expect({ file, name, described: !!secret.description }).toEqual({ file, name, described: true });
    }
  });

  it('every use of our actions passes only declared inputs and all required ones', () => {
    for (const w of allWorkflows()) {
      for (const use of usesOf(w)) {
        const match = /^org\/platform\/actions\/([\w-]+)@/.exec(use.uses);
        if (!match) continue;
        const declared = actionInputs.get(match[1]);
        expect({ file: w.file, action: match[1], exists: declared !== undefined }).toEqual({ file: w.file, action: match[1], exists: true });
        const unknown = Object.keys(use.with).filter((k) => !(k in declared));
        expect({ file: w.file, action: match[1], unknown }).toEqual({ file: w.file, action: match[1], unknown: [] });
        const missing = Object.entries<any>(declared)
          .filter(([name, input]) => input.required === true && input.default === undefined && !(name in use.with))
          .map(([name]) => name);
        expect({ file: w.file, action: match[1], missing }).toEqual({ file: w.file, action: match[1], missing: [] });
      }
    }
  });

  it('every call of our reusable workflows passes only declared inputs and secrets, and all required ones', () => {
    for (const w of allWorkflows()) {
      for (const use of usesOf(w)) {
        const match = /^org\/platform\/\.github\/workflows\/([\w.-]+)@/.exec(use.uses);
        if (!match) continue;
        const call = reusable.get(match[1]);
        expect({ file: w.file, workflow: match[1], exists: call !== undefined }).toEqual({ file: w.file, workflow: match[1], exists: true });
        const inputs = call.inputs ?? {};
        const unknown = Object.keys(use.with).filter((k) => !(k in inputs));
        const missing = Object.entries<any>(inputs).filter(([n, i]) => i.required && !(n in use.with)).map(([n]) => n);
        expect({ file: w.file, workflow: match[1], unknown, missing }).toEqual({ file: w.file, workflow: match[1], unknown: [], missing: [] });
        const secrets = typeof use.secrets === 'object' && use.secrets ? Object.keys(use.secrets) : [];
        const unknownSecrets = secrets.filter((s) => !(s in (call.secrets ?? {})));
        expect({ file: w.file, workflow: match[1], unknownSecrets }).toEqual({ file: w.file, workflow: match[1], unknownSecrets: [] });
      }
    }
  });
});

describe('the security-scan step finds nothing in what we ship', () => {
  // The same checks `paved scan sast` runs on projects' pipelines. Our own actions and reusable
  // workflows are referenced by release tag on purpose (the governor's drift audit judges those).
  it.each(allWorkflows().map((w) => [w.file, w] as const))('%s', (_file, w) => {
    const findings = auditGithubWorkflow(w.text, w.file, { trustedOwners: ['org'] });
    expect(findings.map((f) => `${f.rule} line ${f.line}: ${f.message}`)).toEqual([]);
  });
});
