import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { CreateRuleCommand, ModifyRuleCommand, ModifyTargetGroupAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { createListener, createLoadBalancer, createTargetGroup, startAlbCloud, startBackend, waitFor, waitHealthy, waitServed, type AlbCloud, type Backend } from './harness.js';

/** A GET with a Cookie header; the answer's backend, its Set-Cookie lines and the cookies they set (name → value). */
function getWith(url: string, cookie?: string): Promise<{ status: number; from: string; setCookie: string[]; cookies: Map<string, string> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: cookie ? { cookie } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const setCookie = res.headers['set-cookie'] ?? [];
        const cookies = new Map(setCookie.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).split(';')[0] ?? '']));
        let from = '';
        try {
          from = (JSON.parse(text) as { from: string }).from;
        } catch {
          // not a backend answer
        }
        resolve({ status: res.statusCode ?? 0, from, setCookie, cookies });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ALB stickiness through the real proxy: lb_cookie (AWSALB), app_cookie (AWSALBAPP-0) and target group stickiness (AWSALBTG)', () => {
  let c: AlbCloud;
  let web: Backend[];
  let blue: Backend;
  let green: Backend;
  let webTg: string;
  let blueTg: string;
  let greenTg: string;
  let listenerArn: string;
  let base: string;

  before(async () => {
    // 0.02: a 60-second stickiness lasts 1.2 s.
    c = await startAlbCloud({ timeScale: 0.02 });
    web = await Promise.all(['web-1', 'web-2', 'web-3'].map(startBackend));
    blue = await startBackend('blue');
    green = await startBackend('green');
    webTg = await createTargetGroup(c, 'sticky-web', web);
    blueTg = await createTargetGroup(c, 'sticky-blue', [blue]);
    greenTg = await createTargetGroup(c, 'sticky-green', [green]);
    const { arn } = await createLoadBalancer(c, 'sticky-alb');
    listenerArn = await createListener(c, arn, 80, webTg);
    await waitHealthy(c, webTg, web);
    base = `http://${await waitServed(c, arn)}`;
  });
  after(async () => {
    await c?.stop();
    for (const b of [...(web ?? []), blue, green]) await b?.close();
  });

  const setAttributes = (tg: string, pairs: Record<string, string>) =>
    c.t.clients.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: Object.entries(pairs).map(([Key, Value]) => ({ Key, Value })) }));

  test('without stickiness requests go round robin and no stickiness cookie is set', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await getWith(`${base}/page`));
    assert.equal(new Set(answers.map((a) => a.from)).size, 3);
    assert.deepEqual(answers.flatMap((a) => a.setCookie), []);
  });

  test('lb_cookie: AWSALB and AWSALBCORS pin the client to one target; a forged cookie is ignored; an unhealthy target is left', async () => {
    await setAttributes(webTg, { 'stickiness.enabled': 'true', 'stickiness.type': 'lb_cookie', 'stickiness.lb_cookie.duration_seconds': '3600' });
    const first = await getWith(`${base}/cart`);
    const awsalb = first.cookies.get('AWSALB');
    assert.ok(awsalb, `AWSALB set: ${first.setCookie.join(' | ')}`);
    assert.equal(first.cookies.get('AWSALBCORS'), awsalb);
    assert.match(first.setCookie.find((l) => l.startsWith('AWSALB='))!, /^AWSALB=[^;]+; Expires=[^;]+ GMT; Path=\/$/);
    assert.match(first.setCookie.find((l) => l.startsWith('AWSALBCORS='))!, /; Path=\/; SameSite=None$/);
    let cookie = `AWSALB=${awsalb}`;
    for (let i = 0; i < 8; i++) {
      const next = await getWith(`${base}/cart`, cookie);
      assert.equal(next.from, first.from, `request ${i} stays with ${first.from}`);
      assert.ok(next.cookies.get('AWSALB'), 'the cookie is set again on every response');
      cookie = `AWSALB=${next.cookies.get('AWSALB')}`;
    }
    // A forged or tampered value is not a target: round robin.
    const forged = new Set<string>();
    for (let i = 0; i < 6; i++) forged.add((await getWith(`${base}/cart`, `AWSALB=${awsalb.slice(0, -4)}AAAA`)).from);
    assert.equal(forged.size, 3, 'a tampered cookie pins nothing');
    // The pinned target fails its health check: the client moves to another one and gets a new cookie.
    const pinned = web.find((b) => b.name === first.from)!;
    pinned.health = 500;
    try {
      const moved = await waitFor('the sticky client to leave the unhealthy target', async () => {
        const response = await getWith(`${base}/cart`, cookie);
        return response.from !== pinned.name ? response : undefined;
      });
      const movedCookie = `AWSALB=${moved.cookies.get('AWSALB')}`;
      for (let i = 0; i < 4; i++) assert.equal((await getWith(`${base}/cart`, movedCookie)).from, moved.from, 'and sticks to the new one');
    } finally {
      pinned.health = 200;
      await waitHealthy(c, webTg, web);
    }
  });

  test('lb_cookie stickiness ends after stickiness.lb_cookie.duration_seconds (time-scaled)', async () => {
    await setAttributes(webTg, { 'stickiness.lb_cookie.duration_seconds': '60' });
    const first = await getWith(`${base}/short`);
    const cookie = `AWSALB=${first.cookies.get('AWSALB')}`;
    assert.equal((await getWith(`${base}/short`, cookie)).from, first.from);
    await new Promise((r) => setTimeout(r, 1500));
    const after = new Set<string>();
    for (let i = 0; i < 6; i++) after.add((await getWith(`${base}/short`, cookie)).from);
    assert.equal(after.size, 3, 'an expired AWSALB pins nothing');
  });

  test('app_cookie: AWSALBAPP-0 is set when the target sets the application cookie, and pins the client to it', async () => {
    await setAttributes(webTg, { 'stickiness.type': 'app_cookie', 'stickiness.app_cookie.cookie_name': 'SESSIONID', 'stickiness.app_cookie.duration_seconds': '3600' });
    for (const b of web) b.headersFor = (path): Record<string, string> => (path.startsWith('/login') ? { 'set-cookie': `SESSIONID=${b.name}-session; Path=/; HttpOnly` } : {});
    try {
      const plain = await getWith(`${base}/browse`);
      assert.equal(plain.cookies.has('AWSALBAPP-0'), false, 'no application cookie, no AWSALBAPP');
      assert.equal(plain.cookies.has('AWSALB'), false, 'lb_cookie is off now');
      const login = await getWith(`${base}/login`);
      assert.equal(login.cookies.get('SESSIONID'), `${login.from}-session`, "the application's own cookie passes through");
      const app = login.cookies.get('AWSALBAPP-0');
      assert.ok(app, `AWSALBAPP-0 set: ${login.setCookie.join(' | ')}`);
      assert.deepEqual([1, 2, 3].map((n) => login.cookies.get(`AWSALBAPP-${n}`)), ['_remove_', '_remove_', '_remove_']);
      const cookie = `SESSIONID=${login.from}-session; AWSALBAPP-0=${app}`;
      for (let i = 0; i < 6; i++) {
        const next = await getWith(`${base}/account`, cookie);
        assert.equal(next.from, login.from, `request ${i} stays with ${login.from}`);
        assert.equal(next.cookies.has('AWSALBAPP-0'), false, 'not re-issued while the application does not set its cookie again');
      }
      const noAlb = new Set<string>();
      for (let i = 0; i < 6; i++) noAlb.add((await getWith(`${base}/account`, `SESSIONID=${login.from}-session`)).from);
      assert.equal(noAlb.size, 3, 'the application cookie alone does not route: AWSALBAPP-0 does');
    } finally {
      for (const b of web) delete b.headersFor;
      await setAttributes(webTg, { 'stickiness.enabled': 'false' });
    }
  });

  test('target group stickiness of a weighted forward: AWSALBTG keeps the client on its group, even when the weights move', async () => {
    const rule = await c.t.clients.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', Values: ['/release*'] }],
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blueTg, Weight: 1 },
                { TargetGroupArn: greenTg, Weight: 1 },
              ],
              TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 },
            },
          },
        ],
      }),
    );
    const ruleArn = rule.Rules?.[0]?.RuleArn;
    // Targets of a group no rule forwarded to were unused; now they are checked.
    await waitHealthy(c, blueTg, [blue]);
    await waitHealthy(c, greenTg, [green]);
    // Both groups are picked without the cookie.
    const groups = new Set<string>();
    for (let i = 0; i < 40 && groups.size < 2; i++) groups.add((await getWith(`${base}/release`)).from);
    assert.deepEqual([...groups].sort(), ['blue', 'green']);
    const first = await getWith(`${base}/release`);
    const tg = first.cookies.get('AWSALBTG');
    assert.ok(tg, `AWSALBTG set: ${first.setCookie.join(' | ')}`);
    assert.equal(first.cookies.get('AWSALBTGCORS'), tg);
    for (let i = 0; i < 10; i++) assert.equal((await getWith(`${base}/release`, `AWSALBTG=${tg}`)).from, first.from);
    // All weight to the other group: new clients go there, the sticky one stays until its time is up.
    const other = first.from === 'blue' ? greenTg : blueTg;
    await c.t.clients.elbv2.send(
      new ModifyRuleCommand({
        RuleArn: ruleArn,
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blueTg, Weight: other === blueTg ? 1 : 0 },
                { TargetGroupArn: greenTg, Weight: other === greenTg ? 1 : 0 },
              ],
              TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
            },
          },
        ],
      }),
    );
    for (let i = 0; i < 5; i++) assert.notEqual((await getWith(`${base}/release`)).from, first.from, 'new clients follow the weights');
    assert.equal((await getWith(`${base}/release`, `AWSALBTG=${tg}`)).from, first.from, 'the sticky client stays on its group');
    // The cookie re-issued now carries the new 60 s (1.2 s scaled) duration.
    const shortCookie = (await getWith(`${base}/release`, `AWSALBTG=${tg}`)).cookies.get('AWSALBTG');
    await new Promise((r) => setTimeout(r, 1500));
    assert.notEqual((await getWith(`${base}/release`, `AWSALBTG=${shortCookie}`)).from, first.from, 'once its time is up the weights decide again');
    // An AWSALB cookie is not an AWSALBTG cookie.
    const awsalbOnly = await getWith(`${base}/release`, `AWSALBTG=${(await getWith(`${base}/page`)).cookies.get('AWSALB') ?? 'none'}`);
    assert.notEqual(awsalbOnly.from, first.from);
  });
});
