/**
 * The `tasks` part of the runtime (see `../runtime.ts`): the task runner and
 * the service scheduler.
 *
 * Every tick it
 * - gives each newly created cluster its virtual EC2 container instances;
 * - runs each ACTIVE service's scheduler (desired count, rolling deployments
 *   within minimum healthy / maximum percent, completion and steady state);
 * - places and starts PROVISIONING tasks (EC2: on a container instance with
 *   room, or the "unable to place" event; Fargate: anywhere);
 * - stops tasks whose desired status is STOPPED;
 * - registers running service tasks with their target groups and Cloud Map,
 *   and stops tasks that fail ELB or container health checks after the grace
 *   period; counts failed tasks for the deployment circuit breaker.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import { deregisterInstance, registerInstance } from '../../services/cloudmap/state.js';
import { registerVirtualInstances } from '../../services/ecs/container-instances.js';
import {
  addServiceEvent,
  completeDeployment,
  EcsEvents,
  failDeployment,
  pruneStoppedTasks,
  recordFailedTasks,
  requestTaskStop,
  serviceEventMessage,
  shortName,
  updateTask,
  type EcsState,
  type Json,
  type ServiceRecord,
  type TaskRecord,
} from '../../services/ecs/state.js';
import { deregisterTargets, findTargetGroup, registerTargets } from '../../services/elbv2/state.js';
import type { RuntimeComponent, RuntimeContext } from '../context.js';
import { instanceZone, launchPlanned, placeTask, planServiceLaunch } from './placement.js';
import { ServiceTaskIndex } from './service-task-index.js';
import { TargetLookup } from './target-lookup.js';
import { TaskRun, type StopCause } from './task-run.js';

export { placeTask, closestMatchReason, missingResource, chooseInstance } from './placement.js';
export { cannotPullReason, missingLogGroupReason } from './task-run.js';

/** How often the tick removes STOPPED tasks past their retention (real time). */
const PRUNE_EVERY_MS = 60_000;

/** ECS's reason for tasks stopped by a deployment or scale-in. */
const scalingReason = (deploymentId: string) => `Scaling activity initiated by (deployment ${deploymentId})`;

/** What the scheduler remembers about a service between ticks. */
interface ServiceMemory {
  steady: boolean;
  /** Placement failure already reported (until a task is placed again). */
  placementReported: boolean;
}

