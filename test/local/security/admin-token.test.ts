import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateClusterCommand, ListClustersCommand } from '@aws-sdk/client-ecs';
import { startLocalCloud } from '../../../src/local/index.js';
import { adminTokenMatches, checkAdminToken, createAdminToken, writeAdminTokenFile } from '../../../src/local/server/admin-token.js';
import { startTestCloud, type TestCloud } from '../helpers.js';
import { raw } from './raw.js';

const reset = (t: TestCloud, authorization?: string) =>
  raw(t.cloud.endpoint, { method: 'POST', path: '/_ecskit/reset', headers: authorization === undefined ? {} : { authorization } });

describe('the admin token guards /_ecskit/* admin endpoints', () => {
  let t: TestCloud;
  before(async () => {
    t = await startTestCloud();
  });
  after(() => t.stop());

  test('reset without a token is 401 with WWW-Authenticate, with a wrong one 403; neither resets anything; the right one does', async () => {
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'survivor' }));
    const none = await reset(t);
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="ecskit-admin"');
    assert.match(none.text, /MissingAdminToken/);
    assert.match(none.text, /admin token:/);
    const token = t.cloud.adminToken;
    const wrong = [`Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Bearer ${createAdminToken()}`, `Bearer ${token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase()}`];
    for (const authorization of wrong) {
      const r = await reset(t, authorization);
      assert.equal(r.status, 403, authorization);
      assert.match(r.text, /InvalidAdminToken/);
    }
    for (const authorization of ['', 'Bearer', 'Bearer ', `Basic ${token}`, token, `Bearer ${token} extra`, `Token ${token}`]) {
      assert.equal((await reset(t, authorization)).status, 401, JSON.stringify(authorization));
    }
    // A query-string token is not accepted: URLs end up in logs and Referer headers.
    assert.equal((await raw(t.cloud.endpoint, { method: 'POST', path: `/_ecskit/reset?token=${token}` })).status, 401);
    assert.deepEqual((await t.clients.ecs.send(new ListClustersCommand({}))).clusterArns?.length, 1);

    const ok = await reset(t, `Bearer ${token}`);
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.text), { status: 'ok', reset: true });
    assert.deepEqual((await t.clients.ecs.send(new ListClustersCommand({}))).clusterArns, []);
    assert.equal((await reset(t, `bearer   ${token}`)).status, 200, 'the scheme is case-insensitive, as RFC 7235 says');
  });

  test('GET and HEAD /_ecskit/health stay open and reveal no token', async () => {
    const get = await raw(t.cloud.endpoint, { path: '/_ecskit/health' });
    assert.equal(get.status, 200);
    assert.equal((JSON.parse(get.text) as { status: string }).status, 'ok');
    assert.ok(!get.text.includes(t.cloud.adminToken));
    const head = await raw(t.cloud.endpoint, { method: 'HEAD', path: '/_ecskit/health' });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal((await raw(t.cloud.endpoint, { method: 'POST', path: '/_ecskit/health' })).status, 401);
  });

  test('unknown admin paths answer 401 without the token, 404 with it', async () => {
    assert.equal((await raw(t.cloud.endpoint, { path: '/_ecskit/nope' })).status, 401);
    assert.equal((await raw(t.cloud.endpoint, { path: '/_ecskit/nope', headers: { authorization: `Bearer ${t.cloud.adminToken}` } })).status, 404);
    // The console (issue 14) now exists at /_ecskit/console and is guarded the same way.
    assert.equal((await raw(t.cloud.endpoint, { path: '/_ecskit/console' })).status, 401);
    assert.equal((await raw(t.cloud.endpoint, { path: '/_ecskit/console', headers: { authorization: `Bearer ${t.cloud.adminToken}` } })).status, 200);
  });
});

