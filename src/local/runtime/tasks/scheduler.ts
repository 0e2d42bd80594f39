/**
 * The service scheduler, one service per call: desired count, rolling
 * deployments within minimumHealthyPercent / maximumPercent, deployment
 * completion and steady state; and the supervision of a running service
 * task (registration, and stops after failed container or ELB health
 * checks once the grace period is over).
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import type { ControlPlane, Json, ServiceRecord, TaskRecord } from '../control-plane.js';
import { launchPlanned, planServiceLaunch } from './placement.js';
import { registerCloudMapOf, registerTargetsOf } from './service-registration.js';
import type { ServiceTaskIndex } from './service-task-index.js';
import type { TasksShared } from './shared.js';
import type { TaskRun } from './task-run.js';

/** ECS's reason for tasks stopped by a deployment or scale-in. */
const scalingReason = (deploymentId: string) => `Scaling activity initiated by (deployment ${deploymentId})`;

/** Runs services' schedulers and supervises their running tasks. */
export class ServiceScheduler {
  /**
   * How long a task must have been RUNNING before it counts for a deployment
   * (30 AWS seconds, at least 1.5 s real time: a container that crashes while
   * it boots on a busy machine must not complete a deployment). Read at
   * each use: the cloud's time scale can change.
   */
  get #stableMs(): number {
    return Math.max(1500, this.shared.context.scaledMs(30));
  }

  readonly #cp: ControlPlane;

  constructor(private readonly shared: TasksShared) {
    this.#cp = shared.context.controlPlane;
  }

  /** Whether a service task counts as healthy for deployments: RUNNING, container health, every target healthy, Cloud Map registered. */
  isReady(rs: RegionState, svc: ServiceRecord, task: TaskRecord): boolean {
    if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return false;
    const run = this.shared.runs.get(task.taskArn);
    if (!run || run.phase !== 'running') return false;
    // A container that exits right after it starts must not complete a deployment.
    if (run.runningSince === undefined || Date.now() - run.runningSince < this.#stableMs) return false;
    const health = run.containerHealth;
    if (health !== 'NONE' && health !== 'HEALTHY') return false;
    if (svc.loadBalancers.length > 0) {
      if (!run.targetsRegistered) return false;
      for (const target of run.targets) {
        const tg = this.#cp.elbv2.findTargetGroup(rs, target.targetGroupArn);
        const stored = tg ? this.shared.targetLookup.find(tg, target.Id, target.Port) : undefined;
        if (!stored || !['healthy', 'unavailable', 'unused'].includes(stored.State)) return false;
      }
    }
    if (svc.serviceRegistries.length > 0 && !run.cloudMapRegistered) return false;
    return true;
  }

  /** Load balancer and Cloud Map registration, and health-based stops, of one running service task. */
  supervise(rs: RegionState, svc: ServiceRecord, run: TaskRun, now: number): void {
    const task = run.task;
    if (!task || task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return;
    const graceMs = this.shared.context.scaledMs(svc.healthCheckGracePeriodSeconds ?? 0);
    const inGrace = run.runningSince !== undefined && now - run.runningSince < graceMs;
    registerTargetsOf(this.shared, rs, svc, run, now);
    const health = run.containerHealth;
    if (health === 'NONE' || health === 'HEALTHY') registerCloudMapOf(this.shared, rs, svc, run, now);
    if (inGrace) return;
    if (health === 'UNHEALTHY') {
      void run.stop({ reason: 'Task failed container health checks', stopCode: 'ServiceSchedulerInitiated', failed: true });
      return;
    }
    for (const target of run.targets) {
      const tg = this.#cp.elbv2.findTargetGroup(rs, target.targetGroupArn);
      const stored = tg ? this.shared.targetLookup.find(tg, target.Id, target.Port) : undefined;
      if (stored?.State === 'unhealthy') {
        void run.stop({ reason: `Task failed ELB health checks in (target-group ${target.targetGroupArn})`, stopCode: 'ServiceSchedulerInitiated', failed: true });
        return;
      }
    }
  }

  /** Runs one service's scheduler; `index` holds the region's tasks by service (this tick's, kept current with the tasks it creates). */
  schedule(rs: RegionState, svc: ServiceRecord, index: ServiceTaskIndex, now: number): void {
    if (svc.status !== 'ACTIVE') return;
    const primary = svc.deployments.find((d) => d.status === 'PRIMARY');
    if (!primary) return;
    const { shared } = this;
    const { ecs } = this.#cp;
    const memory = shared.memoryOf(svc.serviceArn);
    const desired = svc.desiredCount;
    const config = svc.deploymentConfiguration as Json;
    const maxPercent = Number(config.maximumPercent ?? 200);
    const minPercent = Number(config.minimumHealthyPercent ?? 100);
    const maxTotal = Math.max(desired, Math.floor((desired * maxPercent) / 100));
    const minHealthy = Math.min(desired, Math.ceil((desired * minPercent) / 100));
    const live = index.of(svc.serviceArn).filter((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus === 'RUNNING');
    const primaryLive = live.filter((t) => t.deploymentId === primary.id);
    const ready = new Set(live.filter((t) => this.isReady(rs, svc, t)).map((t) => t.taskArn));
    const stopTask = (t: TaskRecord, deploymentId: string) => {
      ecs.requestTaskStop(rs, t.taskArn, scalingReason(deploymentId), { stopCode: 'ServiceSchedulerInitiated' });
      ready.delete(t.taskArn);
      shared.changed();
      return ecs.shortName(t.taskArn);
    };
    const stoppedIds: string[] = [];

    // Start what the primary deployment lacks, within maximumPercent.
    if (primary.rolloutState !== 'FAILED' && primaryLive.length < desired) {
      const room = maxTotal - live.length;
      const count = Math.min(desired - primaryLive.length, Math.max(0, room));
      if (count > 0) {
        // Quotas: the local task cap and EC2 placement decide what is created; the rest gets a service event.
        const plan = planServiceLaunch(ecs, rs, svc, primary, count, shared.context.cloud.events);
        for (const task of launchPlanned(ecs, rs, svc.serviceArn, primary.id, plan)) index.add(task);
        if (plan.count > 0) {
          memory.steady = false;
          shared.changed();
        }
        if (plan.event && plan.count === 0 && !memory.placementReported) {
          memory.placementReported = true;
          ecs.addServiceEvent(rs, svc.serviceArn, plan.event);
          shared.changed();
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
      ecs.addServiceEvent(rs, svc.serviceArn, ecs.serviceEventMessage.stoppedTasks(svc.serviceName, stoppedIds));
      memory.steady = false;
    }
    this.#settle(rs, svc, index, ready, now);
  }

  /** Completion and steady state. */
  #settle(rs: RegionState, svc: ServiceRecord, index: ServiceTaskIndex, ready: ReadonlySet<string>, now: number): void {
    const primary = svc.deployments.find((d) => d.status === 'PRIMARY')!;
    const { ecs } = this.#cp;
    const memory = this.shared.memoryOf(svc.serviceArn);
    const desired = svc.desiredCount;
    const allTasks = index.of(svc.serviceArn);
    const othersDone = allTasks.every((t) => t.deploymentId === primary.id || t.lastStatus === 'STOPPED');
    const primaryNow = allTasks.filter((t) => t.deploymentId === primary.id && t.lastStatus !== 'STOPPED');
    const settled = othersDone && primaryNow.length === desired && primaryNow.every((t) => t.desiredStatus === 'RUNNING' && ready.has(t.taskArn));
    if (!settled) {
      if (memory.steady && primaryNow.length !== desired) memory.steady = false;
      return;
    }
    if (primary.rolloutState === 'IN_PROGRESS') {
      ecs.completeDeployment(rs, svc.serviceArn, primary.id, { now });
      this.shared.changed();
    }
    if (!memory.steady) {
      memory.steady = true;
      ecs.addServiceEvent(rs, svc.serviceArn, ecs.serviceEventMessage.steadyState(svc.serviceName), { now });
      this.shared.changed();
    }
  }
}
