/**
 * The gateway against upstreams that misbehave at the socket level: what is
 * retried (only GET/PUT/DELETE, only after a connection failure), the one
 * deadline over all attempts, and hostile answers (slow or stalled bodies,
 * resets mid-body, huge bodies, lying or malformed Content-Length, garbage).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type Server as TcpServer, type Socket, type AddressInfo } from 'node:net';
import { createGatewayApp } from '../src/app.js';
import { createUpstream, type UpstreamOptions } from '../src/upstream.js';

const servers: TcpServer[] = [];
const sockets = new Set<Socket>();
after(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

interface Raw {
  url: string;
  /** One entry per request head received: `METHOD /path`, with its arrival time. */
  requests: { line: string; at: number }[];
  /** Connections accepted. */
  connections: () => number;
}

/**
 * A raw TCP upstream: for each request head it receives (read until the
 * blank line, body ignored), calls `answer(socket, nth, line)` which writes
 * whatever bytes it likes and may close or reset the socket.
 */
async function rawUpstream(answer: (socket: Socket, nth: number, line: string) => void): Promise<Raw> {
  const requests: Raw['requests'] = [];
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end;
      while ((end = buffered.indexOf('\r\n\r\n')) !== -1) {
        const head = buffered.slice(0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.slice(end + 4 + length);
        const line = head.split('\r\n')[0]!.split(' ').slice(0, 2).join(' ');
        requests.push({ line, at: performance.now() });
        answer(socket, requests.length, line);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, connections: () => connections };
}

function ok(body = '{"items":[]}', extra = ''): string {
  return `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}

function gateway(baseUrl: string, options: Partial<UpstreamOptions> = {}) {
  const app = createGatewayApp({
    upstream: createUpstream({ baseUrl, timeoutMs: 2000, minBackoffMs: 20, ...options }),
    version: '1',
    log: () => undefined,
  });
  return async (method: string, path: string, body?: string) => {
    const started = performance.now();
    const res = await app.handle(new Request(`http://localhost${path}`, { method, body }));
    const text = await res.text();
    return { status: res.status, text, ms: performance.now() - started };
  };
}

const UNAVAILABLE = '{"message":"Inventory service unavailable"}';
const TIMED_OUT = '{"message":"Inventory service timed out"}';

describe('what the gateway retries', () => {
  it('retries GET, PUT and DELETE after a reset mid-body, and relays the full second answer', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const up = await rawUpstream((socket, nth) => {
        if (nth === 1) {
          socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"items":[');
          setTimeout(() => socket.resetAndDestroy(), 20);
        } else socket.write(ok('{"items":["whole"]}'));
      });
      const res = await gateway(up.url)(method, '/items/1', method === 'PUT' ? '{"name":"x"}' : undefined);
      assert.equal(res.status, 200, method);
      assert.equal(res.text, '{"items":["whole"]}', method);
      assert.deepEqual(up.requests.map((r) => r.line), [`${method} /items/1`, `${method} /items/1`]);
    }
  });

  it('never sends a POST twice: reset before or during the answer is a 502 after one POST', async () => {
    for (const when of ['before the status line', 'mid-body']) {
      const up = await rawUpstream((socket) => {
        if (when === 'mid-body') socket.write('HTTP/1.1 201 Created\r\ncontent-length: 50\r\n\r\n{"Posted');
        setTimeout(() => socket.resetAndDestroy(), 10);
      });
      const res = await gateway(up.url)('POST', '/items', '{"id":"once","name":"n","location":"l","status":"s"}');
      assert.equal(res.status, 502, when);
      assert.equal(res.text, UNAVAILABLE);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(up.requests.map((r) => r.line), ['POST /items'], when);
      assert.equal(up.connections(), 1, when);
    }
  });

  it('backs off between attempts: about minBackoff, then twice that', async () => {
    const up = await rawUpstream((socket) => socket.resetAndDestroy());
    const res = await gateway(up.url, { minBackoffMs: 60 })('GET', '/items');
    assert.equal(res.status, 502);
    const at = up.requests.map((r) => r.at);
    assert.equal(at.length, 3, 'one attempt and two retries');
    assert.ok(at[1]! - at[0]! >= 55, `first gap ${Math.round(at[1]! - at[0]!)} ms, expected ≥ 60`);
    assert.ok(at[2]! - at[1]! >= 115, `second gap ${Math.round(at[2]! - at[1]!)} ms, expected ≥ 120`);
  });

  it('honours retries: 0', async () => {
    const up = await rawUpstream((socket) => socket.resetAndDestroy());
    assert.equal((await gateway(up.url, { retries: 0 })('GET', '/items')).status, 502);
    assert.equal(up.requests.length, 1);
  });

  it('does not retry an answer it cannot use (malformed, too large): one request, 502', async () => {
    const cases: [string, string, Partial<UpstreamOptions>][] = [
      ['garbage instead of HTTP', 'HELLO THERE\r\n\r\n', {}],
      ['a non-numeric Content-Length', 'HTTP/1.1 200 OK\r\ncontent-length: abc\r\n\r\n{}', {}],
      ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 7\r\n\r\n{}', {}],
      ['a Content-Length over the limit', 'HTTP/1.1 200 OK\r\ncontent-length: 5000\r\n\r\n', { maxResponseBytes: 4096 }],
    ];
    for (const [name, bytes, options] of cases) {
      const up = await rawUpstream((socket) => socket.write(bytes));
      const res = await gateway(up.url, options)('GET', '/items');
      assert.equal(res.status, 502, name);
      assert.equal(res.text, UNAVAILABLE, name);
      assert.equal(up.requests.length, 1, `${name}: not retried`);
    }
  });
});

