/**
 * One ECS task on this machine: from a placed PENDING record to running
 * containers (one per container definition, through the runtime's task
 * driver), logs, container health checks and the task's address; and back
 * down: deregistration, draining, SIGTERM, SIGKILL after the stop timeout,
 * STOPPED with exit codes. What runs a container is the driver's business
 * (`../drivers/driver.ts`); everything ECS does around it happens here.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import { ContainerHealthMonitor, type ContainerHealth } from '../container-health.js';
import type { LiveContainer, LiveTask, RuntimeContext } from '../context.js';
import type { Json, TaskDefinitionRecord, TaskRecord, TaskUpdate } from '../control-plane.js';
import type { ContainerExit, DriverImage, RunningContainer } from '../drivers/driver.js';
import { containerSpec } from './container-spec.js';
import { conditionState, startOrder, type Dependency } from './dependencies.js';
import { prepareLogs, writeLogLine, type LogDestination } from './task-logs.js';
import { containerMetadata, launchTypeOf, taskMetadata } from './task-metadata.js';
import { allocateNetwork, elasticNetworkInterface, type TaskNetwork } from './task-network.js';

export { cannotPullReason } from '../drivers/process-driver.js';
export { missingLogGroupReason } from './task-logs.js';

/** Why a task stops. */
export interface StopCause {
  readonly reason: string;
  readonly stopCode: NonNullable<TaskUpdate['stopCode']>;
  /** Counts as a failed task for the deployment circuit breaker. */
  readonly failed: boolean;
}

/** One container of a {@link TaskRun}. */
interface RunContainer {
  readonly name: string;
  readonly def: Json;
  readonly essential: boolean;
  /** What the driver started (named `process` for the process driver's sake). */
  process?: RunningContainer;
  health?: ContainerHealthMonitor;
  releaseMetadata?: () => void;
  exit?: ContainerExit;
}

/** Hooks the component gives each run. */
export interface TaskRunHooks {
  /** The task stopped (STOPPED recorded); `cause` is why. */
  onStopped(run: TaskRun, cause: StopCause): void;
  /** Before the containers get SIGTERM: deregister from load balancers and Cloud Map; resolves when draining is over. */
  beforeStop(run: TaskRun): Promise<void>;
  /** State changed outside a request (persist it). */
  changed(): void;
}

/** A task being started, running, or stopping. */
export class TaskRun {
  readonly taskArn: string;
  readonly taskId: string;
  readonly serviceArn: string | undefined;
  readonly deploymentId: string | undefined;
  readonly td: TaskDefinitionRecord;
  phase: 'starting' | 'running' | 'stopping' | 'stopped' = 'starting';
  /** The task's address: its own loopback address (awsvpc) or 127.0.0.1. */
  address = '127.0.0.1';
  /** Host port per container name and container port. */
  readonly hostPorts = new Map<string, Map<number, number>>();
  readonly containers: RunContainer[];
  /** When the task reached RUNNING (epoch ms). */
  runningSince: number | undefined;
  /** Targets registered for this task (service tasks behind a load balancer). */
  targets: Array<{ targetGroupArn: string; Id: string; Port: number }> = [];
  targetsRegistered = false;
  /** Cloud Map instances registered for this task. */
  cloudMap: Array<{ registryArn: string; instanceId: string }> = [];
  cloudMapRegistered = false;
  #ownAddress = false;
  #stopping: Promise<void> | undefined;
  #live: LiveTask | undefined;
  #logs = new Map<string, LogDestination>();
  /** The driver starting the containers (a stop waits for it, so no container starts after the stop). */
  #containersStarting: Promise<unknown> | undefined;

  constructor(
    private readonly context: RuntimeContext,
    readonly accountId: string,
    readonly region: string,
    readonly regionState: RegionState,
    task: TaskRecord,
    private readonly hooks: TaskRunHooks,
  ) {
    this.taskArn = task.taskArn;
    this.taskId = context.controlPlane.ecs.shortName(task.taskArn);
    this.serviceArn = task.serviceArn;
    this.deploymentId = task.deploymentId;
    const td = context.controlPlane.ecs.findTaskDefinition(regionState, task.taskDefinitionArn);
    if (!td) throw new Error(`task definition ${task.taskDefinitionArn} of task ${task.taskArn} not found`);
    this.td = td;
    this.containers = td.containerDefinitions.map((def) => ({ name: String(def.name), def, essential: def.essential !== false }));
  }

  /** The task record. */
  get task(): TaskRecord | undefined {
    return (this.regionState.ecs as { tasks?: Record<string, TaskRecord> } | undefined)?.tasks?.[this.taskArn];
  }

