/**
 * Cloud Map namespace operations: CreatePrivateDnsNamespace,
 * CreatePublicDnsNamespace, CreateHttpNamespace, GetNamespace,
 * ListNamespaces, DeleteNamespace, UpdateHttpNamespace,
 * UpdatePrivateDnsNamespace, UpdatePublicDnsNamespace.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn, own } from '../../core/util.js';
import { applyTags, clock, matchesCondition, need, page, readFilters } from './common.js';
import { cloudMapId, cloudMapState, namespaceReady, startOperation, type NamespaceRecord, type NamespaceType } from './state.js';

const DNS_NAME = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/;

function hostedZoneId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let id = 'Z';
  for (let i = 0; i < 20; i++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return id;
}

function createNamespace(ctx: RequestContext, input: any, type: NamespaceType): { OperationId: string } {
  const state = cloudMapState(ctx.state);
  const name = String(need(input.Name, 'name'));
  // HTTP and private DNS names are checked by the model's patterns alone (printable ASCII, not an ARN: `dns_ns` is a
  // valid private namespace); a public namespace is a real DNS domain.
  if (type === 'DNS_PUBLIC' && (name.length > 253 || !DNS_NAME.test(name))) {
    throw new AwsError('InvalidInput', `Namespace name ${name} is not a valid DNS name (labels of letters, digits and hyphens separated by dots, at most 253 characters).`);
  }
  const vpc = type === 'DNS_PRIVATE' ? String(need(input.Vpc, 'vpc')) : undefined;
  if (vpc !== undefined && !/^vpc-[0-9a-f]{8,17}$/.test(vpc)) {
    throw new AwsError('InvalidInput', `Vpc ${vpc} is not a valid VPC id (vpc- followed by 8 or 17 hex characters).`);
  }
  const normalized = name.replace(/\.$/, '').toLowerCase();
  const existing = Object.values(state.namespaces).find(
    (ns) => ns.name.replace(/\.$/, '').toLowerCase() === normalized && (type === 'DNS_PRIVATE' ? ns.vpc === vpc || ns.type !== 'DNS_PRIVATE' : true),
  );
  if (existing) {
    if (input.CreatorRequestId !== undefined && existing.creatorRequestId === input.CreatorRequestId && existing.type === type) {
      return { OperationId: existing.operationId };
    }
    const error = new AwsError('NamespaceAlreadyExists', `Namespace ${name} already exists with id ${existing.id}.`, 400);
    Object.assign(error, { NamespaceId: existing.id, CreatorRequestId: existing.creatorRequestId });
    throw error;
  }
  if (input.Description !== undefined && String(input.Description).length > 1024) {
    throw new AwsError('InvalidInput', 'Description must be at most 1024 characters.');
  }
  const id = cloudMapId('ns');
  const c = clock(ctx);
  const op = startOperation(state, 'CREATE_NAMESPACE', { NAMESPACE: id }, c);
  const ttl = input.Properties?.DnsProperties?.SOA?.TTL;
  const ns: NamespaceRecord = {
    id,
    arn: arn(ctx, 'servicediscovery', `namespace/${id}`),
    name,
    type,
    ...(input.Description !== undefined ? { description: String(input.Description) } : {}),
    ...(input.CreatorRequestId !== undefined ? { creatorRequestId: String(input.CreatorRequestId) } : {}),
    ...(vpc !== undefined ? { vpc } : {}),
    ...(type !== 'HTTP' ? { hostedZoneId: hostedZoneId(), soaTtl: ttl !== undefined ? Number(ttl) : 15 } : {}),
    httpName: name,
    createdAt: c.now,
    readyAt: op.completesAt,
    operationId: op.id,
  };
  applyTags(ctx, ns.arn, input.Tags);
  state.namespaces[id] = ns;
  return { OperationId: op.id };
}

/** The namespace as GetNamespace/ListNamespaces show it. */
export function namespaceShape(ctx: RequestContext, ns: NamespaceRecord, summary = false): Record<string, unknown> {
  const state = cloudMapState(ctx.state);
  const serviceCount = Object.values(state.services).filter((s) => s.namespaceId === ns.id).length;
  return {
    Id: ns.id,
    Arn: ns.arn,
    Name: ns.name,
    Type: ns.type,
    ...(ns.description !== undefined ? { Description: ns.description } : {}),
    ServiceCount: serviceCount,
    Properties: {
      ...(ns.hostedZoneId ? { DnsProperties: { HostedZoneId: ns.hostedZoneId, SOA: { TTL: ns.soaTtl ?? 15 } } } : { DnsProperties: {} }),
      HttpProperties: { HttpName: ns.httpName },
    },
    CreateDate: new Date(ns.createdAt),
    ...(!summary && ns.creatorRequestId !== undefined ? { CreatorRequestId: ns.creatorRequestId } : {}),
    ResourceOwner: ctx.accountId,
  };
}

/** A namespace visible to the API (its create operation finished) or `NamespaceNotFound`. */
export function visibleNamespace(ctx: RequestContext, id: unknown): NamespaceRecord {
  const key = String(need(id, 'id'));
  const state = cloudMapState(ctx.state);
  const ns = own(state.namespaces, key) ?? Object.values(state.namespaces).find((n) => n.arn === key);
  if (!ns || !namespaceReady(ns, ctx.now().getTime())) throw new AwsError('NamespaceNotFound', `Namespace not found: ${key}`);
  return ns;
}

