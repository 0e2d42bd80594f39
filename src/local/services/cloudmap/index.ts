/**
 * The local cloud's Cloud Map (`servicediscovery`, JSON 1.1).
 *
 * @internal
 */
import type { ServiceDefinition } from '../../core/types.js';
import {
  deregisterInstance,
  discoverInstances,
  discoverInstancesRevision,
  getInstance,
  getInstancesHealthStatus,
  listInstances,
  registerInstance,
  updateInstanceCustomHealthStatus,
} from './instances.js';
import {
  createHttpNamespace,
  createPrivateDnsNamespace,
  createPublicDnsNamespace,
  deleteNamespace,
  getNamespace,
  listNamespaces,
  updateHttpNamespace,
  updatePrivateDnsNamespace,
  updatePublicDnsNamespace,
} from './namespaces.js';
import { getOperation, listOperations } from './operations.js';
import { createService, deleteService, getService_, listServices, updateService } from './services.js';
import { listTagsForResource, tagResource, untagResource } from './tags.js';

/** Cloud Map service definition. */
export const cloudMap: ServiceDefinition = {
  signingName: 'servicediscovery',
  protocols: ['json1.1'],
  targetPrefix: 'Route53AutoNaming_v20170314',
  operations: {
    CreatePrivateDnsNamespace: createPrivateDnsNamespace,
    CreatePublicDnsNamespace: createPublicDnsNamespace,
    CreateHttpNamespace: createHttpNamespace,
    GetNamespace: getNamespace,
    ListNamespaces: listNamespaces,
    DeleteNamespace: deleteNamespace,
    UpdateHttpNamespace: updateHttpNamespace,
    UpdatePrivateDnsNamespace: updatePrivateDnsNamespace,
    UpdatePublicDnsNamespace: updatePublicDnsNamespace,
    GetOperation: getOperation,
    ListOperations: listOperations,
    CreateService: createService,
    GetService: getService_,
    ListServices: listServices,
    UpdateService: updateService,
    DeleteService: deleteService,
    RegisterInstance: registerInstance,
    DeregisterInstance: deregisterInstance,
    GetInstance: getInstance,
    ListInstances: listInstances,
    DiscoverInstances: discoverInstances,
    DiscoverInstancesRevision: discoverInstancesRevision,
    GetInstancesHealthStatus: getInstancesHealthStatus,
    UpdateInstanceCustomHealthStatus: updateInstanceCustomHealthStatus,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
  },
};

