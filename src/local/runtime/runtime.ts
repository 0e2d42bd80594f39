/**
 * The local runtime: makes the control plane real. It owns the shared
 * context (images, addresses, DNS and metadata endpoints, live tasks) and
 * drives its components on one tick loop:
 *
 * - `tasks` — task runner and service scheduler (placement, processes,
 *   health, logs, Cloud Map registration, rolling deployments, circuit breaker);
 * - `load-balancers` — one reverse proxy per ALB listener, target-group
 *   health checks, draining, ALB metrics;
 * - `monitoring` — CPU/memory metrics of tasks, alarm evaluation, Application
 *   Auto Scaling.
 *
 * @internal
 */
import { totalmem } from 'node:os';
import type { CloudState } from '../core/cloud-state.js';
import { AddressPool, assertLoopbackRange } from './addresses.js';
import type { ControlPlane } from './control-plane.js';
import { DEFAULT_CONTAINER_INSTANCES, type ContainerInstanceDefaults, type LiveTask, type RuntimeComponent, type RuntimeContext } from './context.js';
import { startDnsServer, type DnsServer } from './dns-server.js';
import type { LocalRegistry } from './drivers/container-image.js';
import type { TaskDriverName } from './drivers/driver.js';
import { ProcessDriver } from './drivers/process-driver.js';
import { ImageRegistry } from './images.js';
import { startMetadataServer } from './metadata-server.js';

/** First address of a pool: random on Linux (all of 127/8 is routed), 127.x.0.2 on macOS. */
function randomStart(): number {
  return process.platform === 'darwin' ? 2 : 2 + Math.floor(Math.random() * 60_000);
}

/** Memory budgeted per live task by the default {@link RuntimeOptions.maxTasks}: a lab app's process measured 60 MiB RSS, rounded up. */
export const TASK_MEMORY_BUDGET_MIB = 64;

/**
 * The default cap on live tasks: half of this machine's memory divided by
 * {@link TASK_MEMORY_BUDGET_MIB}, at least 8 and at most 1,000 (Fargate's
 * default per-region quota of concurrent tasks). 16 GiB → 128 tasks.
 */
export function defaultMaxTasks(totalMemoryBytes: number = totalmem()): number {
  const budget = Math.floor(totalMemoryBytes / 2 / (TASK_MEMORY_BUDGET_MIB * 1024 * 1024));
  return Math.min(1000, Math.max(8, budget));
}

/** Options of `LocalRuntime` (and of the runtime core it wraps). */
export interface RuntimeOptions {
  /** Local images; default: the lab's apps and the demo images. */
  readonly images?: ImageRegistry;
  /** Real milliseconds between scheduler ticks. Default 100. */
  readonly tickMs?: number;
  /** Log sink. Default `console.error`. */
  readonly log?: (line: string) => void;
  /** Port of the Cloud Map DNS server (UDP+TCP on 127.0.0.1). Default 0 (any free). */
  readonly dnsPort?: number;
  /**
   * Virtual EC2 container instances each new cluster gets at once, for instant
   * capacity. Default `count: 0`: none, as on AWS — launch EC2 instances whose
   * user data sets `ECS_CLUSTER` (RunInstances, with an instance profile such
   * as `ecsInstanceRole`) and their agents register them.
   * Each is 2048 CPU units and 3943 MiB (a t3.medium) unless `cpu`/`memory` say otherwise.
   */
  readonly containerInstances?: Partial<ContainerInstanceDefaults>;
  /**
   * What runs task containers: `process` (default; a child process per
   * container, no engine needed) or `container` (a Docker/Podman container
   * per container definition; the runtime fails to start when no engine answers).
   */
  readonly driver?: TaskDriverName;
  /** The container driver's local OCI registry (`host:port`) to pull ECR images from; default: the engine's own store only. */
  readonly containerRegistry?: LocalRegistry;
  /** Builds the components; default: every part of the runtime. Tests pass a subset. */
  readonly components?: (context: RuntimeContext) => RuntimeComponent[];
  /**
   * Called after every scheduler tick with how long it took in milliseconds
   * (all components' `tick`), for benchmarks and diagnostics. An exception it
   * throws is logged and ignored.
   */
  readonly onTick?: (ms: number) => void;
  /**
   * Most tasks live (not STOPPED) at once, over every account and region:
   * each is a process on this machine. Past it RunTask answers a
   * `LOCAL_TASK_LIMIT` failure and services get an "unable to place" event,
   * instead of the machine running out of memory. Default
   * {@link defaultMaxTasks} (sized from this machine's memory).
   */
  readonly maxTasks?: number;
  /**
   * The control plane the runtime reads and writes. `LocalRuntime` (what
   * `ecskit/local` exports) defaults it to this process's services.
   */
  readonly controlPlane?: ControlPlane;
}

/**
 * The runtime attached to a {@link CloudState}, reading and writing it only
 * through the {@link ControlPlane} it is given (`src/local/local-runtime.ts`
 * gives it this process's services).
 */
export class Runtime {
  /** What the runtime's components share (live tasks, images, endpoints). */
  readonly context: RuntimeContext;
  /** The cap on live tasks ({@link RuntimeOptions.maxTasks}). */
  readonly maxTasks: number;
  readonly #components: RuntimeComponent[] = [];
  readonly #options: RuntimeOptions;
  #dns: DnsServer | undefined;
  /** The registry this runtime made (and so cleans up), when none was passed in. */
  #ownImages: ImageRegistry | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #stopped = false;