describe('the one deadline', () => {
  it('covers the retries and their backoff: 504 at the deadline, not after every backoff', async () => {
    const up = await rawUpstream((socket) => socket.resetAndDestroy());
    const res = await gateway(up.url, { timeoutMs: 300, minBackoffMs: 200 })('GET', '/items');
    assert.equal(res.status, 504);
    assert.equal(res.text, TIMED_OUT);
    // Without one deadline over the attempts this would be a 502 after
    // 200 + 400 ms of backoff and three attempts.
    assert.ok(res.ms >= 290 && res.ms < 1500, `answered after ${Math.round(res.ms)} ms, expected about 300`);
    assert.ok(up.requests.length <= 2, `${up.requests.length} attempts: the one due after the deadline is not made`);
  });

  it('makes no attempt once the deadline passed, even when the backoff timer fires before the abort timer', async () => {
    // Timers run on the event loop's cached clock, the deadline on the wall
    // clock; under load they drift apart. Skew the wall clock 20 ms ahead once
    // the second attempt failed: the backoff (computed to end just past the
    // deadline) now ends 20 ms before ofetch's abort timer fires.
    const realNow = Date.now;
    const up = await rawUpstream((socket, nth) => {
      if (nth === 2) Date.now = () => realNow() + 20;
      socket.resetAndDestroy();
    });
    try {
      const res = await gateway(up.url, { timeoutMs: 300, minBackoffMs: 200 })('GET', '/items');
      assert.equal(res.status, 504);
      assert.equal(res.text, TIMED_OUT);
      assert.equal(up.requests.length, 2, 'the attempt due after the deadline is not made');
    } finally {
      Date.now = realNow;
    }
  });

  it('covers a body that trickles: 504 at the deadline although bytes keep coming', async () => {
    const up = await rawUpstream((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
      const timer = setInterval(() => (socket.writable ? socket.write('1\r\n \r\n') : clearInterval(timer)), 30);
      socket.on('close', () => clearInterval(timer));
    });
    const res = await gateway(up.url, { timeoutMs: 300 })('GET', '/items');
    assert.equal(res.status, 504);
    assert.equal(res.text, TIMED_OUT);
    assert.ok(res.ms >= 290 && res.ms < 1000, `answered after ${Math.round(res.ms)} ms`);
    assert.equal(up.requests.length, 1, 'a timeout is not retried');
  });

  it('covers a body that stalls short of its Content-Length: 504, not retried', async () => {
    const up = await rawUpstream((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n{"items":['));
    const res = await gateway(up.url, { timeoutMs: 300 })('PUT', '/items/1', '{}');
    assert.equal(res.status, 504);
    assert.equal(up.requests.length, 1);
  });

  it('leaves no work behind a fast call: the process can exit (no deadline timer keeps it alive)', async () => {
    const up = await rawUpstream((socket) => socket.write(ok()));
    const call = gateway(up.url, { timeoutMs: 60_000 });
    assert.equal((await call('GET', '/items')).status, 200);
    const timers = (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo().filter((r) => r === 'Timeout');
    assert.ok(timers.length < 5, `active timers after the call: ${timers.length}`);
  });
});

describe('hostile answers', () => {
  it('answers 502 (after the retries) when the upstream closes short of its Content-Length', async () => {
    const up = await rawUpstream((socket) => {
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"items":[');
    });
    const res = await gateway(up.url)('GET', '/items');
    assert.equal(res.status, 502);
    assert.equal(res.text, UNAVAILABLE);
    assert.equal(up.requests.length, 3);
  });

  it('relays exactly the declared bytes when the upstream sends more than its Content-Length, and recovers', async () => {
    const up = await rawUpstream((socket, nth) => {
      socket.write(nth === 1 ? `${ok('{"a":1}')}SMUGGLED/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}` : ok('{"b":2}'));
    });
    const call = gateway(up.url);
    const first = await call('GET', '/items/1');
    assert.equal(first.status, 200);
    assert.equal(first.text, '{"a":1}');
    const second = await call('GET', '/items/2');
    assert.equal(second.status, 200);
    assert.equal(second.text, '{"b":2}', 'the stray bytes are never taken for the next answer');
  });

  it('refuses a huge body with 502 without buffering it all, and keeps serving', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const up = await rawUpstream((socket, nth) => {
      if (nth > 1) return void socket.write(ok());
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
      const pump = () => {
        while (socket.writable && sent < 256 * 1024 * 1024) {
          sent += chunk.length;
          if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString('latin1')}\r\n`, 'latin1')) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    const call = gateway(up.url, { maxResponseBytes: 1024 * 1024 });
    const res = await call('GET', '/items');
    assert.equal(res.status, 502);
    assert.equal(res.text, UNAVAILABLE);
    assert.ok(sent < 64 * 1024 * 1024, `the upstream got to send ${sent} bytes before the gateway hung up`);
    assert.equal(up.requests.length, 1, 'not retried');
    assert.equal((await call('GET', '/items')).status, 200);
  });

  it('passes an upstream 204 or 304 through without a body (it used to be a 500)', async () => {
    for (const status of ['204 No Content', '304 Not Modified']) {
      const up = await rawUpstream((socket) => socket.write(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\n\r\n`));
      const res = await gateway(up.url)('GET', '/items/1');
      assert.equal(res.status, Number(status.slice(0, 3)));
      assert.equal(res.text, '');
    }
  });
});
