import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signedPost } from '../local/helpers.js';
import { startFidelity, type Fidelity, type FidelityCase, type Side } from './harness.js';

/** ECR JSON 1.1 call returning the body, or throwing an error named after `__type`. */
async function ecr(side: Side, operation: string, body: unknown) {
  const r = await signedPost(
    side.endpoint,
    'ecr',
    'us-east-1',
    { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonEC2ContainerRegistry_V20150921.${operation}` },
    JSON.stringify(body),
  );
  if (r.status >= 400) throw Object.assign(new Error(String(r.json?.message ?? r.text)), { name: String(r.json?.__type ?? 'Unknown').split('#').pop() });
  return r.json;
}

const cases: FidelityCase[] = [
  { name: 'ecr CreateRepository', call: (s) => ecr(s, 'CreateRepository', { repositoryName: 'fidelity/app' }) },
  { name: 'ecr CreateRepository taken', call: (s) => ecr(s, 'CreateRepository', { repositoryName: 'fidelity/app' }) },
  { name: 'ecr DescribeRepositories by name', call: (s) => ecr(s, 'DescribeRepositories', { repositoryNames: ['fidelity/app'] }) },
  { name: 'ecr DescribeRepositories unknown', call: (s) => ecr(s, 'DescribeRepositories', { repositoryNames: ['ghost'] }) },
  { name: 'ecr DeleteRepository', call: (s) => ecr(s, 'DeleteRepository', { repositoryName: 'fidelity/app', force: true }) },
];

describe('fidelity: ECR against moto', () => {
  let h: Fidelity;
  before(async () => {
    h = await startFidelity();
  });
  after(() => h?.stop());

  test('repository calls return the same keys, value types and error codes as moto', async () => {
    const report = await h.compare(cases);
    assert.deepEqual(report.unexpected, []);
  });
});
