// The small pieces the gate is built from: the command splitter (no shell), check detection from
// a repository's files, globs, and the mapping of report paths to repository files.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectChecks, parseCheck, splitCommand } from '../../src/gate/checks';
import { expandGlob, globToRegExp } from '../../src/gate/glob';
import { RepoPaths } from '../../src/gate/paths';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-gate-tree-'));
  dirs.push(dir);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

describe('splitCommand', () => {
  test.each([
    ['npm run lint', ['npm', 'run', 'lint']],
    ['  pytest   -q  ', ['pytest', '-q']],
    [`node -e "console.log('a b')"`, ['node', '-e', "console.log('a b')"]],
    [`echo 'it''s' "say \\"hi\\"" a\\ b`, ['echo', 'its', 'say "hi"', 'a b']],
    ['echo $HOME ; rm -rf / | cat', ['echo', '$HOME', ';', 'rm', '-rf', '/', '|', 'cat']],
    [`printf ''`, ['printf', '']],
  ])('%s', (command, argv) => {
    expect(splitCommand(command)).toEqual(argv);
  });

  test('NAME=COMMAND keeps "=" inside the command', () => {
    expect(parseCheck('types=tsc --noEmit -p=tsconfig.json')).toEqual({ name: 'types', argv: ['tsc', '--noEmit', '-p=tsconfig.json'] });
    expect(() => parseCheck('lint=')).toThrow(/check "lint" has an empty command/);
    expect(() => parseCheck('=npm test')).toThrow(/expected NAME=COMMAND/);
  });
});

describe('detectChecks', () => {
  test('package.json scripts, with the package manager the lockfile names', () => {
    const dir = tree({ 'package.json': JSON.stringify({ scripts: { lint: 'eslint .', 'type-check': 'tsc', test: 'jest', build: 'tsc -b' } }), 'pnpm-lock.yaml': '' });
    expect(detectChecks(dir)).toEqual([
      { name: 'lint', argv: ['pnpm', 'run', 'lint'] },
      { name: 'typecheck', argv: ['pnpm', 'run', 'type-check'] },
      { name: 'test', argv: ['pnpm', 'run', 'test'] },
    ]);
  });

  test('pyproject.toml tools and go.mod, with unique names', () => {
    const dir = tree({ 'pyproject.toml': '[tool.ruff]\nline-length = 100\n[tool.mypy]\nstrict = true\n[tool.pytest.ini_options]\naddopts = "-q"\n', 'go.mod': 'module example.com/x\n' });
    expect(detectChecks(dir).map((c) => [c.name, c.argv.join(' ')])).toEqual([
      ['lint', 'ruff check .'],
      ['typecheck', 'mypy .'],
      ['test', 'pytest'],
      ['vet', 'go vet ./...'],
      ['test-2', 'go test ./...'],
    ]);
  });

  test('a broken manifest is an error naming the file', () => {
    expect(() => detectChecks(tree({ 'package.json': '{ nope' }))).toThrow(/package\.json is not valid JSON/);
    expect(() => detectChecks(tree({ 'pyproject.toml': '[tool\n' }))).toThrow(/pyproject\.toml is not valid TOML/);
  });

  test('an empty directory has no checks', () => {
    expect(detectChecks(tree({}))).toEqual([]);
  });
});

describe('globs', () => {
  test.each([
    ['reports/**/TEST-*.xml', 'reports/a/b/TEST-x.xml', true],
    ['reports/**/TEST-*.xml', 'reports/TEST-x.xml', true],
    ['reports/*.xml', 'reports/a/x.xml', false],
    ['coverage/{lcov.info,clover.xml}', 'coverage/clover.xml', true],
    ['a?.txt', 'ab.txt', true],
    ['[ab].txt', 'c.txt', false],
  ])('%s vs %s', (pattern, file, matches) => {
    expect(globToRegExp(pattern).test(file)).toBe(matches);
  });

  test('expansion walks from the static prefix, sorted, never into node_modules; a plain path is kept as given', () => {
    const dir = tree({ 'r/b/TEST-2.xml': '', 'r/TEST-1.xml': '', 'r/node_modules/TEST-3.xml': '', 'r/other.xml': '' });
    expect(expandGlob('r/**/TEST-*.xml', dir)).toEqual(['r/TEST-1.xml', 'r/b/TEST-2.xml']);
    expect(expandGlob('r/missing.xml', dir)).toEqual(['r/missing.xml']);
    expect(expandGlob('nothing/**/*.xml', dir)).toEqual([]);
  });
});

describe('RepoPaths', () => {
  const dir = tree({ 'src/app/calc.js': '', 'src/lib/calc.js': '', 'pkg/util.go': '', 'README.md': '' });
  const repo = new RepoPaths(dir);

  test.each([
    ['src/app/calc.js', [], 'src/app/calc.js', true],
    [path.join(dir, 'src/lib/calc.js'), [], 'src/lib/calc.js', true],
    ['/home/runner/work/x/x/src/app/calc.js', [], 'src/app/calc.js', true],
    ['C:\\build\\x\\src\\lib\\calc.js', [], 'src/lib/calc.js', true],
    ['app/calc.js', ['/builds/x/src'], 'src/app/calc.js', true],
    ['example.com/mod/pkg/util.go', [], 'pkg/util.go', true],
    // Two files end in calc.js: a bare name is ambiguous and never guessed.
    ['calc.js', [], 'calc.js', false],
    ['/elsewhere/other.js', [], '/elsewhere/other.js', false],
  ])('%s (sources %j) → %s', (reported, roots, expected, exists) => {
    expect(repo.resolve(reported, roots as string[])).toEqual({ path: expected, exists });
  });
});
