/**
 * The seam between the task runner and what runs a container. A task run
 * (`../tasks/task-run.ts`) does everything ECS does around containers —
 * images resolved before anything starts, awslogs groups, the task's
 * address and ports, the environment, health checks, deregistration and
 * draining, STOPPED with exit codes — and asks a {@link TaskDriver} only to
 *
 * - resolve an image (or say why it cannot: `CannotPullContainerError`),
 * - start one container and hand back a {@link RunningContainer}, whose output
 *   lines reach the `logs` sink,
 * - stop it (SIGTERM, SIGKILL after the timeout), kill it, inspect it,
 * - measure it (`stats`) and run its health-check command (`probe`).
 *
 * Two drivers implement it: `process` (a child process per container, no
 * engine needed; the default) and `container` (a Docker/Podman container per
 * container definition).
 *
 * @internal
 */

/** The drivers the local cloud has. */
export type TaskDriverName = 'process' | 'container';

/** Every {@link TaskDriverName}, for option and flag validation. */
export const TASK_DRIVERS: readonly TaskDriverName[] = ['process', 'container'];

/** Where a container's output goes, one line at a time. */
export type OutputSink = (line: string, stream: 'stdout' | 'stderr', timeMs: number) => void;

/** How a container ended. */
export interface ContainerExit {
  /** Exit code; 128 + signal number when killed by a signal (Docker's convention). */
  readonly exitCode: number;
  /** The signal that ended it, if known. */
  readonly signal: NodeJS.Signals | null;
}

/**
 * A container's stop as ECS does it: SIGTERM (`terminate`), then SIGKILL
 * (`kill`) if it has not exited within `timeoutMs` (its `stopTimeout`,
 * already time-scaled). Resolves with the exit.
 */
