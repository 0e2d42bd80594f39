import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { completeDeployment } from '../../src/local/services/ecs/state.js';
import { ensureCluster, OperationError, type OperationContext } from '../../src/operations/index.js';
import { invsysTd, startOpsCloud, type OpsCloud } from './helpers.js';

describe('errors, log tailing and rollback against the local cloud', () => {
  let t: OpsCloud;
  before(async () => {
    t = await startOpsCloud();
  });
  after(() => t.stop());

  test('an AWS error surfaces as an OperationError naming the operation, the resource and AWS message', async () => {
    const ops = t.ops('errs');
    await ops.ensureCluster('errs-cluster');
    const error = await ops.scale({ cluster: 'errs-cluster', service: 'invsys-service', desiredCount: 2 }).then(
      () => assert.fail('scale should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OperationError);
    assert.equal(error.name, 'OperationError');
    assert.equal(error.operation, 'ecs:UpdateService');
    assert.equal(error.resource, 'invsys-service');
    assert.equal(error.code, 'ServiceNotFoundException');
    assert.match(error.message, /^\[ecs:UpdateService\] invsys-service: \S/);
    assert.ok(error.cause instanceof Error);
  });

  test('a negative desired count is refused before any call, with the value', async () => {
    await assert.rejects(t.ops('errs').scale({ cluster: 'c', service: 's', desiredCount: -1 }), {
      message: '[ecs:UpdateService] s: desiredCount must be a whole number ≥ 0, got: -1',
    });
  });

  test('throttling is retried and the call then succeeds; a validation error is not retried', async () => {
    let calls = 0;
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    const flaky = {
      send: async (command: { input: { clusterName?: string } }) => {
        calls++;
        if (calls <= 2) throw throttled;
        return t.clients.ecs.send(command as never);
      },
    } as unknown as ECSClient;
    const ctx: OperationContext = { clients: { ...t.clients, ecs: flaky }, stack: 'errs', retries: 3, retryDelaySeconds: 0.01 };
    const out = await ensureCluster(ctx, 'throttled-cluster');
    assert.equal(out.action === 'created', true);
    assert.equal(calls, 4); // 2 throttled + DescribeClusters + CreateCluster

    let invalidCalls = 0;
    const invalid = {
      send: async () => {
        invalidCalls++;
        throw Object.assign(new Error('Cluster name is invalid.'), { name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });
      },
    } as unknown as ECSClient;
    await assert.rejects(ensureCluster({ ...ctx, clients: { ...t.clients, ecs: invalid } }, 'x'), {
      name: 'OperationError',
      message: '[ecs:DescribeClusters] x: Cluster name is invalid.',
    });
    assert.equal(invalidCalls, 1);
  });

  test('tailLogs yields events in order, filters them, and with follow picks up new ones until aborted', async () => {
    const ops = t.ops('logs');
    await ops.ensureLogGroup('/ecs/tail-test');
    const { logs } = t.clients;
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/tail-test', logStreamName: 'ecs/invsys/1' }));
    const now = Date.now();
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/ecs/tail-test',
        logStreamName: 'ecs/invsys/1',
        logEvents: [
          { timestamp: now - 120_000, message: 'old start' },
          { timestamp: now - 2_000, message: 'GET /items 200' },
          { timestamp: now - 1_000, message: 'ERROR boom' },
        ],
      }),
    );
    const all: string[] = [];
    for await (const e of ops.tailLogs({ logGroupName: '/ecs/tail-test' })) all.push(e.message);
    assert.deepEqual(all, ['old start', 'GET /items 200', 'ERROR boom']);

    const recent: string[] = [];
    for await (const e of ops.tailLogs({ logGroupName: '/ecs/tail-test', since: '1m' })) recent.push(e.message);
    assert.deepEqual(recent, ['GET /items 200', 'ERROR boom']);

    const errors: string[] = [];
    for await (const e of ops.tailLogs({ logGroupName: '/ecs/tail-test', filterPattern: 'ERROR' })) errors.push(e.message);
    assert.deepEqual(errors, ['ERROR boom']);

    const stop = new AbortController();
    const followed: string[] = [];
    let caughtUp!: () => void;
    const readExisting = new Promise<void>((resolve) => (caughtUp = resolve));
    const following = (async () => {
      for await (const e of ops.tailLogs({ logGroupName: '/ecs/tail-test', since: '1m', follow: true, pollIntervalSeconds: 0.02, signal: stop.signal })) {
        followed.push(e.message);
        if (followed.length === 2) caughtUp();
        if (followed.length === 3) stop.abort();
      }
    })();
    // The late line goes in once the follower has read the two existing ones.
    await readExisting;
    await logs.send(
      new PutLogEventsCommand({ logGroupName: '/ecs/tail-test', logStreamName: 'ecs/invsys/1', logEvents: [{ timestamp: Date.now(), message: 'late line' }] }),
    );
    await following;
    assert.deepEqual(followed, ['GET /items 200', 'ERROR boom', 'late line']);
  });

  test('tailLogs refuses a since it cannot read, saying which forms work', async () => {
    const iterator = t.ops('logs').tailLogs({ logGroupName: '/ecs/tail-test', since: 'yesterday' });
    await assert.rejects(iterator.next(), { message: /since must be a Date, epoch ms or a duration like "10m".*got: "yesterday"/ });
  });

  test('rollback goes back to the task definition of the previous completed deployment', async () => {
    const ops = t.ops('rb');
    await ops.ensureCluster('rb-cluster');
    const net = await ops.lookupDefaultNetwork();
    const v1 = await ops.registerTaskDefinition(invsysTd('rb-invsys'));
    const created = await ops.ensureService({
      cluster: 'rb-cluster',
      serviceName: 'rb-service',
      taskDefinition: v1.familyRevision,
      desiredCount: 1,
      launchType: 'EC2',
      networkConfiguration: { awsvpcConfiguration: { subnets: [...net.subnetIds] } },
    });
    const rs = t.cloud.state.region(t.cloud.region, t.cloud.accountId);
    completeDeployment(rs, created.resource.serviceArn ?? '', created.deploymentId);
    const v2 = await ops.registerTaskDefinition(invsysTd('rb-invsys', 'flask-inventory/invsys:v2.0.0'));
    const deployed = await ops.deploy({ cluster: 'rb-cluster', service: 'rb-service', taskDefinition: v2.familyRevision });
    completeDeployment(rs, created.resource.serviceArn ?? '', deployed.deploymentId);
    t.cloud.state.touch();
    const back = await ops.rollback({ cluster: 'rb-cluster', service: 'rb-service' });
    assert.match(back.taskDefinition, /rb-invsys:1$/);
    assert.match(back.deploymentId, /^ecs-svc\//);
    assert.notEqual(back.deploymentId, deployed.deploymentId);
  });
});
