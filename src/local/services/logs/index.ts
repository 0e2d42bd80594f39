/**
 * The local cloud's CloudWatch Logs (`logs`, JSON 1.1).
 *
 * @internal
 */
import type { ServiceDefinition } from '../../core/types.js';
import { filterLogEvents, getLogEvents, putLogEvents } from './events.js';
import { createLogGroup, deleteLogGroup, deleteRetentionPolicy, describeLogGroups, putRetentionPolicy } from './groups.js';
import { deleteMetricFilter, describeMetricFilters, putMetricFilter, testMetricFilter } from './metric-filters.js';
import { createLogStream, deleteLogStream, describeLogStreams } from './streams.js';
import { listTagsForResource, listTagsLogGroup, tagLogGroup, tagResource, untagLogGroup, untagResource } from './tags.js';

/** CloudWatch Logs service definition. */
export const cloudWatchLogs: ServiceDefinition = {
  signingName: 'logs',
  protocols: ['json1.1'],
  targetPrefix: 'Logs_20140328',
  operations: {
    CreateLogGroup: createLogGroup,
    DescribeLogGroups: describeLogGroups,
    DeleteLogGroup: deleteLogGroup,
    PutRetentionPolicy: putRetentionPolicy,
    DeleteRetentionPolicy: deleteRetentionPolicy,
    CreateLogStream: createLogStream,
    DeleteLogStream: deleteLogStream,
    DescribeLogStreams: describeLogStreams,
    PutLogEvents: putLogEvents,
    GetLogEvents: getLogEvents,
    FilterLogEvents: filterLogEvents,
    PutMetricFilter: putMetricFilter,
    DescribeMetricFilters: describeMetricFilters,
    DeleteMetricFilter: deleteMetricFilter,
    TestMetricFilter: testMetricFilter,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
    TagLogGroup: tagLogGroup,
    UntagLogGroup: untagLogGroup,
    ListTagsLogGroup: listTagsLogGroup,
  },
};
