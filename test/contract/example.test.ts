// The README quickstart's example project works as documented, on a copy of it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { tempDir } from './helpers';

const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'infra-app');
const COMMIT = 'c0ffee'.padEnd(40, '0');

function copyExample(): string {
  const dir = path.join(tempDir('paved-example-'), 'infra-app');
  fs.cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.paved`) });
  return dir;
}

const env = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_SHA: COMMIT };

test.each(['dev', 'staging', 'prod'])('plan.sh writes a valid plan for %s that varies with the environment', async (environment) => {
  const dir = copyExample();
  const result = await runCli(['plan', 'run', '--env', environment, '--format', 'json'], { cwd: dir, env });
  expect(result.exitCode).toBe(0);
  const data = JSON.parse(result.stdout);
  expect(data.source).toEqual({ directory: '.', environment, commit: COMMIT });
  expect(data.summary.has_deletes).toBe(environment === 'prod');
  const plan = JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf8'));
  const service = plan.changes.find((c: { address: string }) => c.address === 'module.app.aws_ecs_service.web');
  expect(service.after.desired_count).toBe({ dev: 1, staging: 2, prod: 6 }[environment]);
  expect(JSON.stringify(plan)).not.toContain('example-only');
});

test('apply.sh applies the reviewed plan and records it; prod deletes need --allow-deletes', async () => {
  const dir = copyExample();
  const planned = await runCli(['plan', 'run', '--env', 'prod', '--format', 'json'], { cwd: dir, env });
  const { digest } = JSON.parse(planned.stdout);
  const refused = await runCli(['apply', 'plan.json', '--approved-digest', digest, '--env', 'prod'], { cwd: dir, env });
  expect(refused.exitCode).toBe(1);
  expect(refused.stdout).toContain('aws_sqs_queue.legacy_jobs');
  const applied = await runCli(['apply', 'plan.json', '--approved-digest', digest, '--env', 'prod', '--allow-deletes'], { cwd: dir, env });
  expect(applied.exitCode).toBe(0);
  expect(applied.stderr).toContain('delete   aws_sqs_queue.legacy_jobs');
  const record = JSON.parse(fs.readFileSync(path.join(dir, '.paved', 'applied-prod.json'), 'utf8'));
  expect(record).toMatchObject({ environment: 'prod', digest, commit: COMMIT });
});
