/**
 * Networking builders: Cloud Map namespaces and discovery services, and
 * Elastic Load Balancing v2 load balancers, target groups, listeners and
 * listener rules. Each `.build()` returns the exact `@aws-sdk` command input;
 * each `.toCloudFormation()` returns the template resource.
 *
 * @module
 */
export {
  type BuilderStateWith,
  type CfnIntrinsic,
  type CfnResource,
  type CfnValue,
  cfnGetAtt,
  cfnRef,
  type KeyValueTag,
} from '../shared/cfn-value.js';
export { cfnTemplateYaml } from '../shared/cfn-yaml.js';
export {
  privateDnsNamespace,
  PrivateDnsNamespaceBuilder,
  type PrivateDnsNamespaceCfn,
  type PrivateDnsNamespaceCfnProperties,
  type PrivateDnsNamespaceInitial,
  type PrivateDnsNamespaceReady,
  type PrivateDnsNamespaceState,
} from './namespace-builder.js';
export {
  discoveryService,
  DiscoveryServiceBuilder,
  type DiscoveryDnsRecord,
  type DiscoveryNetworkMode,
  type DiscoveryServiceCfn,
  type DiscoveryServiceCfnProperties,
  type DiscoveryServiceInitial,
  type DiscoveryServiceReady,
  type DiscoveryServiceState,
} from './discovery-service-builder.js';
export {
  loadBalancer,
  LoadBalancerBuilder,
  type CfnList,
  type LoadBalancerCfn,
  type LoadBalancerCfnProperties,
  type LoadBalancerInitial,
  type LoadBalancerReady,
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
  type TargetGroupInitial,
  type TargetGroupReady,
  type TargetGroupState,
  type TargetType,
} from './target-group-builder.js';
export type {
  CfnAction,
  CfnFixedResponseConfig,
  CfnForwardConfig,
  CfnTargetGroupStickiness,
  CfnWeightedTargetGroup,
  FixedResponseOptions,
  ForwardOptions,
  ForwardTarget,
} from './elb-actions.js';
export {
  listener,
  ListenerBuilder,
  type ListenerCfn,
  type ListenerCfnProperties,
  type ListenerProtocol,
  type ListenerInitial,
  type ListenerReady,
  type ListenerState,
} from './listener-builder.js';
export {
  listenerRule,
  ListenerRuleBuilder,
  type CfnRuleCondition,
  type ListenerRuleCfn,
  type ListenerRuleCfnProperties,
  type ListenerRuleInitial,
  type ListenerRuleReady,
  type ListenerRuleState,
} from './listener-rule-builder.js';
