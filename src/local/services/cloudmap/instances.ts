/**
 * Cloud Map instance operations: RegisterInstance, DeregisterInstance,
 * GetInstance, ListInstances, DiscoverInstances, GetInstancesHealthStatus,
 * UpdateInstanceCustomHealthStatus.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { clock, need, page } from './common.js';
import {
  cloudMapState,
  deregisterInstance as deregister,
  getService,
  namespaceReady,
  registerInstance as register,
  serviceInstances,
  setInstanceHealth,
  type InstanceHealth,
} from './state.js';
import { own } from '../../core/util.js';

const INSTANCE_ID = /^[0-9a-zA-Z_/:.@-]{1,64}$/;

function readAttributes(value: unknown): Record<string, string> {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AwsError('InvalidInput', '1 validation error detected: Value null at \'attributes\' failed to satisfy constraint: Member must not be null');
  }
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** Announces on the cloud's event bus an instance that joined or left a service. */
function emitInstance(ctx: RequestContext, type: 'servicediscovery:instance-registered' | 'servicediscovery:instance-deregistered', serviceId: string, instanceId: string): void {
  ctx.events.emit(type, { accountId: ctx.accountId, region: ctx.region, type, serviceId, instanceId });
}

export const registerInstance: OperationHandler = (input, ctx) => {
  const serviceId = String(need(input.ServiceId, 'serviceId'));
  const instanceId = String(need(input.InstanceId, 'instanceId'));
  if (!INSTANCE_ID.test(instanceId)) {
    throw new AwsError('InvalidInput', `InstanceId ${instanceId} is invalid: use 1 to 64 letters, digits and _/:.@- characters.`);
  }
  const { operationId, instance } = register(ctx.state, serviceId, instanceId, readAttributes(input.Attributes), {
    ...clock(ctx),
    ...(input.CreatorRequestId !== undefined ? { creatorRequestId: String(input.CreatorRequestId) } : {}),
  });
  emitInstance(ctx, 'servicediscovery:instance-registered', instance.serviceId, instanceId);
  return { OperationId: operationId };
};

export const deregisterInstance: OperationHandler = (input, ctx) => {
  const service = getService(ctx.state, String(need(input.ServiceId, 'serviceId')));
  const instanceId = String(need(input.InstanceId, 'instanceId'));
  const { operationId } = deregister(ctx.state, service.id, instanceId, clock(ctx));
  emitInstance(ctx, 'servicediscovery:instance-deregistered', service.id, instanceId);
  return { OperationId: operationId };
};

export const getInstance: OperationHandler = (input, ctx) => {
  const service = getService(ctx.state, String(need(input.ServiceId, 'serviceId')));
  const instanceId = String(need(input.InstanceId, 'instanceId'));
  const instance = own(own(cloudMapState(ctx.state).instances, service.id), instanceId);
  if (!instance) throw new AwsError('InstanceNotFound', `Instance not found: ${instanceId}`);
  return {
    ResourceOwner: ctx.accountId,
    Instance: {
      Id: instance.id,
      ...(instance.creatorRequestId !== undefined ? { CreatorRequestId: instance.creatorRequestId } : {}),
      Attributes: { ...instance.attributes },
    },
  };
};

