const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const { handler } = require('../src/server');

function request(server, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.address().port, method, path }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('answers health checks and prices orders over HTTP', async () => {
  const server = http.createServer(handler).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    assert.deepStrictEqual(await request(server, 'GET', '/healthz'), { status: 200, body: 'ok' });
    const priced = await request(server, 'POST', '/price', JSON.stringify({ lines: [{ sku: 'a', unitCents: 500, quantity: 1 }] }));
    assert.strictEqual(JSON.parse(priced.body).total, 600);
    const bad = await request(server, 'POST', '/price', JSON.stringify({ lines: [] }));
    assert.strictEqual(bad.status, 400);
    assert.strictEqual((await request(server, 'GET', '/nope')).status, 404);
  } finally {
    server.close();
  }
});
