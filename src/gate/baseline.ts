// The coverage ratchet: the default branch records its coverage in a small JSON file (kept between
// pipelines by the action's cache or the GitLab template's `cache:`), and later runs fail when
// coverage drops below it. Only like is compared with like: same metric, same measuring tools.

import * as fs from 'node:fs';
import { InputError } from '../platform/errors';
import { readJson } from '../platform/files';
import type { Metric } from './coverage';

export const BASELINE_SCHEMA = 'paved/coverage-baseline/v1';

export interface CoverageBaseline {
  schema: typeof BASELINE_SCHEMA;
  metric: Metric;
  percent: number;
  covered: number;
  total: number;
  /** Report formats and tools that produced the figure (istanbul and V8 count differently). */
  sources: string[];
  commit?: string;
  branch?: string;
  recordedAt: string;
}

export function readBaseline(file: string): CoverageBaseline | undefined {
  if (!fs.existsSync(file)) return undefined;
  const data = readJson<Partial<CoverageBaseline>>(file, 'coverage baseline');
  if (data.schema !== BASELINE_SCHEMA || typeof data.percent !== 'number' || typeof data.metric !== 'string') {
    throw new InputError(`not a coverage baseline (expected "schema": "${BASELINE_SCHEMA}" with metric and percent)`, {
      file,
      hint: 'delete the file to start a new baseline, or point --baseline elsewhere',
    });
  }
  // A hand-made baseline may lack the sources; it then compares with any tools.
  return { ...(data as CoverageBaseline), sources: Array.isArray(data.sources) ? data.sources.map(String) : [] };
}

export type RecordMode = 'auto' | 'always' | 'never';

/** Whether this run is on the default branch, from the CI's environment (GitHub: push event on the default branch). */
export function onDefaultBranch(env: NodeJS.ProcessEnv): boolean {
  if (env.GITLAB_CI) return !!env.CI_DEFAULT_BRANCH && env.CI_COMMIT_BRANCH === env.CI_DEFAULT_BRANCH && !env.CI_MERGE_REQUEST_IID;
  if (env.GITHUB_ACTIONS && env.GITHUB_EVENT_NAME === 'push' && env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { repository?: { default_branch?: string } };
      const branch = event.repository?.default_branch;
      return !!branch && env.GITHUB_REF === `refs/heads/${branch}`;
    } catch {
      return false;
    }
  }
  return false;
}

export function shouldRecord(mode: RecordMode, env: NodeJS.ProcessEnv): boolean {
  return mode === 'always' || (mode === 'auto' && onDefaultBranch(env));
}
