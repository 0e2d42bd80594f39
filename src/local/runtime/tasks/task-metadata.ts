/**
 * The task metadata endpoint v4 documents of one task run: the container
 * document (`${ECS_CONTAINER_METADATA_URI_V4}`) and the task document
 * (`…/task`), in the shape the ECS agent serves.
 *
 * @internal
 */
import { randomBytes } from 'node:crypto';
import type { Json, TaskDefinitionRecord, TaskRecord } from '../control-plane.js';

/** What the documents are made from. */
export interface MetadataSource {
  readonly taskArn: string;
  readonly region: string;
  readonly td: TaskDefinitionRecord;
  readonly address: string;
  readonly task: TaskRecord | undefined;
  readonly containers: ReadonlyArray<{ readonly name: string; readonly def: Json }>;
  /** `FARGATE` or `EC2`. */
  launchType(): string;
}

/** The launch type of a task record: its own, else FARGATE for a FARGATE capacity provider, else EC2. */
export function launchTypeOf(task: TaskRecord | undefined): string {
  return task?.launchType ?? (task?.capacityProviderName?.startsWith('FARGATE') ? 'FARGATE' : 'EC2');
}

/** The container metadata document of container `c`. */
export function containerMetadata(run: MetadataSource, c: { readonly name: string; readonly def: Json }): Record<string, unknown> {
  const task = run.task;
  const record = task?.containers.find((x) => x.name === c.name);
  return {
    DockerId: record?.containerArn.split('/').at(-1) ?? c.name,
    Name: c.name,
    DockerName: `ecs-${run.td.family}-${run.td.revision}-${c.name}`,
    Image: String(c.def.image),
    ImageID: `sha256:${randomBytes(32).toString('hex')}`,
    Labels: {
      'com.amazonaws.ecs.cluster': task?.clusterArn,
      'com.amazonaws.ecs.container-name': c.name,
      'com.amazonaws.ecs.task-arn': run.taskArn,
      'com.amazonaws.ecs.task-definition-family': run.td.family,
      'com.amazonaws.ecs.task-definition-version': String(run.td.revision),
    },
    DesiredStatus: task?.desiredStatus ?? 'STOPPED',
    KnownStatus: record?.lastStatus ?? 'STOPPED',
    Limits: { CPU: Number(c.def.cpu ?? 0), Memory: Number(c.def.memory ?? c.def.memoryReservation ?? 0) },
    Type: 'NORMAL',
    ContainerARN: record?.containerArn,
    ...(record?.healthStatus ? { Health: { status: record.healthStatus } } : {}),
    Networks: [{ NetworkMode: run.td.networkMode, IPv4Addresses: [run.address] }],
    ...(c.def.logConfiguration ? { LogDriver: c.def.logConfiguration.logDriver, LogOptions: c.def.logConfiguration.options ?? {} } : {}),
  };
}

/** The task metadata document. */
export function taskMetadata(run: MetadataSource): Record<string, unknown> {
  const t = run.task;
  return {
    Cluster: t?.clusterArn,
    TaskARN: run.taskArn,
    Family: run.td.family,
    Revision: String(run.td.revision),
    DesiredStatus: t?.desiredStatus,
    KnownStatus: t?.lastStatus,
    Limits: { CPU: Number(t?.cpu ?? 0) / 1024, Memory: Number(t?.memory ?? 0) },
    ...(t?.pullStartedAt ? { PullStartedAt: new Date(t.pullStartedAt).toISOString() } : {}),
    AvailabilityZone: t?.availabilityZone ?? `${run.region}a`,
    LaunchType: run.launchType(),
    Containers: run.containers.map((c) => containerMetadata(run, c)),
  };
}
