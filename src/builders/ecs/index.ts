/**
 * ECS builders: task definitions, containers and services, plus their leaf
 * helpers. (The CloudFormation intrinsics they accept — `cfnRef`, `cfnGetAtt` —
 * are exported with the networking builders.)
 *
 * @module
 */
export {
  container,
  ContainerBuilder,
  type ContainerInput,
  type ContainerRequired,
  type ContainerSpec,
} from './container-builder.js';
export {
  awsLogs,
  healthCheck,
  portMapping,
  type AwsLogsOptions,
  type HealthCheckOptions,
  type LogConfigurationSpec,
  type PortMappingOptions,
} from './container-helpers.js';
export {
  taskDefinition,
  TaskDefinitionBuilder,
  type TaskDefinitionRequired,
  type TaskDefinitionShape,
  type TaskDefinitionSpec,
} from './task-definition-builder.js';
export {
  service,
  ServiceBuilder,
  type AwsvpcOptions,
  type DeploymentOptions,
  type LoadBalancerOptions,
  type ServiceCfnOptions,
  type ServiceRegistryOptions,
  type ServiceRequired,
  type UpdateOptions,
} from './service-builder.js';
