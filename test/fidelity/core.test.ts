import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateClusterCommand, DeleteClusterCommand, DescribeClustersCommand, ListClustersCommand } from '@aws-sdk/client-ecs';
import { startFidelity, type AllowedDivergence, type Fidelity, type FidelityCase } from './harness.js';

const cases: FidelityCase[] = [
  { name: 'ecs CreateCluster', call: (s) => s.clients.ecs.send(new CreateClusterCommand({ clusterName: 'fidelity' })) },
  { name: 'ecs CreateCluster again is idempotent', call: (s) => s.clients.ecs.send(new CreateClusterCommand({ clusterName: 'fidelity' })) },
  { name: 'ecs ListClusters', call: (s) => s.clients.ecs.send(new ListClustersCommand({})) },
  { name: 'ecs DescribeClusters', call: (s) => s.clients.ecs.send(new DescribeClustersCommand({ clusters: ['fidelity'] })) },
  { name: 'ecs DescribeClusters of a missing cluster reports a failure', call: (s) => s.clients.ecs.send(new DescribeClustersCommand({ clusters: ['missing'] })) },
  { name: 'ecs DeleteCluster', call: (s) => s.clients.ecs.send(new DeleteClusterCommand({ cluster: 'fidelity' })) },
  { name: 'ecs DeleteCluster of a missing cluster', call: (s) => s.clients.ecs.send(new DeleteClusterCommand({ cluster: 'missing' })) },
];

/** Known divergences, each justified against AWS's documentation (moto is not the reference; AWS is). */
const CLUSTER_DOC = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Cluster.html';
const emptyLists = ['statistics', 'tags', 'capacityProviders', 'defaultCapacityProviderStrategy'];
const allow: AllowedDivergence[] = [
  ...['ecs CreateCluster', 'ecs CreateCluster again is idempotent', 'ecs DeleteCluster'].flatMap((name) =>
    emptyLists.map((field) => ({
      case: name,
      path: `cluster.${field}`,
      reason: `AWS returns ${field} as a (possibly empty) list in the Cluster object; moto omits empty lists`,
      reference: CLUSTER_DOC,
    })),
  ),
  ...emptyLists.map((field) => ({
    case: 'ecs DescribeClusters',
    path: `clusters[].${field}`,
    reason: `AWS returns ${field} as a (possibly empty) list in the Cluster object; moto omits empty lists`,
    reference: CLUSTER_DOC,
  })),
  {
    case: 'ecs DescribeClusters',
    path: 'clusters[].settings',
    reason: 'DescribeClusters returns settings only when include contains SETTINGS; moto always returns them',
    reference: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeClusters.html#ECS-DescribeClusters-request-include',
  },
];

describe('fidelity: ECS cluster basics against moto', () => {
  let h: Fidelity;
  before(async () => {
    h = await startFidelity();
  });
  after(() => h?.stop());

  test('ECS cluster calls return the same keys, value types and error codes as moto', async () => {
    const report = await h.compare(cases, allow);
    assert.deepEqual(report.unexpected, []);
  });
});
