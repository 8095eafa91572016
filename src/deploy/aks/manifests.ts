// Reads the project's Kubernetes manifests (plain YAML files or folders, e.g. `k8s/overlays/prod`; a folder
// with a kustomization.yaml is rendered with `kubectl kustomize` when kubectl is on PATH) and finds the
// pieces of a blue-green app: the Deployment template, the production Service (whose selector must carry
// the colour key), an optional `<app>-preview` Service, and the other objects applied unchanged.
// Everything is validated here, before any request is sent.

import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { InputError } from '../../platform/errors';
import { onPath, run } from '../../platform/exec';
import { readText } from '../../platform/files';
import { APPLICABLE_KINDS, type KubeObject } from './kube';

export const COLOURS = ['blue', 'green'] as const;
export type Colour = (typeof COLOURS)[number];

export interface AppManifests {
  app: string;
  /** The Deployment to run in each colour (name, selector and labels are rewritten per colour). */
  deployment: KubeObject;
  service: KubeObject;
  previewService?: KubeObject;
  /** Objects applied as they are, before the new colour (ConfigMaps, Secrets, ...). */
  others: KubeObject[];
  /** The namespace the manifests name, if any. */
  namespace?: string;
  files: string[];
}

export interface ManifestOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  app?: string;
  service?: string;
  colourLabel: string;
}

export async function loadManifests(inputs: string[], options: ManifestOptions): Promise<AppManifests> {
  if (!inputs.length) throw new InputError('no manifests given', { field: 'manifests', hint: 'pass --manifests k8s/overlays/<env> (a folder or YAML files)' });
  const docs: Array<{ file: string; object: KubeObject }> = [];
  const files: string[] = [];
  for (const input of withBase(inputs, options.cwd)) {
    const full = path.resolve(options.cwd, input);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      throw new InputError('manifests not found', { file: input, field: 'manifests', hint: 'give a folder such as k8s/overlays/prod or YAML files, relative to the working directory' });
    }
    if (isKustomization(full)) {
      docs.push(...parseDocs(await kustomize(input, full, options), input));
      files.push(input);
    } else if (stat.isDirectory()) {
      const entries = fs.readdirSync(full).filter((f) => /\.ya?ml$/i.test(f)).sort();
      if (!entries.length) throw new InputError('folder has no .yaml files', { file: input, field: 'manifests' });
      for (const entry of entries) {
        const file = path.join(input, entry);
        docs.push(...parseDocs(readText(path.join(full, entry), 'manifest'), file));
        files.push(file);
      }
    } else {
      docs.push(...parseDocs(readText(full, 'manifest'), input));
      files.push(input);
    }
  }
  return pickApp(layer(docs), options, files);
}

function isKustomization(dir: string): boolean {
  return ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((k) => fs.existsSync(path.join(dir, k)));
}

/**
 * The seed's layout without kustomize: a plain-YAML `<root>/overlays/<env>` folder is layered on
 * `<root>/base` (when that exists and was not named too), so `--manifests k8s/overlays/prod` is enough.
 */
function withBase(inputs: string[], cwd: string): string[] {
  const out: string[] = [];
  const named = new Set(inputs.map((i) => path.resolve(cwd, i)));
  for (const input of inputs) {
    const full = path.resolve(cwd, input);
    const base = path.resolve(full, '..', '..', 'base');
    if (path.basename(path.dirname(full)) === 'overlays' && !isKustomization(full) && fs.existsSync(base) && !named.has(base)) {
      out.push(path.relative(cwd, base) || '.');
    }
    out.push(input);
  }
  return out;
}

