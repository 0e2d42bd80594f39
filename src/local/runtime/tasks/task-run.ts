/**
 * One ECS task on this machine: from a placed PENDING record to processes
 * (one per container, through the shim), logs, container health checks and
 * the task's address; and back down: deregistration, draining, SIGTERM,
 * SIGKILL after the stop timeout, STOPPED with exit codes.
 *
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { RegionState } from '../../core/types.js';
import { cloudMapState } from '../../services/cloudmap/state.js';
import {
  findTaskDefinition,
  requestTaskStop,
  shortName,
  updateTask,
  type Json,
  type TaskDefinitionRecord,
  type TaskRecord,
  type TaskUpdate,
} from '../../services/ecs/state.js';
import { appendLogEvents, ensureLogGroup, logsState } from '../../services/logs/state.js';
import { ContainerHealthMonitor, type ContainerHealth } from '../container-health.js';
import { ContainerProcess, type ContainerExit } from '../container-process.js';
import type { LiveContainer, LiveTask, RuntimeContext } from '../context.js';
import type { LocalImage } from '../images.js';

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
  process?: ContainerProcess;
  health?: ContainerHealthMonitor;
  releaseMetadata?: () => void;
  exit?: ContainerExit;
}

/** Where a container writes its output (awslogs). */
interface LogDestination {
  readonly regionState: RegionState;
  readonly group: string;
  readonly stream: string;
}

/** Hooks the component gives each run. */
export interface TaskRunHooks {
  /** The task stopped (STOPPED recorded); `cause` is why. */
  onStopped(run: TaskRun, cause: StopCause): void;
  /** Before the processes get SIGTERM: deregister from load balancers and Cloud Map; resolves when draining is over. */
  beforeStop(run: TaskRun): Promise<void>;
  /** State changed outside a request (persist it). */
  changed(): void;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** ECS's reason when an image cannot be resolved. */
export function cannotPullReason(image: string): string {
  return `CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref ${image}: not found`;
}

/** ECS's reason when the awslogs group is missing and `awslogs-create-group` is not set. */
export function missingLogGroupReason(group: string): string {
  return (
    `ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: ` +
    `failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. ` +
    `(log group ${group}; create it, or set awslogs-create-group to "true") : exit status 1`
  );
}

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
  #logs: LogDestination | undefined;
  #stopping: Promise<void> | undefined;
  #live: LiveTask | undefined;

  constructor(
    private readonly context: RuntimeContext,
    readonly accountId: string,
    readonly region: string,
    readonly regionState: RegionState,
    task: TaskRecord,
    private readonly hooks: TaskRunHooks,
  ) {
    this.taskArn = task.taskArn;
    this.taskId = shortName(task.taskArn);
    this.serviceArn = task.serviceArn;
    this.deploymentId = task.deploymentId;
    const td = findTaskDefinition(regionState, task.taskDefinitionArn);
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
    updateTask(this.regionState, this.taskArn, update);
    this.hooks.changed();
  }

