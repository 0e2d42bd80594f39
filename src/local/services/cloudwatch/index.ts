/**
 * The local cloud's CloudWatch (`monitoring`, JSON 1.0 and Query).
 *
 * @internal
 */
import type { ServiceDefinition } from '../../core/types.js';
import {
  deleteAlarms,
  describeAlarmHistory,
  describeAlarms,
  describeAlarmsForMetric,
  disableAlarmActions,
  enableAlarmActions,
  putMetricAlarm,
  setAlarmState,
} from './alarms.js';
import { deleteDashboards, getDashboard, listDashboards, putDashboard } from './dashboards.js';
import { getMetricData, getMetricStatistics, listMetrics, putMetricData } from './metrics.js';
import { listTagsForResource, tagResource, untagResource } from './tags.js';

/** CloudWatch service definition. */
export const cloudWatch: ServiceDefinition = {
  signingName: 'monitoring',
  protocols: ['json1.0', 'query'],
  targetPrefix: 'GraniteServiceVersion20100801',
  xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
  operations: {
    PutMetricData: putMetricData,
    GetMetricStatistics: getMetricStatistics,
    GetMetricData: getMetricData,
    ListMetrics: listMetrics,
    PutMetricAlarm: putMetricAlarm,
    DescribeAlarms: describeAlarms,
    DescribeAlarmsForMetric: describeAlarmsForMetric,
    DescribeAlarmHistory: describeAlarmHistory,
    DeleteAlarms: deleteAlarms,
    SetAlarmState: setAlarmState,
    EnableAlarmActions: enableAlarmActions,
    DisableAlarmActions: disableAlarmActions,
    PutDashboard: putDashboard,
    GetDashboard: getDashboard,
    ListDashboards: listDashboards,
    DeleteDashboards: deleteDashboards,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
  },
};
