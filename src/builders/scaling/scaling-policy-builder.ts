/**
 * Scaling policies for an ECS service: `targetTrackingPolicy()` (lab 8.2,
 * 8.3) and `stepScalingPolicy()`.
 *
 * @module
 */
import type {
  PutScalingPolicyCommandInput,
  StepAdjustment,
} from '@aws-sdk/client-application-auto-scaling';
import { isCfnIntrinsic, type CfnResource, type CfnValue } from '../shared/cfn-value.js';
import { assertOneOf, checkInt, compact, fail, freeze, throwIfProblems, wholeNumberRule } from '../shared/validation.js';
import { cfnResource } from '../shared/cfn-resource.js';
import { show, type Problem } from '../validation-error.js';
import { resourceLabelProblem } from './resource-label.js';
import {
  assertResourceId,
  ecsServiceTarget,
  literal,
  serviceResourceId,
  type ScalableTargetRef,
} from './scalable-target-builder.js';

/** The predefined target-tracking metrics of an ECS service. */
export type EcsPredefinedMetric =
  | 'ECSServiceAverageCPUUtilization'
  | 'ECSServiceAverageMemoryUtilization'
  | 'ALBRequestCountPerTarget';

const PREDEFINED: readonly EcsPredefinedMetric[] = [
  'ECSServiceAverageCPUUtilization',
  'ECSServiceAverageMemoryUtilization',
  'ALBRequestCountPerTarget',
];

/** How a step's `ScalingAdjustment` is read. */
export type AdjustmentType = 'ChangeInCapacity' | 'ExactCapacity' | 'PercentChangeInCapacity';

/** How the metric's datapoints are aggregated for a step policy. */
export type MetricAggregation = 'Average' | 'Minimum' | 'Maximum';

/** Anything a policy can be attached to: a scalable target builder or its ref. */
export type PolicyTarget =
  | {
      /** The target's `{ ServiceNamespace, ResourceId, ScalableDimension }`; `undefined` until its service is set. */
      readonly ref: ScalableTargetRef | undefined;
    }
  | ScalableTargetRef;

/** Options of a policy's `.toCloudFormation()`. */
export interface PolicyCfnOptions {
  /**
   * Refer to the template's scalable target (`{ Ref: 'GatewayScalableTarget' }`)
   * instead of repeating `ServiceNamespace`, `ResourceId` and `ScalableDimension`;
   * this also orders the policy after the target.
   */
  readonly scalingTargetId?: CfnValue;
}

/** CloudFormation `AWS::ApplicationAutoScaling::ScalingPolicy` properties. */
export interface ScalingPolicyCfnProperties {
  /** The policy's name. */
  readonly PolicyName: string;
  /** `TargetTrackingScaling` or `StepScaling`. */
  readonly PolicyType: 'TargetTrackingScaling' | 'StepScaling';
  /** The scalable target's logical id `Ref`, when given. */
  readonly ScalingTargetId?: CfnValue;
  /** `ecs`, unless `ScalingTargetId` is used. */
  readonly ServiceNamespace?: 'ecs';
  /** `service/<cluster>/<service>`, unless `ScalingTargetId` is used. */
  readonly ResourceId?: CfnValue;
  /** `ecs:service:DesiredCount`, unless `ScalingTargetId` is used. */
  readonly ScalableDimension?: 'ecs:service:DesiredCount';
  /** The target-tracking configuration. */
  readonly TargetTrackingScalingPolicyConfiguration?: {
    /** The metric value the policy keeps the service at (percent for CPU/memory, requests per task for `ALBRequestCountPerTarget`). */
    readonly TargetValue: number;
    /** The predefined metric to track. */
    readonly PredefinedMetricSpecification: {
      /** Which ECS service metric: average CPU, average memory, or ALB requests per target. */
      readonly PredefinedMetricType: EcsPredefinedMetric;
      /** `app/<alb-name>/<id>/targetgroup/<tg-name>/<id>`; required only for `ALBRequestCountPerTarget`. */
      readonly ResourceLabel?: CfnValue;
    };
    /** Seconds after a scale-in before another scale-in may start. */
    readonly ScaleInCooldown?: number;
    /** Seconds after a scale-out before another scale-out may start. */
    readonly ScaleOutCooldown?: number;
    /** `true` to let the policy only add tasks, never remove them. */
    readonly DisableScaleIn?: boolean;
  };
  /** The step configuration. */
  readonly StepScalingPolicyConfiguration?: {
    /** How each step's `ScalingAdjustment` is read: change in tasks, exact count, or percent change. */
    readonly AdjustmentType: AdjustmentType;
    /** The steps, each a range of (metric − alarm threshold) with its `ScalingAdjustment`. */
    readonly StepAdjustments: readonly StepAdjustment[];
    /** Seconds after a scaling activity before the next one may start. */
    readonly Cooldown?: number;
    /** How the metric's datapoints are aggregated: `Average`, `Minimum` or `Maximum`. */
    readonly MetricAggregationType?: MetricAggregation;
    /** The least number of tasks a `PercentChangeInCapacity` step changes by. */
    readonly MinAdjustmentMagnitude?: number;
  };
}