export async function stopWithGrace(exited: Promise<ContainerExit>, terminate: () => unknown, kill: () => void, timeoutMs: number): Promise<ContainerExit> {
  await terminate();
  const timer = setTimeout(kill, Math.max(0, timeoutMs));
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** One reading of a container's resource use. */
export interface ContainerSample {
  /** Total CPU time used so far, in seconds. */
  readonly cpuSeconds: number;
  /** Memory in use, MiB. */
  readonly memoryMiB: number;
  /** When it was taken (ms since epoch). */
  readonly atMs: number;
}

/** What a driver reports about a running container (`inspect`). */
export interface ContainerInspection {
  /** The driver's id for it: a process id, or the engine's container id. */
  readonly id: string;
  /** `running` until it has exited. */
  readonly state: 'running' | 'exited';
  /** Its exit, once it has exited. */
  readonly exit?: ContainerExit;
  /** Image it runs (the driver's resolved reference). */
  readonly image: string;
}

/** A container a driver started. */
export interface RunningContainer {
  /** Host process id, when there is one to read `/proc` from (the process driver's child). */
  readonly pid: number | undefined;
  /** The exit, once it has exited. */
  readonly exit: ContainerExit | undefined;
  /** Resolves once it has exited. */
  readonly exited: Promise<ContainerExit>;
  /** SIGTERM, then SIGKILL after `timeoutMs` (ECS `stopTimeout`, already time-scaled); resolves with the exit. */
  stop(timeoutMs: number): Promise<ContainerExit>;
  /** SIGKILL now (the local cloud is going away). */
  kill(): void;
  /** Its state as the driver sees it. */
  inspect(): ContainerInspection;
  /** Its resource use as the driver measures it; absent → the runtime reads `/proc/<pid>`. */
  stats?(): Promise<ContainerSample | undefined>;
}

/** A resolved image, ready for {@link TaskDriver.start}; opaque to the task run. */
export interface DriverImage {
  /** The reference the task definition named. */
  readonly reference: string;
}

/** The outcome of {@link TaskDriver.resolveImage}. */
export type ImageResolution<I extends DriverImage = DriverImage> =
  | {
      /** The image was found. */
      readonly ok: true;
      /** What the driver starts containers from. */
      readonly image: I;
    }
  | {
      /** The image cannot be used. */
      readonly ok: false;
      /** The task's stopped reason in ECS's wording (`CannotPullContainerError: …`, `CannotStartContainerError: …`). */
      readonly reason: string;
    };

/**
 * A task volume mounted into a container (the container definition's
 * `mountPoints`, resolved against the task definition's `volumes`).
 */
export interface ContainerMount {
  /** The task definition's volume name (`sourceVolume`). */
  readonly volume: string;
  /** Where it appears in the container. */
  readonly containerPath: string;
  /** `mountPoints[].readOnly`. */
  readonly readOnly: boolean;
  /** What backs it. */
  readonly source:
    | {
        /** `host.sourcePath`: a directory of the host (the container instance). */
        readonly kind: 'bind';
        /** The host path. */
        readonly hostPath: string;
      }
    | {
        /**
         * An engine volume: `dockerVolumeConfiguration`, or a `host` volume
         * without `sourcePath` (a task-scoped volume the engine manages).
         */
        readonly kind: 'volume';
        /** `task`: made for the task, removed with it; `shared`: kept on the instance across tasks. */
        readonly scope: 'task' | 'shared';
        /** For `shared`: create it when missing (else a missing volume fails the task). */
        readonly autoprovision: boolean;
        /** Volume driver (`local` by default). */
        readonly driver?: string;
        /** Driver options. */
        readonly driverOpts?: Readonly<Record<string, string>>;
        /** Labels of the volume. */
        readonly labels?: Readonly<Record<string, string>>;
      }
    | {
        /** A volume kind the local cloud cannot back (`efsVolumeConfiguration`, FSx): the driver refuses it. */
        readonly kind: 'unsupported';
        /** What it is, for the task's stopped reason. */
        readonly what: string;
      };
}

/** Everything a driver needs to start one container. */
export interface ContainerSpec<I extends DriverImage = DriverImage> {
  /** Container name in the task definition. */
  readonly name: string;
  /** From {@link TaskDriver.resolveImage}. */
  readonly image: I;
  /** ECS labels and the task's identity, for drivers that label what they start. */
  readonly taskArn: string;
  /**
   * The environment ECS gives the container: the task definition's (and
   * overrides') variables plus what ECS injects (`AWS_REGION`,
   * `ECS_CONTAINER_METADATA_URI_V4`, `HOST`, `PORT`). Never the host's.
   */
  readonly env: Readonly<Record<string, string>>;
  /** ECS `entryPoint`, if set. */
  readonly entryPoint?: readonly string[];
  /** ECS `command` (after overrides), if set. */
  readonly command?: readonly string[];
  /** ECS `workingDirectory`, if set. */
  readonly workingDirectory?: string;
  /** ECS `user` (`name`, `uid`, `uid:gid`, …), if set. */
  readonly user?: string;
  /** The task's address (its own loopback address for awsvpc, else 127.0.0.1). */
  readonly address: string;
  /** Container port → host port, as the task run allocated them. */
  readonly ports: ReadonlyMap<number, number>;
  /** The task's network mode (`awsvpc`, `bridge`, `host`). */
  readonly networkMode: string;
  /**
   * The container's `mountPoints` with the volumes behind them. The container
   * driver mounts them; the process driver ignores them (a process sees the
   * host's files).
   */
  readonly mounts?: readonly ContainerMount[];
  /** The Cloud Map DNS server and the private namespaces it answers for, if any. */
  readonly dns?: {
    /** The DNS server's address. */
    readonly host: string;
    /** Its port. */
    readonly port: number;
    /** Search domains (the private namespaces' names). */
    readonly suffixes: readonly string[];
  };
  /**
   * CPU units (1024 = one vCPU) and memory limits of the container
   * (`cpu`, `memory`, `memoryReservation`), and the task's own size (`cpu`,
   * `memory` of the task definition or its overrides: Fargate's hard limits),
   * when set.
   */
  readonly limits: {
    /** The container's `cpu`. */
    readonly cpuUnits?: number;
    /** The container's `memory` (hard limit). */
    readonly memoryMiB?: number;
    /** The container's `memoryReservation` (soft limit). */
    readonly memoryReservationMiB?: number;
    /** The task's `cpu`. */
    readonly taskCpuUnits?: number;
    /** The task's `memory`. */
    readonly taskMemoryMiB?: number;
  };
  /** Output lines (the `awslogs` driver). */
  readonly logs: OutputSink;
}

/** Runs a health-check argv (already rewritten to the task's address) with a timeout; true on exit 0. `signal` aborts it (the monitor stopped). */
export type HealthProbe = (argv: readonly string[], timeoutMs: number, signal?: AbortSignal) => Promise<boolean>;

/** What runs a task's containers. */
export interface TaskDriver<I extends DriverImage = DriverImage> {
  /** `process` or `container`. */
  readonly name: TaskDriverName;
  /** Resolves a task definition's `image`, or says why the task cannot start. */
  resolveImage(reference: string): Promise<ImageResolution<I>>;
  /** Starts one container; rejects when the driver cannot (→ `CannotStartContainerError`). */
  start(spec: ContainerSpec<I>): Promise<RunningContainer>;
  /** How this driver runs a container's health-check command. */
  healthProbe(container: RunningContainer): HealthProbe;
  /**
   * Called once when a task is STOPPED (its containers have exited): releases
   * what the driver made for the whole task (the container driver's
   * task-scoped volumes, which its containers shared while it ran).
   */
  releaseTask?(taskArn: string): Promise<void>;
  /** Releases what the driver holds (called once, after every task stopped). */
  close(): Promise<void>;
}