  /**
   * Starts the placed task (PENDING already recorded by the caller):
   * resolves images, log groups, the address and ports, then the processes.
   * Failures stop the task with ECS's reasons.
   */
  async start(): Promise<void> {
    const task = this.task;
    if (!task) return;
    const overrides = ((task.overrides?.containerOverrides ?? []) as Json[]) ?? [];
    // Images first: an unknown one fails the task as a failed pull does.
    const images = new Map<string, LocalImage>();
    for (const c of this.containers) {
      const image = this.context.images.resolve(String(c.def.image));
      if (!image) {
        const reason = cannotPullReason(String(c.def.image));
        return this.#failToStart(reason, [{ name: c.name, reason }]);
      }
      const problem = image.kind === 'node' ? image.unavailable?.() : undefined;
      if (problem) {
        const reason = `CannotStartContainerError: ${problem}`;
        return this.#failToStart(reason, [{ name: c.name, reason }]);
      }
      images.set(c.name, image);
    }
    // awslogs: the group must exist unless awslogs-create-group is "true".
    for (const c of this.containers) {
      const log = c.def.logConfiguration as Json | undefined;
      if (log?.logDriver !== 'awslogs') continue;
      const opts = (log.options ?? {}) as Record<string, string>;
      const group = opts['awslogs-group'];
      if (!group) continue;
      const logRegion = opts['awslogs-region'] ?? this.region;
      const regionState = this.context.cloud.region(logRegion, this.accountId);
      if (String(opts['awslogs-create-group']).toLowerCase() === 'true') {
        try {
          ensureLogGroup(regionState, { accountId: this.accountId, region: logRegion }, group, Date.now());
        } catch (error) {
          return this.#failToStart(`ResourceInitializationError: failed to validate logger args: ${(error as Error).message}`, []);
        }
      } else if (!logsState(regionState).groups[group]) {
        return this.#failToStart(missingLogGroupReason(group), []);
      }
      const prefix = opts['awslogs-stream-prefix'];
      const stream = prefix ? `${prefix}/${c.name}/${this.taskId}` : `${c.name}/${this.taskId}`;
      this.#containerLogs.set(c.name, { regionState, group, stream });
      try {
        appendLogEvents(regionState, group, stream, []);
      } catch {
        // validated above; a bad stream name only loses output
      }
    }
    // Address and ports.
    const networkMode = this.td.networkMode || 'bridge';
    if (networkMode === 'awsvpc') {
      const containerPorts = this.containers.flatMap((c) => ((c.def.portMappings ?? []) as Json[]).map((pm) => Number(pm.containerPort)).filter(Number.isInteger));
      // Another local cloud on this machine may use an address: skip the ones whose ports are taken.
      for (let attempt = 0; ; attempt++) {
        const address = this.context.taskAddresses.allocate();
        if (attempt >= 20 || (await portsFree(address, containerPorts))) {
          this.address = address;
          break;
        }
      }
      this.#ownAddress = true;
    }
    const bindings = new Map<string, NonNullable<TaskUpdate['containers']>[number]['networkBindings']>();
    for (const c of this.containers) {
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
      this.hostPorts.set(c.name, ports);
      bindings.set(c.name, list.map((b) => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined))));
    }
    if (this.phase !== 'starting' || !this.task || this.task.desiredStatus === 'STOPPED') {
      // Stopped while we were getting ready.
      this.#releaseAddress();
      return;
    }
    const eni =
      networkMode === 'awsvpc'
        ? {
            privateIPv4Address: this.address,
            networkInterfaceId: `eni-${randomBytes(9).toString('hex').slice(0, 17)}`,
            macAddress: [0x0a, ...randomBytes(5)].map((b) => b.toString(16).padStart(2, '0')).join(':'),
            privateDnsName: `ip-${this.address.replaceAll('.', '-')}.ec2.internal`,
          }
        : undefined;
    this.#update({
      containers: this.containers.map((c) => ({
        name: c.name,
        networkBindings: networkMode === 'awsvpc' ? [] : (bindings.get(c.name) ?? []),
        ...(eni ? { privateIpv4Address: this.address } : {}),
      })),
      ...(eni ? { eni } : {}),
    });

    // Processes.
    const dnsSuffixes = this.#privateZones();
    const liveContainers: LiveContainer[] = [];
    for (const c of this.containers) {
      const image = images.get(c.name)!;
      const override = overrides.find((o) => o.name === c.name);
      const env: Record<string, string> = { ...(image.kind === 'command' ? { PATH: DEFAULT_PATH } : {}), ...image.env };
      for (const e of [...((c.def.environment ?? []) as Json[]), ...((override?.environment ?? []) as Json[])]) {
        if (e?.name !== undefined) env[String(e.name)] = String(e.value ?? '');
      }
      const meta = this.context.metadata?.register({
        container: () => this.#containerMetadata(c),
        task: () => this.#taskMetadata(),
      });
      c.releaseMetadata = meta?.release;
      if (meta) env.ECS_CONTAINER_METADATA_URI_V4 = meta.uri;
      env.AWS_REGION = this.region;
      env.AWS_DEFAULT_REGION = this.region;
      env.AWS_EXECUTION_ENV = this.#launchType() === 'FARGATE' ? 'AWS_ECS_FARGATE' : 'AWS_ECS_EC2';
      env.HOST = networkMode === 'awsvpc' ? this.address : '127.0.0.1';
      const first = [...(this.hostPorts.get(c.name)?.values() ?? [])][0];
      if (first !== undefined) env.PORT = String(first);
      const logs = this.#containerLogs.get(c.name);
      const command = (override?.command ?? c.def.command) as string[] | undefined;
      const entryPoint = c.def.entryPoint as string[] | undefined;
      c.process = new ContainerProcess({
        image,
        env,
        ...(entryPoint ? { entryPoint } : {}),
        ...(command ? { command } : {}),
        ...(this.context.dns && dnsSuffixes.length ? { dns: { ...this.context.dns, suffixes: dnsSuffixes } } : {}),
        onOutput: (line, _stream, timeMs) => this.#output(logs, line, timeMs),
      });
      void c.process.exited.then((exit) => this.#containerExited(c, exit));
      liveContainers.push({
        name: c.name,
        process: c.process,
        essential: c.essential,
        ports: [...(this.hostPorts.get(c.name)?.entries() ?? [])].map(([containerPort, hostPort]) => ({
          containerPort,
          host: env.HOST!,
          hostPort,
          protocol: 'tcp',
        })),
      });
      const hc = c.def.healthCheck as Json | undefined;
      if (Array.isArray(hc?.command) && hc.command.length > 0) {
        c.health = new ContainerHealthMonitor(
          { command: hc.command as string[], interval: hc.interval, timeout: hc.timeout, retries: hc.retries, startPeriod: hc.startPeriod },
          this.address,
          this.context.timeScale,
          (status) => this.#healthChanged(c, status),
        );
        c.health.start();
      }
    }
    const task2 = this.task!;
    const resources = { cpu: Number(task2.cpu ?? this.td.cpu ?? 0) || 0, memory: Number(task2.memory ?? this.td.memory ?? 0) || 0 };
    this.#live = {
      accountId: this.accountId,
      region: this.region,
      taskArn: this.taskArn,
      clusterArn: task2.clusterArn,
      ...(this.serviceArn ? { serviceArn: this.serviceArn } : {}),
      taskDefinitionArn: task2.taskDefinitionArn,
      address: this.address,
      cpuUnits: resources.cpu || this.containers.reduce((s, c) => s + (Number(c.def.cpu) || 0), 0) || 1024,
      memoryMiB: resources.memory || this.containers.reduce((s, c) => s + (Number(c.def.memory ?? c.def.memoryReservation) || 0), 0) || 512,
      containers: liveContainers,
    };
    this.context.tasks.set(this.taskArn, this.#live);
    this.phase = 'running';
    this.runningSince = Date.now();
    this.#live.runningSince = this.runningSince;
    this.#update({ lastStatus: 'RUNNING' });
  }

  readonly #containerLogs = new Map<string, LogDestination>();

  #output(logs: LogDestination | undefined, line: string, timeMs: number): void {
    if (!logs) return;
    try {
      appendLogEvents(logs.regionState, logs.group, logs.stream, [{ timestamp: timeMs, message: line }], timeMs);
      this.hooks.changed();
    } catch {
      // The group was deleted while the task ran: the awslogs driver drops the line.
    }
  }

  #privateZones(): string[] {
    const slice = this.regionState.servicediscovery;
    if (!slice) return [];
    return Object.values(cloudMapState(this.regionState).namespaces)
      .filter((ns) => ns.type === 'DNS_PRIVATE')
      .map((ns) => ns.name);
  }

  #launchType(): string {
    const t = this.task;
    return t?.launchType ?? (t?.capacityProviderName?.startsWith('FARGATE') ? 'FARGATE' : 'EC2');
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
    requestTaskStop(this.regionState, this.taskArn, reason, { stopCode: 'TaskFailedToStart' });
    this.#update({ lastStatus: 'STOPPED', stoppedReason: reason, stopCode: 'TaskFailedToStart', containers });
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
      requestTaskStop(this.regionState, this.taskArn, cause.reason, { stopCode: cause.stopCode });
      this.hooks.changed();
    }
    // The record's reason wins (StopTask's reason, set before we were asked).
    const recorded: StopCause = { ...cause, reason: task?.stoppedReason ?? cause.reason, stopCode: (task?.stopCode as StopCause['stopCode']) ?? cause.stopCode };
    this.#stopping = (async () => {
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
      requestTaskStop(this.regionState, this.taskArn, reason, { stopCode: 'TerminationNotice' });
    }
    this.#finish({ reason, stopCode: 'TerminationNotice', failed: false }, false);
  }

  #finish(cause: StopCause, notify = true): void {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    for (const c of this.containers) c.releaseMetadata?.();
    this.context.tasks.delete(this.taskArn);
    this.#releaseAddress();
    if (this.task && this.task.lastStatus !== 'STOPPED') {
      this.#update({
        lastStatus: 'STOPPED',
        containers: this.containers.filter((c) => c.exit).map((c) => ({ name: c.name, exitCode: c.exit!.exitCode, lastStatus: 'STOPPED' })),
      });
    }
    if (notify) this.hooks.onStopped(this, cause);
  }

  #releaseAddress(): void {
    if (this.#ownAddress) this.context.taskAddresses.release(this.address);
    this.#ownAddress = false;
  }

  #containerMetadata(c: RunContainer): Record<string, unknown> {
    const record = this.task?.containers.find((x) => x.name === c.name);
    return {
      DockerId: record?.containerArn.split('/').at(-1) ?? c.name,
      Name: c.name,
      DockerName: `ecs-${this.td.family}-${this.td.revision}-${c.name}`,
      Image: String(c.def.image),
      ImageID: `sha256:${randomBytes(32).toString('hex')}`,
      Labels: {
        'com.amazonaws.ecs.cluster': this.task?.clusterArn,
        'com.amazonaws.ecs.container-name': c.name,
        'com.amazonaws.ecs.task-arn': this.taskArn,
        'com.amazonaws.ecs.task-definition-family': this.td.family,
        'com.amazonaws.ecs.task-definition-version': String(this.td.revision),
      },
      DesiredStatus: this.task?.desiredStatus ?? 'STOPPED',
      KnownStatus: record?.lastStatus ?? 'STOPPED',
      Limits: { CPU: Number(c.def.cpu ?? 0), Memory: Number(c.def.memory ?? c.def.memoryReservation ?? 0) },
      Type: 'NORMAL',
      ContainerARN: record?.containerArn,
      ...(record?.healthStatus ? { Health: { status: record.healthStatus } } : {}),
      Networks: [{ NetworkMode: this.td.networkMode, IPv4Addresses: [this.address] }],
      ...(c.def.logConfiguration ? { LogDriver: c.def.logConfiguration.logDriver, LogOptions: c.def.logConfiguration.options ?? {} } : {}),
    };
  }

  #taskMetadata(): Record<string, unknown> {
    const t = this.task;
    return {
      Cluster: t?.clusterArn,
      TaskARN: this.taskArn,
      Family: this.td.family,
      Revision: String(this.td.revision),
      DesiredStatus: t?.desiredStatus,
      KnownStatus: t?.lastStatus,
      Limits: { CPU: Number(t?.cpu ?? 0) / 1024, Memory: Number(t?.memory ?? 0) },
      ...(t?.pullStartedAt ? { PullStartedAt: new Date(t.pullStartedAt).toISOString() } : {}),
      AvailabilityZone: t?.availabilityZone ?? `${this.region}a`,
      LaunchType: this.#launchType(),
      Containers: this.containers.map((c) => this.#containerMetadata(c)),
    };
  }
}