const TT = 'TargetTrackingScalingPolicyConfiguration';
const SS = 'StepScalingPolicyConfiguration';

function assertPolicyName(subject: string, name: string): void {
  if (typeof name !== 'string' || name.length < 1 || name.length > 256 || !/^[\x20-\x7e]+$/.test(name)) {
    fail(subject, 'PolicyName', name, 'policy name must be 1-256 printable ASCII characters');
  }
}

function assertSeconds(subject: string, path: string, value: number): void {
  checkInt(subject, path, value, wholeNumberRule(path.split('.').pop() ?? path, 0, 'seconds'));
}

function targetRef(subject: string, target: PolicyTarget): CfnValue {
  const ref = 'ref' in target ? target.ref : target;
  if (!ref) fail(subject, 'ResourceId', undefined, 'the scalable target has no service yet; call .service(cluster, service) on it first');
  return ref.ResourceId;
}

function commonProblems(props: { resourceId?: CfnValue }, problems: Problem[]): void {
  if (props.resourceId === undefined) {
    problems.push({ path: 'ResourceId', value: undefined, message: 'attach the policy with .target(scalableTarget) or .service(cluster, service)' });
  }
}

function cfnTargetProperties(resourceId: CfnValue | undefined, options: PolicyCfnOptions | undefined) {
  if (options?.scalingTargetId !== undefined) return { ScalingTargetId: options.scalingTargetId };
  return ecsServiceTarget(resourceId);
}

/** A policy's type with its configuration, under the name the SDK and CloudFormation give it. */
type PolicyKind<C extends 'sdk' | 'cfn'> =
  | {
      readonly PolicyType: 'TargetTrackingScaling';
      readonly TargetTrackingScalingPolicyConfiguration: NonNullable<PolicyConfigurations[C][typeof TT]>;
    }
  | {
      readonly PolicyType: 'StepScaling';
      readonly StepScalingPolicyConfiguration: NonNullable<PolicyConfigurations[C][typeof SS]>;
    };

interface PolicyConfigurations {
  readonly sdk: PutScalingPolicyCommandInput;
  readonly cfn: ScalingPolicyCfnProperties;
}

/** A policy's `PutScalingPolicy` input, once `problems` (with those of its literals) is empty. */
function policyInput(
  subject: string,
  problems: readonly Problem[],
  name: string,
  resourceId: string | undefined,
  { PolicyType, ...configuration }: PolicyKind<'sdk'>,
): PutScalingPolicyCommandInput {
  throwIfProblems(subject, problems);
  return {
    PolicyName: name,
    ...ecsServiceTarget(resourceId),
    PolicyType,
    ...configuration,
  };
}

