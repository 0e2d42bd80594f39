import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreatePrivateDnsNamespaceCommand,
  CreateServiceCommand,
  DeleteNamespaceCommand,
  DeleteServiceCommand,
  DeregisterInstanceCommand,
  GetNamespaceCommand,
  GetOperationCommand,
  GetServiceCommand,
  ListInstancesCommand,
  ListNamespacesCommand,
  ListServicesCommand,
  RegisterInstanceCommand,
} from '@aws-sdk/client-servicediscovery';
import { startFidelity, type AllowedDivergence, type Fidelity, type FidelityCase, type Side } from './harness.js';

/** Ids each side handed out, keyed by side name: the two emulators mint different ones. */
const ids: Record<Side['name'], { vpcId?: string; operationId?: string; namespaceId?: string; serviceId?: string }> = { moto: {}, local: {} };
const must = (side: Side, key: keyof (typeof ids)['moto']): string => {
  const value = ids[side.name][key];
  if (!value) throw new Error(`${side.name}: no ${key} from an earlier case`);
  return value;
};

/** The default VPC of each side, for the private DNS namespace. */
async function vpcId(side: Side): Promise<string> {
  const r = await side.query('ec2', 'DescribeVpcs');
  const id = r.xml?.DescribeVpcsResponse?.vpcSet?.item?.[0]?.vpcId as string | undefined;
  if (!id) throw new Error(`${side.name}: no VPC in DescribeVpcs: ${r.text.slice(0, 300)}`);
  return id;
}

