import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { chmodSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, close } from '../src/clients.js';
import { detectTarget, openTarget, probeEndpoint, probeLocalCloud } from '../src/target.js';
import { FAKE_ACCOUNT, startFakeAws } from './script/fake-aws.js';
import { waitFor } from './wait-for.js';

/** A URL on 127.0.0.1 where nothing listens (a port that was just freed). */
async function refusedUrl(): Promise<string> {
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(dead.address() as { port: number }).port}`;
  await new Promise<void>((resolve) => dead.close(() => resolve()));
  return url;
}

/** An HTTP server that is not an ecskit local cloud (404 to everything). */
async function notACloud(): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const server = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('not here'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    server,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('with no AWS settings in the environment the target is the local cloud', () => {
  assert.equal(detectTarget({}), 'local');
  assert.equal(detectTarget({ HOME: '/root', PATH: '/usr/bin' }), 'local');
});

test('AWS credentials, a profile or an endpoint in the environment never select AWS: only ECSKIT_TARGET=aws does (issue #12.7)', () => {
  assert.equal(detectTarget({ AWS_PROFILE: 'lab' }), 'local');
  assert.equal(detectTarget({ AWS_ACCESS_KEY_ID: 'AKIA…', AWS_SECRET_ACCESS_KEY: 's' }), 'local');
  assert.equal(detectTarget({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }), 'local');
  assert.equal(detectTarget({ ECSKIT_TARGET: 'aws' }), 'aws');
  assert.equal(detectTarget({ ECSKIT_TARGET: 'local', AWS_PROFILE: 'lab' }), 'local');
  assert.throws(() => detectTarget({ ECSKIT_TARGET: 'prod' }), { name: 'TargetError', message: /ECSKIT_TARGET must be aws, local or auto, got: "prod"/ });
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
    const namespaceId = await waitFor('the namespace to be created', async () => (await sd.send(new ListNamespacesCommand({}))).Namespaces?.[0]?.Id);
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
  // Elsewhere: an endpoint that answers STS (as AWS would) but is no ecskit cloud.
  const other = await startFakeAws();
  const otherUrl = other.url;
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  try {
    const viaEndpoint = await openTarget({ target: 'aws', region: 'us-east-1', connect: { endpoint: cloud.endpoint, credentials } });
    try {
      assert.equal(viaEndpoint.kind, 'aws');
      assert.equal(viaEndpoint.timeScale, 0.04);
      assert.equal(viaEndpoint.emulated, true);
      assert.equal(viaEndpoint.driver, 'process', "read from the cloud's GET /_ecskit/health");
      assert.equal(viaEndpoint.endpoint, cloud.endpoint);
      assert.deepEqual((await viaEndpoint.clients.ecs.send(new ListClustersCommand({}))).clusterArns, []);
    } finally {
      await viaEndpoint.close();
    }
    const elsewhere = await openTarget({ target: 'aws', region: 'us-east-1', connect: { endpoint: otherUrl, credentials } });
    try {
      assert.equal(elsewhere.timeScale, 1);
      assert.equal(elsewhere.emulated, false);
      assert.equal(elsewhere.accountId, FAKE_ACCOUNT, 'the account from STS GetCallerIdentity');
    } finally {
      await elsewhere.close();
    }
  } finally {
    await other.stop();
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
    assert.equal(probe?.driver, 'process', 'the driver that runs its tasks');
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

test('auto with AWS credentials and a profile in the environment runs the local cloud in this process, names what it ignored, and the account from STS', async () => {
  const env = { AWS_ACCESS_KEY_ID: 'AKIAREALACCOUNT', AWS_SECRET_ACCESS_KEY: 'secret', AWS_PROFILE: 'prod', AWS_SESSION_TOKEN: 'tok' };
  const target = await openTarget({ env });
  try {
    assert.equal(target.kind, 'local');
    assert.equal(target.emulated, true);
    assert.equal(target.driver, 'process');
    assert.deepEqual(target.ignoredEnv, ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SESSION_TOKEN']);
    assert.match(target.accountId, /^\d{12}$/);
    assert.match(target.endpoint ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  } finally {
    await target.close();
  }
});

test('auto with an AWS_ENDPOINT_URL where nothing listens fails within 2 s, saying how to start a local cloud', async () => {
  const url = await refusedUrl();
  const started = performance.now();
  await assert.rejects(openTarget({ env: { AWS_ENDPOINT_URL: url, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' } }), (error: Error) => {
    assert.equal(error.name, 'TargetError');
    assert.equal(
      error.message,
      `no local cloud at ${url} (AWS_ENDPOINT_URL; connect ECONNREFUSED ${url.slice('http://'.length)}): start one with \`npx ecskit local\`, or unset AWS_ENDPOINT_URL to run the local cloud in this process`,
    );
    return true;
  });
  assert.ok(performance.now() - started < 2000, `failed after ${Math.round(performance.now() - started)} ms`);
});

