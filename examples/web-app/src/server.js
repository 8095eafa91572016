// The HTTP face of the pricing service, with the /healthz endpoint deploys probe.

const http = require('node:http');
const { priceOrder } = require('./pricing');

function handler(req, res) {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  if (req.method === 'POST' && req.url === '/price') {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      try {
        const result = priceOrder(JSON.parse(body).lines);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: err.message }));
      }
    });
    return;
  }
  res.writeHead(404);
  res.end();
}

if (require.main === module) http.createServer(handler).listen(Number(process.env.PORT ?? 8080));

module.exports = { handler };
