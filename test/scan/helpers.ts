// Test helpers for the security-scan tests: temporary trees, fake secrets built at run time (so the
// repository never holds a literal that trips scanners), a tiny zip writer, schema validators, and
// the CLI bound to the scan commands only.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { runCli } from '../../src/cli/main';
import { scanCommands } from '../../src/scan/cli';
import { sharedPath } from '../helpers/shared';

export function tempDir(prefix = 'paved-scan-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeTree(root: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return root;
}

/** Deterministic pseudo-random characters from an alphabet, so fake secrets have real entropy. */
export function randomChars(length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', seed = 7): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += alphabet[(x >>> 16) % alphabet.length]; // the low bits of this generator repeat quickly
  }
  return out;
}

/** Fake secrets, each assembled from pieces so no source file contains the whole token. */
export const fake = {
  awsKeyId: () => ['AK', 'IA'].join('') + randomChars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 11),
  awsSecret: () => randomChars(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+', 12),
  githubToken: () => ['gh', 'p_'].join('') + randomChars(36, undefined, 13),
  gitlabToken: () => ['glp', 'at-'].join('') + randomChars(20, undefined, 14),
  slackToken: () => ['xo', 'xb-'].join('') + randomChars(10, '0123456789', 21) + '-' + randomChars(24, undefined, 15),
  stripeKey: () => ['sk', '_live_'].join('') + randomChars(24, undefined, 16),
  npmToken: () => ['np', 'm_'].join('') + randomChars(36, undefined, 17),
  jwt: () =>
    [
      Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url'),
      Buffer.from('{"sub":"1234567890","name":"Test User","iat":1516239022}').toString('base64url'),
      randomChars(43, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', 18),
    ].join('.'),
  privateKey: () =>
    ['-----BEGIN', ' RSA PRIVATE', ' KEY-----'].join('') +
    '\n' +
    [0, 1, 2, 3].map((i) => randomChars(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 20 + i)).join('\n') +
    '\n' +
    ['-----END', ' RSA PRIVATE', ' KEY-----'].join(''),
  password: () => randomChars(20, undefined, 19),
};

export function cli(argv: string[], env: NodeJS.ProcessEnv = {}, cwd?: string) {
  return runCli(argv, { env, cwd, commands: scanCommands });
}

/** Minimal zip writer (stored + deflated entries), to build osv-scanner style all.zip fixtures. */
export function writeZip(file: string, entries: Record<string, string | Buffer>): void {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const deflated = deflateRawSync(data);
    const nameBuf = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    locals.push(local, nameBuf, deflated);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(deflated.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + deflated.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  fs.writeFileSync(file, Buffer.concat([...locals, cd, end]));
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

export type Validate = ((doc: unknown) => boolean) & { errors?: unknown };

const cache = new Map<string, Validate>();

/** Compiles a schema from ../shared/schemas-external (or fixtures) with the Ajv build its draft needs. */
export function validator(...parts: string[]): Validate {
  const file = sharedPath(...parts);
  const hit = cache.get(file);
  if (hit) return hit;
  const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
  const draft = String(schema.$schema ?? '');
  const ajv = draft.includes('draft-04')
    ? new AjvDraft04({ strict: false, allErrors: true })
    : draft.includes('2020-12')
      ? new Ajv2020({ strict: false, allErrors: true, validateSchema: false }) // upload-sarif's copy has a "properties.anyOf" that strict meta-validation rejects
      : new Ajv({ strict: false, allErrors: true });
  addFormats(ajv as unknown as Ajv);
  const validate = ajv.compile(schema) as Validate;
  cache.set(file, validate);
  return validate;
}
