/**
 * CloudWatch metric references with the right namespace and dimensions, for
 * alarms and dashboard widgets: `ecsServiceMetric()`, `albMetric()`,
 * `targetGroupMetric()`, `containerInsightsMetric()`.
 *
 * @module
 */
import type { CfnValue } from '../shared/cfn-value.js';
import { fail } from '../shared/validation.js';
import { loadBalancerDimension, targetGroupDimension } from '../scaling/resource-label.js';

/** A CloudWatch metric: namespace, name and dimensions (object form, in order). */
export interface MetricSpec {
  /** e.g. `AWS/ECS`. */
  readonly namespace: string;
  /** e.g. `CPUUtilization`. */
  readonly metricName: string;
  /** Dimension name → value, e.g. `{ ServiceName: 'gateway-service', ClusterName: 'flask-inventory-cluster' }`. */
  readonly dimensions: Readonly<Record<string, CfnValue>>;
}

/** Metrics `AWS/ECS` publishes per service (any other name is accepted too). */
export type EcsServiceMetricName = 'CPUUtilization' | 'MemoryUtilization' | (string & {});

/** Metrics `AWS/ApplicationELB` publishes per load balancer (any other name is accepted too). */
export type AlbMetricName =
  | 'RequestCount'
  | 'TargetResponseTime'
  | 'ActiveConnectionCount'
  | 'NewConnectionCount'
  | 'HTTPCode_ELB_4XX_Count'
  | 'HTTPCode_ELB_5XX_Count'
  | 'HTTPCode_Target_2XX_Count'
  | 'HTTPCode_Target_4XX_Count'
  | 'HTTPCode_Target_5XX_Count'
  | 'ProcessedBytes'
  | (string & {});

/** Metrics `AWS/ApplicationELB` publishes per target group (any other name is accepted too). */
export type TargetGroupMetricName =
  | 'RequestCount'
  | 'RequestCountPerTarget'
  | 'TargetResponseTime'
  | 'HealthyHostCount'
  | 'UnHealthyHostCount'
  | 'HTTPCode_Target_2XX_Count'
  | 'HTTPCode_Target_5XX_Count'
  | (string & {});

/** Metrics `ECS/ContainerInsights` publishes per service (any other name is accepted too). */
export type ContainerInsightsMetricName =
  | 'RunningTaskCount'
  | 'DesiredTaskCount'
  | 'PendingTaskCount'
  | 'CpuUtilized'
  | 'MemoryUtilized'
  | (string & {});

function assertName(subject: string, path: string, value: string): void {
  if (typeof value !== 'string' || value.length < 1 || value.length > 255) {
    fail(subject, path, value, `${path} must be 1-255 characters`);
  }
}

/**
 * A metric of one ECS service in `AWS/ECS`, with the `ServiceName` and
 * `ClusterName` dimensions ECS publishes it under (lab 9.1).
 *
 * @example
 * ```ts
 * ecsServiceMetric('flask-inventory-cluster', 'gateway-service', 'CPUUtilization');
 * // { namespace: 'AWS/ECS', metricName: 'CPUUtilization',
 * //   dimensions: { ServiceName: 'gateway-service', ClusterName: 'flask-inventory-cluster' } }
 * ```
 */
export function ecsServiceMetric(cluster: CfnValue, service: CfnValue, metricName: EcsServiceMetricName): MetricSpec {
  assertName('ecsServiceMetric', 'metricName', metricName);
  return { namespace: 'AWS/ECS', metricName, dimensions: { ServiceName: service, ClusterName: cluster } };
}

/**
 * A Container Insights metric of one ECS service in `ECS/ContainerInsights`
 * (needs Container Insights enabled on the cluster, lab 9.5).
 *
 * @example
 * ```ts
 * containerInsightsMetric('flask-inventory-cluster', 'gateway-service', 'RunningTaskCount');
 * // { namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount',
 * //   dimensions: { ServiceName: 'gateway-service', ClusterName: 'flask-inventory-cluster' } }
 * ```
 */
export function containerInsightsMetric(
  cluster: CfnValue,
  service: CfnValue,
  metricName: ContainerInsightsMetricName,
): MetricSpec {
  assertName('containerInsightsMetric', 'metricName', metricName);
  return { namespace: 'ECS/ContainerInsights', metricName, dimensions: { ServiceName: service, ClusterName: cluster } };
}

/**
 * A load-balancer-level metric in `AWS/ApplicationELB`, with the
 * `LoadBalancer` dimension derived correctly from the ARN (`app/NAME/ID`).
 *
 * @throws {@link ValidationError} when the ARN is not an ALB ARN.
 * @example
 * ```ts
 * albMetric('arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/flask-inventory-alb/50dc6c495c0c9188', 'RequestCount');
 * // { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount',
 * //   dimensions: { LoadBalancer: 'app/flask-inventory-alb/50dc6c495c0c9188' } }
 * ```
 */
export function albMetric(loadBalancerArn: string, metricName: AlbMetricName): MetricSpec {
  assertName('albMetric', 'metricName', metricName);
  return {
    namespace: 'AWS/ApplicationELB',
    metricName,
    dimensions: { LoadBalancer: loadBalancerDimension(loadBalancerArn) },
  };
}

/**
 * A target-group-level metric in `AWS/ApplicationELB`, with the
 * `TargetGroup` and `LoadBalancer` dimensions derived from the two ARNs.
 *
 * @throws {@link ValidationError} when either ARN is malformed.
 * @example
 * ```ts
 * targetGroupMetric(albArn, 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-tg/73e2d6bc24d8a067', 'HealthyHostCount');
 * // { namespace: 'AWS/ApplicationELB', metricName: 'HealthyHostCount',
 * //   dimensions: { TargetGroup: 'targetgroup/gateway-tg/73e2d6bc24d8a067',
 * //                 LoadBalancer: 'app/flask-inventory-alb/50dc6c495c0c9188' } }
 * ```
 */
export function targetGroupMetric(
  loadBalancerArn: string,
  targetGroupArn: string,
  metricName: TargetGroupMetricName,
): MetricSpec {
  assertName('targetGroupMetric', 'metricName', metricName);
  return {
    namespace: 'AWS/ApplicationELB',
    metricName,
    dimensions: {
      TargetGroup: targetGroupDimension(targetGroupArn),
      LoadBalancer: loadBalancerDimension(loadBalancerArn),
    },
  };
}
