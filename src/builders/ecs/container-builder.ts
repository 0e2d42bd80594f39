/**
 * The container builder: one entry of a task definition's `containerDefinitions`.
 *
 * @module
 */
import type {
  ContainerCondition,
  ContainerDefinition,
  KeyValuePair,
  MountPoint,
  Secret,
} from '@aws-sdk/client-ecs';
import type { CfnValue } from '../shared/cfn-value.js';
import {
  healthCheckAt,
  portMappingAt,
  type HealthCheckOptions,
  type LogConfigurationSpec,
  type PortMappingOptions,
} from './container-helpers.js';
import { intrinsicProblems } from './ecs-cfn.js';
import { checkName, containerSchema, rules } from './ecs-rules.js';
import { mergeTags, type TagSpelling } from '../shared/tags.js';
import { checkInt, compact, freeze, schemaProblems, throwIfProblems } from '../shared/validation.js';
import type { Problem } from '../validation-error.js';

/** Environment variables merge like tags: a name already set is replaced in place. */
const environmentVariable: TagSpelling<KeyValuePair> = { keyOf: (e) => e.name, make: (name, value) => ({ name, value }) };
/** Secrets merge the same way. */
const secretVariable: TagSpelling<Secret> = { keyOf: (e) => e.name, make: (name, valueFrom) => ({ name, valueFrom }) };

/** A container definition whose image and log options may be CloudFormation intrinsics. */
export type ContainerSpec = Omit<ContainerDefinition, 'image' | 'logConfiguration'> & {
  /** Image URI, or an intrinsic (e.g. `cfnRef('InvsysImageUri')`) inside a template. */
  image?: CfnValue;
  /** Log configuration, e.g. from {@link awsLogs}. */
  logConfiguration?: LogConfigurationSpec;
};

/** A complete container given as a plain object: name and image are required. */
export type ContainerInput = ContainerSpec & {
  /** The container name (1-255 letters, digits, hyphens or underscores). */
  name: string;
  /** The image to run, or an intrinsic inside a template. */
  image: CfnValue;
};

/** The required fields of a {@link ContainerBuilder}: `'image'`, set by `.image()`. */
export type ContainerRequired = 'image';

/**
 * Builds one container definition. Immutable: every method returns a new
 * builder, so a partial builder is a reusable template. `Missing` is
 * `'image'` until `.image()` is called; `.build()` needs it `never`.
 *
 * Create one with {@link container}.
 *
 * @example
 * ```ts
 * const base = container('web').memory(256).port(80); // a reusable template
 * base.image('nginx:1.27').build();
 * // { "name": "web", "memory": 256,
 * //   "portMappings": [{ "containerPort": 80, "protocol": "tcp" }], "image": "nginx:1.27" }
 * ```
 */
export class ContainerBuilder<Missing extends ContainerRequired = ContainerRequired> {
  /** @internal Type-level record of what is still missing. */
  declare readonly ['~missing']: Missing;
  readonly #props: ContainerSpec;

  /** @internal Use {@link container}. */
  constructor(props: ContainerSpec) {
    this.#props = freeze(props);
  }

  /** The container's name. */
  get name(): string {
    return this.#props.name ?? '';
  }

  /** The container ports it maps, in order (for load balancer and service registry checks). */
  get containerPorts(): readonly number[] {
    return (this.#props.portMappings ?? []).flatMap((p) => (p.containerPort === undefined ? [] : [p.containerPort]));
  }

  /** Everything set so far, as frozen plain data (intrinsics included). */
  get definition(): Readonly<ContainerSpec> {
    return this.#props;
  }

  get #subject(): string {
    return `container ${JSON.stringify(this.#props.name)}`;
  }

