import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createInventoryApp } from '../src/app.js';
import { openSqliteStore, type DeviceStore } from '../src/store.js';
import { createLifecycle } from '../../shared/src/lifecycle.js';
import { logSink } from '../../../test/wait-for.js';

function setup(seed: 'demo' | 'none' = 'none') {
  const store = openSqliteStore({ path: ':memory:', seed });
  const sink = logSink();
  const logs = sink.lines;
  const lifecycle = createLifecycle();
  let clock = 1_700_000_000_000;
  const app = createInventoryApp({
    store,
    version: '2.0.0',
    lifecycle,
    log: sink.log,
    now: () => (clock += 5),
  });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.handle(
      new Request(`http://localhost${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, type: res.headers.get('content-type'), headers: res.headers, text, json };
  };
  return { store, app, call, logs, sink, lifecycle };
}

const device = { id: 'ecs-device-001', name: 'ECS Test Device', location: 'AWS Cloud', status: 'active' };

describe('inventory contract', () => {
  it('lists no devices at start, as the lab shows', async () => {
    const { call } = setup();
    const res = await call('GET', '/items');
    assert.equal(res.status, 200);
    assert.match(res.type ?? '', /^application\/json/);
    assert.deepEqual(res.json, { items: [] });
  });

  it('loads the course three devices with the demo seed, as a list in insertion order', async () => {
    const { call } = setup('demo');
    const res = await call('GET', '/items');
    assert.deepEqual(res.json, {
      items: [
        { id: '001', name: 'Light bulb', location: 'hall', status: 'off' },
        { id: '002', name: 'Humidity_sensor', location: 'bedroom', status: 'on' },
        { id: '003', name: 'Humidifier', location: 'bedroom', status: 'off' },
      ],
    });
  });

  it('creates a device with 201 and the original body, then serves it', async () => {
    const { call } = setup();
    const created = await call('POST', '/items', device, { 'content-type': 'application/json' });
    assert.equal(created.status, 201);
    assert.match(created.type ?? '', /^application\/json/);
    assert.deepEqual(created.json, { 'Posted a device': device });
    assert.deepEqual((await call('GET', '/items/ecs-device-001')).json, device);
    assert.deepEqual((await call('GET', '/items')).json, { items: [device] });
  });

  it('accepts a JSON body without a Content-Type header', async () => {
    const { call } = setup();
    const res = await call('POST', '/items', device);
    assert.equal(res.status, 201);
  });

  it('refuses a duplicate id with 409 instead of overwriting the first device', async () => {
    const { call } = setup();
    await call('POST', '/items', device);
    const again = await call('POST', '/items', { ...device, name: 'Impostor' });
    assert.equal(again.status, 409);
    assert.deepEqual(again.json, { message: 'Device with this ID already exists' });
    assert.equal(((await call('GET', '/items/ecs-device-001')).json as { name: string }).name, 'ECS Test Device');
  });

  it('answers 404 with a JSON message for an unknown device on GET, PUT and DELETE', async () => {
    const { call } = setup();
    for (const [method, body] of [['GET'], ['PUT', { name: 'x' }], ['DELETE']] as const) {
      const res = await call(method, '/items/100', body);
      assert.equal(res.status, 404, method);
      assert.deepEqual(res.json, { message: 'Device not found' }, method);
    }
  });

  it('updates a device with a full body (the course check) and with any subset of fields', async () => {
    const { call } = setup('demo');
    const full = await call('PUT', '/items/002', { id: '002', name: 'Humidity sensor v2', location: 'attic', status: 'off' });
    assert.equal(full.status, 200);
    assert.deepEqual(full.json, { 'updated device': '002' });
    const partial = await call('PUT', '/items/002', { status: 'on' });
    assert.equal(partial.status, 200);
    assert.deepEqual((await call('GET', '/items/002')).json, {
      id: '002',
      name: 'Humidity sensor v2',
      location: 'attic',
      status: 'on',
    });
  });

  it('refuses a PUT whose body id differs from the path, leaving the record intact', async () => {
    const { call } = setup('demo');
    const res = await call('PUT', '/items/002', { id: '003', name: 'x' });
    assert.equal(res.status, 400);
    assert.deepEqual(Object.keys(res.json as object), ['id']);
    assert.deepEqual((await call('GET', '/items/002')).json, {
      id: '002',
      name: 'Humidity_sensor',
      location: 'bedroom',
      status: 'on',
    });
    assert.equal((await call('GET', '/items/003')).status, 200);
  });

  it('deletes a device with the original message, after which it is gone', async () => {
    const { call } = setup('demo');
    const res = await call('DELETE', '/items/001');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { message: 'Device deleted' });
    assert.equal((await call('GET', '/items/001')).status, 404);
    assert.equal((await call('DELETE', '/items/001')).status, 404);
  });

  it('reports the configured version (APP_VERSION) and the service name', async () => {
    const { call } = setup();
    assert.deepEqual((await call('GET', '/version')).json, { version: '2.0.0', service: 'inventory-system' });
  });

  it('reports health with database and storage checks, and 503 once the store fails', async () => {
    const { call, store } = setup();
    const ok = await call('GET', '/health');
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, {
      status: 'healthy',
      service: 'inventory-system',
      version: '2.0.0',
      checks: { database: 'ok', storage: 'ok' },
    });
    store.close();
    const bad = await call('GET', '/health');
    assert.equal(bad.status, 503);
    assert.equal((bad.json as { status: string }).status, 'unhealthy');
    assert.equal(typeof (bad.json as { error: unknown }).error, 'string');
  });

  it('is live always and ready until draining starts', async () => {
    const { call, lifecycle } = setup();
    assert.deepEqual((await call('GET', '/health/live')).json, { alive: true });
    const ready = await call('GET', '/health/ready');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.json, { ready: true });
    lifecycle.draining = true;
    const draining = await call('GET', '/health/ready');
    assert.equal(draining.status, 503);
    assert.deepEqual(draining.json, { ready: false });
    assert.deepEqual((await call('GET', '/health/live')).json, { alive: true });
  });
});

describe('inventory validation errors', () => {
  const cases: [string, unknown, Record<string, string[]>][] = [
    ['a missing field', { id: 'a', location: 'l', status: 's' }, { name: ['Missing data for required field.'] }],
    ['an unknown field', { ...device, type: 'lamp' }, { type: ['Unknown field.'] }],
    ['a number where a string belongs', { ...device, id: 7 }, { id: ['Not a valid string.'] }],
    ['a null field', { ...device, name: null }, { name: ['Field may not be null.'] }],
    ['a body that is not an object', [device], { _schema: ['Invalid input type.'] }],
    ['a JSON string body', '"hello"', { _schema: ['Invalid input type.'] }],
    ['a JSON null body', 'null', { _schema: ['Invalid input type.'] }],
    ['malformed JSON', '{"id": "a",', { _schema: ['Invalid JSON.'] }],
    ['an empty body', '', { _schema: ['Invalid JSON.'] }],
    ['an empty name', { ...device, name: '' }, { name: ['Length must be between 1 and 256.'] }],
    ['a 257-character location', { ...device, location: 'x'.repeat(257) }, { location: ['Length must be between 1 and 256.'] }],
    ['an id with a slash', { ...device, id: 'a/b' }, { id: ['String does not match expected pattern.'] }],
  ];
  for (const [what, body, expected] of cases) {
    it(`answers 400 in the original shape for ${what} on POST`, async () => {
      const { call } = setup();
      const res = await call('POST', '/items', body);
      assert.equal(res.status, 400);
      assert.match(res.type ?? '', /^application\/json/);
      assert.deepEqual(res.json, expected);
      assert.deepEqual((await call('GET', '/items')).json, { items: [] });
    });
  }

  it('reports every problem at once, one entry per field', async () => {
    const { call } = setup();
    const res = await call('POST', '/items', { id: 3, name: null, extra: true });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, {
      extra: ['Unknown field.'],
      id: ['Not a valid string.'],
      name: ['Field may not be null.'],
      location: ['Missing data for required field.'],
      status: ['Missing data for required field.'],
    });
  });

  it('validates PUT bodies the same way, without requiring any field', async () => {
    const { call } = setup('demo');
    assert.deepEqual((await call('PUT', '/items/001', { colour: 'red' })).json, { colour: ['Unknown field.'] });
    assert.deepEqual((await call('PUT', '/items/001', { status: 1 })).json, { status: ['Not a valid string.'] });
    assert.deepEqual((await call('PUT', '/items/001', '{oops')).json, { _schema: ['Invalid JSON.'] });
    assert.equal((await call('PUT', '/items/001', {})).status, 200);
  });
});

describe('inventory protocol errors', () => {
  it('answers an unknown route with JSON 404', async () => {
    const { call } = setup();
    const res = await call('GET', '/nothing/here');
    assert.equal(res.status, 404);
    assert.match(res.type ?? '', /^application\/json/);
    assert.deepEqual(res.json, { message: 'Not found' });
  });

  it('answers a wrong method with JSON 405 and an Allow header', async () => {
    const { call } = setup();
    for (const [method, path, allow] of [
      ['DELETE', '/items', 'GET, POST'],
      ['POST', '/items/001', 'GET, PUT, DELETE'],
      ['PATCH', '/items/001', 'GET, PUT, DELETE'],
      ['POST', '/version', 'GET'],
    ] as const) {
      const res = await call(method, path);
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.match(res.type ?? '', /^application\/json/);
      assert.deepEqual(res.json, { message: 'Method not allowed' });
      assert.equal(res.headers.get('allow'), allow);
    }
  });

  it('refuses a body over 64 KiB with JSON 413, declared or streamed', async () => {
    const { call, app, store } = setup();
    const big = JSON.stringify({ ...device, name: 'x'.repeat(70_000) });
    const declared = await call('POST', '/items', big);
    assert.equal(declared.status, 413);
    assert.match(declared.type ?? '', /^application\/json/);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(20_000)));
        controller.close();
      },
    });
    const streamed = await app.handle(
      new Request('http://localhost/items', { method: 'POST', body: stream, duplex: 'half' } as RequestInit),
    );
    assert.equal(streamed.status, 413);
    assert.equal(typeof ((await streamed.json()) as { message: unknown }).message, 'string');
    assert.deepEqual(store.list(), []);
  });

  it('accepts a body of exactly 64 KiB as far as the size limit goes', async () => {
    const { call } = setup();
    const body = JSON.stringify({ ...device, pad: '' });
    const exact = body.replace('"pad":""', `"pad":"${'x'.repeat(64 * 1024 - body.length)}"`);
    assert.equal(new TextEncoder().encode(exact).byteLength, 64 * 1024);
    const res = await call('POST', '/items', exact);
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, { pad: ['Unknown field.'] });
  });

  it('answers an internal failure with JSON 500 and no stack trace', async () => {
    const broken: DeviceStore = {
      ...openSqliteStore({ path: ':memory:' }),
      list: () => {
        throw new Error('disk I/O error at /secret/path');
      },
    };
    const app = createInventoryApp({ store: broken, version: '1', log: () => undefined });
    const originalWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = () => true;
    try {
      const res = await app.handle(new Request('http://localhost/items'));
      assert.equal(res.status, 500);
      const text = await res.text();
      assert.deepEqual(JSON.parse(text), { message: 'Internal server error' });
      assert.doesNotMatch(text, /secret|at /);
    } finally {
      process.stderr.write = originalWrite;
    }
  });

  it('logs one JSON line per request with time, request id, method, path, status and duration', async () => {
    const { call, logs, sink } = setup();
    await call('GET', '/items?secret=1', undefined, { 'x-request-id': 'req-42' });
    await call('GET', '/missing');
    // Lines are written after each response went out: wait for both, not for a fixed time.
    await sink.atLeast(2);
    assert.equal(logs.length, 2);
    const first = JSON.parse(logs[0]!) as Record<string, unknown>;
    assert.equal(first.requestId, 'req-42');
    assert.equal(first.method, 'GET');
    assert.equal(first.path, '/items');
    assert.equal(first.status, 200);
    assert.equal(typeof first.durationMs, 'number');
    assert.ok(!Number.isNaN(Date.parse(String(first.time))));
    const second = JSON.parse(logs[1]!) as Record<string, unknown>;
    assert.equal(second.status, 404);
    assert.equal(typeof second.requestId, 'string');
    assert.notEqual(second.requestId, '');
  });

  it('echoes the request id, or makes one, in the x-request-id response header', async () => {
    const { call } = setup();
    assert.equal((await call('GET', '/items', undefined, { 'x-request-id': 'abc-1' })).headers.get('x-request-id'), 'abc-1');
    assert.match((await call('GET', '/items')).headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});
