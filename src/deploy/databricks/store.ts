// Where versioned wheels are kept: a Unity Catalog volume (Files API) or a workspace folder
// (workspace files). Both offer the same few operations, each with "create, never overwrite"
// semantics, so the strategy is the same whichever the job's workspace uses.

import { InputError } from '../../platform/errors';
import type { DatabricksClient } from './client';

export interface WheelStore {
  /** The folder the store keeps wheels in (`<root>/<dist>/<version>/<file>`). */
  readonly root: string;
  /** Checks the store can be used (a volume must exist; a workspace folder is created on demand). */
  check(): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** Creates the file; false when it already exists (nothing is overwritten). */
  putNew(path: string, data: Buffer): Promise<boolean>;
  /** A file's bytes (a stored wheel, a digest, a lock), or undefined when absent. */
  readBytes(path: string): Promise<Buffer | undefined>;
  /** Creates a folder and its missing parents (idempotent). */
  makeDirectory(path: string): Promise<void>;
  delete(path: string): Promise<void>;
  /** Where the per-job deploy locks live for a wheel in this store (the same for deploys and rollbacks). */
  lockDir(wheelPath: string): string;
}

const VOLUME = /^\/Volumes\/[^/\s]+\/[^/\s]+\/[^/\s]+(\/[^\s]*)?$/;
const WORKSPACE = /^\/Workspace\/[^\s]+$/;

/** Which kind of store a folder is; anything else is an input error (checked before any request). */
export function storeKind(dir: string): 'volume' | 'workspace' {
  const root = dir.replace(/\/+$/, '');
  if (VOLUME.test(root)) return 'volume';
  if (WORKSPACE.test(root)) return 'workspace';
  throw new InputError(dir ? `"${dir}" is neither a Unity Catalog volume nor a workspace folder` : 'missing the folder for versioned wheels', {
    field: 'wheel-dir',
    hint: 'use /Volumes/<catalog>/<schema>/<volume>[/folder] or /Workspace/<folder> (DBFS root libraries are disabled from DBR 15.1)',
  });
}

/** The store for a folder (`--wheel-dir`), or for the folder a stored wheel is in. */
export function wheelStore(client: DatabricksClient, dir: string): WheelStore {
  const root = dir.replace(/\/+$/, '');
  return storeKind(root) === 'volume' ? new VolumeStore(client, root) : new WorkspaceStore(client, root);
}

/** A small text file (a digest, a lock) in a store, or undefined when absent. */
export async function readStoredText(store: WheelStore, path: string): Promise<string | undefined> {
  return (await store.readBytes(path))?.toString('utf8');
}

/** Uploads with overwrite=false; false when the file already exists (409), which both stores answer alike. */
async function createOnly(client: DatabricksClient, path: string, method: 'PUT' | 'POST', apiPath: string, data: Buffer): Promise<boolean> {
  const res = await client.send(path, method, apiPath, { query: { overwrite: 'false' }, rawBody: data, contentType: 'application/octet-stream', expect: [409] });
  return res.status !== 409;
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

class VolumeStore implements WheelStore {
  constructor(
    private readonly client: DatabricksClient,
    readonly root: string,
  ) {}

  async check(): Promise<void> {
    const volume = /^\/Volumes\/[^/]+\/[^/]+\/[^/]+/.exec(this.root)![0];
    const res = await this.client.send(volume, 'HEAD', `api/2.0/fs/directories${encodePath(volume)}`, { expect: [404] });
    if (res.status === 404) {
      throw new InputError(`the volume ${volume} does not exist (or this identity cannot see it)`, {
        field: 'wheel-dir',
        hint: 'create it (CREATE VOLUME) or fix the path; the identity needs READ VOLUME and WRITE VOLUME on it',
      });
    }
  }

  async exists(path: string): Promise<boolean> {
    return (await this.client.send(path, 'HEAD', `api/2.0/fs/files${encodePath(path)}`, { expect: [404] })).status !== 404;
  }

  putNew(path: string, data: Buffer): Promise<boolean> {
    return createOnly(this.client, path, 'PUT', `api/2.0/fs/files${encodePath(path)}`, data);
  }

  async readBytes(path: string): Promise<Buffer | undefined> {
    const res = await this.client.send(path, 'GET', `api/2.0/fs/files${encodePath(path)}`, { expect: [404], headers: { accept: 'application/octet-stream' } });
    return res.status === 404 ? undefined : res.bytes;
  }

  async makeDirectory(path: string): Promise<void> {
    await this.client.send(path, 'PUT', `api/2.0/fs/directories${encodePath(path)}`);
  }

  async delete(path: string): Promise<void> {
    await this.client.send(path, 'DELETE', `api/2.0/fs/files${encodePath(path)}`, { expect: [404] });
  }

  lockDir(wheelPath: string): string {
    return `${/^\/Volumes\/[^/]+\/[^/]+\/[^/]+/.exec(wheelPath)![0]}/.paved/locks`;
  }
}

class WorkspaceStore implements WheelStore {
  constructor(
    private readonly client: DatabricksClient,
    readonly root: string,
  ) {}

  async check(): Promise<void> {
    // Workspace folders are created with the upload (mkdirs), so there is nothing to require up front.
  }

  async exists(path: string): Promise<boolean> {
    return (await this.client.send(path, 'GET', 'api/2.0/workspace/get-status', { query: { path }, expect: [404] })).status !== 404;
  }

  putNew(path: string, data: Buffer): Promise<boolean> {
    return createOnly(this.client, path, 'POST', `api/2.0/workspace-files/import-file${encodePath(path)}`, data);
  }

  async readBytes(path: string): Promise<Buffer | undefined> {
    const res = await this.client.send<{ content?: string }>(path, 'GET', 'api/2.0/workspace/export', { query: { path, format: 'AUTO' }, expect: [404] });
    return res.status === 404 ? undefined : Buffer.from(res.body?.content ?? '', 'base64');
  }

  async makeDirectory(path: string): Promise<void> {
    await this.client.send(path, 'POST', 'api/2.0/workspace/mkdirs', { body: { path }, retryUnsafe: true });
  }

  async delete(path: string): Promise<void> {
    await this.client.send(path, 'POST', 'api/2.0/workspace/delete', { body: { path, recursive: false }, expect: [404] });
  }

  /** The folder above `<dist>/<version>/<file>` when the wheel is laid out that way, else its own folder. */
  lockDir(wheelPath: string): string {
    const root = wheelPath.split('/').slice(0, -3).join('/');
    return `${WORKSPACE.test(root) ? root : dirname(wheelPath)}/.paved/locks`;
  }
}
