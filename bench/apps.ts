/**
 * Benchmark (not a test) of the lab's apps: GET /items and POST /items with
 * autocannon, directly against the inventory and through the gateway, each
 * app a separate process on loopback, all measured in one run. Also measures
 * spawn → serving time of each built entry.
 *
 * A/B: the gateway is measured twice in every round, side by side — B is
 * the working tree, A the gateway as built from a git revision (`--baseline
 * <ref>`; by default the last commit that still had the hand-written
 * `node:http` transport, `apps/gateway/src/http-fetch.ts`). A's sources are
 * exported with `git archive` and bundled like the tests bundle B (ESM,
 * node20, dependencies external, resolved from this checkout's
 * `node_modules`). `--baseline none` skips A.
 *
 * Run: `npm run bench:apps` (options: `--duration 5 --connections 20
 * --rounds 3 --spawns 5 --baseline <git ref>`).
 *
 * @internal
 * @module
 */
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { startApp, type AppName, type AppProcess } from '../apps/shared/test/processes.js';
import { writeResult } from './lib.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '20' },
    spawns: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    baseline: { type: 'string' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const spawns = Number(values.spawns);
const rounds = Number(values.rounds);

interface Row {
  name: string;
  /** CPU used per process during the row, in % of one core. */
  cpu: Record<string, number>;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** CPU seconds a process has used so far (Linux `/proc/<pid>/stat`: utime + stime). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100)
}

/** The processes whose CPU each row reports, besides this one (autocannon runs here). */
const watched = new Map<string, number>();

