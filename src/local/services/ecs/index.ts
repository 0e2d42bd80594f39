/**
 * The ECS control plane of the local cloud (JSON 1.1,
 * `AmazonEC2ContainerServiceV20141113`). Handlers live one concept per file;
 * the runtime's accessors are in `state.ts` (see `README.md`).
 *
 * @internal
 */
import type { OperationHandler, ServiceDefinition } from '../../core/types.js';
import * as accountSettings from './account-settings.js';
import { syncContainerAgents } from './agent.js';
import * as attributes from './attributes.js';
import * as capacityProviders from './capacity-providers.js';
import * as clusters from './clusters.js';
import * as containerInstances from './container-instances.js';
import * as services from './services.js';
import * as tags from './tags.js';
import { runtimeAttached } from './runtime-attachment.js';
import * as taskDefinitions from './task-definitions.js';
import * as tasks from './tasks.js';

export { registerVirtualInstances, remainingResources } from './container-instances.js';

/**
 * Before any operation, the ECS agents of EC2 instances catch up (an
 * instance that finished booting registers, a terminated one deregisters
 * and its tasks stop), so the answer reflects them with or without a
 * runtime ticking.
 */
function withAgents(handler: OperationHandler): OperationHandler {
  return (input, ctx) => {
    const changed = syncContainerAgents(ctx.state, {
      accountId: ctx.accountId,
      region: ctx.region,
      now: ctx.now().getTime(),
      timeScale: ctx.timeScale,
      stopTasksAtOnce: !runtimeAttached(ctx.events),
      stateOf: (region) => ctx.stateOf(region),
      events: ctx.events,
    });
    if (changed) ctx.changed();
    return handler(input, ctx);
  };
}

const operations: Record<string, OperationHandler> = {
  CreateCluster: clusters.CreateCluster,
  DescribeClusters: clusters.DescribeClusters,
  ListClusters: clusters.ListClusters,
  DeleteCluster: clusters.DeleteCluster,
  UpdateCluster: clusters.UpdateCluster,
  UpdateClusterSettings: clusters.UpdateClusterSettings,
  PutClusterCapacityProviders: clusters.PutClusterCapacityProviders,
  CreateCapacityProvider: capacityProviders.CreateCapacityProvider,
  DescribeCapacityProviders: capacityProviders.DescribeCapacityProviders,
  UpdateCapacityProvider: capacityProviders.UpdateCapacityProvider,
  DeleteCapacityProvider: capacityProviders.DeleteCapacityProvider,

  RegisterTaskDefinition: taskDefinitions.RegisterTaskDefinition,
  DescribeTaskDefinition: taskDefinitions.DescribeTaskDefinition,
  ListTaskDefinitions: taskDefinitions.ListTaskDefinitions,
  ListTaskDefinitionFamilies: taskDefinitions.ListTaskDefinitionFamilies,
  DeregisterTaskDefinition: taskDefinitions.DeregisterTaskDefinition,
  DeleteTaskDefinitions: taskDefinitions.DeleteTaskDefinitions,

  CreateService: services.CreateService,
  UpdateService: services.UpdateService,
  DescribeServices: services.DescribeServices,
  ListServices: services.ListServices,
  DeleteService: services.DeleteService,
  ListServiceDeployments: services.ListServiceDeployments,
  DescribeServiceDeployments: services.DescribeServiceDeployments,
  DescribeServiceRevisions: services.DescribeServiceRevisions,

  RunTask: tasks.RunTask,
  StartTask: tasks.StartTask,
  StopTask: tasks.StopTask,
  DescribeTasks: tasks.DescribeTasks,
  ListTasks: tasks.ListTasks,

  RegisterContainerInstance: containerInstances.RegisterContainerInstance,
  DeregisterContainerInstance: containerInstances.DeregisterContainerInstance,
  ListContainerInstances: containerInstances.ListContainerInstances,
  DescribeContainerInstances: containerInstances.DescribeContainerInstances,
  UpdateContainerInstancesState: containerInstances.UpdateContainerInstancesState,
  DiscoverPollEndpoint: containerInstances.DiscoverPollEndpoint,

  PutAttributes: attributes.PutAttributes,
  ListAttributes: attributes.ListAttributes,
  DeleteAttributes: attributes.DeleteAttributes,

  TagResource: tags.TagResource,
  UntagResource: tags.UntagResource,
  ListTagsForResource: tags.ListTagsForResource,

  ListAccountSettings: accountSettings.ListAccountSettings,
  PutAccountSetting: accountSettings.PutAccountSetting,
  PutAccountSettingDefault: accountSettings.PutAccountSettingDefault,
  DeleteAccountSetting: accountSettings.DeleteAccountSetting,
};

/** The ECS service definition. */
export const ecs: ServiceDefinition = {
  signingName: 'ecs',
  protocols: ['json1.1'],
  targetPrefix: 'AmazonEC2ContainerServiceV20141113',
  operations: Object.fromEntries(Object.entries(operations).map(([name, handler]) => [name, withAgents(handler)])),
};
