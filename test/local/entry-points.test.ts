import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startLocalCloud, StateFileError } from '../../src/local/index.js';
import { fakeServices } from './fake-services.js';
import { rejection, signedPost, startTestCloud } from './helpers.js';

const root = new URL('../..', import.meta.url).pathname;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecskit-local-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('SigV4 verification', () => {
  const credentials = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-secret' };

  test('correctly signed SDK requests pass and wrong secrets or keys get AWS auth errors in each protocol', async () => {
    const t = await startTestCloud({ services: fakeServices, credentials });
    try {
      const ok = await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'signed' }));
      assert.equal(ok.cluster?.clusterName, 'signed');
      const elbOk = await t.clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['x'] }));
      assert.equal(elbOk.LoadBalancers?.length, 1);

      const base = { endpoint: t.cloud.endpoint, region: 'us-east-1', maxAttempts: 1 };
      const wrongSecret = new ECSClient({ ...base, credentials: { ...credentials, secretAccessKey: 'nope' } });
      const wrongKey = new ECSClient({ ...base, credentials: { ...credentials, accessKeyId: 'AKIDOTHER' } });
      const wrongSecretElb = new ElasticLoadBalancingV2Client({ ...base, credentials: { ...credentials, secretAccessKey: 'nope' } });
      try {
        const e1 = await rejection(wrongSecret.send(new ListClustersCommand({})));
        assert.equal(e1.name, 'InvalidSignatureException');
        assert.equal(e1.$metadata.httpStatusCode, 403);
        const e2 = await rejection(wrongKey.send(new ListClustersCommand({})));
        assert.equal(e2.name, 'UnrecognizedClientException');
        const e3 = await rejection(wrongSecretElb.send(new DescribeLoadBalancersCommand({})));
        assert.equal(e3.Code ?? e3.name, 'SignatureDoesNotMatch');
        assert.equal(e3.$metadata.httpStatusCode, 403);
      } finally {
        wrongSecret.destroy();
        wrongKey.destroy();
        wrongSecretElb.destroy();
      }

      const badKeyQuery = await signedPost(t.cloud.endpoint, 'sts', 'us-east-1', { 'content-type': 'application/x-www-form-urlencoded' }, 'Action=GetCallerIdentity&Version=2011-06-15', {
        accessKeyId: 'AKIDOTHER',
        secretAccessKey: 'x',
      });
      assert.equal(badKeyQuery.status, 403);
      assert.equal(badKeyQuery.xml.ErrorResponse.Error.Code, 'InvalidClientTokenId');

      const unsigned = await fetch(t.cloud.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
      assert.equal(unsigned.status, 403);
      assert.match(await unsigned.text(), /<Code>MissingAuthenticationToken<\/Code>/);

      const incomplete = await fetch(t.cloud.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
          authorization: 'AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST/20260101/us-east-1/ecs/aws4_request',
        },
        body: '{}',
      });
      assert.equal(incomplete.status, 403);
      assert.equal(((await incomplete.json()) as { __type: string }).__type, 'IncompleteSignatureException');
    } finally {
      await t.stop();
    }
  });
});

describe('state file', () => {
  test('state survives a restart through the state file', async () => {
    const file = join(tempDir(), 'state.json');
    const first = await startTestCloud({ services: fakeServices, stateFile: file });
    await first.clients.ecs.send(new CreateClusterCommand({ clusterName: 'persisted' }));
    await first.stop();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { format: string };
    assert.equal(saved.format, 'ecskit-local-state');

    const second = await startTestCloud({ services: fakeServices, stateFile: file });
    try {
      const out = await second.clients.ecs.send(new ListClustersCommand({}));
      assert.deepEqual(out.clusterArns, ['arn:aws:ecs:us-east-1:123456789012:cluster/persisted']);
    } finally {
      await second.stop();
    }
  });

  test('changes are saved shortly after they happen, before stop', async () => {
    const file = join(tempDir(), 'state.json');
    const t = await startTestCloud({ services: fakeServices, stateFile: file });
    try {
      await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'early' }));
      const deadline = Date.now() + 3000;
      let text = '';
      while (Date.now() < deadline) {
        try {
          text = readFileSync(file, 'utf8');
          if (text.includes('early')) break;
        } catch {
          /* not written yet */
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.match(text, /early/);
    } finally {
      await t.stop();
    }
  });

  test('a corrupt state file stops start-up with an error naming the file and the parse problem, and is left untouched', async () => {
    const file = join(tempDir(), 'state.json');
    writeFileSync(file, '{"format":"ecskit-local-state","accounts":{');
    await assert.rejects(
      startLocalCloud({ port: 0, stateFile: file, services: fakeServices, log: () => {} }),
      (error: unknown) => error instanceof StateFileError && error.message.includes(file) && /JSON|Unexpected|unterminated|end/i.test(error.message),
    );
    assert.equal(readFileSync(file, 'utf8'), '{"format":"ecskit-local-state","accounts":{');
  });
});

describe('startLocalCloud options', () => {
  test('binding a non-loopback host is refused unless allowNonLoopback is set', async () => {
    await assert.rejects(startLocalCloud({ host: '0.0.0.0', port: 0, log: () => {} }), /allowNonLoopback/);
    const lines: string[] = [];
    const cloud = await startLocalCloud({ host: '0.0.0.0', port: 0, allowNonLoopback: true, log: (l) => lines.push(l), services: fakeServices });
    try {
      assert.ok(lines.some((l) => /WARNING/.test(l)));
    } finally {
      await cloud.stop();
    }
  });

  test('a taken port is reported with the fix', async () => {
    const a = await startLocalCloud({ port: 0, services: fakeServices, log: () => {} });
    try {
      const port = Number(new URL(a.endpoint).port);
      await assert.rejects(startLocalCloud({ port, services: fakeServices, log: () => {} }), /already in use/);
    } finally {
      await a.stop();
    }
  });
});

describe('ecskit local CLI', () => {
  const cli = (args: string[]) => spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });

  test('prints the endpoint and env lines, serves requests and stops cleanly on SIGINT', async () => {
    const child = cli(['local', '--port', '0', '--region', 'eu-west-1']);
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`CLI did not start in time; stderr: ${err}`)), 20_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('Ctrl-C')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const endpoint = /export AWS_ENDPOINT_URL=(\S+)/.exec(out)?.[1];
      assert.ok(endpoint, out);
      assert.match(out, /export AWS_REGION=eu-west-1/);
      assert.match(out, /export AWS_ACCESS_KEY_ID=\S+/);
      assert.match(out, /export AWS_SECRET_ACCESS_KEY=\S+/);
      assert.match(out, /export AWS_DISABLE_HOST_PREFIX_INJECTION=true/, 'discover-instances works from the AWS CLI');
      const health = (await (await fetch(`${endpoint}/_ecskit/health`)).json()) as { status: string; region: string };
      assert.deepEqual([health.status, health.region], ['ok', 'eu-west-1']);
      child.kill('SIGINT');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  test('an unknown flag fails with a message naming it', async () => {
    const child = cli(['local', '--prot', '4566']);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 2);
    assert.match(err, /unknown option --prot/);
  });
});
