import { checkBaseUrl, HttpClient, HttpError, parseRetryAfter } from '../../src/platform/http';
import { secrets } from '../../src/platform/redact';
import { HttpEmulator } from '../helpers/http-emulator';

describe('HTTP client for cloud and forge APIs', () => {
  const emulator = new HttpEmulator();
  let baseUrl: string;
  let waits: number[];
  const client = (extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
    new HttpClient({ baseUrl, token: 'tok-123456', apiName: 'Test API', sleep: async (ms) => void waits.push(ms), ...extra });

  beforeAll(async () => {
    emulator.on('GET', '/items/:id', (req) => ({ body: { id: req.params.id, auth: req.headers.authorization } }));
    emulator.on('POST', '/items', (req) => ({ status: 201, body: req.json }));
    baseUrl = await emulator.start();
  });
  afterAll(() => emulator.stop());
  beforeEach(() => {
    waits = [];
    emulator.requests.length = 0;
  });

  it('sends JSON with a bearer token and parses the answer', async () => {
    const res = await client().get<{ id: string; auth: string }>('/items/7');
    expect(res.body).toEqual({ id: '7', auth: 'Bearer tok-123456' });
    const posted = await client().post('/items', { a: 1 });
    expect(posted.status).toBe(201);
    expect(posted.body).toEqual({ a: 1 });
  });

  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    emulator.fault('GET', '/items/:id', { status: 429, headers: { 'retry-after': '7' }, times: 2 });
    const res = await client().get('/items/1');
    expect(res.status).toBe(200);
    expect(waits).toEqual([7000, 7000]);
  });

  it('retries idempotent requests on 5xx and dropped connections with growing backoff', async () => {
    emulator.fault('GET', '/items/:id', { status: 503, times: 1 });
    emulator.fault('GET', '/items/:id', { drop: true, times: 1 });
    await client({ backoffMs: 100 }).get('/items/2');
    expect(waits).toEqual([100, 200]);
    expect(emulator.count('GET', '/items/2')).toBe(3);
  });

  it('does not repeat a POST that failed with 500 (it may have taken effect)', async () => {
    emulator.fault('POST', '/items', { status: 500, body: { message: 'boom' } });
    await expect(client().post('/items', { a: 1 })).rejects.toThrow(/Test API: POST .*\/items answered HTTP 500: .*boom/);
    expect(emulator.count('POST', '/items')).toBe(1);
  });

  it('gives up after the attempt budget with the last error', async () => {
    emulator.fault('GET', '/items/:id', { status: 502, times: 10 });
    const err = await client({ maxAttempts: 3 }).get('/items/3').catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err.status).toBe(502);
    expect(waits).toHaveLength(2);
  });

  it('treats expected statuses as answers', async () => {
    const res = await client().get('/nothing-here', { expect: [404] });
    expect(res.status).toBe(404);
  });

  it('never prints the token, even when the server echoes it', async () => {
    emulator.fault('GET', '/items/:id', { status: 400, body: { message: 'bad token tok-123456' } });
    const err = await client().get('/items/4').catch((e) => e);
    expect(err.message).not.toContain('tok-123456');
    expect(secrets.redact('x tok-123456 y')).toBe('x *** y');
  });
});

describe('base URL rules', () => {
  it('accepts https anywhere and http only on loopback', () => {
    expect(checkBaseUrl('https://management.azure.com').host).toBe('management.azure.com');
    expect(checkBaseUrl('http://127.0.0.1:8080').port).toBe('8080');
    expect(checkBaseUrl('http://localhost:1').hostname).toBe('localhost');
    expect(checkBaseUrl('http://[::1]:9/').hostname).toBe('[::1]');
    expect(() => checkBaseUrl('http://10.0.0.5')).toThrow(/only on loopback/);
    expect(() => checkBaseUrl('http://example.com')).toThrow(/only on loopback/);
    expect(() => checkBaseUrl('ftp://127.0.0.1')).toThrow(/not allowed/);
    expect(() => checkBaseUrl('not a url')).toThrow(/not a valid URL/);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
