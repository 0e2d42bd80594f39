import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createInventoryApp } from '../src/app.js';
import { DEMO_DEVICES, openSqliteStore } from '../src/store.js';

function setup() {
  const store = openSqliteStore({ path: ':memory:', seed: 'demo' });
  const app = createInventoryApp({ store, version: '1', log: () => undefined });
  const call = async (method: string, path: string, body?: string) => {
    const res = await app.handle(new Request(`http://localhost${path}`, { method, body }));
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text };
  };
  return { store, call };
}

/** A 4xx, JSON, in one of the contract's shapes (message, or field → messages). */
function assertContract4xx(res: { status: number; type: string; text: string }, label: string): void {
  assert.ok(res.status >= 400 && res.status < 500, `${label}: expected a 4xx, got ${res.status} ${res.text}`);
  assert.match(res.type, /^application\/json/, label);
  const body = JSON.parse(res.text) as Record<string, unknown>;
  const isMessage = typeof body.message === 'string' && Object.keys(body).length === 1;
  const isFieldMap =
    Object.keys(body).length > 0 &&
    Object.values(body).every((v) => Array.isArray(v) && v.length > 0 && v.every((m) => typeof m === 'string'));
  assert.ok(isMessage || isFieldMap, `${label}: body is not in a contract shape: ${res.text}`);
  assert.doesNotMatch(res.text, /\n\s+at |sqlite|SQLITE/i, `${label}: leaks internals`);
}

const ok = { id: 'x1', name: 'n', location: 'l', status: 's' };

const hostileBodies: [string, string][] = [
  ['truncated JSON', '{"id":"x1","name":'],
  ['a bare word', 'DROP TABLE devices'],
  ['JSON with a trailing comma', '{"id":"x1",}'],
  ['a number', '42'],
  ['true', 'true'],
  ['an array of devices', JSON.stringify([ok])],
  ['nested objects in fields', JSON.stringify({ ...ok, name: { $ne: null } })],
  ['an array in a field', JSON.stringify({ ...ok, status: ['on'] })],
  ['a boolean id', JSON.stringify({ ...ok, id: true })],
  ['all nulls', JSON.stringify({ id: null, name: null, location: null, status: null })],
  ['an SQL fragment as id', JSON.stringify({ ...ok, id: "x'; DROP TABLE devices; --" })],
  ['an id with a slash', JSON.stringify({ ...ok, id: '../001' })],
  ['an id with a NUL', JSON.stringify({ ...ok, id: 'a\u0000b' })],
  ['an id of 65 characters', JSON.stringify({ ...ok, id: 'a'.repeat(65) })],
  ['a 60 KB name', JSON.stringify({ ...ok, name: 'n'.repeat(60_000) })],
  ['a 1 MB name', JSON.stringify({ ...ok, name: 'n'.repeat(1_000_000) })],
  ['a __proto__ key', '{"__proto__":{"admin":true},"id":"x1","name":"n","location":"l","status":"s"}'],
  ['a constructor key', JSON.stringify({ ...ok, constructor: 'x' })],
  ['an existing id (001)', JSON.stringify({ ...ok, id: '001' })],
  ['invalid UTF-8', '\uD800'],
];

const hostilePaths = [
  '/items/a%2Fb',
  '/items/..%2F..%2Fetc%2Fpasswd',
  '/items/%2E%2E',
  '/items/a%00b',
  '/items/%00',
  "/items/1'%20OR%20'1'='1",
  '/items/1%3B%20DROP%20TABLE%20devices',
  '/items/%E0%A4%A',
  '/items/' + 'a'.repeat(5000),
  '/items/001/extra',
];

describe('inventory under hostile input', () => {
  for (const [what, body] of hostileBodies) {
    it(`refuses a POST with ${what} with a contract 4xx and leaves the store unchanged`, async () => {
      const { call, store } = setup();
      const res = await call('POST', '/items', body);
      assertContract4xx(res, what);
      assert.deepEqual(store.list(), DEMO_DEVICES);
      assert.equal(({} as Record<string, unknown>).admin, undefined);
    });
  }

  for (const [what, body] of hostileBodies.filter(([w]) => !w.includes('existing'))) {
    it(`refuses a PUT with ${what} with a contract 4xx and leaves the store unchanged`, async () => {
      const { call, store } = setup();
      const res = await call('PUT', '/items/001', body);
      if (what === 'an SQL fragment as id' || what.startsWith('an id')) {
        // these are valid-JSON bodies whose id differs from the path: 400
        assert.equal(res.status, 400, `${what}: ${res.text}`);
      }
      if (what === 'a constructor key' || what === 'a __proto__ key') assert.equal(res.status, 400, res.text);
      assertContract4xx(res, what);
      assert.deepEqual(store.list(), DEMO_DEVICES);
    });
  }

  for (const path of hostilePaths) {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      it(`answers ${method} ${path.slice(0, 60)} with a contract 4xx and leaves the store unchanged`, async () => {
        const { call, store } = setup();
        const res = await call(method, path, method === 'PUT' ? JSON.stringify({ name: 'pwned' }) : undefined);
        assertContract4xx(res, `${method} ${path}`);
        assert.deepEqual(store.list(), DEMO_DEVICES);
      });
    }
  }

  it('stores SQL-looking text in names verbatim, as data', async () => {
    const { call, store } = setup();
    const name = "Robert'); DROP TABLE devices;--";
    const res = await call('POST', '/items', JSON.stringify({ ...ok, name }));
    assert.equal(res.status, 201);
    assert.equal(store.get('x1')?.name, name);
    assert.equal(store.list().length, DEMO_DEVICES.length + 1);
  });
});
