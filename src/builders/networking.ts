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