/** A policy's `AWS::ApplicationAutoScaling::ScalingPolicy` resource, once `problems` is empty. */
function policyResource(
  subject: string,
  problems: readonly Problem[],
  props: { readonly name: string; readonly resourceId?: CfnValue },
  options: PolicyCfnOptions | undefined,
  { PolicyType, ...configuration }: PolicyKind<'cfn'>,
): CfnResource<'AWS::ApplicationAutoScaling::ScalingPolicy', ScalingPolicyCfnProperties> {
  return cfnResource(subject, problems, 'AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyName: props.name,
    PolicyType,
    ...cfnTargetProperties(props.resourceId, options),
    ...configuration,
  });
}

/** Arguments of `.predefinedMetric()`: only `ALBRequestCountPerTarget` takes (and needs) a resource label. */
export type ResourceLabelArgs<M extends EcsPredefinedMetric> = M extends 'ALBRequestCountPerTarget'
  ? [resourceLabel: CfnValue]
  : [];

/** The fields a target-tracking policy's `.build()` needs that are not set yet. */
export type TargetTrackingRequired = 'target' | 'metric' | 'targetValue';

interface TargetTrackingProps {
  readonly name: string;
  readonly resourceId?: CfnValue;
  readonly metric?: EcsPredefinedMetric;
  readonly resourceLabel?: CfnValue;
  readonly targetValue?: number;
  readonly scaleInCooldown?: number;
  readonly scaleOutCooldown?: number;
  readonly disableScaleIn?: boolean;
}

/**
 * Immutable builder for a target-tracking `PutScalingPolicy`: keeps a
 * predefined ECS metric at a target value.
 *
 * @typeParam Missing - required fields not set yet (`never` when complete).
 * @example
 * ```ts
 * targetTrackingPolicy('gateway-cpu-scaling').service('flask-inventory-cluster', 'gateway-service')
 *   .predefinedMetric('ECSServiceAverageCPUUtilization').targetValue(70).build();
 * // { PolicyName: 'gateway-cpu-scaling', ServiceNamespace: 'ecs',
 * //   ResourceId: 'service/flask-inventory-cluster/gateway-service',
 * //   ScalableDimension: 'ecs:service:DesiredCount', PolicyType: 'TargetTrackingScaling',
 * //   TargetTrackingScalingPolicyConfiguration: { TargetValue: 70,
 * //     PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } } }
 * ```
 */
export class TargetTrackingPolicyBuilder<Missing extends TargetTrackingRequired = TargetTrackingRequired> {
  /** @internal Type-level record of what is still missing. */
  declare readonly ['~missing']: Missing;
  readonly #props: TargetTrackingProps;

  /** @internal Use {@link targetTrackingPolicy}. */
  constructor(props: TargetTrackingProps) {
    this.#props = freeze({ ...props });
  }

  #with<M extends TargetTrackingRequired>(patch: Partial<TargetTrackingProps>): TargetTrackingPolicyBuilder<M> {
    return new TargetTrackingPolicyBuilder<M>({ ...this.#props, ...patch });
  }

  get #subject(): string {
    return `targetTrackingPolicy "${this.#props.name}"`;
  }

  /** Attaches the policy to a scalable target (the builder or its `ref`). */
  target(target: PolicyTarget): TargetTrackingPolicyBuilder<Exclude<Missing, 'target'>> {
    return this.#with({ resourceId: targetRef(this.#subject, target) });
  }

  /** Attaches the policy to the ECS service `service/<cluster>/<service>`. */
  service(cluster: CfnValue, service: CfnValue): TargetTrackingPolicyBuilder<Exclude<Missing, 'target'>> {
    return this.#with({ resourceId: serviceResourceId(this.#subject, cluster, service) });
  }

