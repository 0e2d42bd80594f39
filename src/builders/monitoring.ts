/**
 * Application Auto Scaling and CloudWatch builders: scalable targets,
 * target-tracking and step scaling policies, ALB resource labels and metric
 * dimensions, metric alarms and dashboards.
 *
 * @module
 */
export { scalableTarget, ScalableTargetBuilder } from './scalable-target-builder.js';
export type {
  ScalableTargetCfnProperties,
  ScalableTargetRef,
  ScalableTargetRequired,
  SuspendedScaling,
} from './scalable-target-builder.js';
export {
  stepScalingPolicy,
  StepScalingPolicyBuilder,
  targetTrackingPolicy,
  TargetTrackingPolicyBuilder,
} from './scaling-policy-builder.js';
export type {
  AdjustmentType,
  EcsPredefinedMetric,
  MetricAggregation,
  PolicyCfnOptions,
  PolicyTarget,
  ResourceLabelArgs,
  ScalingPolicyCfnProperties,
  ScalingStep,
  StepScalingRequired,
  TargetTrackingRequired,
} from './scaling-policy-builder.js';
export {
  albResourceLabel,
  cfnAlbResourceLabel,
  loadBalancerDimension,
  targetGroupDimension,
} from './resource-label.js';
export { albMetric, containerInsightsMetric, ecsServiceMetric, targetGroupMetric } from './metrics.js';
export type {
  AlbMetricName,
  ContainerInsightsMetricName,
  EcsServiceMetricName,
  MetricSpec,
  TargetGroupMetricName,
} from './metrics.js';
export { metricAlarm, MetricAlarmBuilder } from './alarm-builder.js';
export type {
  AlarmCfnProperties,
  AlarmComparison,
  AlarmRequired,
  AlarmStatistic,
  MetricUnit,
  TreatMissingData,
} from './alarm-builder.js';
export { dashboard, DashboardBuilder, metricWidget, MetricWidgetBuilder } from './dashboard-builder.js';
export type {
  DashboardBody,
  DashboardCfnProperties,
  MetricRenderOptions,
  MetricRow,
  MetricWidgetJson,
  WidgetView,
} from './dashboard-builder.js';