/** Polls GetOperation until the operation leaves SUBMITTED/PENDING (what ecskit does instead of the lab's `sleep 30`). */
async function waitForOperation(side: Side, operationId: string) {
  for (let i = 0; i < 50; i += 1) {
    const r = await side.clients.serviceDiscovery.send(new GetOperationCommand({ OperationId: operationId }));
    if (r.Operation?.Status === 'SUCCESS' || r.Operation?.Status === 'FAIL') return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${side.name}: operation ${operationId} still pending after 5 s`);
}

const cases: FidelityCase[] = [
  {
    name: 'servicediscovery CreatePrivateDnsNamespace',
    call: async (s) => {
      ids[s.name].vpcId = await vpcId(s);
      const r = await s.clients.serviceDiscovery.send(new CreatePrivateDnsNamespaceCommand({ Name: 'local', Vpc: ids[s.name].vpcId, Description: 'Service discovery for Flask inventory app' }));
      ids[s.name].operationId = r.OperationId;
      return r;
    },
  },
  { name: 'servicediscovery GetOperation until SUCCESS', call: (s) => waitForOperation(s, must(s, 'operationId')) },
  { name: 'servicediscovery GetOperation unknown', call: (s) => s.clients.serviceDiscovery.send(new GetOperationCommand({ OperationId: 'abcdefghijklmnopqrstuvwxyz012345-abcdefgh' })) },
  {
    name: 'servicediscovery ListNamespaces NAME EQ local',
    call: async (s) => {
      const r = await s.clients.serviceDiscovery.send(new ListNamespacesCommand({ Filters: [{ Name: 'NAME', Values: ['local'], Condition: 'EQ' }] }));
      ids[s.name].namespaceId = r.Namespaces?.[0]?.Id;
      return r;
    },
  },
  { name: 'servicediscovery GetNamespace', call: (s) => s.clients.serviceDiscovery.send(new GetNamespaceCommand({ Id: must(s, 'namespaceId') })) },
  { name: 'servicediscovery GetNamespace unknown', call: (s) => s.clients.serviceDiscovery.send(new GetNamespaceCommand({ Id: 'ns-0000000000000000' })) },
  {
    name: 'servicediscovery CreateService invsys',
    call: async (s) => {
      const r = await s.clients.serviceDiscovery.send(
        new CreateServiceCommand({
          Name: 'invsys',
          Description: 'Service discovery for inventory system',
          DnsConfig: { NamespaceId: must(s, 'namespaceId'), DnsRecords: [{ Type: 'A', TTL: 60 }] },
          HealthCheckCustomConfig: { FailureThreshold: 1 },
        }),
      );
      ids[s.name].serviceId = r.Service?.Id;
      return r;
    },
  },
  {
    name: 'servicediscovery CreateService in unknown namespace',
    call: (s) => s.clients.serviceDiscovery.send(new CreateServiceCommand({ Name: 'ghost', DnsConfig: { NamespaceId: 'ns-0000000000000000', DnsRecords: [{ Type: 'A', TTL: 60 }] } })),
  },
  { name: 'servicediscovery ListServices NAMESPACE_ID', call: (s) => s.clients.serviceDiscovery.send(new ListServicesCommand({ Filters: [{ Name: 'NAMESPACE_ID', Values: [must(s, 'namespaceId')] }] })) },
  { name: 'servicediscovery GetService', call: (s) => s.clients.serviceDiscovery.send(new GetServiceCommand({ Id: must(s, 'serviceId') })) },
  { name: 'servicediscovery GetService unknown', call: (s) => s.clients.serviceDiscovery.send(new GetServiceCommand({ Id: 'srv-0000000000000000' })) },
  {
    name: 'servicediscovery RegisterInstance',
    call: (s) =>
      s.clients.serviceDiscovery.send(
        new RegisterInstanceCommand({ ServiceId: must(s, 'serviceId'), InstanceId: 'task-1', Attributes: { AWS_INSTANCE_IPV4: '10.0.1.45', AWS_INIT_HEALTH_STATUS: 'HEALTHY' } }),
      ),
  },
  {
    name: 'servicediscovery RegisterInstance in unknown service',
    call: (s) => s.clients.serviceDiscovery.send(new RegisterInstanceCommand({ ServiceId: 'srv-0000000000000000', InstanceId: 'task-1', Attributes: { AWS_INSTANCE_IPV4: '10.0.1.45' } })),
  },
  { name: 'servicediscovery ListInstances', call: (s) => s.clients.serviceDiscovery.send(new ListInstancesCommand({ ServiceId: must(s, 'serviceId') })) },
  { name: 'servicediscovery DeregisterInstance', call: (s) => s.clients.serviceDiscovery.send(new DeregisterInstanceCommand({ ServiceId: must(s, 'serviceId'), InstanceId: 'task-1' })) },
  { name: 'servicediscovery DeregisterInstance unknown', call: (s) => s.clients.serviceDiscovery.send(new DeregisterInstanceCommand({ ServiceId: must(s, 'serviceId'), InstanceId: 'task-1' })) },
  { name: 'servicediscovery ListInstances empty', call: (s) => s.clients.serviceDiscovery.send(new ListInstancesCommand({ ServiceId: must(s, 'serviceId') })) },
  { name: 'servicediscovery DeleteService unknown', call: (s) => s.clients.serviceDiscovery.send(new DeleteServiceCommand({ Id: 'srv-0000000000000000' })) },
  { name: 'servicediscovery DeleteNamespace unknown', call: (s) => s.clients.serviceDiscovery.send(new DeleteNamespaceCommand({ Id: 'ns-0000000000000000' })) },
  // Last, because moto deletes resources that are in use (AWS refuses), which would change what later cases see.
  {
    name: 'servicediscovery RegisterInstance again',
    call: (s) => s.clients.serviceDiscovery.send(new RegisterInstanceCommand({ ServiceId: must(s, 'serviceId'), InstanceId: 'task-2', Attributes: { AWS_INSTANCE_IPV4: '10.0.1.46' } })),
  },
  { name: 'servicediscovery DeleteService with an instance', call: (s) => s.clients.serviceDiscovery.send(new DeleteServiceCommand({ Id: must(s, 'serviceId') })) },
  { name: 'servicediscovery DeleteNamespace with a service', call: (s) => s.clients.serviceDiscovery.send(new DeleteNamespaceCommand({ Id: must(s, 'namespaceId') })) },
];

/** Known divergences, each justified against AWS's documentation (moto is not the reference; AWS is). */
const API = 'https://docs.aws.amazon.com/cloud-map/latest/api';
const namespaceKeys = (name: string, prefix: string, ref: string): AllowedDivergence[] => [
  { case: name, path: `${prefix}.Properties.DnsProperties.SOA`, reason: 'moto omits the SOA record; AWS returns it for DNS namespaces', reference: `${API}/API_DnsProperties.html` },
  {
    case: name,
    path: `${prefix}.Properties.HttpProperties`,
    reason: 'moto omits HttpProperties; AWS returns HttpName for every namespace (DNS namespaces too, for DiscoverInstances)',
    reference: `${API}/API_HttpProperties.html`,
  },
  { case: name, path: `${prefix}.ResourceOwner`, reason: 'moto omits ResourceOwner; AWS returns the owning account ID', reference: ref },
  { case: name, path: `${prefix}.ServiceCount`, reason: 'moto omits ServiceCount; AWS returns the number of services in the namespace', reference: ref },
];
const serviceKeys = (name: string, prefix: string, ref: string, keys: string[]): AllowedDivergence[] =>
  keys.map((key) => ({
    case: name,
    path: `${prefix}.${key}`,
    reason:
      key === 'DnsConfig.RoutingPolicy'
        ? 'moto omits RoutingPolicy; AWS returns it (MULTIVALUE when not given)'
        : `moto omits ${key}; AWS's ${ref.endsWith('Summary.html') ? 'ServiceSummary' : 'ServiceInfo'} carries it`,
    reference: key === 'DnsConfig.RoutingPolicy' ? `${API}/API_DnsConfig.html` : ref,
  }));