export const listInstances: OperationHandler = (input, ctx) => {
  const service = getService(ctx.state, String(need(input.ServiceId, 'serviceId')));
  const items = serviceInstances(ctx.state, service.id).sort((a, b) => a.registeredAt - b.registeredAt);
  const { page: shown, nextToken } = page(items, input);
  return {
    ResourceOwner: ctx.accountId,
    Instances: shown.map((i) => ({ Id: i.id, Attributes: { ...i.attributes } })),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
};

export const discoverInstances: OperationHandler = (input, ctx) => {
  const state = cloudMapState(ctx.state);
  const namespaceName = String(need(input.NamespaceName, 'namespaceName'));
  const serviceName = String(need(input.ServiceName, 'serviceName'));
  const now = ctx.now().getTime();
  const ns = Object.values(state.namespaces).find((n) => namespaceReady(n, now) && n.httpName.toLowerCase() === namespaceName.toLowerCase());
  if (!ns) throw new AwsError('NamespaceNotFound', `Namespace not found: ${namespaceName}`);
  const service = Object.values(state.services).find((s) => s.namespaceId === ns.id && s.name.toLowerCase() === serviceName.toLowerCase());
  if (!service) throw new AwsError('ServiceNotFound', `Service not found: ${serviceName}`);
  const healthFilter = String(input.HealthStatus ?? 'HEALTHY');
  if (!['HEALTHY', 'UNHEALTHY', 'ALL', 'HEALTHY_OR_ELSE_ALL'].includes(healthFilter)) {
    throw new AwsError('InvalidInput', `HealthStatus must be HEALTHY, UNHEALTHY, ALL or HEALTHY_OR_ELSE_ALL, got: ${healthFilter}`);
  }
  const max = input.MaxResults === undefined ? 100 : Number(input.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new AwsError('InvalidInput', `MaxResults must be between 1 and 1000, got: ${String(input.MaxResults)}`);
  const matches = (attrs: Record<string, string>, params: unknown) =>
    Object.entries((params ?? {}) as Record<string, unknown>).every(([k, v]) => attrs[k] === String(v));
  let instances = serviceInstances(ctx.state, service.id).filter((i) => matches(i.attributes, input.QueryParameters));
  if (input.OptionalParameters !== undefined) {
    const optional = instances.filter((i) => matches(i.attributes, input.OptionalParameters));
    if (optional.length > 0) instances = optional;
  }
  const checked = service.customHealth || service.healthCheckConfig !== undefined;
  if (checked && healthFilter !== 'ALL') {
    const healthy = instances.filter((i) => i.health === 'HEALTHY');
    if (healthFilter === 'HEALTHY') instances = healthy;
    else if (healthFilter === 'UNHEALTHY') instances = instances.filter((i) => i.health === 'UNHEALTHY');
    else if (healthy.length > 0) instances = healthy;
  }
  return {
    Instances: instances.slice(0, max).map((i) => ({
      InstanceId: i.id,
      NamespaceName: ns.httpName,
      ServiceName: service.name,
      HealthStatus: i.health,
      Attributes: { ...i.attributes },
    })),
    InstancesRevision: state.revision,
  };
};

export const discoverInstancesRevision: OperationHandler = (input, ctx) => {
  const state = cloudMapState(ctx.state);
  const namespaceName = String(need(input.NamespaceName, 'namespaceName'));
  const serviceName = String(need(input.ServiceName, 'serviceName'));
  const ns = Object.values(state.namespaces).find((n) => n.httpName.toLowerCase() === namespaceName.toLowerCase());
  if (!ns) throw new AwsError('NamespaceNotFound', `Namespace not found: ${namespaceName}`);
  const service = Object.values(state.services).find((s) => s.namespaceId === ns.id && s.name.toLowerCase() === serviceName.toLowerCase());
  if (!service) throw new AwsError('ServiceNotFound', `Service not found: ${serviceName}`);
  return { InstancesRevision: state.revision };
};

export const getInstancesHealthStatus: OperationHandler = (input, ctx) => {
  const service = getService(ctx.state, String(need(input.ServiceId, 'serviceId')));
  const all = serviceInstances(ctx.state, service.id);
  let items = all;
  if (Array.isArray(input.Instances) && input.Instances.length > 0) {
    const wanted = (input.Instances as unknown[]).map(String);
    for (const id of wanted) {
      if (!all.some((i) => i.id === id)) throw new AwsError('InstanceNotFound', `Instance not found: ${id}`);
    }
    items = all.filter((i) => wanted.includes(i.id));
  }
  const { page: shown, nextToken } = page(items, input);
  return { Status: Object.fromEntries(shown.map((i) => [i.id, i.health])), ...(nextToken ? { NextToken: nextToken } : {}) };
};

export const updateInstanceCustomHealthStatus: OperationHandler = (input, ctx) => {
  const service = getService(ctx.state, String(need(input.ServiceId, 'serviceId')));
  const instanceId = String(need(input.InstanceId, 'instanceId'));
  const status = String(need(input.Status, 'status'));
  if (status !== 'HEALTHY' && status !== 'UNHEALTHY') throw new AwsError('InvalidInput', `Status must be HEALTHY or UNHEALTHY, got: ${status}`);
  if (!service.customHealth) {
    throw new AwsError('CustomHealthNotFound', `Service ${service.id} has no HealthCheckCustomConfig; custom health status cannot be updated.`);
  }
  setInstanceHealth(ctx.state, service.id, instanceId, status as InstanceHealth);
  return {};
};