  /** Attaches the policy to a resource id `service/<cluster>/<service>`. */
  resourceId(resourceId: CfnValue): TargetTrackingPolicyBuilder<Exclude<Missing, 'target'>> {
    assertResourceId(this.#subject, 'ResourceId', resourceId);
    return this.#with({ resourceId });
  }

  /**
   * The metric to track. `ALBRequestCountPerTarget` needs the resource label
   * of the load balancer and target group ({@link albResourceLabel}); the
   * other metrics take none.
   */
  predefinedMetric<M extends EcsPredefinedMetric>(
    type: M,
    ...label: ResourceLabelArgs<M>
  ): TargetTrackingPolicyBuilder<Exclude<Missing, 'metric'>> {
    const path = `${TT}.PredefinedMetricSpecification`;
    assertOneOf(this.#subject, `${path}.PredefinedMetricType`, type, PREDEFINED);
    const resourceLabel = label[0] as CfnValue | undefined;
    if (type === 'ALBRequestCountPerTarget') {
      if (resourceLabel === undefined) {
        fail(
          this.#subject,
          `${path}.ResourceLabel`,
          undefined,
          'ALBRequestCountPerTarget needs a resource label: predefinedMetric("ALBRequestCountPerTarget", albResourceLabel(loadBalancerArn, targetGroupArn))',
        );
      }
      if (!isCfnIntrinsic(resourceLabel)) {
        const problem = typeof resourceLabel === 'string' ? resourceLabelProblem(resourceLabel) : 'resource label must be a string';
        if (problem) fail(this.#subject, `${path}.ResourceLabel`, resourceLabel, problem);
      }
    } else if (resourceLabel !== undefined) {
      fail(
        this.#subject,
        `${path}.ResourceLabel`,
        resourceLabel,
        `only ALBRequestCountPerTarget takes a resource label; drop it for ${type}`,
      );
    }
    return this.#with({ metric: type, resourceLabel });
  }

  /** The value to hold the metric at: a percentage for CPU/memory, requests per target per minute for ALB. */
  targetValue(value: number): TargetTrackingPolicyBuilder<Exclude<Missing, 'targetValue'>> {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      fail(this.#subject, `${TT}.TargetValue`, value, 'TargetValue must be greater than 0 (e.g. 70 for 70% CPU)');
    }
    return this.#with({ targetValue: value });
  }

  /** Seconds after a scale-in before another scale-in may start. */
  scaleInCooldownSeconds(seconds: number): TargetTrackingPolicyBuilder<Missing> {
    assertSeconds(this.#subject, `${TT}.ScaleInCooldown`, seconds);
    return this.#with({ scaleInCooldown: seconds });
  }

  /** Seconds after a scale-out before another scale-out may start. */
  scaleOutCooldownSeconds(seconds: number): TargetTrackingPolicyBuilder<Missing> {
    assertSeconds(this.#subject, `${TT}.ScaleOutCooldown`, seconds);
    return this.#with({ scaleOutCooldown: seconds });
  }

  /** Let this policy add tasks but never remove them. */
  disableScaleIn(disable = true): TargetTrackingPolicyBuilder<Missing> {
    return this.#with({ disableScaleIn: disable });
  }

  #problems(): Problem[] {
    const p = this.#props;
    const problems: Problem[] = [];
    commonProblems(p, problems);
    if (p.metric === undefined) {
      problems.push({ path: `${TT}.PredefinedMetricSpecification`, value: undefined, message: 'choose the metric with .predefinedMetric(type)' });
    }
    if (p.targetValue === undefined) {
      problems.push({ path: `${TT}.TargetValue`, value: undefined, message: 'set .targetValue(value)' });
    }
    return problems;
  }

  #configuration<L extends CfnValue>(resourceLabel: L | undefined) {
    const p = this.#props;
    return compact({
      TargetValue: p.targetValue as number,
      PredefinedMetricSpecification: compact({
        PredefinedMetricType: p.metric as EcsPredefinedMetric,
        ResourceLabel: resourceLabel,
      }),
      ScaleInCooldown: p.scaleInCooldown,
      ScaleOutCooldown: p.scaleOutCooldown,
      DisableScaleIn: p.disableScaleIn,
    });
  }

  /**
   * The `PutScalingPolicyCommand` input.
   *
   * @throws {@link ValidationError} listing every problem.
   * @example
   * ```ts
   * targetTrackingPolicy('gateway-cpu-scaling').service('flask-inventory-cluster', 'gateway-service')
   *   .predefinedMetric('ECSServiceAverageCPUUtilization').targetValue(70)
   *   .scaleInCooldownSeconds(300).scaleOutCooldownSeconds(60).build();
   * // { PolicyName: 'gateway-cpu-scaling', ServiceNamespace: 'ecs',
   * //   ResourceId: 'service/flask-inventory-cluster/gateway-service',
   * //   ScalableDimension: 'ecs:service:DesiredCount', PolicyType: 'TargetTrackingScaling',
   * //   TargetTrackingScalingPolicyConfiguration: { TargetValue: 70,
   * //     PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
   * //     ScaleInCooldown: 300, ScaleOutCooldown: 60 } }
   * ```
   */
  build(this: TargetTrackingPolicyBuilder<never>): PutScalingPolicyCommandInput {
    const p = this.#props;
    const problems = this.#problems();
    const resourceId = literal(problems, 'ResourceId', p.resourceId);
    const label = literal(problems, `${TT}.PredefinedMetricSpecification.ResourceLabel`, p.resourceLabel);
    return policyInput(this.#subject, problems, p.name, resourceId, {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: this.#configuration(label),
    });
  }

  /**
   * The `AWS::ApplicationAutoScaling::ScalingPolicy` resource.
   *
   * @throws {@link ValidationError} listing every problem.
   * @example
   * ```ts
   * targetTrackingPolicy('gateway-request-scaling').service('flask-inventory-cluster', 'gateway-service')
   *   .predefinedMetric('ALBRequestCountPerTarget', cfnAlbResourceLabel('ALB', 'GatewayTargetGroup'))
   *   .targetValue(1000).toCloudFormation({ scalingTargetId: { Ref: 'GatewayScalableTarget' } });
   * // { Type: 'AWS::ApplicationAutoScaling::ScalingPolicy', Properties: {
   * //   PolicyName: 'gateway-request-scaling', PolicyType: 'TargetTrackingScaling',
   * //   ScalingTargetId: { Ref: 'GatewayScalableTarget' },
   * //   TargetTrackingScalingPolicyConfiguration: { TargetValue: 1000, PredefinedMetricSpecification: {
   * //     PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: { 'Fn::Join': [...] } } } } }
   * ```
   */
  toCloudFormation(
    this: TargetTrackingPolicyBuilder<never>,
    options?: PolicyCfnOptions,
  ): CfnResource<'AWS::ApplicationAutoScaling::ScalingPolicy', ScalingPolicyCfnProperties> {
    const p = this.#props;
    return policyResource(this.#subject, this.#problems(), p, options, {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: this.#configuration(p.resourceLabel),
    });
  }
}

/**
 * Starts a target-tracking scaling policy.
 *
 * @example
 * ```ts
 * targetTrackingPolicy('gateway-request-scaling')
 *   .target(scalableTarget().service('flask-inventory-cluster', 'gateway-service'))
 *   .predefinedMetric('ALBRequestCountPerTarget', albResourceLabel(albArn, targetGroupArn))
 *   .targetValue(1000)
 *   .build();
 * // { PolicyName: 'gateway-request-scaling', PolicyType: 'TargetTrackingScaling', ...,
 * //   TargetTrackingScalingPolicyConfiguration: { TargetValue: 1000, PredefinedMetricSpecification: {
 * //     PredefinedMetricType: 'ALBRequestCountPerTarget',
 * //     ResourceLabel: 'app/flask-inventory-alb/50dc6c495c0c9188/targetgroup/gateway-tg/73e2d6bc24d8a067' } } }
 * ```
 */
export function targetTrackingPolicy(name: string): TargetTrackingPolicyBuilder {
  assertPolicyName(`targetTrackingPolicy ${show(name)}`, name);
  return new TargetTrackingPolicyBuilder({ name });
}

/** One step of a step-scaling policy, relative to the alarm threshold. */
export interface ScalingStep {
  /** Inclusive lower bound of (metric − threshold); omit for −∞. */
  readonly lowerBound?: number;
  /** Exclusive upper bound of (metric − threshold); omit for +∞. */
  readonly upperBound?: number;
  /** Tasks (or percent, or exact count) to apply, per the adjustment type. */
  readonly adjustment: number;
}

/** The fields a step policy's `.build()` needs that are not set yet. */
export type StepScalingRequired = 'target' | 'adjustmentType' | 'steps';

interface StepProps {
  readonly name: string;
  readonly resourceId?: CfnValue;
  readonly adjustmentType?: AdjustmentType;
  readonly steps: readonly ScalingStep[];
  readonly cooldown?: number;
  readonly aggregation?: MetricAggregation;
  readonly minAdjustmentMagnitude?: number;
}

function range(step: ScalingStep): string {
  return `[${step.lowerBound ?? '-infinity'}, ${step.upperBound ?? '+infinity'})`;
}

/**
 * Immutable builder for a step-scaling `PutScalingPolicy`: a CloudWatch
 * alarm triggers it and the size of the breach picks the step.
 *
 * @typeParam Missing - required fields not set yet (`never` when complete).
 * @example
 * ```ts
 * stepScalingPolicy('gateway-step-out').service('flask-inventory-cluster', 'gateway-service')
 *   .adjustmentType('ChangeInCapacity').step({ lowerBound: 0, adjustment: 1 }).build();
 * // { PolicyName: 'gateway-step-out', ServiceNamespace: 'ecs',
 * //   ResourceId: 'service/flask-inventory-cluster/gateway-service',
 * //   ScalableDimension: 'ecs:service:DesiredCount', PolicyType: 'StepScaling',
 * //   StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity',
 * //     StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] } }
 * ```
 */
export class StepScalingPolicyBuilder<Missing extends StepScalingRequired = StepScalingRequired> {
  /** @internal Type-level record of what is still missing. */
  declare readonly ['~missing']: Missing;
  readonly #props: StepProps;

