/**
 * Benchmark (not a test) of the lab's apps: GET /items and POST /items with
 * autocannon, directly against the inventory and through the gateway, each
 * app a separate process on loopback, all measured in one run. Also measures
 * spawn → serving time of each built entry.
 *
 * Run: `npm run bench:apps` (options: `--duration 5 --connections 20`).
 *
 * @internal
 * @module
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startApp, type AppName, type AppProcess } from '../apps/shared/test/processes.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '20' },
    spawns: { type: 'string', default: '5' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const spawns = Number(values.spawns);

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function measure(name: string, url: string, method: 'GET' | 'POST', prefix: string): Promise<Row> {
  let n = 0;
  const result = await autocannon({
    url,
    method,
    connections,
    duration,
    headers: { 'content-type': 'application/json' },
    ...(method === 'POST'
      ? {
          requests: [
            {
              method: 'POST',
              setupRequest: (req) => ({
                ...req,
                body: JSON.stringify({ id: `${prefix}-${n++}`, name: 'bench device', location: 'loopback', status: 'on' }),
              }),
            },
          ],
        }
      : {}),
  });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function startupMs(name: AppName, env: Record<string, string>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < spawns; i++) {
    const app = await startApp(name, env);
    times.push(Math.round(app.startupMs));
    await app.stop();
  }
  return times;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const dir = mkdtempSync(join(tmpdir(), 'ecskit-bench-'));
const running: AppProcess[] = [];
try {
  const invStart = await startupMs('inventory', { INVENTORY_DB: ':memory:' });
  const gwStart = await startupMs('gateway', { INVSYS_URL: 'http://127.0.0.1:9' });

  const inventory = await startApp('inventory', { INVENTORY_DB: join(dir, 'bench.db'), INVENTORY_SEED: 'demo' });
  running.push(inventory);
  const gateway = await startApp('gateway', { INVSYS_URL: inventory.url });
  running.push(gateway);

  // warm-up: JIT, keep-alive pools
  await measure('warm-up', `${gateway.url}/items`, 'GET', 'w').catch(() => undefined);

  const rows = [
    await measure('GET /items direct', `${inventory.url}/items`, 'GET', 'g1'),
    await measure('GET /items via gateway', `${gateway.url}/items`, 'GET', 'g2'),
    await measure('POST /items direct', `${inventory.url}/items`, 'POST', 'p1'),
    await measure('POST /items via gateway', `${gateway.url}/items`, 'POST', 'p2'),
  ];

  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`autocannon: ${connections} connections, ${duration} s per row; inventory SQLite file (WAL); load average at end ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log('| route | req/s | p50 ms | p99 ms | non-2xx | errors |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`);
  }
  const [getDirect, getGw, postDirect, postGw] = rows as [Row, Row, Row, Row];
  const ratio = (gw: Row, direct: Row) => `${((gw.rps / direct.rps) * 100).toFixed(0)} %`;
  console.log(`\ngateway/direct throughput: GET ${ratio(getGw, getDirect)}, POST ${ratio(postGw, postDirect)} (target ≥ 40 %)`);
  console.log(
    `spawn → serving (built entry, plain node): inventory ${invStart.join(', ')} ms (median ${median(invStart)}), gateway ${gwStart.join(', ')} ms (median ${median(gwStart)})`,
  );
} finally {
  await Promise.all(running.map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
}
