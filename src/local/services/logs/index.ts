/**
 * The local cloud's CloudWatch Logs (`logs`, JSON 1.1): log groups, streams
 * and events; metric filters that publish CloudWatch datapoints; resource
 * policies; and, stored only (nothing is delivered), subscription filters,
 * subscription destinations and vended-log deliveries.
 *
 * @internal
 */
import type { ServiceDefinition } from '../../core/types.js';
import { filterLogEvents, getLogEvents, putLogEvents } from './events.js';
import { createLogGroup, deleteLogGroup, deleteRetentionPolicy, describeLogGroups, putRetentionPolicy } from './groups.js';
import { deleteMetricFilter, describeMetricFilters, putMetricFilter, testMetricFilter } from './metric-filters.js';
import {
  createDelivery,
  deleteDelivery,
  deleteDeliveryDestination,
  deleteDeliveryDestinationPolicy,
  deleteDeliverySource,
  describeDeliveries,
  describeDeliveryDestinations,
  describeDeliverySources,
  getDeliveryDestination,
  getDeliveryDestinationPolicy,
  getDelivery,
  getDeliverySource,
  putDeliveryDestination,
  putDeliveryDestinationPolicy,
  putDeliverySource,
  updateDeliveryConfiguration,
} from './deliveries.js';
import { deleteResourcePolicy, describeResourcePolicies, putResourcePolicy } from './resource-policies.js';
import { createLogStream, deleteLogStream, describeLogStreams } from './streams.js';
import {
  deleteDestination,
  deleteSubscriptionFilter,
  describeDestinations,
  describeSubscriptionFilters,
  putDestination,
  putDestinationPolicy,
  putSubscriptionFilter,
} from './subscriptions.js';
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
    PutResourcePolicy: putResourcePolicy,
    DescribeResourcePolicies: describeResourcePolicies,
    DeleteResourcePolicy: deleteResourcePolicy,
    PutSubscriptionFilter: putSubscriptionFilter,
    DescribeSubscriptionFilters: describeSubscriptionFilters,
    DeleteSubscriptionFilter: deleteSubscriptionFilter,
    PutDestination: putDestination,
    PutDestinationPolicy: putDestinationPolicy,
    DescribeDestinations: describeDestinations,
    DeleteDestination: deleteDestination,
    PutDeliverySource: putDeliverySource,
    GetDeliverySource: getDeliverySource,
    DescribeDeliverySources: describeDeliverySources,
    DeleteDeliverySource: deleteDeliverySource,
    PutDeliveryDestination: putDeliveryDestination,
    GetDeliveryDestination: getDeliveryDestination,
    DescribeDeliveryDestinations: describeDeliveryDestinations,
    DeleteDeliveryDestination: deleteDeliveryDestination,
    PutDeliveryDestinationPolicy: putDeliveryDestinationPolicy,
    GetDeliveryDestinationPolicy: getDeliveryDestinationPolicy,
    DeleteDeliveryDestinationPolicy: deleteDeliveryDestinationPolicy,
    CreateDelivery: createDelivery,
    GetDelivery: getDelivery,
    DescribeDeliveries: describeDeliveries,
    DeleteDelivery: deleteDelivery,
    UpdateDeliveryConfiguration: updateDeliveryConfiguration,
  },
};
