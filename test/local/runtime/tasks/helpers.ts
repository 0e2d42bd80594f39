/**
 * Shared pieces of the tasks/scheduler tests: a local cloud with the
 * runtime, the default subnet, a condition poller with a deadline.
 *
 * @internal
 */
import { waitFor as sharedWaitFor } from '../../../wait-for.js';
import { fileURLToPath } from 'node:url';
import { DescribeTasksCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import type { RuntimeOptions } from '../../../../src/local/index.js';
import { startTestCloud, type TestCloud } from '../../helpers.js';

/** Path of the echo fixture image. */
export const ECHO_ENTRY = fileURLToPath(new URL('./fixtures/echo-server.mjs', import.meta.url));

/** A test cloud with the runtime (time scale 0.02 unless given) and the `test/echo` image. */
export async function startRuntimeCloud(options: { timeScale?: number; runtime?: RuntimeOptions; log?: (line: string) => void } = {}): Promise<TestCloud> {
  return startTestCloud({
    ...(options.log ? { log: options.log } : {}),
    timeScale: options.timeScale ?? 0.02,
    runtime: { tickMs: 50, ...options.runtime },
    images: { 'test/echo': { kind: 'node', entry: ECHO_ENTRY } },
  });
}

/** The first default subnet of the local EC2 (for awsvpc network configuration). */
export async function defaultSubnet(t: TestCloud): Promise<string> {
  const res = await t.query('ec2', 'DescribeSubnets');
  const items = res.xml?.DescribeSubnetsResponse?.subnetSet?.item ?? [];
  const id = items[0]?.subnetId;
  if (!id) throw new Error(`no default subnet in ${res.text.slice(0, 300)}`);
  return String(id);
}

/** Polls `probe` until it returns a truthy value, or fails after `timeoutMs` with `what` ({@link sharedWaitFor}, truthy only). */
export function waitFor<T>(what: string, probe: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeoutMs = 15_000): Promise<T> {
  return sharedWaitFor(what, async () => ((await probe()) || undefined) as T | undefined, { timeoutMs, everyMs: 50 });
}

/** DescribeTasks for one task. */
export async function describeTask(ecs: ECSClient, cluster: string, taskArn: string): Promise<Task> {
  const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
  const task = out.tasks?.[0];
  if (!task) throw new Error(`task ${taskArn} not found`);
  return task;
}

/** Whether a process with this pid exists and is not a zombie (exited, waiting to be reaped): the runtime's own check. */
export { processAlive } from '../../../../src/local/runtime/process-alive.js';
