/**
 * The task definition builder: `RegisterTaskDefinition` input and the
 * `AWS::ECS::TaskDefinition` resource.
 *
 * @module
 */
import type {
  Compatibility,
  ContainerDefinition,
  EFSVolumeConfiguration,
  NetworkMode,
  RegisterTaskDefinitionCommandInput,
  Volume,
} from '@aws-sdk/client-ecs';
import type { CfnValue, CfnResource } from '../shared/cfn-value.js';
import {
  ContainerBuilder,
  containerProblems,
  type ContainerInput,
  type ContainerSpec,
} from './container-builder.js';
import { cfnProperties, intrinsicProblems } from './ecs-cfn.js';
import { checkName, FARGATE_SIZES, rules } from './ecs-rules.js';
import { ecsTag, mergeTags } from '../shared/tags.js';
import { checkInt, compact, freeze, throwIfProblems } from '../shared/validation.js';
import type { Problem } from '../validation-error.js';

/** A task definition input whose role ARNs and containers may hold CloudFormation intrinsics. */
export type TaskDefinitionSpec = Omit<
  RegisterTaskDefinitionCommandInput,
  'containerDefinitions' | 'executionRoleArn' | 'taskRoleArn'
> & {
  /** The containers, in order. */
  containerDefinitions?: ContainerSpec[];
  /** Role the ECS agent uses to pull images and write logs. */
  executionRoleArn?: CfnValue;
  /** Role the application's AWS calls use. */
  taskRoleArn?: CfnValue;
};

/** What other builders and operations need to know about a task definition to check against it. */
export interface TaskDefinitionShape {
  /** The family name. */
  readonly family: string;
  /** The network mode in effect (`bridge` when none is set, as on EC2 Linux). */
  readonly networkMode: NetworkMode;
  /** The launch types the task definition is validated for. */
  readonly requiresCompatibilities: readonly Compatibility[];
  /** Each container's name, mapped container ports, and whether it is essential. */
  readonly containers: readonly {
    /** The container name. */
    readonly name: string;
    /** Its mapped container ports, in order. */
    readonly containerPorts: readonly number[];
    /** Whether the task stops when it stops. */
    readonly essential: boolean;
  }[];
}

/**
 * The {@link TaskDefinitionShape} of a task definition given as a builder or as
 * plain SDK data (a `RegisterTaskDefinition` input, or `taskDefinition` from
 * `DescribeTaskDefinition`).
 *
 * @internal
 * @example
 * ```ts
 * taskDefinitionShape(invsysTaskDefinition);
 * // { "family": "flask-inventory-invsys", "networkMode": "awsvpc", "requiresCompatibilities": ["EC2"],
 * //   "containers": [{ "name": "invsys", "containerPorts": [5000], "essential": true }] }
 * ```
 */
export function taskDefinitionShape(
  td:
    | TaskDefinitionBuilder
    | {
        family?: string | undefined;
        networkMode?: NetworkMode | undefined;
        requiresCompatibilities?: Compatibility[] | undefined;
        containerDefinitions?: ContainerSpec[] | ContainerDefinition[] | undefined;
      },
): TaskDefinitionShape {
  if (td instanceof TaskDefinitionBuilder) return td.shape;
  return freeze({
    family: td.family ?? '',
    networkMode: td.networkMode ?? 'bridge',
    requiresCompatibilities: [...(td.requiresCompatibilities ?? [])],
    containers: (td.containerDefinitions ?? []).map((c) => ({
      name: c.name ?? '',
      containerPorts: (c.portMappings ?? []).flatMap((p) => (p.containerPort === undefined ? [] : [p.containerPort])),
      essential: c.essential !== false,
    })),
  });
}

/**
 * The required fields of a {@link TaskDefinitionBuilder}: `'container'`, set by
 * `.container()`. A builder's type parameter is the union of those not set
 * yet: `never` once all are (`true`, the spelling of earlier releases, still
 * names a complete builder, so `TaskDefinitionBuilder<true>` annotations keep
 * compiling).
 */
export type TaskDefinitionRequired = 'container';

