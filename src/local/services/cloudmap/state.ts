/**
 * Cloud Map state: namespaces, services, instances, asynchronous operations
 * and tags, plus the accessors the runtime (task lifecycle) and the DNS server
 * use. All state is plain JSON (times in epoch milliseconds).
 *
 * @internal
 */
import { AwsError, type RegionState } from '../../core/types.js';
import { own, setOwn, uuid } from '../../core/util.js';
import { TimeScale } from '../../../time-scale.js';

/** Key of the Cloud Map slice in a region's state. */
export const CLOUD_MAP_KEY = 'servicediscovery';

/** AWS seconds an asynchronous Cloud Map operation takes to reach SUCCESS. */
export const OPERATION_SECONDS = 2;

/** Namespace kinds Cloud Map supports. */
export type NamespaceType = 'DNS_PRIVATE' | 'DNS_PUBLIC' | 'HTTP';

/** One stored namespace. */
export interface NamespaceRecord {
  id: string;
  arn: string;
  name: string;
  type: NamespaceType;
  description?: string;
  creatorRequestId?: string;
  vpc?: string;
  hostedZoneId?: string;
  soaTtl?: number;
  httpName: string;
  createdAt: number;
  /** Epoch ms at which the create operation completes; the namespace is invisible before. */
  readyAt: number;
  /** Id of the create operation (returned again for a retried CreatorRequestId). */
  operationId: string;
  /** The last Update*Namespace call's UpdaterRequestId and operation, so a retry returns the same operation. */
  lastUpdate?: { updaterRequestId: string; operationId: string };
}

/** One DNS record template of a service. */
export interface DnsRecordTemplate {
  Type: 'A' | 'AAAA' | 'CNAME' | 'SRV';
  TTL: number;
}

/** One stored service. */
export interface ServiceRecord {
  id: string;
  arn: string;
  name: string;
  namespaceId: string;
  description?: string;
  creatorRequestId?: string;
  /** `DNS_HTTP` (DNS + API discovery), `HTTP` (API only), `DNS`. */
  type: 'DNS_HTTP' | 'HTTP' | 'DNS';
  routingPolicy?: 'MULTIVALUE' | 'WEIGHTED';
  dnsRecords: DnsRecordTemplate[];
  healthCheckConfig?: { Type: string; ResourcePath?: string; FailureThreshold?: number };
  customHealthFailureThreshold?: number;
  customHealth: boolean;
  createdAt: number;
}

/** Health of an instance. */
export type InstanceHealth = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

/** One registered instance. */
export interface InstanceRecord {
  id: string;
  serviceId: string;
  creatorRequestId?: string;
  attributes: Record<string, string>;
  health: InstanceHealth;
  registeredAt: number;
}

/** Operation kinds. */
export type OperationType =
  | 'CREATE_NAMESPACE'
  | 'DELETE_NAMESPACE'
  | 'UPDATE_NAMESPACE'
  | 'UPDATE_SERVICE'
  | 'REGISTER_INSTANCE'
  | 'DEREGISTER_INSTANCE';

/** One asynchronous operation; its status is derived from the clock. */
export interface OperationRecord {
  id: string;
  type: OperationType;
  createdAt: number;
  /** Epoch ms at which the status becomes SUCCESS (or FAIL). */
  completesAt: number;
  targets: { NAMESPACE?: string; SERVICE?: string; INSTANCE?: string };
  error?: { code: string; message: string };
}

/** The whole Cloud Map slice of one account+region. */
export interface CloudMapState {
  namespaces: Record<string, NamespaceRecord>;
  services: Record<string, ServiceRecord>;
  /** serviceId → instanceId → instance. */
  instances: Record<string, Record<string, InstanceRecord>>;
  operations: Record<string, OperationRecord>;
  /** resource ARN → tag key → value. */
  tags: Record<string, Record<string, string>>;
  /** Incremented on every instance change (DiscoverInstances' InstancesRevision). */
  revision: number;
}

