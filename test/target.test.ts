import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { detectTarget, openTarget, probeLocalCloud } from '../src/target.js';

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

test('the local target reports its time scale and that it is emulated', async () => {
  const target = await openTarget({ target: 'local', timeScale: 0.05 });
  try {
    assert.equal(target.timeScale, 0.05);
    assert.equal(target.emulated, true);
  } finally {
    await target.close();
  }
});

test('the AWS target pointed at an ecskit local cloud takes that cloud’s time scale; pointed elsewhere, AWS pace', async () => {
  const { startLocalCloud } = await import('../src/local/index.js');
  const cloud = await startLocalCloud({ port: 0, timeScale: 0.04 });
  const { createServer } = await import('node:http');
  const other = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('not here'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const otherUrl = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  try {
    const viaEndpoint = await openTarget({ target: 'aws', region: 'us-east-1', connect: { endpoint: cloud.endpoint, credentials } });
    try {
      assert.equal(viaEndpoint.kind, 'aws');
      assert.equal(viaEndpoint.timeScale, 0.04);
      assert.equal(viaEndpoint.emulated, true);
      assert.equal(viaEndpoint.endpoint, cloud.endpoint);
      assert.deepEqual((await viaEndpoint.clients.ecs.send(new ListClustersCommand({}))).clusterArns, []);
    } finally {
      await viaEndpoint.close();
    }
    const elsewhere = await openTarget({ target: 'aws', region: 'us-east-1', connect: { endpoint: otherUrl, credentials } });
    try {
      assert.equal(elsewhere.timeScale, 1);
      assert.equal(elsewhere.emulated, false);
    } finally {
      await elsewhere.close();
    }
  } finally {
    other.closeAllConnections();
    await new Promise<void>((resolve) => other.close(() => resolve()));
    await cloud.stop();
  }
});

test('probeLocalCloud recognizes only an ecskit local cloud, and gives up quickly on a silent endpoint', async () => {
  const { startLocalCloud } = await import('../src/local/index.js');
  const { createServer } = await import('node:http');
  const cloud = await startLocalCloud({ port: 0, timeScale: 0.5, region: 'eu-west-1' });
  const answers: Record<string, [number, string]> = {
    '/json': [200, '{"status":"ok","timeScale":"fast"}'],
    '/text': [200, 'hello'],
  };
  let mode = '/json';
  const server = createServer((req, res) => {
    if (mode === '/silent') return; // never answers
    const [status, body] = answers[mode]!;
    res.writeHead(status, { 'content-type': 'application/json' }).end(req.method === 'GET' ? body : undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const probe = await probeLocalCloud(cloud.endpoint);
    assert.equal(probe?.timeScale, 0.5);
    assert.equal(probe?.region, 'eu-west-1');
    assert.match(probe?.accountId ?? '', /^\d{12}$/);
    assert.equal(await probeLocalCloud(url), undefined, 'a health answer without a numeric timeScale');
    mode = '/text';
    assert.equal(await probeLocalCloud(url), undefined, 'not JSON');
    mode = '/silent';
    const started = performance.now();
    assert.equal(await probeLocalCloud(url, 200), undefined, 'no answer');
    assert.ok(performance.now() - started < 2000, 'the probe gave up at its timeout');
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(dead.address() as { port: number }).port}`;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    assert.equal(await probeLocalCloud(deadUrl), undefined, 'connection refused');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await cloud.stop();
  }
});
