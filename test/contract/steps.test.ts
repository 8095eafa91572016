// The plan and apply steps through the CLI, the way users and GitLab jobs run them: the scripts
// contract, driving terraform/pulumi (fake executables on PATH), and every apply refusal.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { FIXTURES, tempDir } from './helpers';

const terraformFixture = path.join(FIXTURES, 'terraform-mixed.json');
const pulumiFixture = path.join(FIXTURES, 'pulumi-mixed.json');
const COMMIT = 'a'.repeat(40);
const OTHER_COMMIT = 'b'.repeat(40);
// The tests run outside GitHub and GitLab whatever the environment that runs them says.
const baseEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };

function project(files: Record<string, string>): string {
  const dir = tempDir('paved-project-');
  for (const [name, body] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body, { mode: name.endsWith('.sh') || name.startsWith('bin/') ? 0o755 : 0o644 });
  }
  return dir;
}

async function paved(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return runCli(argv, { cwd, env: { ...baseEnv, ...env } });
}

const planScript = (source: string) => `#!/usr/bin/env bash
set -eu
echo "env=\${PAVED_ENVIRONMENT:-none}" > seen-env.txt
echo "planning for \${PAVED_ENVIRONMENT:-none}"
cp "${source}" "$PLAN_JSON"
`;

describe('paved plan run with scripts/plan.sh', () => {
  test('runs the script with PLAN_JSON and PAVED_ENVIRONMENT, writes plan.json, its digest and the GitLab report', async () => {
    const dir = project({ 'scripts/plan.sh': planScript(terraformFixture) });
    const out = path.join(dir, 'out');
    const result = await paved(['plan', 'run', '--dir', dir, '--env', 'staging', '-o', path.join(out, 'plan.json'), '--gitlab-report', path.join(out, 'tf.json'), '--commit', COMMIT, '--format', 'json'], dir);
    expect(result.stderr).toContain('planning for staging');
    expect(result.exitCode).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'seen-env.txt'), 'utf8')).toBe('env=staging\n');
    const data = JSON.parse(result.stdout);
    const plan = JSON.parse(fs.readFileSync(path.join(out, 'plan.json'), 'utf8'));
    expect(plan.source).toEqual({ directory: dir, environment: 'staging', commit: COMMIT });
    expect(fs.readFileSync(path.join(out, 'plan.json.sha256'), 'utf8')).toBe(`${data.digest}  plan.json\n`);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'tf.json'), 'utf8'))).toEqual({ create: 4, update: 1, delete: 3 });
    expect(data.summary).toEqual(plan.summary);
  });

  test('the report: counts above the fold, destroyed resources listed, details folded, sticky comment key per environment', async () => {
    const dir = project({ 'scripts/plan.sh': planScript(terraformFixture) });
    const result = await paved(['plan', 'run', '--dir', dir, '--env', 'prod', '-o', path.join(dir, 'plan.json'), '--format', 'markdown'], dir);
    expect(result.exitCode).toBe(0);
    const md = result.stdout;
    const table = md.indexOf('| Action | Resources |');
    const destroyed = md.indexOf('**Destroyed, replaced or possibly replaced:**');
    const folded = md.indexOf('<details><summary>All ');
    expect(table).toBeGreaterThan(0);
    expect(md.indexOf('[!CAUTION]')).toBeLessThan(table);
    expect(destroyed).toBeGreaterThan(table);
    expect(folded).toBeGreaterThan(destroyed);
    expect(md.slice(destroyed, folded)).toContain('`aws_db_instance.main` **replace**');
    expect(md.slice(destroyed, folded)).toContain('`module.net.aws_subnet.private[1]` **delete**');
    expect(md.slice(destroyed, folded)).not.toContain('aws_s3_bucket.cache');
    expect(md).toContain('Drift: 1 resource changed outside terraform');
  });

  test('the script may write a contract plan itself', async () => {
    const work = tempDir();
    const converted = await paved(['plan', 'convert', pulumiFixture, '-o', path.join(work, 'contract.json')], work);
    expect(converted.exitCode).toBe(0);
    const dir = project({ 'scripts/plan.sh': planScript(path.join(work, 'contract.json')) });
    const result = await paved(['plan', 'run', '--dir', dir, '--env', 'dev', '--format', 'json'], dir);
    expect(result.exitCode).toBe(0);
    const plan = JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf8'));
    expect(plan.tool.name).toBe('pulumi');
    expect(plan.source.environment).toBe('dev');
    expect(plan.changes).toHaveLength(7);
  });

  test('a failing script fails the step (exit 1) and writes nothing', async () => {
    const dir = project({ 'scripts/plan.sh': '#!/usr/bin/env bash\necho "Error: provider credentials missing" >&2\nexit 3\n' });
    const result = await paved(['plan', 'run', '--dir', dir], dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/scripts\/plan.sh failed with exit code 3/);
    expect(result.stderr).toContain('provider credentials missing');
    expect(fs.existsSync(path.join(dir, 'plan.json'))).toBe(false);
  });

  test('a script that writes nothing, or a truncated plan, is bad input (exit 2) and writes nothing', async () => {
    const silent = project({ 'scripts/plan.sh': '#!/usr/bin/env bash\ntrue\n' });
    const r1 = await paved(['plan', 'run', '--dir', silent], silent);
    expect(r1.exitCode).toBe(2);
    expect(r1.stderr).toMatch(/wrote nothing to \$PLAN_JSON/);
    const truncated = project({ 'scripts/plan.sh': `#!/usr/bin/env bash\nhead -c 2000 "${terraformFixture}" > "$PLAN_JSON"\n` });
    const r2 = await paved(['plan', 'run', '--dir', truncated], truncated);
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr).toMatch(/truncated/);
    expect(fs.readdirSync(truncated).sort()).toEqual(['scripts']);
  });

  test('no script and no tool on PATH says what to add', async () => {
    const dir = project({ 'main.tf': '' });
    const result = await paved(['plan', 'run', '--dir', dir], dir, { PATH: '/nonexistent' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/no scripts\/plan.sh in the project and terraform, tofu is not on PATH/);
  });
});