/** Upper bound on stored operations (oldest completed ones are dropped). */
export const MAX_OPERATIONS = 1000;

/** The Cloud Map slice of `regionState`, created on first use. */
export function cloudMapState(regionState: RegionState): CloudMapState {
  const existing = regionState[CLOUD_MAP_KEY] as CloudMapState | undefined;
  if (existing) return existing;
  const created: CloudMapState = { namespaces: {}, services: {}, instances: {}, operations: {}, tags: {}, revision: 0 };
  regionState[CLOUD_MAP_KEY] = created;
  return created;
}

/** Lower-case alphanumeric id of `length` characters, as Cloud Map ids use. */
export function cloudMapId(prefix: 'ns' | 'srv', length = 16): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < length; i++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return `${prefix}-${id}`;
}

/** Status of an operation at `now` (SUBMITTED for the first quarter, PENDING until done). */
export function operationStatus(op: OperationRecord, now: number): 'SUBMITTED' | 'PENDING' | 'SUCCESS' | 'FAIL' {
  if (now >= op.completesAt) return op.error ? 'FAIL' : 'SUCCESS';
  const quarter = op.createdAt + (op.completesAt - op.createdAt) / 4;
  return now < quarter ? 'SUBMITTED' : 'PENDING';
}

/** Records a new operation completing `OPERATION_SECONDS` AWS seconds (scaled) after `now`. */
export function startOperation(
  state: CloudMapState,
  type: OperationType,
  targets: OperationRecord['targets'],
  clock: { now: number; timeScale: number },
): OperationRecord {
  const op: OperationRecord = {
    id: uuid().replace(/-/g, '').slice(0, 32),
    type,
    createdAt: clock.now,
    completesAt: clock.now + new TimeScale(clock.timeScale).ms(OPERATION_SECONDS),
    targets,
  };
  state.operations[op.id] = op;
  const ids = Object.keys(state.operations);
  if (ids.length > MAX_OPERATIONS) {
    for (const id of ids.slice(0, ids.length - MAX_OPERATIONS)) delete state.operations[id];
  }
  return op;
}

/** True once the namespace's create operation has completed. */
export function namespaceReady(ns: NamespaceRecord, now: number): boolean {
  return now >= ns.readyAt;
}

/**
 * A namespace by id, ARN or name (visible or still being created), or
 * undefined.
 */
export function findNamespace(regionState: RegionState, idOrName: string): NamespaceRecord | undefined {
  const state = cloudMapState(regionState);
  const direct = own(state.namespaces, idOrName);
  if (direct) return direct;
  return Object.values(state.namespaces).find((ns) => ns.arn === idOrName || ns.name === idOrName);
}

/** A service by id or ARN, or undefined. */
export function findService(regionState: RegionState, idOrArn: string): ServiceRecord | undefined {
  const state = cloudMapState(regionState);
  const direct = own(state.services, idOrArn);
  if (direct) return direct;
  const match = /^arn:aws[\w-]*:servicediscovery:[^:]*:\d*:service\/(srv-[a-z0-9]+)$/.exec(idOrArn);
  return match?.[1] ? state.services[match[1]] : undefined;
}

/** The service or AWS's `ServiceNotFound`. */
export function getService(regionState: RegionState, idOrArn: string): ServiceRecord {
  const service = findService(regionState, idOrArn);
  if (!service) throw new AwsError('ServiceNotFound', `Service not found: ${idOrArn}`);
  return service;
}

/** Instances of a service (empty when none). */
export function serviceInstances(regionState: RegionState, serviceId: string): InstanceRecord[] {
  return Object.values(own(cloudMapState(regionState).instances, serviceId) ?? {});
}

/**
 * Checks instance attributes against the service's DNS records as AWS does
 * (A needs `AWS_INSTANCE_IPV4`, AAAA `AWS_INSTANCE_IPV6`, SRV
 * `AWS_INSTANCE_PORT` and an address, CNAME `AWS_INSTANCE_CNAME`).
 */
