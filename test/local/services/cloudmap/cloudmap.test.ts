import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import {
  deregisterInstance,
  findNamespace,
  findService,
  listHealthyInstances,
  registerInstance,
  setInstanceHealth,
} from '../../../../src/local/services/cloudmap/state.js';
import { rejects } from '../rejects.js';

function setup() {
  let now = Date.parse('2024-05-01T10:00:00Z');
  const cloud = new CloudState({ now: () => new Date(now), timeScale: 1 });
  const call = (op: string, input: unknown = {}) => cloud.invoke('servicediscovery', op, input, { region: 'us-east-1' }) as Promise<any>;
  const advance = (ms: number) => {
    now += ms;
  };
  return { cloud, call, advance, region: () => cloud.region('us-east-1'), now: () => now };
}


async function namespaceWithService(t = setup(), dns = true) {
  const { OperationId } = await t.call('CreatePrivateDnsNamespace', { Name: 'flask-inventory.local', Vpc: 'vpc-0123456789abcdef0' });
  t.advance(2500);
  const op = await t.call('GetOperation', { OperationId });
  const namespaceId = op.Operation.Targets.NAMESPACE as string;
  const { Service } = await t.call('CreateService', {
    Name: 'invsys',
    NamespaceId: namespaceId,
    ...(dns ? { DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 60 }] } } : {}),
    HealthCheckCustomConfig: { FailureThreshold: 1 },
  });
  return { ...t, namespaceId, service: Service };
}