const allow: AllowedDivergence[] = [
  ...namespaceKeys('servicediscovery ListNamespaces NAME EQ local', 'Namespaces[]', `${API}/API_NamespaceSummary.html`),
  ...namespaceKeys('servicediscovery GetNamespace', 'Namespace', `${API}/API_Namespace.html`),
  ...['servicediscovery CreateService invsys', 'servicediscovery GetService'].flatMap((name) =>
    serviceKeys(name, 'Service', `${API}/API_ServiceInfo.html`, ['DnsConfig.RoutingPolicy', 'NamespaceId', 'InstanceCount', 'Type']),
  ),
  ...serviceKeys('servicediscovery ListServices NAMESPACE_ID', 'Services[]', `${API}/API_ServiceSummary.html`, ['DnsConfig.RoutingPolicy', 'InstanceCount', 'Type']),
  {
    case: 'servicediscovery ListServices NAMESPACE_ID',
    path: 'Services[].DnsConfig.NamespaceId',
    reason: 'DnsConfig.NamespaceId is deprecated ("use NamespaceId in Service instead") and ListServices summaries leave it out; moto echoes it',
    reference: `${API}/API_DnsConfig.html`,
  },
  ...['servicediscovery ListInstances', 'servicediscovery ListInstances empty'].map((name) => ({
    case: name,
    path: 'ResourceOwner',
    reason: 'moto omits ResourceOwner; AWS returns the account that owns the namespace',
    reference: `${API}/API_ListInstances.html`,
  })),
  {
    case: 'servicediscovery CreateService in unknown namespace',
    path: 'error',
    reason: 'moto creates a service in a namespace that does not exist; AWS answers NamespaceNotFound',
    reference: `${API}/API_CreateService.html`,
  },
  {
    case: 'servicediscovery DeleteService unknown',
    path: 'error',
    reason: 'moto succeeds for an ID that does not exist; AWS answers ServiceNotFound',
    reference: `${API}/API_DeleteService.html`,
  },
  {
    case: 'servicediscovery DeleteService with an instance',
    path: 'error',
    reason: 'moto deletes a service that still has registered instances; AWS answers ResourceInUse until they are deregistered',
    reference: `${API}/API_DeleteService.html`,
  },
  {
    case: 'servicediscovery DeleteNamespace with a service',
    path: 'error',
    reason: 'moto deletes a namespace that still contains services; AWS answers ResourceInUse',
    reference: `${API}/API_DeleteNamespace.html`,
  },
];

describe('fidelity: Cloud Map against moto', () => {
  let h: Fidelity;
  before(async () => {
    h = await startFidelity();
  });
  after(() => h?.stop());

  test('namespace, service and instance calls return the same keys, value types and error codes as moto, or a documented AWS difference', async () => {
    const report = await h.compare(cases, allow);
    assert.deepEqual(report.unexpected, []);
  });
});
