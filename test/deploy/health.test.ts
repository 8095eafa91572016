// Health probes: status and body expectations, backoff, consecutive successes, deadline, and a real
// HTTP round trip against a loopback server.

import { checkHealth, probeOnce, validateProbe, type ProbeTransport } from '../../src/deploy/health';
import { HttpEmulator } from '../helpers/http-emulator';

function clock() {
  const state = { t: 0, sleeps: [] as number[] };
  return { state, now: () => state.t, sleep: async (ms: number) => void (state.sleeps.push(ms), (state.t += ms)) };
}

/** Answers from a script, one entry per request (the last one repeats). */
function scripted(answers: Array<{ status: number; body?: string } | Error>): ProbeTransport & { urls: string[] } {
  const urls: string[] = [];
  const fn = (async (url: string) => {
    urls.push(url);
    const next = answers.length > 1 ? answers.shift()! : answers[0];
    if (next instanceof Error) throw next;
    return { status: next.status, body: next.body ?? '' };
  }) as unknown as ProbeTransport & { urls: string[] };
  fn.urls = urls;
  return fn;
}

describe('probes', () => {
  test('status, body substring and regex', async () => {
    const ok = scripted([{ status: 200, body: '{"status":"Healthy","version":"1.4.2"}' }]);
    expect(await probeOnce('http://x', { path: '/h', bodyContains: 'Healthy', bodyMatches: '"version":"1\\.4\\.\\d+"' }, ok, 1000)).toEqual({ url: 'http://x/h', ok: true, status: 200 });
    expect((await probeOnce('http://x', { bodyContains: 'Degraded' }, ok, 1000)).reason).toBe('body does not contain "Degraded"');
    expect((await probeOnce('http://x', { bodyMatches: '^OK$' }, ok, 1000)).reason).toBe('body does not match /^OK$/');
    expect((await probeOnce('http://x', { expectStatus: [204] }, ok, 1000)).reason).toBe('status 200, expected 204');
    const down = scripted([{ status: 302 }]);
    expect((await probeOnce('http://x/', {}, down, 1000)).reason).toBe('status 302, expected 2xx');
    const reset = scripted([Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNRESET' } })]);
    expect((await probeOnce('http://x', {}, reset, 1000)).reason).toBe('ECONNRESET');
  });

  test('validation names the field', () => {
    expect(() => validateProbe({ path: 'healthz' })).toThrow(/must start with "\/"/);
    expect(() => validateProbe({ bodyMatches: '(' })).toThrow(/not a valid regular expression/);
    expect(() => validateProbe({ expectStatus: [700] })).toThrow(/100-599/);
  });
});

describe('checkHealth', () => {
  test('retries with doubling backoff until healthy', async () => {
    const c = clock();
    const t = scripted([{ status: 503 }, { status: 503 }, { status: 200 }]);
    const result = await checkHealth('http://app', [{ path: '/healthz' }], { ...c, transport: t, intervalMs: 1000, maxIntervalMs: 15000 });
    expect(result.ok).toBe(true);
    expect(result.rounds).toBe(3);
    expect(c.state.sleeps).toEqual([1000, 2000]);
    expect(result.summary).toMatch(/^healthy: http:\/\/app\/healthz → 200 \(3 rounds/);
  });

  test('needs N consecutive passes: a flapping target does not pass', async () => {
    const c = clock();
    const t = scripted([{ status: 200 }, { status: 500 }, { status: 200 }, { status: 200 }]);
    const result = await checkHealth('http://app', [{}], { ...c, transport: t, successThreshold: 2, intervalMs: 100 });
    expect(result.ok).toBe(true);
    expect(result.rounds).toBe(4);
  });

  test('gives up at the deadline with the reason of the last failure', async () => {
    const c = clock();
    const t = scripted([{ status: 500, body: 'boom' }]);
    const result = await checkHealth('http://app', [{ path: '/a' }, { path: '/b' }], { ...c, transport: t, intervalMs: 1000, maxIntervalMs: 4000, deadlineMs: 10000 });
    expect(result.ok).toBe(false);
    expect(c.state.sleeps).toEqual([1000, 2000, 4000]);
    expect(c.state.t).toBeLessThanOrEqual(10000);
    expect(result.summary).toBe('unhealthy after 4 rounds (7.0 s): http://app/a: status 500, expected 2xx; http://app/b: status 500, expected 2xx');
  });

  test('over real HTTP: a 200 with the expected body passes, a redirect does not', async () => {
    const server = new HttpEmulator();
    server.on('GET', '/healthz', () => ({ body: { status: 'ok' } }));
    server.on('GET', '/login', () => ({ status: 302, headers: { location: '/healthz' } }));
    const url = await server.start();
    try {
      const c = clock();
      expect((await checkHealth(url, [{ path: '/healthz', bodyContains: '"ok"' }], c)).ok).toBe(true);
      expect((await checkHealth(url, [{ path: '/login' }], { ...c, deadlineMs: 1 })).ok).toBe(false);
    } finally {
      await server.stop();
    }
  });
});
