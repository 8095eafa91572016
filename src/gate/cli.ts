// `paved quality-gate`: the same core and settings as the quality-gate action, for GitLab jobs and
// local runs. Text output ends with `Coverage: NN.NN%` for GitLab's `coverage:` regex.

import * as path from 'node:path';
import type { CommandSpec } from '../cli/command';
import { runQualityGate } from './gate';
import { METRICS } from './coverage';
import { DEFAULT_EVIDENCE_DIR, gateOptions, RECORD_MODES, RETRY_MODES } from './options';

const qualityGate: CommandSpec = {
  path: ['quality-gate'],
  summary: 'Run the checks as named gates, read JUnit and coverage reports, and apply coverage thresholds',
  description:
    'Runs each --run NAME=COMMAND (no shell; without --run, --junit or --coverage the checks come from package.json scripts, ' +
    'pyproject.toml tools, go.mod or Cargo.toml), reads test results (JUnit XML of any runner, TRX, NUnit, go test -json or -v output) and coverage ' +
    '(LCOV, Cobertura, JaCoCo, Clover, Istanbul JSON and json-summary, Go coverprofile, gcovr/Coveralls JSON, SonarQube XML), then ' +
    'fails on failing checks or tests, total coverage below --min-coverage, coverage of the changed lines below --min-diff-coverage, ' +
    'or coverage dropping below the --baseline recorded on the default branch. Exit 1 when the gate fails, 2 on bad input.',
  options: [
    { name: 'run', type: 'string', multiple: true, valueName: 'NAME=COMMAND', description: 'a check to run as a named gate, e.g. "lint=npm run lint"' },
    { name: 'junit', type: 'string', multiple: true, valueName: 'GLOB', description: 'test report file or glob' },
    { name: 'retries', type: 'string', choices: RETRY_MODES, default: 'separate', valueName: 'MODE', description: 'repeated runs of one test: separate tests, or retries folded into one (flaky when a later attempt passed)' },
    { name: 'coverage', type: 'string', multiple: true, valueName: 'GLOB', description: 'coverage report file or glob; several are merged' },
    { name: 'coverage-exclude', type: 'string', multiple: true, valueName: 'GLOB', description: 'repository paths left out of the coverage, e.g. "test/**" or "**/*.generated.ts"' },
    { name: 'metric', type: 'string', choices: METRICS, default: 'lines', valueName: 'METRIC', description: 'coverage metric the thresholds apply to' },
    { name: 'min-coverage', type: 'number', valueName: 'PERCENT', description: 'minimum total coverage of the metric (default 80)' },
    { name: 'min-diff-coverage', type: 'number', valueName: 'PERCENT', description: 'minimum coverage of added/modified lines (default: --min-coverage, when a base is known)' },
    { name: 'base', type: 'string', valueName: 'REF', description: 'base branch for diff coverage (default: the PR/MR target from GITHUB_BASE_REF or CI_MERGE_REQUEST_*)' },
    { name: 'baseline', type: 'string', valueName: 'FILE', description: 'ratchet baseline: fail when coverage drops below the value recorded here on the default branch' },
    { name: 'record-baseline', type: 'string', choices: RECORD_MODES, default: 'auto', valueName: 'WHEN', description: 'write the baseline after a passing run (auto: only on the default branch)' },
    { name: 'max-coverage-drop', type: 'number', valueName: 'POINTS', description: 'percentage points coverage may fall below the baseline (default 0)' },
    { name: 'evidence-dir', type: 'string', valueName: 'DIR', description: `where the JSON evidence record of this run is written; none (or empty) to skip (default ${DEFAULT_EVIDENCE_DIR})` },
    { name: 'cobertura-out', type: 'string', valueName: 'FILE', description: 'write the merged coverage as Cobertura XML (GitLab coverage_report)' },
    { name: 'junit-out', type: 'string', valueName: 'FILE', description: 'write the folded tests and gate conditions as JUnit XML (GitLab junit report)' },
    { name: 'check-timeout', type: 'number', valueName: 'SECONDS', description: 'stop a check that runs longer than this' },
  ],
  examples: [
    'paved quality-gate --run "lint=npm run lint" --run "test=npx jest --coverage" --coverage coverage/lcov.info --junit junit.xml',
    'paved quality-gate --junit "reports/**/TEST-*.xml" --coverage target/site/jacoco/jacoco.xml --min-coverage 70 --base origin/main',
    'paved quality-gate --coverage coverage.out --baseline .paved/coverage-baseline.json --cobertura-out cobertura.xml --format json',
  ],
  run: (args, ctx) =>
    runQualityGate(
      gateOptions(
        {
          list: (name) => args.strings(name),
          string: (name) => args.string(name),
          number: (name) => args.number(name),
          field: (name) => `--${name}`,
        },
        path.resolve(ctx.cwd),
        ctx.env,
      ),
      ctx.face,
    ),
};

export const gateCommands: CommandSpec[] = [qualityGate];
