// Pointing a job's settings at another wheel, as a pure transformation: the wheel of a distribution
// is replaced wherever a python_wheel_task gets it (task libraries on classic compute, the
// environment's dependencies on serverless), and the job's tags record which wheel is current and
// which one it replaced, so a rollback knows where to return.

import { InputError } from '../../platform/errors';
import type { JobSettings } from './client';
import { normaliseDist, parseWheelName } from './wheel';

export const TAG_WHEEL = 'paved_wheel';
export const TAG_PREVIOUS_WHEEL = 'paved_wheel_previous';
/** Databricks job tag values are limited to 255 characters. */
const TAG_VALUE_MAX = 255;

export interface WheelRef {
  /** Where in the settings, for reports: `tasks[etl].libraries[0].whl`. */
  where: string;
  path: string;
}

function isWheelOf(ref: string, dist: string): boolean {
  const base = ref.split('/').pop() ?? '';
  const name = parseWheelName(base);
  return name !== undefined && name.dist === normaliseDist(dist);
}

/** Calls `visit` for each reference to a wheel of `dist` used by the job's wheel tasks, with a setter to replace it. */
function eachWheelRef(settings: JobSettings, dist: string, visit: (ref: WheelRef, replace: (path: string) => void) => void): void {
  const wheelTasks = (settings.tasks ?? []).filter((t) => t.python_wheel_task);
  for (const task of wheelTasks) {
    (task.libraries ?? []).forEach((lib, i) => {
      if (typeof lib.whl === 'string' && isWheelOf(lib.whl, dist)) {
        visit({ where: `tasks[${task.task_key}].libraries[${i}].whl`, path: lib.whl }, (path) => (lib.whl = path));
      }
    });
  }
  const envKeys = new Set(wheelTasks.map((t) => t.environment_key).filter(Boolean));
  for (const env of settings.environments ?? []) {
    if (!envKeys.has(env.environment_key)) continue;
    const deps = env.spec?.dependencies ?? [];
    deps.forEach((dep, i) => {
      if (isWheelOf(dep.trim(), dist)) {
        visit({ where: `environments[${env.environment_key}].spec.dependencies[${i}]`, path: dep.trim() }, (path) => (deps[i] = path));
      }
    });
  }
}

export function findWheelRefs(settings: JobSettings, dist: string): WheelRef[] {
  const refs: WheelRef[] = [];
  eachWheelRef(settings, dist, (ref) => refs.push(ref));
  return refs;
}

export interface Swap {
  settings: JobSettings;
  /** The wheel the job used before (the most referenced one). */
  previous: string;
  refs: WheelRef[];
}

/**
 * New settings with every wheel of `dist` replaced by `wheelPath` and the tags updated. Everything
 * else (run_as, schedule, clusters, parameters) is carried over as read, because reset replaces all.
 */
export function pointJobAt(settings: JobSettings, dist: string, wheelPath: string, jobLabel: string): Swap {
  const refs = findWheelRefs(settings, dist);
  if (refs.length === 0) {
    throw new InputError(`${jobLabel} has no python_wheel_task that installs a ${dist} wheel`, {
      field: '--job-id',
      hint: `add the wheel once as a task library (libraries: [{whl: ...}]) or a serverless environment dependency; paved then keeps it current`,
    });
  }
  if (wheelPath.length > TAG_VALUE_MAX) {
    throw new InputError(`the wheel path is ${wheelPath.length} characters, more than a job tag can hold (${TAG_VALUE_MAX})`, { field: 'wheel-dir', hint: 'use a shorter wheel folder' });
  }
  const counts = new Map<string, number>();
  for (const r of refs) counts.set(r.path, (counts.get(r.path) ?? 0) + 1);
  const previous = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];

  const next = structuredClone(settings);
  eachWheelRef(next, dist, (_ref, replace) => replace(wheelPath));
  const tags: Record<string, string> = { ...next.tags, [TAG_WHEEL]: wheelPath };
  if (previous !== wheelPath) tags[TAG_PREVIOUS_WHEEL] = previous.slice(0, TAG_VALUE_MAX);
  next.tags = tags;
  return { settings: next, previous, refs };
}

/** Whether the job (as read back) uses `wheelPath` everywhere the distribution is referenced. */
export function usesWheel(settings: JobSettings, dist: string, wheelPath: string): boolean {
  const refs = findWheelRefs(settings, dist);
  return refs.length > 0 && refs.every((r) => r.path === wheelPath);
}
