/**
 * Cloud Map service operations: CreateService, GetService, ListServices,
 * UpdateService, DeleteService.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn, own } from '../../core/util.js';
import { applyTags, clock, matchesCondition, need, page, readFilters } from './common.js';
import { visibleNamespace } from './namespaces.js';
import {
  cloudMapId,
  cloudMapState,
  getService,
  serviceInstances,
  startOperation,
  type DnsRecordTemplate,
  type NamespaceRecord,
  type ServiceRecord,
} from './state.js';

const SERVICE_NAME =
  /^((?=^.{1,127}$)([a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9])(\.([a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9]))*)$/;
const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'SRV'] as const;

function readDnsRecords(value: unknown, routingPolicy: string): DnsRecordTemplate[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new AwsError('InvalidInput', 'DnsConfig.DnsRecords must contain at least one record ({Type, TTL}).');
  }
  const records = (value as { Type?: string; TTL?: unknown }[]).map((r, i) => {
    if (!RECORD_TYPES.includes(r.Type as (typeof RECORD_TYPES)[number])) {
      throw new AwsError('InvalidInput', `DnsConfig.DnsRecords[${i}].Type must be one of A, AAAA, CNAME, SRV, got: ${String(r.Type)}`);
    }
    const ttl = Number(r.TTL);
    if (r.TTL === undefined || !Number.isInteger(ttl) || ttl < 0 || ttl > 2147483647) {
      throw new AwsError('InvalidInput', `DnsConfig.DnsRecords[${i}].TTL must be an integer between 0 and 2147483647, got: ${String(r.TTL)}`);
    }
    return { Type: r.Type as DnsRecordTemplate['Type'], TTL: ttl };
  });
  const types = records.map((r) => r.Type);
  if (new Set(types).size !== types.length) throw new AwsError('InvalidInput', `DnsConfig.DnsRecords lists a record type twice: ${types.join(', ')}`);
  if (types.includes('CNAME') && types.length > 1) throw new AwsError('InvalidInput', 'A CNAME record cannot be combined with other record types.');
  if (types.includes('CNAME') && routingPolicy === 'MULTIVALUE') {
    throw new AwsError('InvalidInput', 'CNAME records require RoutingPolicy WEIGHTED; MULTIVALUE is not supported for CNAME.');
  }
  return records;
}

function serviceShape(ctx: RequestContext, s: ServiceRecord, summary = false): Record<string, unknown> {
  return {
    Id: s.id,
    Arn: s.arn,
    Name: s.name,
    ...(!summary ? { NamespaceId: s.namespaceId } : {}),
    Type: s.type,
    ...(s.description !== undefined ? { Description: s.description } : {}),
    InstanceCount: serviceInstances(ctx.state, s.id).length,
    ...(s.dnsRecords.length > 0
      ? { DnsConfig: { ...(!summary ? { NamespaceId: s.namespaceId } : {}), RoutingPolicy: s.routingPolicy ?? 'MULTIVALUE', DnsRecords: s.dnsRecords.map((r) => ({ ...r })) } }
      : {}),
    ...(s.healthCheckConfig ? { HealthCheckConfig: { ...s.healthCheckConfig } } : {}),
    ...(s.customHealth ? { HealthCheckCustomConfig: { FailureThreshold: s.customHealthFailureThreshold ?? 1 } } : {}),
    CreateDate: new Date(s.createdAt),
    ...(!summary && s.creatorRequestId !== undefined ? { CreatorRequestId: s.creatorRequestId } : {}),
  };
}

function readHealthCheckConfig(value: any, ns: NamespaceRecord): ServiceRecord['healthCheckConfig'] {
  if (value === undefined) return undefined;
  if (ns.type === 'DNS_PRIVATE') {
    throw new AwsError('InvalidInput', 'HealthCheckConfig (Route 53 health checks) is not supported for services in a private DNS namespace; use HealthCheckCustomConfig.');
  }
  const type = String(need(value.Type, 'healthCheckConfig.type'));
  if (!['HTTP', 'HTTPS', 'TCP'].includes(type)) throw new AwsError('InvalidInput', `HealthCheckConfig.Type must be HTTP, HTTPS or TCP, got: ${type}`);
  if (type === 'TCP' && value.ResourcePath !== undefined) throw new AwsError('InvalidInput', 'HealthCheckConfig.ResourcePath cannot be set for TCP health checks.');
  const threshold = value.FailureThreshold === undefined ? 1 : Number(value.FailureThreshold);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > 10) {
    throw new AwsError('InvalidInput', `HealthCheckConfig.FailureThreshold must be between 1 and 10, got: ${String(value.FailureThreshold)}`);
  }
  return { Type: type, ...(type !== 'TCP' ? { ResourcePath: String(value.ResourcePath ?? '/') } : {}), FailureThreshold: threshold };
}

export const createService: OperationHandler = (input, ctx) => {
  const state = cloudMapState(ctx.state);
  const name = String(need(input.Name, 'name'));
  if (!SERVICE_NAME.test(name)) {
    throw new AwsError('InvalidInput', `Service name ${name} is invalid: use 1 to 127 characters of DNS labels (letters, digits, hyphens, underscores) separated by dots.`);
  }
  const namespaceId = input.NamespaceId ?? input.DnsConfig?.NamespaceId;
  if (namespaceId === undefined) throw new AwsError('InvalidInput', 'NamespaceId is required (top-level NamespaceId or DnsConfig.NamespaceId).');
  const ns = visibleNamespace(ctx, namespaceId);
  if (input.DnsConfig !== undefined && ns.type === 'HTTP') {
    throw new AwsError('InvalidInput', `DnsConfig is not supported for services in the HTTP namespace ${ns.id}; omit DnsConfig.`);
  }
  if (input.HealthCheckConfig !== undefined && input.HealthCheckCustomConfig !== undefined) {
    throw new AwsError('InvalidInput', 'Specify either HealthCheckConfig or HealthCheckCustomConfig, not both.');
  }
  if (input.Type !== undefined && input.Type !== 'HTTP') throw new AwsError('InvalidInput', `Type must be HTTP when set, got: ${String(input.Type)}`);
  if (input.Type === 'HTTP' && input.DnsConfig !== undefined) throw new AwsError('InvalidInput', 'A service of Type HTTP cannot have a DnsConfig.');
  const routingPolicy = String(input.DnsConfig?.RoutingPolicy ?? 'MULTIVALUE');
  if (!['MULTIVALUE', 'WEIGHTED'].includes(routingPolicy)) throw new AwsError('InvalidInput', `DnsConfig.RoutingPolicy must be MULTIVALUE or WEIGHTED, got: ${routingPolicy}`);
  const dnsRecords = input.DnsConfig !== undefined ? readDnsRecords(input.DnsConfig.DnsRecords, routingPolicy) : [];
  const healthCheckConfig = readHealthCheckConfig(input.HealthCheckConfig, ns);
  const existing = Object.values(state.services).find((s) => s.namespaceId === ns.id && s.name.toLowerCase() === name.toLowerCase());
  if (existing) {
    const error = new AwsError('ServiceAlreadyExists', `Service ${name} already exists in namespace ${ns.id} with id ${existing.id}.`);
    Object.assign(error, { ServiceId: existing.id, CreatorRequestId: existing.creatorRequestId });
    throw error;
  }
  const id = cloudMapId('srv');
  const service: ServiceRecord = {
    id,
    arn: arn(ctx, 'servicediscovery', `service/${id}`),
    name,
    namespaceId: ns.id,
    ...(input.Description !== undefined ? { description: String(input.Description) } : {}),
    ...(input.CreatorRequestId !== undefined ? { creatorRequestId: String(input.CreatorRequestId) } : {}),
    type: dnsRecords.length > 0 ? 'DNS_HTTP' : 'HTTP',
    ...(dnsRecords.length > 0 ? { routingPolicy: routingPolicy as 'MULTIVALUE' | 'WEIGHTED' } : {}),
    dnsRecords,
    ...(healthCheckConfig ? { healthCheckConfig } : {}),
    customHealth: input.HealthCheckCustomConfig !== undefined,
    ...(input.HealthCheckCustomConfig !== undefined ? { customHealthFailureThreshold: 1 } : {}),
    createdAt: ctx.now().getTime(),
  };
  applyTags(ctx, service.arn, input.Tags);
  state.services[id] = service;
  ctx.events.emit('servicediscovery:service-created', {
    accountId: ctx.accountId,
    region: ctx.region,
    type: 'servicediscovery:service-created',
    serviceId: id,
    serviceArn: service.arn,
  });
  return { Service: serviceShape(ctx, service) };
};

export const getService_: OperationHandler = (input, ctx) => ({ Service: serviceShape(ctx, getService(ctx.state, String(need(input.Id, 'id')))) });

export const listServices: OperationHandler = (input, ctx) => {
  const filters = readFilters(input.Filters, { NAMESPACE_ID: ['EQ', 'IN'], RESOURCE_OWNER: ['EQ'] });
  const items = Object.values(cloudMapState(ctx.state).services)
    .filter((s) => filters.every((f) => (f.name === 'NAMESPACE_ID' ? matchesCondition(s.namespaceId, f.condition, f.values) : true)))
    .sort((a, b) => a.createdAt - b.createdAt);
  const { page: shown, nextToken } = page(items, input);
  return { Services: shown.map((s) => serviceShape(ctx, s, true)), ...(nextToken ? { NextToken: nextToken } : {}) };
};

export const updateService: OperationHandler = (input, ctx) => {
  const state = cloudMapState(ctx.state);
  const service = getService(ctx.state, String(need(input.Id, 'id')));
  const change = need(input.Service, 'service') as any;
  if (change.DnsConfig !== undefined) {
    if (service.dnsRecords.length === 0) throw new AwsError('InvalidInput', `Service ${service.id} has no DnsConfig; DNS records cannot be added by UpdateService.`);
    const records = readDnsRecords(change.DnsConfig.DnsRecords, service.routingPolicy ?? 'MULTIVALUE');
    const before = service.dnsRecords.map((r) => r.Type).sort().join(',');
    const after = records.map((r) => r.Type).sort().join(',');
    if (before !== after) throw new AwsError('InvalidInput', `UpdateService can change record TTLs only; record types must stay ${before}, got: ${after}`);
    service.dnsRecords = records;
  }
  if (change.HealthCheckConfig !== undefined) {
    const ns = own(state.namespaces, service.namespaceId);
    if (service.customHealth) throw new AwsError('InvalidInput', 'A service with HealthCheckCustomConfig cannot get a HealthCheckConfig.');
    if (ns) {
      const config = readHealthCheckConfig(change.HealthCheckConfig, ns);
      if (config) service.healthCheckConfig = config;
    }
  }
  if (change.Description !== undefined) service.description = String(change.Description);
  const op = startOperation(state, 'UPDATE_SERVICE', { SERVICE: service.id }, clock(ctx));
  return { OperationId: op.id };
};

export const deleteService: OperationHandler = (input, ctx) => {
  const state = cloudMapState(ctx.state);
  const service = getService(ctx.state, String(need(input.Id, 'id')));
  const instances = serviceInstances(ctx.state, service.id);
  if (instances.length > 0) {
    throw new AwsError(
      'ResourceInUse',
      `Service ${service.id} still has ${instances.length} registered instance(s); deregister them (or wait for ECS to) before deleting the service.`,
    );
  }
  delete state.services[service.id];
  delete state.instances[service.id];
  delete state.tags[service.arn];
  ctx.events.emit('servicediscovery:service-deleted', {
    accountId: ctx.accountId,
    region: ctx.region,
    type: 'servicediscovery:service-deleted',
    serviceId: service.id,
    serviceArn: service.arn,
  });
  return {};
};
