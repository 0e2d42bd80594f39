/**
 * Benchmark (not a test) of zero downtime on the lab's stack in the local
 * cloud (Tasks 1–4): constant load of GET /items through the ALB (→ gateway
 * → invsys) while (1) invsys rolls to a new deployment, (2) the gateway rolls
 * to a new deployment, (3) one gateway task is SIGKILLed, (4) one invsys
 * task is SIGKILLed. For each phase: failed (network error) and non-2xx
 * responses out of the total, the longest gap between two successful
 * responses, and the failures' statuses/messages.
 *
 * Run: `npm run bench -- zero-downtime` (options: `--workers 8 --pause-ms 20 --settle 2`).
 *
 * @internal
 * @module
 */
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { NAMES } from '../examples/01-core-concepts.ts';
import { waitForDeployment } from '../src/waiters/deployment/index.js';
import { startLabStack, type LabStack } from './lab-stack.js';
import { machineLine, round, sleep, table, writeResult } from './lib.js';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '8' },
    'pause-ms': { type: 'string', default: '20' },
    settle: { type: 'string', default: '2' },
  },
});
const workers = Number(values.workers);
const pauseMs = Number(values['pause-ms']);
const settleSeconds = Number(values.settle);

/** What the load saw during one phase. */
interface Phase {
  phase: string;
  seconds: number;
  total: number;
  ok: number;
  non2xx: number;
  failed: number;
  longestGapMs: number;
  failures: Record<string, number>;
  outcome?: string;
}

/** Constant load: `workers` loops of GET, each pausing `pauseMs` between requests; returns a stop function with the counts. */
function load(url: string): { stop(): Promise<Omit<Phase, 'phase' | 'outcome'>> } {
  const agent = new Agent({ keepAlive: true, maxSockets: workers });
  const target = new URL(url);
  let running = true;
  let total = 0;
  let ok = 0;
  let non2xx = 0;
  let failed = 0;
  let lastOk = performance.now();
  let longestGapMs = 0;
  const failures: Record<string, number> = {};
  const started = performance.now();
  const once = () =>
    new Promise<void>((resolve) => {
      const req = request({ host: target.hostname, port: target.port, path: '/items', method: 'GET', agent, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => {
          total++;
          const now = performance.now();
          if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) {
            ok++;
            longestGapMs = Math.max(longestGapMs, now - lastOk);
            lastOk = now;
          } else {
            non2xx++;
            failures[`HTTP ${res.statusCode}`] = (failures[`HTTP ${res.statusCode}`] ?? 0) + 1;
          }
          resolve();
        });
        res.on('error', () => resolve());
      });
      req.on('timeout', () => req.destroy(new Error('timeout after 10 s')));
      req.on('error', (error: NodeJS.ErrnoException) => {
        total++;
        failed++;
        const key = error.code ?? error.message;
        failures[key] = (failures[key] ?? 0) + 1;
        resolve();
      });
      req.end();
    });
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      await once();
      if (pauseMs > 0) await sleep(pauseMs);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - lastOk);
      return { seconds: round((now - started) / 1000), total, ok, non2xx, failed, longestGapMs: round(longestGapMs, 0), failures };
    },
  };
}

/** Runs `action` under load, then keeps the load `settleSeconds` longer. */
async function underLoad(stack: LabStack, phase: string, action: () => Promise<string>): Promise<Phase> {
  const l = load(stack.albUrl);
  await sleep(1000);
  let outcome: string;
  try {
    outcome = await action();
  } catch (error) {
    outcome = `error: ${(error as Error).message}`;
  }
  await sleep(settleSeconds * 1000);
  const counts = await l.stop();
  console.error(`${phase}: ${counts.ok}/${counts.total} ok, ${counts.non2xx} non-2xx, ${counts.failed} failed, longest gap ${counts.longestGapMs} ms (${outcome})`);
  return { phase, ...counts, outcome };
}

const loadBefore = machineLine();
const stack = await startLabStack();
const phases: Phase[] = [];
try {
  const { lab } = stack;
  const wait = { timeoutSeconds: lab.wait.timeoutSeconds, intervalSeconds: lab.wait.intervalSeconds };
  const roll = (service: string) => async () => {
    const updated = await lab.clients.ecs.send(new UpdateServiceCommand({ cluster: NAMES.cluster, service, forceNewDeployment: true }));
    const deploymentId = updated.service!.deployments!.find((d) => d.status === 'PRIMARY')!.id!;
    const outcome = await waitForDeployment(lab.clients, { cluster: NAMES.cluster, service, deploymentId }, wait);
    return `${outcome.outcome} in ${round(outcome.elapsedSeconds)} s`;
  };
  const sigkill = (service: 'invsys' | 'gateway') => async () => {
    const [victim] = await stack.taskUrls(service);
    if (!victim) throw new Error(`no RUNNING ${service} task to kill`);
    const live = stack.target.local!.runtime!.context.tasks.get(victim.taskArn);
    const pid = live?.containers[0]?.process.pid;
    if (!pid) throw new Error(`no process for ${victim.taskArn}`);
    process.kill(pid, 'SIGKILL');
    const killedAt = performance.now();
    // until the service runs its desired count again with the victim gone
    for (;;) {
      const tasks = await stack.taskUrls(service);
      if (tasks.length >= 2 && !tasks.some((t) => t.taskArn === victim.taskArn)) break;
      if (performance.now() - killedAt > 120_000) return 'not replaced within 120 s';
      await sleep(100);
    }
    return `replaced in ${round((performance.now() - killedAt) / 1000)} s`;
  };
  const baseline = async () => {
    await sleep(3000);
    return 'no change';
  };
  phases.push(await underLoad(stack, 'baseline (nothing happens)', baseline));
  phases.push(await underLoad(stack, 'rolling deployment of invsys-service', roll(NAMES.invsysService)));
  phases.push(await underLoad(stack, 'rolling deployment of gateway-service', roll(NAMES.gatewayService)));
  phases.push(await underLoad(stack, 'SIGKILL of one gateway task', sigkill('gateway')));
  phases.push(await underLoad(stack, 'SIGKILL of one invsys task', sigkill('invsys')));
} finally {
  await stack.stop();
}

console.log(loadBefore);
console.log(`lab stack (Tasks 1–4, 2 tasks per service, time scale 0.02) in this process; ${workers} keep-alive workers, ${pauseMs} ms pause, GET /items through the ALB; ${settleSeconds} s of load after each action\n`);
table(
  ['phase', 'seconds', 'requests', 'non-2xx', 'failed', 'longest gap ms', 'what failed', 'action'],
  phases.map((p) => [p.phase, p.seconds, p.total, p.non2xx, p.failed, p.longestGapMs, Object.entries(p.failures).map(([k, v]) => `${k} ×${v}`).join(', ') || '—', p.outcome ?? '']),
);
console.log(`load average at end: ${machineLine()}`);
console.log(`→ ${writeResult('zero-downtime', { workers, pauseMs, settleSeconds, phases })}`);
