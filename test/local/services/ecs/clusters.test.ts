import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { registerVirtualInstances } from '../../../../src/local/services/ecs/index.js';
import { ACCOUNT, REGION, rejection } from './fixtures.js';

function cloud() {
  const c = new CloudState({ accountId: ACCOUNT });
  const ecs = (op: string, input: unknown = {}) => c.invoke('ecs', op, input, { region: REGION }) as Promise<any>;
  return { c, ecs };
}

describe('ECS clusters', () => {
  it('creates a cluster with its ARN, ACTIVE status, zero counts and containerInsights disabled', async () => {
    const { ecs } = cloud();
    const { cluster } = await ecs('CreateCluster', { clusterName: 'flask-inventory-cluster', tags: [{ key: 'stack', value: 'lab' }] });
    assert.equal(cluster.clusterArn, `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/flask-inventory-cluster`);
    assert.equal(cluster.status, 'ACTIVE');
    assert.equal(cluster.activeServicesCount, 0);
    assert.equal(cluster.runningTasksCount, 0);
    assert.equal(cluster.pendingTasksCount, 0);
    assert.equal(cluster.registeredContainerInstancesCount, 0);
    assert.deepEqual(cluster.settings, [{ name: 'containerInsights', value: 'disabled' }]);
    assert.deepEqual(cluster.tags, [{ key: 'stack', value: 'lab' }]);
  });

  it('returns the existing cluster when the same name is created twice', async () => {
    const { ecs } = cloud();
    const a = await ecs('CreateCluster', { clusterName: 'a' });
    const b = await ecs('CreateCluster', { clusterName: 'a' });
    assert.equal(a.cluster.clusterArn, b.cluster.clusterArn);
    assert.deepEqual((await ecs('ListClusters')).clusterArns, [a.cluster.clusterArn]);
  });

  it('names the cluster "default" when no name is given', async () => {
    const { ecs } = cloud();
    const { cluster } = await ecs('CreateCluster', {});
    assert.equal(cluster.clusterName, 'default');
    const described = await ecs('DescribeClusters', {});
    assert.equal(described.clusters[0].clusterName, 'default');
  });

  it('rejects an invalid cluster name with InvalidParameterException', async () => {
    const { ecs } = cloud();
    const error = await rejection(() => ecs('CreateCluster', { clusterName: 'bad name!' }));
    assert.equal(error.code, 'InvalidParameterException');
    assert.match(error.message, /bad name!/);
  });

  it('describes missing clusters as failures with reason MISSING', async () => {
    const { ecs } = cloud();
    await ecs('CreateCluster', { clusterName: 'real' });
    const out = await ecs('DescribeClusters', { clusters: ['real', 'ghost'] });
    assert.equal(out.clusters.length, 1);
    assert.deepEqual(out.failures, [{ arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/ghost`, reason: 'MISSING' }]);
  });

  it('includes settings, statistics and tags only when asked', async () => {
    const { ecs } = cloud();
    await ecs('CreateCluster', { clusterName: 'c', tags: [{ key: 'k', value: 'v' }] });
    const plain = (await ecs('DescribeClusters', { clusters: ['c'] })).clusters[0];
    assert.equal(plain.settings, undefined);
    assert.deepEqual(plain.tags, []);
    assert.deepEqual(plain.statistics, []);
    const full = (await ecs('DescribeClusters', { clusters: ['c'], include: ['SETTINGS', 'STATISTICS', 'TAGS'] })).clusters[0];
    assert.deepEqual(full.tags, [{ key: 'k', value: 'v' }]);
    assert.ok(full.statistics.some((s: { name: string }) => s.name === 'runningEC2TasksCount'));
    assert.deepEqual(full.settings, [{ name: 'containerInsights', value: 'disabled' }]);
  });

  it('pages ListClusters with nextToken', async () => {
    const { ecs } = cloud();
    for (const n of ['a', 'b', 'c']) await ecs('CreateCluster', { clusterName: n });
    const first = await ecs('ListClusters', { maxResults: 2 });
    assert.equal(first.clusterArns.length, 2);
    assert.ok(first.nextToken);
    const second = await ecs('ListClusters', { maxResults: 2, nextToken: first.nextToken });
    assert.equal(second.clusterArns.length, 1);
    assert.equal(second.nextToken, undefined);
  });

  it('updates containerInsights with UpdateClusterSettings and rejects unknown settings', async () => {
    const { ecs } = cloud();
    await ecs('CreateCluster', { clusterName: 'c' });
    const out = await ecs('UpdateClusterSettings', { cluster: 'c', settings: [{ name: 'containerInsights', value: 'enabled' }] });
    assert.deepEqual(out.cluster.settings, [{ name: 'containerInsights', value: 'enabled' }]);
    const error = await rejection(() => ecs('UpdateClusterSettings', { cluster: 'c', settings: [{ name: 'turbo', value: 'on' }] }));
    assert.equal(error.code, 'InvalidParameterException');
  });

  it('associates FARGATE capacity providers and refuses a strategy naming an unassociated one', async () => {
    const { ecs } = cloud();
    await ecs('CreateCluster', { clusterName: 'c' });
    const out = await ecs('PutClusterCapacityProviders', {
      cluster: 'c',
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }],
    });
    assert.deepEqual(out.cluster.capacityProviders, ['FARGATE', 'FARGATE_SPOT']);
    assert.deepEqual(out.cluster.defaultCapacityProviderStrategy, [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }]);
    const error = await rejection(() =>
      ecs('PutClusterCapacityProviders', { cluster: 'c', capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }),
    );
    assert.equal(error.code, 'InvalidParameterException');
    assert.match(error.message, /not associated with the cluster/);
    const unknown = await rejection(() => ecs('PutClusterCapacityProviders', { cluster: 'c', capacityProviders: ['MY_ASG'], defaultCapacityProviderStrategy: [] }));
    assert.equal(unknown.code, 'InvalidParameterException');
  });

  it('answers ClusterNotFoundException for operations on an unknown cluster', async () => {
    const { ecs } = cloud();
    for (const [op, input] of [
      ['DeleteCluster', { cluster: 'ghost' }],
      ['UpdateClusterSettings', { cluster: 'ghost', settings: [{ name: 'containerInsights', value: 'enabled' }] }],
      ['ListServices', { cluster: 'ghost' }],
      ['ListTasks', { cluster: 'ghost' }],
    ] as const) {
      const error = await rejection(() => ecs(op, input));
      assert.equal(error.code, 'ClusterNotFoundException', op);
      assert.equal(error.message, 'Cluster not found.');
    }
  });

  it('deletes an empty cluster, which then reads as INACTIVE and leaves ListClusters', async () => {
    const { ecs } = cloud();
    await ecs('CreateCluster', { clusterName: 'c' });
    const out = await ecs('DeleteCluster', { cluster: 'c' });
    assert.equal(out.cluster.status, 'INACTIVE');
    assert.deepEqual((await ecs('ListClusters')).clusterArns, []);
    assert.equal((await ecs('DescribeClusters', { clusters: ['c'] })).clusters[0].status, 'INACTIVE');
    const again = await ecs('CreateCluster', { clusterName: 'c' });
    assert.equal(again.cluster.status, 'ACTIVE');
  });

  it('refuses to delete a cluster with container instances until they are deregistered', async () => {
    const { c, ecs } = cloud();
    const { cluster } = await ecs('CreateCluster', { clusterName: 'c' });
    const [ci] = registerVirtualInstances(c.region(REGION), cluster.clusterArn, { count: 1, cpu: 2048, memory: 4096 });
    assert.equal((await ecs('DescribeClusters', { clusters: ['c'] })).clusters[0].registeredContainerInstancesCount, 1);
    const error = await rejection(() => ecs('DeleteCluster', { cluster: 'c' }));
    assert.equal(error.code, 'ClusterContainsContainerInstancesException');
    await ecs('DeregisterContainerInstance', { cluster: 'c', containerInstance: ci!.containerInstanceArn });
    assert.equal((await ecs('DeleteCluster', { cluster: 'c' })).cluster.status, 'INACTIVE');
  });
});