async function measure(name: string, url: string, method: 'GET' | 'POST', prefix: string): Promise<Row> {
  let n = 0;
  const before = new Map([...watched].map(([label, pid]) => [label, cpuSeconds(pid)]));
  const selfBefore = process.cpuUsage();
  const wallBefore = performance.now();
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
  const wall = (performance.now() - wallBefore) / 1000;
  const self = process.cpuUsage(selfBefore);
  const cpu: Record<string, number> = { 'bench (autocannon)': (self.user + self.system) / 1e6 / wall };
  for (const [label, pid] of watched) cpu[label] = (cpuSeconds(pid) - (before.get(label) ?? 0)) / wall;
  return {
    name,
    cpu,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * A trivial `node:http` reverse proxy (keep-alive agent, buffered bodies, one
 * JSON log line per request): the ceiling any gateway on this machine can
 * reach, to tell the gateway's own cost from the cost of a third process.
 */
const TRIVIAL_PROXY = `
import http from 'node:http';
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const up = new URL(process.env.INVSYS_URL);
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const started = Date.now();
    const headers = { 'x-request-id': req.headers['x-request-id'] ?? 'x' };
    if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
    const out = http.request({ hostname: up.hostname, port: up.port, path: req.url, method: req.method, agent, headers }, (ur) => {
      const body = [];
      ur.on('data', (c) => body.push(c));
      ur.on('end', () => {
        const h = {};
        if (ur.headers['content-type']) h['content-type'] = ur.headers['content-type'];
        res.writeHead(ur.statusCode, h);
        res.end(Buffer.concat(body));
        process.stdout.write(JSON.stringify({ time: new Date(started).toISOString(), method: req.method, path: req.url, status: ur.statusCode, durationMs: Date.now() - started }) + '\\n');
      });
    });
    out.on('error', () => { res.writeHead(502); res.end(); });
    out.end(Buffer.concat(chunks));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ msg: 'listening', port: server.address().port }) + '\\n'));
`;

async function startTrivialProxy(upstream: string): Promise<{ url: string; pid: number; stop(): void }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', TRIVIAL_PROXY], {
    env: { INVSYS_URL: upstream, PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = /"port":(\d+)/.exec(buffered);
      if (m) {
        child.stdout!.off('data', onData);
        child.stdout!.on('data', () => undefined);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`trivial proxy exited (${code}) before listening`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill('SIGKILL') };
}

const root = new URL('../', import.meta.url).pathname;
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

/**
 * The A side's revision: `--baseline <ref>`, or by default the parent of the
 * commit that deleted the hand-written transport (HEAD while it still exists).
 */
function baselineRef(): string | undefined {
  if (values.baseline === 'none') return undefined;
  if (values.baseline) return git('rev-parse', '--verify', `${values.baseline}^{commit}`);
  const deleted = git('log', '-1', '--format=%H', '--diff-filter=D', 'HEAD', '--', 'apps/gateway/src/http-fetch.ts');
  return git('rev-parse', deleted ? `${deleted}^` : 'HEAD');
}

/** Bundles the gateway of revision `ref` (its `apps/` tree from git) into this checkout's module cache; returns the entry. */
async function buildGatewayAt(ref: string): Promise<string> {
  const out = join(root, 'node_modules', '.cache', 'ecskit-apps', `bench-baseline-${process.pid}`);
  const src = join(out, 'src');
  mkdirSync(src, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${ref} apps package.json | tar -x -C '${src}'`], { cwd: root });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const outfile = join(out, 'gateway.js');
  await build({
    entryPoints: [join(src, 'apps', 'gateway', 'src', 'main.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'node20',
    platform: 'node',
    external: ['dependencies', 'devDependencies', 'optionalDependencies'].flatMap((k) => Object.keys(pkg[k] ?? {})),
    logLevel: 'silent',
  });
  process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  return outfile;
}

/** Spawns a built gateway entry like `startApp` does (stdout drained unread once listening). */
async function startEntry(entry: string, env: Record<string, string>): Promise<{ url: string; pid: number; startupMs: number; stop(): void }> {
  const started = performance.now();
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { HOST: '127.0.0.1', PORT: '0', PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = /"msg":"listening"[^\n]*"port":(\d+)|"port":(\d+)[^\n]*"msg":"listening"/.exec(buffered);
      if (m) {
        child.stdout!.off('data', onData);
        child.stdout!.on('data', () => undefined);
        resolve(Number(m[1] ?? m[2]));
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before listening`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, startupMs: performance.now() - started, stop: () => child.kill('SIGKILL') };
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
const stoppers: (() => void)[] = [];
try {
  const baseline = baselineRef();
  const baselineEntry = baseline ? await buildGatewayAt(baseline) : undefined;
  const invStart = await startupMs('inventory', { INVENTORY_DB: ':memory:' });
  const gwStart = await startupMs('gateway', { INVSYS_URL: 'http://127.0.0.1:9' });
  const baseStart: number[] = [];
  for (let i = 0; baselineEntry && i < spawns; i++) {
    const a = await startEntry(baselineEntry, { INVSYS_URL: 'http://127.0.0.1:9' });
    baseStart.push(Math.round(a.startupMs));
    a.stop();
  }

  // Apps' stdout is drained unread: the log lines are still written (one per
  // request, as in production), but this process, which also runs
  // autocannon, does not split and keep them.
  const quiet = { keepLines: false };
  const inventory = await startApp('inventory', { INVENTORY_DB: join(dir, 'bench.db'), INVENTORY_SEED: 'demo' }, 10_000, quiet);
  running.push(inventory);
  const gateway = await startApp('gateway', { INVSYS_URL: inventory.url }, 10_000, quiet);
  running.push(gateway);
  const proxy = await startTrivialProxy(inventory.url);
  stoppers.push(proxy.stop);
  const gatewayA = baselineEntry ? await startEntry(baselineEntry, { INVSYS_URL: inventory.url }) : undefined;
  if (gatewayA) stoppers.push(gatewayA.stop);
  watched.set('inventory', inventory.child.pid!);
  watched.set('gateway', gateway.child.pid!);
  if (gatewayA) watched.set('gateway A', gatewayA.pid);
  watched.set('trivial proxy', proxy.pid);

  // warm-up: JIT, keep-alive pools
  await measure('warm-up', `${gateway.url}/items`, 'GET', 'w').catch(() => undefined);
  if (gatewayA) await measure('warm-up', `${gatewayA.url}/items`, 'GET', 'w').catch(() => undefined);
  await measure('warm-up', `${proxy.url}/items`, 'GET', 'w').catch(() => undefined);
  await measure('warm-up', `${inventory.url}/items`, 'GET', 'w').catch(() => undefined);

  // Rounds: each round measures direct, gateway and trivial proxy back to
  // back (in a rotating order), so each gateway/direct ratio compares rows
  // taken a few seconds apart; the reported ratio is the median over rounds,
  // which a noisy neighbour in one round cannot move much. All GET rounds
  // come first: every POST row adds devices, which GET /items lists.
  type TargetKey = 'direct' | 'gateway' | 'gatewayA' | 'proxy';
  const targets: { key: TargetKey; label: string; url: string }[] = [
    { key: 'direct', label: 'direct', url: inventory.url },
    { key: 'gateway', label: 'via gateway', url: gateway.url },
    ...(gatewayA && baseline ? [{ key: 'gatewayA' as const, label: `via gateway A (${baseline.slice(0, 8)})`, url: gatewayA.url }] : []),
    { key: 'proxy', label: 'via trivial node:http proxy', url: proxy.url },
  ];
  const methods = ['GET', 'POST'] as const;
  const measured = new Map<string, Row[]>();
  const key = (method: string, target: TargetKey) => `${method} ${target}`;
  for (const method of methods) {
    for (let round = 0; round < rounds; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
      for (const t of order) {
        const row = await measure(`${method} /items ${t.label}`, `${t.url}/items`, method, `${method[0]}${round}${t.key}`);
        const list = measured.get(key(method, t.key)) ?? [];
        list.push(row);
        measured.set(key(method, t.key), list);
      }
    }
  }
  const rowsOf = (method: string, target: TargetKey) => measured.get(key(method, target)) ?? [];
  /** Per-round `a/b` throughput ratios, in %. */
  const ratios = (method: string, a: TargetKey, b: TargetKey) =>
    rowsOf(method, a).map((row, i) => (row.rps / (rowsOf(method, b)[i]?.rps ?? NaN)) * 100);
  const pct = (xs: number[]) => `${Math.round(median(xs))} % (rounds ${xs.map((x) => x.toFixed(0)).join(', ')})`;

  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(
    `autocannon: ${connections} connections, ${duration} s per row, ${rounds} rounds; inventory SQLite file (WAL); load average at end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  console.log('Medians over the rounds (req/s of each round in brackets):\n');
  console.log('| route | req/s | p50 ms | p99 ms | non-2xx | errors |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const summary: Record<string, unknown>[] = [];
  for (const method of methods) {
    for (const t of targets) {
      const rows = rowsOf(method, t.key);
      const rps = rows.map((r) => r.rps);
      const p50 = median(rows.map((r) => r.p50));
      const p99 = median(rows.map((r) => r.p99));
      const non2xx = rows.reduce((n, r) => n + r.non2xx, 0);
      const errors = rows.reduce((n, r) => n + r.errors, 0);
      console.log(
        `| ${method} /items ${t.label} | ${Math.round(median(rps))} (${rps.map(Math.round).join(', ')}) | ${p50} | ${p99} | ${non2xx} | ${errors} |`,
      );
      summary.push({ route: `${method} /items ${t.label}`, rps: median(rps), roundsRps: rps, p50, p99, non2xx, errors });
    }
  }
  const gwGet = ratios('GET', 'gateway', 'direct');
  const gwPost = ratios('POST', 'gateway', 'direct');
  console.log(`\ngateway/direct throughput: GET ${pct(gwGet)}, POST ${pct(gwPost)} (target ≥ 40 %)`);
  console.log(
    `ceiling, trivial node:http proxy/direct: GET ${pct(ratios('GET', 'proxy', 'direct'))}, POST ${pct(ratios('POST', 'proxy', 'direct'))}`,
  );
  console.log(
    `gateway/trivial proxy: GET ${pct(ratios('GET', 'gateway', 'proxy'))}, POST ${pct(ratios('POST', 'gateway', 'proxy'))}`,
  );
  const abGet = gatewayA ? ratios('GET', 'gateway', 'gatewayA') : [];
  const abPost = gatewayA ? ratios('POST', 'gateway', 'gatewayA') : [];
  /** Per-round B/A ratio of a gateway's CPU µs per request, in %. */
  const cpuRatios = (method: string) =>
    rowsOf(method, 'gateway').map((row, i) => {
      const a = rowsOf(method, 'gatewayA')[i];
      return a ? ((row.cpu.gateway ?? 0) / row.rps / ((a.cpu['gateway A'] ?? 0) / a.rps)) * 100 : NaN;
    });
  if (gatewayA && baseline) {
    console.log(
      `\nA/B, gateway B (working tree) / gateway A (${baseline.slice(0, 12)}) throughput: GET ${pct(abGet)}, POST ${pct(abPost)} (target ≥ 95 %)`,
    );
    console.log(`A/B, gateway CPU per request B/A: GET ${pct(cpuRatios('GET'))}, POST ${pct(cpuRatios('POST'))} (lower is better)`);
  }
  console.log(
    `\nCPU per process during each row (median over rounds), % of one core (µs of CPU per request); the machine has ${cpus().length} cores:\n`,
  );
  const labels = ['bench (autocannon)', ...watched.keys()];
  console.log(`| route | ${labels.join(' | ')} |`);
  console.log(`|---|${labels.map(() => '---:').join('|')}|`);
  const cpuSummary: Record<string, Record<string, { share: number; usPerRequest: number }>> = {};
  for (const method of methods) {
    for (const t of targets) {
      const rows = rowsOf(method, t.key);
      const route = `${method} /items ${t.label}`;
      cpuSummary[route] = {};
      const cells = labels.map((l) => {
        // A gateway's CPU belongs to its own rows only.
        if ((l === 'gateway' && t.key === 'gatewayA') || (l === 'gateway A' && t.key === 'gateway')) return '–';
        const share = median(rows.map((r) => r.cpu[l] ?? 0));
        const us = median(rows.map((r) => ((r.cpu[l] ?? 0) * 1e6) / r.rps));
        if (share >= 0.02) cpuSummary[route]![l] = { share, usPerRequest: us };
        return share < 0.02 ? '–' : `${Math.round(share * 100)} (${Math.round(us)})`;
      });
      console.log(`| ${route} | ${cells.join(' | ')} |`);
    }
  }
  console.log(
    `spawn → serving (built entry, plain node): inventory ${invStart.join(', ')} ms (median ${median(invStart)}), gateway ${gwStart.join(', ')} ms (median ${median(gwStart)})${
      baseStart.length ? `, gateway A ${baseStart.join(', ')} ms (median ${median(baseStart)})` : ''
    }`,
  );
  const file = writeResult('apps', {
    settings: { connections, durationS: duration, rounds },
    rows: summary,
    ratios: {
      getGatewayToDirectPct: median(gwGet),
      getGatewayToDirectRoundsPct: gwGet,
      postGatewayToDirectPct: median(gwPost),
      postGatewayToDirectRoundsPct: gwPost,
      ...(baseline
        ? {
            baseline,
            getGatewayBToAPct: median(abGet),
            getGatewayBToARoundsPct: abGet,
            postGatewayBToAPct: median(abPost),
            postGatewayBToARoundsPct: abPost,
            getCpuPerRequestBToAPct: median(cpuRatios('GET')),
            postCpuPerRequestBToAPct: median(cpuRatios('POST')),
          }
        : {}),
    },
    cpu: cpuSummary,
    startupMs: { inventory: invStart, gateway: gwStart, ...(baseStart.length ? { gatewayA: baseStart } : {}) },
  });
  console.log(`\nwrote ${file}`);
} finally {
  for (const stop of stoppers) stop();
  await Promise.all(running.map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
}
