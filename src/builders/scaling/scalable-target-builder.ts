/**
 * `scalableTarget()`: registers an ECS service's desired count with
 * Application Auto Scaling (lab 8.1).
 *
 * @module
 */
import type { RegisterScalableTargetCommandInput } from '@aws-sdk/client-application-auto-scaling';
import { isCfnIntrinsic, type CfnResource, type CfnValue, type KeyValueTag } from '../shared/cfn-value.js';
import { keyValueTag, mergeTags } from '../shared/tags.js';
import { checkInt, compact, fail, freeze, throwIfProblems, wholeNumberRule } from '../shared/validation.js';
import { cfnResource } from '../shared/cfn-resource.js';
import type { Problem } from '../validation-error.js';

/** @internal `service/<cluster>/<service>` with ECS's name rules. */
export const SERVICE_RESOURCE_ID = /^service\/[A-Za-z0-9_-]{1,255}\/[A-Za-z0-9_-]{1,255}$/;

/** @internal */
export const RESOURCE_ID_RULE =
  'resource id must be service/<cluster-name>/<service-name> (letters, digits, "-" and "_"); use .service(cluster, service)';

const NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * @internal Reports a CloudFormation intrinsic where `.build()` needs a real
 * string, and returns the value typed as the string it must be.
 */
export function literal(problems: Problem[], path: string, value: CfnValue | undefined): string | undefined {
  if (value !== undefined && isCfnIntrinsic(value)) {
    problems.push({
      path,
      value,
      message:
        'a CloudFormation intrinsic only resolves inside a template; pass the real string for build(), or use toCloudFormation()',
    });
  }
  return value as string | undefined;
}

/**
 * @internal The `{ ServiceNamespace, ResourceId, ScalableDimension }` of an
 * ECS service's desired count, the only scalable target ecskit builds.
 */
export function ecsServiceTarget<R extends CfnValue | undefined>(
  resourceId: R,
): { ServiceNamespace: 'ecs'; ResourceId: R; ScalableDimension: 'ecs:service:DesiredCount' } {
  return { ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: 'ecs:service:DesiredCount' };
}

/** @internal Checks a resource id (or leaves an intrinsic alone); throws at once. */
export function assertResourceId(subject: string, path: string, value: CfnValue): void {
  if (isCfnIntrinsic(value)) return;
  if (typeof value !== 'string' || !SERVICE_RESOURCE_ID.test(value)) fail(subject, path, value, RESOURCE_ID_RULE);
}

/** @internal `service/<cluster>/<service>`, as a string or an `Fn::Join`. */
export function serviceResourceId(subject: string, cluster: CfnValue, service: CfnValue): CfnValue {
  if (!isCfnIntrinsic(cluster) && (typeof cluster !== 'string' || !NAME.test(cluster))) {
    fail(subject, 'cluster', cluster, 'cluster name must be 1-255 letters, digits, "-" or "_" (the name, not the ARN)');
  }
  if (!isCfnIntrinsic(service) && (typeof service !== 'string' || !NAME.test(service))) {
    fail(subject, 'service', service, 'service name must be 1-255 letters, digits, "-" or "_" (the name, not the ARN)');
  }
  if (isCfnIntrinsic(cluster) || isCfnIntrinsic(service)) return { 'Fn::Join': ['/', ['service', cluster, service]] };
  return `service/${cluster}/${service}`;
}

/** Which scaling activities are paused (SDK `SuspendedState`, with shorter names). */
export interface SuspendedScaling {
  /** Stop policies from removing tasks. */
  readonly dynamicScalingIn?: boolean;
  /** Stop policies from adding tasks. */
  readonly dynamicScalingOut?: boolean;
  /** Stop scheduled actions. */
  readonly scheduledScaling?: boolean;
}

/** The fields `.build()` needs that have not been set yet. */
export type ScalableTargetRequired = 'resource' | 'minCapacity' | 'maxCapacity';

/** The `{ ServiceNamespace, ResourceId, ScalableDimension }` triple a policy refers to. */
export interface ScalableTargetRef {
  /** Always `ecs` for ecskit. */
  readonly ServiceNamespace: 'ecs';
  /** `service/<cluster>/<service>`, or an intrinsic producing it. */
  readonly ResourceId: CfnValue;
  /** Always `ecs:service:DesiredCount` for ecskit. */
  readonly ScalableDimension: 'ecs:service:DesiredCount';
}

