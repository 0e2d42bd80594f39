import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { CreateRuleCommand, DeleteListenerCommand, DeleteRuleCommand, ModifyListenerCommand, ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  createListener,
  createLoadBalancer,
  createTargetGroup,
  dnsNameOf,
  get,
  startAlbCloud,
  startBackend,
  waitFor,
  waitHealthy,
  waitServed,
  type AlbCloud,
  type Backend,
} from './harness.js';
import { raw } from '../../security/raw.js';

describe('ALB listeners route requests through the local runtime', () => {
  let c: AlbCloud;
  let web: Backend[];
  let items: Backend;
  let api: Backend;
  let lbArn: string;
  let listenerArn: string;
  let webTg: string;
  let itemsTg: string;
  let apiTg: string;
  let dnsName: string;

  before(async () => {
    c = await startAlbCloud();
    web = await Promise.all(['web-1', 'web-2', 'web-3'].map(startBackend));
    items = await startBackend('items');
    api = await startBackend('api');
    webTg = await createTargetGroup(c, 'web-tg', web);
    itemsTg = await createTargetGroup(c, 'items-tg', [items]);
    apiTg = await createTargetGroup(c, 'api-tg', [api]);
    ({ arn: lbArn } = await createLoadBalancer(c, 'routing-alb'));
    listenerArn = await createListener(c, lbArn, 80, webTg);
    await c.t.clients.elbv2.send(
      new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 10, Conditions: [{ Field: 'path-pattern', Values: ['/items*'] }], Actions: [{ Type: 'forward', TargetGroupArn: itemsTg }] }),
    );
    await c.t.clients.elbv2.send(
      new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 5, Conditions: [{ Field: 'host-header', Values: ['api.*'] }], Actions: [{ Type: 'forward', TargetGroupArn: apiTg }] }),
    );
    await waitHealthy(c, webTg, web);
    await waitHealthy(c, itemsTg, [items]);
    await waitHealthy(c, apiTg, [api]);
    dnsName = await waitServed(c, lbArn);
  });
  after(async () => {
    await c?.stop();
    for (const b of [...(web ?? []), items, api]) await b?.close();
  });

  test('requests to the default rule go round robin over the healthy targets', async () => {
    const from: string[] = [];
    for (let i = 0; i < 6; i++) from.push((await get(`http://${dnsName}/page/${i}`)).body.from);
    const first = from.slice(0, 3);
    assert.deepEqual([...first].sort(), ['web-1', 'web-2', 'web-3'], `each target once per round, got ${from.join(', ')}`);
    assert.deepEqual(from.slice(3), first, 'the second round repeats the order of the first');
  });

  test('a path-pattern rule sends /items* to its own target group, and the host-header rule wins by priority', async () => {
    assert.equal((await get(`http://${dnsName}/items/42`)).body.from, 'items');
    assert.equal((await get(`http://${dnsName}/items/42`, 'api.example.com')).body.from, 'api', 'priority 5 (host) beats priority 10 (path)');
    assert.equal((await get(`http://${dnsName}/other`, 'API.Example.com:8080')).body.from, 'api', 'host headers match case-insensitively, port ignored');
    assert.match((await get(`http://${dnsName}/other`)).body.from, /^web-/);
  });

  test('the target sees the original path and Host, and the ALB adds X-Forwarded headers', async () => {
    const response = await get(`http://${dnsName}/items?id=7`);
    assert.equal(response.body.path, '/items?id=7');
    assert.equal(response.body.host, dnsName);
    assert.equal(response.body.forwardedFor, '127.0.0.1');
    assert.equal(response.body.forwardedProto, 'http');
  });

  test('short and odd Host headers: rules match the very path the target receives (issue #12.8)', async () => {
    const endpoint = `http://${dnsName}`;
    for (const host of ['x', 'ab', 'abc', 'a:1', '[::1]', '1', '']) {
      const prefixed = await raw(endpoint, { method: 'DELETE', path: '/zz/items/victim', headers: { host } });
      const answer = JSON.parse(prefixed.text) as { from: string; path: string };
      assert.match(answer.from, /^web-/, `Host '${host}': /zz/items/victim is not an /items* path (got ${answer.from})`);
      assert.equal(answer.path, '/zz/items/victim', `Host '${host}': forwarded unchanged`);
      const real = JSON.parse((await raw(endpoint, { path: '/items/victim', headers: { host } })).text) as { from: string; path: string };
      assert.deepEqual([real.from, real.path], ['items', '/items/victim'], `Host '${host}'`);
    }
  });

  test('header, method and query-string rules route through the real listener, and a redirect rule answers 301 with its Location (issue #13.5)', async () => {
    const elbv2 = c.t.clients.elbv2;
    const created = [
      await elbv2.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 20, Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Route', Values: ['api'] } }], Actions: [{ Type: 'forward', TargetGroupArn: apiTg }] })),
      await elbv2.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: 21,
          Conditions: [{ Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['POST'] } }, { Field: 'path-pattern', PathPatternConfig: { Values: ['/submit'] } }],
          Actions: [{ Type: 'forward', TargetGroupArn: itemsTg }],
        }),
      ),
      await elbv2.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 22, Conditions: [{ Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'target', Value: 'api' }] } }], Actions: [{ Type: 'forward', TargetGroupArn: apiTg }] })),
      await elbv2.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: 23,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/old/*'] } }],
          Actions: [{ Type: 'redirect', RedirectConfig: { Path: '/new/#{path}', Query: '#{query}&moved=1', StatusCode: 'HTTP_301' } }],
        }),
      ),
    ];
    try {
      const endpoint = `http://${dnsName}`;
      const from = async (options: Parameters<typeof raw>[1]) => (JSON.parse((await raw(endpoint, options)).text) as { from: string }).from;
      assert.equal(await from({ path: '/page', headers: { 'x-route': 'API' } }), 'api');
      assert.match(await from({ path: '/page', headers: { 'x-route': 'other' } }), /^web-/);
      assert.equal(await from({ method: 'POST', path: '/submit', body: '{}' }), 'items');
      assert.match(await from({ method: 'GET', path: '/submit' }), /^web-/);
      assert.equal(await from({ path: '/page?target=api' }), 'api');
      const moved = await raw(endpoint, { path: '/old/doc?a=1' });
      assert.equal(moved.status, 301);
      const { hostname, port } = new URL(endpoint);
      assert.equal(moved.headers.location, `http://${hostname}${port && port !== '80' ? `:${port}` : ''}/new/old/doc?a=1&moved=1`);
    } finally {
      for (const rule of created) await elbv2.send(new DeleteRuleCommand({ RuleArn: rule.Rules![0]!.RuleArn! }));
    }
  });

  test('a source-ip rule matches the address the client connects from, and a 302 redirect rewrites protocol, host, port and query (issue #13)', async () => {
    const elbv2 = c.t.clients.elbv2;
    const created = [
      await elbv2.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 24, Conditions: [{ Field: 'source-ip', SourceIpConfig: { Values: ['127.0.0.77/32', '10.0.0.0/8'] } }], Actions: [{ Type: 'forward', TargetGroupArn: apiTg }] })),
      await elbv2.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: 25,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/temp/*'] } }],
          Actions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Host: 'secure.#{host}', Port: '8443', Path: '/#{path}', Query: 'from=#{query}', StatusCode: 'HTTP_302' } }],
        }),
      ),
    ];
    try {
      const { hostname, port } = new URL(`http://${dnsName}`);
      const from = (localAddress: string) =>
        new Promise<string>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: port || 80, path: '/page', localAddress, agent: false, headers: { host: dnsName } }, (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () => resolve((JSON.parse(text) as { from: string }).from));
          });
          req.on('error', reject);
          req.end();
        });
      assert.equal(await from('127.0.0.77'), 'api', 'a client at 127.0.0.77 matches 127.0.0.77/32');
      assert.match(await from('127.0.0.78'), /^web-/, 'a client at 127.0.0.78 does not');
      assert.match(await from('127.0.0.1'), /^web-/);
      const moved = await get(`http://${dnsName}/temp/report?a=1`);
      assert.equal(moved.status, 302);
      assert.equal(moved.headers.location, `https://secure.${hostname}:8443/temp/report?from=a=1`);
      assert.match(String(moved.body), /302 Moved Temporarily/);
    } finally {
      for (const rule of created) await elbv2.send(new DeleteRuleCommand({ RuleArn: rule.Rules![0]!.RuleArn! }));
    }
  });

  test('a rule change applies to the very next request', async () => {
    const rules = await c.t.clients.elbv2.send(new CreateRuleCommand({
      ListenerArn: listenerArn,
      Priority: 20,
      Conditions: [{ Field: 'path-pattern', Values: ['/switch'] }],
      Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '418', ContentType: 'text/plain', MessageBody: 'teapot' } }],
    }));
    const first = await get(`http://${dnsName}/switch`);
    assert.deepEqual([first.status, first.body], [418, 'teapot']);
    await c.t.clients.elbv2.send(new ModifyRuleCommand({ RuleArn: rules.Rules?.[0]?.RuleArn, Actions: [{ Type: 'forward', TargetGroupArn: itemsTg }] }));
    assert.equal((await get(`http://${dnsName}/switch`)).body.from, 'items');
  });

  test('weights split traffic between target groups in proportion, and weight 0 gets nothing', async () => {
    const created = await c.t.clients.elbv2.send(new CreateRuleCommand({
      ListenerArn: listenerArn,
      Priority: 30,
      Conditions: [{ Field: 'path-pattern', Values: ['/canary*'] }],
      Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: itemsTg, Weight: 1 }, { TargetGroupArn: apiTg, Weight: 3 }, { TargetGroupArn: webTg, Weight: 0 }] } }],
    }));
    assert.ok(created.Rules?.[0]?.RuleArn);
    const counts: Record<string, number> = {};
    const batch = async () => {
      const from = (await get(`http://${dnsName}/canary`)).body.from as string;
      counts[from.startsWith('web-') ? 'web' : from] = (counts[from.startsWith('web-') ? 'web' : from] ?? 0) + 1;
    };
    for (let i = 0; i < 40; i++) await Promise.all(Array.from({ length: 10 }, batch));
    assert.equal(counts['web'] ?? 0, 0);
    // 400 requests at 1:3 — expected 100/300, sd ≈ 8.7; the bounds are ~7 sd wide.
    assert.ok((counts['items'] ?? 0) >= 40 && (counts['items'] ?? 0) <= 160, `items got ${counts['items']}`);
    assert.ok((counts['api'] ?? 0) >= 240 && (counts['api'] ?? 0) <= 360, `api got ${counts['api']}`);
  });

  test('changing the listener port moves the proxy, and deleting the listener stops it', async () => {
    await c.t.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: listenerArn, Port: 8081 }));
    const moved = await waitFor('the listener on its new port', async () => {
      const name = await dnsNameOf(c, lbArn);
      const port = name.includes(':') ? name.split(':')[1] : '8081';
      const response = await get(`http://${name.split(':')[0]}:${port}/page`);
      return response.status === 200 ? `${name.split(':')[0]}:${port}` : undefined;
    });
    await c.t.clients.elbv2.send(new DeleteListenerCommand({ ListenerArn: listenerArn }));
    await waitFor('the listener to stop', async () => {
      try {
        await get(`http://${moved}/page`);
        return false;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
      }
    });
  });
});
