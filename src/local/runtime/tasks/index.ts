/**
 * The `tasks` part of the runtime (see `../runtime.ts`): the task runner and
 * the service scheduler.
 *
 * Every tick it
 * - lets the ECS agents of EC2 instances register them as container
 *   instances once they run, and deregister them (stopping their tasks) once
 *   they are terminated (`services/ecs/agent.ts`);
 * - gives each newly created cluster its virtual EC2 container instances
 *   when the runtime is configured with some (`cluster-provisioning.ts`;
 *   none by default);
 * - runs each ACTIVE service's scheduler (desired count, rolling deployments
 *   within minimum healthy / maximum percent, completion and steady state:
 *   `scheduler.ts`);
 * - places and starts PROVISIONING tasks (EC2: on a container instance with
 *   room, or the "unable to place" event; Fargate: anywhere:
 *   `task-lifecycle.ts`), each a {@link TaskRun} whose containers the
 *   runtime's task driver runs;
 * - stops tasks whose desired status is STOPPED;
 * - registers running service tasks with their target groups and Cloud Map
 *   (`service-registration.ts`), and stops tasks that fail ELB or container
 *   health checks after the grace period; counts failed tasks for the
 *   deployment circuit breaker.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import type { RuntimeComponent, RuntimeContext } from '../context.js';
import type { ServiceRecord, TaskRecord } from '../control-plane.js';
import { ClusterProvisioner } from './cluster-provisioning.js';
import { ServiceScheduler } from './scheduler.js';
import { ServiceTaskIndex } from './service-task-index.js';
import type { EcsRegion, ServiceMemory, TasksShared } from './shared.js';
import { TargetLookup } from './target-lookup.js';
import { startTask } from './task-lifecycle.js';
import type { StopCause, TaskRun } from './task-run.js';

export { cannotPullReason, missingLogGroupReason } from './task-run.js';

/** How often the tick removes STOPPED tasks past their retention (real time). */
const PRUNE_EVERY_MS = 60_000;

/** The shared state of one tasks component. */
function createShared(context: RuntimeContext): TasksShared & { stopped: boolean; dirty: boolean; forgetServices(): void } {
  const services = new Map<string, ServiceMemory>();
  const shared = {
    context,
    runs: new Map<string, TaskRun>(),
    targetLookup: new TargetLookup(),
    stopped: false,
    dirty: false,
    memoryOf(serviceArn: string) {
      let m = services.get(serviceArn);
      if (!m) services.set(serviceArn, (m = { steady: false, placementReported: false }));
      return m;
    },
    changed() {
      shared.dirty = true;
    },
    forgetServices() {
      services.clear();
    },
    ecsRegions(): EcsRegion[] {
      return context.regions().flatMap(({ accountId, region, state }) => {
        const ecs = context.controlPlane.ecs.existing(state);
        return ecs ? [{ accountId, region, state, ecs }] : [];
      });
    },
  };
  return shared;
}