/** The task runner and service scheduler. */
export function tasksComponent(context: RuntimeContext): RuntimeComponent {
  const runs = new Map<string, TaskRun>();
  const services = new Map<string, ServiceMemory>();
  const knownClusters = new Set<string>();
  let dirty = false;
  let stopped = false;
  /** Targets by Id and port, for this tick's per-task checks (a new one every tick). */
  let targetLookup = new TargetLookup();
  let provisioning = false;
  /** When STOPPED tasks past their retention were last removed. */
  let lastPruneAt = 0;
  /**
   * How long a task must have been RUNNING before it counts for a deployment
   * (30 AWS seconds, at least 1.5 s real time: a container that crashes while
   * it boots on a busy machine must not complete a deployment).
   */
  const stableMs = Math.max(1500, context.scaledMs(30));

  const changed = () => {
    dirty = true;
  };
  const memoryOf = (serviceArn: string) => {
    let m = services.get(serviceArn);
    if (!m) services.set(serviceArn, (m = { steady: false, placementReported: false }));
    return m;
  };

  const ecsRegions = () =>
    context.regions().flatMap(({ accountId, region, state }) => {
      const ecs = state.ecs as EcsState | undefined;
      return ecs ? [{ accountId, region, state, ecs }] : [];
    });

  /** New ACTIVE clusters get their virtual container instances (synchronously, before CreateCluster answers). */
  const provisionClusters = (initial = false) => {
    if (provisioning) return;
    provisioning = true;
    try {
      const spec = context.containerInstances;
      let added = false;
      for (const { state, ecs } of ecsRegions()) {
        for (const cluster of Object.values(ecs.clusters)) {
          const key = `${cluster.clusterArn}@${cluster.createdAt}`;
          if (knownClusters.has(key)) continue;
          knownClusters.add(key);
          if (initial || cluster.status !== 'ACTIVE' || !spec || spec.count <= 0) continue;
          registerVirtualInstances(state, cluster.clusterArn, { count: spec.count, cpu: spec.cpu, memory: spec.memory, now: cluster.createdAt });
          added = true;
        }
      }
      if (added) context.cloud.touch();
    } finally {
      provisioning = false;
    }
  };
  const onStateChanged = () => {
    if (!stopped) provisionClusters();
  };
  // Listening makes StopTask/DeleteService only *request* the stop; we finish it.
  const onStopRequested = () => {};
  // POST /_ecskit/reset: the task records are gone, so their processes and health checks go too.
  const onReset = () => {
    const killing = [...runs.values()];
    runs.clear();
    services.clear();
    for (const run of killing) void run.kill('Task stopped because the local cloud was reset');
  };

  const hooks = (rs: RegionState) => ({
    changed,
    onStopped: (run: TaskRun, cause: StopCause) => taskStopped(rs, run, cause),
    beforeStop: (run: TaskRun) => deregister(rs, run),
  });

  // ---------------------------------------------------------------------------
  // task lifecycle

  function taskStopped(rs: RegionState, run: TaskRun, cause: StopCause): void {
    runs.delete(run.taskArn);
    if (!run.serviceArn || !run.deploymentId) return;
    const ecs = rs.ecs as EcsState;
    const svc = ecs.services[run.serviceArn];
    if (!svc) return;
    memoryOf(svc.serviceArn).steady = false;
    if (!cause.failed) return;
    const deployment = svc.deployments.find((d) => d.id === run.deploymentId);
    if (!deployment || deployment.status !== 'PRIMARY' || deployment.rolloutState !== 'IN_PROGRESS') return;
    recordFailedTasks(rs, svc.serviceArn, deployment.id, 1);
    const breaker = (svc.deploymentConfiguration.deploymentCircuitBreaker ?? {}) as Json;
    const sd = ecs.serviceDeployments[deployment.serviceDeploymentArn];
    if (breaker.enable && sd && sd.deploymentCircuitBreaker.failureCount >= sd.deploymentCircuitBreaker.threshold) {
      const { rollback } = failDeployment(rs, svc.serviceArn, deployment.id, 'ECS deployment circuit breaker: tasks failed to start.', {
        rollback: Boolean(breaker.rollback),
      });
      if (rollback) {
        addServiceEvent(rs, svc.serviceArn, `(service ${svc.serviceName}) rolling back to deployment ${rollback.id}.`);
      }
    }
    changed();
  }

  /** Deregisters a stopping task from its target groups and Cloud Map; resolves when draining is over. */
  async function deregister(rs: RegionState, run: TaskRun): Promise<void> {
    const svc = run.serviceArn ? (rs.ecs as EcsState).services[run.serviceArn] : undefined;
    const now = Date.now();
    let until = now;
    for (const target of run.targets) {
      const found = deregisterTargets(rs, target.targetGroupArn, [{ Id: target.Id, Port: target.Port }], now, context.timeScale);
      for (const t of found) if (t.DrainingUntil !== undefined) until = Math.max(until, t.DrainingUntil);
      if (svc && found.length > 0) {
        addServiceEvent(rs, svc.serviceArn, `(service ${svc.serviceName}) deregistered 1 targets in (target-group ${target.targetGroupArn})`);
      }
    }
    run.targets = [];
    for (const instance of run.cloudMap) {
      try {
        deregisterInstance(rs, instance.registryArn, instance.instanceId, { now, timeScale: context.timeScale });
      } catch {
        // already gone
      }
    }
    run.cloudMap = [];
    changed();
    const alive = run.containers.some((c) => c.process && !c.process.exit);
    while (alive && !stopped && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, until - Date.now())));
    }
  }

  function startTask(accountId: string, region: string, rs: RegionState, task: TaskRecord, svc: ServiceRecord | undefined, placed: string[]): void {
    const launchType = task.launchType ?? (task.capacityProviderName?.startsWith('FARGATE') ? 'FARGATE' : 'EC2');
    let instanceArn = task.containerInstanceArn;
    let az = instanceZone(rs, instanceArn) ?? `${region}a`;
    if (launchType === 'EC2' && !instanceArn) {
      const placement = placeTask(rs, task, svc?.placementStrategy ?? []);
      if (!placement.placed) {
        if (svc) {
          const memory = memoryOf(svc.serviceArn);
          if (!memory.placementReported) {
            memory.placementReported = true;
            addServiceEvent(rs, svc.serviceArn, serviceEventMessage.unableToPlace(svc.serviceName, placement.reason));
            changed();
          }
        }
        return;
      }
      instanceArn = placement.instance.containerInstanceArn;
      az = placement.instance.attributes.find((a) => a.name === 'ecs.availability-zone')?.value ?? az;
    }
    if (svc) memoryOf(svc.serviceArn).placementReported = false;
    let run: TaskRun;
    try {
      run = new TaskRun(context, accountId, region, rs, task, hooks(rs));
    } catch (error) {
      context.log(`tasks: cannot start ${task.taskArn}: ${(error as Error).message}`);
      updateTask(rs, task.taskArn, { lastStatus: 'STOPPED', stoppedReason: (error as Error).message, stopCode: 'TaskFailedToStart' });
      changed();
      return;
    }
    runs.set(task.taskArn, run);
    const subnet = task.attachments.find((a) => a.type === 'ElasticNetworkInterface')?.details.find((d) => d.name === 'subnetId')?.value;
    updateTask(rs, task.taskArn, {
      lastStatus: 'PENDING',
      availabilityZone: az,
      ...(instanceArn ? { containerInstanceArn: instanceArn } : {}),
      ...(subnet ? { eni: { subnetId: subnet } } : {}),
    });
    changed();
    if (svc) placed.push(shortName(task.taskArn));
    run.start().catch((error: Error) => {
      context.log(`tasks: starting ${task.taskArn} failed: ${error.stack ?? error.message}`);
      void run.stop({ reason: `CannotStartContainerError: ${error.message}`, stopCode: 'TaskFailedToStart', failed: true });
    });
  }

  /** Whether a service task counts as healthy for deployments: RUNNING, container health, every target healthy, Cloud Map registered. */
  function isReady(rs: RegionState, svc: ServiceRecord, task: TaskRecord): boolean {
    if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return false;
    const run = runs.get(task.taskArn);
    if (!run || run.phase !== 'running') return false;
    // A container that exits right after it starts must not complete a deployment.
    if (run.runningSince === undefined || Date.now() - run.runningSince < stableMs) return false;
    const health = run.containerHealth;
    if (health !== 'NONE' && health !== 'HEALTHY') return false;
    if (svc.loadBalancers.length > 0) {
      if (!run.targetsRegistered) return false;
      for (const target of run.targets) {
        const tg = findTargetGroup(rs, target.targetGroupArn);
        const stored = tg ? targetLookup.find(tg, target.Id, target.Port) : undefined;
        if (!stored || !['healthy', 'unavailable', 'unused'].includes(stored.State)) return false;
      }
    }
    if (svc.serviceRegistries.length > 0 && !run.cloudMapRegistered) return false;
    return true;
  }

  /** Load balancer and Cloud Map registration, and health-based stops, of one running service task. */
  function superviseRunning(rs: RegionState, svc: ServiceRecord, run: TaskRun, now: number): void {
    const task = run.task;
    if (!task || task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return;
    const graceMs = context.scaledMs(svc.healthCheckGracePeriodSeconds ?? 0);
    const inGrace = run.runningSince !== undefined && now - run.runningSince < graceMs;
    if (!run.targetsRegistered) {
      run.targetsRegistered = true;
      const ci = task.containerInstanceArn ? (rs.ecs as EcsState).containerInstances[task.containerInstanceArn] : undefined;
      for (const lb of svc.loadBalancers) {
        if (!lb.targetGroupArn) continue;
        const tg = findTargetGroup(rs, String(lb.targetGroupArn));
        if (!tg) continue;
        const containerPort = Number(lb.containerPort);
        const hostPort = run.hostPort(String(lb.containerName), containerPort) ?? containerPort;
        const target =
          tg.TargetType === 'instance'
            ? { targetGroupArn: tg.TargetGroupArn, Id: ci?.ec2InstanceId ?? '127.0.0.1', Port: hostPort }
            : { targetGroupArn: tg.TargetGroupArn, Id: run.address, Port: hostPort };
        registerTargets(rs, tg.TargetGroupArn, [{ Id: target.Id, Port: target.Port, ...(task.availabilityZone ? { AvailabilityZone: task.availabilityZone } : {}) }], now);
        run.targets.push(target);
        addServiceEvent(rs, svc.serviceArn, `(service ${svc.serviceName}) registered 1 targets in (target-group ${tg.TargetGroupArn})`);
        changed();
      }
    }
    const health = run.containerHealth;
    if (!run.cloudMapRegistered && (health === 'NONE' || health === 'HEALTHY')) {
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
          ECS_CLUSTER_NAME: shortName(task.clusterArn),
          ECS_SERVICE_NAME: svc.serviceName,
          ECS_TASK_DEFINITION_FAMILY: run.td.family,
          REGION: run.region,
          ...(port !== undefined ? { AWS_INSTANCE_PORT: String(port) } : {}),
        };
        try {
          registerInstance(rs, registryArn, run.taskId, attributes, { now, timeScale: context.timeScale });
        } catch (error) {
          // An SRV service without a port, say: register what Cloud Map accepts.
          const { AWS_INSTANCE_PORT: _port, ...withoutPort } = attributes;
          try {
            registerInstance(rs, registryArn, run.taskId, withoutPort, { now, timeScale: context.timeScale });
          } catch {
            context.log(`tasks: Cloud Map registration of ${run.taskId} in ${registryArn} failed: ${(error as Error).message}`);
            continue;
          }
        }
        run.cloudMap.push({ registryArn, instanceId: run.taskId });
      }
      changed();
    }
    if (inGrace) return;
    if (health === 'UNHEALTHY') {
      void run.stop({ reason: 'Task failed container health checks', stopCode: 'ServiceSchedulerInitiated', failed: true });
      return;
    }
    for (const target of run.targets) {
      const tg = findTargetGroup(rs, target.targetGroupArn);
      const stored = tg ? targetLookup.find(tg, target.Id, target.Port) : undefined;
      if (stored?.State === 'unhealthy') {
        void run.stop({ reason: `Task failed ELB health checks in (target-group ${target.targetGroupArn})`, stopCode: 'ServiceSchedulerInitiated', failed: true });
        return;
      }
    }
  }

  // ---------------------------------------------------------------------------
  // the service scheduler

  /** Runs one service's scheduler; `index` holds the region's tasks by service (this tick's, kept current with the tasks it creates). */
  function schedule(rs: RegionState, svc: ServiceRecord, index: ServiceTaskIndex, now: number): void {
    if (svc.status !== 'ACTIVE') return;
    const primary = svc.deployments.find((d) => d.status === 'PRIMARY');
    if (!primary) return;
    const memory = memoryOf(svc.serviceArn);
    const desired = svc.desiredCount;
    const config = svc.deploymentConfiguration as Json;
    const maxPercent = Number(config.maximumPercent ?? 200);
    const minPercent = Number(config.minimumHealthyPercent ?? 100);
    const maxTotal = Math.max(desired, Math.floor((desired * maxPercent) / 100));
    const minHealthy = Math.min(desired, Math.ceil((desired * minPercent) / 100));
    const live = index.of(svc.serviceArn).filter((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus === 'RUNNING');
    const primaryLive = live.filter((t) => t.deploymentId === primary.id);
    const ready = new Set(live.filter((t) => isReady(rs, svc, t)).map((t) => t.taskArn));
    const stopTask = (t: TaskRecord, deploymentId: string) => {
      requestTaskStop(rs, t.taskArn, scalingReason(deploymentId), { stopCode: 'ServiceSchedulerInitiated' });
      ready.delete(t.taskArn);
      changed();
      return shortName(t.taskArn);
    };
    const stoppedIds: string[] = [];

    // Start what the primary deployment lacks, within maximumPercent.
    if (primary.rolloutState !== 'FAILED' && primaryLive.length < desired) {
      const room = maxTotal - live.length;
      const count = Math.min(desired - primaryLive.length, Math.max(0, room));
      if (count > 0) {
        // Quotas: the local task cap and EC2 placement decide what is created; the rest gets a service event.
        const plan = planServiceLaunch(rs, svc, primary, count, context.cloud.events);
        for (const task of launchPlanned(rs, svc.serviceArn, primary.id, plan)) index.add(task);
        if (plan.count > 0) {
          memory.steady = false;
          changed();
        }
        if (plan.event && plan.count === 0 && !memory.placementReported) {
          memory.placementReported = true;
          addServiceEvent(rs, svc.serviceArn, plan.event);
          changed();
        }
      }
    }
    // Scale in the primary: not-ready tasks first, then the newest.
    if (primaryLive.length > desired) {
      const excess = [...primaryLive]
        .sort((a, b) => Number(ready.has(a.taskArn)) - Number(ready.has(b.taskArn)) || b.createdAt - a.createdAt)
        .slice(0, primaryLive.length - desired);
      for (const t of excess) stoppedIds.push(stopTask(t, primary.id));
    }
    // Drain older deployments while at least minimumHealthyPercent stays healthy.
    for (const d of svc.deployments) {
      if (d.id === primary.id) continue;
      const old = live.filter((t) => t.deploymentId === d.id).sort((a, b) => Number(ready.has(a.taskArn)) - Number(ready.has(b.taskArn)));
      let remaining = old.length;
      for (const t of old) {
        if (ready.has(t.taskArn) && ready.size - 1 < minHealthy) break;
        stoppedIds.push(stopTask(t, primary.id));
        remaining--;
      }
      if (d.desiredCount !== remaining) d.desiredCount = remaining;
    }
    if (stoppedIds.length > 0) {
      addServiceEvent(rs, svc.serviceArn, serviceEventMessage.stoppedTasks(svc.serviceName, stoppedIds));
      memory.steady = false;
    }

    // Completion and steady state.
    const allTasks = index.of(svc.serviceArn);
    const othersDone = allTasks.every((t) => t.deploymentId === primary.id || t.lastStatus === 'STOPPED');
    const primaryNow = allTasks.filter((t) => t.deploymentId === primary.id && t.lastStatus !== 'STOPPED');
    const settled =
      othersDone &&
      primaryNow.length === desired &&
      primaryNow.every((t) => t.desiredStatus === 'RUNNING' && ready.has(t.taskArn));
    if (!settled) {
      if (memory.steady && primaryNow.length !== desired) memory.steady = false;
      return;
    }
    if (primary.rolloutState === 'IN_PROGRESS') {
      completeDeployment(rs, svc.serviceArn, primary.id, { now });
      changed();
    }
    if (!memory.steady) {
      memory.steady = true;
      addServiceEvent(rs, svc.serviceArn, serviceEventMessage.steadyState(svc.serviceName), { now });
      changed();
    }
  }

  // ---------------------------------------------------------------------------
  // the tick

  function tick(now: number): void {
    targetLookup = new TargetLookup();
    provisionClusters();
    const prune = now - lastPruneAt >= PRUNE_EVERY_MS;
    if (prune) lastPruneAt = now;
    for (const { accountId, region, state: rs, ecs } of ecsRegions()) {
      if (prune && pruneStoppedTasks(rs, now).length > 0) changed();
      // One pass over the tasks, not one per service: serviceTasks() walks (and Object.values sorts) every task of the region.
      const index = new ServiceTaskIndex(Object.values(ecs.tasks));
      for (const svc of Object.values(ecs.services)) schedule(rs, svc, index, now);
      const placedBy = new Map<string, string[]>();
      for (const task of Object.values(ecs.tasks)) {
        if (task.lastStatus === 'STOPPED') continue;
        const run = runs.get(task.taskArn);
        const svc = task.serviceArn ? ecs.services[task.serviceArn] : undefined;
        if (task.desiredStatus === 'STOPPED') {
          if (run) {
            void run.stop({ reason: task.stoppedReason ?? 'Task stopped by user', stopCode: (task.stopCode as StopCause['stopCode']) ?? 'UserInitiated', failed: false });
          } else {
            updateTask(rs, task.taskArn, { lastStatus: 'STOPPED' });
            changed();
          }
          continue;
        }
        if (!run) {
          if (task.lastStatus === 'PROVISIONING') {
            const placed = placedBy.get(task.serviceArn ?? '') ?? [];
            placedBy.set(task.serviceArn ?? '', placed);
            startTask(accountId, region, rs, task, svc, placed);
          } else {
            // A task restored from a state file: its processes are gone.
            requestTaskStop(rs, task.taskArn, 'Task stopped because the local cloud restarted', { stopCode: 'TerminationNotice' });
            updateTask(rs, task.taskArn, { lastStatus: 'STOPPED' });
            changed();
          }
          continue;
        }
        if (svc && run.phase === 'running') superviseRunning(rs, svc, run, now);
        else if (!svc && run.phase === 'running' && run.containerHealth === 'UNHEALTHY') {
          void run.stop({ reason: 'Task failed container health checks', stopCode: 'EssentialContainerExited', failed: true });
        }
      }
      for (const [serviceArn, ids] of placedBy) {
        const svc = ecs.services[serviceArn];
        if (svc && ids.length > 0) addServiceEvent(rs, serviceArn, serviceEventMessage.startedTasks(svc.serviceName, ids));
      }
    }
    if (dirty) {
      dirty = false;
      context.cloud.touch();
    }
  }

  return {
    name: 'tasks',
    start: async () => {
      provisionClusters(true);
      context.cloud.events.on('state:changed', onStateChanged);
      context.cloud.events.on(EcsEvents.taskStopRequested, onStopRequested);
      context.cloud.events.on('state:reset', onReset);
    },
    tick: (now) => {
      if (!stopped) tick(now);
    },
    stop: async () => {
      stopped = true;
      context.cloud.events.off('state:changed', onStateChanged);
      context.cloud.events.off(EcsEvents.taskStopRequested, onStopRequested);
      context.cloud.events.off('state:reset', onReset);
      await Promise.all([...runs.values()].map((run) => run.kill('Task stopped because the local cloud stopped')));
      runs.clear();
      context.cloud.touch();
    },
  };
}
