// The pipeline files this repository ships: reusable workflows, starter workflows, actions and
// GitLab templates, read once for the pipeline tests.

import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface PipelineFile {
  /** Relative to the repository root. */
  file: string;
  text: string;
  doc: any;
}

function read(dir: string, filter: (name: string) => boolean): PipelineFile[] {
  const full = path.join(ROOT, dir);
  if (!fs.existsSync(full)) return [];
  return fs
    .readdirSync(full)
    .filter(filter)
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      return { file, text, doc: YAML.parse(text) };
    });
}

const isYaml = (name: string) => /\.ya?ml$/.test(name);

/** Reusable workflows (on: workflow_call) and the platform's own CI workflows. */
export const githubWorkflows = () => read('.github/workflows', isYaml);
/** Starter workflows a project copies. */
export const starterWorkflows = () => read('workflows', isYaml);
export const allWorkflows = () => [...githubWorkflows(), ...starterWorkflows()];

export function actions(): Array<PipelineFile & { name: string }> {
  return fs
    .readdirSync(path.join(ROOT, 'actions'))
    .filter((name) => fs.existsSync(path.join(ROOT, 'actions', name, 'action.yml')))
    .sort()
    .map((name) => {
      const file = path.join('actions', name, 'action.yml');
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      return { name, file, text, doc: YAML.parse(text) };
    });
}

/** GitLab templates: a `spec:` header document, then the configuration document. */
export function gitlabTemplates(): Array<{ file: string; name: string; text: string; spec: any; body: any; bodyText: string }> {
  const dir = path.join(ROOT, 'gitlab-templates');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter(isYaml)
    .sort()
    .map((name) => {
      const file = path.join('gitlab-templates', name);
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      const docs = YAML.parseAllDocuments(text, { customTags: [referenceTag] });
      const separator = text.indexOf('\n---\n');
      return {
        file,
        name: name.replace(/\.ya?ml$/, ''),
        text,
        spec: docs[0]?.toJS()?.spec,
        body: docs[1]?.toJS(),
        bodyText: separator === -1 ? '' : text.slice(separator + 5),
      };
    });
}

/** GitLab's `!reference [job, key]` tag, kept as data. */
export const referenceTag = {
  tag: '!reference',
  collection: 'seq' as const,
  resolve: (value: unknown) => value,
};
