/**
 * Benchmark (not a test) of the control plane: operations/s and p99 latency
 * of RegisterTaskDefinition, DescribeServices and DescribeTargetHealth at 1,
 * 10 and 50 concurrent clients, against the local cloud (`ecskit local
 * --no-runtime` as its own process, so no task process competes for the CPU)
 * and against `moto_server` on a free loopback port, in the same run, with
 * the ratio. The SDK clients run in this process for both.
 *
 * Run: `npm run bench -- control-plane` (options: `--seconds 3 --concurrency 1,10,50`).
 *
 * @internal
 * @module
 */
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand, DescribeTargetHealthCommand, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { parseArgs } from 'node:util';
import { clientsFor, defaultNetwork, destroyClients, machineLine, quantile, round, startLocalCloudProcess, startMoto, table, writeResult, type BenchClients } from './lib.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1,10,50' },
  },
});
const seconds = Number(values.seconds);
const levels = values.concurrency.split(',').map(Number);

type Operation = 'RegisterTaskDefinition' | 'DescribeServices' | 'DescribeTargetHealth';
const OPERATIONS: readonly Operation[] = ['RegisterTaskDefinition', 'DescribeServices', 'DescribeTargetHealth'];

/** One measured cell. */
interface Cell {
  target: 'local' | 'moto';
  operation: Operation;
  concurrency: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  firstError?: string;
}

/** Creates the cluster, a service and a target group with two targets; returns a call per operation. */
async function prepare(clients: BenchClients): Promise<Record<Operation, () => Promise<unknown>>> {
  const { vpcId } = await defaultNetwork(clients);
  await clients.ecs.send(new CreateClusterCommand({ clusterName: 'bench' }));
  const td = await clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'bench-svc',
      containerDefinitions: [{ name: 'app', image: 'bench/tiny', memory: 128, essential: true, portMappings: [{ containerPort: 8080, hostPort: 0 }] }],
    }),
  );
  await clients.ecs.send(
    new CreateServiceCommand({
      cluster: 'bench',
      serviceName: 'bench-svc',
      taskDefinition: td.taskDefinition!.taskDefinitionArn!,
      desiredCount: 0,
    }),
  );
  const tg = await clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'bench-tg', Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'ip' }));
  const targetGroupArn = tg.TargetGroups![0]!.TargetGroupArn!;
  await clients.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: '10.0.0.10', Port: 8080 }, { Id: '10.0.0.11', Port: 8080 }] }));
  let n = 0;
  return {
    RegisterTaskDefinition: () =>
      clients.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'bench-rev',
          containerDefinitions: [{ name: 'app', image: 'bench/tiny', memory: 128, essential: true, environment: [{ name: 'N', value: String(n++) }] }],
        }),
      ),
    DescribeServices: () => clients.ecs.send(new DescribeServicesCommand({ cluster: 'bench', services: ['bench-svc'] })),
    DescribeTargetHealth: () => clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn })),
  };
}

/** Runs `call` from `concurrency` loops for `seconds`; latencies of successful calls. */
async function hammer(call: () => Promise<unknown>, concurrency: number): Promise<{ latencies: number[]; errors: number; firstError?: string; elapsed: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await call();
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= `${(error as Error).name}: ${(error as Error).message}`.slice(0, 200);
        }
      }
    }),
  );
  return { latencies, errors, ...(firstError ? { firstError } : {}), elapsed: (performance.now() - started) / 1000 };
}

async function measureTarget(target: 'local' | 'moto', endpoint: string): Promise<Cell[]> {
  const clients = clientsFor(endpoint);
  const cells: Cell[] = [];
  try {
    const calls = await prepare(clients);
    for (const operation of OPERATIONS) {
      for (let i = 0; i < 20; i++) await calls[operation]().catch(() => undefined); // warm-up
      for (const concurrency of levels) {
        const r = await hammer(calls[operation], concurrency);
        cells.push({
          target,
          operation,
          concurrency,
          opsPerSecond: round(r.latencies.length / r.elapsed, 0),
          p50Ms: round(quantile(r.latencies, 0.5)),
          p99Ms: round(quantile(r.latencies, 0.99)),
          errors: r.errors,
          ...(r.firstError ? { firstError: r.firstError } : {}),
        });
      }
    }
  } finally {
    destroyClients(clients);
  }
  return cells;
}

const loadBefore = machineLine();
const cloud = await startLocalCloudProcess(['--no-runtime']);
let local: Cell[];
try {
  local = await measureTarget('local', cloud.endpoint);
} finally {
  await cloud.stop();
}
const moto = await startMoto();
let motoCells: Cell[];
try {
  motoCells = await measureTarget('moto', moto.endpoint);
} finally {
  await moto.stop();
}

console.log(loadBefore);
console.log(`${seconds} s per cell, SDK v3 clients (maxAttempts 1) in this process; local cloud "ecskit local --no-runtime" in its own process; moto_server (threaded Werkzeug)\n`);
const rows = local.map((l) => {
  const m = motoCells.find((c) => c.operation === l.operation && c.concurrency === l.concurrency)!;
  return { operation: l.operation, concurrency: l.concurrency, local: l, moto: m, ratio: round(l.opsPerSecond / m.opsPerSecond, 2) };
});
table(
  ['operation', 'clients', 'local ops/s', 'local p99 ms', 'moto ops/s', 'moto p99 ms', 'local/moto ops', 'errors local/moto'],
  rows.map((r) => [r.operation, r.concurrency, r.local.opsPerSecond, r.local.p99Ms, r.moto.opsPerSecond, r.moto.p99Ms, `${r.ratio}×`, `${r.local.errors}/${r.moto.errors}`]),
);
for (const c of [...local, ...motoCells]) if (c.firstError) console.log(`first error (${c.target} ${c.operation} ×${c.concurrency}): ${c.firstError}`);
console.log(`\nload average at end: ${machineLine()}`);
console.log(`→ ${writeResult('control-plane', { secondsPerCell: seconds, rows })}`);
