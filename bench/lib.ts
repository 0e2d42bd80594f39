/**
 * Shared pieces of the benchmarks (not tests): the machine description,
 * medians and percentiles, SDK clients for an endpoint with an API-call
 * counter, a tiny node image, the default subnet, and the JSON result file.
 *
 * @internal
 * @module
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { EC2Client, DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** Directory of the benchmark result files. */
export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

/** Entry of the tiny HTTP server image the benchmarks register (`bench/tiny`). */
export const TINY_ENTRY = fileURLToPath(new URL('./fixtures/tiny-server.mjs', import.meta.url));

/** Dummy credentials for the local cloud and moto. */
export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** The machine the numbers come from. */
export function machine(): { cores: number; cpu: string; memoryGiB: number; node: string; platform: string; loadAverage: number[] } {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
  };
}

/** One line describing the machine and its load right now. */
export function machineLine(): string {
  const m = machine();
  return `machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, load average ${m.loadAverage.join(' ')}`;
}

/** Value at quantile `q` (0–1, nearest rank) of `xs`; `NaN` when empty. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Median of `xs`. */
export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/** Rounds to `digits` decimals. */
export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Counts the HTTP requests an SDK client sends (retries included). */
export class CallCounter {
  /** Requests sent so far, by operation name. */
  readonly byOperation = new Map<string, number>();
  /** Total requests sent. */
  total = 0;
  /** Adds a counting middleware to `client` (any SDK v3 client). */
  attach(client: { middlewareStack: { add: (mw: any, opts: any) => void } }): void {
    client.middlewareStack.add(
      (next: any, context: any) => async (args: any) => {
        this.total++;
        const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        this.byOperation.set(name, (this.byOperation.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'benchCallCounter', override: true },
    );
  }
  /** Sets every count back to zero. */
  reset(): void {
    this.total = 0;
    this.byOperation.clear();
  }
}

/** SDK clients pointed at one endpoint. */
export interface BenchClients {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  serviceDiscovery: ServiceDiscoveryClient;
  ec2: EC2Client;
}

/** SDK clients for `endpoint` (no retries, so a failure is seen, not hidden), optionally counted. */
export function clientsFor(endpoint: string, region = 'us-east-1', counter?: CallCounter): BenchClients {
  const config = { endpoint, region, credentials: CREDENTIALS, maxAttempts: 1 };
  const clients: BenchClients = {
    ecs: new ECSClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    serviceDiscovery: new ServiceDiscoveryClient(config),
    ec2: new EC2Client(config),
  };
  if (counter) for (const client of Object.values(clients)) counter.attach(client);
  return clients;
}

/** Closes the clients' sockets. */
export function destroyClients(clients: BenchClients): void {
  for (const client of Object.values(clients)) client.destroy();
}

/** The default VPC and its first subnet. */
export async function defaultNetwork(clients: BenchClients): Promise<{ vpcId: string; subnetId: string }> {
  const vpcs = await clients.ec2.send(new DescribeVpcsCommand({}));
  const vpcId = (vpcs.Vpcs?.find((v) => v.IsDefault) ?? vpcs.Vpcs?.[0])?.VpcId;
  if (!vpcId) throw new Error('no VPC in DescribeVpcs: the endpoint has no default VPC');
  const subnets = await clients.ec2.send(new DescribeSubnetsCommand({}));
  const subnetId = (subnets.Subnets?.find((s) => s.VpcId === vpcId) ?? subnets.Subnets?.[0])?.SubnetId;
  if (!subnetId) throw new Error(`no subnet in VPC ${vpcId}`);
  return { vpcId, subnetId };
}

/** Writes `bench/results/<name>.json` with the machine and returns its path. */
export function writeResult(name: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ benchmark: name, date: new Date().toISOString(), machine: machine(), ...(data as object) }, null, 2)}\n`);
  return file;
}

/** Prints a Markdown table. */
export function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): void {
  console.log(`| ${headers.join(' | ')} |`);
  console.log(`|${headers.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** A running `moto_server`. */
export interface Moto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts `moto_server` on a free loopback port and waits until it answers. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within 60 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { endpoint, stop };
}

/** Resident set size of a process in MiB (Linux `/proc`), or `NaN`. */
export async function rssMiB(pid: number): Promise<number> {
  try {
    const { readFileSync } = await import('node:fs');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? round(Number(kb) / 1024) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Sleeps `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A local cloud running as its own process (`ecskit local`), like moto runs in its own. */
export interface LocalCloudProcess {
  readonly endpoint: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts `ecskit local --port 0 …args` from the source (through tsx) and waits for its endpoint. */
export async function startLocalCloudProcess(args: readonly string[] = []): Promise<LocalCloudProcess> {
  const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'local', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-2000)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ecskit local did not print its endpoint within 60 s: ${err}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ecskit local exited with ${code}: ${err}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  child.stdout.resume();
  return { endpoint, pid: child.pid!, stop };
}
