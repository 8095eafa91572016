// Reads an OPA bundle (`opa build -t wasm` writes bundle.tar.gz): gunzip with node's zlib, a small
// ustar reader (with the pax and GNU long-name extensions), then the manifest, the Wasm module and
// the data documents placed at their directory paths, as OPA's bundle loader does.

import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../../platform/errors';
import { mergeData } from '../documents';

export interface WasmBundle {
  wasm: Buffer;
  data: Record<string, unknown>;
  /** Entrypoints the manifest declares (`main/deny`); the module's own list is authoritative. */
  manifestEntrypoints: string[];
  revision?: string;
}

/** Entries of a tar archive, names normalised (no leading `/` or `./`). */
export function readTar(archive: Buffer, file: string): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseOctal(header.subarray(124, 136), file);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = cString(header.subarray(345, 500));
    const name = longName ?? (prefix ? `${prefix}/${cString(header.subarray(0, 100))}` : cString(header.subarray(0, 100)));
    const body = archive.subarray(offset + 512, offset + 512 + size);
    if (body.length < size) throw new InputError('bundle archive is truncated', { file });
    longName = undefined;
    if (type === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
    else if (type === 'L') longName = cString(body);
    else if (type === '0' || type === '7') entries.set(normaliseName(name), Buffer.from(body));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

function parseOctal(field: Buffer, file: string): number {
  const text = cString(field).trim();
  if (!/^[0-7]*$/.test(text)) throw new InputError('not a tar archive (bad header)', { file, hint: 'pass the bundle.tar.gz that `opa build -t wasm` wrote' });
  return text ? parseInt(text, 8) : 0;
}

function cString(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.subarray(0, end === -1 ? buf.length : end).toString('utf8');
}

function normaliseName(name: string): string {
  return path.posix.normalize(name).replace(/^(\.\/|\/)+/, '');
}

/** Loads `bundle.tar.gz` (or a bare `policy.wasm`) into the module bytes, its data and its entrypoints. */
export function readWasmBundle(bytes: Buffer, file: string): WasmBundle {
  if (bytes.subarray(0, 4).equals(Buffer.from([0x00, 0x61, 0x73, 0x6d]))) return { wasm: bytes, data: {}, manifestEntrypoints: [] };
  let archive: Buffer;
  try {
    archive = gunzipSync(bytes);
  } catch (err) {
    throw new InputError(`not a gzip-compressed bundle or a Wasm module (${(err as Error).message})`, { file, hint: 'build one with `opa build -t wasm -e <pkg>/deny <dir>`' });
  }
  const entries = readTar(archive, file);
  const manifestText = entries.get('.manifest');
  let manifest: { revision?: string; wasm?: Array<{ entrypoint?: string; module?: string }> } = {};
  if (manifestText) {
    try {
      manifest = JSON.parse(manifestText.toString('utf8'));
    } catch (err) {
      throw new InputError(`bundle .manifest is not valid JSON (${(err as Error).message})`, { file });
    }
  }
  const modulePath = normaliseName(manifest.wasm?.[0]?.module ?? 'policy.wasm');
  const wasm = entries.get(modulePath);
  if (!wasm) throw new InputError(`bundle has no Wasm module at /${modulePath}`, { file, hint: 'build the bundle with `opa build -t wasm`' });

  let data: Record<string, unknown> = {};
  for (const [name, body] of [...entries].sort(([a], [b]) => a.localeCompare(b))) {
    if (path.posix.basename(name) !== 'data.json') continue;
    let doc: unknown;
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new InputError(`bundle data file /${name} is not valid JSON (${(err as Error).message})`, { file });
    }
    const dir = path.posix.dirname(name);
    const keys = dir === '.' ? [] : dir.split('/');
    data = mergeData(data, keys.reduceRight<Record<string, unknown>>((acc, key) => ({ [key]: acc }), doc as Record<string, unknown>));
  }
  return {
    wasm,
    data,
    manifestEntrypoints: (manifest.wasm ?? []).map((w) => w.entrypoint).filter((e): e is string => typeof e === 'string'),
    revision: manifest.revision,
  };
}