describe('the admin token itself', () => {
  test('each cloud has its own random token; one can be passed in; a weak one is refused', async () => {
    const a = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
    const b = await startLocalCloud({ port: 0, runtime: false, log: () => {}, adminToken: 'fixed-token-for-tests-0123' });
    try {
      assert.match(a.adminToken, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(b.adminToken, 'fixed-token-for-tests-0123');
      assert.equal(a.adminTokenFile, undefined, 'no file unless asked');
      const r = await raw(b.endpoint, { method: 'POST', path: '/_ecskit/reset', headers: { authorization: 'Bearer fixed-token-for-tests-0123' } });
      assert.equal(r.status, 200);
      assert.equal((await raw(a.endpoint, { method: 'POST', path: '/_ecskit/reset', headers: { authorization: 'Bearer fixed-token-for-tests-0123' } })).status, 403);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    for (const bad of ['short', 'has a space in it here', 'x'.repeat(257), 'tab\there-and-more-chars', 'ünïcödé-token-long-enough']) {
      await assert.rejects(startLocalCloud({ port: 0, runtime: false, log: () => {}, adminToken: bad }), /adminToken must be 16-256 visible ASCII characters/, bad);
    }
  });

  test('the token file: default path under tmpdir/ecskit-<uid>/, mode 0600 in a 0700 directory, holds the token, removed on stop', async () => {
    const cloud = await startLocalCloud({ port: 0, runtime: false, log: () => {}, adminTokenFile: true });
    const file = cloud.adminTokenFile!;
    try {
      const port = new URL(cloud.endpoint).port;
      assert.equal(file, join(tmpdir(), `ecskit-${process.getuid!()}`, `admin-token-${port}`));
      assert.equal(readFileSync(file, 'utf8'), `${cloud.adminToken}\n`);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(dirname(file)).mode & 0o077, 0);
    } finally {
      await cloud.stop();
    }
    assert.ok(!existsSync(file), 'removed on stop');
  });

  test('an explicit token file path is written 0600, replacing an old file and never following a symlink', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecskit-token-'));
    const file = join(dir, 'nested', 'token');
    const cloud = await startLocalCloud({ port: 0, runtime: false, log: () => {}, adminTokenFile: file });
    try {
      assert.equal(cloud.adminTokenFile, file);
      assert.equal(readFileSync(file, 'utf8').trim(), cloud.adminToken);
      assert.equal(statSync(file).mode & 0o777, 0o600);
    } finally {
      await cloud.stop();
    }
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const link = join(dir, 'link');
    symlinkSync(victim, link);
    writeAdminTokenFile(link, 'a-token-of-sufficient-length');
    assert.equal(readFileSync(victim, 'utf8'), 'precious', 'the symlink target is untouched');
    assert.equal(readFileSync(link, 'utf8'), 'a-token-of-sufficient-length\n');
  });

  test('a token file that cannot be written stops start-up with the reason, and frees the port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecskit-token-'));
    writeFileSync(join(dir, 'file'), '');
    const probe = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
    const port = Number(new URL(probe.endpoint).port);
    await probe.stop();
    await assert.rejects(startLocalCloud({ port, runtime: false, log: () => {}, adminTokenFile: join(dir, 'file', 'token') }), /cannot write the admin token file/);
    const again = await startLocalCloud({ port, runtime: false, log: () => {} });
    await again.stop();
  });

  test('checkAdminToken and adminTokenMatches: the check a console page reuses', () => {
    const token = createAdminToken();
    assert.equal(checkAdminToken(`Bearer ${token}`, token), undefined);
    assert.equal(checkAdminToken([`Bearer ${token}`], token), undefined);
    assert.equal(checkAdminToken(undefined, token)?.status, 401);
    assert.equal(checkAdminToken('Bearer nope', token)?.status, 403);
    assert.ok(adminTokenMatches(token, token));
    assert.ok(!adminTokenMatches(undefined, token));
    assert.ok(!adminTokenMatches('', token));
    assert.ok(!adminTokenMatches(`${token}\0`, token));
  });
});

describe('uptime', () => {
  test('each cloud reports its own uptime, not the process\'s (a second cloud starts at 0)', async () => {
    const first = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
    try {
      await new Promise((r) => setTimeout(r, 1600));
      const second = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
      try {
        const uptime = async (endpoint: string) => (JSON.parse((await raw(endpoint, { path: '/_ecskit/health' })).text) as { uptimeSeconds: number }).uptimeSeconds;
        assert.equal(await uptime(second.endpoint), 0);
        assert.ok((await uptime(first.endpoint)) >= 2);
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
    }
  });
});