describe('Cloud Map namespaces', () => {
  it('moves a create-namespace operation from SUBMITTED through PENDING to SUCCESS over two AWS seconds', async () => {
    const t = setup();
    const { OperationId } = await t.call('CreatePrivateDnsNamespace', { Name: 'lab.local', Vpc: 'vpc-0123456789abcdef0' });
    assert.equal((await t.call('GetOperation', { OperationId })).Operation.Status, 'SUBMITTED');
    t.advance(1000);
    assert.equal((await t.call('GetOperation', { OperationId })).Operation.Status, 'PENDING');
    t.advance(1000);
    const done = await t.call('GetOperation', { OperationId });
    assert.equal(done.Operation.Status, 'SUCCESS');
    assert.equal(done.Operation.Type, 'CREATE_NAMESPACE');
    assert.match(done.Operation.Targets.NAMESPACE, /^ns-[a-z0-9]{16}$/);
  });

  it('completes operations sooner under a smaller time scale', async () => {
    let now = 0;
    const cloud = new CloudState({ now: () => new Date(now), timeScale: 0.01 });
    const { OperationId } = (await cloud.invoke('servicediscovery', 'CreateHttpNamespace', { Name: 'fast' })) as any;
    now += 25;
    const op = (await cloud.invoke('servicediscovery', 'GetOperation', { OperationId })) as any;
    assert.equal(op.Operation.Status, 'SUCCESS');
  });

  it('hides a namespace until its create operation has succeeded', async () => {
    const t = setup();
    const { OperationId } = await t.call('CreateHttpNamespace', { Name: 'api' });
    const id = (await t.call('GetOperation', { OperationId })).Operation.Targets.NAMESPACE;
    await rejects(t.call('GetNamespace', { Id: id }), 'NamespaceNotFound');
    assert.equal((await t.call('ListNamespaces')).Namespaces.length, 0);
    t.advance(2000);
    const { Namespace } = await t.call('GetNamespace', { Id: id });
    assert.equal(Namespace.Name, 'api');
    assert.equal(Namespace.Type, 'HTTP');
    assert.equal(Namespace.Properties.HttpProperties.HttpName, 'api');
    assert.equal(Namespace.Arn, `arn:aws:servicediscovery:us-east-1:123456789012:namespace/${id}`);
  });

  it('requires a VPC for a private DNS namespace', async () => {
    await rejects(setup().call('CreatePrivateDnsNamespace', { Name: 'lab.local' }), 'InvalidInput', /vpc/);
  });

  it('accepts the names the model allows (dns_ns is a valid private namespace), refuses ARNs and non-printable names, and keeps public names to DNS', async () => {
    const t = setup();
    await t.call('CreatePrivateDnsNamespace', { Name: 'dns_ns', Vpc: 'vpc-0123456789abcdef0' });
    await t.call('CreateHttpNamespace', { Name: 'http_ns!' });
    for (const [op, name] of [
      ['CreatePrivateDnsNamespace', 'arn:aws:servicediscovery:x'],
      ['CreatePrivateDnsNamespace', 'has space'],
      ['CreatePrivateDnsNamespace', 'x'.repeat(254)],
      ['CreateHttpNamespace', 'arn:nope'],
    ] as const) {
      await rejects(t.call(op, { Name: name, Vpc: 'vpc-0123456789abcdef0' }), 'InvalidInput', /at 'name'/);
    }
    await rejects(t.call('CreatePublicDnsNamespace', { Name: 'dns_ns.example.com' }), 'InvalidInput');
    t.advance(2500);
    const names = (await t.call('ListNamespaces')).Namespaces.map((n: { Name: string }) => n.Name).sort();
    assert.deepEqual(names, ['dns_ns', 'http_ns!']);
  });

  it('updates a namespace description and SOA TTL through an UPDATE_NAMESPACE operation; a retried UpdaterRequestId returns the same operation', async () => {
    const t = setup();
    const ids: Record<string, string> = {};
    for (const [op, name, extra] of [
      ['CreatePrivateDnsNamespace', 'priv.local', { Vpc: 'vpc-0123456789abcdef0' }],
      ['CreatePublicDnsNamespace', 'pub.example.com', {}],
      ['CreateHttpNamespace', 'web', {}],
    ] as const) {
      const { OperationId } = await t.call(op, { Name: name, ...extra });
      t.advance(2500);
      ids[name] = (await t.call('GetOperation', { OperationId })).Operation.Targets.NAMESPACE;
    }
    const soa = { DnsProperties: { SOA: { TTL: 300 } } };
    const first = await t.call('UpdatePrivateDnsNamespace', { Id: ids['priv.local'], UpdaterRequestId: 'u-1', Namespace: { Description: 'changed', Properties: soa } });
    const retried = await t.call('UpdatePrivateDnsNamespace', { Id: ids['priv.local'], UpdaterRequestId: 'u-1', Namespace: { Description: 'changed', Properties: soa } });
    assert.equal(retried.OperationId, first.OperationId);
    const op = (await t.call('GetOperation', { OperationId: first.OperationId })).Operation;
    assert.equal(op.Type, 'UPDATE_NAMESPACE');
    assert.deepEqual(op.Targets, { NAMESPACE: ids['priv.local'] });
    const priv = (await t.call('GetNamespace', { Id: ids['priv.local'] })).Namespace;
    assert.equal(priv.Description, 'changed');
    assert.equal(priv.Properties.DnsProperties.SOA.TTL, 300);

    await t.call('UpdatePublicDnsNamespace', { Id: ids['pub.example.com'], Namespace: { Properties: { DnsProperties: { SOA: { TTL: 60 } } } } });
    assert.equal((await t.call('GetNamespace', { Id: ids['pub.example.com'] })).Namespace.Properties.DnsProperties.SOA.TTL, 60);
    await t.call('UpdateHttpNamespace', { Id: ids.web, Namespace: { Description: 'web apps' } });
    assert.equal((await t.call('GetNamespace', { Id: ids.web })).Namespace.Description, 'web apps');

    // Hostile and wrong input: the other type's operation, a missing namespace, nothing to change, a negative TTL, no Description for HTTP.
    await rejects(t.call('UpdateHttpNamespace', { Id: ids['priv.local'], Namespace: { Description: 'x' } }), 'InvalidInput', /DNS_PRIVATE namespace; UpdateHttpNamespace/);
    await rejects(t.call('UpdatePrivateDnsNamespace', { Id: 'ns-doesnotexist0000', Namespace: { Description: 'x' } }), 'NamespaceNotFound');
    await rejects(t.call('UpdatePrivateDnsNamespace', { Id: ids['priv.local'], Namespace: {} }), 'InvalidInput', /must change something/);
    await rejects(t.call('UpdatePrivateDnsNamespace', { Id: ids['priv.local'], Namespace: { Properties: { DnsProperties: { SOA: { TTL: -1 } } } } }), 'InvalidInput', /ttl/i);
    await rejects(t.call('UpdateHttpNamespace', { Id: ids.web, Namespace: {} }), 'InvalidInput', /namespace.description/);
  });

  it('rejects a duplicate namespace name with the existing id', async () => {
    const t = setup();
    await t.call('CreatePrivateDnsNamespace', { Name: 'lab.local', Vpc: 'vpc-0123456789abcdef0' });
    const existing = Object.values((t.region().servicediscovery as any).namespaces)[0] as { id: string };
    await rejects(t.call('CreatePrivateDnsNamespace', { Name: 'lab.local', Vpc: 'vpc-0123456789abcdef0' }), 'NamespaceAlreadyExists', new RegExp(existing.id));
  });

  it('returns the same operation when a create is retried with the same CreatorRequestId', async () => {
    const t = setup();
    const input = { Name: 'lab.local', Vpc: 'vpc-0123456789abcdef0', CreatorRequestId: 'req-1' };
    const first = await t.call('CreatePrivateDnsNamespace', input);
    const second = await t.call('CreatePrivateDnsNamespace', input);
    assert.equal(second.OperationId, first.OperationId);
  });

  it('filters namespaces by type and by name prefix', async () => {
    const t = setup();
    await t.call('CreatePrivateDnsNamespace', { Name: 'flask-inventory.local', Vpc: 'vpc-0123456789abcdef0' });
    await t.call('CreateHttpNamespace', { Name: 'flask-http' });
    await t.call('CreateHttpNamespace', { Name: 'other' });
    t.advance(3000);
    const dns = await t.call('ListNamespaces', { Filters: [{ Name: 'TYPE', Values: ['DNS_PRIVATE'], Condition: 'EQ' }] });
    assert.deepEqual(dns.Namespaces.map((n: any) => n.Name), ['flask-inventory.local']);
    const prefixed = await t.call('ListNamespaces', { Filters: [{ Name: 'NAME', Values: ['flask'], Condition: 'BEGINS_WITH' }] });
    assert.deepEqual(prefixed.Namespaces.map((n: any) => n.Name).sort(), ['flask-http', 'flask-inventory.local']);
    const paged = await t.call('ListNamespaces', { MaxResults: 2 });
    assert.equal(paged.Namespaces.length, 2);
    const rest = await t.call('ListNamespaces', { MaxResults: 2, NextToken: paged.NextToken });
    assert.equal(rest.Namespaces.length, 1);
    assert.equal(rest.NextToken, undefined);
  });

  it('refuses to delete a namespace that still has services', async () => {
    const t = await namespaceWithService();
    await rejects(t.call('DeleteNamespace', { Id: t.namespaceId }), 'ResourceInUse');
    await t.call('DeleteService', { Id: t.service.Id });
    const { OperationId } = await t.call('DeleteNamespace', { Id: t.namespaceId });
    t.advance(2000);
    const op = await t.call('GetOperation', { OperationId });
    assert.equal(op.Operation.Type, 'DELETE_NAMESPACE');
    assert.equal(op.Operation.Status, 'SUCCESS');
    await rejects(t.call('GetNamespace', { Id: t.namespaceId }), 'NamespaceNotFound');
  });

  it('lists operations filtered by type and status', async () => {
    const t = setup();
    await t.call('CreateHttpNamespace', { Name: 'a' });
    t.advance(5000);
    await t.call('CreateHttpNamespace', { Name: 'b' });
    const succeeded = await t.call('ListOperations', { Filters: [{ Name: 'STATUS', Values: ['SUCCESS'], Condition: 'EQ' }] });
    assert.equal(succeeded.Operations.length, 1);
    const creates = await t.call('ListOperations', { Filters: [{ Name: 'TYPE', Values: ['CREATE_NAMESPACE'], Condition: 'EQ' }] });
    assert.equal(creates.Operations.length, 2);
  });
});

