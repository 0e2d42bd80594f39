import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpFetch, LiteHeaders, type BufferedResponse } from '../src/http-fetch.js';

interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  headers: IncomingMessage['headers'];
  body: Buffer;
  remotePort: number;
}

const servers: Server[] = [];
after(async () => {
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

const names = (raw: string[]) => raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());

describe('httpFetch (the gateway transport under ofetch)', () => {
  it('sends a GET with Host and keep-alive, no body framing, and reuses the connection', async () => {
    const { base, seen } = await recorder();
    const headers = new LiteHeaders({ 'X-Request-Id': 'r-1' });
    const first = (await httpFetch(`${base}/items?x=1`, { headers: headers as unknown as Headers })) as unknown as BufferedResponse;
    await httpFetch(`${base}/items`, {});
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('Content-Type'), 'application/json');
    assert.equal(await first.text(), '{"ok":true}');
    assert.equal(seen[0]!.url, '/items?x=1');
    assert.equal(seen[0]!.headers.host, base.slice('http://'.length));
    assert.equal(seen[0]!.headers['x-request-id'], 'r-1');
    assert.equal(seen[0]!.headers.connection, 'keep-alive');
    assert.equal(seen[0]!.headers['content-length'], undefined);
    assert.equal(seen[0]!.headers['transfer-encoding'], undefined);
    assert.deepEqual(names(seen[0]!.rawHeaders).filter((n) => n === 'host'), ['host'], 'exactly one Host header');
    assert.equal(seen[1]!.remotePort, seen[0]!.remotePort, 'second call on the kept-alive connection');
  });

  it('frames a byte or string body with Content-Length (never chunked), counting UTF-8 bytes', async () => {
    const { base, seen } = await recorder();
    await httpFetch(`${base}/items`, { method: 'POST', body: new TextEncoder().encode('{"id":"1"}'), headers: { 'content-type': 'application/json' } });
    const put = (await httpFetch(`${base}/items/caf%C3%A9`, { method: 'PUT', body: '{"name":"café ☕"}' })) as unknown as BufferedResponse;
    assert.equal(put.status, 200);
    await httpFetch(`${base}/items`, { method: 'POST', body: new Uint8Array(0) });
    assert.equal(seen[0]!.headers['content-length'], '10');
    assert.equal(seen[0]!.headers['transfer-encoding'], undefined);
    assert.equal(seen[0]!.body.toString(), '{"id":"1"}');
    assert.equal(seen[0]!.headers['content-type'], 'application/json');
    assert.equal(seen[1]!.headers['content-length'], String(Buffer.byteLength('{"name":"café ☕"}')));
    assert.equal(seen[1]!.body.toString(), '{"name":"café ☕"}');
    assert.equal(seen[2]!.headers['content-length'], '0');
  });

  it('keeps a Host or Content-Length the caller set instead of adding a second one', async () => {
    const { base, seen } = await recorder();
    await httpFetch(`${base}/`, { method: 'POST', body: 'abc', headers: { Host: 'invsys.local:5000', 'Content-Length': '3' } });
    assert.equal(seen[0]!.headers.host, 'invsys.local:5000');
    assert.deepEqual(names(seen[0]!.rawHeaders).filter((n) => n === 'host' || n === 'content-length').sort(), ['content-length', 'host']);
  });

  it('refuses a header value with CR/LF before anything is sent', async () => {
    const { base, seen } = await recorder();
    await assert.rejects(
      httpFetch(`${base}/items`, { headers: { 'x-request-id': 'a\r\nx-injected: 1' } }),
      (error: NodeJS.ErrnoException) => error.code === 'ERR_INVALID_CHAR',
    );
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
    await httpFetch(`${server.base}/v`, {});
    assert.equal(server.seen[0]!.headers.host, server.base.slice('http://'.length));
    assert.match(server.seen[0]!.headers.host ?? '', /^\[::1\]:\d+$/);
  });

  it('gives a null body for 204 and HEAD, the exact bytes otherwise, and joins repeated headers', async () => {
    const { base } = await recorder('127.0.0.1', (req) =>
      req.url === '/none'
        ? { status: 204 }
        : { status: 404, headers: { 'content-type': 'text/plain', vary: ['a', 'b'] }, body: 'nope' },
    );
    const none = (await httpFetch(`${base}/none`, {})) as unknown as BufferedResponse;
    assert.equal(none.status, 204);
    assert.equal(none.body, null);
    const head = (await httpFetch(`${base}/x`, { method: 'HEAD' })) as unknown as BufferedResponse;
    assert.equal(head.body, null);
    const missing = (await httpFetch(`${base}/x`, {})) as unknown as BufferedResponse;
    assert.equal(missing.status, 404);
    assert.equal(missing.ok, false);
    assert.equal(missing.headers.get('vary'), 'a, b');
    const bytes = await missing.arrayBuffer();
    assert.equal(Buffer.from(bytes).toString(), 'nope');
    assert.equal(bytes.byteLength, 4);
    await assert.rejects(missing.text(), /already read/);
  });

  it('rejects with the signal reason when aborted, and at once when already aborted', async () => {
    const hanging = createServer(() => undefined);
    servers.push(hanging);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    const controller = new AbortController();
    const pending = httpFetch(`${base}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('deadline passed')), 50);
    await assert.rejects(pending, /deadline passed/);
    await assert.rejects(httpFetch(`${base}/slow`, { signal: controller.signal }), /deadline passed/);
  });

  it('refuses a URL that is not http(s), naming the protocol', async () => {
    await assert.rejects(httpFetch('ftp://example.com/x', {}), /http: and https: URLs only, got ftp:/);
  });

  it('routes calls to the right origin when several upstreams alternate', async () => {
    const a = await recorder();
    const b = await recorder();
    await httpFetch(`${a.base}/one`, {});
    await httpFetch(`${b.base}/two`, {});
    await httpFetch(`${a.base}`, {});
    await httpFetch(`${a.base}0/not-a`, {}).catch(() => undefined);
    assert.deepEqual(a.seen.map((s) => s.url), ['/one', '/']);
    assert.deepEqual(b.seen.map((s) => s.url), ['/two']);
  });
});
