/**
 * What a task run asks its driver to start for one container definition:
 * the declared environment (task definition, then overrides) plus what ECS
 * injects, `entryPoint`/`command` (after overrides), `workingDirectory`,
 * ports, limits and the DNS the container resolves private names with.
 *
 * @internal
 */
import type { Json } from '../control-plane.js';
import type { ContainerMount, ContainerSpec, DriverImage, OutputSink } from '../drivers/driver.js';

/** The task-level facts every container's spec shares. */
export interface SpecContext {
  readonly taskArn: string;
  readonly region: string;
  /** `FARGATE` or `EC2`. */
  readonly launchType: string;
  readonly networkMode: string;
  /** The task's address. */
  readonly address: string;
  /** The container's ports (container port → host port). */
  readonly ports: ReadonlyMap<number, number>;
  /** The metadata endpoint URI of this container, when the endpoint runs. */
  readonly metadataUri?: string;
  readonly dns?: ContainerSpec['dns'];
  readonly logs: OutputSink;
  /** The task's CPU units and memory (MiB), when the task (or its overrides) sets them. */
  readonly taskSize?: { readonly cpu?: number; readonly memory?: number };
  /** The task definition's `volumes`. */
  readonly volumes?: readonly Json[];
}

/** String values of a JSON map (labels, driver options), or undefined when empty. */
function stringMap(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
  return entries.length ? Object.fromEntries(entries.map(([k, v]) => [k, String(v)])) : undefined;
}

/**
 * The container's `mountPoints` with the task volume behind each, as ECS
 * mounts them: `host.sourcePath` a bind mount, a `host` volume without a path
 * or a `dockerVolumeConfiguration` an engine volume (`scope` `task` by
 * default; `shared` volumes outlive the task), EFS and FSx unsupported here.
 * A `sourceVolume` the task definition does not declare is an error naming it.
 */
export function containerMounts(def: Json, volumes: readonly Json[]): ContainerMount[] {
  const mounts: ContainerMount[] = [];
  for (const point of (def.mountPoints ?? []) as Json[]) {
    const name = String(point?.sourceVolume ?? '');
    const containerPath = String(point?.containerPath ?? '');
    const volume = volumes.find((v) => v?.name === name);
    if (!volume) throw new Error(`container ${def.name} mounts volume ${JSON.stringify(name)}, which the task definition does not declare in volumes`);
    if (!containerPath.startsWith('/')) throw new Error(`container ${def.name} mounts volume ${name} at ${JSON.stringify(containerPath)}: containerPath must be an absolute path`);
    const readOnly = point.readOnly === true;
    const docker = volume.dockerVolumeConfiguration as Json | undefined;
    const hostPath = typeof volume.host?.sourcePath === 'string' && volume.host.sourcePath ? String(volume.host.sourcePath) : undefined;
    let source: ContainerMount['source'];
    if (volume.efsVolumeConfiguration) source = { kind: 'unsupported', what: `an EFS volume (fileSystemId ${volume.efsVolumeConfiguration.fileSystemId})` };
    else if (volume.fsxWindowsFileServerVolumeConfiguration) source = { kind: 'unsupported', what: 'an FSx for Windows File Server volume' };
    else if (hostPath) source = { kind: 'bind', hostPath };
    else {
      const driverOpts = stringMap(docker?.driverOpts);
      const labels = stringMap(docker?.labels);
      source = {
        kind: 'volume',
        scope: docker?.scope === 'shared' ? 'shared' : 'task',
        autoprovision: docker?.autoprovision === true,
        ...(typeof docker?.driver === 'string' && docker.driver ? { driver: docker.driver } : {}),
        ...(driverOpts ? { driverOpts } : {}),
        ...(labels ? { labels } : {}),
      };
    }
    mounts.push({ volume: name, containerPath, readOnly, source });
  }
  return mounts;
}

/** The environment ECS gives a container: declared variables, overrides, then what ECS injects. */
export function containerEnvironment(def: Json, override: Json | undefined, facts: SpecContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of [...((def.environment ?? []) as Json[]), ...((override?.environment ?? []) as Json[])]) {
    if (e?.name !== undefined) env[String(e.name)] = String(e.value ?? '');
  }
  if (facts.metadataUri) env.ECS_CONTAINER_METADATA_URI_V4 = facts.metadataUri;
  env.AWS_REGION = facts.region;
  env.AWS_DEFAULT_REGION = facts.region;
  env.AWS_EXECUTION_ENV = facts.launchType === 'FARGATE' ? 'AWS_ECS_FARGATE' : 'AWS_ECS_EC2';
  env.HOST = facts.networkMode === 'awsvpc' ? facts.address : '127.0.0.1';
  const first = [...facts.ports.values()][0];
  if (first !== undefined) env.PORT = String(first);
  return env;
}

/** A positive number from a task definition field, or undefined. */
const positive = (value: unknown): number | undefined => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
};

/** The driver's start spec for container `name` with definition `def`. */
export function containerSpec<I extends DriverImage>(name: string, def: Json, override: Json | undefined, image: I, facts: SpecContext): ContainerSpec<I> {
  const command = (override?.command ?? def.command) as string[] | undefined;
  const entryPoint = def.entryPoint as string[] | undefined;
  const workingDirectory = typeof def.workingDirectory === 'string' && def.workingDirectory ? def.workingDirectory : undefined;
  const user = typeof def.user === 'string' && def.user ? def.user : undefined;
  const cpuUnits = positive(override?.cpu ?? def.cpu);
  const memoryMiB = positive(override?.memory ?? def.memory);
  const memoryReservationMiB = positive(override?.memoryReservation ?? def.memoryReservation);
  const mounts = containerMounts(def, facts.volumes ?? []);
  return {
    name,
    image,
    taskArn: facts.taskArn,
    env: containerEnvironment(def, override, facts),
    ...(entryPoint ? { entryPoint } : {}),
    ...(command ? { command } : {}),
    ...(workingDirectory ? { workingDirectory } : {}),
    ...(user ? { user } : {}),
    address: facts.address,
    ports: facts.ports,
    networkMode: facts.networkMode,
    ...(mounts.length ? { mounts } : {}),
    ...(facts.dns ? { dns: facts.dns } : {}),
    limits: {
      ...(cpuUnits ? { cpuUnits } : {}),
      ...(memoryMiB ? { memoryMiB } : {}),
      ...(memoryReservationMiB ? { memoryReservationMiB } : {}),
      ...(positive(facts.taskSize?.cpu) ? { taskCpuUnits: positive(facts.taskSize?.cpu)! } : {}),
      ...(positive(facts.taskSize?.memory) ? { taskMemoryMiB: positive(facts.taskSize?.memory)! } : {}),
    },
    logs: facts.logs,
  };
}