/** The task runner and service scheduler. */
export function tasksComponent(context: RuntimeContext): RuntimeComponent {
  const shared = createShared(context);
  const { ecs: port } = context.controlPlane;
  const clusters = new ClusterProvisioner(shared);
  const scheduler = new ServiceScheduler(shared);
  /** When STOPPED tasks past their retention were last removed. */
  let lastPruneAt = 0;

  const onStateChanged = () => {
    if (!shared.stopped) clusters.provision();
  };
  // POST /_ecskit/reset: the task records are gone, so their containers and health checks go too.
  const onReset = () => {
    const killing = [...shared.runs.values()];
    shared.runs.clear();
    shared.forgetServices();
    for (const run of killing) void run.kill('Task stopped because the local cloud was reset');
  };

  /** One task of the tick: stop it, start it, or supervise it. */
  function tickTask(where: { accountId: string; region: string; rs: RegionState }, task: TaskRecord, svc: ServiceRecord | undefined, placedBy: Map<string, string[]>, now: number): void {
    const { rs } = where;
    const run = shared.runs.get(task.taskArn);
    if (task.desiredStatus === 'STOPPED') {
      if (run) {
        void run.stop({ reason: task.stoppedReason ?? 'Task stopped by user', stopCode: (task.stopCode as StopCause['stopCode']) ?? 'UserInitiated', failed: false });
      } else {
        port.updateTask(rs, task.taskArn, { lastStatus: 'STOPPED' });
        shared.changed();
      }
      return;
    }
    if (!run) {
      if (task.lastStatus === 'PROVISIONING') {
        const placed = placedBy.get(task.serviceArn ?? '') ?? [];
        placedBy.set(task.serviceArn ?? '', placed);
        startTask(shared, where, task, svc, placed);
      } else {
        // A task restored from a state file: its containers are gone.
        port.requestTaskStop(rs, task.taskArn, 'Task stopped because the local cloud restarted', { stopCode: 'TerminationNotice' });
        port.updateTask(rs, task.taskArn, { lastStatus: 'STOPPED' });
        shared.changed();
      }
      return;
    }
    if (svc && run.phase === 'running') scheduler.supervise(rs, svc, run, now);
    else if (!svc && run.phase === 'running' && run.containerHealth === 'UNHEALTHY') {
      void run.stop({ reason: 'Task failed container health checks', stopCode: 'EssentialContainerExited', failed: true });
    }
  }

  /** The ECS agents of EC2 instances: instances that finished booting register, terminated ones deregister (their tasks stop). */
  function syncAgents(now: number): void {
    const regions = context.regions();
    for (const { accountId, region, state } of regions) {
      if (!state['ec2']) continue;
      const stateOf = (name: string) => regions.find((r) => r.accountId === accountId && r.region === name)?.state;
      if (port.syncContainerAgents(state, { accountId, region, now, timeScale: context.timeScale, stopTasksAtOnce: false, stateOf, events: context.cloud.events })) shared.changed();
    }
  }

  function tick(now: number): void {
    shared.targetLookup = new TargetLookup();
    syncAgents(now);
    clusters.provision();
    const prune = now - lastPruneAt >= PRUNE_EVERY_MS;
    if (prune) lastPruneAt = now;
    for (const { accountId, region, state: rs, ecs } of shared.ecsRegions()) {
      if (prune && port.pruneStoppedTasks(rs, now).length > 0) shared.changed();
      // One pass over the tasks, not one per service: serviceTasks() walks (and Object.values sorts) every task of the region.
      const index = new ServiceTaskIndex(Object.values(ecs.tasks));
      for (const svc of Object.values(ecs.services)) scheduler.schedule(rs, svc, index, now);
      const placedBy = new Map<string, string[]>();
      for (const task of Object.values(ecs.tasks)) {
        if (task.lastStatus === 'STOPPED') continue;
        tickTask({ accountId, region, rs }, task, task.serviceArn ? ecs.services[task.serviceArn] : undefined, placedBy, now);
      }
      for (const [serviceArn, ids] of placedBy) {
        const svc = ecs.services[serviceArn];
        if (svc && ids.length > 0) port.addServiceEvent(rs, serviceArn, port.serviceEventMessage.startedTasks(svc.serviceName, ids));
      }
    }
    if (shared.dirty) {
      shared.dirty = false;
      context.cloud.touch();
    }
  }

  return {
    name: 'tasks',
    start: async () => {
      clusters.provision(true);
      context.cloud.events.on('state:changed', onStateChanged);
      // Attached, StopTask/DeleteService only *request* the stop; we finish it.
      port.attachRuntime(context.cloud.events);
      context.cloud.events.on('state:reset', onReset);
    },
    tick: (now) => {
      if (!shared.stopped) tick(now);
    },
    stop: async () => {
      shared.stopped = true;
      context.cloud.events.off('state:changed', onStateChanged);
      port.detachRuntime(context.cloud.events);
      context.cloud.events.off('state:reset', onReset);
      await Promise.all([...shared.runs.values()].map((run) => run.kill('Task stopped because the local cloud stopped')));
      shared.runs.clear();
      context.cloud.touch();
    },
  };
}
