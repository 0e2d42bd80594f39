/**
 * The local cloud's Application Auto Scaling (`application-autoscaling`,
 * JSON 1.1).
 *
 * @internal
 */
import type { ServiceDefinition } from '../../core/types.js';
import { deleteScalingPolicy, describeScalingActivities, describeScalingPolicies, putScalingPolicy } from './policies.js';
import { deleteScheduledAction, describeScheduledActions, putScheduledAction } from './scheduled-actions.js';
import { listTagsForResource, tagResource, untagResource } from './tags.js';
import { deregisterScalableTarget, describeScalableTargets, registerScalableTarget } from './targets.js';

/** Application Auto Scaling service definition. */
export const applicationAutoScaling: ServiceDefinition = {
  signingName: 'application-autoscaling',
  protocols: ['json1.1'],
  targetPrefix: 'AnyScaleFrontendService',
  operations: {
    RegisterScalableTarget: registerScalableTarget,
    DescribeScalableTargets: describeScalableTargets,
    DeregisterScalableTarget: deregisterScalableTarget,
    PutScalingPolicy: putScalingPolicy,
    DescribeScalingPolicies: describeScalingPolicies,
    DeleteScalingPolicy: deleteScalingPolicy,
    DescribeScalingActivities: describeScalingActivities,
    PutScheduledAction: putScheduledAction,
    DescribeScheduledActions: describeScheduledActions,
    DeleteScheduledAction: deleteScheduledAction,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
  },
};