export const createPrivateDnsNamespace: OperationHandler = (input, ctx) => createNamespace(ctx, input, 'DNS_PRIVATE');
export const createPublicDnsNamespace: OperationHandler = (input, ctx) => createNamespace(ctx, input, 'DNS_PUBLIC');
export const createHttpNamespace: OperationHandler = (input, ctx) => createNamespace(ctx, input, 'HTTP');

export const getNamespace: OperationHandler = (input, ctx) => ({ Namespace: namespaceShape(ctx, visibleNamespace(ctx, input.Id)) });

export const listNamespaces: OperationHandler = (input, ctx) => {
  const filters = readFilters(input.Filters, {
    TYPE: ['EQ', 'IN'],
    NAME: ['EQ', 'BEGINS_WITH'],
    HTTP_NAME: ['EQ', 'BEGINS_WITH'],
    RESOURCE_OWNER: ['EQ'],
  });
  const now = ctx.now().getTime();
  const items = Object.values(cloudMapState(ctx.state).namespaces)
    .filter((ns) => namespaceReady(ns, now))
    .filter((ns) =>
      filters.every((f) => {
        const value = f.name === 'TYPE' ? ns.type : f.name === 'NAME' ? ns.name : f.name === 'HTTP_NAME' ? ns.httpName : 'SELF';
        return f.name === 'RESOURCE_OWNER' ? f.values.some((v) => v === 'SELF' || v === ctx.accountId) : matchesCondition(value, f.condition, f.values);
      }),
    )
    .sort((a, b) => a.createdAt - b.createdAt);
  const { page: shown, nextToken } = page(items, input);
  return { Namespaces: shown.map((ns) => namespaceShape(ctx, ns, true)), ...(nextToken ? { NextToken: nextToken } : {}) };
};

export const deleteNamespace: OperationHandler = (input, ctx) => {
  const state = cloudMapState(ctx.state);
  const ns = visibleNamespace(ctx, input.Id);
  const services = Object.values(state.services).filter((s) => s.namespaceId === ns.id);
  if (services.length > 0) {
    throw new AwsError('ResourceInUse', `Namespace ${ns.id} still has ${services.length} service(s) (${services.map((s) => s.id).join(', ')}); delete them first.`);
  }
  delete state.namespaces[ns.id];
  delete state.tags[ns.arn];
  const op = startOperation(state, 'DELETE_NAMESPACE', { NAMESPACE: ns.id }, clock(ctx));
  return { OperationId: op.id };
};

/**
 * The Update*Namespace operations: the description and, for DNS namespaces,
 * the SOA record's TTL. The change is made at once and reported through an
 * UPDATE_NAMESPACE operation; a retry with the same UpdaterRequestId returns
 * the same operation.
 */
function updateNamespace(ctx: RequestContext, input: any, type: NamespaceType): { OperationId: string } {
  const state = cloudMapState(ctx.state);
  const ns = visibleNamespace(ctx, input.Id);
  if (ns.type !== type) {
    const operation = type === 'HTTP' ? 'UpdateHttpNamespace' : type === 'DNS_PRIVATE' ? 'UpdatePrivateDnsNamespace' : 'UpdatePublicDnsNamespace';
    throw new AwsError('InvalidInput', `Namespace ${ns.id} is a ${ns.type} namespace; ${operation} updates ${type} namespaces only.`);
  }
  const updater = input.UpdaterRequestId !== undefined ? String(input.UpdaterRequestId) : undefined;
  if (updater !== undefined && ns.lastUpdate?.updaterRequestId === updater) return { OperationId: ns.lastUpdate.operationId };
  const change = need(input.Namespace, 'namespace') as { Description?: string; Properties?: { DnsProperties?: { SOA?: { TTL?: number } } } };
  const ttl = change.Properties?.DnsProperties?.SOA?.TTL;
  if (type !== 'HTTP' && change.Description === undefined && ttl === undefined) {
    throw new AwsError('InvalidInput', 'Namespace must change something: give Description or Properties.DnsProperties.SOA.TTL.');
  }
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 0 || ttl > 2147483647)) {
    throw new AwsError('InvalidInput', `Namespace.Properties.DnsProperties.SOA.TTL must be 0-2147483647 seconds, got: ${String(ttl)}.`);
  }
  if (change.Description !== undefined) ns.description = String(change.Description);
  if (ttl !== undefined) ns.soaTtl = ttl;
  const op = startOperation(state, 'UPDATE_NAMESPACE', { NAMESPACE: ns.id }, clock(ctx));
  if (updater !== undefined) ns.lastUpdate = { updaterRequestId: updater, operationId: op.id };
  return { OperationId: op.id };
}

export const updateHttpNamespace: OperationHandler = (input, ctx) => updateNamespace(ctx, input, 'HTTP');
export const updatePrivateDnsNamespace: OperationHandler = (input, ctx) => updateNamespace(ctx, input, 'DNS_PRIVATE');
export const updatePublicDnsNamespace: OperationHandler = (input, ctx) => updateNamespace(ctx, input, 'DNS_PUBLIC');
