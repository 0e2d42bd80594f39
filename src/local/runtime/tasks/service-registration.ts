/**
 * A running service task's registrations: its targets in the service's
 * target groups and its instances in the service's Cloud Map registries,
 * and their removal (with the target groups' deregistration delay) before
 * the task's containers are stopped.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import type { EcsState, ServiceRecord } from '../control-plane.js';
import type { TasksShared } from './shared.js';
import type { TaskRun } from './task-run.js';

/** Registers the task with every target group of the service (once). */
export function registerTargetsOf(shared: TasksShared, rs: RegionState, svc: ServiceRecord, run: TaskRun, now: number): void {
  const task = run.task;
  if (!task || run.targetsRegistered) return;
  const { ecs, elbv2 } = shared.context.controlPlane;
  run.targetsRegistered = true;
  const ci = task.containerInstanceArn ? (rs.ecs as EcsState).containerInstances[task.containerInstanceArn] : undefined;
  for (const lb of svc.loadBalancers) {
    if (!lb.targetGroupArn) continue;
    const tg = elbv2.findTargetGroup(rs, String(lb.targetGroupArn));
    if (!tg) continue;
    const containerPort = Number(lb.containerPort);
    const hostPort = run.hostPort(String(lb.containerName), containerPort) ?? containerPort;
    const target =
      tg.TargetType === 'instance'
        ? { targetGroupArn: tg.TargetGroupArn, Id: ci?.ec2InstanceId ?? '127.0.0.1', Port: hostPort }
        : { targetGroupArn: tg.TargetGroupArn, Id: run.address, Port: hostPort };
    elbv2.registerTargets(rs, tg.TargetGroupArn, [{ Id: target.Id, Port: target.Port, ...(task.availabilityZone ? { AvailabilityZone: task.availabilityZone } : {}) }], now);
    run.targets.push(target);
    ecs.addServiceEvent(rs, svc.serviceArn, `(service ${svc.serviceName}) registered 1 targets in (target-group ${tg.TargetGroupArn})`);
    shared.changed();
  }
}

/** Registers the task in every Cloud Map registry of the service (once), with ECS's attributes. */
export function registerCloudMapOf(shared: TasksShared, rs: RegionState, svc: ServiceRecord, run: TaskRun, now: number): void {
  const task = run.task;
  if (!task || run.cloudMapRegistered) return;
  const { context } = shared;
  const { ecs, cloudMap } = context.controlPlane;
  run.cloudMapRegistered = true;
  for (const registry of svc.serviceRegistries) {
    const registryArn = String(registry.registryArn ?? '');
    if (!registryArn) continue;
    const containerName = registry.containerName as string | undefined;
    const port = registry.port ?? (registry.containerPort !== undefined ? run.hostPort(String(containerName ?? ''), Number(registry.containerPort)) ?? registry.containerPort : undefined);
    const attributes: Record<string, string> = {
      AWS_INSTANCE_IPV4: run.address,
      AWS_INIT_HEALTH_STATUS: 'HEALTHY',
      AVAILABILITY_ZONE: task.availabilityZone ?? `${run.region}a`,
      ECS_CLUSTER_NAME: ecs.shortName(task.clusterArn),
      ECS_SERVICE_NAME: svc.serviceName,
      ECS_TASK_DEFINITION_FAMILY: run.td.family,
      REGION: run.region,
      ...(port !== undefined ? { AWS_INSTANCE_PORT: String(port) } : {}),
    };
    try {
      cloudMap.registerInstance(rs, registryArn, run.taskId, attributes, { now, timeScale: context.timeScale });
    } catch (error) {
      // An SRV service without a port, say: register what Cloud Map accepts.
      const { AWS_INSTANCE_PORT: _port, ...withoutPort } = attributes;
      try {
        cloudMap.registerInstance(rs, registryArn, run.taskId, withoutPort, { now, timeScale: context.timeScale });
      } catch {
        context.log(`tasks: Cloud Map registration of ${run.taskId} in ${registryArn} failed: ${(error as Error).message}`);
        continue;
      }
    }
    run.cloudMap.push({ registryArn, instanceId: run.taskId });
  }
  shared.changed();
}

/** Deregisters a stopping task from its target groups and Cloud Map; resolves when draining is over. */
export async function deregisterTask(shared: TasksShared, rs: RegionState, run: TaskRun): Promise<void> {
  const { context } = shared;
  const { ecs, elbv2, cloudMap } = context.controlPlane;
  const svc = run.serviceArn ? (rs.ecs as EcsState).services[run.serviceArn] : undefined;
  const now = Date.now();
  let until = now;
  for (const target of run.targets) {
    const found = elbv2.deregisterTargets(rs, target.targetGroupArn, [{ Id: target.Id, Port: target.Port }], now, context.timeScale);
    for (const t of found) if (t.DrainingUntil !== undefined) until = Math.max(until, t.DrainingUntil);
    if (svc && found.length > 0) {
      ecs.addServiceEvent(rs, svc.serviceArn, `(service ${svc.serviceName}) deregistered 1 targets in (target-group ${target.targetGroupArn})`);
    }
  }
  run.targets = [];
  for (const instance of run.cloudMap) {
    try {
      cloudMap.deregisterInstance(rs, instance.registryArn, instance.instanceId, { now, timeScale: context.timeScale });
    } catch {
      // already gone
    }
  }
  run.cloudMap = [];
  shared.changed();
  const alive = run.containers.some((c) => c.process && !c.process.exit);
  while (alive && !shared.stopped && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(100, until - Date.now())));
  }
}