  #with<M extends ContainerRequired = Missing>(patch: Partial<ContainerSpec>): ContainerBuilder<M> {
    return new ContainerBuilder<M>({ ...this.#props, ...patch });
  }

  /**
   * The image to run: a repository URI with tag or digest, or an intrinsic in a template.
   *
   * @example
   * ```ts
   * container('invsys').image('123456789012.dkr.ecr.us-east-1.amazonaws.com/flask-inventory/invsys:latest').build();
   * // { "name": "invsys", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/flask-inventory/invsys:latest" }
   * ```
   */
  image(uri: CfnValue): ContainerBuilder<Exclude<Missing, 'image'>> {
    return this.#with({ image: uri });
  }

  /** CPU units reserved for the container (1024 = 1 vCPU); a positive integer. */
  cpu(units: number): ContainerBuilder<Missing> {
    checkInt(this.#subject, 'cpu', units, rules.cpu);
    return this.#with({ cpu: units });
  }

  /** Hard memory limit in MiB; the container is killed above it. A positive integer. */
  memory(mib: number): ContainerBuilder<Missing> {
    checkInt(this.#subject, 'memory', mib, rules.memory);
    return this.#with({ memory: mib });
  }

  /** Soft memory reservation in MiB, used for placement. A positive integer. */
  memoryReservation(mib: number): ContainerBuilder<Missing> {
    checkInt(this.#subject, 'memoryReservation', mib, rules.memoryReservation);
    return this.#with({ memoryReservation: mib });
  }

  /** Whether the task stops when this container stops (AWS default: true). */
  essential(flag = true): ContainerBuilder<Missing> {
    return this.#with({ essential: flag });
  }

  /**
   * Adds a port mapping (protocol `tcp` unless given).
   *
   * @example
   * ```ts
   * container('invsys').port(5000).definition.portMappings;
   * // [{ "containerPort": 5000, "protocol": "tcp" }]
   * ```
   */
  port(containerPort: number, options: PortMappingOptions = {}): ContainerBuilder<Missing> {
    const existing = this.#props.portMappings ?? [];
    const mapping = portMappingAt(this.#subject, `portMappings[${existing.length}]`, containerPort, options);
    return this.#with({ portMappings: [...existing, mapping] });
  }

  /**
   * Sets environment variables; later calls add keys or replace them in place.
   *
   * @example
   * ```ts
   * container('invsys').environment({ FLASK_ENV: 'production', PYTHONUNBUFFERED: '1' }).definition.environment;
   * // [{ "name": "FLASK_ENV", "value": "production" }, { "name": "PYTHONUNBUFFERED", "value": "1" }]
   * ```
   */
  environment(variables: Readonly<Record<string, string>>): ContainerBuilder<Missing> {
    return this.#with({ environment: mergeTags(this.#props.environment, Object.entries(variables), environmentVariable) });
  }

  /** Adds secrets: variable name → Secrets Manager or SSM parameter ARN (`valueFrom`). */
  secrets(secrets: Readonly<Record<string, string>>): ContainerBuilder<Missing> {
    return this.#with({ secrets: mergeTags(this.#props.secrets, Object.entries(secrets), secretVariable) });
  }

  /** Where the container's output goes, e.g. `awsLogs({ group, region, streamPrefix })`. */
  logConfiguration(config: LogConfigurationSpec): ContainerBuilder<Missing> {
    return this.#with({ logConfiguration: config });
  }

  /**
   * The container health check; a string command runs as `CMD-SHELL`.
   *
   * @example
   * ```ts
   * container('invsys').healthCheck({ command: 'curl -f http://localhost:5000/items || exit 1', intervalSeconds: 30 })
   * // healthCheck: { "command": ["CMD-SHELL", "curl -f http://localhost:5000/items || exit 1"], "interval": 30 }
   * ```
   */
  healthCheck(options: HealthCheckOptions): ContainerBuilder<Missing> {
    return this.#with({ healthCheck: healthCheckAt(this.#subject, 'healthCheck', options) });
  }

  /** The command (Docker `CMD`), exec form. */
  command(args: readonly string[]): ContainerBuilder<Missing> {
    return this.#with({ command: [...args] });
  }

  /** The entry point (Docker `ENTRYPOINT`), exec form. */
  entryPoint(args: readonly string[]): ContainerBuilder<Missing> {
    return this.#with({ entryPoint: [...args] });
  }

  /** Starts this container only once `containerName` reaches `condition` (default `START`). */
  dependsOn(containerName: string, condition: ContainerCondition = 'START'): ContainerBuilder<Missing> {
    return this.#with({ dependsOn: [...(this.#props.dependsOn ?? []), { containerName, condition }] });
  }

  /** Mounts the task volume `sourceVolume` at `containerPath`. */
  mountPoint(sourceVolume: string, containerPath: string, options: { readOnly?: boolean } = {}): ContainerBuilder<Missing> {
    const mount: MountPoint = compact({ sourceVolume, containerPath, readOnly: options.readOnly });
    return this.#with({ mountPoints: [...(this.#props.mountPoints ?? []), mount] });
  }

  /** Seconds to wait after SIGTERM before SIGKILL, 2-120. */
  stopTimeout(seconds: number): ContainerBuilder<Missing> {
    checkInt(this.#subject, 'stopTimeout', seconds, rules.stopTimeout);
    return this.#with({ stopTimeout: seconds });
  }

  /**
   * The SDK container definition, after checking the whole container.
   *
   * @example
   * ```ts
   * container('web').image('nginx:1.27').memory(256).port(80).build();
   * // { "name": "web", "image": "nginx:1.27", "memory": 256,
   * //   "portMappings": [{ "containerPort": 80, "protocol": "tcp" }] }
   * ```
   * @throws {@link ValidationError} listing every problem.
   */
  build(this: ContainerBuilder<never>): ContainerDefinition {
    const problems = [...containerProblems(this.#props, ''), ...intrinsicProblems(this.#props)];
    throwIfProblems(this.#subject, problems);
    return this.#props as ContainerDefinition;
  }
}

/**
 * Problems of one container on its own (value rules and health-check timing),
 * paths prefixed with `base` (e.g. `containerDefinitions[0].`).
 * @internal
 */
export function containerProblems(spec: ContainerSpec, base: string): Problem[] {
  const problems = schemaProblems(containerSchema, spec, base.replace(/\.$/, ''));
  const hc = spec.healthCheck;
  if (hc) {
    const interval = hc.interval ?? 30;
    const timeout = hc.timeout ?? 5;
    if (timeout >= interval) {
      problems.push({
        path: `${base}healthCheck.timeout`,
        value: timeout,
        message: `timeout must be less than interval (${interval} seconds)`,
      });
    }
  }
  return problems;
}

/**
 * Starts a container definition.
 *
 * @example
 * ```ts
 * const invsys = container('invsys')
 *   .image(`${INVSYS_REPO_URI}:latest`)
 *   .cpu(256).memory(512).essential()
 *   .port(5000)
 *   .environment({ FLASK_ENV: 'production' })
 *   .logConfiguration(awsLogs({ group: '/ecs/flask-inventory-invsys', region: 'us-east-1', streamPrefix: 'ecs' }))
 *   .healthCheck({ command: 'curl -f http://localhost:5000/items || exit 1', intervalSeconds: 30,
 *                  timeoutSeconds: 5, retries: 3, startPeriodSeconds: 60 });
 * invsys.build();
 * // { "name": "invsys", "image": "…/flask-inventory/invsys:latest", "cpu": 256, "memory": 512,
 * //   "essential": true, "portMappings": [{ "containerPort": 5000, "protocol": "tcp" }],
 * //   "environment": [{ "name": "FLASK_ENV", "value": "production" }],
 * //   "logConfiguration": { "logDriver": "awslogs", "options": { … } },
 * //   "healthCheck": { "command": ["CMD-SHELL", "curl -f http://localhost:5000/items || exit 1"],
 * //                    "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 60 } }
 * ```
 * @throws {@link ValidationError} when `name` is not 1-255 letters, digits, hyphens or underscores.
 */
export function container(name: string): ContainerBuilder<ContainerRequired> {
  checkName(`container ${JSON.stringify(name)}`, 'name', name);
  return new ContainerBuilder({ name });
}