  /** Health of the essential containers that have a health check: HEALTHY when all are, UNHEALTHY when one is. */
  get containerHealth(): ContainerHealth | 'NONE' {
    const checked = this.containers.filter((c) => c.essential && c.health);
    if (checked.length === 0) return 'NONE';
    if (checked.some((c) => c.health!.status === 'UNHEALTHY')) return 'UNHEALTHY';
    return checked.every((c) => c.health!.status === 'HEALTHY') ? 'HEALTHY' : 'UNKNOWN';
  }

  /** Host port a container port is reachable on. */
  hostPort(containerName: string, containerPort: number): number | undefined {
    return this.hostPorts.get(containerName)?.get(containerPort);
  }

  #update(update: TaskUpdate): void {
    if (!this.task) return;
    this.context.controlPlane.ecs.updateTask(this.regionState, this.taskArn, update);
    this.hooks.changed();
  }

  /**
   * Starts the placed task (PENDING already recorded by the caller):
   * resolves images, log groups, the address and ports, then the containers.
   * Failures stop the task with ECS's reasons.
   */
  async start(): Promise<void> {
    if (!this.task) return;
    const plan = startOrder(this.containers.map((c) => c.def));
    if (typeof plan === 'string') return this.#failToStart(`CannotStartContainerError: ${plan}`, []);
    const images = await this.#resolveImages();
    if (!images) return;
    const logs = prepareLogs(this.context, { accountId: this.accountId, region: this.region, taskId: this.taskId }, this.containers);
    if ('reason' in logs) return this.#failToStart(logs.reason, []);
    this.#logs = logs.destinations;
    const network = await allocateNetwork(this.context, this.td.networkMode || 'bridge', this.containers);
    this.#useNetwork(network);
    if (this.phase !== 'starting' || !this.task || this.task.desiredStatus === 'STOPPED') {
      // Stopped while we were getting ready.
      this.#releaseAddress();
      return;
    }
    this.#recordNetwork(network);
    const starting = this.#startContainers(images, network.mode, plan);
    this.#containersStarting = starting;
    const live = await starting.finally(() => (this.#containersStarting = undefined));
    if (!live) return;
    this.#goLive(live);
  }

  /** Every container's image through the driver; an unknown one fails the task as a failed pull does. */
  async #resolveImages(): Promise<Map<string, DriverImage> | undefined> {
    const images = new Map<string, DriverImage>();
    for (const c of this.containers) {
      const resolution = await this.context.driver.resolveImage(String(c.def.image));
      if (!resolution.ok) {
        await this.#failToStart(resolution.reason, [{ name: c.name, reason: resolution.reason }]);
        return undefined;
      }
      images.set(c.name, resolution.image);
    }
    return images;
  }

  #useNetwork(network: TaskNetwork): void {
    this.address = network.address;
    this.#ownAddress = network.ownAddress;
    for (const [name, ports] of network.hostPorts) this.hostPorts.set(name, ports);
  }

  /** The containers' bindings and (awsvpc) the ENI, as DescribeTasks shows them. */
  #recordNetwork(network: TaskNetwork): void {
    const awsvpc = network.mode === 'awsvpc';
    const eni = awsvpc ? elasticNetworkInterface(this.address) : undefined;
    this.#update({
      containers: this.containers.map((c) => ({
        name: c.name,
        networkBindings: awsvpc ? [] : (network.bindings.get(c.name) ?? []),
        ...(eni ? { privateIpv4Address: this.address } : {}),
      })),
      ...(eni ? { eni } : {}),
    });
  }

  /** Starts every container through the driver, with its health check; undefined when the task failed to start. */
  async #startContainers(images: Map<string, DriverImage>, networkMode: string, plan: { order: number[]; dependencies: Dependency[][] }): Promise<LiveContainer[] | undefined> {
    const overrides = (this.task?.overrides?.containerOverrides ?? []) as Json[];
    const dns = this.context.dns ? { ...this.context.dns, suffixes: this.#privateZones() } : undefined;
    const live: LiveContainer[] = [];
    for (const i of plan.order) {
      const c = this.containers[i]!;
      if (!(await this.#dependenciesMet(c, plan.dependencies[i]!))) return undefined;
      const meta = this.context.metadata?.register({ container: () => containerMetadata(this, c), task: () => taskMetadata(this) });
      c.releaseMetadata = meta?.release;
      const logs = this.#logs.get(c.name);
      const ports = this.hostPorts.get(c.name) ?? new Map<number, number>();
      const spec = containerSpec(c.name, c.def, overrides.find((o) => o.name === c.name), images.get(c.name)!, {
        taskArn: this.taskArn,
        region: this.region,
        launchType: this.launchType(),
        networkMode,
        address: this.address,
        ports,
        ...(meta ? { metadataUri: meta.uri } : {}),
        ...(dns ? { dns } : {}),
        taskSize: { cpu: Number(this.task?.cpu ?? this.td.cpu), memory: Number(this.task?.memory ?? this.td.memory) },
        volumes: (this.td.extra.volumes ?? []) as Json[],
        logs: (line, _stream, timeMs) => this.#output(logs, line, timeMs),
      });
      c.process = await this.context.driver.start(spec);
      void c.process.exited.then((exit) => this.#containerExited(c, exit));
      live.push({
        name: c.name,
        process: c.process,
        essential: c.essential,
        ports: [...ports.entries()].map(([containerPort, hostPort]) => ({ containerPort, host: spec.env.HOST!, hostPort, protocol: 'tcp' })),
      });
      this.#startHealthCheck(c, c.process);
      if (this.phase !== 'starting') return undefined; // the task is being stopped: start no more containers
    }
    return live;
  }

  /**
   * Waits until `c`'s dependencies hold (false when the task is stopped
   * meanwhile); throws when one never can, or after `startTimeout`.
   */
  async #dependenciesMet(c: RunContainer, dependencies: readonly Dependency[]): Promise<boolean> {
    if (dependencies.length === 0) return true;
    const timeoutMs = this.context.scaledMs(Number(c.def.startTimeout) > 0 ? Number(c.def.startTimeout) : 180);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.phase !== 'starting') return false;
      let waiting: Dependency | undefined;
      for (const dep of dependencies) {
        const other = this.containers.find((o) => o.name === dep.containerName)!;
        const state = conditionState(dep, { started: other.process !== undefined, exitCode: other.exit?.exitCode, health: other.health?.status });
        if (typeof state === 'object') throw new Error(`container ${c.name} not started: ${state.failed}`);
        if (state === 'waiting') waiting ??= dep;
      }
      if (!waiting) return true;
      if (Date.now() >= deadline) {
        throw new Error(`container ${c.name} not started: dependency ${waiting.containerName} did not reach ${waiting.condition} within its startTimeout (${c.def.startTimeout ?? 180} s)`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  #startHealthCheck(c: RunContainer, running: RunningContainer): void {
    const hc = c.def.healthCheck as Json | undefined;
    if (!Array.isArray(hc?.command) || hc.command.length === 0) return;
    c.health = new ContainerHealthMonitor(
      { command: hc.command as string[], interval: hc.interval, timeout: hc.timeout, retries: hc.retries, startPeriod: hc.startPeriod },
      this.address,
      () => this.context.timeScale,
      (status) => this.#healthChanged(c, status),
      this.context.driver.healthProbe(running),
    );
    c.health.start();
  }

  /** RUNNING: the task joins the live tasks (metrics, load balancers). */
  #goLive(containers: LiveContainer[]): void {
    const task = this.task!;
    const resources = { cpu: Number(task.cpu ?? this.td.cpu ?? 0) || 0, memory: Number(task.memory ?? this.td.memory ?? 0) || 0 };
    this.#live = {
      accountId: this.accountId,
      region: this.region,
      taskArn: this.taskArn,
      clusterArn: task.clusterArn,
      ...(this.serviceArn ? { serviceArn: this.serviceArn } : {}),
      taskDefinitionArn: task.taskDefinitionArn,
      address: this.address,
      cpuUnits: resources.cpu || this.containers.reduce((s, c) => s + (Number(c.def.cpu) || 0), 0) || 1024,
      memoryMiB: resources.memory || this.containers.reduce((s, c) => s + (Number(c.def.memory ?? c.def.memoryReservation) || 0), 0) || 512,
      containers,
    };
    this.context.tasks.set(this.taskArn, this.#live);
    this.phase = 'running';
    this.runningSince = Date.now();
    this.#live.runningSince = this.runningSince;
    this.#update({ lastStatus: 'RUNNING' });
  }

  #output(logs: LogDestination | undefined, line: string, timeMs: number): void {
    if (logs && writeLogLine(this.context.controlPlane.logs, logs, line, timeMs)) this.hooks.changed();
  }

  #privateZones(): string[] {
    const slice = this.context.controlPlane.cloudMap.existing(this.regionState);
    if (!slice) return [];
    return Object.values(slice.namespaces)
      .filter((ns) => ns.type === 'DNS_PRIVATE')
      .map((ns) => ns.name);
  }

  /** `FARGATE` or `EC2`. */
  launchType(): string {
    return launchTypeOf(this.task);
  }

  #healthChanged(c: RunContainer, status: ContainerHealth): void {
    if (!this.task || this.task.lastStatus === 'STOPPED') return;
    const overall = this.containerHealth;
    this.#update({ containers: [{ name: c.name, healthStatus: status }], healthStatus: overall === 'NONE' ? 'UNKNOWN' : overall });
  }

  #containerExited(c: RunContainer, exit: ContainerExit): void {
    c.exit = exit;
    c.health?.stop();
    if (!this.task || this.task.lastStatus === 'STOPPED') return;
    this.#update({ containers: [{ name: c.name, exitCode: exit.exitCode, lastStatus: 'STOPPED' }] });
    if (c.essential && (this.phase === 'running' || this.phase === 'starting')) {
      void this.stop({ reason: 'Essential container in task exited', stopCode: 'EssentialContainerExited', failed: true });
    }
  }

  async #failToStart(reason: string, containers: NonNullable<TaskUpdate['containers']>): Promise<void> {
    this.phase = 'stopped';
    this.context.controlPlane.ecs.requestTaskStop(this.regionState, this.taskArn, reason, { stopCode: 'TaskFailedToStart' });
    this.#update({ lastStatus: 'STOPPED', stoppedReason: reason, stopCode: 'TaskFailedToStart', containers });
    this.#releaseDriver();
    this.hooks.onStopped(this, { reason, stopCode: 'TaskFailedToStart', failed: true });
  }

  /**
   * Stops the task (idempotent): desiredStatus STOPPED with `cause`, then
   * DEACTIVATING (deregistration, draining), STOPPING (SIGTERM, SIGKILL after
   * the stop timeout), DEPROVISIONING, STOPPED.
   */
  stop(cause: StopCause): Promise<void> {
    if (this.#stopping) return this.#stopping;
    const wasStarting = this.phase === 'starting';
    this.phase = 'stopping';
    const task = this.task;
    if (task && task.desiredStatus !== 'STOPPED') {
      this.context.controlPlane.ecs.requestTaskStop(this.regionState, this.taskArn, cause.reason, { stopCode: cause.stopCode });
      this.hooks.changed();
    }
    // The record's reason wins (StopTask's reason, set before we were asked).
    const recorded: StopCause = { ...cause, reason: task?.stoppedReason ?? cause.reason, stopCode: (task?.stopCode as StopCause['stopCode']) ?? cause.stopCode };
    this.#stopping = (async () => {
      if (this.#containersStarting) await this.#containersStarting.catch(() => undefined);
      if (!wasStarting) {
        const alive = this.containers.some((c) => c.process && !c.process.exit);
        if (this.targets.length > 0 || this.cloudMap.length > 0) this.#update({ lastStatus: 'DEACTIVATING' });
        if (alive || this.targets.length > 0 || this.cloudMap.length > 0) await this.hooks.beforeStop(this);
      }
      if (this.task && this.task.lastStatus !== 'STOPPED') this.#update({ lastStatus: 'STOPPING' });
      await Promise.all(
        this.containers.map(async (c) => {
          c.health?.stop();
          if (!c.process) return;
          const seconds = Number(c.def.stopTimeout ?? 30) || 30;
          c.exit = await c.process.stop(this.context.scaledMs(seconds));
        }),
      );
      if (this.td.networkMode === 'awsvpc' && this.task?.lastStatus !== 'STOPPED') this.#update({ lastStatus: 'DEPROVISIONING' });
      this.#finish(recorded);
    })();
    return this.#stopping;
  }

  /** SIGKILLs every process and records STOPPED at once (the local cloud is going away). */
  async kill(reason: string): Promise<void> {
    this.phase = 'stopping';
    for (const c of this.containers) {
      c.health?.stop();
      c.process?.kill();
    }
    await Promise.all(
      this.containers.map((c) =>
        c.process ? Promise.race([c.process.exited.then((e) => (c.exit = e)), new Promise((r) => setTimeout(r, 2000))]) : undefined,
      ),
    );
    if (this.task && this.task.lastStatus !== 'STOPPED') {
      this.context.controlPlane.ecs.requestTaskStop(this.regionState, this.taskArn, reason, { stopCode: 'TerminationNotice' });
    }
    this.#finish({ reason, stopCode: 'TerminationNotice', failed: false }, false);
  }

  #finish(cause: StopCause, notify = true): void {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    for (const c of this.containers) c.releaseMetadata?.();
    this.context.tasks.delete(this.taskArn);
    this.#releaseAddress();
    this.#releaseDriver();
    if (this.task && this.task.lastStatus !== 'STOPPED') {
      this.#update({
        lastStatus: 'STOPPED',
        containers: this.containers.filter((c) => c.exit).map((c) => ({ name: c.name, exitCode: c.exit!.exitCode, lastStatus: 'STOPPED' })),
      });
    }
    if (notify) this.hooks.onStopped(this, cause);
  }

  /** What the driver made for the whole task (task-scoped volumes), once its containers are gone. */
  #releaseDriver(): void {
    void this.context.driver.releaseTask?.(this.taskArn).catch((error: Error) => this.context.log(`driver: releasing ${this.taskArn} failed: ${error.message}`));
  }

  #releaseAddress(): void {
    if (this.#ownAddress) this.context.taskAddresses.release(this.address);
    this.#ownAddress = false;
  }
}
