// Bundled by ncc and run as a child process at test time (see github-parser.ts):
// @actions/workflow-parser is ESM that imports JSON without import attributes, which plain Node
// and jest's module sandbox cannot load, but a bundle can. Reads {workflows, actions} from stdin.

import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index';

const errorsOf = (result) => result.context.errors.getErrors().map((e) => ({ message: e.message }));

async function checkWorkflow(name, content) {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = errorsOf(result);
  const uses = [];
  if (result.value) {
    const template = await convertWorkflowTemplate(result.context, result.value);
    for (const e of template.errors ?? []) errors.push({ message: e.Message });
    for (const job of template.jobs ?? []) {
      if (job.type === 'reusableWorkflowJob' && job.ref) uses.push(job.ref.value);
      for (const step of job.steps ?? []) if (step.uses) uses.push(step.uses.value);
    }
  }
  return { errors, uses };
}

function checkAction(name, content) {
  const result = parseAction({ name, content }, new NoOperationTraceWriter());
  const errors = errorsOf(result);
  const template = result.value ? convertActionTemplate(result.context, result.value) : undefined;
  return { errors, using: template?.runs?.using };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const { workflows = [], actions = [] } = JSON.parse(input);
  const out = { workflows: {}, actions: {} };
  for (const w of workflows) out.workflows[w.name] = await checkWorkflow(w.name, w.content);
  for (const a of actions) out.actions[a.name] = checkAction(a.name, a.content);
  process.stdout.write(JSON.stringify(out));
});
