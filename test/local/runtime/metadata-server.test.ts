import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMetadataServer } from '../../../src/local/runtime/metadata-server.js';

test('a container reads its own and its task metadata from ECS_CONTAINER_METADATA_URI_V4', async () => {
  const server = await startMetadataServer();
  try {
    const { uri, release } = server.register({
      container: () => ({ Name: 'invsys', DockerName: 'ecs-invsys', Networks: [{ NetworkMode: 'awsvpc', IPv4Addresses: ['127.10.0.2'] }] }),
      task: () => ({ Cluster: 'flask-inventory-cluster', TaskARN: 'arn:aws:ecs:us-east-1:123456789012:task/c/abc', Family: 'flask-inventory-invsys', Revision: '1' }),
    });
    assert.match(uri, /^http:\/\/127\.0\.0\.1:\d+\/v4\/[0-9a-f-]{36}$/);
    assert.equal(((await (await fetch(uri)).json()) as { Name: string }).Name, 'invsys');
    assert.equal(((await (await fetch(`${uri}/task`)).json()) as { Family: string }).Family, 'flask-inventory-invsys');
    release();
    assert.equal((await fetch(uri)).status, 404);
  } finally {
    await server.close();
  }
});
