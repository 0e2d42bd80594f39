/**
 * Benchmark (not a test): the local cloud's memory with the console open
 * through minutes of the lab. One process holds the in-process local cloud
 * (process driver, time scale 0.02) and the lab; Debian's chromium
 * (playwright-core) keeps the console's overview open, so every state change
 * reaches the page through server-sent events and fragment fetches. After
 * Tasks 1–4 the lab repeats Task 5 (rolling update and rollback) and Task 6
 * (scale out and in) until the time is up, while this process's RSS and heap
 * are sampled every 15 s. Reports the first sample (console open, stack up),
 * the peak, the last, and last/first: a leak shows as growth over the run.
 *
 * Run: `npm run bench -- console-soak` (options: `--minutes 10`).
 *
 * @internal
 * @module
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLab } from '../examples/01-core-concepts.ts';
import { run as coreConcepts } from '../examples/01-core-concepts.ts';
import { run as taskDefinitions } from '../examples/02-task-definitions.ts';
import { run as invsysService } from '../examples/03-invsys-service.ts';
import { run as gatewayService } from '../examples/04-gateway-service.ts';
import { run as rollingDeployment } from '../examples/05-rolling-deployment.ts';
import { run as scaling } from '../examples/06-scaling.ts';
import { createReporter, openTarget } from '../src/index.js';
import { installLocalhostResolution } from '../src/local/index.js';
import { machineLine, round, table, writeResult } from './lib.js';

const CHROMIUM = '/usr/bin/chromium';
const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' } } });
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, got: ${values.minutes}`);
if (!existsSync(CHROMIUM)) throw new Error(`the console soak needs Debian's chromium at ${CHROMIUM} (apt-get install -y chromium)`);

const MiB = 1024 * 1024;
interface Sample {
  readonly atSeconds: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
  readonly iterations: number;
}

const { chromium } = await import('playwright-core');
const profile = mkdtempSync(join(tmpdir(), 'ecskit-soak-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const target = await openTarget({ target: 'local' });
installLocalhostResolution();
// The lab's report goes nowhere: kept output would itself grow over the run.
const report = createReporter({ json: true, out: { write: () => true } });
const flags = { target: 'local' as const, json: true, keep: false, color: false, extra: {} };
const lab = createLab({ target, flags, report, out: { write: () => true } });

const samples: Sample[] = [];
let iterations = 0;
const started = performance.now();
const sample = () => {
  const memory = process.memoryUsage();
  samples.push({ atSeconds: round((performance.now() - started) / 1000, 0), rssMiB: round(memory.rss / MiB, 1), heapMiB: round(memory.heapUsed / MiB, 1), iterations });
};
let pageErrors = 0;
try {
  await coreConcepts(lab);
  await taskDefinitions(lab);
  await invsysService(lab);
  await gatewayService(lab);
  const page = await browser.newPage();
  page.on('pageerror', () => pageErrors++);
  await page.goto(target.local!.consoleUrl!, { waitUntil: 'load' });
  await page.waitForSelector(`[data-service="${lab.names.invsysService}"]`, { timeout: 30_000 });
  sample();
  const timer = setInterval(sample, 15_000);
  const until = started + minutes * 60_000;
  try {
    while (performance.now() < until) {
      await rollingDeployment(lab);
      await scaling(lab);
      iterations++;
    }
  } finally {
    clearInterval(timer);
  }
  sample();
  // The page is still live: it shows the services after all of it.
  await page.waitForSelector(`[data-service="${lab.names.gatewayService}"]`, { timeout: 30_000 });
} finally {
  await browser.close();
  await target.close();
  rmSync(profile, { recursive: true, force: true });
}

const first = samples[0]!;
const last = samples.at(-1)!;
const peak = samples.reduce((a, b) => (b.rssMiB > a.rssMiB ? b : a));
console.log(machineLine());
console.log(`console open for ${round((last.atSeconds - first.atSeconds) / 60, 1)} min of the lab: ${iterations} rounds of Task 5 (rollout + rollback) and Task 6 (scale 2 → 4 → 2); ${pageErrors} page errors`);
table(
  ['sample', 'at s', 'RSS MiB', 'heap MiB', 'rounds'],
  [
    ['first (stack up, console open)', first.atSeconds, first.rssMiB, first.heapMiB, first.iterations],
    ['peak RSS', peak.atSeconds, peak.rssMiB, peak.heapMiB, peak.iterations],
    ['last', last.atSeconds, last.rssMiB, last.heapMiB, last.iterations],
  ],
);
console.log(`last / first: RSS ×${round(last.rssMiB / first.rssMiB, 2)}, heap ×${round(last.heapMiB / first.heapMiB, 2)}`);
writeResult('console-soak', { minutes, iterations, pageErrors, samples });
