/**
 * The lab's stack for the data-plane benchmarks: a local cloud in this
 * process with lab Tasks 1–4 run through the example scripts (invsys behind
 * Cloud Map, gateway behind the ALB), their output discarded. Gives the
 * ALB's URL on 127.0.0.1 and each service's task addresses.
 *
 * @internal
 * @module
 */
import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { createReporter, openTarget, type Target } from '../src/index.js';
import { createLab, NAMES, run as coreConcepts, type Lab } from '../examples/01-core-concepts.ts';
import { run as taskDefinitions } from '../examples/02-task-definitions.ts';
import { run as invsysService } from '../examples/03-invsys-service.ts';
import { run as gatewayService } from '../examples/04-gateway-service.ts';
import { installLocalhostResolution } from '../src/local/index.js';

/** A running lab stack. */
export interface LabStack {
  readonly lab: Lab;
  readonly target: Target;
  /** `http://127.0.0.1:PORT` of the ALB listener (`*.localhost` is loopback). */
  readonly albUrl: string;
  /** `http://ADDRESS:PORT` of each RUNNING task of `service` (`invsys` or `gateway`). */
  taskUrls(service: 'invsys' | 'gateway'): Promise<{ taskArn: string; url: string }[]>;
  /** Stops the local cloud and every task. */
  stop(): Promise<void>;
}

/** Starts the local cloud and runs lab Tasks 1–4 on it (time scale 0.02 unless given). */
export async function startLabStack(options: { timeScale?: number } = {}): Promise<LabStack> {
  const target = await openTarget({ target: 'local', timeScale: options.timeScale ?? 0.02 });
  const out = { write: (_text: string) => true };
  const report = createReporter({ json: true, out });
  const flags = { target: 'local' as const, json: true, keep: false, color: false, extra: {} };
  const lab = createLab({ target, flags, report, out });
  installLocalhostResolution();
  const stop = async () => {
    await target.close();
  };
  try {
    await coreConcepts(lab);
    await taskDefinitions(lab);
    await invsysService(lab);
    await gatewayService(lab);
  } catch (error) {
    await stop();
    throw error;
  }
  const albUrl = lab.albUrl!.replace(/\/\/[^:/]+/, '//127.0.0.1');
  const taskUrls = async (service: 'invsys' | 'gateway') => {
    const serviceName = service === 'invsys' ? NAMES.invsysService : NAMES.gatewayService;
    const port = service === 'invsys' ? NAMES.invsysPort : NAMES.gatewayPort;
    const { taskArns } = await lab.clients.ecs.send(new ListTasksCommand({ cluster: NAMES.cluster, serviceName, desiredStatus: 'RUNNING' }));
    if (!taskArns?.length) return [];
    const { tasks } = await lab.clients.ecs.send(new DescribeTasksCommand({ cluster: NAMES.cluster, tasks: taskArns }));
    return (tasks ?? [])
      .filter((t) => t.lastStatus === 'RUNNING')
      .map((t) => {
        const ip = t.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address;
        return { taskArn: t.taskArn!, url: `http://${ip}:${port}` };
      });
  };
  return { lab, target, albUrl, taskUrls, stop };
}
