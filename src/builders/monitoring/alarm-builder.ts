/**
 * `metricAlarm(name)`: a CloudWatch alarm on one metric (lab 9.3).
 *
 * @module
 */
import type { PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { isCfnIntrinsic, type CfnResource, type CfnValue, type KeyValueTag } from '../shared/cfn-value.js';
import { keyValueTag, mergeTags } from '../shared/tags.js';
import { checkInt, compact, fail, freeze, throwIfProblems, wholeNumberRule } from '../shared/validation.js';
import { show, type Problem } from '../validation-error.js';
import type { MetricSpec } from './metrics.js';
import { literal } from '../scaling/scalable-target-builder.js';

/** The statistics CloudWatch computes without a percentile. */
export type AlarmStatistic = 'Average' | 'Maximum' | 'Minimum' | 'SampleCount' | 'Sum';

/** Comparisons against a static threshold. */
export type AlarmComparison =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

/** How the alarm treats periods with no datapoints. */
export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

/** CloudWatch units (SDK `StandardUnit`). */
export type MetricUnit = NonNullable<PutMetricAlarmCommandInput['Unit']>;

const STATISTICS: readonly AlarmStatistic[] = ['Average', 'Maximum', 'Minimum', 'SampleCount', 'Sum'];
const COMPARISONS: readonly AlarmComparison[] = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];
const MISSING: readonly TreatMissingData[] = ['breaching', 'notBreaching', 'ignore', 'missing'];
const EXTENDED = /^(p|tm|wm|tc|ts)(\d{1,2}(\.\d{1,10})?|100)$/;

/** @internal Period rule shared with dashboards. */
export function periodProblem(seconds: number): string | undefined {
  if (Number.isInteger(seconds) && seconds > 0 && (seconds === 10 || seconds === 30 || seconds % 60 === 0)) return undefined;
  return 'Period must be 10, 30 or a multiple of 60 seconds (60, 300, ...)';
}

/** @internal Checks dimensions object form; throws at once. */
export function assertDimensions(subject: string, dimensions: Readonly<Record<string, CfnValue>>): void {
  const entries = Object.entries(dimensions);
  if (entries.length > 30) {
    fail(subject, 'Dimensions', dimensions, `a metric has at most 30 dimensions, got ${entries.length}; remove some`);
  }
  for (const [name, value] of entries) {
    if (name.length < 1 || name.length > 255) {
      fail(subject, `Dimensions.${name}`, name, 'dimension name must be 1-255 characters');
    }
    if (!isCfnIntrinsic(value) && (typeof value !== 'string' || value.length < 1 || value.length > 1024)) {
      fail(subject, `Dimensions.${name}`, value, 'dimension value must be a string of 1-1024 characters');
    }
  }
}

/** The fields `.build()` needs that are not set yet. */
export type AlarmRequired = 'metric' | 'threshold' | 'comparisonOperator' | 'evaluationPeriods' | 'period';

/** CloudFormation `AWS::CloudWatch::Alarm` properties. */
export interface AlarmCfnProperties {
  /** Name. */ readonly AlarmName: string;
  /** Description. */ readonly AlarmDescription?: string;
  /** Whether actions run. */ readonly ActionsEnabled?: boolean;
  /** Actions on ALARM. */ readonly AlarmActions?: readonly CfnValue[];
  /** Actions on OK. */ readonly OKActions?: readonly CfnValue[];
  /** Actions on INSUFFICIENT_DATA. */ readonly InsufficientDataActions?: readonly CfnValue[];
  /** Metric name. */ readonly MetricName: string;
  /** Metric namespace. */ readonly Namespace: string;
  /** Statistic. */ readonly Statistic?: AlarmStatistic;
  /** Percentile statistic. */ readonly ExtendedStatistic?: string;
  /** Dimensions as a list. */ readonly Dimensions?: readonly {
    /** Dimension name, e.g. `ClusterName`, `ServiceName`, `LoadBalancer`. */
    readonly Name: string;
    /** Dimension value (1-1024 characters), or an intrinsic producing it. */
    readonly Value: CfnValue;
  }[];
  /** Seconds per period. */ readonly Period: number;
  /** Unit. */ readonly Unit?: MetricUnit;
  /** Periods evaluated. */ readonly EvaluationPeriods: number;
  /** Breaching periods needed. */ readonly DatapointsToAlarm?: number;
  /** Threshold. */ readonly Threshold: number;
  /** Comparison. */ readonly ComparisonOperator: AlarmComparison;
  /** Missing-data treatment. */ readonly TreatMissingData?: TreatMissingData;
  /** Tags. */ readonly Tags?: readonly {
    /** Tag key. */
    readonly Key: string;
    /** Tag value. */
    readonly Value: string;
  }[];
}