  constructor(cloud: CloudState, options: RuntimeOptions & { readonly controlPlane: ControlPlane }) {
    this.#options = options;
    const maxTasks = options.maxTasks ?? defaultMaxTasks();
    if (!Number.isInteger(maxTasks) || maxTasks < 1) throw new RangeError(`maxTasks must be a positive integer, got: ${maxTasks}`);
    this.maxTasks = maxTasks;
    const log = options.log ?? ((line: string) => console.error(line));
    const tasks = new Map<string, LiveTask>();
    const images = options.images ?? (this.#ownImages = new ImageRegistry());
    this.context = {
      cloud,
      controlPlane: options.controlPlane,
      get timeScale() {
        return cloud.timeScale; // read at each use: `cloud.setTimeScale` changes it
      },
      images,
      driver: new ProcessDriver(images),
      // A random first address: parallel local clouds (test files) rarely collide.
      // A random start keeps several local clouds on one machine (parallel tests) apart; macOS
      // routes only the aliases the user added (see addresses.ts), so there it starts at .0.2.
      taskAddresses: new AddressPool(10, { start: randomStart() }),
      loadBalancerAddresses: new AddressPool(20, { start: randomStart() }),
      tasks,
      regions: () =>
        Object.entries(cloud.snapshot()).flatMap(([accountId, regions]) =>
          Object.entries(regions).map(([region, state]) => ({ accountId, region, state })),
        ),
      scaledMs: (seconds) => cloud.time.ms(seconds),
      log: (line) => log(`[ecskit runtime] ${line}`),
      containerInstances: { ...DEFAULT_CONTAINER_INSTANCES, ...options.containerInstances },
    };
  }

  /** What runs the tasks' containers: `process` (the default) or `container` (docker or podman). */
  get driverName(): TaskDriverName {
    return this.#options.driver ?? 'process';
  }

  /** Starts the DNS and metadata endpoints, then every component, then the tick loop. */
  async start(): Promise<void> {
    await assertLoopbackRange();
    const { createComponents } = await import('./components.js');
    this.#components.push(...(this.#options.components ?? createComponents)(this.context));
    this.#dns = await startDnsServer({
      port: this.#options.dnsPort ?? 0,
      resolve: (await import('./discovery.js')).cloudMapResolver(this.context),
    });
    this.context.dns = { host: this.#dns.host, port: this.#dns.port };
    this.context.metadata = await startMetadataServer();
    if (this.#options.driver !== undefined && this.#options.driver !== 'process') {
      const { createTaskDriver } = await import('./drivers/index.js');
      this.context.driver = await createTaskDriver(this.#options.driver, this.context, this.#options.containerRegistry ? { registry: this.#options.containerRegistry } : {});
    }
    for (const component of this.#components) await component.start?.();
    const { ecs } = this.context.controlPlane;
    ecs.setLocalTaskLimit(this.context.cloud.events, {
      maxTasks: this.maxTasks,
      liveTasks: () => ecs.liveTaskCount(this.context.regions().map((r) => r.state)),
    });
    // After the components' own handlers: no process outlives its (reset) task record.
    this.context.cloud.events.on('state:reset', this.#onReset);
    const tickMs = this.#options.tickMs ?? 100;
    const loop = async () => {
      if (this.#stopped) return;
      if (!this.#ticking) {
        this.#ticking = true;
        const now = Date.now();
        const started = performance.now();
        for (const component of this.#components) {
          try {
            await component.tick?.(now);
          } catch (error) {
            this.context.log(`${component.name}: tick failed: ${(error as Error).stack ?? String(error)}`);
          }
        }
        this.#ticking = false;
        try {
          this.#options.onTick?.(performance.now() - started);
        } catch (error) {
          this.context.log(`onTick failed: ${(error as Error).message}`);
        }
      }
      if (!this.#stopped) this.#timer = setTimeout(loop, tickMs);
    };
    this.#timer = setTimeout(loop, 0);
  }

  /** `POST /_ecskit/reset`: the components stopped their tasks; kill whatever process is left. */
  readonly #onReset = () => this.#killLiveTasks();

  #killLiveTasks(): void {
    for (const task of this.context.tasks.values()) for (const container of task.containers) container.process.kill();
    this.context.tasks.clear();
  }

  /** Stops the tick loop and every component (all task processes end), then the endpoints. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.context.controlPlane.ecs.setLocalTaskLimit(this.context.cloud.events, undefined);
    this.context.cloud.events.off('state:reset', this.#onReset);
    for (const component of [...this.#components].reverse()) {
      try {
        await component.stop();
      } catch (error) {
        this.context.log(`${component.name}: stop failed: ${(error as Error).message}`);
      }
    }
    // Whatever a component left behind: no task process outlives the runtime.
    this.#killLiveTasks();
    await this.context.driver.close().catch((error: Error) => this.context.log(`driver: close failed: ${error.message}`));
    await this.#dns?.close();
    this.#ownImages?.dispose();
    await this.context.metadata?.close();
  }
}