/** CloudFormation `AWS::ApplicationAutoScaling::ScalableTarget` properties. */
export interface ScalableTargetCfnProperties {
  /** `ecs`. */
  readonly ServiceNamespace: 'ecs';
  /** `service/<cluster>/<service>`. */
  readonly ResourceId: CfnValue;
  /** `ecs:service:DesiredCount`. */
  readonly ScalableDimension: 'ecs:service:DesiredCount';
  /** Fewest tasks. */
  readonly MinCapacity: number;
  /** Most tasks. */
  readonly MaxCapacity: number;
  /** Role Application Auto Scaling assumes (omit to use the service-linked role). */
  readonly RoleARN?: CfnValue;
  /** Paused scaling activities. */
  readonly SuspendedState?: {
    /** `true` stops scaling policies from removing tasks. */
    readonly DynamicScalingInSuspended?: boolean;
    /** `true` stops scaling policies from adding tasks. */
    readonly DynamicScalingOutSuspended?: boolean;
    /** `true` stops scheduled actions. */
    readonly ScheduledScalingSuspended?: boolean;
  };
}

interface Props {
  readonly resourceId?: CfnValue;
  readonly minCapacity?: number;
  readonly maxCapacity?: number;
  readonly roleArn?: CfnValue;
  readonly suspended?: SuspendedScaling;
  readonly tags?: readonly KeyValueTag[];
}

/**
 * Immutable builder for `RegisterScalableTarget` on an ECS service. Every
 * method returns a new builder; `.build()` compiles only once the service,
 * `minCapacity` and `maxCapacity` are set.
 *
 * @typeParam Missing - required fields not set yet (`never` when complete).
 * @example
 * ```ts
 * scalableTarget().service('flask-inventory-cluster', 'gateway-service').minCapacity(2).maxCapacity(4).build();
 * // { ServiceNamespace: 'ecs', ResourceId: 'service/flask-inventory-cluster/gateway-service',
 * //   ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 2, MaxCapacity: 4 }
 * ```
 */
export class ScalableTargetBuilder<Missing extends ScalableTargetRequired = ScalableTargetRequired> {
  /** @internal Type-level record of what is still missing. */
  declare readonly ['~missing']: Missing;
  readonly #props: Props;

  /** @internal Use {@link scalableTarget}. */
  constructor(props: Props) {
    this.#props = freeze({ ...props });
  }

  #with<M extends ScalableTargetRequired>(patch: Partial<Props>): ScalableTargetBuilder<M> {
    return new ScalableTargetBuilder<M>({ ...this.#props, ...patch });
  }

  get #subject(): string {
    const id = this.#props.resourceId;
    return typeof id === 'string' ? `scalableTarget "${id}"` : 'scalableTarget';
  }

  /** The ECS service to scale: sets `ResourceId` to `service/<cluster>/<service>`. */
  service(cluster: CfnValue, service: CfnValue): ScalableTargetBuilder<Exclude<Missing, 'resource'>> {
    return this.#with({ resourceId: serviceResourceId(this.#subject, cluster, service) });
  }