test('--target aws with an endpoint where nothing listens fails within 2 s too', async () => {
  const url = await refusedUrl();
  const started = performance.now();
  await assert.rejects(
    openTarget({ target: 'aws', region: 'us-east-1', connect: { endpoint: url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } } }),
    { name: 'TargetError', message: new RegExp(`^nothing answers at ${url} \\(connect ECONNREFUSED .*npx ecskit local`) },
  );
  assert.ok(performance.now() - started < 2000);
});

test('auto with an AWS_ENDPOINT_URL that is not an ecskit local cloud refuses it and names --target aws', async () => {
  const other = await notACloud();
  try {
    await assert.rejects(openTarget({ env: { AWS_ENDPOINT_URL: other.url } }), (error: Error) => {
      assert.equal(error.name, 'TargetError');
      assert.match(error.message, new RegExp(`^AWS_ENDPOINT_URL=${other.url} does not answer as an ecskit local cloud \\(GET /_ecskit/health: HTTP 404\\)`));
      assert.match(error.message, /pass --target aws \(or ECSKIT_TARGET=aws\)/);
      return true;
    });
  } finally {
    await other.stop();
  }
});

test('auto with an AWS_ENDPOINT_URL that answers as an ecskit local cloud uses it, with no AWS credentials at all; ECSKIT_TARGET=aws picks the AWS path', async () => {
  const { startLocalCloud } = await import('../src/local/index.js');
  const cloud = await startLocalCloud({ port: 0, timeScale: 0.04, region: 'eu-west-1' });
  const saved = { ...process.env };
  // No credentials anywhere: the target falls back to the local cloud's.
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
  process.env.AWS_CONFIG_FILE = '/nonexistent/config';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION']) delete process.env[name];
  try {
    const target = await openTarget({ env: { AWS_ENDPOINT_URL: cloud.endpoint } });
    try {
      assert.equal(target.kind, 'aws');
      assert.equal(target.emulated, true);
      assert.equal(target.endpoint, cloud.endpoint);
      assert.equal(target.region, 'eu-west-1', "the cloud's own region");
      assert.equal(target.timeScale, 0.04);
      assert.match(target.accountId, /^\d{12}$/);
      assert.deepEqual((await target.clients.ecs.send(new ListClustersCommand({}))).clusterArns, []);
    } finally {
      await target.close();
    }
    const explicit = await openTarget({
      env: { ECSKIT_TARGET: 'aws', AWS_ENDPOINT_URL: cloud.endpoint, AWS_DEFAULT_REGION: 'eu-west-1' },
      connect: { credentials: { accessKeyId: 'k', secretAccessKey: 's' } },
    });
    try {
      assert.equal(explicit.kind, 'aws');
      assert.equal(explicit.emulated, true, 'still recognised as the local cloud');
      assert.equal(explicit.region, 'eu-west-1', 'AWS_DEFAULT_REGION');
    } finally {
      await explicit.close();
    }
  } finally {
    process.env = saved;
    await cloud.stop();
  }
});