/** Later documents with the same kind, namespace and name are merged onto earlier ones (maps merge, lists and values replace, null deletes). */
function layer(docs: Array<{ file: string; object: KubeObject }>): Array<{ file: string; object: KubeObject }> {
  const out: Array<{ file: string; object: KubeObject }> = [];
  const byKey = new Map<string, { file: string; object: KubeObject }>();
  for (const doc of docs) {
    const key = `${doc.object.kind}/${doc.object.metadata.namespace ?? ''}/${doc.object.metadata.name}`;
    const earlier = byKey.get(key) ?? byKey.get(`${doc.object.kind}//${doc.object.metadata.name}`);
    if (earlier) {
      earlier.object = overlay(earlier.object, doc.object) as KubeObject;
      earlier.file = `${earlier.file} + ${doc.file}`;
      continue;
    }
    byKey.set(key, doc);
    out.push(doc);
  }
  return out;
}

function overlay(base: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || base === null || typeof base !== 'object' || Array.isArray(base)) return structuredClone(patch);
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = overlay(out[k], v);
  }
  return out;
}

async function kustomize(input: string, full: string, options: ManifestOptions): Promise<string> {
  if (!onPath('kubectl', options.env)) {
    throw new InputError('this folder is a kustomization, and kubectl is not on PATH to render it', {
      file: input,
      field: 'manifests',
      hint: `render it first: kubectl kustomize ${input} > rendered.yaml, then pass --manifests rendered.yaml`,
    });
  }
  const result = await run('kubectl', ['kustomize', full], { cwd: options.cwd, env: options.env, timeoutMs: 120000 });
  if (result.exitCode !== 0) throw new InputError(`kubectl kustomize failed: ${result.stderr.trim()}`, { file: input, field: 'manifests' });
  return result.stdout;
}

function parseDocs(text: string, file: string): Array<{ file: string; object: KubeObject }> {
  const out: Array<{ file: string; object: KubeObject }> = [];
  for (const doc of YAML.parseAllDocuments(text)) {
    if (doc.errors.length) {
      const e = doc.errors[0];
      const line = e.linePos?.[0];
      throw new InputError(`not valid YAML: ${e.message.split('\n')[0]}`, { file: line ? `${file}:${line.line}:${line.col}` : file });
    }
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    if (value.kind === 'List' && Array.isArray(value.items)) {
      for (const item of value.items) out.push({ file, object: checkObject(item, file) });
    } else out.push({ file, object: checkObject(value, file) });
  }
  return out;
}

function checkObject(value: any, file: string): KubeObject {
  if (typeof value !== 'object' || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string' || typeof value.metadata?.name !== 'string') {
    throw new InputError('every document needs apiVersion, kind and metadata.name', { file });
  }
  return value as KubeObject;
}

