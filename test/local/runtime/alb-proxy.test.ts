import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { inCidr, matchRule, parseCookies, pickWeighted, redirectLocation, startAlbListener, wildcardMatch, type ProxyRule, type ProxyTarget, type ProxyRequestRecord } from '../../../src/local/runtime/alb-proxy.js';

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

test('http-header, http-request-method, query-string and source-ip conditions match as ALB evaluates them, all conditions of a rule together', () => {
  const fixed = (statusCode: number) => ({ type: 'fixed-response' as const, statusCode });
  const rules: ProxyRule[] = [
    { priority: Infinity, conditions: [], action: fixed(404) },
    { priority: 1, conditions: [{ field: 'http-header', headerName: 'X-Canary', values: ['yes', 'tru?'] }], action: fixed(201) },
    { priority: 2, conditions: [{ field: 'http-request-method', values: ['DELETE'] }, { field: 'path-pattern', values: ['/items/*'] }], action: fixed(202) },
    { priority: 3, conditions: [{ field: 'query-string', values: [], query: [{ key: 'version', value: 'v2*' }, { value: 'beta' }] }], action: fixed(203) },
    { priority: 4, conditions: [{ field: 'source-ip', values: ['10.0.0.0/8', '2001:db8::/32'] }], action: fixed(204) },
  ];
  const at = (request: Partial<Parameters<typeof matchRule>[1] & object>) => matchRule(rules, { host: 'alb', path: '/', ...request })?.action;
  assert.deepEqual(at({ headers: { 'x-canary': 'YES' } }), fixed(201), 'header names and values are case-insensitive');
  assert.deepEqual(at({ headers: { 'x-canary': ['no', 'true'] } }), fixed(201), 'any of a repeated header');
  assert.deepEqual(at({ headers: { 'x-canary': 'no' } }), fixed(404));
  assert.deepEqual(at({ method: 'DELETE', path: '/items/7' }), fixed(202));
  assert.deepEqual(at({ method: 'delete', path: '/items/7' }), fixed(404), 'methods are case-sensitive');
  assert.deepEqual(at({ method: 'DELETE', path: '/other' }), fixed(404), 'every condition of the rule must match');
  assert.deepEqual(at({ query: 'VERSION=v2.1' }), fixed(203));
  assert.deepEqual(at({ query: 'x=1&anything=beta' }), fixed(203), 'a pair with no key matches any parameter');
  assert.deepEqual(at({ query: 'version=v1' }), fixed(404));
  assert.deepEqual(at({ sourceIp: '10.1.2.3' }), fixed(204));
  assert.deepEqual(at({ sourceIp: '::ffff:10.1.2.3' }), fixed(204), 'an IPv4-mapped address matches its IPv4 block');
  assert.deepEqual(at({ sourceIp: '2001:db8::1' }), fixed(204));
  assert.deepEqual(at({ sourceIp: '127.0.0.1' }), fixed(404));
  assert.equal(inCidr('192.168.1.77', '192.168.1.64/26'), true);
  assert.equal(inCidr('192.168.1.130', '192.168.1.64/26'), false);
  assert.equal(inCidr('not an ip', '0.0.0.0/0'), false);
  assert.equal(inCidr('1.2.3.4', '0.0.0.0/0'), true);
});

test('redirect locations fill ALB placeholders and leave out the default port', () => {
  const request = { protocol: 'http', host: 'alb.example:8080', port: 8080, path: '/old/page', query: 'a=1' };
  const keep = { protocol: '#{protocol}', host: '#{host}', port: '#{port}', path: '/#{path}', query: '#{query}' };
  assert.equal(redirectLocation({ ...keep, path: '/new/#{path}', statusCode: 301 }, request), 'http://alb.example:8080/new/old/page?a=1');
  assert.equal(redirectLocation({ ...keep, protocol: 'HTTPS', port: '443', statusCode: 301 }, request), 'https://alb.example/old/page?a=1');
  assert.equal(redirectLocation({ ...keep, host: 'www.example.com', port: '80', query: '', statusCode: 302 }, { ...request, query: '' }), 'http://www.example.com/old/page');
  // A listener port served elsewhere locally (443 taken or privileged): the Location points where it really listens.
  const served = (port: number) => (port === 443 ? 40443 : undefined);
  assert.equal(redirectLocation({ ...keep, protocol: 'HTTPS', port: '443', statusCode: 301 }, request, served), 'https://alb.example:40443/old/page?a=1');
  assert.equal(redirectLocation({ ...keep, protocol: 'HTTPS', port: '8443', statusCode: 301 }, request, served), 'https://alb.example:8443/old/page?a=1');
  assert.equal(redirectLocation({ ...keep, path: '/x', statusCode: 301 }, request, () => 1), 'http://alb.example:8080/x?a=1', '#{port} is the port the client used');
});

