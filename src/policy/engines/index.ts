// Picks and opens the engine for a run. `auto` runs a compiled bundle (bundle.tar.gz / policy.wasm)
// when one is given and paved's builtin interpreter otherwise; `opa` is used only when asked for.

import * as path from 'node:path';
import { InputError } from '../../platform/errors';
import { loadData, loadPolicySources, mergeData } from '../documents';
import type { EngineChoice, RegoVersion } from '../types';
import { BuiltinEngine } from './builtin';
import type { PolicyEngine } from './engine';
import { OpaCliEngine } from './opa';
import { isCompiledBundle, WasmEngine } from './wasm';

export interface EngineOptions {
  engine: EngineChoice;
  /** `--policy` paths: .rego files, directories of them, or one compiled bundle. */
  policyPaths: readonly string[];
  /** `--data` paths, merged over the data files found beside the policies. */
  dataPaths: readonly string[];
  /** Data given on the command line (approvals), merged last. */
  dataOverlay?: Record<string, unknown>;
  regoVersion: RegoVersion;
  env: NodeJS.ProcessEnv;
  /** Relative paths are resolved from here (and keep their spelling in messages). */
  cwd: string;
}

export async function openEngine(options: EngineOptions): Promise<PolicyEngine> {
  const bundles = options.policyPaths.filter(isCompiledBundle);
  const sourcesPaths = options.policyPaths.filter((p) => !isCompiledBundle(p));
  const wantsWasm = options.engine === 'wasm' || (options.engine === 'auto' && bundles.length > 0);

  if (wantsWasm) {
    if (bundles.length !== 1 || sourcesPaths.length > 0) {
      throw new InputError(
        bundles.length === 0 ? '--engine wasm needs a compiled bundle' : 'give one compiled bundle and no Rego sources alongside it',
        { field: '--policy', hint: 'pass --policy bundle.tar.gz (from `opa build -t wasm`) or policy.wasm' },
      );
    }
    return WasmEngine.load(path.resolve(options.cwd, bundles[0]), mergeData(loadData(options.dataPaths, { cwd: options.cwd }), options.dataOverlay ?? {}));
  }
  if (bundles.length > 0) {
    throw new InputError(`a compiled bundle runs only on the wasm engine, not --engine ${options.engine}`, { file: bundles[0], field: '--engine', hint: 'use --engine auto or wasm, or pass the Rego sources' });
  }

  const sources = loadPolicySources(sourcesPaths, options.cwd, { tests: false });
  const data = [loadData(options.dataPaths, { cwd: options.cwd }), options.dataOverlay ?? {}].reduce(mergeData, loadData(sourcesPaths, { policyPaths: true, cwd: options.cwd }));
  if (options.engine === 'opa') return new OpaCliEngine(OpaCliEngine.locate(options.env), sources, data, options.regoVersion, options.env);
  return BuiltinEngine.load(sources, data, options.regoVersion);
}
