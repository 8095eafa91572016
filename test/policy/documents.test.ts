import * as path from 'node:path';
import { InputError } from '../../src/platform/errors';
import { loadData, loadInputs, loadPolicySources, mergeData, parseDocuments } from '../../src/policy/documents';
import { FIXTURES, tempDir, writeFile } from './helpers';

describe('input documents', () => {
  it('reads JSON and every document of a multi-document YAML file, with the line each starts on', () => {
    const [deployments, good] = loadInputs(['deployment.yaml', 'good.json'], path.join(FIXTURES, 'conftest'));
    expect(deployments.documents.map((d) => (d.value as { metadata: { name: string } }).metadata.name)).toEqual(['hello-kubernetes', 'platform-agent']);
    expect(deployments.documents.map((d) => d.line)).toEqual([1, 22]);
    expect(good.documents).toHaveLength(1);
  });

  it('reads - from stdin once, however often it is named', () => {
    let reads = 0;
    const files = loadInputs(['-', '-'], FIXTURES, () => {
      reads++;
      return '{"kind": "Service"}';
    });
    expect(reads).toBe(1);
    expect(files.map((f) => f.documents[0].value)).toEqual([{ kind: 'Service' }, { kind: 'Service' }]);
  });

  it('parses stdin as YAML when it is not JSON', () => {
    const [file] = loadInputs(['-'], FIXTURES, () => 'kind: Pod\n---\nkind: Service\n');
    expect(file.documents.map((d) => d.value)).toEqual([{ kind: 'Pod' }, { kind: 'Service' }]);
  });

  it('names the file and the line of malformed JSON', () => {
    const dir = tempDir();
    writeFile(dir, 'plan.json', '{\n  "changes": [\n    {"address": "a",}\n  ]\n}\n');
    expect(() => loadInputs(['plan.json'], dir)).toThrow(InputError);
    try {
      loadInputs(['plan.json'], dir);
    } catch (err) {
      const e = err as InputError;
      expect(e.context.file).toBe('plan.json');
      expect(e.message).toMatch(/not valid JSON: .* at line 3, column \d+/);
    }
  });

  it('names the file and the line of malformed YAML', () => {
    const dir = tempDir();
    writeFile(dir, 'deploy.yaml', 'kind: Deployment\nspec:\n  replicas: [1, 2\n');
    expect(() => loadInputs(['deploy.yaml'], dir)).toThrow(/not valid YAML at line \d+, column \d+/);
    try {
      loadInputs(['deploy.yaml'], dir);
    } catch (err) {
      expect((err as InputError).context.file).toBe('deploy.yaml');
    }
  });

  it('rejects empty and missing input files by name', () => {
    const dir = tempDir();
    writeFile(dir, 'empty.yaml', '# nothing here\n');
    expect(() => loadInputs(['empty.yaml'], dir)).toThrow(/no document to check/);
    expect(() => loadInputs(['missing.json'], dir)).toThrow(/input file not found/);
    expect(() => loadInputs([], dir)).toThrow(/no input files/);
  });

  it('resolves YAML merge keys and keeps GitLab !reference tags as plain values', () => {
    const docs = parseDocuments('.gitlab-ci.yml', '.defaults: &defaults\n  image: node:20\njob:\n  <<: *defaults\n  script:\n    - !reference [.setup, script]\n');
    expect(docs[0].value).toEqual({ '.defaults': { image: 'node:20' }, job: { image: 'node:20', script: [['.setup', 'script']] } });
  });

  it('tries JSON then YAML for unknown extensions', () => {
    expect(parseDocuments('x.tfplan', '{"a": 1}')).toEqual([{ value: { a: 1 }, line: 1 }]);
    expect(parseDocuments('x.conf', 'a: 1')).toEqual([{ value: { a: 1 }, line: 1 }]);
  });
});

describe('data documents', () => {
  it('deep-merges data files in order, later files overriding only the keys they name', () => {
    const dir = tempDir();
    writeFile(dir, 'defaults.json', JSON.stringify({ paved: { config: { max_changes: { default: 100, prod: 30 }, required_tags: ['owner'] } } }));
    writeFile(dir, 'team.yaml', 'paved:\n  config:\n    max_changes:\n      prod: 10\n    required_tags: [owner, team]\n');
    const data = loadData(['defaults.json', 'team.yaml'], { cwd: dir });
    expect(data).toEqual({ paved: { config: { max_changes: { default: 100, prod: 10 }, required_tags: ['owner', 'team'] } } });
  });

  it('loads only data files from policy paths, and rejects other files given as --data', () => {
    expect(loadData([path.join(FIXTURES, 'conftest', 'policy')], { policyPaths: true })).toEqual({});
    const dir = tempDir();
    writeFile(dir, 'notes.txt', 'hello');
    expect(() => loadData(['notes.txt'], { cwd: dir })).toThrow(/must be .json, .yaml or .yml/);
    writeFile(dir, 'list.json', '[1, 2]');
    expect(() => loadData(['list.json'], { cwd: dir })).toThrow(/object at its top level/);
  });

  it('merges nested objects and replaces arrays and scalars', () => {
    expect(mergeData({ a: { b: 1, c: [1] }, d: 1 }, { a: { c: [2] }, d: { e: 1 } })).toEqual({ a: { b: 1, c: [2] }, d: { e: 1 } });
  });
});

describe('policy sources', () => {
  it('collects .rego files recursively, in a stable order, keeping the path as the user spelled it', () => {
    const sources = loadPolicySources(['policy'], path.join(FIXTURES, 'conftest'));
    expect(sources.map((s) => s.file)).toEqual([path.join('policy', 'kubernetes.rego'), path.join('policy', 'lib.rego'), path.join('policy', 'services.rego')]);
  });

  it('refuses to run with no policies at all', () => {
    expect(() => loadPolicySources([tempDir()])).toThrow(/no .rego policy files found/);
    expect(() => loadPolicySources(['nope'], tempDir())).toThrow(/policy path not found/);
  });
});