export function validateInstanceAttributes(service: ServiceRecord, attributes: Record<string, string>): void {
  const types = new Set(service.dnsRecords.map((r) => r.Type));
  const fail = (message: string) => {
    throw new AwsError('InvalidInput', message);
  };
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value !== 'string') fail(`Attribute ${key} must be a string, got: ${JSON.stringify(value)}`);
    if (key.length > 255) fail(`Attribute key ${key.slice(0, 32)}… exceeds 255 characters.`);
    if (value.length > 1024) fail(`Attribute ${key} exceeds 1024 characters.`);
  }
  if (Object.keys(attributes).length > 30) fail('An instance can have at most 30 attributes.');
  const ipv4 = attributes.AWS_INSTANCE_IPV4;
  if (ipv4 !== undefined && !/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(ipv4)) {
    fail(`AWS_INSTANCE_IPV4 must be an IPv4 address, got: ${ipv4}`);
  }
  const port = attributes.AWS_INSTANCE_PORT;
  if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    fail(`AWS_INSTANCE_PORT must be an integer between 1 and 65535, got: ${port}`);
  }
  if (attributes.AWS_ALIAS_DNS_NAME !== undefined) return;
  if (types.has('A') && ipv4 === undefined && !types.has('AAAA')) {
    fail('Request must include AWS_INSTANCE_IPV4 attribute because the service has an A record.');
  }
  if (types.has('AAAA') && attributes.AWS_INSTANCE_IPV6 === undefined && !types.has('A')) {
    fail('Request must include AWS_INSTANCE_IPV6 attribute because the service has an AAAA record.');
  }
  if (types.has('A') && types.has('AAAA') && ipv4 === undefined && attributes.AWS_INSTANCE_IPV6 === undefined) {
    fail('Request must include AWS_INSTANCE_IPV4 or AWS_INSTANCE_IPV6 attribute because the service has A and AAAA records.');
  }
  if (types.has('SRV') && port === undefined) {
    fail('Request must include AWS_INSTANCE_PORT attribute because the service has an SRV record.');
  }
  if (types.has('CNAME') && attributes.AWS_INSTANCE_CNAME === undefined) {
    fail('Request must include AWS_INSTANCE_CNAME attribute because the service has a CNAME record.');
  }
  const init = attributes.AWS_INIT_HEALTH_STATUS;
  if (init !== undefined && init !== 'HEALTHY' && init !== 'UNHEALTHY') {
    fail(`AWS_INIT_HEALTH_STATUS must be HEALTHY or UNHEALTHY, got: ${init}`);
  }
}

/** Options the runtime passes when it registers or deregisters an instance. */
export interface InstanceChangeOptions {
  /** Epoch ms (the cloud's clock). */
  now: number;
  /** The cloud's time scale (operations complete after 2 AWS seconds × scale). */
  timeScale: number;
  creatorRequestId?: string;
}

/**
 * Registers (or re-registers, replacing attributes) an instance, as
 * RegisterInstance does and as the runtime does when an ECS task starts.
 * Validates attributes against the service's DNS records. Returns the
 * operation id.
 */
export function registerInstance(
  regionState: RegionState,
  serviceIdOrArn: string,
  instanceId: string,
  attributes: Record<string, string>,
  options: InstanceChangeOptions,
): { operationId: string; instance: InstanceRecord } {
  const state = cloudMapState(regionState);
  const service = getService(regionState, serviceIdOrArn);
  validateInstanceAttributes(service, attributes);
  const byId = (state.instances[service.id] ??= {});
  const previous = own(byId, instanceId);
  const init = attributes.AWS_INIT_HEALTH_STATUS as InstanceHealth | undefined;
  const instance: InstanceRecord = {
    id: instanceId,
    serviceId: service.id,
    ...(options.creatorRequestId !== undefined ? { creatorRequestId: options.creatorRequestId } : {}),
    attributes: { ...attributes },
    health: previous?.health ?? (service.customHealth ? (init ?? 'HEALTHY') : service.healthCheckConfig ? 'HEALTHY' : 'UNKNOWN'),
    registeredAt: previous?.registeredAt ?? options.now,
  };
  setOwn(byId, instanceId, instance);
  state.revision++;
  const op = startOperation(state, 'REGISTER_INSTANCE', { SERVICE: service.id, INSTANCE: instanceId }, options);
  return { operationId: op.id, instance };
}

