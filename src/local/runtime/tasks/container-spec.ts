/**
 * What a task run asks its driver to start for one container definition:
 * the declared environment (task definition, then overrides) plus what ECS
 * injects, `entryPoint`/`command` (after overrides), `workingDirectory`,
 * ports, limits and the DNS the container resolves private names with.
 *
 * @internal
 */
import type { Json } from '../../services/ecs/state.js';
import type { ContainerSpec, DriverImage, OutputSink } from '../drivers/driver.js';

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
  const cpuUnits = positive(override?.cpu ?? def.cpu);
  const memoryMiB = positive(override?.memory ?? def.memory);
  const memoryReservationMiB = positive(override?.memoryReservation ?? def.memoryReservation);
  return {
    name,
    image,
    taskArn: facts.taskArn,
    env: containerEnvironment(def, override, facts),
    ...(entryPoint ? { entryPoint } : {}),
    ...(command ? { command } : {}),
    ...(workingDirectory ? { workingDirectory } : {}),
    address: facts.address,
    ports: facts.ports,
    networkMode: facts.networkMode,
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
