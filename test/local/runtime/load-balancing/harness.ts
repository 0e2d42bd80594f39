/**
 * Test harness for the load-balancing component: a local cloud with a runtime
 * that runs only that component, small HTTP backends on 127.10.200.x
 * addresses (registered as `ip` targets), and helpers to build an ALB through
 * the SDK ELBv2 client.
 *
 * @internal
 */
import { waitFor as sharedWaitFor } from '../../../wait-for.js';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { LocalRuntime } from '../../../../src/local/local-runtime.js';
import { loadBalancingComponent, type LoadBalancingOptions } from '../../../../src/local/runtime/load-balancing/index.js';
import { startTestCloud, type TestCloud } from '../../helpers.js';
import { defaultNetwork } from '../../services/elbv2/network.js';

/** A local cloud plus a runtime with only the load-balancing component. */
export interface AlbCloud {
  t: TestCloud;
  runtime: LocalRuntime;
  vpcId: string;
  subnetIds: string[];
  logs: string[];
  stop(): Promise<void>;
}

/** Starts a test cloud with the load-balancing component on a fast tick. */
export async function startAlbCloud(options: { timeScale?: number; component?: LoadBalancingOptions } = {}): Promise<AlbCloud> {
  const t = await startTestCloud({ timeScale: options.timeScale ?? 0.02 });
  const logs: string[] = [];
  const runtime = new LocalRuntime(t.cloud.state, {
    tickMs: 25,
    log: (line) => logs.push(line),
    components: (ctx) => [loadBalancingComponent(ctx, options.component)],
  });
  try {
    await runtime.start();
    const { vpcId, subnetIds } = await defaultNetwork(t);
    return {
      t,
      runtime,
      vpcId,
      subnetIds,
      logs,
      stop: async () => {
        await runtime.stop();
        await t.stop();
      },
    };
  } catch (error) {
    await runtime.stop();
    await t.stop();
    throw error;
  }
}

let nextAddress = 0;
/** A fresh 127.10.200.x address per backend (the tasks component allocates from 127.10.0.2 up). */
export function backendAddress(): string {
  nextAddress = (nextAddress % 250) + 1;
  return `127.10.${200 + (process.pid % 50)}.${nextAddress}`;
}

/** A small HTTP backend whose answers tests can change. */
export interface Backend {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Requests seen (not counting health checks), as `METHOD path`. */
  readonly seen: string[];
  /** Health-check requests seen. */
  healthChecks: number;
  /** Status of `/health`; `'hang'` never answers. */
  health: number | 'hang';
  /** Delay before answering other paths. */
  delayMs: number;
  /** Extra response headers for a request path (e.g. an application's Set-Cookie). */
  headersFor?: (path: string) => Record<string, string | string[]>;
  close(): Promise<void>;
}

/** Starts a backend on a fresh 127.10.200.x address: `/health` → {@link Backend.health}, anything else → `{ from: name, path }`. */
export async function startBackend(name: string): Promise<Backend> {
  const host = backendAddress();
  const hanging = new Set<ServerResponse>();
  const backend: Backend = {
    name,
    host,
    port: 0,
    seen: [],
    healthChecks: 0,
    health: 200,
    delayMs: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/health') {
      backend.healthChecks++;
      if (backend.health === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(backend.health, { 'content-type': 'text/plain' });
      res.end(backend.health === 200 ? 'ok' : 'failing');
      return;
    }
    backend.seen.push(`${req.method} ${req.url}`);
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json', ...backend.headersFor?.(req.url ?? '/') });
      res.end(
        JSON.stringify({
          from: name,
          path: req.url,
          host: req.headers.host,
          forwardedFor: req.headers['x-forwarded-for'],
          forwardedProto: req.headers['x-forwarded-proto'],
          forwardedPort: req.headers['x-forwarded-port'],
          cookie: req.headers.cookie,
        }),
      );
    }, backend.delayMs);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  (backend as { port: number }).port = (server.address() as { port: number }).port;
  return backend;
}

/** Health-check settings that make a target healthy in two passes and unhealthy in two failures. */
export const FAST_HEALTH = {
  HealthCheckEnabled: true,
  HealthCheckProtocol: 'HTTP',
  HealthCheckPath: '/health',
  HealthCheckIntervalSeconds: 5,
  HealthCheckTimeoutSeconds: 2,
  HealthyThresholdCount: 2,
  UnhealthyThresholdCount: 2,
} as const;

