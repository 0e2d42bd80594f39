/**
 * Shared harness of the operations tests: a local cloud on a free loopback
 * port, `connect()`'s clients pointed at it, and a fast operation context.
 *
 * @internal
 */
import { close, connect, type Clients } from '../../src/clients.js';
import { startLocalCloud, type LocalCloud } from '../../src/local/index.js';
import type { OperationContext } from '../../src/operations/index.js';
import { operations, type Operations } from '../../src/operations/index.js';
import { container, taskDefinition, awsLogs } from '../../src/index.js';

/** A running local cloud with clients and an operations bundle; `await stop()` in `after`. */
export interface OpsCloud {
  cloud: LocalCloud;
  clients: Clients;
  /** Operations for `stack` with short poll/retry settings and a log captured in `lines`. */
  ops(stack: string): Operations & { lines: string[] };
  stop(): Promise<void>;
}

/** Starts the local cloud and connects to it through `connect()` (the real SDK clients). */
export async function startOpsCloud(): Promise<OpsCloud> {
  // A small time scale: Cloud Map operations finish in milliseconds instead of 2 s.
  // Two virtual container instances per cluster: these tests deploy EC2 services without launching EC2 instances.
  const cloud = await startLocalCloud({ host: '127.0.0.1', port: 0, log: () => {}, timeScale: 0.01, runtime: { containerInstances: { count: 2 } } });
  const clients = await connect({
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    cloud,
    clients,
    ops(stack) {
      const lines: string[] = [];
      const bound = operations(clients, {
        stack,
        log: (line) => lines.push(line),
        retries: 2,
        retryDelaySeconds: 0.01,
        pollIntervalSeconds: 0.02,
        waitTimeoutSeconds: 5,
      });
      return Object.assign(bound, { lines });
    },
    async stop() {
      close(clients);
      await cloud.stop();
    },
  };
}

/** The context of an operations bundle. */
export const ctxOf = (ops: Operations): OperationContext => ops.context;

/** The lab's invsys task definition (awsvpc, EC2, one container with health check and awslogs). */
export const invsysTd = (family = 'flask-inventory-invsys', image = 'flask-inventory/invsys:latest') =>
  taskDefinition(family)
    .networkMode('awsvpc')
    .requiresCompatibilities('EC2')
    .cpu(256)
    .memory(512)
    .container(
      container('invsys')
        .image(image)
        .cpu(256)
        .memory(512)
        .essential()
        .port(5000)
        .environment({ FLASK_ENV: 'production', PYTHONUNBUFFERED: '1' })
        .healthCheck({ command: 'curl -f http://localhost:5000/health/live || exit 1', intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 60 })
        .logConfiguration(awsLogs({ group: `/ecs/${family}`, region: 'us-east-1', streamPrefix: 'ecs' })),
    );
