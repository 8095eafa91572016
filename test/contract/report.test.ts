// The report stays readable and under GitHub's comment limit for big plans; the sensitive-value
// digests are plain HMAC-SHA256, so anyone holding the key can check them with standard tools.

import { createHmac } from 'node:crypto';
import * as path from 'node:path';
import { GITHUB_COMMENT_LIMIT } from '../../src/platform/comment';
import { markdownToText } from '../../src/platform/markdown';
import { planMarkdown, planTitle } from '../../src/contract/report';
import { canonicalJson } from '../../src/contract/values';
import { generateTerraformPlan } from './generate';
import { byAddress, convertFile, FIXTURES, tempDir } from './helpers';

describe('the report of a plan with thousands of changes', () => {
  const dir = tempDir();
  const generated = generateTerraformPlan(path.join(dir, 'native.json'), 6000 * 1900);
  const { converted } = convertFile(generated.file, { environment: 'prod' });
  const markdown = planMarkdown({ ...converted, planPath: 'plan.json' });

  test('fits in one GitHub comment, with the counts first and what was left out counted', () => {
    expect(markdown.length).toBeLessThan(GITHUB_COMMENT_LIMIT - 1000);
    expect(markdown.indexOf('| Action | Resources |')).toBeLessThan(600);
    expect(markdown).toMatch(/…and \d+ more/);
    expect(markdown).toContain(`| 🗑️ delete | ${generated.counts.delete} |`);
    expect(markdown.split('<details>').length).toBe(markdown.split('</details>').length);
  });

  test('the title and the terminal text say the same', () => {
    expect(planTitle(converted.header)).toBe(
      `Plan for prod: ${generated.counts.create} to create, ${generated.counts.update} to update, ${generated.counts.replace} to replace, ${generated.counts.delete} to delete (${generated.counts.replace + generated.counts.delete} destructive)`,
    );
    const text = markdownToText(markdown);
    expect(text).toContain('This plan destroys or may destroy');
    expect(text).not.toContain('<details>');
  });
});

test('a digest is HMAC-SHA256(key, address NUL canonical JSON of the value)', () => {
  const key = 'a-random-ci-secret-0123456789';
  const { plan } = convertFile(path.join(FIXTURES, 'terraform-mixed.json'), { env: { PAVED_PLAN_HASH_KEY: key } });
  const expected = createHmac('sha256', key).update(`aws_db_instance.main\0${canonicalJson('db-after-secret-Battery-Staple')}`).digest('hex');
  expect((byAddress(plan, 'aws_db_instance.main').after as any).password).toEqual({ sensitive: `hmac-sha256:${expected}` });
  expect(canonicalJson({ b: [1, { d: 2, c: null }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":null,"d":2}]}');
});
