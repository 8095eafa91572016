import { parseArgs } from '../../src/cli/args';
import type { OptionSpec, PositionalSpec } from '../../src/cli/command';
import { InputError } from '../../src/platform/errors';

const options: OptionSpec[] = [
  { name: 'tool', type: 'string', choices: ['auto', 'terraform'], default: 'auto', description: 'tool' },
  { name: 'policy', type: 'string', multiple: true, description: 'policy' },
  { name: 'min-coverage', type: 'number', description: 'min' },
  { name: 'verbose', short: 'v', type: 'boolean', description: 'verbose' },
  { name: 'output', short: 'o', type: 'string', description: 'out' },
  { name: 'token', type: 'string', env: 'PAVED_TOKEN', description: 'token' },
];
const positionals: PositionalSpec[] = [{ name: 'file', description: 'the file', required: true }];

function fails(argv: string[], field: string, message: RegExp) {
  let error: unknown;
  try {
    parseArgs(argv, options, positionals);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).context.field).toBe(field);
  expect((error as InputError).message).toMatch(message);
  expect((error as InputError).exitCode).toBe(2);
}

describe('command-line options', () => {
  it('reads long, short, inline, repeated and positional arguments', () => {
    const args = parseArgs(['plan.json', '--policy', 'a', '--policy=b', '-o', 'out.json', '-v', '--min-coverage', '82.5'], options, positionals);
    expect(args.positional(0)).toBe('plan.json');
    expect(args.strings('policy')).toEqual(['a', 'b']);
    expect(args.string('output')).toBe('out.json');
    expect(args.flag('verbose')).toBe(true);
    expect(args.number('min-coverage')).toBe(82.5);
    expect(args.string('tool')).toBe('auto');
  });

  it('accepts --no-<flag> and values after --', () => {
    const args = parseArgs(['--no-verbose', '--', '--not-an-option'], options, positionals);
    expect(args.flag('verbose')).toBe(false);
    expect(args.positionals).toEqual(['--not-an-option']);
  });

  it('takes a fallback from the named environment variable', () => {
    expect(parseArgs(['f'], options, positionals, { PAVED_TOKEN: 't0ken' }).string('token')).toBe('t0ken');
    expect(parseArgs(['f', '--token', 'x'], options, positionals, { PAVED_TOKEN: 't0ken' }).string('token')).toBe('x');
  });

  it('rejects what it does not know, naming the option', () => {
    fails(['f', '--polcy', 'a'], '--polcy', /unknown option/);
    fails(['f', '-x'], '-x', /unknown option/);
    fails(['f', '--tool', 'pulumi2'], '--tool', /not one of: auto, terraform/);
    fails(['f', '--min-coverage', 'eighty'], '--min-coverage', /expects a number/);
    fails(['f', '--output'], '--output', /needs a value/);
    fails(['f', '--verbose=maybe'], '--verbose', /true or false/);
  });

  it('rejects missing and surplus positional arguments', () => {
    expect(() => parseArgs([], options, positionals)).toThrow(/missing argument FILE/);
    expect(() => parseArgs(['a', 'b'], options, positionals)).toThrow(/unexpected argument "b"/);
  });
});