/**
 * Builds a task definition. Immutable: every method returns a new builder.
 * `Missing` is `'container'` until a container is added; `.build()` needs one.
 * Read-only getters (`family`, `containerNames`, and `shape` with the network
 * mode and container ports) let a service builder check itself against it.
 *
 * Create one with {@link taskDefinition}.
 *
 * @example
 * ```ts
 * taskDefinition('flask-inventory-invsys').networkMode('awsvpc')
 *   .container(container('invsys').image('invsys:latest').memory(512).port(5000))
 *   .build();
 * // { "family": "flask-inventory-invsys", "networkMode": "awsvpc",
 * //   "containerDefinitions": [{ "name": "invsys", "image": "invsys:latest", "memory": 512,
 * //     "portMappings": [{ "containerPort": 5000, "protocol": "tcp" }] }] }
 * ```
 */
export class TaskDefinitionBuilder<Missing extends TaskDefinitionRequired | true = TaskDefinitionRequired> {
  /** @internal Type-level record of what is still missing. */
  declare readonly ['~missing']: Missing;
  readonly #props: TaskDefinitionSpec;

  /** @internal Use {@link taskDefinition}. */
  constructor(props: TaskDefinitionSpec) {
    this.#props = freeze(props);
  }

  /** The family name. */
  get family(): string {
    return this.#props.family ?? '';
  }

