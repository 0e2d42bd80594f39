/**
 * The service builder: `CreateService` / `UpdateService` inputs and the
 * `AWS::ECS::Service` resource.
 *
 * @module
 */
import type {
  AssignPublicIp,
  CapacityProviderStrategyItem,
  CreateServiceCommandInput,
  DeploymentConfiguration,
  LaunchType,
  PlacementConstraint,
  PlacementStrategy,
  PropagateTags,
  UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import type { CfnIntrinsic, CfnValue, CfnResource } from '../shared/cfn-value.js';
import { isCfnIntrinsic } from '../shared/cfn-value.js';
import { cfnProperties, intrinsicProblems } from './ecs-cfn.js';
import { checkName, rules } from './ecs-rules.js';
import { ecsTag, mergeTags } from '../shared/tags.js';
import { assertOneOf, checkInt, compact, fail, freeze, throwIfProblems } from '../shared/validation.js';
import { show, type Problem } from '../validation-error.js';
import { TaskDefinitionBuilder, type TaskDefinitionShape } from './task-definition-builder.js';

/** The `awsvpc` network configuration; subnets may be one intrinsic for a whole list parameter. */
export interface AwsvpcOptions {
  /** Subnet ids, or (in a template) e.g. `cfnRef('SubnetIds')` for a `List<AWS::EC2::Subnet::Id>` parameter. */
  readonly subnets: readonly CfnValue[] | CfnIntrinsic;
  /** Security group ids. */
  readonly securityGroups?: readonly CfnValue[];
  /** `true`/`'ENABLED'` gives each task a public IP; `false`/`'DISABLED'` does not. */
  readonly assignPublicIp?: boolean | AssignPublicIp;
}

/** A Cloud Map registration of the service's tasks. */
export interface ServiceRegistryOptions {
  /** ARN of the Cloud Map service (`cfnGetAtt('Discovery', 'Arn')` in a template). */
  readonly registryArn: CfnValue;
  /** Container whose port goes in SRV records (needed with bridge/host networking). */
  readonly containerName?: string;
  /** Container port for SRV records (needed with bridge/host networking). */
  readonly containerPort?: number;
  /** Port for SRV records when the task uses awsvpc. */
  readonly port?: number;
}

/** One target group the service's tasks register in. */
export interface LoadBalancerOptions {
  /** Target group ARN. */
  readonly targetGroupArn: CfnValue;
  /** The container that receives traffic; must exist in the task definition. */
  readonly containerName: string;
  /** The container port that receives traffic; must be mapped by that container. */
  readonly containerPort: number;
}

/** Rolling deployment settings; see {@link ServiceBuilder.deploymentConfiguration}. */
export interface DeploymentOptions {
  /** Lower bound of running healthy tasks during a deployment, percent of desired (0-100). */
  readonly minimumHealthyPercent?: number;
  /** Upper bound of running tasks during a deployment, percent of desired (0-200). */
  readonly maximumPercent?: number;
  /** Deployment circuit breaker: `true` enables it with rollback. */
  readonly circuitBreaker?:
    | boolean
    | {
        /** Roll back to the last completed deployment when the breaker trips. */
        readonly rollback: boolean;
      };
  /** CloudWatch alarms that fail the deployment; `rollback` defaults to true. */
  readonly alarms?: {
    /** Names of the CloudWatch alarms to watch during a deployment. */
    readonly alarmNames: readonly string[];
    /** Roll back when an alarm fires (default true). */
    readonly rollback?: boolean;
  };
}

/** Options of {@link ServiceBuilder.buildUpdate}. */
export interface UpdateOptions {
  /** Start a new deployment even when nothing changed (e.g. to pull a moved `:latest` tag). */
  readonly forceNewDeployment?: boolean;
}

/** Options of {@link ServiceBuilder.toCloudFormation}. */
export interface ServiceCfnOptions {
  /** What to put in `TaskDefinition`, e.g. `cfnRef('InvsysTaskDefinition')`; defaults to the family (or given string). */
  readonly taskDefinition?: CfnValue;
}

/** The awsvpc network configuration as stored: subnets may be one list intrinsic. */
interface AwsvpcSpec {
  readonly awsvpcConfiguration: {
    readonly subnets: CfnValue[] | CfnIntrinsic;
    readonly securityGroups?: CfnValue[];
    readonly assignPublicIp?: AssignPublicIp;
  };
}

/** A `CreateService` input whose ids and ARNs may be CloudFormation intrinsics. */
type Spec = Omit<
  CreateServiceCommandInput,
  'cluster' | 'taskDefinition' | 'networkConfiguration' | 'serviceRegistries' | 'loadBalancers'
> & {
  readonly serviceName: string;
  readonly cluster?: CfnValue;
  readonly taskDefinition?: CfnValue;
  readonly networkConfiguration?: AwsvpcSpec;
  readonly serviceRegistries?: readonly ServiceRegistryOptions[];
  readonly loadBalancers?: readonly LoadBalancerOptions[];
};

interface State {
  readonly spec: Spec;
  /** The task definition, when given as a builder. */
  readonly known?: TaskDefinitionShape;
}

const TASK_DEFINITION_PATTERN =
  /^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+|[A-Za-z0-9_-]{1,255}(:[1-9]\d*)?)$/;

