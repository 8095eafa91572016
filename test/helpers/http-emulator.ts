// A loopback HTTP server for emulating cloud and forge APIs in tests: a route table, a log of every
// request, and fault injection (status + headers + body, dropped connections, delays) per route.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmulatedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  params: Record<string, string>;
  body: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export interface EmulatedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings and Buffers as they are. */
  body?: unknown;
}

export type Handler = (req: EmulatedRequest) => EmulatedResponse | Promise<EmulatedResponse>;

export interface Fault extends EmulatedResponse {
  /** How many matching requests the fault applies to (default 1). */
  times?: number;
  /** Close the socket without answering. */
  drop?: boolean;
  /** Wait before answering (or before dropping). */
  delayMs?: number;
  /** Let the real handler run first (so its side effects happen), then answer with the fault. */
  afterHandler?: boolean;
}

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export class HttpEmulator {
  readonly requests: EmulatedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly faults: Array<{ method: string; pattern: RegExp; keys: string[]; fault: Fault; left: number }> = [];
  private server?: http.Server;
  private readonly sockets = new Set<import('node:net').Socket>();

  /** `path` uses `:name` segments (`/apis/apps/v1/namespaces/:ns/deployments/:name`) and `*` for the rest. */
  on(method: string, path: string, handler: Handler): this {
    const { pattern, keys } = compile(path);
    this.routes.push({ method: method.toUpperCase(), pattern, keys, handler });
    return this;
  }

  /** Injects a fault on the next `times` requests matching method and path. */
  fault(method: string, path: string, fault: Fault): this {
    const { pattern, keys } = compile(path);
    this.faults.push({ method: method.toUpperCase(), pattern, keys, fault, left: fault.times ?? 1 });
    return this;
  }

  count(method: string, pathPrefix: string): number {
    return this.requests.filter((r) => r.method === method.toUpperCase() && r.path.startsWith(pathPrefix)).length;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = Buffer.concat(chunks);
    let json: unknown;
    try {
      json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      json = undefined;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const request: EmulatedRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, params: {}, body, json };
    this.requests.push(request);

    const fault = this.faults.find((f) => f.left > 0 && f.method === method && f.pattern.test(url.pathname));
    if (fault) fault.left--;
    if (fault?.fault.delayMs) await new Promise((r) => setTimeout(r, fault.fault.delayMs));
    if (fault?.fault.drop) {
      req.socket.destroy();
      return;
    }
    const route = this.routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    let answer: EmulatedResponse;
    if (fault && !fault.fault.afterHandler) answer = fault.fault;
    else if (!route) answer = { status: 404, body: { message: `emulator: no route for ${method} ${url.pathname}` } };
    else {
      const match = route.pattern.exec(url.pathname)!;
      route.keys.forEach((key, i) => (request.params[key] = decodeURIComponent(match[i + 1])));
      try {
        answer = await route.handler(request);
      } catch (err) {
        answer = { status: 500, body: { message: `emulator handler failed: ${(err as Error).message}` } };
      }
      if (fault) answer = fault.fault;
    }
    send(res, answer);
  }
}

function send(res: http.ServerResponse, answer: EmulatedResponse): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload: Buffer | string = '';
  if (Buffer.isBuffer(answer.body) || typeof answer.body === 'string') payload = answer.body;
  else if (answer.body !== undefined) {
    payload = JSON.stringify(answer.body);
    headers['content-type'] ??= 'application/json';
  }
  res.writeHead(answer.status ?? 200, headers);
  res.end(payload);
}

function compile(path: string): { pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (segment === '*') {
        keys.push('rest');
        return '(.*)';
      }
      if (segment.startsWith(':')) {
        keys.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), keys };
}