/** A fake terraform: logs its arguments, writes the -out planfile, and `show -json` prints the fixture. */
const fakeTerraform = (fixture: string) => `#!/usr/bin/env bash
echo "$*" >> "$FAKE_LOG"
case "$1" in
  init) echo "Terraform has been successfully initialized!" ;;
  plan) for a in "$@"; do case "$a" in -out=*) echo "binary-plan-v1" > "\${a#-out=}" ;; esac; done; echo "Plan: 4 to add" ;;
  show) cat "${fixture}" ;;
  apply) echo "Apply complete!" ;;
esac
`;

const fakePulumi = (fixture: string) => `#!/usr/bin/env bash
echo "$*" >> "$FAKE_LOG"
case "$1" in
  preview) for a in "$@"; do case "$a" in --save-plan=*) echo '{"resourcePlans":{}}' > "\${a#--save-plan=}" ;; esac; done; cat "${fixture}" ;;
  up) echo "Update complete" ;;
esac
`;

describe('paved plan run / apply driving the tool', () => {
  test('terraform: init, plan -out, show -json; apply uses exactly the saved planfile', async () => {
    const dir = project({ 'main.tf': 'resource "null_resource" "x" {}\n', 'prod.tfvars': 'x = 1\n', 'bin/terraform': fakeTerraform(terraformFixture) });
    const log = path.join(dir, 'calls.log');
    const env = { PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, FAKE_LOG: log, GITHUB_SHA: COMMIT };
    const planned = await paved(['plan', 'run', '--dir', dir, '--env', 'prod', '--format', 'json'], dir, env);
    expect(planned.exitCode).toBe(0);
    const data = JSON.parse(planned.stdout);
    expect(data.source).toMatchObject({ plan_file: '.paved/prod.tfplan', commit: COMMIT, environment: 'prod' });
    expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      'init -input=false -no-color',
      'plan -input=false -no-color -out=.paved/prod.tfplan -var-file=prod.tfvars',
      'show -json .paved/prod.tfplan',
    ]);

    const refused = await paved(['apply', 'plan.json', '--approved-digest', data.digest, '--env', 'prod'], dir, env);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(/protected environment "prod"/);

    const applied = await paved(['apply', 'plan.json', '--approved-digest', data.digest, '--env', 'prod', '--allow-deletes', '--format', 'json'], dir, env);
    expect(applied.stderr).toContain('Apply complete!');
    expect(applied.exitCode).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ applied: true, digest: data.digest, environment: 'prod' });
    expect(fs.readFileSync(log, 'utf8').trim().split('\n').pop()).toBe('apply -input=false -no-color .paved/prod.tfplan');

    fs.writeFileSync(path.join(dir, '.paved', 'prod.tfplan'), 'tampered\n');
    const tampered = await paved(['apply', 'plan.json', '--approved-digest', data.digest, '--env', 'prod', '--allow-deletes'], dir, env);
    expect(tampered.exitCode).toBe(1);
    expect(tampered.stderr).toMatch(/differs from the one recorded in the reviewed plan/);
  });

  test('pulumi: preview --json --save-plan; apply runs pulumi up --plan', async () => {
    const dir = project({ 'Pulumi.yaml': 'name: shop\nruntime: nodejs\n', 'bin/pulumi': fakePulumi(pulumiFixture) });
    const log = path.join(dir, 'calls.log');
    const env = { PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, FAKE_LOG: log, CI_COMMIT_SHA: COMMIT };
    const planned = await paved(['plan', 'run', '--dir', dir, '--env', 'staging', '--format', 'json'], dir, env);
    expect(planned.exitCode).toBe(0);
    const data = JSON.parse(planned.stdout);
    expect(data.tool.name).toBe('pulumi');
    expect(fs.readFileSync(log, 'utf8').trim()).toBe('preview --json --non-interactive --save-plan=.paved/staging.pulumi-plan.json --stack staging');
    const applied = await paved(['apply', 'plan.json', '--approved-digest', `sha256:${data.digest.toUpperCase()}`], dir, env);
    expect(applied.exitCode).toBe(0);
    expect(fs.readFileSync(log, 'utf8').trim().split('\n').pop()).toBe('up --yes --non-interactive --skip-preview --plan=.paved/staging.pulumi-plan.json --stack staging');
  });
});

