import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateClusterCommand, ListClustersCommand } from '@aws-sdk/client-ecs';
import { startTestCloud, type TestCloud } from '../helpers.js';
import { errorCode, raw, rawBytes } from './raw.js';
import { createRequestGuard, isLoopbackName, parseHostHeader } from '../../../src/local/server/guard.js';
import type { IncomingMessage } from 'node:http';

const ECS_TARGET = 'AmazonEC2ContainerServiceV20141113.ListClusters';
/** A complete SigV4 header: the cloud has no credentials here, so it is accepted unverified and each request reaches the guard's verdict alone. */
const SIGNED = `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`;
const listClusters = (headers: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': ECS_TARGET, authorization: SIGNED, ...headers },
  body: '{}',
});

describe('Host header: only loopback names (DNS rebinding)', () => {
  let t: TestCloud;
  let port: number;
  before(async () => {
    t = await startTestCloud();
    port = Number(new URL(t.cloud.endpoint).port);
  });
  after(() => t.stop());

  test('a signed ECS request with Host: attacker.example:PORT is refused with a 403 naming the Host and the fix', async () => {
    const r = await raw(t.cloud.endpoint, listClusters({ host: `attacker.example:${port}` }));
    assert.equal(r.status, 403);
    assert.equal(errorCode(r.text), 'AccessDeniedException');
    const message = (JSON.parse(r.text) as { message: string }).message;
    assert.match(message, /attacker\.example/);
    assert.match(message, /--allow-host/);
    assert.match(message, /DNS-rebinding/);
  });

  test('the Host check covers every path: AWS Query, health, admin, and routes added later (/v2/, the console)', async () => {
    const host = { host: `attacker.example:${port}` };
    const form = await raw(t.cloud.endpoint, { method: 'POST', headers: { ...host, 'content-type': 'application/x-www-form-urlencoded', authorization: SIGNED.replace('/ecs/', '/iam/') }, body: 'Action=ListRoles&Version=2010-05-08' });
    assert.equal(form.status, 403);
    assert.equal(errorCode(form.text), 'AccessDenied');
    for (const path of ['/_ecskit/health', '/_ecskit/reset', '/_ecskit/console', '/v2/', '/v2/x/manifests/latest', '/anything']) {
      const r = await raw(t.cloud.endpoint, { path, headers: { ...host, authorization: `Bearer ${t.cloud.adminToken}` } });
      assert.equal(r.status, 403, path);
      assert.match(r.text, /attacker\.example/, path);
    }
  });

  test('loopback names and addresses are served: 127.0.0.0/8, localhost, *.localhost, [::1], with or without a port, any case', async () => {
    const accepted = ['127.0.0.1', `127.0.0.1:${port}`, `127.255.3.4:${port}`, `localhost:${port}`, 'localhost', `LOCALHOST:${port}`, `api.localhost:${port}`, `a.b-c.localhost:${port}`, `[::1]:${port}`, '[::1]', `[0:0:0:0:0:0:0:1]:${port}`, `[::ffff:127.0.0.1]:${port}`];
    for (const host of accepted) {
      const r = await raw(t.cloud.endpoint, listClusters({ host }));
      assert.equal(r.status, 200, `${host}: ${r.text}`);
    }
  });

  test('odd and hostile Host headers are refused: empty, userinfo, look-alike names, rebinding names, numeric tricks, long', async () => {
    const refused = [
      '',
      `user@localhost:${port}`,
      `localhost:${port}@evil.example`,
      `127.0.0.1.evil.com:${port}`,
      `localhost.evil.com:${port}`,
      `evil.com:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `7f000001.c0a80001.rbndr.us:${port}`,
      `localtest.me:${port}`,
      `0x7f.0.0.1:${port}`,
      `2130706433:${port}`,
      `127.1:${port}`,
      `0.0.0.0:${port}`,
      `10.0.0.1:${port}`,
      `[::2]:${port}`,
      `[::1:${port}`,
      `::1`,
      `localhost:99999`,
      `localhost:`,
      `localhost.`,
      `-x.localhost`,
      `xlocalhost`,
      `local host`,
      `%6cocalhost`,
      `${'a'.repeat(5000)}.localhost`,
      `${'a'.repeat(64)}.localhost`,
      'localhost, evil.com',
    ];
    for (const host of refused) {
      const r = await raw(t.cloud.endpoint, listClusters({ host })).catch((error: Error) => ({ status: -1, text: error.message, headers: {} }));
      assert.ok(r.status === 403 || r.status === 400, `${JSON.stringify(host.slice(0, 60))}: expected 403 (or the HTTP parser's 400), got ${r.status} ${r.text.slice(0, 120)}`);
    }
  });

  test('a request with no Host header at all (HTTP/1.0) is refused', async () => {
    const r = await rawBytes(t.cloud.endpoint, `POST / HTTP/1.0\r\ncontent-type: application/x-amz-json-1.1\r\nx-amz-target: ${ECS_TARGET}\r\nauthorization: ${SIGNED}\r\ncontent-length: 2\r\n\r\n{}`);
    assert.equal(r.status, 403);
    assert.match(r.text, /no Host header/);
  });

  test('the SDK is unaffected', async () => {
    const out = await t.clients.ecs.send(new ListClustersCommand({}));
    assert.deepEqual(out.clusterArns, []);
  });
});

describe('Host header: names allowed explicitly', () => {
  test('allowedHosts and a non-loopback bind address are served; other names still are not', async () => {
    const t = await startTestCloud({ allowedHosts: ['dev.example', 'Other.Example'] });
    try {
      const port = Number(new URL(t.cloud.endpoint).port);
      assert.equal((await raw(t.cloud.endpoint, listClusters({ host: `dev.example:${port}` }))).status, 200);
      assert.equal((await raw(t.cloud.endpoint, listClusters({ host: 'other.example' }))).status, 200);
      assert.equal((await raw(t.cloud.endpoint, listClusters({ host: `evil.dev.example:${port}` }))).status, 403);
    } finally {
      await t.stop();
    }
  });

  test('an allowed host that is not a host name is refused at start', async () => {
    for (const bad of ['', 'dev.example:80', 'a b', 'user@host', 'http://x']) {
      await assert.rejects(startTestCloud({ allowedHosts: [bad] }), /allowed host must be a host name or address without port/, bad);
    }
  });
});

describe('Origin: only the cloud\'s own pages (CSRF)', () => {
  let t: TestCloud;
  let port: number;
  before(async () => {
    t = await startTestCloud({ allowedOrigins: ['http://localhost:3000'] });
    port = Number(new URL(t.cloud.endpoint).port);
  });
  after(() => t.stop());

  test('POST /_ecskit/reset with Origin: http://evil.example and text/plain is refused, even with the admin token, and nothing is reset', async () => {
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'keep-me' }));
    for (const authorization of [undefined, `Bearer ${t.cloud.adminToken}`]) {
      const r = await raw(t.cloud.endpoint, {
        method: 'POST',
        path: '/_ecskit/reset',
        headers: { origin: 'http://evil.example', 'content-type': 'text/plain', ...(authorization ? { authorization } : {}) },
        body: 'x',
      });
      assert.equal(r.status, 403);
      assert.equal((JSON.parse(r.text) as { code: string }).code, 'ForbiddenOrigin');
      assert.match(r.text, /evil\.example/);
      assert.match(r.text, /--allow-origin/);
    }
    const out = await t.clients.ecs.send(new ListClustersCommand({}));
    assert.deepEqual(out.clusterArns?.map((a) => a.split('/').pop()), ['keep-me']);
  });

  test('a cross-site form post of an unsigned CreateRole is refused twice over: by Origin, and without Origin by MissingAuthenticationToken; no role exists', async () => {
    const body = 'Action=CreateRole&RoleName=pwned&AssumeRolePolicyDocument=%7B%7D&Version=2010-05-08';
    const withOrigin = await raw(t.cloud.endpoint, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(withOrigin.status, 403);
    assert.equal(errorCode(withOrigin.text), 'AccessDenied');
    const bare = await raw(t.cloud.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(bare.status, 403);
    assert.equal(errorCode(bare.text), 'MissingAuthenticationToken');
    assert.match(bare.text, /Request is missing Authentication Token/);
    const role = await t.query('iam', 'GetRole', { RoleName: 'pwned' });
    assert.equal(role.status, 404);
    assert.equal(errorCode(role.text), 'NoSuchEntity');
  });

  test('Origin: null (sandboxed frames, file: pages, redirects) is refused', async () => {
    const r = await raw(t.cloud.endpoint, listClusters({ origin: 'null' }));
    assert.equal(r.status, 403);
  });

  test('the cloud\'s own origins pass, under each loopback name of its port; the same names on another port or scheme do not', async () => {
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`, `http://console.localhost:${port}`, 'http://localhost:3000']) {
      assert.equal((await raw(t.cloud.endpoint, listClusters({ origin }))).status, 200, origin);
    }
    for (const origin of [`http://localhost:${port + 1}`, `https://localhost:${port}`, 'http://localhost', `http://127.0.0.1.evil.com:${port}`, `http://evil.example:${port}`, 'http://localhost:3001', `ftp://localhost:${port}`, 'not a url', '']) {
      assert.equal((await raw(t.cloud.endpoint, listClusters({ origin }))).status, 403, JSON.stringify(origin));
    }
  });

  test('a browser request without Origin but with Sec-Fetch-Site: cross-site or same-site (an <img> or a link from another page) is refused; same-origin and none pass', async () => {
    assert.equal((await raw(t.cloud.endpoint, listClusters({ 'sec-fetch-site': 'cross-site' }))).status, 403);
    assert.equal((await raw(t.cloud.endpoint, listClusters({ 'sec-fetch-site': 'same-site' }))).status, 403);
    assert.equal((await raw(t.cloud.endpoint, listClusters({ 'sec-fetch-site': 'same-origin' }))).status, 200);
    assert.equal((await raw(t.cloud.endpoint, listClusters({ 'sec-fetch-site': 'none' }))).status, 200);
  });

  test('an allowed origin that is not an origin URL is refused at start', async () => {
    await assert.rejects(startTestCloud({ allowedOrigins: ['localhost:3000'] }), /allowed origin must look like http:\/\/host:port/);
  });
});

