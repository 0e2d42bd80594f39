/**
 * ECS capacity providers (issue #13.3): FARGATE and FARGATE_SPOT in every
 * account, Auto Scaling group providers created, described, updated,
 * associated with a cluster, used by a default strategy, and deleted only
 * when nothing uses them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registerVirtualInstances } from '../../../../src/local/services/ecs/index.js';
import { CLUSTER, invsysTaskDefinition, labRegion, REGION, rejection } from './fixtures.js';

const ASG = 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1f7a3b2c-0000-4000-8000-123456789abc:autoScalingGroupName/lab-asg';

describe('ECS capacity providers', () => {
  it('lists FARGATE and FARGATE_SPOT, creates an Auto Scaling group provider with AWS defaults, and finds it by name or ARN', async () => {
    const r = await labRegion();
    const builtIn = await r.ecs('DescribeCapacityProviders', {});
    assert.deepEqual(builtIn.capacityProviders.map((p: { name: string; status: string }) => [p.name, p.status]), [['FARGATE', 'ACTIVE'], ['FARGATE_SPOT', 'ACTIVE']]);
    const { capacityProvider } = await r.ecs('CreateCapacityProvider', {
      name: 'lab-capacity',
      autoScalingGroupProvider: { autoScalingGroupArn: ASG, managedScaling: { targetCapacity: 80 } },
      tags: [{ key: 'ecskit:stack', value: 'lab' }],
    });
    assert.equal(capacityProvider.capacityProviderArn, 'arn:aws:ecs:us-east-1:123456789012:capacity-provider/lab-capacity');
    assert.deepEqual(capacityProvider.autoScalingGroupProvider, {
      autoScalingGroupArn: ASG,
      managedScaling: { status: 'ENABLED', targetCapacity: 80, minimumScalingStepSize: 1, maximumScalingStepSize: 10_000, instanceWarmupPeriod: 300 },
      managedTerminationProtection: 'DISABLED',
      managedDraining: 'ENABLED',
    });
    const byArn = await r.ecs('DescribeCapacityProviders', { capacityProviders: [capacityProvider.capacityProviderArn, 'ghost'], include: ['TAGS'] });
    assert.equal(byArn.capacityProviders[0].name, 'lab-capacity');
    assert.deepEqual(byArn.capacityProviders[0].tags, [{ key: 'ecskit:stack', value: 'lab' }]);
    assert.deepEqual(byArn.failures, [{ arn: 'arn:aws:ecs:us-east-1:123456789012:capacity-provider/ghost', reason: 'MISSING' }]);
    const updated = await r.ecs('UpdateCapacityProvider', { name: 'lab-capacity', autoScalingGroupProvider: { managedScaling: { status: 'DISABLED' }, managedDraining: 'DISABLED' } });
    assert.equal(updated.capacityProvider.autoScalingGroupProvider.managedScaling.status, 'DISABLED');
    assert.equal(updated.capacityProvider.autoScalingGroupProvider.managedScaling.targetCapacity, 80);
    assert.equal(updated.capacityProvider.updateStatus, 'UPDATE_COMPLETE');
  });

  it('a cluster default strategy naming it places tasks the API starts without a launch type on the container instances; deletion waits until nothing uses it', async () => {
    const r = await labRegion();
    await r.ecs('CreateCapacityProvider', { name: 'lab-capacity', autoScalingGroupProvider: { autoScalingGroupArn: ASG } });
    await r.ecs('PutClusterCapacityProviders', { cluster: CLUSTER, capacityProviders: ['lab-capacity', 'FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'lab-capacity', weight: 1, base: 1 }] });
    registerVirtualInstances(r.cloud.region(REGION), r.clusterArn, { count: 1, cpu: 2048, memory: 4096 });
    await r.ecs('RegisterTaskDefinition', invsysTaskDefinition());
    const network = { awsvpcConfiguration: { subnets: r.subnets, securityGroups: [r.securityGroup] } };
    const run = await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'flask-inventory-invsys', networkConfiguration: network });
    assert.equal(run.tasks.length, 1, JSON.stringify(run.failures));
    assert.equal(run.tasks[0].capacityProviderName, 'lab-capacity');
    assert.ok(run.tasks[0].containerInstanceArn, 'placed on a container instance');

    const inUse = await rejection(() => r.ecs('DeleteCapacityProvider', { capacityProvider: 'lab-capacity' }));
    assert.equal(inUse.code, 'ResourceInUseException');
    assert.match(inUse.message, /associated with cluster flask-inventory-cluster/);
    await r.ecs('PutClusterCapacityProviders', { cluster: CLUSTER, capacityProviders: [], defaultCapacityProviderStrategy: [] });
    const deleted = await r.ecs('DeleteCapacityProvider', { capacityProvider: 'lab-capacity' });
    assert.equal(deleted.capacityProvider.updateStatus, 'DELETE_IN_PROGRESS');
    const after = (await r.ecs('DescribeCapacityProviders', { capacityProviders: ['lab-capacity'] })).capacityProviders[0];
    assert.deepEqual([after.status, after.updateStatus], ['INACTIVE', 'DELETE_COMPLETE']);
    const gone = await rejection(() => r.ecs('PutClusterCapacityProviders', { cluster: CLUSTER, capacityProviders: ['lab-capacity'], defaultCapacityProviderStrategy: [] }));
    assert.match(gone.message, /capacity provider 'lab-capacity' was not found/);
    // The name is free again.
    await r.ecs('CreateCapacityProvider', { name: 'lab-capacity', autoScalingGroupProvider: { autoScalingGroupArn: ASG } });
  });

  it('refuses reserved and bad names, duplicates, bad ARNs and limits, and the built-ins for update and delete', async () => {
    const r = await labRegion();
    const ok = { autoScalingGroupProvider: { autoScalingGroupArn: ASG } };
    await r.ecs('CreateCapacityProvider', { name: 'taken', ...ok });
    for (const [input, code, message] of [
      [{ name: 'fargate-cheap', ...ok }, 'ClientException', /can't begin with "aws", "ecs" or "fargate"/],
      [{ name: 'ECS-x', ...ok }, 'ClientException', /can't begin with/],
      [{ name: 'has space', ...ok }, 'ClientException', /Invalid capacity provider name/],
      [{ name: 'taken', autoScalingGroupProvider: { autoScalingGroupArn: ASG.replace('lab-asg', 'other') } }, 'ClientException', /already exists/],
      [{ name: 'second', ...ok }, 'ClientException', /already used by capacity provider taken/],
      [{ name: 'bad-arn', autoScalingGroupProvider: { autoScalingGroupArn: 'lab-asg' } }, 'ClientException', /not an Auto Scaling group ARN/],
      [{ name: 'bad-scaling', autoScalingGroupProvider: { autoScalingGroupArn: ASG.replace('lab-asg', 'x'), managedScaling: { targetCapacity: 0 } } }, 'InvalidParameterException', /targetCapacity' failed to satisfy constraint: Member must have value greater than or equal to 1/],
    ] as const) {
      const error = await rejection(() => r.ecs('CreateCapacityProvider', input));
      assert.equal(error.code, code, JSON.stringify(input));
      assert.match(error.message, message);
    }
    for (const op of ['UpdateCapacityProvider', 'DeleteCapacityProvider']) {
      const error = await rejection(() => r.ecs(op, { name: 'FARGATE', capacityProvider: 'FARGATE', autoScalingGroupProvider: {} }));
      assert.match(error.message, /FARGATE capacity provider is reserved/);
    }
    assert.equal((await rejection(() => r.ecs('DeleteCapacityProvider', { capacityProvider: 'ghost' }))).code, 'InvalidParameterException');
  });
});