interface Props {
  readonly name: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions?: Readonly<Record<string, CfnValue>>;
  readonly statistic?: AlarmStatistic;
  readonly extendedStatistic?: string;
  readonly period?: number;
  readonly threshold?: number;
  readonly comparison?: AlarmComparison;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  readonly treatMissingData?: TreatMissingData;
  readonly alarmActions?: readonly CfnValue[];
  readonly okActions?: readonly CfnValue[];
  readonly insufficientDataActions?: readonly CfnValue[];
  readonly actionsEnabled?: boolean;
  readonly description?: string;
  readonly unit?: MetricUnit;
  readonly tags?: readonly KeyValueTag[];
}

/**
 * Immutable builder for `PutMetricAlarm` on a single metric with a static
 * threshold.
 *
 * @typeParam Missing - required fields not set yet (`never` when complete).
 * @example
 * ```ts
 * metricAlarm('ecs-gateway-high-cpu')
 *   .metric(ecsServiceMetric('flask-inventory-cluster', 'gateway-service', 'CPUUtilization'))
 *   .statistic('Average').periodSeconds(300).evaluationPeriods(2)
 *   .threshold(80).comparisonOperator('GreaterThanThreshold')
 *   .build();
 * // { AlarmName: 'ecs-gateway-high-cpu', MetricName: 'CPUUtilization', Namespace: 'AWS/ECS',
 * //   Statistic: 'Average', Dimensions: [{ Name: 'ServiceName', Value: 'gateway-service' },
 * //     { Name: 'ClusterName', Value: 'flask-inventory-cluster' }],
 * //   Period: 300, EvaluationPeriods: 2, Threshold: 80, ComparisonOperator: 'GreaterThanThreshold' }
 * ```
 */
export class MetricAlarmBuilder<Missing extends AlarmRequired = AlarmRequired> {
  /** @internal Type-level record of what is still missing. */
  declare readonly ['~missing']: Missing;
  readonly #props: Props;

  /** @internal Use {@link metricAlarm}. */
  constructor(props: Props) {
    this.#props = freeze({ ...props });
  }

  #with<M extends AlarmRequired>(patch: Partial<Props>): MetricAlarmBuilder<M> {
    return new MetricAlarmBuilder<M>({ ...this.#props, ...patch });
  }

  get #subject(): string {
    return `metricAlarm "${this.#props.name}"`;
  }

