import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../src/platform/errors';
import { readJson, writeFileAtomic, writeFilesAtomic } from '../../src/platform/files';
import { run } from '../../src/platform/exec';
import { Redactor, secrets } from '../../src/platform/redact';

describe('secret redaction', () => {
  it('replaces every registered value, longest first, including lines of multi-line secrets', () => {
    const r = new Redactor();
    r.add('abcd');
    r.add('abcdefgh');
    r.add('-----BEGIN KEY-----\nMIIEsecretline\n-----END KEY-----');
    expect(r.redact('x abcdefgh y abcd')).toBe('x *** y ***');
    expect(r.redact('leaked MIIEsecretline alone')).toBe('leaked *** alone');
  });

  it('ignores values too short to be secrets', () => {
    const r = new Redactor();
    r.add('ab');
    expect(r.redact('ab ab')).toBe('ab ab');
  });
});

describe('file outputs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-files-'));

  it('writes atomically and redacts secrets on the way out', () => {
    secrets.add('s3cr3t-value');
    const file = path.join(dir, 'out', 'report.md');
    writeFileAtomic(file, 'token: s3cr3t-value');
    expect(fs.readFileSync(file, 'utf8')).toBe('token: ***');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['report.md']);
  });

  it('leaves none of a set of outputs behind when one cannot be written', () => {
    const ok = path.join(dir, 'a.json');
    const blocked = path.join(dir, 'a.json', 'b.json'); // a file cannot be a directory
    expect(() => writeFilesAtomic([{ file: ok, data: '{}' }, { file: blocked, data: '{}' }])).toThrow(InputError);
    expect(fs.existsSync(ok)).toBe(false);
  });

  it('names the file when JSON input is missing, empty or malformed', () => {
    expect(() => readJson(path.join(dir, 'missing.json'))).toThrow(/missing\.json: JSON file not found/);
    fs.writeFileSync(path.join(dir, 'empty.json'), '');
    expect(() => readJson(path.join(dir, 'empty.json'), 'plan')).toThrow(/empty\.json: plan is empty/);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"a": ');
    expect(() => readJson(path.join(dir, 'bad.json'))).toThrow(/bad\.json: .*not valid JSON/);
  });
});

describe('processes', () => {
  it('passes arguments as an array: shell syntax in an argument stays literal', async () => {
    const res = await run(process.execPath, ['-e', 'console.log(process.argv[1])', '$(echo pwned); rm -rf /']);
    expect(res.exitCode).toBe(0);
    expect(res.stdout.trim()).toBe('$(echo pwned); rm -rf /');
  });

  it('streams redacted lines and reports a missing command clearly', async () => {
    secrets.add('streamed-secret');
    const lines: string[] = [];
    await run(process.execPath, ['-e', 'console.log("a streamed-secret"); console.error("b")'], { onLine: (l) => lines.push(l) });
    expect(lines.sort()).toEqual(['a ***', 'b']);
    await expect(run('definitely-not-a-command-xyz', [])).rejects.toThrow(/command not found: definitely-not-a-command-xyz/);
  });

  it('stops a process that runs past its time limit', async () => {
    const res = await run(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 200 });
    expect(res.timedOut).toBe(true);
    expect(res.exitCode).not.toBe(0);
  });
});
