// `paved policy check` (conftest-compatible policy evaluation) and `paved policy test` (Rego unit
// tests, like `opa test`). Both call the same cores as the policy-check action.

import type { CommandSpec } from '../cli/command';
import type { StepOutcome } from '../platform/step';
import { DEFAULT_NAMESPACE } from './check';
import { checkWriters, policyCheckStep, testOutcome } from './outcome';
import type { CheckReport, EngineChoice, PolicyTestReport, RegoVersion } from './types';
import { runPolicyTests } from './verify';
import { testJUnit } from './writers/junit';

const REGO_VERSION = {
  name: 'rego-version',
  type: 'string',
  valueName: 'VERSION',
  choices: ['v0', 'v1'],
  default: 'v1',
  description: 'Rego syntax of the policies: v1 (OPA 1.x, `contains`/`if`) or v0 (`deny[msg] { ... }`)',
} as const;

const formatOf = (name: string) => (outcome: StepOutcome) => checkWriters[name](outcome.data as CheckReport);

const check: CommandSpec = {
  path: ['policy', 'check'],
  summary: 'Evaluate Rego policies against JSON/YAML inputs (conftest conventions)',
  description:
    'Runs deny/violation/warn rules (and deny_*/warn_* variants) of the selected namespaces against every input document. ' +
    'Rule values are strings or {msg, ...metadata} objects; exception rules waive rules by name. Exit 1 when any failure ' +
    '(or warning, with --fail-on-warn), 2 on bad input.',
  options: [
    { name: 'policy', short: 'p', type: 'string', multiple: true, required: true, valueName: 'PATH', description: 'Rego file or directory, or one compiled bundle.tar.gz/policy.wasm' },
    { name: 'data', short: 'd', type: 'string', multiple: true, valueName: 'PATH', description: 'JSON/YAML data file or directory, merged over the data beside the policies, later files winning' },
    { name: 'namespace', short: 'n', type: 'string', multiple: true, valueName: 'NS', description: `Package to check; globs allowed (default ${DEFAULT_NAMESPACE})` },
    { name: 'all-namespaces', type: 'boolean', description: 'Check every package the policies define' },
    { name: 'engine', type: 'string', valueName: 'ENGINE', choices: ['auto', 'builtin', 'wasm', 'opa'], default: 'auto', description: 'auto: wasm for a compiled bundle, builtin otherwise; opa runs the opa CLI from PATH' },
    REGO_VERSION,
    { name: 'fail-on-warn', type: 'boolean', description: 'Exit 1 on warnings too' },
    { name: 'approve', type: 'string', multiple: true, valueName: 'ADDRESS', env: 'PAVED_POLICY_APPROVE', description: 'Approve a destructive change to this resource (or all of them: all), as data.paved.approval' },
    { name: 'sarif-file', type: 'string', valueName: 'FILE', description: 'Also write a SARIF 2.1.0 report (GitHub code scanning)' },
    { name: 'junit-file', type: 'string', valueName: 'FILE', description: 'Also write a JUnit report (GitLab artifacts:reports:junit)' },
    { name: 'codequality-file', type: 'string', valueName: 'FILE', description: 'Also write a GitLab Code Quality report (artifacts:reports:codequality)' },
  ],
  positionals: [{ name: 'input', description: 'JSON or YAML files to check (multi-document YAML allowed); - reads stdin', required: true, variadic: true }],
  formats: { table: formatOf('table'), junit: formatOf('junit'), gitlab: formatOf('gitlab'), codequality: formatOf('codequality'), sarif: formatOf('sarif'), github: formatOf('github') },
  defaultFormat: 'table',
  examples: [
    'paved policy check --policy policies --namespace paved.plan plan.json',
    'paved policy check -p policy/ deployment.yaml --format sarif > policy.sarif',
    'paved policy check -p bundle.tar.gz --all-namespaces --format junit input.json',
    'cat plan.json | paved policy check -p policies -d team-config.yaml -n paved.plan -',
  ],
  run: (args, ctx) =>
    policyCheckStep({
      policies: args.strings('policy'),
      data: args.strings('data'),
      namespaces: args.strings('namespace'),
      allNamespaces: args.flag('all-namespaces'),
      engine: args.string('engine') as EngineChoice,
      regoVersion: args.string('rego-version') as RegoVersion,
      failOnWarn: args.flag('fail-on-warn'),
      approvals: args.strings('approve').flatMap((a) => a.split(',')),
      inputs: args.positionals,
      sarifFile: args.string('sarif-file'),
      junitFile: args.string('junit-file'),
      codeQualityFile: args.string('codequality-file'),
      cwd: ctx.cwd,
      env: ctx.env,
    }),
};

const test: CommandSpec = {
  path: ['policy', 'test'],
  summary: 'Run Rego unit tests (test_* rules), like opa test',
  description: 'Loads every .rego file and JSON/YAML data file under the paths and evaluates each test_* rule. Exit 1 when a test fails or errors.',
  options: [
    { name: 'verbose', short: 'v', type: 'boolean', description: 'List every test, and what tests print' },
    { name: 'run', short: 'r', type: 'string', valueName: 'REGEX', description: 'Only tests whose name (data.pkg.test_x) matches' },
    { name: 'timeout', type: 'number', valueName: 'SECONDS', default: 5, description: 'Per-test evaluation limit; a test over it is an ERROR' },
    REGO_VERSION,
  ],
  positionals: [{ name: 'path', description: 'Policy files or directories (default .)', variadic: true }],
  formats: { junit: (outcome) => testJUnit(outcome.data as PolicyTestReport) },
  examples: ['paved policy test policies/', 'paved policy test --rego-version v0 -v legacy/', 'paved policy test policies --run "plan"'],
  run: async (args, ctx) => {
    const report = runPolicyTests({
      paths: args.positionals.length ? args.positionals : ['.'],
      cwd: ctx.cwd,
      run: args.string('run'),
      regoVersion: args.string('rego-version') as RegoVersion,
    });
    return testOutcome(report, args.flag('verbose'));
  },
};

export const policyCommands: CommandSpec[] = [check, test];
