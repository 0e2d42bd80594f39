/**
 * The console over plain HTTP: the token → session-cookie login, what is
 * refused (no token, a wrong token, another port's cookie, other methods,
 * foreign Host/Origin), pages and their error pages (unknown dashboard,
 * task, log group, bad range or filter), hostile dashboard bodies (script in
 * Markdown, javascript: links, unsupported widgets), live events, assets
 * served from the package, and `cloud.consoleUrl`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startLocalCloud, type LocalCloud } from '../../../src/local/index.js';

const R = { region: 'us-east-1' };

async function login(cloud: LocalCloud): Promise<string> {
  const res = await fetch(cloud.consoleUrl!, { redirect: 'manual' });
  assert.equal(res.status, 303);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0]!;
}

async function get(cloud: LocalCloud, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${cloud.endpoint}/_ecskit/console${path}`, { headers, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('console: access', () => {
  test('consoleUrl carries the token; opening it sets an HttpOnly SameSite=Strict session cookie and redirects the token away', async (t) => {
    const cloud = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
    t.after(() => cloud.stop());
    assert.equal(cloud.consoleUrl, `${cloud.endpoint}/_ecskit/console?token=${encodeURIComponent(cloud.adminToken)}`);
    const res = await fetch(`${cloud.endpoint}/_ecskit/console/dashboards?token=${encodeURIComponent(cloud.adminToken)}&region=us-east-1`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/_ecskit/console/dashboards?region=us-east-1');
    const cookie = res.headers.get('set-cookie')!;
    const port = new URL(cloud.endpoint).port;
    assert.match(cookie, new RegExp(`^ecskit_console_${port}=[A-Za-z0-9_-]{43}; Path=/_ecskit/console; HttpOnly; SameSite=Strict$`));
    const page = await get(cloud, '/', { cookie: cookie.split(';')[0]! });
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>Overview/);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.match(page.headers.get('content-security-policy')!, /script-src 'self'/);
    assert.match(page.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    const bearer = await get(cloud, '/', { authorization: `Bearer ${cloud.adminToken}` });
    assert.equal(bearer.status, 200);
  });

  test('refused without a token (401), with a wrong token, bearer or cookie (403/401), and never blank', async (t) => {
    const cloud = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
    const other = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
    t.after(() => Promise.all([cloud.stop(), other.stop()]));
    const none = await get(cloud, '/');
    assert.equal(none.status, 401);
    assert.match(none.text, /This console needs the admin token/);
    assert.match(none.text, /ecskit console/);
    assert.ok(!none.text.includes(cloud.adminToken));
    const wrong = await get(cloud, `/?token=${'x'.repeat(43)}`);
    assert.equal(wrong.status, 403);
    assert.equal(wrong.headers.get('set-cookie'), null);
    assert.equal((await get(cloud, '/', { authorization: 'Bearer nope-nope-nope-nope' })).status, 403);
    assert.equal((await get(cloud, '/', { cookie: `ecskit_console_${new URL(cloud.endpoint).port}=forged` })).status, 401);
    // Another cloud's session does not open this one (cookies are not per-port; names and sessions are).
    const otherCookie = await login(other);
    const renamed = otherCookie.replace(/ecskit_console_\d+/, `ecskit_console_${new URL(cloud.endpoint).port}`);
    assert.equal((await get(cloud, '/', { cookie: renamed })).status, 401);
    for (const path of ['/dashboard?name=x', '/logs', '/task?cluster=a&task=b', '/events']) assert.equal((await get(cloud, path)).status, 401, path);
  });

  test('only GET/HEAD; foreign Host and Origin are refused by the guard before the console', async (t) => {
    const cloud = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
    t.after(() => cloud.stop());
    const cookie = await login(cloud);
    const post = await fetch(`${cloud.endpoint}/_ecskit/console`, { method: 'POST', headers: { cookie }, body: 'x' });
    assert.equal(post.status, 405);
    const http = await import('node:http');
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(cloud.endpoint);
        http.get({ host: u.hostname, port: u.port, path: '/_ecskit/console', headers: { cookie, ...headers } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        }).on('error', reject);
      });
    assert.equal(await status({ host: 'attacker.example' }), 403);
    assert.equal(await status({ origin: 'http://attacker.example' }), 403);
    assert.equal(await status({ 'sec-fetch-site': 'cross-site' }), 403);
    assert.equal(await status({}), 200);
  });
});

describe('console: pages', () => {
  test('overview lists clusters, services with deployments, tasks and alarms; fragment requests answer only <main>', async (t) => {
    const cloud = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
    t.after(() => cloud.stop());
    const s = cloud.state;
    await s.invoke('ecs', 'CreateCluster', { clusterName: 'lab' }, R);
    await s.invoke('ecs', 'RegisterTaskDefinition', { family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx', memory: 128 }] }, R);
    await s.invoke('ecs', 'CreateService', { cluster: 'lab', serviceName: '<b>svc</b>', taskDefinition: 'web', desiredCount: 1 }, R).catch(() => undefined);
    await s.invoke('ecs', 'CreateService', { cluster: 'lab', serviceName: 'svc', taskDefinition: 'web', desiredCount: 2 }, R);
    await s.invoke('monitoring', 'PutMetricAlarm', { AlarmName: 'cpu-high', MetricName: 'CPUUtilization', Namespace: 'AWS/ECS', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 80, ComparisonOperator: 'GreaterThanThreshold' }, R);
    const cookie = await login(cloud);
    const page = await get(cloud, '/', { cookie });
    assert.equal(page.status, 200);
    assert.match(page.text, /Cluster lab/);
    assert.match(page.text, /data-service="svc"/);
    assert.match(page.text, /data-deployment="ecs-svc\/[^"]+" data-rollout="[A-Z_]*" data-deployment-status="PRIMARY"/);
    assert.match(page.text, /data-alarm="cpu-high"/);
    assert.match(page.text, /INSUFFICIENT_DATA/);
    assert.match(page.text, /<script src="\/_ecskit\/console\/assets\/console\.js" defer><\/script>/);
    assert.ok(!/https?:\/\/(?!127\.0\.0\.1)[a-z]/.test(page.text.replace(/http:\/\/…/g, '')), 'no external URL in the page');
    const fragment = await get(cloud, '/', { cookie, 'x-ecskit-fragment': '1' });
    assert.ok(fragment.text.startsWith('<h1>Overview'));
    assert.ok(!fragment.text.includes('<html'));
  });

  test('a dashboard: metric widget data from GetMetricData, safe Markdown, alarm state, unsupported widgets named; unknown dashboard and bad range are clear error pages', async (t) => {
    const cloud = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
    t.after(() => cloud.stop());
    const s = cloud.state;
    await s.invoke('monitoring', 'PutMetricAlarm', { AlarmName: 'cpu-high', MetricName: 'A', Namespace: 'Lab', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 80, ComparisonOperator: 'GreaterThanThreshold' }, R);
    const body = {
      widgets: [
        { type: 'text', x: 0, y: 0, width: 24, height: 3, properties: { markdown: '# Title\n<script>alert(1)</script><img src=x onerror=alert(2)>\n\nSee [bad](javascript:alert(3)) [ok](https://docs.aws.amazon.com/) ![remote](https://evil.example/x.png) **bold**' } },
        { type: 'metric', x: 0, y: 3, width: 12, height: 6, properties: { title: 'Requests', region: 'us-east-1', period: 60, stat: 'Sum', metrics: [['Lab', 'A', 'Svc', 'x'], ['.', 'B', '.', '.'], [{ expression: 'm0+m1', label: 'Total', id: 'total' }]] } },
        { type: 'alarm', x: 12, y: 3, width: 12, height: 3, properties: { title: 'Alarms', alarms: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu-high', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:gone'] } },
        { type: 'explorer', x: 12, y: 6, width: 12, height: 3, properties: {} },
        { type: 'metric', properties: { title: 'Empty', metrics: 'not an array' } },
      ],
    };
    await s.invoke('monitoring', 'PutDashboard', { DashboardName: 'Lab', DashboardBody: JSON.stringify(body) }, R);
    const now = Math.floor(Date.now() / 1000);
    for (const [name, v] of [['A', 3], ['B', 4]] as const) {
      await s.invoke('monitoring', 'PutMetricData', { Namespace: 'Lab', MetricData: [{ MetricName: name, Dimensions: [{ Name: 'Svc', Value: 'x' }], Value: v, Timestamp: now - 120 }, { MetricName: name, Dimensions: [{ Name: 'Svc', Value: 'x' }], Value: v * 2, Timestamp: now }] }, R);
    }
    const cookie = await login(cloud);
    const page = await get(cloud, '/dashboard?name=Lab', { cookie });
    assert.equal(page.status, 200);
    assert.ok(!/<script>alert|<img src=x|href="javascript:|src="https:\/\/evil/.test(page.text), 'no live HTML, script URL or remote image from Markdown');
    assert.match(page.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(page.text, /<a href="https:\/\/docs\.aws\.amazon\.com\/" rel="noopener noreferrer">ok<\/a>/);
    assert.match(page.text, /<strong>bold<\/strong>/);
    const chart = /data-chart="([^"]+)"/.exec(page.text)![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    const data = JSON.parse(chart) as { labels: string[]; x: number[]; ys: (number | null)[][]; points: number };
    assert.deepEqual(data.labels, ['A x (Sum)', 'B x (Sum)', 'Total']);
    assert.equal(data.x.length, 2);
    assert.deepEqual(data.ys, [[3, 6], [4, 8], [7, 14]]);
    assert.match(page.text, /data-alarm="cpu-high"><span class="state state-warn">INSUFFICIENT_DATA<\/span>/);
    assert.match(page.text, /gone <small>\(no such alarm\)<\/small>/);
    assert.match(page.text, /Widget type <code>explorer<\/code> is not supported/);
    assert.match(page.text, /This widget names no metrics/);
    const missing = await get(cloud, '/dashboard?name=Nope', { cookie });
    assert.equal(missing.status, 404);
    assert.match(missing.text, /Dashboard not found/);
    assert.match(missing.text, /There is no dashboard Nope in us-east-1/);
    const hostile = await get(cloud, `/dashboard?name=${encodeURIComponent('<img src=x onerror=alert(1)>')}`, { cookie });
    assert.equal(hostile.status, 404);
    assert.ok(!hostile.text.includes('<img src=x'));
    const range = await get(cloud, '/dashboard?name=Lab&range=1y', { cookie });
    assert.equal(range.status, 400);
    assert.match(range.text, /range must be one of 15m, 1h, 3h, 12h, got: 1y/);
    assert.equal((await get(cloud, '/dashboard', { cookie })).status, 400);
    assert.equal((await get(cloud, '/dashboard?name=Lab&region=mars', { cookie })).status, 400);
  });

  test('logs: group list, tail with filter, unknown group and a bad pattern are clear errors; unknown task and page too', async (t) => {
    const cloud = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
    t.after(() => cloud.stop());
    const s = cloud.state;
    await s.invoke('logs', 'CreateLogGroup', { logGroupName: '/ecs/app' }, R);
    await s.invoke('logs', 'CreateLogStream', { logGroupName: '/ecs/app', logStreamName: 'ecs/app/1' }, R);
    await s.invoke('logs', 'PutLogEvents', { logGroupName: '/ecs/app', logStreamName: 'ecs/app/1', logEvents: [{ timestamp: Date.now() - 1000, message: 'GET /items 200' }, { timestamp: Date.now(), message: 'ERROR <script>x</script>' }] }, R);
    const cookie = await login(cloud);
    const list = await get(cloud, '/logs', { cookie });
    assert.match(list.text, /href="\/_ecskit\/console\/logs\?group=%2Fecs%2Fapp"/);
    const tail = await get(cloud, '/logs?group=%2Fecs%2Fapp', { cookie });
    assert.match(tail.text, /data-log-lines="2"/);
    assert.match(tail.text, /ERROR &lt;script&gt;x&lt;\/script&gt;/);
    const filtered = await get(cloud, '/logs?group=%2Fecs%2Fapp&filter=ERROR', { cookie });
    assert.match(filtered.text, /data-log-lines="1"/);
    const unknown = await get(cloud, '/logs?group=%2Fecs%2Fnope', { cookie });
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /There is no log group \/ecs\/nope/);
    const bad = await get(cloud, `/logs?group=%2Fecs%2Fapp&filter=${encodeURIComponent('{ $.x = ')}`, { cookie });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /The filter was refused/);
    const task = await get(cloud, '/task?cluster=none&task=abc', { cookie });
    assert.equal(task.status, 404);
    assert.match(task.text, /There is no task abc in cluster none/);
    assert.equal((await get(cloud, '/nope', { cookie })).status, 404);
  });

  test('assets come from the package (uPlot too), never files outside it; events stream a change', async (t) => {
    const cloud = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
    t.after(() => cloud.stop());
    for (const [name, type] of [['console.js', 'text/javascript'], ['console.css', 'text/css'], ['uPlot.iife.min.js', 'text/javascript'], ['uPlot.min.css', 'text/css']]) {
      const res = await get(cloud, `/assets/${name}`);
      assert.equal(res.status, 200, name);
      assert.ok(res.headers.get('content-type')!.startsWith(type!));
      assert.ok(res.text.length > 500);
    }
    for (const path of ['/assets/../../../package.json', '/assets/%2e%2e%2fpackage.json', '/assets/console.ts', '/assets/']) assert.equal((await get(cloud, path)).status === 200, false, path);
    const cookie = await login(cloud);
    const controller = new AbortController();
    const res = await fetch(`${cloud.endpoint}/_ecskit/console/events`, { headers: { cookie }, signal: controller.signal });
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    await cloud.state.invoke('ecs', 'CreateCluster', { clusterName: 'x' }, R);
    let text = '';
    while (!text.includes('event: changed')) {
      const chunk = await reader.read();
      assert.ok(!chunk.done, `the event stream ended before a change was sent: ${text}`);
      text += new TextDecoder().decode(chunk.value);
    }
    controller.abort();
  });

  test('console: false serves no console and no consoleUrl', async (t) => {
    const cloud = await startLocalCloud({ port: 0, runtime: false, log: () => {}, console: false });
    t.after(() => cloud.stop());
    assert.equal(cloud.consoleUrl, undefined);
    const res = await get(cloud, '/', { authorization: `Bearer ${cloud.adminToken}` });
    assert.equal(res.status, 404);
  });
});
