// `paved template check`: validates a GitLab template's inputs as GitLab would and prints the
// configuration a project would get, so a bad include fails on a laptop rather than in a pipeline.

import * as path from 'node:path';
import type { CommandSpec } from '../cli/command';
import { InputError } from '../platform/errors';
import { readText } from '../platform/files';
import { code, table } from '../platform/markdown';
import { interpolate, parseInputArgument, parseTemplate, validateInputs } from './gitlab-inputs';

const templateCheck: CommandSpec = {
  path: ['template', 'check'],
  summary: "check a GitLab template's inputs the way GitLab does and print the resulting configuration",
  options: [{ name: 'input', short: 'i', type: 'string', multiple: true, valueName: 'NAME=VALUE', description: 'an include input (VALUE is read as YAML: 80 is a number, true a boolean)' }],
  positionals: [{ name: 'template', description: 'the template file (gitlab-templates/<name>.yml)', required: true }],
  examples: ['paved template check gitlab-templates/quality-gates.yml -i min_coverage=85 -i checks="test=npm test"'],
  async run(args, ctx) {
    const file = args.positional(0)!;
    const template = parseTemplate(file, readText(path.resolve(ctx.cwd, file), 'template'));
    const given = Object.fromEntries(args.strings('input').map(parseInputArgument));
    const { values, errors } = validateInputs(template, given);
    if (errors.length) {
      // GitLab reports at most three errors in its message.
      throw new InputError(errors.slice(0, 3).join(', '), { file, hint: 'see the spec:inputs header of the template for names, types and allowed options' });
    }
    const config = interpolate(template, values);
    return {
      step: 'template-check',
      verdict: 'pass',
      exitCode: 0,
      title: `${file}: inputs valid`,
      markdown: `## ${file}\n\n${table(['input', 'value'], Object.entries(values).map(([k, v]) => [k, JSON.stringify(v)]))}\n\n${code(config, 'yaml')}`,
      text: config,
      annotations: [],
      outputs: {},
      data: { file, inputs: values, config },
    };
  },
};

export const templateCommands: CommandSpec[] = [templateCheck];
