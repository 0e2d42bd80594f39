/**
 * Request bodies over real sockets (the Elysia Node adapter reads them from
 * Node's IncomingMessage): a streamed body past 64 KiB is a JSON 413, a body
 * the client cuts short is a 400 and never a 500, and both apps keep serving.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startApp, type AppProcess } from './processes.js';
import { waitFor } from '../../../test/wait-for.js';

const running: AppProcess[] = [];
const servers: Server[] = [];
after(async () => {
  await Promise.all(running.map((p) => p.stop()));
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** POSTs `size` bytes with chunked transfer encoding (no Content-Length), in 8 KiB writes. */
function postChunked(base: string, path: string, size: number): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = httpRequest(
      { hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
      },
    );
    // The server may answer 413 and stop reading before everything is sent.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    const chunk = Buffer.alloc(8 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** Sends headers promising `declared` bytes, `sent` of them, then closes the connection. */
function postCutShort(base: string, path: string, declared: number, sent: number): Promise<void> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(
        `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n${'{'.padEnd(sent, ' ')}`,
      );
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 100);
    });
    socket.on('error', reject);
  });
}

const statuses = (app: AppProcess) =>
  app.lines.flatMap((line) => {
    try {
      const parsed = JSON.parse(line) as { status?: number; path?: string };
      return typeof parsed.status === 'number' ? [`${parsed.status} ${parsed.path}`] : [];
    } catch {
      return [];
    }
  });

describe('request bodies over real sockets', () => {
  it('inventory: a streamed body past 64 KiB is a JSON 413, a cut-short body a 400, and the next POST still works', async () => {
    const app = await startApp('inventory', { INVENTORY_DB: ':memory:' });
    running.push(app);
    const big = await postChunked(app.url, '/items', 200 * 1024);
    assert.equal(big.status, 413);
    assert.match(big.type ?? '', /^application\/json/);
    assert.match((JSON.parse(big.body) as { message: string }).message, /limit is 65536 bytes/);
    await postCutShort(app.url, '/items', 1000, 10);
    const ok = await fetch(`${app.url}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'after-413', name: 'Device', location: 'lab', status: 'on' }),
    });
    assert.equal(ok.status, 201);
    const list = (await (await fetch(`${app.url}/items`)).json()) as { items: { id: string }[] };
    assert.deepEqual(
      list.items.map((d) => d.id),
      ['after-413'],
      'nothing of the refused or cut-short bodies was stored',
    );
    // The app flushes its log every 5 ms: wait for the two lines, not for a fixed time.
    const logged = await waitFor('the 413 and 400 log lines', () => {
      const seen = statuses(app);
      return seen.includes('413 /items') && seen.includes('400 /items') && seen;
    });
    assert.ok(logged.includes('413 /items'), `413 logged: ${logged.join(', ')}`);
    assert.ok(logged.includes('400 /items'), `the cut-short body logged as 400: ${logged.join(', ')}`);
    assert.ok(!logged.some((s) => s.startsWith('500')), `no 500: ${logged.join(', ')}`);
  });

  it('gateway: a streamed body past 64 KiB is a JSON 413 and reaches nothing upstream; a normal POST is forwarded', async () => {
    const received: { method: string; bytes: number }[] = [];
    const upstream = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        received.push({ method: req.method ?? '', bytes });
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    servers.push(upstream);
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const gateway = await startApp('gateway', { INVSYS_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
    running.push(gateway);
    const big = await postChunked(gateway.url, '/items', 200 * 1024);
    assert.equal(big.status, 413);
    assert.match(big.type ?? '', /^application\/json/);
    await postCutShort(gateway.url, '/items', 1000, 10);
    const ok = await fetch(`${gateway.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"x"}' });
    assert.equal(ok.status, 201);
    assert.deepEqual(received, [{ method: 'POST', bytes: 10 }], 'only the complete POST reached the upstream');
  });
});