/**
 * The required fields of a {@link ServiceBuilder}: `'cluster'` (set by
 * `.cluster()`) and `'taskDefinition'` (set by `.taskDefinition()`). A
 * builder's type parameter is the union of those not set yet (`never` once
 * both are).
 */
export type ServiceRequired = 'cluster' | 'taskDefinition';

/**
 * Builds an ECS service. Immutable: every method returns a new builder.
 * `Missing` tracks the two settings `.build()` needs.
 * Given a task definition *builder*, the service checks itself against it
 * (network mode, container names and ports).
 *
 * Create one with {@link service}.
 *
 * @example
 * ```ts
 * service('invsys-service').cluster('flask-inventory-cluster')
 *   .taskDefinition('flask-inventory-invsys:1').desiredCount(2).build();
 * // { "serviceName": "invsys-service", "cluster": "flask-inventory-cluster",
 * //   "taskDefinition": "flask-inventory-invsys:1", "desiredCount": 2 }
 * ```
 */
export class ServiceBuilder<Missing extends ServiceRequired = ServiceRequired> {
  /** @internal Type-level record of what is still missing. */
  declare readonly ['~missing']: Missing;
  readonly #state: State;

  /** @internal Use {@link service}. */
  constructor(state: State) {
    this.#state = freeze(state);
  }

  /** The service name. */
  get name(): string {
    return this.#state.spec.serviceName;
  }

  /** The task definition's shape when it was given as a builder, else undefined. */
  get taskDefinitionShape(): TaskDefinitionShape | undefined {
    return this.#state.known;
  }

