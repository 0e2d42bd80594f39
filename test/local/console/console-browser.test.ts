/**
 * The console in a real browser (Debian's chromium through playwright-core)
 * while the lab runs Tasks 3-9 in this process: a rolling deployment appears
 * and completes without a reload, a stopped task shows its reason, the
 * dashboard's widgets draw real points, the log tail shows new lines.
 * Screenshots and measurements go to test-output/console-browser/.
 * Skipped (with the reason) only when /usr/bin/chromium is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { run as coreConcepts } from '../../../examples/01-core-concepts.ts';
import { run as taskDefinitions } from '../../../examples/02-task-definitions.ts';
import { run as invsysService } from '../../../examples/03-invsys-service.ts';
import { run as gatewayService } from '../../../examples/04-gateway-service.ts';
import { run as rollingDeployment } from '../../../examples/05-rolling-deployment.ts';
import { run as scaling } from '../../../examples/06-scaling.ts';
import { run as healthChecks } from '../../../examples/07-health-checks.ts';
import { run as autoScaling } from '../../../examples/08-auto-scaling.ts';
import { run as monitoring } from '../../../examples/09-monitoring.ts';
import { openLocalLab } from '../../examples/local-lab.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../../../test-output/console-browser/', import.meta.url));
const skip = existsSync(CHROMIUM) ? false : `Debian's chromium is not installed at ${CHROMIUM} (apt-get install -y chromium); the console's browser tests need it`;

test('the console in chromium while the lab runs Tasks 3-9', { skip, timeout: 900_000 }, async (t) => {
  const { chromium } = await import('playwright-core');
  mkdirSync(SHOTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'ecskit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
  });
  const { lab, target } = await openLocalLab();
  t.after(async () => {
    await context.close();
    await target.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const cloud = target.local!;
  const measurements: Record<string, number> = {};
  await coreConcepts(lab);
  await taskDefinitions(lab);
  const page = await context.newPage();
  const started = performance.now();
  await page.goto(cloud.consoleUrl!, { waitUntil: 'load' });
  measurements.overviewLoadMs = Math.round(performance.now() - started);
  assert.equal(new URL(page.url()).searchParams.get('token'), null, 'the token left the address bar');
  await invsysService(lab);
  await gatewayService(lab);
  await page.waitForSelector(`[data-service="${lab.names.invsysService}"]`, { timeout: 30_000 });
  // Cloud Map services are named with their namespace (ListServices' summaries do not carry it).
  await page.waitForSelector(`[data-cloud-map="${lab.names.invsysDiscovery}.${lab.names.namespace}"]`, { timeout: 10_000 });

  // Update latency: a change through the API until the open page shows it.
  const latencyStart = performance.now();
  await cloud.state.invoke('monitoring', 'PutMetricAlarm', { AlarmName: 'console-latency-probe', MetricName: 'X', Namespace: 'Probe', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' }, { region: cloud.region });
  await page.waitForSelector('[data-alarm="console-latency-probe"]', { timeout: 10_000 });
  measurements.updateLatencyMs = Math.round(performance.now() - latencyStart);

  // Task 5 while watching: record every deployment state the page shows.
  const seen = new Map<string, Set<string>>();
  let before = new Set<string>();
  const rolledOut = () => [...seen.entries()].filter(([id, states]) => !before.has(id) && states.has('IN_PROGRESS') && states.has('COMPLETED'));
  let deployed = false;
  const watcher = (async () => {
    // Until the page has shown the new deployment completed (the event the
    // assertion is about), or 30 s after the API said so.
    let deadline = Infinity;
    while (!(deployed && rolledOut().length > 0) && performance.now() < deadline) {
      if (deployed && deadline === Infinity) deadline = performance.now() + 30_000;
      const rows = await page.$$eval('tr[data-deployment]', (trs) => trs.map((tr) => [tr.getAttribute('data-deployment')!, tr.getAttribute('data-rollout')!] as const)).catch(() => []);
      for (const [id, rollout] of rows) (seen.get(id) ?? seen.set(id, new Set()).get(id)!).add(rollout);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  before = new Set(seen.keys());
  await rollingDeployment(lab);
  deployed = true;
  await watcher;
  const rolled = rolledOut();
  assert.ok(rolled.length > 0, `a new deployment went IN_PROGRESS → COMPLETED on the page: ${JSON.stringify([...seen].map(([k, v]) => [k, [...v]]))}`);
  await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });

  await scaling(lab);
  await healthChecks(lab);
  await page.waitForFunction(() => Array.from(document.querySelectorAll('table.stopped td.reason')).some((td) => /health checks/.test(td.textContent ?? '')), undefined, { timeout: 30_000 });
  const stoppedHref = await page.$eval('table.stopped tr[data-task] a', (a) => (a as HTMLAnchorElement).href);
  await autoScaling(lab);
  await monitoring(lab);

  const taskPage = await context.newPage();
  await taskPage.goto(stoppedHref);
  assert.match((await taskPage.textContent('dl.fields')) ?? '', /Stopped reason\s*\S+/);
  await taskPage.screenshot({ path: join(SHOTS, 'task.png'), fullPage: true });

  const dash = await context.newPage();
  const dashStart = performance.now();
  await dash.goto(`${cloud.endpoint}/_ecskit/console/dashboard?name=${lab.names.dashboard}&range=15m`, { waitUntil: 'load' });
  await dash.waitForSelector('.chart[data-drawn="true"]', { timeout: 20_000 });
  measurements.dashboardLoadMs = Math.round(performance.now() - dashStart);
  const charts = await dash.$$eval('.chart', (els) => els.map((el) => ({ points: Number(el.getAttribute('data-points')), drawn: el.getAttribute('data-drawn') === 'true', inked: (() => { const c = el.querySelector('canvas'); if (!c) return 0; const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++; return n; })() })));
  assert.equal(charts.length, 2, 'FlaskInventoryMonitoring has two metric widgets');
  for (const c of charts) {
    assert.ok(c.drawn && c.points > 0, `a widget drew real points: ${JSON.stringify(c)}`);
    assert.ok(c.inked > 500, `the canvas has ink: ${JSON.stringify(c)}`);
  }
  await dash.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });

  const logs = await context.newPage();
  // Filtered to the probe: under the lab's load the group gets thousands of lines, which would push one line out of the tail's window.
  await logs.goto(`${cloud.endpoint}/_ecskit/console/logs?group=${encodeURIComponent(lab.names.invsysLogGroup)}&filter=${encodeURIComponent('"console tail probe"')}`);
  const countBefore = Number(await logs.getAttribute('.log-lines', 'data-log-lines'));
  await target.clients.logs.send(new CreateLogStreamCommand({ logGroupName: lab.names.invsysLogGroup, logStreamName: 'console-test' }));
  await target.clients.logs.send(new PutLogEventsCommand({ logGroupName: lab.names.invsysLogGroup, logStreamName: 'console-test', logEvents: [{ timestamp: Date.now(), message: 'console tail probe line' }] }));
  await logs.waitForSelector('text=console tail probe line', { timeout: 30_000 });
  assert.equal(countBefore, 0, 'nothing matched the filter before the probe line');
  assert.equal(Number(await logs.getAttribute('.log-lines', 'data-log-lines')), 1, 'the filter shows the probe line alone');
  await logs.screenshot({ path: join(SHOTS, 'logs.png'), fullPage: true });

  measurements.rssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
  measurements.heapUsedMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
  writeFileSync(join(SHOTS, 'measurements.json'), `${JSON.stringify(measurements, null, 2)}\n`);
  t.diagnostic(`console measurements: ${JSON.stringify(measurements)}`);
});
