import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudState } from '../../../src/local/cloud-state.js';
import { registerInstance } from '../../../src/local/services/cloudmap/state.js';
import { cloudMapResolver } from '../../../src/local/runtime/discovery.js';
import { runtimePort } from '../../../src/local/services/runtime-port.js';
import { waitFor } from '../../wait-for.js';

async function lab() {
  const cloud = new CloudState({ timeScale: 0.001 });
  await cloud.invoke('servicediscovery', 'CreatePrivateDnsNamespace', { Name: 'local', Vpc: 'vpc-0123456789abcdef0' });
  // The namespace is created asynchronously (an operation): wait until it is listed.
  const Namespaces = await waitFor('the namespace to be created', async () => {
    const listed = (await cloud.invoke('servicediscovery', 'ListNamespaces', {})) as { Namespaces: Array<{ Id: string }> };
    return listed.Namespaces.length > 0 && listed.Namespaces;
  });
  const { Service } = (await cloud.invoke('servicediscovery', 'CreateService', {
    Name: 'invsys',
    DnsConfig: { NamespaceId: Namespaces[0]!.Id, DnsRecords: [{ Type: 'A', TTL: 60 }, { Type: 'SRV', TTL: 30 }] },
    HealthCheckCustomConfig: { FailureThreshold: 1 },
  })) as { Service: { Id: string } };
  const region = cloud.region('us-east-1');
  const resolve = cloudMapResolver({ regions: () => [{ accountId: cloud.accountId, region: 'us-east-1', state: region }], controlPlane: runtimePort });
  return { cloud, region, serviceId: Service.Id, resolve };
}

test('invsys.local answers the A records of registered instances with the service TTL', async () => {
  const { region, serviceId, resolve } = await lab();
  assert.equal(resolve('invsys.local', 'A'), 'nxdomain', 'no instance yet');
  registerInstance(region, serviceId, 'task1', { AWS_INSTANCE_IPV4: '127.10.0.2', AWS_INSTANCE_PORT: '5000' }, { now: Date.now(), timeScale: 0.001 });
  registerInstance(region, serviceId, 'task2', { AWS_INSTANCE_IPV4: '127.10.0.3', AWS_INSTANCE_PORT: '5000' }, { now: Date.now(), timeScale: 0.001 });
  const answer = resolve('invsys.local', 'A');
  assert.notEqual(typeof answer, 'string');
  if (typeof answer === 'string') return;
  assert.deepEqual(
    answer.records.map((r) => (r.type === 'A' ? r.address : '')).sort(),
    ['127.10.0.2', '127.10.0.3'],
  );
  assert.ok(answer.records.every((r) => r.ttl === 60));
});

test('SRV answers point at per-instance names that resolve to the instance address', async () => {
  const { region, serviceId, resolve } = await lab();
  registerInstance(region, serviceId, 'task1', { AWS_INSTANCE_IPV4: '127.10.0.2', AWS_INSTANCE_PORT: '5000' }, { now: Date.now(), timeScale: 0.001 });
  const srv = resolve('invsys.local', 'SRV');
  assert.deepEqual(srv, { records: [{ type: 'SRV', target: 'task1.invsys.local', port: 5000, priority: 1, weight: 1, ttl: 30 }] });
  assert.deepEqual(resolve('task1.invsys.local', 'A'), { records: [{ type: 'A', address: '127.10.0.2', ttl: 60 }] });
});

test('names outside private namespaces are refused; unknown names inside are NXDOMAIN', async () => {
  const { resolve } = await lab();
  assert.equal(resolve('example.com', 'A'), 'refused');
  assert.equal(resolve('nothing.local', 'A'), 'nxdomain');
});