  /** Names of the containers, in order. */
  get containerNames(): readonly string[] {
    return (this.#props.containerDefinitions ?? []).map((c) => c.name ?? '');
  }

  /** Everything set so far, as frozen plain data (intrinsics included). */
  get definition(): Readonly<TaskDefinitionSpec> {
    return this.#props;
  }

  /** The summary other builders validate against; see {@link TaskDefinitionShape}. */
  get shape(): TaskDefinitionShape {
    return taskDefinitionShape(this.#props);
  }

  get #subject(): string {
    return `taskDefinition ${JSON.stringify(this.#props.family)}`;
  }

  #with<M extends TaskDefinitionRequired | true = Missing>(patch: Partial<TaskDefinitionSpec>): TaskDefinitionBuilder<M> {
    return new TaskDefinitionBuilder<M>({ ...this.#props, ...patch });
  }

  /** `awsvpc` (own ENI per task; needed by Fargate and Cloud Map A records), `bridge`, `host` or `none`. */
  networkMode(mode: NetworkMode): TaskDefinitionBuilder<Missing> {
    return this.#with({ networkMode: mode });
  }

  /** Launch types to validate the task definition for, e.g. `'EC2'` or `'FARGATE'`. */
  requiresCompatibilities(...compatibilities: Compatibility[]): TaskDefinitionBuilder<Missing> {
    return this.#with({ requiresCompatibilities: compatibilities });
  }

  /** Task-level CPU units (1024 = 1 vCPU); emitted as the string the API takes. */
  cpu(units: number): TaskDefinitionBuilder<Missing> {
    checkInt(this.#subject, 'cpu', units, rules.cpu);
    return this.#with({ cpu: String(units) });
  }

  /** Task-level memory in MiB; emitted as the string the API takes. */
  memory(mib: number): TaskDefinitionBuilder<Missing> {
    checkInt(this.#subject, 'memory', mib, rules.memory);
    return this.#with({ memory: String(mib) });
  }

  /** Role the ECS agent uses to pull images and send logs (e.g. `ecsTaskExecutionRole`). */
  executionRoleArn(arn: CfnValue): TaskDefinitionBuilder<Missing> {
    return this.#with({ executionRoleArn: arn });
  }

  /** Role the application's own AWS calls use. */
  taskRoleArn(arn: CfnValue): TaskDefinitionBuilder<Missing> {
    return this.#with({ taskRoleArn: arn });
  }

  /**
   * Adds a container: a {@link container} builder with an image, or a plain
   * definition with `name` and `image`.
   */
  container(definition: ContainerBuilder<never> | ContainerInput): TaskDefinitionBuilder<never> {
    const spec = definition instanceof ContainerBuilder ? definition.definition : definition;
    return this.#with<never>({ containerDefinitions: [...(this.#props.containerDefinitions ?? []), spec] });
  }

  /** Adds a volume given as SDK data. */
  volume(volume: Volume): TaskDefinitionBuilder<Missing> {
    return this.#with({ volumes: [...(this.#props.volumes ?? []), volume] });
  }

  /**
   * Adds a bind-mount volume: `sourcePath` on the host, or Docker-managed
   * scratch space when omitted.
   *
   * @example
   * ```ts
   * taskDefinition('app').hostVolume('data', '/srv/data').definition.volumes;
   * // [{ "name": "data", "host": { "sourcePath": "/srv/data" } }]
   * ```
   */
  hostVolume(name: string, sourcePath?: string): TaskDefinitionBuilder<Missing> {
    return this.volume(sourcePath === undefined ? { name, host: {} } : { name, host: { sourcePath } });
  }

  /**
   * Adds an Amazon EFS volume.
   *
   * @example
   * ```ts
   * taskDefinition('app').efsVolume('shared', { fileSystemId: 'fs-12345678', transitEncryption: 'ENABLED' })
   * // volumes: [{ "name": "shared", "efsVolumeConfiguration": { "fileSystemId": "fs-12345678", "transitEncryption": "ENABLED" } }]
   * ```
   */
  efsVolume(name: string, config: EFSVolumeConfiguration): TaskDefinitionBuilder<Missing> {
    return this.volume({ name, efsVolumeConfiguration: compact(config) });
  }

  /** Adds tags; later calls add keys or replace them in place. */
  tags(tags: Readonly<Record<string, string>>): TaskDefinitionBuilder<Missing> {
    return this.#with({ tags: mergeTags(this.#props.tags, Object.entries(tags), ecsTag) });
  }

  /** Every whole-object problem, intrinsics aside. */
  #problems(): Problem[] {
    return taskDefinitionProblems(this.#props);
  }

  /**
   * The `RegisterTaskDefinition` input, after checking the whole task definition.
   *
   * @example
   * ```ts
   * taskDefinition('web').networkMode('awsvpc').requiresCompatibilities('FARGATE').cpu(256).memory(512)
   *   .container(container('web').image('nginx:1.27').port(80))
   *   .build();
   * // { "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
   * //   "cpu": "256", "memory": "512",
   * //   "containerDefinitions": [{ "name": "web", "image": "nginx:1.27",
   * //                              "portMappings": [{ "containerPort": 80, "protocol": "tcp" }] }] }
   * ```
   * @throws {@link ValidationError} listing every problem, each with path, value and fix.
   */
  build(this: TaskDefinitionBuilder<never | true>): RegisterTaskDefinitionCommandInput {
    throwIfProblems(this.#subject, [...this.#problems(), ...intrinsicProblems(this.#props)]);
    return this.#props as RegisterTaskDefinitionCommandInput;
  }

  /**
   * The `AWS::ECS::TaskDefinition` resource (PascalCase properties; intrinsics kept).
   *
   * @example
   * ```ts
   * taskDefinition('web').cpu(256).memory(512).container(container('web').image(cfnRef('WebImage')))
   *   .toCloudFormation();
   * // { "Type": "AWS::ECS::TaskDefinition",
   * //   "Properties": { "Family": "web", "Cpu": "256", "Memory": "512",
   * //                   "ContainerDefinitions": [{ "Name": "web", "Image": { "Ref": "WebImage" } }] } }
   * ```
   * @throws {@link ValidationError} listing every problem.
   */
  toCloudFormation(this: TaskDefinitionBuilder<never | true>): CfnResource<'AWS::ECS::TaskDefinition', Record<string, unknown>> {
    throwIfProblems(this.#subject, this.#problems());
    return {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: cfnProperties(this.#props),
    };
  }
}

function listOr(items: readonly number[]): string {
  return items.join(', ').replace(/, (\d+)$/, ' or $1');
}

function describeSizes(sizes: readonly number[]): string {
  if (sizes.length <= 3) return listOr(sizes);
  const step = (sizes[1] ?? 0) - (sizes[0] ?? 0);
  return `${sizes[0]}-${sizes[sizes.length - 1]} in steps of ${step}`;
}

/** Whole-object rules of a task definition (AWS's own, checked before any call). @internal */
export function taskDefinitionProblems(td: TaskDefinitionSpec): Problem[] {
  const problems: Problem[] = [];
  const containers = td.containerDefinitions ?? [];
  const mode = td.networkMode ?? 'bridge';
  const taskCpu = td.cpu === undefined ? undefined : Number(td.cpu);
  const taskMemory = td.memory === undefined ? undefined : Number(td.memory);

  if (containers.length === 0) {
    problems.push({
      path: 'containerDefinitions',
      value: [],
      message: 'a task definition needs at least one container; add one with .container(...)',
    });
  }

  const seen = new Map<string, number>();
  containers.forEach((c, i) => {
    const at = `containerDefinitions[${i}]`;
    problems.push(...containerProblems(c, `${at}.`));
    if (c.name !== undefined) {
      const first = seen.get(c.name);
      if (first === undefined) seen.set(c.name, i);
      else {
        problems.push({
          path: `${at}.name`,
          value: c.name,
          message: `container names must be unique; containerDefinitions[${first}] has the same name`,
        });
      }
    }
    if (mode === 'awsvpc' || mode === 'host') {
      (c.portMappings ?? []).forEach((p, j) => {
        if (p.hostPort !== undefined && p.hostPort !== p.containerPort) {
          problems.push({
            path: `${at}.portMappings[${j}].hostPort`,
            value: p.hostPort,
            message: `${mode} requires hostPort to equal containerPort (${p.containerPort})`,
          });
        }
      });
    }
    if (taskMemory === undefined && c.memory === undefined && c.memoryReservation === undefined) {
      problems.push({
        path: `${at}.memory`,
        value: undefined,
        message:
          'without a task-level memory each container needs memory or memoryReservation (MiB); set one, or set the task memory',
      });
    }
  });

  const cpuSum = containers.reduce((sum, c) => sum + (c.cpu ?? 0), 0);
  if (taskCpu !== undefined && cpuSum > taskCpu) {
    problems.push({
      path: 'containerDefinitions[*].cpu',
      value: cpuSum,
      message: `containers reserve more cpu than the task has (${taskCpu}); lower a container's cpu or raise the task cpu`,
    });
  }
  const memorySum = containers.reduce((sum, c) => sum + (c.memory ?? c.memoryReservation ?? 0), 0);
  if (taskMemory !== undefined && memorySum > taskMemory) {
    problems.push({
      path: 'containerDefinitions[*].memory',
      value: memorySum,
      message: `containers reserve more memory than the task has (${taskMemory} MiB); lower a container's memory or memoryReservation, or raise the task memory`,
    });
  }

  if (containers.length > 0 && containers.every((c) => c.essential === false)) {
    problems.push({
      path: 'containerDefinitions[*].essential',
      value: false,
      message: 'at least one container must be essential; call .essential() on the main container',
    });
  }

  if (td.requiresCompatibilities?.includes('FARGATE')) {
    const cpus = [...FARGATE_SIZES.keys()];
    if (mode !== 'awsvpc') {
      problems.push({ path: 'networkMode', value: td.networkMode, message: 'Fargate requires networkMode "awsvpc"' });
    }
    if (taskCpu === undefined) {
      problems.push({
        path: 'cpu',
        value: undefined,
        message: `Fargate requires a task-level cpu: ${listOr(cpus)}`,
      });
    } else if (!FARGATE_SIZES.has(taskCpu)) {
      problems.push({ path: 'cpu', value: td.cpu, message: `Fargate supports cpu ${listOr(cpus)}` });
    }
    if (taskMemory === undefined) {
      problems.push({ path: 'memory', value: undefined, message: 'Fargate requires a task-level memory (MiB)' });
    } else if (taskCpu !== undefined) {
      const allowed = FARGATE_SIZES.get(taskCpu);
      if (allowed && !allowed.includes(taskMemory)) {
        problems.push({
          path: 'memory',
          value: td.memory,
          message: `Fargate cpu ${taskCpu} allows memory ${describeSizes(allowed)} (MiB)`,
        });
      }
    }
  }
  return problems;
}

/**
 * Starts a task definition for `family`.
 *
 * @example
 * ```ts
 * const invsysTd = taskDefinition('flask-inventory-invsys')
 *   .networkMode('awsvpc').requiresCompatibilities('EC2').cpu(256).memory(512)
 *   .executionRoleArn('arn:aws:iam::123456789012:role/ecsTaskExecutionRole')
 *   .container(container('invsys').image(`${INVSYS_REPO_URI}:latest`).cpu(256).memory(512).port(5000));
 * invsysTd.build();
 * // { "family": "flask-inventory-invsys", "networkMode": "awsvpc", "requiresCompatibilities": ["EC2"],
 * //   "cpu": "256", "memory": "512",
 * //   "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
 * //   "containerDefinitions": [{ "name": "invsys", "image": "…/flask-inventory/invsys:latest",
 * //     "cpu": 256, "memory": 512, "portMappings": [{ "containerPort": 5000, "protocol": "tcp" }] }] }
 * ```
 * @throws {@link ValidationError} when `family` is not 1-255 letters, digits, hyphens or underscores.
 */
export function taskDefinition(family: string): TaskDefinitionBuilder<TaskDefinitionRequired> {
  checkName(`taskDefinition ${JSON.stringify(family)}`, 'family', family);
  return new TaskDefinitionBuilder({ family });
}
