/**
 * What every part of the runtime shares: the control-plane state, the time
 * scale, local images, loopback addresses, the DNS and metadata endpoints,
 * and the registry of live tasks (which processes run where). The parts —
 * task runner + service scheduler, load balancers, metrics/alarms/scaling —
 * each implement {@link RuntimeComponent} and talk to each other only
 * through the control-plane state (read and written through
 * {@link RuntimeContext.controlPlane}) and this context.
 *
 * @internal
 */
import type { CloudState } from '../core/cloud-state.js';
import type { RegionState } from '../core/types.js';
import type { AddressPool } from './addresses.js';
import type { ControlPlane } from './control-plane.js';
import type { RunningContainer, TaskDriver } from './drivers/driver.js';
import type { ImageRegistry } from './images.js';
import type { MetadataServer } from './metadata-server.js';

/** One live container of a live task. */
export interface LiveContainer {
  /** Container name from the task definition. */
  readonly name: string;
  /** What runs it: a process (process driver) or a container (container driver). */
  readonly process: RunningContainer;
  /** Where the container listens, per container port (awsvpc: task address + container port; bridge: 127.0.0.1 + host port). */
  readonly ports: ReadonlyArray<{
    /** Port in the task definition. */
    readonly containerPort: number;
    /** Address it listens on. */
    readonly host: string;
    /** Port it listens on. */
    readonly hostPort: number;
    /** `tcp` or `udp`. */
    readonly protocol: string;
  }>;
  /** Whether the task stops when this container exits. */
  readonly essential: boolean;
}

/** A task whose containers run on this machine. */
export interface LiveTask {
  /** Account of the task. */
  readonly accountId: string;
  /** Region of the task. */
  readonly region: string;
  /** The task's ARN. */
  readonly taskArn: string;
  /** Its cluster's ARN. */
  readonly clusterArn: string;
  /** Its service's ARN, for service tasks. */
  readonly serviceArn?: string;
  /** Its task definition's ARN. */
  readonly taskDefinitionArn: string;
  /** The task's own loopback address (awsvpc), or 127.0.0.1. */
  readonly address: string;
  /** CPU units and MiB the task reserves (task level, else the containers' sum), for utilisation metrics. */
  readonly cpuUnits: number;
  /** MiB the task reserves. */
  readonly memoryMiB: number;
  /** Its containers. */
  readonly containers: LiveContainer[];
  /** When the task reached RUNNING (epoch ms), once it has. */
  runningSince?: number;
}

/** A part of the runtime. */
export interface RuntimeComponent {
  /** Name for logs. */
  readonly name: string;
  /** Called once before the first tick. */
  start?(): Promise<void>;
  /** Called on every scheduler tick (a few times a second); must be quick and never throw. */
  tick?(nowMs: number): void | Promise<void>;
  /** Stops everything this part started (processes, servers, timers). */
  stop(): Promise<void>;
}

/** Everything the runtime's parts share. */
export interface RuntimeContext {
  /** The control-plane state. */
  readonly cloud: CloudState;
  /** Every read and write of the services' state the runtime makes. */
  readonly controlPlane: ControlPlane;
  /** Multiplies every AWS duration. */
  readonly timeScale: number;
  /** Local images task definitions can name (the process driver's images). */
  readonly images: ImageRegistry;
  /** What runs task containers: the process driver until the runtime starts the one its options name. */
  driver: TaskDriver;
  /** Addresses for awsvpc tasks (127.10.x.y). */
  readonly taskAddresses: AddressPool;
  /** Addresses for load balancers (127.20.x.y). */
  readonly loadBalancerAddresses: AddressPool;
  /** The Cloud Map DNS server, once started. */
  dns?: {
    /** Address of the DNS server. */
    readonly host: string;
    /** UDP/TCP port of the DNS server. */
    readonly port: number;
  };
  /** The task metadata endpoint, once started. */
  metadata?: MetadataServer;
  /** Live tasks by task ARN. */
  readonly tasks: Map<string, LiveTask>;
  /** Every account+region that has state, for components that scan state each tick. */
  regions(): Array<{
    /** Account id. */
    readonly accountId: string;
    /** Region name. */
    readonly region: string;
    /** That account's state in that region. */
    readonly state: RegionState;
  }>;
  /** Real milliseconds for an AWS duration in seconds. */
  scaledMs(seconds: number): number;
  /** Log line (runtime diagnostics, not container output). */
  log(line: string): void;
  /**
   * Virtual EC2 container instances every new cluster gets (the tasks
   * component registers them when a cluster is created). `count: 0` (the
   * default) = none: EC2 instances launched into the cluster are its capacity.
   */
  containerInstances?: ContainerInstanceDefaults;
}

/** Size and number of the virtual container instances a new cluster gets. */
export interface ContainerInstanceDefaults {
  /** Instances per new cluster (0 = none; EC2 RunTask then fails as on ECS). */
  readonly count: number;
  /** CPU units per instance (1024 = 1 vCPU). */
  readonly cpu: number;
  /** Memory per instance, MiB. */
  readonly memory: number;
}

/**
 * None by default: capacity comes from EC2 instances whose ECS agent joins
 * the cluster (RunInstances with `ECS_CLUSTER=<name>` user data and an
 * instance profile holding the container instance role), as on AWS.
 * A count above 0 gives each new cluster instant virtual instances, each a
 * t3.medium as ECS registers it (2048 CPU units, 3943 MiB) unless sized.
 */
export const DEFAULT_CONTAINER_INSTANCES: ContainerInstanceDefaults = { count: 0, cpu: 2048, memory: 3943 };