/**
 * Deregisters an instance (DeregisterInstance, or the runtime when a task
 * stops). Throws `InstanceNotFound` for an unknown instance. Returns the
 * operation id.
 */
export function deregisterInstance(
  regionState: RegionState,
  serviceIdOrArn: string,
  instanceId: string,
  options: InstanceChangeOptions,
): { operationId: string } {
  const state = cloudMapState(regionState);
  const service = getService(regionState, serviceIdOrArn);
  const byId = own(state.instances, service.id);
  if (!byId || !own(byId, instanceId)) throw new AwsError('InstanceNotFound', `Instance not found: ${instanceId}`);
  delete byId[instanceId];
  if (Object.keys(byId).length === 0) delete state.instances[service.id];
  state.revision++;
  const op = startOperation(state, 'DEREGISTER_INSTANCE', { SERVICE: service.id, INSTANCE: instanceId }, options);
  return { operationId: op.id };
}

/**
 * Sets an instance's health (UpdateInstanceCustomHealthStatus, or the
 * runtime reflecting a task's health). Throws `InstanceNotFound`.
 */
export function setInstanceHealth(regionState: RegionState, serviceIdOrArn: string, instanceId: string, health: InstanceHealth): void {
  const state = cloudMapState(regionState);
  const service = getService(regionState, serviceIdOrArn);
  const instance = own(own(state.instances, service.id), instanceId);
  if (!instance) throw new AwsError('InstanceNotFound', `Instance not found: ${instanceId}`);
  if (instance.health !== health) {
    instance.health = health;
    state.revision++;
  }
}

/** What the DNS server needs to answer for one instance. */
export interface DiscoveredInstance {
  instanceId: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
  attributes: Record<string, string>;
  ttl: number;
}

/**
 * Healthy (or health-unknown) instances of `serviceName` in the namespace
 * named `namespaceName`, for the DNS server. When every instance is
 * unhealthy, returns them all, as Route 53 multivalue answers do.
 */
export function listHealthyInstances(regionState: RegionState, namespaceName: string, serviceName: string): DiscoveredInstance[] {
  const state = cloudMapState(regionState);
  const wanted = namespaceName.replace(/\.$/, '').toLowerCase();
  const ns = Object.values(state.namespaces).find((n) => n.name.toLowerCase() === wanted || n.httpName.toLowerCase() === wanted);
  if (!ns) return [];
  const service = Object.values(state.services).find((s) => s.namespaceId === ns.id && s.name.toLowerCase() === serviceName.toLowerCase());
  if (!service) return [];
  const all = serviceInstances(regionState, service.id);
  const healthy = all.filter((i) => i.health !== 'UNHEALTHY');
  const chosen = healthy.length > 0 ? healthy : all;
  const ttl = service.dnsRecords[0]?.TTL ?? 60;
  return chosen.map((i) => ({
    instanceId: i.id,
    ...(i.attributes.AWS_INSTANCE_IPV4 !== undefined ? { ipv4: i.attributes.AWS_INSTANCE_IPV4 } : {}),
    ...(i.attributes.AWS_INSTANCE_IPV6 !== undefined ? { ipv6: i.attributes.AWS_INSTANCE_IPV6 } : {}),
    ...(i.attributes.AWS_INSTANCE_PORT !== undefined ? { port: Number(i.attributes.AWS_INSTANCE_PORT) } : {}),
    attributes: { ...i.attributes },
    ttl,
  }));
}