describe('paved apply refuses anything but the reviewed plan', () => {
  async function reviewed(fixture = terraformFixture, env = 'staging', planExit = 0) {
    const dir = project({ 'scripts/plan.sh': planScript(fixture), 'scripts/apply.sh': '#!/usr/bin/env bash\necho "applying $PLAN_JSON for $PAVED_ENVIRONMENT digest $PAVED_PLAN_DIGEST" | tee applied.txt\n' });
    const planned = await paved(['plan', 'run', '--dir', '.', '--env', env, '--commit', COMMIT, '--format', 'json'], dir);
    expect(planned.exitCode).toBe(planExit);
    return { dir, digest: JSON.parse(planned.stdout).digest as string };
  }

  test('the approved plan is applied through scripts/apply.sh with PLAN_JSON set', async () => {
    const { dir, digest } = await reviewed();
    const line = fs.readFileSync(path.join(dir, 'plan.json.sha256'), 'utf8');
    expect(line.startsWith(digest)).toBe(true);
    const result = await paved(['apply', 'plan.json', '--approved-digest', line, '--commit', COMMIT], dir);
    expect(result.exitCode).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'applied.txt'), 'utf8')).toBe(`applying ${path.join(dir, 'plan.json')} for staging digest ${digest}\n`);
  });

  test('a plan edited after review', async () => {
    const { dir, digest } = await reviewed();
    const file = path.join(dir, 'plan.json');
    const original = fs.readFileSync(file, 'utf8');
    const edited = original.replace('"destroys":true', '"destroys":false');
    expect(edited).not.toBe(original);
    fs.writeFileSync(file, edited);
    const result = await paved(['apply', 'plan.json', '--approved-digest', digest, '--commit', COMMIT], dir);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/differs from the approved/);
    expect(fs.existsSync(path.join(dir, 'applied.txt'))).toBe(false);
  });

  test('a plan made from another commit, or for another environment', async () => {
    const { dir, digest } = await reviewed();
    const stale = await paved(['apply', 'plan.json', '--approved-digest', digest], dir, { GITHUB_SHA: OTHER_COMMIT });
    expect(stale.exitCode).toBe(1);
    expect(stale.stdout).toMatch(new RegExp(`made from commit ${COMMIT}, but commit ${OTHER_COMMIT} is being applied`));
    const elsewhere = await paved(['apply', 'plan.json', '--approved-digest', digest, '--commit', COMMIT, '--env', 'prod'], dir);
    expect(elsewhere.exitCode).toBe(1);
    expect(elsewhere.stdout).toMatch(/made for environment "staging", not "prod"/);
    expect(fs.existsSync(path.join(dir, 'applied.txt'))).toBe(false);
  });

  test('deletes in a protected environment need --allow-deletes; --protected-envs names them', async () => {
    const { dir, digest } = await reviewed(terraformFixture, 'production');
    const refused = await paved(['apply', 'plan.json', '--approved-digest', digest, '--commit', COMMIT], dir);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(/destroys or may destroy 3 resource\(s\) in protected environment "production": aws_db_instance.main \(replace\)/);
    const unprotected = await paved(['apply', 'plan.json', '--approved-digest', digest, '--commit', COMMIT, '--protected-envs', 'live'], dir);
    expect(unprotected.exitCode).toBe(0);
  });

  test('an errored plan is never applied', async () => {
    const dir0 = tempDir();
    const errored = path.join(dir0, 'errored.json');
    fs.writeFileSync(errored, JSON.stringify({ format_version: '1.2', resource_changes: [], errored: true }));
    const { dir, digest } = await reviewed(errored, 'staging', 1);
    const result = await paved(['apply', 'plan.json', '--approved-digest', digest, '--commit', COMMIT], dir);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/the plan errored/);
  });

  test('usage errors: a malformed digest, a native plan instead of a contract plan', async () => {
    const { dir } = await reviewed();
    const bad = await paved(['apply', 'plan.json', '--approved-digest', 'abc123'], dir);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--approved-digest: is not a sha256 digest/);
    fs.copyFileSync(terraformFixture, path.join(dir, 'native.json'));
    const digest = require('node:crypto').createHash('sha256').update(fs.readFileSync(path.join(dir, 'native.json'))).digest('hex');
    const native = await paved(['apply', 'native.json', '--approved-digest', digest], dir);
    expect(native.exitCode).toBe(2);
    expect(native.stderr).toMatch(/not a contract plan/);
  });
});

