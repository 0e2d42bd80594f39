import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { detectTarget, openTarget } from '../src/target.js';

test('with no AWS settings in the environment the target is the local cloud', () => {
  assert.equal(detectTarget({}), 'local');
  assert.equal(detectTarget({ HOME: '/root', PATH: '/usr/bin' }), 'local');
});

test('an AWS profile, credentials or endpoint in the environment selects AWS', () => {
  assert.equal(detectTarget({ AWS_PROFILE: 'lab' }), 'aws');
  assert.equal(detectTarget({ AWS_ACCESS_KEY_ID: 'AKIA…' }), 'aws');
  assert.equal(detectTarget({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }), 'aws');
});

test('the local target starts the local cloud in-process and its clients talk to it', async () => {
  const target = await openTarget({ target: 'local' });
  try {
    assert.equal(target.kind, 'local');
    assert.match(target.endpoint ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    const out = await target.clients.ecs.send(new ListClustersCommand({}));
    assert.deepEqual(out.clusterArns, []);
  } finally {
    await target.close();
  }
});

test('the AWS target without credentials refuses to start and says how to fix it', async () => {
  const saved = { ...process.env };
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
  process.env.AWS_CONFIG_FILE = '/nonexistent/config';
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
  delete process.env.AWS_PROFILE;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  try {
    await assert.rejects(openTarget({ target: 'aws', region: 'us-east-1' }), (error: Error) => {
      assert.equal(error.name, 'TargetError');
      assert.match(error.message, /--target aws needs AWS credentials/);
      assert.match(error.message, /AWS_PROFILE/);
      return true;
    });
  } finally {
    process.env = saved;
  }
});

test('DiscoverInstances works against the local cloud (no data- host prefix on a custom endpoint)', async () => {
  const { CreatePrivateDnsNamespaceCommand, CreateServiceCommand, DiscoverInstancesCommand, ListNamespacesCommand, RegisterInstanceCommand } = await import(
    '@aws-sdk/client-servicediscovery'
  );
  const target = await openTarget({ target: 'local', timeScale: 0.001 });
  try {
    const sd = target.clients.serviceDiscovery;
    await sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'local', Vpc: 'vpc-0123456789abcdef0' }));
    let namespaceId: string | undefined;
    for (let i = 0; i < 50 && !namespaceId; i++) {
      namespaceId = (await sd.send(new ListNamespacesCommand({}))).Namespaces?.[0]?.Id;
      if (!namespaceId) await new Promise((r) => setTimeout(r, 20));
    }
    const { Service } = await sd.send(
      new CreateServiceCommand({ Name: 'invsys', NamespaceId: namespaceId, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 60 }] } }),
    );
    await sd.send(new RegisterInstanceCommand({ ServiceId: Service!.Id!, InstanceId: 'task1', Attributes: { AWS_INSTANCE_IPV4: '127.10.0.2' } }));
    const found = await sd.send(new DiscoverInstancesCommand({ NamespaceName: 'local', ServiceName: 'invsys' }));
    assert.deepEqual(found.Instances?.map((i) => i.Attributes?.AWS_INSTANCE_IPV4), ['127.10.0.2']);
  } finally {
    await target.close();
  }
});
