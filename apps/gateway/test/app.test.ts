import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGatewayApp, pathAndQueryOf } from '../src/app.js';
import { UpstreamTimeoutError, UpstreamUnavailableError, type Upstream, type UpstreamRequest } from '../src/upstream.js';
import { createLifecycle } from '../../shared/src/lifecycle.js';
import { logSink } from '../../../test/wait-for.js';

function setup(upstream: Upstream = async () => ({ status: 200, contentType: 'application/json', body: new TextEncoder().encode('{"items":[]}') })) {
  const sink = logSink();
  const logs = sink.lines;
  const lifecycle = createLifecycle();
  const app = createGatewayApp({ upstream, version: '2.0.0', lifecycle, log: sink.log });
  const call = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
    const res = await app.handle(new Request(`http://localhost${path}`, { method, body, headers }));
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), headers: res.headers, text };
  };
  return { app, call, logs, sink, lifecycle };
}

function recording(answer: { status: number; contentType: string | null; body: string }) {
  const seen: UpstreamRequest[] = [];
  const upstream: Upstream = async (request) => {
    seen.push(request);
    return { status: answer.status, contentType: answer.contentType, body: new TextEncoder().encode(answer.body) };
  };
  return { seen, upstream };
}

describe('gateway own routes', () => {
  it('greets on / in plain text, as the ALB health check expects', async () => {
    const { call } = setup();
    const res = await call('GET', '/');
    assert.equal(res.status, 200);
    assert.match(res.type ?? '', /^text\/plain/);
    assert.equal(res.text, 'Hello from Gateway!');
  });

  it('reports health, liveness, readiness and version with service "gateway"', async () => {
    const { call, lifecycle } = setup();
    assert.deepEqual(JSON.parse((await call('GET', '/health')).text), { status: 'healthy' });
    assert.deepEqual(JSON.parse((await call('GET', '/health/live')).text), { alive: true });
    assert.deepEqual(JSON.parse((await call('GET', '/health/ready')).text), { ready: true });
    assert.deepEqual(JSON.parse((await call('GET', '/version')).text), { version: '2.0.0', service: 'gateway' });
    lifecycle.draining = true;
    const draining = await call('GET', '/health/ready');
    assert.equal(draining.status, 503);
    assert.deepEqual(JSON.parse(draining.text), { ready: false });
  });

  it('answers unknown routes with JSON 404 and wrong methods with JSON 405, without calling upstream', async () => {
    const { seen, upstream } = recording({ status: 200, contentType: 'application/json', body: '{}' });
    const { call } = setup(upstream);
    const missing = await call('GET', '/admin');
    assert.equal(missing.status, 404);
    assert.match(missing.type ?? '', /^application\/json/);
    assert.deepEqual(JSON.parse(missing.text), { message: 'Not found' });
    const wrong = await call('PATCH', '/items/001', '{}');
    assert.equal(wrong.status, 405);
    assert.deepEqual(JSON.parse(wrong.text), { message: 'Method not allowed' });
    assert.equal(wrong.headers.get('allow'), 'GET, PUT, DELETE');
    assert.equal((await call('DELETE', '/items')).status, 405);
    assert.equal((await call('POST', '/')).status, 405);
    assert.equal(seen.length, 0);
  });

  it('refuses a body over 64 KiB with JSON 413 and forwards nothing', async () => {
    const { seen, upstream } = recording({ status: 201, contentType: 'application/json', body: '{}' });
    const { call } = setup(upstream);
    const res = await call('POST', '/items', 'x'.repeat(64 * 1024 + 1));
    assert.equal(res.status, 413);
    assert.match(res.type ?? '', /^application\/json/);
    assert.equal(typeof JSON.parse(res.text).message, 'string');
    assert.equal(seen.length, 0);
  });
});