describe('Cloud Map services', () => {
  it('creates a DNS service with an A record and reports it as DNS_HTTP', async () => {
    const t = await namespaceWithService();
    assert.match(t.service.Id, /^srv-[a-z0-9]{16}$/);
    assert.equal(t.service.Type, 'DNS_HTTP');
    assert.deepEqual(t.service.DnsConfig.DnsRecords, [{ Type: 'A', TTL: 60 }]);
    assert.deepEqual(t.service.HealthCheckCustomConfig, { FailureThreshold: 1 });
    const listed = await t.call('ListServices', { Filters: [{ Name: 'NAMESPACE_ID', Values: [t.namespaceId], Condition: 'EQ' }] });
    assert.deepEqual(listed.Services.map((s: any) => s.Name), ['invsys']);
    const byArn = await t.call('GetService', { Id: t.service.Id });
    assert.equal(byArn.Service.Arn, t.service.Arn);
  });

  it('rejects a duplicate service name with ServiceAlreadyExists naming the existing id', async () => {
    const t = await namespaceWithService();
    await rejects(t.call('CreateService', { Name: 'invsys', NamespaceId: t.namespaceId }), 'ServiceAlreadyExists', new RegExp(t.service.Id));
  });

  it('rejects a DnsConfig in an HTTP namespace and unknown namespaces', async () => {
    const t = setup();
    const { OperationId } = await t.call('CreateHttpNamespace', { Name: 'api' });
    t.advance(2000);
    const id = (await t.call('GetOperation', { OperationId })).Operation.Targets.NAMESPACE;
    await rejects(t.call('CreateService', { Name: 'x', NamespaceId: id, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 60 }] } }), 'InvalidInput');
    await rejects(t.call('CreateService', { Name: 'x', NamespaceId: 'ns-doesnotexist0000' }), 'NamespaceNotFound');
  });

  it('refuses to delete a service while instances are registered (lab cleanup step 2)', async () => {
    const t = await namespaceWithService();
    await t.call('RegisterInstance', { ServiceId: t.service.Id, InstanceId: 'task-1', Attributes: { AWS_INSTANCE_IPV4: '10.0.1.5' } });
    await rejects(t.call('DeleteService', { Id: t.service.Id }), 'ResourceInUse', /registered instance/);
    await t.call('DeregisterInstance', { ServiceId: t.service.Id, InstanceId: 'task-1' });
    await t.call('DeleteService', { Id: t.service.Id });
    await rejects(t.call('GetService', { Id: t.service.Id }), 'ServiceNotFound');
  });

  it('updates record TTLs through UpdateService', async () => {
    const t = await namespaceWithService();
    const { OperationId } = await t.call('UpdateService', { Id: t.service.Id, Service: { DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] } } });
    assert.equal((await t.call('GetOperation', { OperationId })).Operation.Type, 'UPDATE_SERVICE');
    assert.deepEqual((await t.call('GetService', { Id: t.service.Id })).Service.DnsConfig.DnsRecords, [{ Type: 'A', TTL: 10 }]);
  });
});

