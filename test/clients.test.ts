import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { close, connect } from '../src/clients.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const clientsModule = fileURLToPath(new URL('../src/clients.ts', import.meta.url));

interface Seen {
  target: string;
  authorization: string;
}

/** A fake AWS JSON endpoint on loopback that records what it receives. */
async function fakeAws(): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    req.resume();
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      seen.push({ target, authorization: String(req.headers.authorization ?? '') });
      const body = target.endsWith('ListClusters') ? { clusterArns: ['arn:aws:ecs:test:1:cluster/fake'] } : { ScalableTargets: [] };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Env for a child: no host AWS settings, only what the test passes. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: '/nonexistent-home',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

function runChild(code: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', code],
      { cwd: root, env, timeout: 30_000 },
      (error, stdout, stderr) => (error ? reject(Object.assign(error, { stderr })) : resolve({ stdout, stderr })),
    );
  });
}

const nodeMajor = Number(process.versions.node.split('.')[0]);

// Each test spawns its own process or server, so they can run side by side.
describe('connect()', { concurrency: 2 }, () => {
  test('a process that connects and sends a request prints no AWS SDK Node version warning', async () => {
    const aws = await fakeAws();
    try {
      const code = `
        import { connect, close } from ${JSON.stringify(clientsModule)};
        import { ListClustersCommand } from '@aws-sdk/client-ecs';
        const clients = await connect({ region: 'us-east-1', endpoint: ${JSON.stringify(aws.url)} });
        const out = await clients.ecs.send(new ListClustersCommand({}));
        console.log(JSON.stringify(out.clusterArns));
        close(clients);`;
      const { stdout, stderr } = await runChild(code, childEnv({ AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 's' }));
      assert.equal(stdout.trim(), '["arn:aws:ecs:test:1:cluster/fake"]');
      assert.doesNotMatch(stderr, /NodeVersionSupportWarning|NodeDeprecationWarning/);
      assert.equal(stderr, '');
    } finally {
      await stop(aws.server);
    }
  });

  test('without connect() the same SDK prints the warning on this Node, so the test above is meaningful', { skip: nodeMajor >= 22 ? 'the SDK only warns on Node < 22' : false }, async () => {
    const code = `
      import { ECSClient } from '@aws-sdk/client-ecs';
      new ECSClient({ region: 'us-east-1' }).destroy();`;
    const { stderr } = await runChild(code, childEnv({}));
    assert.match(stderr, /NodeVersionSupportWarning: The AWS SDK for JavaScript \(v3\)/);
  });

  test('a user who asks for the SDK warning still gets it', { skip: nodeMajor >= 22 ? 'the SDK only warns on Node < 22' : false }, async () => {
    const code = `
      import { connect, close } from ${JSON.stringify(clientsModule)};
      close(await connect({ region: 'us-east-1', sdkNodeVersionWarning: true }));`;
    const { stderr } = await runChild(code, childEnv({}));
    assert.match(stderr, /NodeVersionSupportWarning/);
  });

  test('the standard chain picks region, credentials and per-service endpoints from the environment', async () => {
    const ecsEndpoint = await fakeAws();
    const shared = await fakeAws();
    try {
      const code = `
        import { connect, close } from ${JSON.stringify(clientsModule)};
        import { ListClustersCommand } from '@aws-sdk/client-ecs';
        import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
        const aws = await connect();
        await aws.ecs.send(new ListClustersCommand({}));
        await aws.autoScaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }));
        console.log(JSON.stringify({ region: aws.region, endpoint: aws.endpoint }));
        close(aws);`;
      const { stdout } = await runChild(
        code,
        childEnv({
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
          AWS_SECRET_ACCESS_KEY: 's',
          AWS_ENDPOINT_URL: shared.url,
          AWS_ENDPOINT_URL_ECS: ecsEndpoint.url,
        }),
      );
      assert.deepEqual(JSON.parse(stdout), { region: 'eu-west-1', endpoint: shared.url });
      assert.deepEqual(ecsEndpoint.seen.map((s) => s.target), ['AmazonEC2ContainerServiceV20141113.ListClusters']);
      assert.deepEqual(shared.seen.map((s) => s.target), ['AnyScaleFrontendService.DescribeScalableTargets']);
      for (const s of [...ecsEndpoint.seen, ...shared.seen]) {
        assert.match(s.authorization, /Credential=AKIDFROMENV\/\d{8}\/eu-west-1\//);
      }
    } finally {
      await stop(ecsEndpoint.server);
      await stop(shared.server);
    }
  });

  test('profiles come from the profile option or AWS_PROFILE, as the SDK resolves them', async () => {
    const aws = await fakeAws();
    const dir = mkdtempSync(join(tmpdir(), 'ecskit-profiles-'));
    try {
      writeFileSync(join(dir, 'config'), '[profile lab]\nregion = eu-central-1\n[profile other]\nregion = sa-east-1\n');
      writeFileSync(
        join(dir, 'credentials'),
        '[lab]\naws_access_key_id = AKIDLAB\naws_secret_access_key = s\n[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = s\n',
      );
      const code = `
        import { connect, close } from ${JSON.stringify(clientsModule)};
        import { ListClustersCommand } from '@aws-sdk/client-ecs';
        const byOption = await connect({ profile: 'lab' });
        const byEnv = await connect();
        await byOption.ecs.send(new ListClustersCommand({}));
        await byEnv.logs.config.credentials().then((c) => console.log(c.accessKeyId));
        console.log(byOption.region + ' ' + byEnv.region);
        close(byOption); close(byEnv);`;
      const { stdout } = await runChild(code, {
        ...childEnv({ AWS_PROFILE: 'other', AWS_ENDPOINT_URL: aws.url }),
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      });
      assert.deepEqual(stdout.trim().split('\n'), ['AKIDOTHER', 'eu-central-1 sa-east-1']);
      assert.match(aws.seen[0]?.authorization ?? '', /Credential=AKIDLAB\/\d{8}\/eu-central-1\//);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await stop(aws.server);
    }
  });

  test('options set region, endpoint and credentials on every client', async () => {
    const aws = await fakeAws();
    const clients = await connect({
      region: 'ap-southeast-2',
      endpoint: aws.url,
      credentials: { accessKeyId: 'AKIDOPTION', secretAccessKey: 's' },
      maxAttempts: 1,
    });
    try {
      assert.equal(clients.region, 'ap-southeast-2');
      assert.equal(clients.endpoint, aws.url);
      const out = await clients.ecs.send(new ListClustersCommand({}));
      assert.deepEqual(out.clusterArns, ['arn:aws:ecs:test:1:cluster/fake']);
      await clients.autoScaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }));
      assert.equal(aws.seen.length, 2);
      for (const s of aws.seen) assert.match(s.authorization, /Credential=AKIDOPTION\/\d{8}\/ap-southeast-2\//);
      assert.equal(await clients.cloudWatch.config.maxAttempts(), 1);
    } finally {
      close(clients);
      await stop(aws.server);
    }
  });

  test('with no region anywhere, connect() says how to set one', async () => {
    const code = `
      import { connect } from ${JSON.stringify(clientsModule)};
      try { await connect(); console.log('connected'); }
      catch (e) { console.log(e.name + ': ' + e.message); }`;
    const { stdout } = await runChild(code, childEnv({}));
    assert.equal(
      stdout.trim(),
      'ConnectError: region: no AWS region is configured; set AWS_REGION (or AWS_DEFAULT_REGION), a region in your AWS profile, or connect({ region: "us-east-1" })',
    );
  });

  test('close() destroys every client of the bundle', async () => {
    const clients = await connect({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const destroyed: string[] = [];
    for (const key of ['ecs', 'serviceDiscovery', 'elbv2', 'autoScaling', 'cloudWatch', 'logs'] as const) {
      const client = clients[key];
      const original = client.destroy.bind(client);
      client.destroy = () => {
        destroyed.push(key);
        original();
      };
    }
    close(clients);
    assert.deepEqual(destroyed, ['ecs', 'serviceDiscovery', 'elbv2', 'autoScaling', 'cloudWatch', 'logs']);
  });
});
