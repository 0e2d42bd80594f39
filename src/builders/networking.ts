/**
 * Networking builders: Cloud Map namespaces and discovery services, and
 * Elastic Load Balancing v2 load balancers, target groups, listeners and
 * listener rules. Each `.build()` returns the exact `@aws-sdk` command input;
 * each `.toCloudFormation()` returns the template resource.
 *
 * @module
 */
export { type CfnIntrinsic, type CfnResource, type CfnValue, cfnGetAtt, cfnRef, isCfnIntrinsic } from './cfn-value.js';
export {
  privateDnsNamespace,
  PrivateDnsNamespaceBuilder,
  type PrivateDnsNamespaceCfn,
  type PrivateDnsNamespaceCfnProperties,
  type PrivateDnsNamespaceState,
} from './namespace-builder.js';
export {
  discoveryNeedsPort,
  discoveryRecordProblems,
  discoveryService,
  DiscoveryServiceBuilder,
  type DiscoveryDnsRecord,
  type DiscoveryNetworkMode,
  type DiscoveryServiceCfn,
  type DiscoveryServiceCfnProperties,
  type DiscoveryServiceState,
} from './discovery-service-builder.js';
export {
  loadBalancer,
  LoadBalancerBuilder,
  type CfnList,
  type LoadBalancerCfn,
  type LoadBalancerCfnProperties,
  type LoadBalancerState,
} from './load-balancer-builder.js';
export {
  targetGroup,
  TargetGroupBuilder,
  targetGroupHealthCheckUpdate,
  type HealthCheckProtocol,
  type TargetGroupCfn,
  type TargetGroupCfnProperties,
  type TargetGroupHealthCheck,
  type TargetGroupProtocol,
  type TargetGroupReady,
  type TargetGroupState,
  type TargetType,
} from './target-group-builder.js';
export {
  listener,
  ListenerBuilder,
  type CfnAction,
  type FixedResponseOptions,
  type ForwardOptions,
  type ForwardTarget,
  type ListenerCfn,
  type ListenerCfnProperties,
  type ListenerProtocol,
  type ListenerReady,
  type ListenerState,
} from './listener-builder.js';
export {
  listenerRule,
  ListenerRuleBuilder,
  type CfnRuleCondition,
  type ListenerRuleCfn,
  type ListenerRuleCfnProperties,
  type ListenerRuleReady,
  type ListenerRuleState,
} from './listener-rule-builder.js';