  get #subject(): string {
    return `service ${JSON.stringify(this.#state.spec.serviceName)}`;
  }

  #with<M extends ServiceRequired = Missing>(
    patch: Partial<Spec>,
    known: TaskDefinitionShape | undefined = this.#state.known,
  ): ServiceBuilder<M> {
    const spec = { ...this.#state.spec, ...patch };
    return new ServiceBuilder<M>(known ? { spec, known } : { spec });
  }

  /** The cluster name or ARN. */
  cluster(cluster: CfnValue): ServiceBuilder<Exclude<Missing, 'cluster'>> {
    return this.#with({ cluster });
  }

  /**
   * The task definition: a {@link taskDefinition} builder (sent as its family,
   * or `family:revision` when `revision` is given, and checked against), or a
   * `family`, `family:revision` or task definition ARN.
   *
   * @example
   * ```ts
   * service('invsys-service').taskDefinition(invsysTd, { revision: 1 }) // → "taskDefinition": "flask-inventory-invsys:1"
   * service('invsys-service').taskDefinition('flask-inventory-invsys:2') // → "taskDefinition": "flask-inventory-invsys:2"
   * ```
   * @throws {@link ValidationError} on a malformed string or revision.
   */
  taskDefinition(
    definition: TaskDefinitionBuilder<never | true> | CfnValue,
    options: { readonly revision?: number } = {},
  ): ServiceBuilder<Exclude<Missing, 'taskDefinition'>> {
    if (options.revision !== undefined && (!Number.isInteger(options.revision) || options.revision < 1)) {
      fail(this.#subject, 'taskDefinition', options.revision, 'revision must be an integer 1 or more');
    }
    if (definition instanceof TaskDefinitionBuilder) {
      const family = definition.family;
      const name = options.revision === undefined ? family : `${family}:${options.revision}`;
      return this.#with({ taskDefinition: name }, definition.shape);
    }
    if (typeof definition === 'string' && !TASK_DEFINITION_PATTERN.test(definition)) {
      fail(
        this.#subject,
        'taskDefinition',
        definition,
        'taskDefinition must be a family, family:revision or task definition ARN',
      );
    }
    const name =
      options.revision !== undefined && typeof definition === 'string' ? `${definition}:${options.revision}` : definition;
    // A string (or intrinsic) replaces any builder given before: nothing is known to check against.
    return new ServiceBuilder({ spec: { ...this.#state.spec, taskDefinition: name } });
  }

  /** How many tasks to keep running; an integer 0 or more. */
  desiredCount(count: number): ServiceBuilder<Missing> {
    checkInt(this.#subject, 'desiredCount', count, rules.desiredCount);
    return this.#with({ desiredCount: count });
  }

  /** `EC2`, `FARGATE`, `EXTERNAL`… Mutually exclusive with a capacity provider strategy. */
  launchType(type: LaunchType): ServiceBuilder<Missing> {
    return this.#with({ launchType: type });
  }

  /** Capacity providers to spread tasks over. Mutually exclusive with a launch type. */
  capacityProviderStrategy(...items: CapacityProviderStrategyItem[]): ServiceBuilder<Missing> {
    return this.#with({ capacityProviderStrategy: items.map((i) => compact(i)) });
  }

  /**
   * The `awsvpc` network configuration (only valid when the task definition uses awsvpc).
   *
   * @example
   * ```ts
   * .awsvpc({ subnets: ['subnet-abc123'], securityGroups: ['sg-0123456789'], assignPublicIp: false })
   * // "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-abc123"],
   * //   "securityGroups": ["sg-0123456789"], "assignPublicIp": "DISABLED" } }
   * ```
   */
  awsvpc(options: AwsvpcOptions): ServiceBuilder<Missing> {
    const assign =
      typeof options.assignPublicIp === 'boolean'
        ? options.assignPublicIp
          ? 'ENABLED'
          : 'DISABLED'
        : options.assignPublicIp;
    const subnets = isCfnIntrinsic(options.subnets) ? options.subnets : [...options.subnets];
    return this.#with({
      networkConfiguration: {
        awsvpcConfiguration: compact({
          subnets,
          securityGroups: options.securityGroups && [...options.securityGroups],
          assignPublicIp: assign,
        }),
      },
    });
  }

  /** Registers the tasks in a Cloud Map service (DNS A records under awsvpc, SRV records otherwise). */
  serviceRegistry(registry: ServiceRegistryOptions): ServiceBuilder<Missing> {
    const list = this.#state.spec.serviceRegistries ?? [];
    return this.#with({ serviceRegistries: [...list, compact({ ...registry })] });
  }

  /** Registers the tasks' `containerName:containerPort` in a target group. */
  loadBalancer(target: LoadBalancerOptions): ServiceBuilder<Missing> {
    const list = this.#state.spec.loadBalancers ?? [];
    checkInt(this.#subject, `loadBalancers[${list.length}].containerPort`, target.containerPort, rules.containerPort);
    return this.#with({
      loadBalancers: [
        ...list,
        { targetGroupArn: target.targetGroupArn, containerName: target.containerName, containerPort: target.containerPort },
      ],
    });
  }

  /**
   * Rolling deployment bounds, circuit breaker and alarms.
   *
   * @example
   * ```ts
   * .deploymentConfiguration({ maximumPercent: 200, minimumHealthyPercent: 50, circuitBreaker: true })
   * // "deploymentConfiguration": { "maximumPercent": 200, "minimumHealthyPercent": 50,
   * //   "deploymentCircuitBreaker": { "enable": true, "rollback": true } }
   * ```
   * @throws {@link ValidationError} when a percent is out of range (min 0-100, max 0-200).
   */
  deploymentConfiguration(options: DeploymentOptions): ServiceBuilder<Missing> {
    const base = 'deploymentConfiguration';
    if (options.minimumHealthyPercent !== undefined) {
      checkInt(this.#subject, `${base}.minimumHealthyPercent`, options.minimumHealthyPercent, rules.minimumHealthyPercent);
    }
    if (options.maximumPercent !== undefined) {
      checkInt(this.#subject, `${base}.maximumPercent`, options.maximumPercent, rules.maximumPercent);
    }
    const breaker = options.circuitBreaker;
    const config: DeploymentConfiguration = compact({
      maximumPercent: options.maximumPercent,
      minimumHealthyPercent: options.minimumHealthyPercent,
      deploymentCircuitBreaker:
        breaker === undefined
          ? undefined
          : typeof breaker === 'boolean'
            ? { enable: breaker, rollback: breaker }
            : { enable: true, rollback: breaker.rollback },
      alarms: options.alarms && {
        alarmNames: [...options.alarms.alarmNames],
        enable: true,
        rollback: options.alarms.rollback ?? true,
      },
    });
    return this.#with({ deploymentConfiguration: config });
  }

  /**
   * How ECS picks container instances for the tasks (EC2 launch type), up to
   * 5 strategies applied in order: `spread` over a field (`instanceId`,
   * `host`, `attribute:ecs.availability-zone`, …), `binpack` on `cpu` or
   * `memory` (fill the instance with the least left first), `random`.
   * Replaces any strategy given before. Fargate places tasks itself.
   *
   * @example
   * ```ts
   * service('invsys-service').placementStrategy({ type: 'binpack', field: 'memory' });
   * // → { "placementStrategy": [{ "type": "binpack", "field": "memory" }] }
   * ```
   */
  placementStrategy(...strategies: PlacementStrategy[]): ServiceBuilder<Missing> {
    if (strategies.length > 5) fail(this.#subject, 'placementStrategy', strategies, `at most 5 placement strategies, got ${strategies.length}`);
    strategies.forEach((strategy, i) => {
      const at = `placementStrategy[${i}]`;
      assertOneOf(this.#subject, `${at}.type`, strategy.type, ['random', 'spread', 'binpack']);
      if (strategy.type === 'random' && strategy.field !== undefined) fail(this.#subject, `${at}.field`, strategy.field, 'random takes no field; drop it');
      if (strategy.type === 'binpack' && !['cpu', 'memory'].includes(String(strategy.field).toLowerCase())) {
        fail(this.#subject, `${at}.field`, strategy.field, "binpack packs on 'cpu' or 'memory'");
      }
      if (strategy.type === 'spread' && (typeof strategy.field !== 'string' || strategy.field === '')) {
        fail(this.#subject, `${at}.field`, strategy.field, "spread needs a field: 'instanceId', 'host' or 'attribute:<name>' (e.g. 'attribute:ecs.availability-zone')");
      }
    });
    return this.#with({ placementStrategy: strategies.map((s) => compact({ type: s.type, field: s.field })) });
  }

  /**
   * Rules a container instance must meet to run the tasks (EC2 launch type),
   * up to 10: `distinctInstance` (one task per instance) or `memberOf` with a
   * cluster query language expression. Replaces any constraints given before.
   *
   * @example
   * ```ts
   * service('invsys-service').placementConstraints({ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' });
   * // → { "placementConstraints": [{ "type": "memberOf", "expression": "attribute:ecs.instance-type =~ t3.*" }] }
   * ```
   */
  placementConstraints(...constraints: PlacementConstraint[]): ServiceBuilder<Missing> {
    if (constraints.length > 10) fail(this.#subject, 'placementConstraints', constraints, `at most 10 placement constraints, got ${constraints.length}`);
    constraints.forEach((constraint, i) => {
      const at = `placementConstraints[${i}]`;
      assertOneOf(this.#subject, `${at}.type`, constraint.type, ['distinctInstance', 'memberOf']);
      if (constraint.type === 'memberOf' && (typeof constraint.expression !== 'string' || constraint.expression.trim() === '')) {
        fail(this.#subject, `${at}.expression`, constraint.expression, "memberOf needs an expression, e.g. 'attribute:ecs.availability-zone in [us-east-1a, us-east-1b]'");
      }
      if (constraint.type === 'distinctInstance' && constraint.expression !== undefined) {
        fail(this.#subject, `${at}.expression`, constraint.expression, 'distinctInstance takes no expression; drop it');
      }
    });
    return this.#with({ placementConstraints: constraints.map((c) => compact({ type: c.type, expression: c.expression })) });
  }

  /** Seconds after a task starts during which failed load balancer health checks are ignored. */
  healthCheckGracePeriodSeconds(seconds: number): ServiceBuilder<Missing> {
    checkInt(this.#subject, 'healthCheckGracePeriodSeconds', seconds, rules.healthCheckGracePeriodSeconds);
    return this.#with({ healthCheckGracePeriodSeconds: seconds });
  }

  /** Copy tags to tasks from the `SERVICE` or the `TASK_DEFINITION`. */
  propagateTags(from: PropagateTags): ServiceBuilder<Missing> {
    return this.#with({ propagateTags: from });
  }

  /** Let ECS add its `aws:ecs:*` tags to the tasks. */
  enableECSManagedTags(flag = true): ServiceBuilder<Missing> {
    return this.#with({ enableECSManagedTags: flag });
  }

  /** Adds tags; later calls add keys or replace them in place. */
  tags(tags: Readonly<Record<string, string>>): ServiceBuilder<Missing> {
    return this.#with({ tags: mergeTags(this.#state.spec.tags, Object.entries(tags), ecsTag) });
  }

  /**
   * The `CreateService` input, after checking the whole service.
   *
   * @example
   * ```ts
   * service('gateway-service').cluster('flask-inventory-cluster').taskDefinition('flask-inventory-gateway:1')
   *   .desiredCount(2).launchType('EC2')
   *   .awsvpc({ subnets: ['subnet-abc123'], securityGroups: ['sg-0123456789'], assignPublicIp: false })
   *   .loadBalancer({ targetGroupArn: GATEWAY_TG_ARN, containerName: 'gateway', containerPort: 5001 })
   *   .build();
   * // { "cluster": "flask-inventory-cluster", "serviceName": "gateway-service",
   * //   "taskDefinition": "flask-inventory-gateway:1", "desiredCount": 2, "launchType": "EC2",
   * //   "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-abc123"],
   * //     "securityGroups": ["sg-0123456789"], "assignPublicIp": "DISABLED" } },
   * //   "loadBalancers": [{ "targetGroupArn": "arn:…:targetgroup/gateway-tg/…", "containerName": "gateway", "containerPort": 5001 }] }
   * ```
   * @throws {@link ValidationError} listing every problem, each with path, value and fix.
   */
  build(this: ServiceBuilder<never>): CreateServiceCommandInput {
    const spec = this.#state.spec;
    throwIfProblems(this.#subject, [...serviceProblems(this.#state, 'create'), ...intrinsicProblems(spec)]);
    return spec as CreateServiceCommandInput;
  }

  /**
   * The `UpdateService` input: every setting `UpdateService` can change
   * (launch type, service name and tags cannot be, so they are left out).
   *
   * @example
   * ```ts
   * service('invsys-service').cluster('flask-inventory-cluster').taskDefinition('flask-inventory-invsys:2')
   *   .buildUpdate({ forceNewDeployment: true });
   * // { "cluster": "flask-inventory-cluster", "service": "invsys-service",
   * //   "taskDefinition": "flask-inventory-invsys:2", "forceNewDeployment": true }
   * ```
   * @throws {@link ValidationError} listing every problem.
   */
  buildUpdate(options: UpdateOptions = {}): UpdateServiceCommandInput {
    const { serviceName, launchType: _launchType, tags: _tags, ...rest } = this.#state.spec;
    const input = compact({ ...rest, service: serviceName, forceNewDeployment: options.forceNewDeployment });
    throwIfProblems(this.#subject, [...serviceProblems(this.#state, 'update'), ...intrinsicProblems(input)]);
    return input as UpdateServiceCommandInput;
  }

  /**
   * The `AWS::ECS::Service` resource (PascalCase properties; intrinsics kept).
   *
   * @example
   * ```ts
   * service('invsys-service').cluster(cfnRef('ECSCluster')).taskDefinition(invsysTd).desiredCount(2)
   *   .toCloudFormation({ taskDefinition: cfnRef('InvsysTaskDefinition') });
   * // { "Type": "AWS::ECS::Service",
   * //   "Properties": { "ServiceName": "invsys-service", "Cluster": { "Ref": "ECSCluster" },
   * //                   "TaskDefinition": { "Ref": "InvsysTaskDefinition" }, "DesiredCount": 2 } }
   * ```
   * @throws {@link ValidationError} listing every problem.
   */
  toCloudFormation(this: ServiceBuilder<never>, options: ServiceCfnOptions = {}): CfnResource<'AWS::ECS::Service', Record<string, unknown>> {
    throwIfProblems(this.#subject, serviceProblems(this.#state, 'create'));
    const spec =
      options.taskDefinition === undefined ? this.#state.spec : { ...this.#state.spec, taskDefinition: options.taskDefinition };
    return { Type: 'AWS::ECS::Service', Properties: cfnProperties(spec) };
  }
}

/** A registry or load balancer entry's reference to a container of the task definition. */
interface ContainerRef {
  readonly containerName?: string;
  readonly containerPort?: number;
}

/** Whole-object rules of a service, against its task definition when known. @internal */
function serviceProblems(state: State, purpose: 'create' | 'update'): Problem[] {
  const { spec, known } = state;
  const problems: Problem[] = [];
  const strategy = spec.capacityProviderStrategy;
  if (purpose === 'create' && spec.launchType !== undefined && strategy !== undefined && strategy.length > 0) {
    problems.push({
      path: 'capacityProviderStrategy',
      value: strategy,
      message: `launchType (${spec.launchType}) and capacityProviderStrategy are mutually exclusive; keep one`,
    });
  }

  const placement = [
    ...(spec.placementStrategy?.length ? (['placementStrategy'] as const) : []),
    ...(spec.placementConstraints?.length ? (['placementConstraints'] as const) : []),
  ];
  if (spec.launchType === 'FARGATE' && placement.length > 0) {
    problems.push({
      path: placement[0]!,
      value: spec[placement[0]!],
      message: 'placement strategies and constraints are for the EC2 launch type; Fargate spreads tasks across Availability Zones itself, so drop them',
    });
  }

  const deployment = spec.deploymentConfiguration;
  const min = deployment?.minimumHealthyPercent;
  const max = deployment?.maximumPercent;
  if (min !== undefined && max !== undefined && min >= max) {
    problems.push({
      path: 'deploymentConfiguration.minimumHealthyPercent',
      value: min,
      message: `minimumHealthyPercent must be below maximumPercent (${max}), or a rolling deployment can neither start nor stop a task`,
    });
  }

  if (!known) return problems;
  const td = JSON.stringify(known.family);
  const mode = known.networkMode;
  const network = spec.networkConfiguration;
  if (network !== undefined && mode !== 'awsvpc') {
    problems.push({
      path: 'networkConfiguration',
      value: network,
      message: `network configuration is only valid with networkMode "awsvpc", but task definition ${td} uses "${mode}"; register the task definition with .networkMode('awsvpc') or drop .awsvpc(...)`,
    });
  }
  if (network === undefined && mode === 'awsvpc' && purpose === 'create') {
    problems.push({
      path: 'networkConfiguration',
      value: undefined,
      message: `task definition ${td} uses networkMode "awsvpc", which needs a network configuration; add .awsvpc({ subnets, securityGroups })`,
    });
  }

  const registries = spec.serviceRegistries ?? [];
  registries.forEach((registry, i) => {
    if ((mode === 'bridge' || mode === 'host') && (registry.containerName === undefined || registry.containerPort === undefined)) {
      const first = known.containers.find((c) => c.containerPorts.length > 0);
      const example = first
        ? `, e.g. { containerName: ${JSON.stringify(first.name)}, containerPort: ${first.containerPorts[0]} }`
        : '';
      problems.push({
        path: `serviceRegistries[${i}]`,
        value: registry,
        message: `networkMode "${mode}" registers SRV records, which need containerName and containerPort${example}`,
      });
    }
    problems.push(...containerRefProblems(known, registry, `serviceRegistries[${i}]`));
  });
  const balancers = spec.loadBalancers ?? [];
  balancers.forEach((lb, i) => problems.push(...containerRefProblems(known, lb, `loadBalancers[${i}]`)));
  return problems;
}

function containerRefProblems(known: TaskDefinitionShape, ref: ContainerRef, path: string): Problem[] {
  if (ref.containerName === undefined) return [];
  const td = JSON.stringify(known.family);
  const target = known.containers.find((c) => c.name === ref.containerName);
  if (!target) {
    const names = known.containers.map((c) => JSON.stringify(c.name)).join(', ');
    return [
      {
        path: `${path}.containerName`,
        value: ref.containerName,
        message: `task definition ${td} has no container of that name; its containers: ${names}`,
      },
    ];
  }
  if (ref.containerPort !== undefined && !target.containerPorts.includes(ref.containerPort)) {
    const ports = target.containerPorts.length > 0 ? target.containerPorts.join(', ') : 'none';
    return [
      {
        path: `${path}.containerPort`,
        value: ref.containerPort,
        message: `container ${show(target.name)} does not map that port; its container ports: ${ports}`,
      },
    ];
  }
  return [];
}

/**
 * Starts a service.
 *
 * @example
 * ```ts
 * service('invsys-service')
 *   .cluster('flask-inventory-cluster')
 *   .taskDefinition(invsysTd, { revision: 1 })
 *   .desiredCount(2).launchType('EC2')
 *   .awsvpc({ subnets: ['subnet-abc123', 'subnet-def456'], securityGroups: ['sg-0123456789'], assignPublicIp: false })
 *   .serviceRegistry({ registryArn: INVSYS_DISCOVERY_ARN })
 *   .deploymentConfiguration({ maximumPercent: 200, minimumHealthyPercent: 50 })
 *   .healthCheckGracePeriodSeconds(60)
 *   .build();
 * // { "cluster": "flask-inventory-cluster", "serviceName": "invsys-service",
 * //   "taskDefinition": "flask-inventory-invsys:1", "desiredCount": 2, "launchType": "EC2",
 * //   "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-abc123", "subnet-def456"],
 * //     "securityGroups": ["sg-0123456789"], "assignPublicIp": "DISABLED" } },
 * //   "serviceRegistries": [{ "registryArn": "arn:aws:servicediscovery:…:service/srv-…" }],
 * //   "deploymentConfiguration": { "maximumPercent": 200, "minimumHealthyPercent": 50 },
 * //   "healthCheckGracePeriodSeconds": 60 }
 * ```
 * @throws {@link ValidationError} when `name` is not 1-255 letters, digits, hyphens or underscores.
 */
export function service(name: string): ServiceBuilder<ServiceRequired> {
  checkName(`service ${JSON.stringify(name)}`, 'serviceName', name);
  return new ServiceBuilder({ spec: { serviceName: name } });
}