test('request cookies are read as ALB reads them: first value of a name wins, spaces trimmed', () => {
  const cookies = parseCookies(['a=1; AWSALB=abc==; b', 'a=2;  AWSALBTG = x ']);
  assert.deepEqual([...cookies], [
    ['a', '1'],
    ['AWSALB', 'abc=='],
    ['AWSALBTG', 'x'],
  ]);
  assert.equal(parseCookies(undefined).size, 0);
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

test('the idle timeout and the cookie lifetime given as functions are read at each request: a changed setting applies from the next one', async () => {
  const slow = await backend('127.0.0.1', 'slow', 300);
  let timeoutMs = 5_000;
  let cookieLifetimeMs = 60_000;
  const listener = await startAlbListener({
    host: '127.0.0.1',
    port: 0,
    timeoutMs: () => timeoutMs,
    cookieLifetimeMs: () => cookieLifetimeMs,
    routing: {
      rules: () => [{ priority: Infinity, conditions: [], action: { type: 'forward', targetGroups: [{ arn: 'tg', weight: 1 }] } }],
      targets: () => ({ healthy: [slow.target], failOpen: [], stickiness: { type: 'lb_cookie', durationMs: 3_600_000 } }),
    },
  });
  const url = `http://127.0.0.1:${listener.port}/`;
  const expiresIn = (response: Response) => {
    const line = response.headers.getSetCookie().find((c) => c.startsWith('AWSALB='));
    const expires = /Expires=([^;]+)/.exec(line ?? '')?.[1];
    assert.ok(expires, `an AWSALB cookie with Expires: ${line}`);
    return Date.parse(expires) - Date.now();
  };
  try {
    const first = await fetch(url);
    assert.equal(first.status, 200, 'a 300 ms answer within 5 s');
    assert.ok(Math.abs(expiresIn(first) - 60_000) < 2_000, 'Expires about 60 s ahead');
    timeoutMs = 100;
    cookieLifetimeMs = 600_000;
    assert.equal((await fetch(url)).status, 504, 'the same answer past a 100 ms idle timeout');
    timeoutMs = 5_000;
    const third = await fetch(url);
    assert.equal(third.status, 200);
    assert.ok(Math.abs(expiresIn(third) - 600_000) < 2_000, 'Expires about 600 s ahead');
  } finally {
    await listener.close();
    slow.server.close();
  }
});

test('one listener port serves plain HTTP and TLS side by side; with a protocol callback, plain HTTP to an HTTPS listener is 400', async () => {
  const { LocalCertificates, policyTls } = await import('../../../src/local/runtime/load-balancing/tls.js');
  const { request: httpsRequest } = await import('node:https');
  const { request: httpRequest } = await import('node:http');
  const b = await backend('127.0.0.1', 'app');
  const certs = await new LocalCertificates().for(['tls-1234567890.us-east-1.elb.localhost']);
  let protocol: 'HTTP' | 'HTTPS' | undefined;
  const listener = await startAlbListener({
    host: '127.0.0.1',
    port: 0,
    tls: { ...certs, ...policyTls('ELBSecurityPolicy-TLS13-1-2-2021-06') },
    routing: {
      rules: () => [{ priority: Infinity, conditions: [], action: { type: 'forward', targetGroups: [{ arn: 'tg', weight: 1 }] } }],
      targets: () => ({ healthy: [b.target], failOpen: [] }),
      protocol: () => protocol,
    },
  });
  const call = (secure: boolean) =>
    new Promise<{ status: number; body: string; tls?: string | null }>((resolve, reject) => {
      const options = { host: '127.0.0.1', port: listener.port, path: '/x', agent: false, rejectUnauthorized: false };
      const req = (secure ? httpsRequest : httpRequest)(options, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, tls: 'getProtocol' in res.socket ? (res.socket as import('node:tls').TLSSocket).getProtocol() : undefined }));
      });
      req.on('error', reject);
      req.end();
    });
  try {
    assert.deepEqual(await call(false), { status: 200, body: '{"from":"app"}', tls: undefined });
    assert.deepEqual(await call(true), { status: 200, body: '{"from":"app"}', tls: 'TLSv1.3' });
    protocol = 'HTTPS';
    const plain = await call(false);
    assert.equal(plain.status, 400);
    assert.match(plain.body, /The plain HTTP request was sent to HTTPS port/);
    assert.equal((await call(true)).status, 200);
    protocol = 'HTTP';
    assert.equal((await call(true)).status, 400, 'TLS to a load balancer whose listener on the port is HTTP');
    listener.setTls(undefined);
    await assert.rejects(call(true), 'no TLS once setTls(undefined)');
  } finally {
    await listener.close();
    b.server.close();
  }
});