describe('paved plan convert', () => {
  test('prints the contract plan without -o; --help documents the command', async () => {
    const dir = tempDir();
    const result = await paved(['plan', 'convert', terraformFixture], dir);
    expect(result.exitCode).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.changes).toHaveLength(11);
    expect(fs.readdirSync(dir)).toEqual([]);
    const help = await paved(['plan', 'convert', '--help'], dir);
    expect(help.stdout).toMatch(/--tool TOOL .*auto\|terraform\|opentofu\|pulumi\|cloudformation/);
  });

  test('- reads the plan from standard input (terraform show -json tfplan | paved plan convert -)', () => {
    const dir = tempDir();
    const cli = path.resolve(__dirname, '..', '..', 'src', 'cli', 'index.ts');
    const result = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), cli, 'plan', 'convert', '-', '-o', 'plan.json', '--format', 'json'], {
      cwd: dir,
      input: fs.readFileSync(pulumiFixture),
      encoding: 'utf8',
      env: { ...baseEnv, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PROJECT: path.resolve(__dirname, '..', '..', 'tsconfig.json') },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).tool.name).toBe('pulumi');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf8')).changes).toHaveLength(7);
  }, 60000);

  test('an unknown --tool is a usage error naming the option', async () => {
    const result = await paved(['plan', 'convert', terraformFixture, '--tool', 'ansible'], tempDir());
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--tool: "ansible" is not one of/);
  });
});
