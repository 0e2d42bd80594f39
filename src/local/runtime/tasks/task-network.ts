/**
 * A task's address and ports: awsvpc tasks get their own loopback address
 * (127.10.x.y) and listen on their container ports; bridge tasks get a
 * dynamic host port on 127.0.0.1 for `hostPort: 0`; host mode uses the
 * container port. Also the ENI ECS reports for an awsvpc task.
 *
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { RuntimeContext } from '../context.js';
import type { Json, TaskUpdate } from '../control-plane.js';

/** A free TCP port on 127.0.0.1 (a bridge-mode dynamic host port). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether every port can be bound on `address` right now. */
async function portsFree(address: string, ports: readonly number[]): Promise<boolean> {
  for (const port of ports) {
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, address, () => resolve(true));
    });
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (!free) return false;
  }
  return true;
}

/** Network bindings ECS reports per container. */
export type NetworkBindings = NonNullable<TaskUpdate['containers']>[number]['networkBindings'];

/** What {@link allocateNetwork} decided. */
export interface TaskNetwork {
  /** `awsvpc`, `bridge` or `host`. */
  readonly mode: string;
  /** The task's address. */
  readonly address: string;
  /** Whether `address` came from the pool (and must go back to it). */
  readonly ownAddress: boolean;
  /** Host port per container name and container port. */
  readonly hostPorts: Map<string, Map<number, number>>;
  /** ECS's networkBindings per container name. */
  readonly bindings: Map<string, NetworkBindings>;
}

/** Picks the task's address (awsvpc: one whose ports are free) and every container's host ports. */
export async function allocateNetwork(
  context: RuntimeContext,
  networkMode: string,
  containers: ReadonlyArray<{ readonly name: string; readonly def: Json }>,
): Promise<TaskNetwork> {
  let address = '127.0.0.1';
  let ownAddress = false;
  if (networkMode === 'awsvpc') {
    const containerPorts = containers.flatMap((c) => ((c.def.portMappings ?? []) as Json[]).map((pm) => Number(pm.containerPort)).filter(Number.isInteger));
    // Another local cloud on this machine may use an address: skip the ones whose ports are taken.
    for (let attempt = 0; ; attempt++) {
      const candidate = context.taskAddresses.allocate();
      if (attempt >= 20 || (await portsFree(candidate, containerPorts))) {
        address = candidate;
        break;
      }
    }
    ownAddress = true;
  }
  const hostPorts = new Map<string, Map<number, number>>();
  const bindings = new Map<string, NetworkBindings>();
  for (const c of containers) {
    const ports = new Map<number, number>();
    const list: Array<{ bindIP?: string; containerPort?: number; hostPort?: number; protocol?: string }> = [];
    for (const pm of (c.def.portMappings ?? []) as Json[]) {
      const containerPort = Number(pm.containerPort);
      if (!Number.isInteger(containerPort)) continue;
      let hostPort = Number(pm.hostPort ?? 0) || 0;
      if (networkMode === 'awsvpc' || networkMode === 'host') hostPort = containerPort;
      else if (hostPort === 0) hostPort = await freePort();
      ports.set(containerPort, hostPort);
      list.push({ bindIP: networkMode === 'awsvpc' ? undefined : '0.0.0.0', containerPort, hostPort, protocol: String(pm.protocol ?? 'tcp') });
    }
    hostPorts.set(c.name, ports);
    bindings.set(c.name, list.map((b) => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined))));
  }
  return { mode: networkMode, address, ownAddress, hostPorts, bindings };
}

/** The elastic network interface ECS reports for an awsvpc task at `address`. */
export function elasticNetworkInterface(address: string): Record<string, string> {
  return {
    privateIPv4Address: address,
    networkInterfaceId: `eni-${randomBytes(9).toString('hex').slice(0, 17)}`,
    macAddress: [0x0a, ...randomBytes(5)].map((b) => b.toString(16).padStart(2, '0')).join(':'),
    privateDnsName: `ip-${address.replaceAll('.', '-')}.ec2.internal`,
  };
}