  /** The resource id as a whole, `service/<cluster>/<service>`. */
  resourceId(resourceId: CfnValue): ScalableTargetBuilder<Exclude<Missing, 'resource'>> {
    assertResourceId(this.#subject, 'ResourceId', resourceId);
    return this.#with({ resourceId });
  }

  /** Fewest tasks auto scaling may leave running (0 or more). */
  minCapacity(tasks: number): ScalableTargetBuilder<Exclude<Missing, 'minCapacity'>> {
    checkInt(this.#subject, 'MinCapacity', tasks, wholeNumberRule('MinCapacity', 0));
    return this.#with({ minCapacity: tasks });
  }

  /** Most tasks auto scaling may start (at least `minCapacity`). */
  maxCapacity(tasks: number): ScalableTargetBuilder<Exclude<Missing, 'maxCapacity'>> {
    checkInt(this.#subject, 'MaxCapacity', tasks, wholeNumberRule('MaxCapacity', 0));
    return this.#with({ maxCapacity: tasks });
  }

  /** IAM role Application Auto Scaling assumes (the lab's `ecsAutoscaleRole`). */
  roleArn(arn: CfnValue): ScalableTargetBuilder<Missing> {
    if (!isCfnIntrinsic(arn) && (typeof arn !== 'string' || !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn))) {
      fail(this.#subject, 'RoleARN', arn, 'role ARN must look like arn:aws:iam::<account>:role/<name>');
    }
    return this.#with({ roleArn: arn });
  }

  /** Pauses scale-in, scale-out and/or scheduled scaling. */
  suspend(state: SuspendedScaling): ScalableTargetBuilder<Missing> {
    return this.#with({ suspended: { ...this.#props.suspended, ...state } });
  }

  /** Tags on the scalable target (merged with earlier calls). */
  tags(tags: Readonly<Record<string, string>>): ScalableTargetBuilder<Missing> {
    return this.#with({ tags: mergeTags(this.#props.tags, Object.entries(tags), keyValueTag) });
  }

  /** The triple a scaling policy refers to (also accepted by a policy's `.target()`). */
  get ref(): ScalableTargetRef | undefined {
    const id = this.#props.resourceId;
    return id === undefined ? undefined : ecsServiceTarget(id);
  }

  #problems(): Problem[] {
    const p = this.#props;
    const problems: Problem[] = [];
    if (p.resourceId === undefined) {
      problems.push({ path: 'ResourceId', value: undefined, message: 'set the ECS service with .service(cluster, service)' });
    }
    if (p.minCapacity === undefined) {
      problems.push({ path: 'MinCapacity', value: undefined, message: 'set .minCapacity(tasks)' });
    }
    if (p.maxCapacity === undefined) {
      problems.push({ path: 'MaxCapacity', value: undefined, message: 'set .maxCapacity(tasks)' });
    }
    if (p.minCapacity !== undefined && p.maxCapacity !== undefined && p.minCapacity > p.maxCapacity) {
      problems.push({
        path: 'MinCapacity',
        value: p.minCapacity,
        message: `MinCapacity must not exceed MaxCapacity (${p.maxCapacity}); lower it or raise maxCapacity`,
      });
    }
    return problems;
  }

  #suspendedState() {
    const s = this.#props.suspended;
    if (!s) return undefined;
    return compact({
      DynamicScalingInSuspended: s.dynamicScalingIn,
      DynamicScalingOutSuspended: s.dynamicScalingOut,
      ScheduledScalingSuspended: s.scheduledScaling,
    });
  }

  /**
   * The `RegisterScalableTargetCommand` input.
   *
   * @throws {@link ValidationError} listing every problem.
   * @example
   * ```ts
   * scalableTarget().service('flask-inventory-cluster', 'gateway-service')
   *   .minCapacity(2).maxCapacity(4)
   *   .roleArn('arn:aws:iam::123456789012:role/ecsAutoscaleRole').build();
   * // { ServiceNamespace: 'ecs', ResourceId: 'service/flask-inventory-cluster/gateway-service',
   * //   ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 2, MaxCapacity: 4,
   * //   RoleARN: 'arn:aws:iam::123456789012:role/ecsAutoscaleRole' }
   * ```
   */
  build(this: ScalableTargetBuilder<never>): RegisterScalableTargetCommandInput {
    const p = this.#props;
    const problems = this.#problems();
    const resourceId = literal(problems, 'ResourceId', p.resourceId);
    const roleArn = literal(problems, 'RoleARN', p.roleArn);
    throwIfProblems(this.#subject, problems);
    return compact({
      ...ecsServiceTarget(resourceId),
      MinCapacity: p.minCapacity,
      MaxCapacity: p.maxCapacity,
      RoleARN: roleArn,
      SuspendedState: this.#suspendedState(),
      Tags: p.tags && Object.fromEntries(p.tags.map((tag) => [tag.Key, tag.Value])),
    });
  }

  /**
   * The `AWS::ApplicationAutoScaling::ScalableTarget` resource. Tags are not
   * part of this resource type and are left out.
   *
   * @throws {@link ValidationError} listing every problem.
   * @example
   * ```ts
   * scalableTarget().service({ Ref: 'ECSCluster' }, 'gateway-service').minCapacity(2).maxCapacity(4).toCloudFormation();
   * // { Type: 'AWS::ApplicationAutoScaling::ScalableTarget', Properties: {
   * //   ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 2, MaxCapacity: 4,
   * //   ResourceId: { 'Fn::Join': ['/', ['service', { Ref: 'ECSCluster' }, 'gateway-service']] } } }
   * ```
   */
  toCloudFormation(
    this: ScalableTargetBuilder<never>,
  ): CfnResource<'AWS::ApplicationAutoScaling::ScalableTarget', ScalableTargetCfnProperties> {
    const p = this.#props;
    return cfnResource(this.#subject, this.#problems(), 'AWS::ApplicationAutoScaling::ScalableTarget', {
      ...ecsServiceTarget(p.resourceId as CfnValue),
      MinCapacity: p.minCapacity as number,
      MaxCapacity: p.maxCapacity as number,
      RoleARN: p.roleArn,
      SuspendedState: this.#suspendedState(),
    });
  }
}

/**
 * Starts a scalable target for an ECS service's desired count.
 *
 * @example
 * ```ts
 * const target = scalableTarget()
 *   .service('flask-inventory-cluster', 'gateway-service')
 *   .minCapacity(2)
 *   .maxCapacity(4);
 * target.build();
 * // { ServiceNamespace: 'ecs', ResourceId: 'service/flask-inventory-cluster/gateway-service',
 * //   ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 2, MaxCapacity: 4 }
 * ```
 */
export function scalableTarget(): ScalableTargetBuilder {
  return new ScalableTargetBuilder({});
}