  /**
   * The metric: a {@link MetricSpec} (from `ecsServiceMetric()`, `albMetric()`, …)
   * or a namespace and metric name (add dimensions with `.dimensions()`).
   */
  metric(spec: MetricSpec): MetricAlarmBuilder<Exclude<Missing, 'metric'>>;
  metric(namespace: string, metricName: string): MetricAlarmBuilder<Exclude<Missing, 'metric'>>;
  metric(specOrNamespace: MetricSpec | string, metricName?: string): MetricAlarmBuilder<Exclude<Missing, 'metric'>> {
    const spec: MetricSpec =
      typeof specOrNamespace === 'string'
        ? { namespace: specOrNamespace, metricName: metricName as string, dimensions: {} }
        : specOrNamespace;
    if (typeof spec.namespace !== 'string' || spec.namespace.length < 1 || spec.namespace.length > 255) {
      fail(this.#subject, 'Namespace', spec.namespace, 'Namespace must be 1-255 characters, e.g. "AWS/ECS"');
    }
    if (typeof spec.metricName !== 'string' || spec.metricName.length < 1 || spec.metricName.length > 255) {
      fail(this.#subject, 'MetricName', spec.metricName, 'MetricName must be 1-255 characters, e.g. "CPUUtilization"');
    }
    const dimensions = { ...this.#props.dimensions, ...spec.dimensions };
    assertDimensions(this.#subject, dimensions);
    return this.#with({ namespace: spec.namespace, metricName: spec.metricName, dimensions });
  }

  /** Adds dimensions (object form, merged with the metric's). */
  dimensions(dimensions: Readonly<Record<string, CfnValue>>): MetricAlarmBuilder<Missing> {
    const merged = { ...this.#props.dimensions, ...dimensions };
    assertDimensions(this.#subject, merged);
    return this.#with({ dimensions: merged });
  }

  /** A plain statistic (`Average`, `Sum`, …); use either this or `.extendedStatistic()`. */
  statistic(statistic: AlarmStatistic): MetricAlarmBuilder<Missing> {
    if (!STATISTICS.includes(statistic)) {
      fail(this.#subject, 'Statistic', statistic, `must be one of ${STATISTICS.map((s) => show(s)).join(', ')}; for percentiles use .extendedStatistic('p99')`);
    }
    return this.#with({ statistic });
  }

  /** A percentile or trimmed statistic such as `p99` or `tm90`; use either this or `.statistic()`. */
  extendedStatistic(statistic: string): MetricAlarmBuilder<Missing> {
    if (typeof statistic !== 'string' || !EXTENDED.test(statistic)) {
      fail(this.#subject, 'ExtendedStatistic', statistic, 'extended statistic must be p, tm, wm, tc or ts followed by 0-100, e.g. "p99"');
    }
    return this.#with({ extendedStatistic: statistic });
  }

  /** Seconds per evaluated period: 10, 30 or a multiple of 60. */
  periodSeconds(seconds: number): MetricAlarmBuilder<Exclude<Missing, 'period'>> {
    const problem = periodProblem(seconds);
    if (problem) fail(this.#subject, 'Period', seconds, problem);
    return this.#with({ period: seconds });
  }

  /** The value compared with the statistic. */
  threshold(value: number): MetricAlarmBuilder<Exclude<Missing, 'threshold'>> {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      fail(this.#subject, 'Threshold', value, 'Threshold must be a finite number');
    }
    return this.#with({ threshold: value });
  }

  /** How the statistic is compared with the threshold. */
  comparisonOperator(operator: AlarmComparison): MetricAlarmBuilder<Exclude<Missing, 'comparisonOperator'>> {
    if (!COMPARISONS.includes(operator)) {
      fail(this.#subject, 'ComparisonOperator', operator, `must be one of ${COMPARISONS.map((c) => show(c)).join(', ')}`);
    }
    return this.#with({ comparison: operator });
  }

  /** How many recent periods are evaluated (1 or more). */
  evaluationPeriods(periods: number): MetricAlarmBuilder<Exclude<Missing, 'evaluationPeriods'>> {
    checkInt(this.#subject, 'EvaluationPeriods', periods, wholeNumberRule('EvaluationPeriods', 1));
    return this.#with({ evaluationPeriods: periods });
  }

  /** How many of the evaluated periods must breach ("M out of N"); at most `evaluationPeriods`. */
  datapointsToAlarm(datapoints: number): MetricAlarmBuilder<Missing> {
    checkInt(this.#subject, 'DatapointsToAlarm', datapoints, wholeNumberRule('DatapointsToAlarm', 1));
    return this.#with({ datapointsToAlarm: datapoints });
  }

  /** How periods without data count. */
  treatMissingData(treatment: TreatMissingData): MetricAlarmBuilder<Missing> {
    if (!MISSING.includes(treatment)) {
      fail(this.#subject, 'TreatMissingData', treatment, `must be one of ${MISSING.map((m) => show(m)).join(', ')}`);
    }
    return this.#with({ treatMissingData: treatment });
  }

  #actions(path: string, current: readonly CfnValue[] | undefined, arns: readonly CfnValue[]): CfnValue[] {
    const all = [...(current ?? []), ...arns];
    for (const [i, arn] of all.entries()) {
      if (!isCfnIntrinsic(arn) && (typeof arn !== 'string' || !arn.startsWith('arn:'))) {
        fail(this.#subject, `${path}[${i}]`, arn, 'an action must be an ARN (SNS topic, scaling policy, EC2 or SSM action)');
      }
    }
    if (all.length > 5) fail(this.#subject, path, all, `at most 5 actions per state, got ${all.length}`);
    return all;
  }

  /** ARNs to notify or run on ALARM (SNS topics, step-scaling policies); appended. */
  alarmActions(...arns: CfnValue[]): MetricAlarmBuilder<Missing> {
    return this.#with({ alarmActions: this.#actions('AlarmActions', this.#props.alarmActions, arns) });
  }

  /** ARNs to notify or run on OK; appended. */
  okActions(...arns: CfnValue[]): MetricAlarmBuilder<Missing> {
    return this.#with({ okActions: this.#actions('OKActions', this.#props.okActions, arns) });
  }

  /** ARNs to notify or run on INSUFFICIENT_DATA; appended. */
  insufficientDataActions(...arns: CfnValue[]): MetricAlarmBuilder<Missing> {
    return this.#with({
      insufficientDataActions: this.#actions('InsufficientDataActions', this.#props.insufficientDataActions, arns),
    });
  }

  /** Turns actions on or off without removing them. */
  actionsEnabled(enabled: boolean): MetricAlarmBuilder<Missing> {
    return this.#with({ actionsEnabled: enabled });
  }

  /** Free-text description (up to 1024 characters). */
  description(text: string): MetricAlarmBuilder<Missing> {
    if (typeof text !== 'string' || text.length > 1024) {
      fail(this.#subject, 'AlarmDescription', text, 'AlarmDescription must be at most 1024 characters');
    }
    return this.#with({ description: text });
  }

  /** The metric's unit (filters datapoints by unit). */
  unit(unit: MetricUnit): MetricAlarmBuilder<Missing> {
    return this.#with({ unit });
  }

  /** Tags (merged with earlier calls). */
  tags(tags: Readonly<Record<string, string>>): MetricAlarmBuilder<Missing> {
    return this.#with({ tags: mergeTags(this.#props.tags, Object.entries(tags), keyValueTag) });
  }

  #problems(): Problem[] {
    const p = this.#props;
    const problems: Problem[] = [];
    if (p.metricName === undefined) {
      problems.push({ path: 'MetricName', value: undefined, message: 'set the metric with .metric(ecsServiceMetric(...)) or .metric(namespace, name)' });
    }
    if (p.statistic !== undefined && p.extendedStatistic !== undefined) {
      problems.push({
        path: 'Statistic',
        value: { Statistic: p.statistic, ExtendedStatistic: p.extendedStatistic },
        message: 'set either statistic or extendedStatistic, not both',
      });
    } else if (p.statistic === undefined && p.extendedStatistic === undefined) {
      problems.push({ path: 'Statistic', value: undefined, message: "set .statistic('Average') or .extendedStatistic('p99')" });
    }
    if (p.period === undefined) problems.push({ path: 'Period', value: undefined, message: 'set .periodSeconds(seconds)' });
    if (p.threshold === undefined) problems.push({ path: 'Threshold', value: undefined, message: 'set .threshold(value)' });
    if (p.comparison === undefined) {
      problems.push({ path: 'ComparisonOperator', value: undefined, message: 'set .comparisonOperator(operator)' });
    }
    if (p.evaluationPeriods === undefined) {
      problems.push({ path: 'EvaluationPeriods', value: undefined, message: 'set .evaluationPeriods(periods)' });
    }
    if (p.datapointsToAlarm !== undefined && p.evaluationPeriods !== undefined && p.datapointsToAlarm > p.evaluationPeriods) {
      problems.push({
        path: 'DatapointsToAlarm',
        value: p.datapointsToAlarm,
        message: `DatapointsToAlarm must not exceed EvaluationPeriods (${p.evaluationPeriods}); lower it or raise evaluationPeriods`,
      });
    }
    return problems;
  }

  #shape<V>(dimension: (path: string, value: CfnValue) => V, action: (path: string, value: CfnValue) => V) {
    const p = this.#props;
    const dims = Object.entries(p.dimensions ?? {});
    const list = (path: string, arns: readonly CfnValue[] | undefined) => arns?.map((a, i) => action(`${path}[${i}]`, a));
    return compact({
      AlarmName: p.name,
      AlarmDescription: p.description,
      ActionsEnabled: p.actionsEnabled,
      AlarmActions: list('AlarmActions', p.alarmActions),
      OKActions: list('OKActions', p.okActions),
      InsufficientDataActions: list('InsufficientDataActions', p.insufficientDataActions),
      MetricName: p.metricName as string,
      Namespace: p.namespace as string,
      Statistic: p.statistic,
      ExtendedStatistic: p.extendedStatistic,
      Dimensions: dims.length ? dims.map(([Name, Value], i) => ({ Name, Value: dimension(`Dimensions[${i}].Value`, Value) })) : undefined,
      Period: p.period as number,
      Unit: p.unit,
      EvaluationPeriods: p.evaluationPeriods as number,
      DatapointsToAlarm: p.datapointsToAlarm,
      Threshold: p.threshold as number,
      ComparisonOperator: p.comparison as AlarmComparison,
      TreatMissingData: p.treatMissingData,
      Tags: p.tags?.map((tag) => ({ ...tag })),
    });
  }

  /**
   * The `PutMetricAlarmCommand` input.
   *
   * @throws {@link ValidationError} listing every problem.
   * @example
   * ```ts
   * metricAlarm('ecs-gateway-high-cpu')
   *   .description('Alert when gateway CPU > 80%')
   *   .metric(ecsServiceMetric('flask-inventory-cluster', 'gateway-service', 'CPUUtilization'))
   *   .statistic('Average').periodSeconds(300).threshold(80)
   *   .comparisonOperator('GreaterThanThreshold').evaluationPeriods(2).build();
   * // { AlarmName: 'ecs-gateway-high-cpu', AlarmDescription: 'Alert when gateway CPU > 80%',
   * //   MetricName: 'CPUUtilization', Namespace: 'AWS/ECS', Statistic: 'Average', Period: 300,
   * //   Threshold: 80, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2,
   * //   Dimensions: [{ Name: 'ServiceName', Value: 'gateway-service' },
   * //                { Name: 'ClusterName', Value: 'flask-inventory-cluster' }] }
   * ```
   */
  build(this: MetricAlarmBuilder<never>): PutMetricAlarmCommandInput {
    const problems = this.#problems();
    const resolve = (path: string, value: CfnValue) => literal(problems, path, value) as string;
    const input = this.#shape(resolve, resolve);
    throwIfProblems(this.#subject, problems);
    return input;
  }

  /**
   * The `AWS::CloudWatch::Alarm` resource; dimension values and actions may
   * be intrinsics (`{ Ref: 'GatewayStepPolicy' }`).
   *
   * @throws {@link ValidationError} listing every problem.
   * @example
   * ```ts
   * metricAlarm('ecs-gateway-high-cpu').metric(ecsServiceMetric({ Ref: 'ECSCluster' }, 'gateway-service', 'CPUUtilization'))
   *   .statistic('Average').periodSeconds(300).threshold(80)
   *   .comparisonOperator('GreaterThanThreshold').evaluationPeriods(2).toCloudFormation();
   * // { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'ecs-gateway-high-cpu', MetricName: 'CPUUtilization',
   * //   Namespace: 'AWS/ECS', Statistic: 'Average', Period: 300, Threshold: 80, ComparisonOperator: 'GreaterThanThreshold',
   * //   EvaluationPeriods: 2, Dimensions: [{ Name: 'ServiceName', Value: 'gateway-service' },
   * //                                      { Name: 'ClusterName', Value: { Ref: 'ECSCluster' } }] } }
   * ```
   */
  toCloudFormation(this: MetricAlarmBuilder<never>): CfnResource<'AWS::CloudWatch::Alarm', AlarmCfnProperties> {
    throwIfProblems(this.#subject, this.#problems());
    const keep = (_path: string, value: CfnValue) => value;
    return { Type: 'AWS::CloudWatch::Alarm', Properties: this.#shape(keep, keep) };
  }
}

/**
 * Starts a CloudWatch metric alarm.
 *
 * @throws {@link ValidationError} when the name is not 1-255 characters.
 * @example
 * ```ts
 * metricAlarm('ecs-gateway-task-failures')
 *   .metric('AWS/ECS', 'RunningTaskCount')
 *   .dimensions({ ServiceName: 'gateway-service', ClusterName: 'flask-inventory-cluster' })
 *   .statistic('Average').periodSeconds(60).threshold(1)
 *   .comparisonOperator('LessThanThreshold').evaluationPeriods(2)
 *   .build();
 * // { AlarmName: 'ecs-gateway-task-failures', MetricName: 'RunningTaskCount', Namespace: 'AWS/ECS',
 * //   Statistic: 'Average', Period: 60, Threshold: 1, ComparisonOperator: 'LessThanThreshold',
 * //   EvaluationPeriods: 2, Dimensions: [...] }
 * ```
 */
export function metricAlarm(name: string): MetricAlarmBuilder {
  if (typeof name !== 'string' || name.length < 1 || name.length > 255) {
    fail('metricAlarm', 'AlarmName', name, 'AlarmName must be 1-255 characters');
  }
  return new MetricAlarmBuilder({ name });
}
