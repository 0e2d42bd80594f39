/**
 * Differential ("fidelity") harness: runs the same SDK calls against
 * `moto_server` (an independent AWS emulator) and the ecskit local cloud and
 * compares response keys, value types and error codes. Differences that are
 * known and justified go into an allow-list, each with an AWS doc reference.
 *
 * ```ts
 * const h = await startFidelity();
 * try {
 *   const report = await h.compare(cases, allow);
 *   assert.deepEqual(report.unexpected, []);
 * } finally { await h.stop(); }
 * ```
 *
 * `moto_server` must be on PATH (`pip install 'moto[server]'`); when it is
 * missing the harness throws, so `npm run test:fidelity` fails rather than
 * passing vacuously.
 *
 * @internal
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { startLocalCloud, type LocalCloud } from '../../src/local/index.js';
import { signedPost, TEST_CREDENTIALS, QUERY_VERSIONS, type RawResponse, type TestClients } from '../local/helpers.js';

/** How to install moto, for failure messages. */
export const MOTO_INSTALL_HINT = "moto_server not found on PATH. Install it with `pip install 'moto[server]'` (CI needs it for npm run test:fidelity).";

/** One endpoint's side of the comparison. */
export interface Side {
  name: 'moto' | 'local';
  endpoint: string;
  clients: TestClients;
  /** Signed Query/EC2 call for services without an installed SDK client (STS, IAM, EC2). */
  query(service: string, action: string, params?: Record<string, string>): Promise<RawResponse>;
}

/** A call made on both sides. Return the SDK output (or parsed XML); throw the SDK error. */
export interface FidelityCase {
  name: string;
  call(side: Side): Promise<unknown>;
}

/** A known, justified divergence. `path` is a shape path (`cluster.settings`) or `error` for the error code. */
export interface AllowedDivergence {
  case: string;
  path: string;
  /** Why the local cloud differs, e.g. "moto omits X; AWS returns it". */
  reason: string;
  /** AWS documentation URL that shows the real behaviour. */
  reference: string;
}

/** Outcome of {@link Fidelity.compare}. */
export interface FidelityReport {
  /** Differences not on the allow-list: the test should assert this is empty. */
  unexpected: string[];
  /** Differences the allow-list excused. */
  allowed: string[];
}

/** A started moto + local cloud pair. */
export interface Fidelity {
  moto: Side;
  local: Side;
  cloud: LocalCloud;
  compare(cases: readonly FidelityCase[], allow?: readonly AllowedDivergence[]): Promise<FidelityReport>;
  stop(): Promise<void>;
}

/** The type signature of a value: objects by key, arrays by their first element. */
export function shapeOf(value: unknown): unknown {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return value.length === 0 ? ['empty'] : [shapeOf(value[0])];
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== '$metadata' && v !== undefined) out[k] = shapeOf(v);
    return out;
  }
  return typeof value;
}

/** Lists shape differences between `expected` (moto) and `actual` (local) as `path: message`. */
export function diffShapes(expected: unknown, actual: unknown, path = ''): string[] {
  const here = path || '(root)';
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected[0] === 'empty' || actual[0] === 'empty') return [];
    return diffShapes(expected[0], actual[0], `${path}[]`);
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    const out: string[] = [];
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      const p = path ? `${path}.${key}` : key;
      if (!(key in a)) out.push(`${p}: missing in local (moto has ${JSON.stringify(e[key])})`);
      else out.push(...diffShapes(e[key], a[key], p));
    }
    for (const key of Object.keys(a)) if (!(key in e)) out.push(`${path ? `${path}.${key}` : key}: only in local`);
    return out;
  }
  return JSON.stringify(expected) === JSON.stringify(actual) ? [] : [`${here}: moto ${JSON.stringify(expected)}, local ${JSON.stringify(actual)}`];
}

type Outcome = { ok: true; value: unknown } | { ok: false; code: string };

async function outcome(side: Side, c: FidelityCase): Promise<Outcome> {
  try {
    return { ok: true, value: await c.call(side) };
  } catch (error) {
    const e = error as { name?: string; Code?: string };
    return { ok: false, code: e.Code ?? e.name ?? 'Error' };
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function makeClients(endpoint: string): TestClients {
  const config = { endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  return {
    ecs: new ECSClient(config),
    serviceDiscovery: new ServiceDiscoveryClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    autoScaling: new ApplicationAutoScalingClient(config),
    cloudWatch: new CloudWatchClient(config),
    logs: new CloudWatchLogsClient(config),
  };
}

function side(name: Side['name'], endpoint: string): Side {
  return {
    name,
    endpoint,
    clients: makeClients(endpoint),
    query: (service, action, params = {}) => {
      const form = new URLSearchParams({ Action: action, Version: QUERY_VERSIONS[service] ?? '', ...params });
      return signedPost(endpoint, service, 'us-east-1', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, form.toString());
    },
  };
}

/** Starts `moto_server` on 127.0.0.1 and a random port; resolves once it answers. */
export async function startMoto(timeoutMs = 30_000): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const port = await freePort();
  let child: ChildProcess;
  let stderr = '';
  const spawned = new Promise<void>((resolve, reject) => {
    child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(MOTO_INSTALL_HINT) : error));
    child.once('spawn', () => resolve());
  });
  await spawned;
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 3000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(`${endpoint}/moto-api/`);
      await r.arrayBuffer();
      break;
    } catch {
      if (child!.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`moto_server did not start on port ${port}: ${stderr.slice(-1000)}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  return { endpoint, stop };
}

/** Starts moto and the local cloud (real handlers) side by side. Always `await stop()`. */
export async function startFidelity(): Promise<Fidelity> {
  const moto = await startMoto();
  let cloud: LocalCloud;
  try {
    cloud = await startLocalCloud({ port: 0, log: () => {}, runtime: false });
  } catch (error) {
    await moto.stop();
    throw error;
  }
  const motoSide = side('moto', moto.endpoint);
  const localSide = side('local', cloud.endpoint);
  return {
    moto: motoSide,
    local: localSide,
    cloud,
    async compare(cases, allow = []) {
      const report: FidelityReport = { unexpected: [], allowed: [] };
      for (const c of cases) {
        const [m, l] = [await outcome(motoSide, c), await outcome(localSide, c)];
        const diffs: { path: string; text: string }[] = [];
        if (m.ok && l.ok) {
          for (const d of diffShapes(shapeOf(m.value), shapeOf(l.value))) diffs.push({ path: d.slice(0, d.indexOf(':')), text: d });
        } else if (!m.ok && !l.ok) {
          if (m.code !== l.code) diffs.push({ path: 'error', text: `error: moto ${m.code}, local ${l.code}` });
        } else {
          diffs.push({ path: 'error', text: m.ok ? `error: moto succeeded, local failed with ${(l as { code: string }).code}` : `error: moto failed with ${m.code}, local succeeded` });
        }
        for (const d of diffs) {
          const excuse = allow.find((a) => a.case === c.name && (a.path === d.path || d.path.startsWith(`${a.path}.`)));
          (excuse ? report.allowed : report.unexpected).push(`[${c.name}] ${d.text}${excuse ? ` — ${excuse.reason} (${excuse.reference})` : ''}`);
        }
      }
      return report;
    },
    async stop() {
      for (const s of [motoSide, localSide]) for (const client of Object.values(s.clients)) client.destroy();
      await Promise.allSettled([moto.stop(), cloud.stop()]);
    },
  };
}