describe('Cloud Map instances', () => {
  it('requires AWS_INSTANCE_IPV4 for a service with an A record', async () => {
    const t = await namespaceWithService();
    await rejects(t.call('RegisterInstance', { ServiceId: t.service.Id, InstanceId: 'i1', Attributes: { AWS_INSTANCE_PORT: '5000' } }), 'InvalidInput', /AWS_INSTANCE_IPV4/);
  });

  it('registers, lists, discovers and deregisters an instance', async () => {
    const t = await namespaceWithService();
    const reg = await t.call('RegisterInstance', {
      ServiceId: t.service.Id,
      InstanceId: 'task-1',
      Attributes: { AWS_INSTANCE_IPV4: '10.0.1.5', AWS_INSTANCE_PORT: '5000', ECS_CLUSTER_NAME: 'c' },
    });
    assert.equal((await t.call('GetOperation', { OperationId: reg.OperationId })).Operation.Targets.INSTANCE, 'task-1');
    const listed = await t.call('ListInstances', { ServiceId: t.service.Id });
    assert.deepEqual(listed.Instances, [{ Id: 'task-1', Attributes: { AWS_INSTANCE_IPV4: '10.0.1.5', AWS_INSTANCE_PORT: '5000', ECS_CLUSTER_NAME: 'c' } }]);
    const found = await t.call('DiscoverInstances', { NamespaceName: 'flask-inventory.local', ServiceName: 'invsys' });
    assert.equal(found.Instances.length, 1);
    assert.equal(found.Instances[0].HealthStatus, 'HEALTHY');
    const got = await t.call('GetInstance', { ServiceId: t.service.Id, InstanceId: 'task-1' });
    assert.equal(got.Instance.Attributes.AWS_INSTANCE_IPV4, '10.0.1.5');
    await t.call('DeregisterInstance', { ServiceId: t.service.Id, InstanceId: 'task-1' });
    assert.equal((await t.call('ListInstances', { ServiceId: t.service.Id })).Instances.length, 0);
    await rejects(t.call('DeregisterInstance', { ServiceId: t.service.Id, InstanceId: 'task-1' }), 'InstanceNotFound');
  });

  it('hides unhealthy instances from discovery once custom health says so', async () => {
    const t = await namespaceWithService();
    for (const [id, ip] of [['a', '10.0.0.1'], ['b', '10.0.0.2']]) {
      await t.call('RegisterInstance', { ServiceId: t.service.Id, InstanceId: id, Attributes: { AWS_INSTANCE_IPV4: ip } });
    }
    await t.call('UpdateInstanceCustomHealthStatus', { ServiceId: t.service.Id, InstanceId: 'a', Status: 'UNHEALTHY' });
    const health = await t.call('GetInstancesHealthStatus', { ServiceId: t.service.Id });
    assert.deepEqual(health.Status, { a: 'UNHEALTHY', b: 'HEALTHY' });
    const healthy = await t.call('DiscoverInstances', { NamespaceName: 'flask-inventory.local', ServiceName: 'invsys', HealthStatus: 'HEALTHY' });
    assert.deepEqual(healthy.Instances.map((i: any) => i.InstanceId), ['b']);
    const all = await t.call('DiscoverInstances', { NamespaceName: 'flask-inventory.local', ServiceName: 'invsys', HealthStatus: 'ALL' });
    assert.equal(all.Instances.length, 2);
  });

  it('refuses custom health updates for a service without a custom health check', async () => {
    const t = await namespaceWithService();
    const { Service } = await t.call('CreateService', { Name: 'plain', NamespaceId: t.namespaceId, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 60 }] } });
    await t.call('RegisterInstance', { ServiceId: Service.Id, InstanceId: 'x', Attributes: { AWS_INSTANCE_IPV4: '10.0.0.9' } });
    await rejects(t.call('UpdateInstanceCustomHealthStatus', { ServiceId: Service.Id, InstanceId: 'x', Status: 'HEALTHY' }), 'CustomHealthNotFound');
  });
});

