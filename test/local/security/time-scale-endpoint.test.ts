import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../helpers.js';
import { raw } from './raw.js';

describe('GET/PUT /_ecskit/time-scale: the running cloud\'s clock, behind the admin token', () => {
  let t: TestCloud;
  before(async () => {
    t = await startTestCloud({ timeScale: 0.02 });
  });
  after(() => t.stop());

  const bearer = () => ({ authorization: `Bearer ${t.cloud.adminToken}` });
  const put = (body: string | Buffer, headers: Record<string, string> = { ...bearer(), 'content-type': 'application/json' }) =>
    raw(t.cloud.endpoint, { method: 'PUT', path: '/_ecskit/time-scale', headers, body });
  const json = (text: string) => JSON.parse(text) as { status: string; code?: string; message?: string; timeScale?: number; previous?: number };

  test('without the token (or with a wrong one) nothing is read or changed: 401 / 403', async () => {
    const events: unknown[] = [];
    const listen = (e: unknown) => events.push(e);
    t.cloud.state.events.on('time-scale:changed', listen);
    try {
      const none = await put('{"timeScale": 0.1}', { 'content-type': 'application/json' });
      assert.equal(none.status, 401);
      assert.equal(json(none.text).code, 'MissingAdminToken');
      const wrong = await put('{"timeScale": 0.1}', { authorization: `Bearer ${t.cloud.adminToken}x`, 'content-type': 'application/json' });
      assert.equal(wrong.status, 403);
      assert.equal((await raw(t.cloud.endpoint, { path: '/_ecskit/time-scale' })).status, 401, 'even reading it needs the token');
      assert.equal(t.cloud.state.timeScale, 0.02);
      assert.deepEqual(events, []);
    } finally {
      t.cloud.state.events.off('time-scale:changed', listen);
    }
  });

  test('PUT changes the clock: the answer, the event, GET and the open health answer all say the new factor', async () => {
    const events: unknown[] = [];
    const listen = (e: unknown) => events.push(e);
    t.cloud.state.events.on('time-scale:changed', listen);
    try {
      const ok = await put('{"timeScale": 0.1}');
      assert.equal(ok.status, 200, ok.text);
      assert.deepEqual(json(ok.text), { status: 'ok', timeScale: 0.1, previous: 0.02 });
      assert.deepEqual(events, [{ from: 0.02, to: 0.1 }]);
      assert.equal(t.cloud.state.timeScale, 0.1);
      const got = await raw(t.cloud.endpoint, { path: '/_ecskit/time-scale', headers: bearer() });
      assert.deepEqual(json(got.text), { status: 'ok', timeScale: 0.1 });
      const health = await raw(t.cloud.endpoint, { path: '/_ecskit/health' });
      assert.equal(json(health.text).timeScale, 0.1);
      const charset = await put('{"timeScale":0.02}', { ...bearer(), 'content-type': 'Application/JSON; charset=utf-8' });
      assert.deepEqual(json(charset.text), { status: 'ok', timeScale: 0.02, previous: 0.1 });
    } finally {
      t.cloud.state.events.off('time-scale:changed', listen);
    }
  });

  test('hostile bodies are refused with the field, the value and the fix, and the clock stays', async () => {
    const cases: Array<[string | Buffer, number, string, RegExp]> = [
      ['{"timeScale": 0}', 400, 'InvalidTimeScale', /got: 0 \(pass 1/],
      ['{"timeScale": -1}', 400, 'InvalidTimeScale', /got: -1/],
      ['{"timeScale": 1e999}', 400, 'InvalidTimeScale', /got: Infinity/],
      ['{"timeScale": "0.1"}', 400, 'InvalidTimeScale', /a string: parse it first/],
      ['{"timeScale": null}', 400, 'InvalidTimeScale', /got: null/],
      ['{"timeScale": [0.1]}', 400, 'InvalidTimeScale', /not a number/],
      ['{"timeScale": {"valueOf": 0.1}}', 400, 'InvalidTimeScale', /not a number/],
      ['{}', 400, 'MissingField', /no "timeScale"/],
      ['{"timescale": 0.1}', 400, 'UnknownField', /"timescale".*only field is "timeScale"/],
      ['{"timeScale": 0.1, "__proto__": {"polluted": true}}', 400, 'UnknownField', /"__proto__"/],
      ['{"constructor": 1}', 400, 'UnknownField', /"constructor"/],
      ['[0.1]', 400, 'InvalidBody', /an array/],
      ['0.1', 400, 'InvalidBody', /got: 0.1/],
      ['null', 400, 'InvalidBody', /got: null/],
      ['"0.1"', 400, 'InvalidBody', /got: "0.1"/],
      ['{"timeScale": 0.1', 400, 'InvalidJson', /not JSON/],
      ['', 400, 'InvalidJson', /not JSON/],
      [Buffer.from([0xff, 0xfe, 0x00]), 400, 'InvalidJson', /not JSON/],
      [`{"timeScale": 0.1, "pad": "${'x'.repeat(2000)}"}`, 413, 'RequestEntityTooLarge', /over 1024 bytes/],
    ];
    for (const [body, status, code, message] of cases) {
      const r = await put(body);
      assert.equal(r.status, status, `${String(body).slice(0, 60)}: ${r.text}`);
      assert.equal(json(r.text).code, code, String(body).slice(0, 60));
      assert.match(json(r.text).message ?? '', message, String(body).slice(0, 60));
    }
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const r = await put('{"timeScale": 0.1}', { ...bearer(), ...(type && { 'content-type': type }) });
      assert.equal(r.status, 415, type);
      assert.match(json(r.text).message ?? '', /Content-Type: application\/json/);
    }
    for (const method of ['POST', 'DELETE', 'PATCH']) {
      // An explicit Content-Length: Node's client sends a DELETE body unframed otherwise.
      const r = await raw(t.cloud.endpoint, { method, path: '/_ecskit/time-scale', headers: { ...bearer(), 'content-type': 'application/json', 'content-length': '18' }, body: '{"timeScale": 0.1}' });
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.allow, 'GET, HEAD, PUT');
    }
    assert.equal(t.cloud.state.timeScale, 0.02, 'no hostile request moved the clock');
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
    // The listener still serves after all of that.
    assert.equal((await raw(t.cloud.endpoint, { path: '/_ecskit/health' })).status, 200);
  });

  test('a browser page on another origin cannot change it, even with the token', async () => {
    const r = await put('{"timeScale": 0.1}', { ...bearer(), 'content-type': 'application/json', origin: 'http://evil.example' });
    assert.equal(r.status, 403);
    assert.equal(t.cloud.state.timeScale, 0.02);
  });
});
