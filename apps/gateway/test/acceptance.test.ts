import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startApp, type AppProcess } from '../../shared/test/processes.js';

let inventory: AppProcess;
let gateway: AppProcess;

before(async () => {
  inventory = await startApp('inventory', { INVENTORY_DB: ':memory:', INVENTORY_SEED: 'demo', APP_VERSION: '2.0.0' });
  gateway = await startApp('gateway', { INVSYS_URL: inventory.url, GATEWAY_TIMEOUT_MS: '2000' });
});
after(async () => {
  await Promise.all([gateway?.stop(), inventory?.stop()]);
});

async function call(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${gateway.url}${path}`, { method, body, headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('the course acceptance checks, through the gateway process', () => {
  it('GET /items answers 200', async () => {
    const res = await call('GET', '/items');
    assert.equal(res.status, 200);
    assert.match(res.type ?? '', /^application\/json/);
    assert.ok(Array.isArray((JSON.parse(res.text) as { items: unknown }).items));
  });

  it('POST /items with a random id answers 201', async () => {
    const id = randomUUID();
    const res = await call(
      'POST',
      '/items',
      JSON.stringify({ id, name: 'ECS Test Device', location: 'AWS Cloud', status: 'active' }),
      { 'content-type': 'application/json' },
    );
    assert.equal(res.status, 201);
    assert.deepEqual(JSON.parse(res.text), {
      'Posted a device': { id, name: 'ECS Test Device', location: 'AWS Cloud', status: 'active' },
    });
  });

  it('PUT /items/002 with a full body answers 200 (demo seed)', async () => {
    const res = await call(
      'PUT',
      '/items/002',
      JSON.stringify({ id: '002', name: 'Humidity_sensor', location: 'bedroom', status: 'off' }),
      { 'content-type': 'application/json' },
    );
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), { 'updated device': '002' });
  });

  it('DELETE /items/100 answers 404', async () => {
    const res = await call('DELETE', '/items/100');
    assert.equal(res.status, 404);
    assert.deepEqual(JSON.parse(res.text), { message: 'Device not found' });
  });

  it('GET / answers the greeting and /version shows APP_VERSION on the inventory', async () => {
    assert.equal((await call('GET', '/')).text, 'Hello from Gateway!');
    const version = await fetch(`${inventory.url}/version`);
    assert.deepEqual(await version.json(), { version: '2.0.0', service: 'inventory-system' });
  });
});

describe('hostile input through the gateway process', () => {
  const cases: [string, string, string | undefined][] = [
    ['POST', '/items', '{"id":'],
    ['POST', '/items', 'null'],
    ['POST', '/items', JSON.stringify({ id: 'a/b', name: 'n', location: 'l', status: 's' })],
    ['POST', '/items', JSON.stringify({ id: "1' OR '1'='1", name: 'n', location: 'l', status: 's' })],
    ['POST', '/items', JSON.stringify({ id: 'ok-1', name: 'n'.repeat(100_000), location: 'l', status: 's' })],
    ['PUT', '/items/001', JSON.stringify({ name: null })],
    ['PUT', '/items/..%2F001', JSON.stringify({ name: 'x' })],
    ['GET', '/items/%00', undefined],
    ['DELETE', '/items/1%3B%20DROP%20TABLE%20devices', undefined],
    ['GET', '/items/a/b/c', undefined],
  ];
  for (const [method, path, body] of cases) {
    it(`answers ${method} ${path} ${(body ?? '').slice(0, 40)} with a JSON 4xx and changes nothing`, async () => {
      const before = (await call('GET', '/items')).text;
      const res = await call(method, path, body);
      assert.ok(res.status >= 400 && res.status < 500, `got ${res.status} ${res.text}`);
      assert.match(res.type ?? '', /^application\/json/);
      JSON.parse(res.text);
      assert.equal((await call('GET', '/items')).text, before);
    });
  }
});

describe('gateway shutdown', () => {
  it('exits 0 on SIGTERM after answering not-ready', async () => {
    const own = await startApp('gateway', { INVSYS_URL: inventory.url });
    own.child.kill('SIGTERM');
    // Probe until the drain shows (a 503) or the listener is gone, instead of
    // a fixed number of probes that a slow machine might spend before SIGTERM lands.
    const statuses: number[] = [];
    let exited = false;
    void own.exited.then(() => (exited = true));
    const deadline = Date.now() + 10_000;
    while (!statuses.includes(503) && !statuses.includes(-1) && !exited && Date.now() < deadline) {
      statuses.push(
        await fetch(`${own.url}/health/ready`, { headers: { connection: 'close' } }).then(
          async (res) => (await res.arrayBuffer(), res.status),
          () => -1,
        ),
      );
    }
    const sawNotReady = statuses.includes(503);
    assert.ok(sawNotReady, `readiness answered 503 while draining: ${statuses.join(',')} exit ${await own.exited} ${own.lines.join('\n')}`);
    assert.equal(await own.exited, 0);
  });
});
