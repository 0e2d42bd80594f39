/**
 * Routing agrees with forwarding (issue #12.8): with a `Host` of 1–3
 * characters, Elysia's default router skipped a fixed 11 characters of the
 * URL and routed `/zz/items/victim` as `/items/victim`, so a DELETE through
 * the gateway deleted an item the path never named. These tests send raw
 * requests with short and odd `Host` headers to both apps as real processes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startApp, type AppProcess } from './processes.js';

/** Sends one raw HTTP/1.1 request (any Host, any request target) and returns the status and body. */
export function rawRequest(port: number, method: string, target: string, host: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const head = text.slice(0, text.indexOf('\r\n\r\n'));
      let body = text.slice(head.length + 4);
      if (/^transfer-encoding: *chunked/im.test(head)) body = dechunk(body);
      resolve({ status, body });
    });
    const hostLine = host === undefined ? '' : `Host: ${host}\r\n`;
    // write, not end: a half-closed socket reads as a client that went away (the gateway cancels its upstream call).
    socket.write(`${method} ${target} HTTP/1.1\r\n${hostLine}Connection: close\r\n\r\n`);
  });
}

/** The payload of a chunked body (sizes in hex, each chunk followed by CRLF, a 0-size chunk last). */
function dechunk(chunked: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const lineEnd = chunked.indexOf('\r\n', at);
    const size = Number.parseInt(chunked.slice(at, lineEnd), 16);
    if (!(size > 0)) return out;
    out += chunked.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

/** Hosts of every short length, with ports, IPv6 and odd characters. */
const HOSTS = ['x', 'ab', 'abc', 'a:1', '[::1]', 'x.y', '1', '', 'a.bc', 'localhost:5000'];

let inventory: AppProcess;
let gateway: AppProcess;

before(async () => {
  inventory = await startApp('inventory', { INVENTORY_DB: ':memory:', INVENTORY_SEED: 'demo' });
  gateway = await startApp('gateway', { INVSYS_URL: inventory.url });
});
after(async () => {
  await gateway?.stop();
  await inventory?.stop();
});

const DEMO_ID = '001'; // the first of the demo devices (INVENTORY_SEED=demo)

for (const app of ['inventory', 'gateway'] as const) {
  describe(`${app}: short and odd Host headers`, () => {
    const port = () => (app === 'inventory' ? inventory : gateway).port;

    test('a path with a prefix before /items never reaches the /items/:id route, for any Host', async () => {
      for (const host of HOSTS) {
        for (const prefix of ['/zz', '/z', '/zzz', '/abcd']) {
          const response = await rawRequest(port(), 'DELETE', `${prefix}/items/${DEMO_ID}`, host);
          assert.ok([400, 404].includes(response.status), `DELETE ${prefix}/items/${DEMO_ID} with Host '${host}' answered ${response.status}: ${response.body}`);
        }
      }
      const still = await rawRequest(inventory.port, 'GET', `/items/${DEMO_ID}`, '127.0.0.1');
      assert.equal(still.status, 200, `the demo item is still there: ${still.body}`);
    });

    test('the real paths route the same with every Host, and a missing Host is refused', async () => {
      for (const host of HOSTS) {
        const item = await rawRequest(port(), 'GET', `/items/${DEMO_ID}`, host);
        assert.equal(item.status, 200, `GET /items/${DEMO_ID} with Host '${host}': ${item.status} ${item.body}`);
        assert.equal((JSON.parse(item.body) as { id: string }).id, DEMO_ID);
        const unknown = await rawRequest(port(), 'GET', '/zz/items', host);
        assert.equal(unknown.status, 404, `GET /zz/items with Host '${host}': ${unknown.status}`);
      }
      // HTTP/1.1 requires a Host header: Node's server answers 400 before the app.
      assert.equal((await rawRequest(port(), 'GET', '/items', undefined)).status, 400);
    });
  });
}
