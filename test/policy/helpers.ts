// Test helpers for the policy step: fixture paths, a tar.gz writer for bundles, and the WAT
// assembler that turns the fixture policy module into a real OPA-ABI Wasm binary.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function tempDir(prefix = 'paved-policy-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A gzip'd ustar archive of the given entries (names as `opa build` writes them, with a leading `/`). */
export function tarGz(entries: Record<string, string | Buffer>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(entries)) {
    const body = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    header.write('0000644\0', 100, 'ascii');
    header.write('0000000\0', 108, 'ascii');
    header.write('0000000\0', 116, 'ascii');
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
    header.write('00000000000\0', 136, 'ascii');
    header.write('        ', 148, 'ascii');
    header.write('0', 156, 'ascii');
    header.write('ustar\0', 257, 'ascii');
    header.write('00', 263, 'ascii');
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** Assembles test/policy/fixtures/marker-policy.wat into Wasm bytes. */
export async function markerPolicyWasm(): Promise<Buffer> {
  const wabt = await (require('wabt') as () => Promise<{ parseWat: (name: string, text: string) => { validate(): void; toBinary(o: object): { buffer: Uint8Array }; destroy(): void } }>)();
  const module = wabt.parseWat('marker-policy.wat', fs.readFileSync(path.join(FIXTURES, 'marker-policy.wat'), 'utf8'));
  try {
    module.validate();
    return Buffer.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

export function writeFile(dir: string, name: string, content: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}