test('AWS_DEFAULT_REGION is honoured like AWS_REGION, and AWS_REGION wins when both are set', async () => {
  const local = await openTarget({ target: 'local', env: { AWS_DEFAULT_REGION: 'ap-south-1' } });
  try {
    assert.equal(local.region, 'ap-south-1');
  } finally {
    await local.close();
  }
  const saved = { ...process.env };
  delete process.env.AWS_REGION;
  process.env.AWS_DEFAULT_REGION = 'eu-north-1';
  process.env.AWS_CONFIG_FILE = '/nonexistent/config';
  try {
    const clients = await connect({ credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    assert.equal(clients.region, 'eu-north-1');
    assert.equal(await clients.cloudWatch.config.region(), 'eu-north-1', 'every client of the bundle');
    close(clients);
    process.env.AWS_REGION = 'us-west-2';
    const both = await connect({ credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    assert.equal(both.region, 'us-west-2');
    close(both);
  } finally {
    process.env = saved;
  }
});

test('probeEndpoint tells an endpoint where nothing listens from one that is something else', async () => {
  const other = await notACloud();
  try {
    assert.deepEqual(await probeEndpoint(other.url), { state: 'other', reason: 'HTTP 404' });
    const refused = await probeEndpoint(await refusedUrl());
    assert.equal(refused.state, 'unreachable');
    assert.match((refused as { reason: string }).reason, /ECONNREFUSED/);
    assert.equal((await probeEndpoint('not a url')).state, 'unreachable');
  } finally {
    await other.stop();
  }
});

test('setTimeScale: the in-process cloud always; an `ecskit local` elsewhere only with its admin token (ECSKIT_ADMIN_TOKEN, or its token file on loopback)', async () => {
  const inProcess = await openTarget({ target: 'local', timeScale: 0.02, env: {} });
  try {
    assert.equal(inProcess.clockFixedBecause, undefined);
    await inProcess.setTimeScale!(0.1);
    assert.equal(inProcess.local!.state.timeScale, 0.1);
    await assert.rejects(inProcess.setTimeScale!(0), /timeScale must be a positive number, got: 0/);
    assert.equal(inProcess.local!.state.timeScale, 0.1);
  } finally {
    await inProcess.close();
  }

  const { startLocalCloud } = await import('../src/local/index.js');
  const dir = join(tmpdir(), `ecskit-${process.getuid!()}`);
  const withFile = await startLocalCloud({ port: 0, timeScale: 0.02, runtime: false, adminTokenFile: true, log: () => {} });
  const noFile = await startLocalCloud({ port: 0, timeScale: 0.02, runtime: false, log: () => {} });
  try {
    // No token: the clock is fixed, and the reason says how to give one.
    const fixed = await openTarget({ env: { AWS_ENDPOINT_URL: noFile.endpoint } });
    try {
      assert.equal(fixed.setTimeScale, undefined);
      assert.equal(fixed.clockFixedBecause, `the local cloud runs elsewhere and this process has no admin token for ${noFile.endpoint} (set ECSKIT_ADMIN_TOKEN to the admin token its \`ecskit local\` banner prints)`);
    } finally {
      await fixed.close();
    }
    // ECSKIT_ADMIN_TOKEN: the clock changes over PUT /_ecskit/time-scale, and the cloud says so.
    const viaEnv = await openTarget({ env: { AWS_ENDPOINT_URL: noFile.endpoint, ECSKIT_ADMIN_TOKEN: noFile.adminToken } });
    try {
      await viaEnv.setTimeScale!(0.05);
      assert.equal(noFile.state.timeScale, 0.05);
      assert.equal(viaEnv.timeScale, 0.02, 'Target.timeScale keeps the factor it was opened with');
      await assert.rejects(viaEnv.setTimeScale!(-1), /timeScale must be a positive number, got: -1/);
      await assert.rejects(viaEnv.setTimeScale!(Number.NaN), /got: NaN/);
      assert.equal(noFile.state.timeScale, 0.05);
    } finally {
      await viaEnv.close();
    }
    // A wrong ECSKIT_ADMIN_TOKEN is the user's mistake for this cloud: opening fails, naming it.
    await assert.rejects(openTarget({ env: { AWS_ENDPOINT_URL: noFile.endpoint, ECSKIT_ADMIN_TOKEN: `${noFile.adminToken}x` } }), (error: Error) => {
      assert.equal(error.name, 'TargetError');
      assert.match(error.message, /^ECSKIT_ADMIN_TOKEN is not the admin token of the local cloud at http:\/\/127\.0\.0\.1:\d+ \(it answered 403\)/);
      return true;
    });
    // On loopback, the token file `ecskit local` wrote for the port is enough (as for `ecskit console`).
    assert.ok(withFile.adminTokenFile?.startsWith(dir));
    const viaFile = await openTarget({ env: { AWS_ENDPOINT_URL: withFile.endpoint } });
    try {
      await viaFile.setTimeScale!(0.04);
      assert.equal(withFile.state.timeScale, 0.04);
    } finally {
      await viaFile.close();
    }
    // The same cloud named as `localhost` is loopback too.
    const viaLocalhost = await openTarget({ env: { AWS_ENDPOINT_URL: withFile.endpoint.replace('127.0.0.1', 'localhost') } });
    try {
      assert.ok(viaLocalhost.setTimeScale);
    } finally {
      await viaLocalhost.close();
    }

    // Hostile token files at the port's default path are not used: readable by others, a symlink, or stale.
    const path = join(dir, `admin-token-${new URL(noFile.endpoint).port}`);
    const reasonOf = async () => {
      const target = await openTarget({ env: { AWS_ENDPOINT_URL: noFile.endpoint } });
      await target.close();
      return { set: target.setTimeScale !== undefined, why: target.clockFixedBecause ?? '' };
    };
    try {
      writeFileSync(path, `${noFile.adminToken}\n`, { mode: 0o644 });
      chmodSync(path, 0o644);
      assert.deepEqual(await reasonOf(), { set: false, why: `the local cloud runs elsewhere and this process has no admin token for ${noFile.endpoint} (set ECSKIT_ADMIN_TOKEN to the admin token its \`ecskit local\` banner prints)` }, 'a token file others can read');
      rmSync(path);
      const real = join(dir, `elsewhere-${process.pid}`);
      writeFileSync(real, `${noFile.adminToken}\n`, { mode: 0o600 });
      symlinkSync(real, path);
      try {
        assert.equal((await reasonOf()).set, false, 'a symlink');
      } finally {
        rmSync(real, { force: true });
      }
      rmSync(path);
      writeFileSync(path, 'a-stale-token-from-an-earlier-cloud\n', { mode: 0o600 });
      assert.deepEqual(await reasonOf(), {
        set: false,
        why: `the local cloud runs elsewhere and the token file ${path} is not the admin token of the local cloud at ${noFile.endpoint} (left by an earlier cloud on that port?); set ECSKIT_ADMIN_TOKEN to the admin token its \`ecskit local\` banner prints`,
      });
      assert.equal(noFile.state.timeScale, 0.05, 'no hostile file moved the clock');
    } finally {
      rmSync(path, { force: true });
    }
  } finally {
    await withFile.stop();
    await noFile.stop();
  }
});
