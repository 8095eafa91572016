// One mapping from named settings to the core's options, shared by the CLI (`--min-coverage`) and
// the action (`min-coverage:`), so both front-ends read the same names with the same defaults.

import { InputError } from '../platform/errors';
import type { RecordMode } from './baseline';
import { METRICS } from './coverage';
import type { QualityGateOptions } from './gate';
import type { RetryMode } from './tests';

export const DEFAULT_EVIDENCE_DIR = '.paved/evidence';
export const RECORD_MODES: readonly RecordMode[] = ['auto', 'always', 'never'];
export const RETRY_MODES: readonly RetryMode[] = ['separate', 'fold'];

/** Where settings come from: parsed CLI options or action inputs. `field` names the setting in errors. */
export interface SettingSource {
  list(name: string): string[];
  string(name: string): string | undefined;
  number(name: string): number | undefined;
  field(name: string): string;
}

function choice<T extends string>(source: SettingSource, name: string, allowed: readonly T[], fallback: T): T {
  const value = source.string(name) || fallback;
  if (!allowed.includes(value as T)) throw new InputError(`"${value}" is not one of: ${allowed.join(', ')}`, { field: source.field(name) });
  return value as T;
}

export function gateOptions(source: SettingSource, root: string, env: NodeJS.ProcessEnv): QualityGateOptions {
  const timeout = source.number('check-timeout');
  if (timeout !== undefined && !(timeout > 0)) throw new InputError(`must be a positive number of seconds, got ${timeout}`, { field: source.field('check-timeout') });
  const drop = source.number('max-coverage-drop');
  if (drop !== undefined && !(drop >= 0)) throw new InputError(`must be zero or more percentage points, got ${drop}`, { field: source.field('max-coverage-drop') });
  const evidence = source.string('evidence-dir');
  return {
    root,
    env,
    junit: source.list('junit'),
    coverage: source.list('coverage'),
    coverageExclude: source.list('coverage-exclude'),
    run: source.list('run'),
    metric: choice(source, 'metric', METRICS, 'lines'),
    retries: choice(source, 'retries', RETRY_MODES, 'separate'),
    minCoverage: source.number('min-coverage'),
    minDiffCoverage: source.number('min-diff-coverage'),
    base: source.string('base') || undefined,
    baseline: source.string('baseline') || undefined,
    recordBaseline: choice(source, 'record-baseline', RECORD_MODES, 'auto'),
    maxCoverageDrop: drop,
    // `none` (or an empty value on the command line) turns the evidence record off.
    evidenceDir: evidence === undefined ? DEFAULT_EVIDENCE_DIR : evidence === '' || evidence === 'none' ? undefined : evidence,
    coberturaOut: source.string('cobertura-out') || undefined,
    junitOut: source.string('junit-out') || undefined,
    checkTimeoutMs: timeout === undefined ? undefined : timeout * 1000,
    field: (name) => source.field(name),
  };
}