describe('guard functions', () => {
  test('parseHostHeader is strict about the shape', () => {
    assert.deepEqual(parseHostHeader('LocalHost:4566'), { hostname: 'localhost', port: 4566 });
    assert.deepEqual(parseHostHeader('[::1]'), { hostname: '::1', port: undefined });
    for (const bad of [undefined, '', 'a b', 'a@b', 'x:65536', '[zz]:1', '[::1', 'x'.repeat(301)]) assert.equal(parseHostHeader(bad), undefined, String(bad));
  });

  test('isLoopbackName accepts only names and addresses that always mean this machine', () => {
    for (const ok of ['localhost', 'a.localhost', '127.0.0.1', '127.9.9.9', '::1', '[::1]', '::ffff:127.0.0.1']) assert.ok(isLoopbackName(ok), ok);
    for (const no of ['localhost.evil.com', '128.0.0.1', '::2', '0.0.0.0', 'example.com', '::ffff:10.0.0.1', '.localhost']) assert.ok(!isLoopbackName(no), no);
  });

  test('the guard reads only headers, so it can run before any route (a fake request is enough)', () => {
    const guard = createRequestGuard({ port: () => 4566 });
    const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
    assert.equal(guard(req({ host: 'localhost:4566', origin: 'http://localhost:4566' })), undefined);
    assert.equal(guard(req({ host: 'evil.example' }))?.reason, 'ForbiddenHost');
    assert.equal(guard(req({ host: 'localhost', origin: 'http://evil.example' }))?.reason, 'ForbiddenOrigin');
  });
});
