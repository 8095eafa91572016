// A small, strict argument parser: unknown options, missing values and wrong types are usage
// errors (exit 2) that name the option, never silently ignored.

import { InputError } from '../platform/errors';
import type { OptionSpec, PositionalSpec } from './command';

type Value = string | number | boolean | string[] | number[] | undefined;

export class ParsedArgs {
  constructor(
    private readonly values: Record<string, Value>,
    readonly positionals: string[],
  ) {}

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }
  string(name: string): string | undefined {
    const v = this.values[name];
    return v === undefined ? undefined : String(Array.isArray(v) ? v[v.length - 1] : v);
  }
  requireString(name: string): string {
    const v = this.string(name);
    if (v === undefined || v === '') throw new InputError(`missing required option --${name}`, { field: `--${name}` });
    return v;
  }
  strings(name: string): string[] {
    const v = this.values[name];
    if (v === undefined) return [];
    return (Array.isArray(v) ? v : [v]).map(String);
  }
  number(name: string): number | undefined {
    const v = this.values[name];
    return v === undefined ? undefined : Number(Array.isArray(v) ? v[v.length - 1] : v);
  }
  flag(name: string): boolean {
    return this.values[name] === true;
  }
  positional(index: number): string | undefined {
    return this.positionals[index];
  }
}

export function parseArgs(
  argv: readonly string[],
  options: readonly OptionSpec[],
  positionals: readonly PositionalSpec[],
  env: NodeJS.ProcessEnv = {},
): ParsedArgs {
  const byName = new Map(options.map((o) => [o.name, o]));
  const byShort = new Map(options.filter((o) => o.short).map((o) => [o.short as string, o]));
  const values: Record<string, Value> = {};
  const rest: string[] = [];

  const assign = (spec: OptionSpec, raw: string | undefined, flagName: string) => {
    let value: string | number | boolean;
    if (spec.type === 'boolean') {
      if (raw === undefined) value = true;
      else if (/^(true|1|yes)$/i.test(raw)) value = true;
      else if (/^(false|0|no)$/i.test(raw)) value = false;
      else throw new InputError(`expects true or false, got "${raw}"`, { field: flagName });
    } else {
      if (raw === undefined) throw new InputError(`needs a value`, { field: flagName, hint: `${flagName} ${spec.valueName ?? 'VALUE'}` });
      if (spec.type === 'number') {
        if (raw.trim() === '' || !Number.isFinite(Number(raw))) throw new InputError(`expects a number, got "${raw}"`, { field: flagName });
        value = Number(raw);
      } else value = raw;
      if (spec.choices && !spec.choices.includes(String(value))) {
        throw new InputError(`"${raw}" is not one of: ${spec.choices.join(', ')}`, { field: flagName });
      }
    }
    if (spec.multiple) values[spec.name] = [...((values[spec.name] as string[] | undefined) ?? []), value as string];
    else values[spec.name] = value;
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      let inline = eq === -1 ? undefined : arg.slice(eq + 1);
      let spec = byName.get(name);
      if (!spec && name.startsWith('no-') && byName.get(name.slice(3))?.type === 'boolean') {
        spec = byName.get(name.slice(3));
        name = name.slice(3);
        inline = 'false';
      }
      if (!spec) throw new InputError(`unknown option --${name}`, { field: `--${name}`, hint: 'see --help for the options this command takes' });
      if (spec.type !== 'boolean' && inline === undefined) {
        inline = argv[i + 1];
        if (inline === undefined) throw new InputError('needs a value', { field: `--${name}`, hint: `--${name} ${spec.valueName ?? 'VALUE'}` });
        i++;
      }
      assign(spec, inline, `--${name}`);
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      const spec = byShort.get(arg.slice(1));
      if (!spec) throw new InputError(`unknown option ${arg}`, { field: arg, hint: 'see --help for the options this command takes' });
      let raw: string | undefined;
      if (spec.type !== 'boolean') {
        raw = argv[++i];
        if (raw === undefined) throw new InputError('needs a value', { field: arg });
      }
      assign(spec, raw, arg);
    } else rest.push(arg);
  }

  for (const spec of options) {
    if (values[spec.name] !== undefined) continue;
    const fromEnv = spec.env ? env[spec.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') assign(spec, fromEnv, `${spec.env} (for --${spec.name})`);
    else if (spec.default !== undefined) values[spec.name] = spec.multiple ? [spec.default as string] : spec.default;
    else if (spec.required) throw new InputError(`missing required option --${spec.name}`, { field: `--${spec.name}` });
  }

  const required = positionals.filter((p) => p.required).length;
  if (rest.length < required) {
    const missing = positionals[rest.length];
    throw new InputError(`missing argument ${missing.name.toUpperCase()}`, { field: missing.name, hint: missing.description });
  }
  const variadic = positionals.some((p) => p.variadic);
  if (!variadic && rest.length > positionals.length) {
    throw new InputError(`unexpected argument "${rest[positionals.length]}"`, { hint: 'see --help for the arguments this command takes' });
  }
  return new ParsedArgs(values, rest);
}
