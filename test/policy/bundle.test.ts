import { gunzipSync, gzipSync } from 'node:zlib';
import { readTar, readWasmBundle } from '../../src/policy/engines/bundle';
import { markerPolicyWasm, tarGz } from './helpers';

describe('OPA bundle reader', () => {
  it('reads the entries of a bundle.tar.gz, normalising the leading / that opa build writes', () => {
    const archive = gunzipSync(tarGz({ '/.manifest': '{}', '/policy.wasm': Buffer.from([0, 97, 115, 109]), './a/data.json': '{"x": 1}' }));
    expect([...readTar(archive, 'b.tar.gz').keys()]).toEqual(['.manifest', 'policy.wasm', 'a/data.json']);
  });

  it('reads pax long names', () => {
    const long = `${'deep/'.repeat(30)}data.json`;
    const pax = `${` path=${long}\n`.length + String(` path=${long}\n`.length).length} path=${long}\n`;
    const blocks = gunzipSync(tarGz({ 'PaxHeader': pax, 'short': '{"y": 2}' }));
    blocks[156] = 'x'.charCodeAt(0); // mark the first entry as a pax header
    // Fix the header checksum after changing the type flag.
    blocks.write('        ', 148, 'ascii');
    let sum = 0;
    for (const b of blocks.subarray(0, 512)) sum += b;
    blocks.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    expect([...readTar(blocks, 'b.tar').keys()]).toEqual([long]);
  });

  it('loads the module, the manifest entrypoints and data placed at directory paths', async () => {
    const wasm = await markerPolicyWasm();
    const bundle = readWasmBundle(
      tarGz({
        '/.manifest': JSON.stringify({ revision: 'r1', wasm: [{ entrypoint: 'main/deny', module: '/policy.wasm' }] }),
        '/policy.wasm': wasm,
        '/data.json': '{"top": true}',
        '/paved/config/data.json': '{"max_changes": {"default": 5}}',
      }),
      'bundle.tar.gz',
    );
    expect(bundle.wasm.equals(wasm)).toBe(true);
    expect(bundle.manifestEntrypoints).toEqual(['main/deny']);
    expect(bundle.revision).toBe('r1');
    expect(bundle.data).toEqual({ top: true, paved: { config: { max_changes: { default: 5 } } } });
  });

  it('accepts a bare policy.wasm', async () => {
    const wasm = await markerPolicyWasm();
    expect(readWasmBundle(wasm, 'policy.wasm').wasm).toBe(wasm);
  });

  it('names the file when the bundle is not gzip, not tar, or has no module', () => {
    expect(() => readWasmBundle(Buffer.from('hello'), 'b.tar.gz')).toThrow(/not a gzip-compressed bundle/);
    expect(() => readWasmBundle(gzipSync(Buffer.alloc(512, 'x')), 'b.tar.gz')).toThrow(/not a tar archive/);
    expect(() => readWasmBundle(tarGz({ '/data.json': '{}' }), 'b.tar.gz')).toThrow(/no Wasm module at \/policy.wasm/);
    expect(() => readWasmBundle(tarGz({ '/.manifest': '{', '/policy.wasm': 'x' }), 'b.tar.gz')).toThrow(/.manifest is not valid JSON/);
  });
});
