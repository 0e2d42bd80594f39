/**
 * CloudWatch builders: metrics, metric alarms and dashboards.
 *
 * @module
 */
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
