/**
 * Operations: idempotent verbs over `connect()`'s clients. Everything they
 * create is tagged `ecskit:stack=<stack>`; `destroy()` removes it by tag in
 * reverse dependency order.
 *
 * @module
 */
export { operations, type BoundOperation, type Operations, type OperationVerbs } from './operations.js';
export {
  STACK_TAG,
  type Buildable,
  type OperationClients,
  type OperationContext,
  type OperationSettings,
} from './context.js';
export { hasErrorCode, OperationError, type OperationErrorOptions } from './errors.js';
export { renderOperationEvent, type EnsureAction, type Ensured, type OperationAction, type OperationEvent } from './events.js';
export { ensureCluster, type ClusterOptions } from './cluster.js';
export {
  ensureLogGroup,
  registerTaskDefinition,
  sameTaskDefinition,
  type RegisterTaskDefinitionOptions,
  type RegisterTaskDefinitionResult,
} from './task-definition.js';
export {
  ensureDiscoveryService,
  ensureNamespace,
} from './discovery.js';
export {
  ensureSecurityGroup,
  lookupDefaultNetwork,
  type DefaultNetwork,
  type EnsureSecurityGroupResult,
  type IngressRule,
  type SecurityGroupOptions,
  type SubnetInfo,
} from './network.js';
export {
  ensureListener,
  ensureListenerRule,
  ensureLoadBalancer,
  ensureTargetGroup,
  type TargetGroupOptions,
} from './load-balancing.js';
export {
  deploy,
  ensureService,
  rollback,
  scale,
  type DeployResult,
  type EnsureServiceOptions,
  type EnsureServiceResult,
  type ServiceDefinitionInput,
  type ServiceRef,
} from './service.js';
export {
  putAlarm,
  putDashboard,
  putScalingPolicy,
  registerScalableTarget,
  type PutDashboardResult,
  type ScalableTargetResult,
} from './monitoring.js';
export { tailLogs, type LogEvent, type TailLogsOptions } from './logs.js';
export {
  destroy,
  DESTROY_ORDER,
  listStackResources,
  type DestroyOptions,
  type DestroyReport,
  type DestroyStep,
  type StackResource,
  type StackResourceKind,
} from './destroy/index.js';
