/**
 * Benchmark (not a test): the local cloud's memory with the console open
 * through minutes of the lab, against a control run without it. Each arm is
 * its own process holding the in-process local cloud (process driver, time
 * scale 0.02) and the lab; in the `console` arm Debian's chromium
 * (playwright-core) keeps the console's overview open, so every state change
 * reaches the page through server-sent events and fragment fetches. After
 * Tasks 1–4 the lab repeats Task 5 (rolling update and rollback) and Task 6
 * (scale out and in) until the time is up, while the process's RSS and heap
 * are sampled every 15 s. The arms run one after the other (two labs at once
 * would fight over the 2 cores); the report puts them side by side: first,
 * peak and last samples, growth per round, and the console's share of it
 * (console growth / control growth).
 *
 * Run: `npm run bench -- console-soak` (options: `--minutes 10` per arm).
 *
 * @internal
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, arm: { type: 'string' } } });
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, got: ${values.minutes}`);
if (values.arm !== undefined && values.arm !== 'console' && values.arm !== 'control') throw new Error(`--arm must be console or control, got: ${values.arm}`);
if (!existsSync(CHROMIUM)) throw new Error(`the console soak needs Debian's chromium at ${CHROMIUM} (apt-get install -y chromium)`);

const MiB = 1024 * 1024;
interface Sample {
  readonly atSeconds: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
  readonly iterations: number;
}

/** What one arm reports (its last stdout line, as JSON). */
interface ArmResult {
  readonly arm: 'console' | 'control';
  readonly iterations: number;
  readonly pageErrors: number;
  readonly samples: Sample[];
}

/** One arm: the lab's rounds for `minutes`, with the console open in chromium or not. */
async function runArm(arm: 'console' | 'control'): Promise<ArmResult> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'ecskit-soak-chromium-'));
  const browser =
    arm === 'console'
      ? await chromium.launchPersistentContext(profile, {
          executablePath: CHROMIUM,
          headless: true,
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        })
      : undefined;
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
    const page = await browser?.newPage();
    if (page) {
      page.on('pageerror', () => pageErrors++);
      await page.goto(target.local!.consoleUrl!, { waitUntil: 'load' });
      await page.waitForSelector(`[data-service="${lab.names.invsysService}"]`, { timeout: 30_000 });
    }
    sample();
    const timer = setInterval(sample, 15_000);
    const until = performance.now() + minutes * 60_000;
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
    await page?.waitForSelector(`[data-service="${lab.names.gatewayService}"]`, { timeout: 30_000 });
  } finally {
    await browser?.close();
    await target.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return { arm, iterations, pageErrors, samples };
}

/** Runs one arm in its own process (no shared heap) and reads its result. */
function spawnArm(arm: 'console' | 'control'): Promise<ArmResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--arm', arm, '--minutes', String(minutes)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`the ${arm} arm exited with ${code}: ${last}`));
      resolve(JSON.parse(last) as ArmResult);
    });
  });
}

if (values.arm) {
  console.log(JSON.stringify(await runArm(values.arm as 'console' | 'control')));
} else {
  const console_ = await spawnArm('console');
  const control = await spawnArm('control');
  console.log(machineLine());
  const summary = (r: ArmResult) => {
    const first = r.samples[0]!;
    const last = r.samples.at(-1)!;
    const peak = r.samples.reduce((a, b) => (b.rssMiB > a.rssMiB ? b : a));
    const perRound = (from: number, to: number) => (r.iterations > 0 ? round((to - from) / r.iterations, 2) : NaN);
    return { first, last, peak, rssPerRound: perRound(first.rssMiB, last.rssMiB), heapPerRound: perRound(first.heapMiB, last.heapMiB) };
  };
  const a = summary(console_);
  const b = summary(control);
  console.log(`${minutes} min per arm of Task 5 (rollout + rollback) and Task 6 (scale 2 → 4 → 2) rounds: console open ${console_.iterations} rounds (${console_.pageErrors} page errors), control ${control.iterations} rounds`);
  table(
    ['arm', 'rounds', 'first RSS MiB', 'peak RSS MiB', 'last RSS MiB', 'first heap MiB', 'last heap MiB', 'RSS MiB/round', 'heap MiB/round'],
    [
      ['console open', console_.iterations, a.first.rssMiB, a.peak.rssMiB, a.last.rssMiB, a.first.heapMiB, a.last.heapMiB, a.rssPerRound, a.heapPerRound],
      ['control (no console)', control.iterations, b.first.rssMiB, b.peak.rssMiB, b.last.rssMiB, b.first.heapMiB, b.last.heapMiB, b.rssPerRound, b.heapPerRound],
    ],
  );
  console.log(
    `console / control: last RSS ×${round(a.last.rssMiB / b.last.rssMiB, 2)}, last heap ×${round(a.last.heapMiB / b.last.heapMiB, 2)}, heap growth per round ×${round(a.heapPerRound / b.heapPerRound, 2)}`,
  );
  writeResult('console-soak', { minutes, console: console_, control });
}
