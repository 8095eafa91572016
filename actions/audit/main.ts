// The audit action: the same settings and core as `paved audit run`, delivered through the GitHub face.

import { runAction } from '../../src/platform/github';
import { auditRunOptions } from '../../src/governor/options';
import { runAudit } from '../../src/governor/step';

runAction('audit', async (inputs, face) => {
  const root = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const options = auditRunOptions(
    {
      string: (name) => (name.endsWith('-token') ? inputs.secret(name) : inputs.string(name)),
      list: (name) => inputs.list(name),
      number: (name) => inputs.number(name),
      boolean: (name, fallback) => inputs.boolean(name, fallback),
      field: (name) => `with.${name}`,
    },
    root,
    process.env,
  );
  return runAudit(options, (line) => face.info(line));
});