  /** @internal Use {@link stepScalingPolicy}. */
  constructor(props: StepProps) {
    this.#props = freeze({ ...props });
  }

  #with<M extends StepScalingRequired>(patch: Partial<StepProps>): StepScalingPolicyBuilder<M> {
    return new StepScalingPolicyBuilder<M>({ ...this.#props, ...patch });
  }

  get #subject(): string {
    return `stepScalingPolicy "${this.#props.name}"`;
  }

  /** Attaches the policy to a scalable target (the builder or its `ref`). */
  target(target: PolicyTarget): StepScalingPolicyBuilder<Exclude<Missing, 'target'>> {
    return this.#with({ resourceId: targetRef(this.#subject, target) });
  }

  /** Attaches the policy to the ECS service `service/<cluster>/<service>`. */
  service(cluster: CfnValue, service: CfnValue): StepScalingPolicyBuilder<Exclude<Missing, 'target'>> {
    return this.#with({ resourceId: serviceResourceId(this.#subject, cluster, service) });
  }

  /** Attaches the policy to a resource id `service/<cluster>/<service>`. */
  resourceId(resourceId: CfnValue): StepScalingPolicyBuilder<Exclude<Missing, 'target'>> {
    assertResourceId(this.#subject, 'ResourceId', resourceId);
    return this.#with({ resourceId });
  }

  /** How each step's adjustment is read: a change in tasks, an exact count, or a percent change. */
  adjustmentType(type: AdjustmentType): StepScalingPolicyBuilder<Exclude<Missing, 'adjustmentType'>> {
    assertOneOf(this.#subject, `${SS}.AdjustmentType`, type, ['ChangeInCapacity', 'ExactCapacity', 'PercentChangeInCapacity']);
    return this.#with({ adjustmentType: type });
  }

  /** Adds a step; bounds are relative to the alarm threshold, lower inclusive, upper exclusive. */
  step(step: ScalingStep): StepScalingPolicyBuilder<Exclude<Missing, 'steps'>> {
    const path = `${SS}.StepAdjustments[${this.#props.steps.length}]`;
    if (!Number.isInteger(step.adjustment)) {
      fail(this.#subject, `${path}.ScalingAdjustment`, step.adjustment, 'ScalingAdjustment must be a whole number');
    }
    for (const key of ['lowerBound', 'upperBound'] as const) {
      const bound = step[key];
      if (bound !== undefined && !Number.isFinite(bound)) {
        fail(this.#subject, path, step, `${key} must be a finite number; omit it for an open end`);
      }
    }
    if (step.lowerBound !== undefined && step.upperBound !== undefined && step.upperBound <= step.lowerBound) {
      fail(this.#subject, path, step, 'upperBound must be greater than lowerBound');
    }
    return this.#with({ steps: [...this.#props.steps, { ...step }] });
  }

  /** Seconds after a scaling activity before the next one may start. */
  cooldownSeconds(seconds: number): StepScalingPolicyBuilder<Missing> {
    assertSeconds(this.#subject, `${SS}.Cooldown`, seconds);
    return this.#with({ cooldown: seconds });
  }

  /** How the metric is aggregated (`Average` by default on AWS). */
  metricAggregation(aggregation: MetricAggregation): StepScalingPolicyBuilder<Missing> {
    assertOneOf(this.#subject, `${SS}.MetricAggregationType`, aggregation, ['Average', 'Minimum', 'Maximum']);
    return this.#with({ aggregation });
  }

  /** The least number of tasks a `PercentChangeInCapacity` step changes by. */
  minAdjustmentMagnitude(tasks: number): StepScalingPolicyBuilder<Missing> {
    checkInt(this.#subject, `${SS}.MinAdjustmentMagnitude`, tasks, wholeNumberRule('MinAdjustmentMagnitude', 1));
    return this.#with({ minAdjustmentMagnitude: tasks });
  }

  #problems(): Problem[] {
    const p = this.#props;
    const problems: Problem[] = [];
    commonProblems(p, problems);
    if (p.adjustmentType === undefined) {
      problems.push({ path: `${SS}.AdjustmentType`, value: undefined, message: 'set .adjustmentType(type)' });
    }
    if (p.steps.length === 0) {
      problems.push({ path: `${SS}.StepAdjustments`, value: [], message: 'add at least one .step({ lowerBound, upperBound, adjustment })' });
    }
    const order = p.steps
      .map((step, index) => ({ step, index }))
      .sort((a, b) => (a.step.lowerBound ?? -Infinity) - (b.step.lowerBound ?? -Infinity));
    for (let i = 1; i < order.length; i++) {
      const prev = order[i - 1]!;
      const cur = order[i]!;
      const prevUpper = prev.step.upperBound ?? Infinity;
      const curLower = cur.step.lowerBound ?? -Infinity;
      if (curLower < prevUpper) {
        problems.push({
          path: `${SS}.StepAdjustments[${cur.index}]`,
          value: cur.step,
          message: `range ${range(cur.step)} overlaps StepAdjustments[${prev.index}] ${range(prev.step)}; step ranges must not overlap, start each step where the previous one ends`,
        });
      } else if (curLower > prevUpper) {
        problems.push({
          path: `${SS}.StepAdjustments[${cur.index}]`,
          value: cur.step,
          message: `range ${range(cur.step)} leaves a gap after StepAdjustments[${prev.index}] ${range(prev.step)}; set lowerBound to ${prevUpper}`,
        });
      }
    }
    if (p.adjustmentType === 'ExactCapacity') {
      p.steps.forEach((step, index) => {
        if (step.adjustment < 0) {
          problems.push({
            path: `${SS}.StepAdjustments[${index}].ScalingAdjustment`,
            value: step.adjustment,
            message: 'ExactCapacity sets the task count, so the adjustment must be 0 or more',
          });
        }
      });
    }
    if (p.minAdjustmentMagnitude !== undefined && p.adjustmentType !== 'PercentChangeInCapacity') {
      problems.push({
        path: `${SS}.MinAdjustmentMagnitude`,
        value: p.minAdjustmentMagnitude,
        message: 'MinAdjustmentMagnitude only applies to PercentChangeInCapacity; remove it or change the adjustment type',
      });
    }
    return problems;
  }

  #configuration() {
    const p = this.#props;
    return compact({
      AdjustmentType: p.adjustmentType as AdjustmentType,
      StepAdjustments: p.steps.map((s) =>
        compact({
          MetricIntervalLowerBound: s.lowerBound,
          MetricIntervalUpperBound: s.upperBound,
          ScalingAdjustment: s.adjustment,
        }),
      ),
      Cooldown: p.cooldown,
      MetricAggregationType: p.aggregation,
      MinAdjustmentMagnitude: p.minAdjustmentMagnitude,
    });
  }

  /**
   * The `PutScalingPolicyCommand` input.
   *
   * @throws {@link ValidationError} listing every problem.
   * @example
   * ```ts
   * stepScalingPolicy('gateway-step-out').service('flask-inventory-cluster', 'gateway-service')
   *   .adjustmentType('ChangeInCapacity')
   *   .step({ lowerBound: 0, upperBound: 20, adjustment: 1 })
   *   .step({ lowerBound: 20, adjustment: 2 })
   *   .cooldownSeconds(60).build();
   * // { PolicyName: 'gateway-step-out', ServiceNamespace: 'ecs', ResourceId: 'service/flask-inventory-cluster/gateway-service',
   * //   ScalableDimension: 'ecs:service:DesiredCount', PolicyType: 'StepScaling',
   * //   StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [
   * //     { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1 },
   * //     { MetricIntervalLowerBound: 20, ScalingAdjustment: 2 }], Cooldown: 60 } }
   * ```
   */
  build(this: StepScalingPolicyBuilder<never>): PutScalingPolicyCommandInput {
    const p = this.#props;
    const problems = this.#problems();
    const resourceId = literal(problems, 'ResourceId', p.resourceId);
    return policyInput(this.#subject, problems, p.name, resourceId, {
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: this.#configuration(),
    });
  }

  /**
   * The `AWS::ApplicationAutoScaling::ScalingPolicy` resource.
   *
   * @throws {@link ValidationError} listing every problem.
   * @example
   * ```ts
   * stepScalingPolicy('gateway-step-out').service('flask-inventory-cluster', 'gateway-service')
   *   .adjustmentType('ChangeInCapacity').step({ lowerBound: 0, adjustment: 1 })
   *   .toCloudFormation({ scalingTargetId: { Ref: 'GatewayScalableTarget' } });
   * // { Type: 'AWS::ApplicationAutoScaling::ScalingPolicy', Properties: {
   * //   PolicyName: 'gateway-step-out', PolicyType: 'StepScaling', ScalingTargetId: { Ref: 'GatewayScalableTarget' },
   * //   StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity',
   * //     StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] } } }
   * ```
   */
  toCloudFormation(
    this: StepScalingPolicyBuilder<never>,
    options?: PolicyCfnOptions,
  ): CfnResource<'AWS::ApplicationAutoScaling::ScalingPolicy', ScalingPolicyCfnProperties> {
    return policyResource(this.#subject, this.#problems(), this.#props, options, {
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: this.#configuration(),
    });
  }
}

/**
 * Starts a step-scaling policy (attach it to an alarm with
 * `metricAlarm(...).alarmActions(policyArn)`).
 *
 * @example
 * ```ts
 * stepScalingPolicy('gateway-step-out')
 *   .service('flask-inventory-cluster', 'gateway-service')
 *   .adjustmentType('PercentChangeInCapacity')
 *   .step({ lowerBound: 0, adjustment: 50 })
 *   .minAdjustmentMagnitude(1)
 *   .build();
 * // { PolicyName: 'gateway-step-out', PolicyType: 'StepScaling', ..., StepScalingPolicyConfiguration: {
 * //   AdjustmentType: 'PercentChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 50 }],
 * //   MinAdjustmentMagnitude: 1 } }
 * ```
 */
export function stepScalingPolicy(name: string): StepScalingPolicyBuilder {
  assertPolicyName(`stepScalingPolicy ${show(name)}`, name);
  return new StepScalingPolicyBuilder({ name, steps: [] });
}