function pickApp(docs: Array<{ file: string; object: KubeObject }>, options: ManifestOptions, files: string[]): AppManifests {
  const label = options.colourLabel;
  const deployments = docs.filter((d) => d.object.kind === 'Deployment');
  const baseName = (name: string) => name.replace(/-(blue|green)$/, '');
  let app = options.app;
  if (!app) {
    const names = [...new Set(deployments.map((d) => baseName(d.object.metadata.name)))];
    if (names.length !== 1) {
      throw new InputError(names.length ? `the manifests hold several Deployments (${names.join(', ')})` : 'the manifests hold no Deployment', {
        field: 'app',
        file: files.join(', '),
        hint: names.length ? 'pass --app NAME' : 'include the app\'s Deployment',
      });
    }
    app = names[0];
  }
  const deployment = deployments.find((d) => baseName(d.object.metadata.name) === app);
  if (!deployment) throw new InputError(`no Deployment named ${app} (or ${app}-blue / ${app}-green) in the manifests`, { field: 'app', file: files.join(', ') });
  const template = deployment.object;
  const matchLabels = template.spec?.selector?.matchLabels;
  if (!matchLabels || typeof matchLabels !== 'object' || !Object.keys(matchLabels).length) {
    throw new InputError(`Deployment ${template.metadata.name} has no spec.selector.matchLabels`, { file: deployment.file, field: 'spec.selector.matchLabels' });
  }
  if (template.spec?.selector?.matchExpressions?.length) {
    throw new InputError(`Deployment ${template.metadata.name} uses matchExpressions; blue-green needs plain matchLabels`, { file: deployment.file, field: 'spec.selector' });
  }
  if (!Array.isArray(template.spec?.template?.spec?.containers) || !template.spec.template.spec.containers.length) {
    throw new InputError(`Deployment ${template.metadata.name} has no containers`, { file: deployment.file, field: 'spec.template.spec.containers' });
  }

  const serviceName = options.service ?? app;
  const services = docs.filter((d) => d.object.kind === 'Service');
  const service = services.find((d) => d.object.metadata.name === serviceName);
  if (!service) throw new InputError(`no Service named ${serviceName} in the manifests`, { field: 'service', file: files.join(', '), hint: 'the production Service selects the live colour; pass --service NAME if it is named differently' });
  checkColourSelector(service, label);
  const preview = services.find((d) => d.object.metadata.name === `${app}-preview`);
  if (preview) checkColourSelector(preview, label);

  const others = docs.filter((d) => d !== deployment && d !== service && d !== preview);
  for (const other of others) {
    if (other.object.kind === 'Deployment' && baseName(other.object.metadata.name) === app) continue;
    if (!APPLICABLE_KINDS.includes(other.object.kind)) {
      throw new InputError(`${other.object.kind} ${other.object.metadata.name} cannot be applied by the blue-green step`, {
        file: other.file,
        hint: `namespaced kinds it applies: ${APPLICABLE_KINDS.join(', ')}; manage cluster-wide objects separately`,
      });
    }
  }
  const namespaces = [...new Set(docs.map((d) => d.object.metadata.namespace).filter((n): n is string => typeof n === 'string'))];
  if (namespaces.length > 1) throw new InputError(`the manifests name several namespaces (${namespaces.join(', ')})`, { field: 'namespace', file: files.join(', ') });
  return {
    app,
    deployment: template,
    service: service.object,
    previewService: preview?.object,
    others: others.filter((o) => !(o.object.kind === 'Deployment' && baseName(o.object.metadata.name) === app)).map((o) => o.object),
    namespace: namespaces[0],
    files,
  };
}

function checkColourSelector(entry: { file: string; object: KubeObject }, label: string): void {
  const selector = entry.object.spec?.selector;
  if (!selector || typeof selector !== 'object' || !(label in selector)) {
    throw new InputError(`Service ${entry.object.metadata.name} has no "${label}" key in spec.selector`, {
      file: entry.file,
      field: 'spec.selector',
      hint: `add \`${label}: blue\` to the selector (paved sets the value to the live colour), or pass --colour-label if you use another key`,
    });
  }
  const value = String(selector[label]);
  if (!COLOURS.includes(value as Colour)) {
    throw new InputError(`Service ${entry.object.metadata.name} selects ${label}: ${value}; the colours are blue and green`, { file: entry.file, field: `spec.selector.${label}` });
  }
}

/** Label values are ≤ 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric. */
export function labelValue(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '') || 'unknown';
}

/** Rewrites `--image` references into the containers whose repository matches (like k8s-deploy's `images`). */
export function substituteImages(deployment: KubeObject, images: string[]): KubeObject {
  const copy = structuredClone(deployment);
  const containers: Array<{ name: string; image?: string }> = [...(copy.spec.template.spec.containers ?? []), ...(copy.spec.template.spec.initContainers ?? [])];
  for (const image of images) {
    const repo = repository(image);
    const hits = containers.filter((c) => c.image && repository(c.image) === repo);
    if (!hits.length) {
      throw new InputError(`no container uses the repository ${repo}`, { field: 'image', hint: `containers use: ${containers.map((c) => c.image).join(', ')}` });
    }
    for (const c of hits) c.image = image;
  }
  return copy;
}

/** `registry/repo:tag@digest` → `registry/repo` (a port in the registry host is kept). */
export function repository(image: string): string {
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** The tag (or digest) of an image reference, if it has one. */
export function imageTag(image: string): string | undefined {
  const [name, digest] = image.split('@');
  if (digest) return digest;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? name.slice(colon + 1) : undefined;
}
