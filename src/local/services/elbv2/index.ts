/**
 * The local cloud's Elastic Load Balancing v2: load balancers, target groups
 * and targets, listeners, rules and tags. State and the accessors the
 * runtime uses live in `state.ts`.
 *
 * @internal
 */
import type { ServiceDefinition } from '../../core/types.js';
import { createListener, deleteListener, describeListeners, modifyListener } from './listeners.js';
import {
  createLoadBalancer,
  deleteLoadBalancer,
  describeLoadBalancerAttributes,
  describeLoadBalancers,
  modifyLoadBalancerAttributes,
} from './load-balancers.js';
import { createRule, deleteRule, describeRules, modifyRule, setRulePriorities } from './rules.js';
import { addTags, describeTags, removeTags } from './tags.js';
import {
  createTargetGroup,
  deleteTargetGroup,
  describeTargetGroupAttributes,
  describeTargetGroups,
  modifyTargetGroup,
  modifyTargetGroupAttributes,
} from './target-groups.js';
import { deregisterTargetsHandler, describeTargetHealth, registerTargetsHandler } from './targets.js';

/** Elastic Load Balancing v2 (AWS Query, version 2015-12-01). */
export const elbv2: ServiceDefinition = {
  signingName: 'elasticloadbalancing',
  protocols: ['query'],
  xmlNamespace: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  operations: {
    CreateLoadBalancer: createLoadBalancer,
    DescribeLoadBalancers: describeLoadBalancers,
    DeleteLoadBalancer: deleteLoadBalancer,
    DescribeLoadBalancerAttributes: describeLoadBalancerAttributes,
    ModifyLoadBalancerAttributes: modifyLoadBalancerAttributes,
    CreateTargetGroup: createTargetGroup,
    DescribeTargetGroups: describeTargetGroups,
    ModifyTargetGroup: modifyTargetGroup,
    DeleteTargetGroup: deleteTargetGroup,
    DescribeTargetGroupAttributes: describeTargetGroupAttributes,
    ModifyTargetGroupAttributes: modifyTargetGroupAttributes,
    CreateListener: createListener,
    DescribeListeners: describeListeners,
    ModifyListener: modifyListener,
    DeleteListener: deleteListener,
    CreateRule: createRule,
    DescribeRules: describeRules,
    ModifyRule: modifyRule,
    DeleteRule: deleteRule,
    SetRulePriorities: setRulePriorities,
    RegisterTargets: registerTargetsHandler,
    DeregisterTargets: deregisterTargetsHandler,
    DescribeTargetHealth: describeTargetHealth,
    AddTags: addTags,
    RemoveTags: removeTags,
    DescribeTags: describeTags,
  },
};