/** Creates an `ip` target group with {@link FAST_HEALTH} and registers the backends; returns its ARN. */
export async function createTargetGroup(c: AlbCloud, name: string, backends: readonly Backend[], extra: Record<string, unknown> = {}): Promise<string> {
  const created = await c.t.clients.elbv2.send(
    new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, VpcId: c.vpcId, TargetType: 'ip', ...FAST_HEALTH, ...extra }),
  );
  const arn = created.TargetGroups?.[0]?.TargetGroupArn;
  if (!arn) throw new Error('CreateTargetGroup returned no ARN');
  if (backends.length > 0) {
    await c.t.clients.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: backends.map((b) => ({ Id: b.host, Port: b.port })) }));
  }
  return arn;
}

/** Creates an application load balancer; returns its ARN and (initial) DNS name. */
export async function createLoadBalancer(c: AlbCloud, name: string): Promise<{ arn: string; dnsName: string }> {
  const created = await c.t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: name, Subnets: c.subnetIds.slice(0, 2) }));
  const lb = created.LoadBalancers?.[0];
  if (!lb?.LoadBalancerArn || !lb.DNSName) throw new Error('CreateLoadBalancer returned no ARN');
  return { arn: lb.LoadBalancerArn, dnsName: lb.DNSName };
}

/** Creates an HTTP listener forwarding to one target group by default; returns its ARN. */
export async function createListener(c: AlbCloud, loadBalancerArn: string, port: number, targetGroupArn: string): Promise<string> {
  const created = await c.t.clients.elbv2.send(
    new CreateListenerCommand({ LoadBalancerArn: loadBalancerArn, Protocol: 'HTTP', Port: port, DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }] }),
  );
  const arn = created.Listeners?.[0]?.ListenerArn;
  if (!arn) throw new Error('CreateListener returned no ARN');
  return arn;
}

/** The load balancer's current DNSName as the API reports it. */
export async function dnsNameOf(c: AlbCloud, loadBalancerArn: string): Promise<string> {
  const described = await c.t.clients.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [loadBalancerArn] }));
  const dnsName = described.LoadBalancers?.[0]?.DNSName;
  if (!dnsName) throw new Error(`load balancer ${loadBalancerArn} has no DNSName`);
  return dnsName;
}

/** Target health as `{ "host:port": [state, reason, description] }`. */
export async function targetHealth(c: AlbCloud, targetGroupArn: string): Promise<Record<string, [string, string | undefined, string | undefined]>> {
  const described = await c.t.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  return Object.fromEntries(
    (described.TargetHealthDescriptions ?? []).map((d: TargetHealthDescription) => [
      `${d.Target?.Id}:${d.Target?.Port}`,
      [d.TargetHealth?.State ?? '', d.TargetHealth?.Reason, d.TargetHealth?.Description] as [string, string | undefined, string | undefined],
    ]),
  );
}

/** `host:port` key of a backend in {@link targetHealth}. */
export const key = (b: Backend) => `${b.host}:${b.port}`;

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs` with `what` ({@link sharedWaitFor} with this harness's pace). */
export function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  return sharedWaitFor(what, check, { timeoutMs, everyMs });
}

/** Waits until every backend is `healthy` in the target group. */
export function waitHealthy(c: AlbCloud, targetGroupArn: string, backends: readonly Backend[]): Promise<true> {
  return waitFor(`${backends.map((b) => b.name).join(', ')} healthy`, async () => {
    const health = await targetHealth(c, targetGroupArn);
    return backends.every((b) => health[key(b)]?.[0] === 'healthy');
  });
}

/** A plain GET through node:http with an explicit Host header; resolves with status and parsed JSON body (if any). */
export function get(url: string, host?: string): Promise<{ status: number; body: any; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {}, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Waits until `http://<DNSName>/` answers from a backend (the listener is served), and returns the DNS name. */
export async function waitServed(c: AlbCloud, loadBalancerArn: string, path = '/'): Promise<string> {
  return waitFor('the listener to be served', async () => {
    const dnsName = await dnsNameOf(c, loadBalancerArn);
    const response = await get(`http://${dnsName}${path}`);
    return response.status === 200 && typeof response.body === 'object' && response.body !== null && 'from' in response.body ? dnsName : undefined;
  });
}
