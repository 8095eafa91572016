// Which Fly app to deploy: `--app` wins, otherwise `app = "..."` from fly.toml (the file flyctl uses).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { InputError } from '../../platform/errors';
import { readText } from '../../platform/files';

export const DEFAULT_FLY_CONFIG = 'fly.toml';
const APP_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface FlyAppRef {
  app: string;
  /** Where the name came from, for the report. */
  source: string;
}

export function resolveFlyApp(options: { app?: string; config?: string; cwd: string }): FlyAppRef {
  if (options.app) return { app: checkAppName(options.app, '--app'), source: '--app' };
  const configPath = options.config ?? DEFAULT_FLY_CONFIG;
  const file = path.resolve(options.cwd, configPath);
  if (!fs.existsSync(file)) {
    throw new InputError('no Fly app name: --app was not given and there is no fly.toml', {
      file: configPath,
      hint: 'pass --app NAME (action input `app`) or run from the directory holding fly.toml',
    });
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(readText(file, 'fly.toml')) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`fly.toml is not valid TOML: ${(err as Error).message.split('\n')[0]}`, { file: configPath });
  }
  if (typeof doc.app !== 'string' || doc.app === '') {
    throw new InputError('fly.toml has no `app = "..."` line', { file: configPath, field: 'app', hint: 'add app = "<name>" or pass --app NAME' });
  }
  return { app: checkAppName(doc.app, `${configPath}: app`), source: configPath };
}

function checkAppName(name: string, field: string): string {
  if (!APP_NAME.test(name)) {
    throw new InputError(`"${name}" is not a valid Fly app name`, { field, hint: 'app names are lowercase letters, digits and dashes' });
  }
  return name;
}
