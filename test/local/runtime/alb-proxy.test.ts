import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { matchRule, pickWeighted, startAlbListener, wildcardMatch, type ProxyRule, type ProxyTarget, type ProxyRequestRecord } from '../../../src/local/runtime/alb-proxy.js';

async function backend(host: string, name: string, delayMs = 0): Promise<{ server: Server; target: ProxyTarget; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} xff=${req.headers['x-forwarded-for']}`);
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ from: name }));
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  return { server, target: { host, port: (server.address() as { port: number }).port }, seen };
}

test('path patterns and host headers match as ALB does', () => {
  assert.equal(wildcardMatch('/items*', '/items/42'), true);
  assert.equal(wildcardMatch('/items*', '/version'), false);
  assert.equal(wildcardMatch('/ite?s', '/items'), true);
  assert.equal(wildcardMatch('*.example.com', 'API.Example.com', true), true);
  const rules: ProxyRule[] = [
    { priority: Infinity, conditions: [], action: { type: 'fixed-response', statusCode: 404 } },
    { priority: 10, conditions: [{ field: 'path-pattern', values: ['/items*'] }], action: { type: 'fixed-response', statusCode: 200 } },
    { priority: 5, conditions: [{ field: 'host-header', values: ['admin.*'] }], action: { type: 'fixed-response', statusCode: 403 } },
  ];
  assert.equal(matchRule(rules, 'alb:80', '/items')?.priority, 10);
  assert.equal(matchRule(rules, 'admin.local:80', '/items')?.priority, 5);
  assert.equal(matchRule(rules, 'alb', '/other')?.priority, Infinity);
});

test('weights pick target groups in proportion, and a weight of 0 is never picked', () => {
  const groups = [
    { arn: 'a', weight: 1 },
    { arn: 'b', weight: 3 },
    { arn: 'c', weight: 0 },
  ];
  const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < 400; i++) counts[pickWeighted(groups, () => i / 400)!.arn]!++;
  assert.deepEqual(counts, { a: 100, b: 300, c: 0 });
});

test('requests round-robin over healthy targets with X-Forwarded-For, and metrics are recorded', async () => {
  const one = await backend('127.0.0.1', 'one');
  const two = await backend('127.0.0.1', 'two');
  const records: ProxyRequestRecord[] = [];
  const listener = await startAlbListener({
    host: '127.0.0.1',
    port: 0,
    onRequest: (r) => records.push(r),
    routing: {
      rules: () => [{ priority: Infinity, conditions: [], action: { type: 'forward', targetGroups: [{ arn: 'tg', weight: 1 }] } }],
      targets: () => ({ healthy: [one.target, two.target], failOpen: [one.target, two.target] }),
    },
  });
  try {
    const bodies = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`http://127.0.0.1:${listener.port}/items?x=${i}`);
      assert.equal(response.headers.get('content-type'), 'application/json');
      bodies.push(((await response.json()) as { from: string }).from);
    }
    assert.deepEqual(bodies, ['one', 'two', 'one', 'two']);
    assert.equal(one.seen[0], 'GET /items?x=0 xff=127.0.0.1');
    assert.equal(records.length, 4);
    assert.ok(records.every((r) => r.status === 200 && r.source === 'target' && r.targetGroupArn === 'tg' && (r.targetResponseSeconds ?? -1) >= 0));
  } finally {
    await listener.close();
    one.server.close();
    two.server.close();
  }
});

test('no healthy target fails open to the unhealthy ones; no target at all is 503; a dead target is 502; a slow one 504', async () => {
  const alive = await backend('127.0.0.1', 'alive');
  const slow = await backend('127.0.0.1', 'slow', 500);
  let targets: { healthy: ProxyTarget[]; failOpen: ProxyTarget[] } = { healthy: [], failOpen: [alive.target] };
  const listener = await startAlbListener({
    host: '127.0.0.1',
    port: 0,
    timeoutMs: 100,
    routing: {
      rules: () => [{ priority: Infinity, conditions: [], action: { type: 'forward', targetGroups: [{ arn: 'tg', weight: 1 }] } }],
      targets: () => targets,
    },
  });
  const url = `http://127.0.0.1:${listener.port}/`;
  try {
    assert.equal((await fetch(url)).status, 200, 'fail open');
    targets = { healthy: [], failOpen: [] };
    assert.equal((await fetch(url)).status, 503);
    targets = { healthy: [{ host: '127.0.0.1', port: 1 }], failOpen: [] };
    assert.equal((await fetch(url)).status, 502);
    targets = { healthy: [slow.target], failOpen: [] };
    assert.equal((await fetch(url)).status, 504);
  } finally {
    await listener.close();
    alive.server.close();
    slow.server.close();
  }
});