describe('Cloud Map accessors for the runtime and DNS server', () => {
  it('finds namespaces by name and services by ARN, and lists healthy instances for DNS', async () => {
    const t = await namespaceWithService();
    const region = t.region();
    assert.equal(findNamespace(region, 'flask-inventory.local')?.id, t.namespaceId);
    assert.equal(findService(region, t.service.Arn)?.id, t.service.Id);
    const clock = { now: t.now(), timeScale: 1 };
    registerInstance(region, t.service.Arn, 'task-a', { AWS_INSTANCE_IPV4: '127.0.1.2' }, clock);
    registerInstance(region, t.service.Id, 'task-b', { AWS_INSTANCE_IPV4: '127.0.1.3' }, clock);
    setInstanceHealth(region, t.service.Id, 'task-b', 'UNHEALTHY');
    assert.deepEqual(listHealthyInstances(region, 'flask-inventory.local', 'invsys').map((i) => i.ipv4), ['127.0.1.2']);
    deregisterInstance(region, t.service.Id, 'task-a', clock);
    assert.deepEqual(
      listHealthyInstances(region, 'flask-inventory.local.', 'invsys').map((i) => i.ipv4),
      ['127.0.1.3'],
      'falls back to unhealthy instances when none is healthy',
    );
    assert.deepEqual(listHealthyInstances(region, 'nope.local', 'invsys'), []);
  });

  it('keeps its state JSON-serialisable', async () => {
    const t = await namespaceWithService();
    await t.call('RegisterInstance', { ServiceId: t.service.Id, InstanceId: 'x', Attributes: { AWS_INSTANCE_IPV4: '10.0.0.9' } });
    const slice = t.region().servicediscovery;
    assert.deepEqual(JSON.parse(JSON.stringify(slice)), slice);
  });
});

describe('Cloud Map tags', () => {
  it('tags, lists and untags a service', async () => {
    const t = await namespaceWithService();
    await t.call('TagResource', { ResourceARN: t.service.Arn, Tags: [{ Key: 'project', Value: 'lab' }, { Key: 'env', Value: 'dev' }] });
    await t.call('UntagResource', { ResourceARN: t.service.Arn, TagKeys: ['env'] });
    assert.deepEqual((await t.call('ListTagsForResource', { ResourceARN: t.service.Arn })).Tags, [{ Key: 'project', Value: 'lab' }]);
    await rejects(t.call('ListTagsForResource', { ResourceARN: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-none' }), 'ResourceNotFoundException');
  });
});