describe('gateway forwarding', () => {
  it('forwards method, raw path, query string, request id and body, and passes the answer through unchanged', async () => {
    const { seen, upstream } = recording({ status: 418, contentType: 'text/html; charset=utf-8', body: '<b>teapot</b>' });
    const { call } = setup(upstream);
    const res = await call('PUT', '/items/a%2Fb?dry=1&x=%20', '{"name":"n"}', {
      'x-request-id': 'req-7',
      'content-type': 'application/json; charset=utf-8',
    });
    assert.equal(res.status, 418);
    assert.equal(res.type, 'text/html; charset=utf-8');
    assert.equal(res.text, '<b>teapot</b>');
    assert.equal(res.headers.get('x-request-id'), 'req-7');
    assert.equal(seen.length, 1);
    const sent = seen[0]!;
    assert.equal(sent.method, 'PUT');
    assert.equal(sent.pathAndQuery, '/items/a%2Fb?dry=1&x=%20');
    assert.equal(sent.headers['x-request-id'], 'req-7');
    assert.equal(sent.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(new TextDecoder().decode(sent.body), '{"name":"n"}');
  });

  it('sends a POST without Content-Type upstream as JSON, and makes a request id when none came', async () => {
    const { seen, upstream } = recording({ status: 201, contentType: 'application/json', body: '{"ok":1}' });
    const { app } = setup(upstream);
    // bytes, so that Request does not add a text/plain Content-Type of its own
    const res = await app.handle(
      new Request('http://localhost/items', { method: 'POST', body: new TextEncoder().encode('{"id":"1"}') }),
    );
    assert.equal(res.status, 201);
    assert.equal(seen[0]!.headers['content-type'], 'application/json');
    assert.match(seen[0]!.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.get('x-request-id'), seen[0]!.headers['x-request-id']);
  });

  it('logs the same generated request id it forwards upstream and answers with', async () => {
    const { seen, upstream } = recording({ status: 200, contentType: 'application/json', body: '{"items":[]}' });
    const { call, logs } = setup(upstream);
    const res = await call('GET', '/items');
    await new Promise((resolve) => setImmediate(resolve));
    const forwarded = seen[0]!.headers['x-request-id'];
    assert.match(forwarded ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.get('x-request-id'), forwarded);
    const line = logs.map((l) => JSON.parse(l) as { requestId: string; path: string }).find((l) => l.path === '/items');
    assert.equal(line?.requestId, forwarded);
  });

  it('passes an upstream answer without a content type through without one', async () => {
    const { upstream } = recording({ status: 200, contentType: null, body: 'raw' });
    const { call } = setup(upstream);
    const res = await call('GET', '/items/001');
    assert.equal(res.status, 200);
    assert.equal(res.type, null);
    assert.equal(res.text, 'raw');
  });

  it('maps an unreachable upstream to 502 and a slow one to 504, as JSON', async () => {
    const down = setup(async () => {
      throw new UpstreamUnavailableError('http://invsys:5000', new Error('ECONNREFUSED'));
    });
    const r502 = await down.call('GET', '/items');
    assert.equal(r502.status, 502);
    assert.match(r502.type ?? '', /^application\/json/);
    assert.deepEqual(JSON.parse(r502.text), { message: 'Inventory service unavailable' });
    const slow = setup(async () => {
      throw new UpstreamTimeoutError('http://invsys:5000', 5000);
    });
    const r504 = await slow.call('GET', '/items/1');
    assert.equal(r504.status, 504);
    assert.deepEqual(JSON.parse(r504.text), { message: 'Inventory service timed out' });
  });

  it('logs the status the client actually got, including passed-through and mapped ones', async () => {
    const { upstream } = recording({ status: 404, contentType: 'application/json', body: '{"message":"Device not found"}' });
    const { call, sink } = setup(upstream);
    await call('DELETE', '/items/100', undefined, { 'x-request-id': 'r-1' });
    // The line is written after the response went out: wait for it, not for a fixed time.
    const logs = await sink.atLeast(1);
    assert.equal(logs.length, 1);
    const line = JSON.parse(logs[0]!) as Record<string, unknown>;
    assert.equal(line.status, 404);
    assert.equal(line.method, 'DELETE');
    assert.equal(line.path, '/items/100');
    assert.equal(line.requestId, 'r-1');
    assert.equal(line.service, 'gateway');
  });

  it('answers an unexpected failure with JSON 500 and no stack trace', async () => {
    const { call } = setup(async () => {
      throw new Error('boom at /srv/secret.js:1');
    });
    const originalWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = () => true;
    try {
      const res = await call('GET', '/items');
      assert.equal(res.status, 500);
      assert.deepEqual(JSON.parse(res.text), { message: 'Internal server error' });
    } finally {
      process.stderr.write = originalWrite;
    }
  });
});

describe('gateway path and query', () => {
  it('is what new URL() gives as pathname + search', () => {
    for (const url of [
      'http://h/items',
      'http://h:80/items?',
      'http://h/items?a=b?',
      'http://h/items/x?q=1&r=%20',
      'http://h',
      'http://[::1]:5000/a/b?c',
      'http://h/items/%2F..%00',
    ]) {
      const parsed = new URL(url);
      assert.equal(pathAndQueryOf(url), parsed.pathname + parsed.search, url);
    }
  });
});
