import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayApp } from '../src/app.js';
import { createUpstream } from '../src/upstream.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: Server[] = [];
after(async () => {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

/** A real upstream on 127.0.0.1:0 that records what it received. */
async function upstreamServer(
  handle: (req: IncomingMessage, res: ServerResponse, nth: number, body: string) => void,
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handle(req, res, received.length, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/** A loopback URL where nothing listens. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function gateway(baseUrl: string, timeoutMs = 2000) {
  const app = createGatewayApp({
    upstream: createUpstream({ baseUrl, timeoutMs, minBackoffMs: 20 }),
    version: '1',
    log: () => undefined,
  });
  return async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
    const res = await app.handle(new Request(`http://localhost${path}`, { method, body, headers }));
    return { status: res.status, type: res.headers.get('content-type'), headers: res.headers, text: await res.text() };
  };
}

describe('gateway against a real upstream', () => {
  it('answers 502 "Inventory service unavailable" when nothing listens upstream', async () => {
    const call = gateway(await deadUrl());
    for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
      const res = await call(method, method === 'GET' || method === 'POST' ? '/items' : '/items/1', method === 'POST' || method === 'PUT' ? '{}' : undefined);
      assert.equal(res.status, 502, method);
      assert.match(res.type ?? '', /^application\/json/);
      assert.deepEqual(JSON.parse(res.text), { message: 'Inventory service unavailable' });
    }
  });

  it('answers 502 when the upstream host name does not resolve', async () => {
    const call = gateway('http://invsys.invalid:5000');
    const res = await call('GET', '/items');
    assert.equal(res.status, 502);
    assert.deepEqual(JSON.parse(res.text), { message: 'Inventory service unavailable' });
  });

  it('answers 504 "Inventory service timed out" at the configured timeout when upstream is slow', async () => {
    const slow = await upstreamServer((_req, res) => {
      setTimeout(() => {
        if (!res.destroyed) res.end('{}');
      }, 3000);
    });
    const call = gateway(slow.url, 300);
    const started = performance.now();
    const res = await call('GET', '/items');
    const elapsed = performance.now() - started;
    assert.equal(res.status, 504);
    assert.match(res.type ?? '', /^application\/json/);
    assert.deepEqual(JSON.parse(res.text), { message: 'Inventory service timed out' });
    assert.ok(elapsed >= 290 && elapsed < 1500, `answered after ${Math.round(elapsed)} ms, expected about 300 ms`);
    assert.equal(slow.received.length, 1, 'a timed-out request is not retried');
  });

  it('retries a GET after the upstream dropped the connection, and the client sees the answer', async () => {
    const flaky = await upstreamServer((req, res, nth) => {
      if (nth === 1) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}');
    });
    const call = gateway(flaky.url);
    const res = await call('GET', '/items');
    assert.equal(res.status, 200);
    assert.equal(res.text, '{"items":[]}');
    assert.deepEqual(
      flaky.received.map((r) => `${r.method} ${r.url}`),
      ['GET /items', 'GET /items'],
    );
  });

  it('retries PUT and DELETE after a dropped connection too', async () => {
    for (const method of ['PUT', 'DELETE']) {
      const flaky = await upstreamServer((req, res, nth) => {
        if (nth === 1) return void req.socket.destroy();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
      const res = await gateway(flaky.url)(method, '/items/001', method === 'PUT' ? '{"name":"x"}' : undefined);
      assert.equal(res.status, 200, method);
      assert.equal(flaky.received.length, 2, method);
    }
  });

  it('never sends a POST twice: a dropped connection is answered 502 after exactly one upstream POST', async () => {
    const flaky = await upstreamServer((req) => {
      req.socket.destroy();
    });
    const call = gateway(flaky.url);
    const res = await call('POST', '/items', '{"id":"once","name":"n","location":"l","status":"s"}');
    assert.equal(res.status, 502);
    assert.deepEqual(JSON.parse(res.text), { message: 'Inventory service unavailable' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(flaky.received.length, 1);
    assert.equal(flaky.received[0]!.method, 'POST');
  });

  it('gives up on a GET after its retries when upstream keeps dropping, with 502', async () => {
    const dropping = await upstreamServer((req) => void req.socket.destroy());
    const res = await gateway(dropping.url)('GET', '/items/1');
    assert.equal(res.status, 502);
    assert.equal(dropping.received.length, 3, 'one attempt and two retries');
  });

  it('passes content type, query string, request id and body through both ways', async () => {
    const echo = await upstreamServer((req, res, _nth, body) => {
      res
        .writeHead(207, { 'content-type': 'application/vnd.test+json; charset=utf-8', 'x-extra': 'no' })
        .end(JSON.stringify({ got: body, rid: req.headers['x-request-id'] }));
    });
    const call = gateway(echo.url);
    const res = await call('POST', '/items?source=lab&tag=a%26b', '{"id":"q"}', {
      'x-request-id': 'trace-123',
      'content-type': 'application/json',
    });
    assert.equal(res.status, 207);
    assert.equal(res.type, 'application/vnd.test+json; charset=utf-8');
    assert.deepEqual(JSON.parse(res.text), { got: '{"id":"q"}', rid: 'trace-123' });
    assert.equal(res.headers.get('x-request-id'), 'trace-123');
    const got = echo.received[0]!;
    assert.equal(got.url, '/items?source=lab&tag=a%26b');
    assert.equal(got.headers['x-request-id'], 'trace-123');
    assert.equal(got.headers['content-type'], 'application/json');
  });

  it('passes upstream error statuses through instead of retrying them', async () => {
    const failing = await upstreamServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"unhealthy","error":"x"}');
    });
    const res = await gateway(failing.url)('GET', '/items');
    assert.equal(res.status, 503);
    assert.deepEqual(JSON.parse(res.text), { status: 'unhealthy', error: 'x' });
    assert.equal(failing.received.length, 1);
  });
});
