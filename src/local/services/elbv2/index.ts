/**
 * The local cloud's Elastic Load Balancing v2: load balancers (with their
 * subnets, security groups and IP address type), target groups and
 * targets, listeners (HTTPS with certificates and security policies),
 * rules, tags, account limits and SSL policies. State and the accessors the
 * runtime uses live in `state.ts`.
 *
 * @internal
 */
import type { ServiceDefinition } from '../../core/types.js';
import { describeAccountLimits } from './limits.js';
import {
  addListenerCertificates,
  createListener,
  deleteListener,
  describeListenerCertificates,
  describeListeners,
  modifyListener,
  removeListenerCertificates,
} from './listeners.js';
import {
  createLoadBalancer,
  deleteLoadBalancer,
  describeLoadBalancerAttributes,
  describeLoadBalancers,
  modifyLoadBalancerAttributes,
  setIpAddressType,
  setSecurityGroups,
  setSubnets,
} from './load-balancers.js';
import { createRule, deleteRule, describeRules, modifyRule, setRulePriorities } from './rules.js';
import { describeSslPolicies } from './ssl-policies.js';
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
    SetSecurityGroups: setSecurityGroups,
    SetSubnets: setSubnets,
    SetIpAddressType: setIpAddressType,
    DescribeAccountLimits: describeAccountLimits,
    DescribeSSLPolicies: describeSslPolicies,
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
    AddListenerCertificates: addListenerCertificates,
    RemoveListenerCertificates: removeListenerCertificates,
    DescribeListenerCertificates: describeListenerCertificates,
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
