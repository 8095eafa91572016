import type { CommandSpec } from '../../src/cli/command';
import { runCli } from '../../src/cli/main';
import { GateFailure, InputError } from '../../src/platform/errors';
import { secrets } from '../../src/platform/redact';

const echo: CommandSpec = {
  path: ['demo', 'echo'],
  summary: 'prints what it is given',
  options: [
    { name: 'fail', type: 'boolean', description: 'fail the gate' },
    { name: 'count', type: 'number', description: 'a number' },
  ],
  positionals: [{ name: 'word', description: 'a word', required: true }],
  formats: { shout: (o) => `${String((o.data as { word: string }).word).toUpperCase()}\n` },
  async run(args) {
    const word = args.positional(0)!;
    if (word === 'bad') throw new InputError('the word is bad', { file: 'words.txt', hint: 'pick another word' });
    if (word === 'gate') throw new GateFailure('refused');
    const fail = args.flag('fail');
    return {
      step: 'demo',
      verdict: fail ? 'fail' : 'pass',
      exitCode: fail ? 1 : 0,
      title: `echo ${word}`,
      markdown: `## Echo\n\n| word |\n| --- |\n| ${word} |`,
      annotations: [],
      outputs: { word },
      data: { word, count: args.number('count') ?? null },
    };
  },
};
const other: CommandSpec = { ...echo, path: ['demo', 'other'], summary: 'another one' };
const commands = [echo, other];

describe('paved CLI conventions', () => {
  it('lists commands at the top and per group, and prints per-command help', async () => {
    const top = await runCli(['--help'], { commands });
    expect(top.exitCode).toBe(0);
    expect(top.stdout).toMatch(/demo echo\s+prints what it is given/);
    const group = await runCli(['demo'], { commands });
    expect(group.stdout).toContain('commands under "paved demo"');
    const help = await runCli(['demo', 'echo', '--help'], { commands });
    expect(help.stdout).toContain('usage: paved demo echo [options] <word>');
    expect(help.stdout).toMatch(/--format FORMAT\s+output format \(one of text\|json\|markdown\|shout; default text\)/);
    expect(help.stdout).toContain('exit codes: 0 success, 1 a gate or policy failed, 2 bad usage or bad input');
  });

  it('prints the version', async () => {
    const res = await runCli(['--version'], { commands });
    expect(res.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 on an unknown command or option, naming it', async () => {
    const unknown = await runCli(['demo', 'nope'], { commands });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('unknown command "paved demo nope"');
    const badOption = await runCli(['demo', 'echo', 'x', '--colour'], { commands });
    expect(badOption.exitCode).toBe(2);
    expect(badOption.stderr).toContain('paved demo echo: error: --colour: unknown option');
    expect(badOption.stderr).toContain('Run "paved demo echo --help" for usage.');
  });

  it('renders text, json, markdown and command-specific formats', async () => {
    const text = await runCli(['demo', 'echo', 'hello'], { commands, env: {} });
    expect(text.stdout).toContain('Echo\n====');
    const json = await runCli(['demo', 'echo', 'hello', '--count', '3', '--format', 'json'], { commands, env: {} });
    expect(JSON.parse(json.stdout)).toEqual({ word: 'hello', count: 3 });
    const md = await runCli(['demo', 'echo', 'hello', '--format', 'markdown'], { commands, env: {} });
    expect(md.stdout).toContain('| hello |');
    const shout = await runCli(['demo', 'echo', 'hello', '--format=shout'], { commands, env: {} });
    expect(shout.stdout).toBe('HELLO\n');
  });

  it('maps outcomes and errors to exit codes 0, 1 and 2 with the file and a hint', async () => {
    expect((await runCli(['demo', 'echo', 'ok'], { commands, env: {} })).exitCode).toBe(0);
    expect((await runCli(['demo', 'echo', 'ok', '--fail'], { commands, env: {} })).exitCode).toBe(1);
    expect((await runCli(['demo', 'echo', 'gate'], { commands, env: {} })).exitCode).toBe(1);
    const bad = await runCli(['demo', 'echo', 'bad'], { commands, env: {} });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe('paved demo echo: error: words.txt: the word is bad\n  hint: pick another word\n');
  });

  it('never prints a registered secret in any format', async () => {
    secrets.add('hunter2-secret');
    for (const format of ['text', 'json', 'markdown', 'shout']) {
      const res = await runCli(['demo', 'echo', 'hunter2-secret', '--format', format], { commands, env: {} });
      expect(res.stdout + res.stderr).not.toContain('hunter2-secret');
    }
  });
});
