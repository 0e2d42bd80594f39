import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { createUndiciFetch, LiteAbortController, LiteHeaders, ResponseTooLargeError, type UndiciFetch } from '../src/undici-fetch.js';

interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  headers: IncomingMessage['headers'];
  body: Buffer;
  remotePort: number;
}

const servers: Server[] = [];
const pools: UndiciFetch[] = [];
after(async () => {
  await Promise.all(pools.map((p) => p.pool.destroy()));
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** An upstream that records each request and answers with `answer(req)`. */
async function recorder(
  host = '127.0.0.1',
  answer: (req: IncomingMessage) => { status: number; headers?: Record<string, string | string[]>; body?: string } = () => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"ok":true}',
  }),
): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        rawHeaders: req.rawHeaders,
        headers: req.headers,
        body: Buffer.concat(chunks),
        remotePort: req.socket.remotePort ?? 0,
      });
      const a = answer(req);
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, seen };
}

function transport(origin: string, maxResponseBytes = 1024 * 1024): UndiciFetch['fetch'] {
  const made = createUndiciFetch({ origin, maxResponseBytes });
  pools.push(made);
  return made.fetch;
}

const names = (raw: string[]) => raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());

describe('createUndiciFetch (the gateway transport under ofetch)', () => {
  it('is built on the undici package’s own Pool', () => {
    const made = createUndiciFetch({ origin: 'http://127.0.0.1:9', maxResponseBytes: 1 });
    pools.push(made);
    assert.ok(made.pool instanceof Pool);
  });

  it('sends a GET with Host and keep-alive, no body framing, and reuses its connections', async () => {
    const { base, seen } = await recorder();
    const fetch = transport(base);
    const headers = new LiteHeaders({ 'X-Request-Id': 'r-1' });
    const first = await fetch(`${base}/items?x=1`, { headers: headers as unknown as Headers });
    for (let i = 0; i < 9; i++) await fetch(`${base}/items`, {});
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('Content-Type'), 'application/json');
    assert.equal(await first.text(), '{"ok":true}');
    assert.equal(seen[0]!.url, '/items?x=1');
    assert.equal(seen[0]!.headers.host, base.slice('http://'.length));
    assert.equal(seen[0]!.headers['x-request-id'], 'r-1');
    assert.notEqual(seen[0]!.headers.connection, 'close');
    assert.equal(seen[0]!.headers['content-length'], undefined);
    assert.equal(seen[0]!.headers['transfer-encoding'], undefined);
    assert.deepEqual(names(seen[0]!.rawHeaders).filter((n) => n === 'host'), ['host'], 'exactly one Host header');
    // The fetch resolves on the body's last byte, a moment before undici
    // marks that connection free, so back-to-back calls alternate between
    // two kept-alive connections.
    const connections = new Set(seen.map((s) => s.remotePort));
    assert.ok(connections.size <= 2, `ten sequential calls used ${connections.size} connections`);
  });

  it('frames a byte or string body with Content-Length (never chunked), counting UTF-8 bytes', async () => {
    const { base, seen } = await recorder();
    const fetch = transport(base);
    await fetch(`${base}/items`, { method: 'POST', body: new TextEncoder().encode('{"id":"1"}'), headers: { 'content-type': 'application/json' } });
    const put = await fetch(`${base}/items/caf%C3%A9`, { method: 'PUT', body: '{"name":"café ☕"}' });
    assert.equal(put.status, 200);
    await fetch(`${base}/items`, { method: 'POST', body: new Uint8Array(0) });
    assert.equal(seen[0]!.headers['content-length'], '10');
    assert.equal(seen[0]!.headers['transfer-encoding'], undefined);
    assert.equal(seen[0]!.body.toString(), '{"id":"1"}');
    assert.equal(seen[0]!.headers['content-type'], 'application/json');
    assert.equal(seen[1]!.url, '/items/caf%C3%A9');
    assert.equal(seen[1]!.headers['content-length'], String(Buffer.byteLength('{"name":"café ☕"}')));
    assert.equal(seen[1]!.body.toString(), '{"name":"café ☕"}');
    assert.equal(seen[2]!.headers['content-length'], '0');
  });

  it('refuses a header value with CR/LF before anything is sent', async () => {
    const { base, seen } = await recorder();
    const fetch = transport(base);
    await assert.rejects(fetch(`${base}/items`, { headers: { 'x-request-id': 'a\r\nx-injected: 1' } }), /invalid x-request-id header/);
    assert.equal(seen.length, 0);
  });

  it('puts an IPv6 upstream in brackets in the Host header', async (t) => {
    let server;
    try {
      server = await recorder('::1');
    } catch {
      t.skip('no IPv6 loopback on this machine');
      return;
    }
    await transport(server.base)(`${server.base}/v`, {});
    assert.match(server.seen[0]!.headers.host ?? '', /^\[::1\]:\d+$/);
    assert.equal(server.seen[0]!.headers.host, server.base.slice('http://'.length));
  });

  it('gives a null body for 204 and HEAD, the exact bytes otherwise, joins repeated headers, reads once', async () => {
    const { base } = await recorder('127.0.0.1', (req) =>
      req.url === '/none' ? { status: 204 } : { status: 404, headers: { 'content-type': 'text/plain', vary: ['a', 'b'] }, body: 'nope' },
    );
    const fetch = transport(base);
    const none = await fetch(`${base}/none`, {});
    assert.equal(none.status, 204);
    assert.equal(none.body, null);
    const head = await fetch(`${base}/x`, { method: 'HEAD' });
    assert.equal(head.body, null);
    const missing = await fetch(`${base}/x`, {});
    assert.equal(missing.status, 404);
    assert.equal(missing.ok, false);
    assert.equal(missing.headers.get('vary'), 'a, b');
    const bytes = await missing.arrayBuffer();
    assert.equal(bytes.byteLength, 4, 'an ArrayBuffer of exactly the body, not a pooled slab');
    assert.equal(Buffer.from(bytes).toString(), 'nope');
    await assert.rejects(missing.text(), /already read/);
  });

  it('rejects with the signal reason when aborted, and at once when already aborted', async () => {
    const hanging = createServer(() => undefined);
    servers.push(hanging);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    const fetch = transport(base);
    for (const controller of [new AbortController(), new LiteAbortController()]) {
      const pending = fetch(`${base}/slow`, { signal: controller.signal as AbortSignal });
      setTimeout(() => controller.abort(new Error('deadline passed')), 50);
      await assert.rejects(pending, /deadline passed/);
      await assert.rejects(fetch(`${base}/slow`, { signal: controller.signal as AbortSignal }), /deadline passed/);
    }
  });

  it('refuses a URL of another origin, and a non-http origin, naming them', async () => {
    const fetch = transport('http://127.0.0.1:5000');
    await assert.rejects(fetch('http://127.0.0.1:50001/x', {}), /calls http:\/\/127\.0\.0\.1:5000 only, got http:\/\/127\.0\.0\.1:50001\/x/);
    await assert.rejects(fetch('http://127.0.0.1:5000evil/x', {}), /only, got/);
    assert.throws(() => createUndiciFetch({ origin: 'ftp://example.com', maxResponseBytes: 1 }), /http: or https:, got ftp:/);
  });

  it('accepts the origin with or without a path or query after it', async () => {
    const { base, seen } = await recorder();
    const fetch = transport(`${base}/`);
    await fetch(base, {});
    await fetch(`${base}?q=1`, {});
    assert.deepEqual(seen.map((s) => s.url), ['/', '/?q=1']);
  });

  it('refuses an answer over the limit, by Content-Length or by count', async () => {
    const { base } = await recorder('127.0.0.1', (req) => req.url === '/big'
        ? { status: 200, headers: { 'content-length': '2048' }, body: 'x'.repeat(2048) }
        : { status: 200, body: 'x'.repeat(req.url === '/chunked' ? 4096 : 10) },
    );
    const fetch = transport(base, 1024);
    await assert.rejects(fetch(`${base}/big`, {}), (error: unknown) => {
      assert.ok(error instanceof ResponseTooLargeError);
      assert.match(error.message, /larger than 1024 bytes \(Content-Length 2048\)/);
      return true;
    });
    await assert.rejects(fetch(`${base}/chunked`, {}), /larger than 1024 bytes \(\d+ bytes received so far\)/);
    assert.equal(await (await fetch(`${base}/small`, {})).text(), 'x'.repeat(10), 'the pool still works');
  });
});
