/**
 * The lab's final summary (issue #15.6): counts by kind instead of lists,
 * and the exact cleanup command for the target the run used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupCommand, countByKind } from '../../../examples/01-core-concepts.ts';
import { createReporter } from '../../../src/script/reporter.ts';

test('countByKind counts the operations’ created / removed events by kind, hyphens read as spaces', () => {
  const created = [
    { kind: 'cluster', name: 'flask-inventory-cluster' },
    { kind: 'security-group', name: 'flask-inventory-ecs-sg', detail: 'sg-0fc5880429c94240c' },
    { kind: 'service', name: 'invsys-service', detail: 'deployment ecs-svc/5046208972134398315' },
    { kind: 'listener', name: 'flask-inventory-alb:80' },
    { kind: 'listener-rule', name: 'rule 10 of flask-inventory-alb/3293912cb33357bc/d4892a96577a731d' },
    { kind: 'task-definition', name: 'flask-inventory-invsys:1' },
    { kind: 'task-definition', name: 'flask-inventory-invsys:2' },
    { kind: 'scalable-target', name: 'service/flask-inventory-cluster/gateway-service', detail: '2–4' },
  ];
  assert.deepEqual(countByKind(created), {
    count: 8,
    byKind: { cluster: 1, 'security group': 1, service: 1, listener: 1, 'listener rule': 1, 'task definition': 2, 'scalable target': 1 },
  });
  const removed = [
    { kind: 'task-definition', name: 'flask-inventory-invsys:3' },
    { kind: 'log-group', name: '/ecs/flask-inventory-gateway' },
    { kind: 'discovery-service', name: 'invsys' },
    { kind: 'widget', name: 'x' },
  ];
  assert.deepEqual(countByKind(removed).byKind, { 'task definition': 1, 'log group': 1, 'discovery service': 1, widget: 1 });
  assert.deepEqual(countByKind([]), { count: 0, byKind: {} });
});

test('cleanupCommand names the endpoint of a local cloud, and the region and profile of AWS', () => {
  assert.equal(
    cleanupCommand({ kind: 'local', endpoint: 'http://127.0.0.1:41234', region: 'us-east-1', emulated: true }, {}),
    'AWS_ENDPOINT_URL=http://127.0.0.1:41234 npx tsx examples/cleanup.ts',
  );
  assert.equal(
    cleanupCommand({ kind: 'aws', endpoint: 'http://127.0.0.1:4566', region: 'us-east-1', emulated: true }, {}),
    'AWS_ENDPOINT_URL=http://127.0.0.1:4566 npx tsx examples/cleanup.ts',
  );
  assert.equal(cleanupCommand({ kind: 'aws', region: 'eu-west-1', emulated: false }, { AWS_PROFILE: 'lab' }), 'AWS_PROFILE=lab AWS_REGION=eu-west-1 npx tsx examples/cleanup.ts --target aws');
  assert.equal(cleanupCommand({ kind: 'aws', region: 'eu-west-1', emulated: false }, {}), 'AWS_REGION=eu-west-1 npx tsx examples/cleanup.ts --target aws');
  assert.equal(
    cleanupCommand({ kind: 'aws', endpoint: 'https://proxy.example', region: 'eu-west-1', emulated: false }, {}),
    'AWS_ENDPOINT_URL=https://proxy.example AWS_REGION=eu-west-1 npx tsx examples/cleanup.ts --target aws',
  );
});

test('the human summary is an aligned table; count objects read as "N (n kind, …)"; undefined values are left out', () => {
  let text = '';
  const report = createReporter({ out: { write: (t: string) => (text += t) }, now: () => 0 });
  report.summary(true, { target: 'local cloud', created: countByKind([{ kind: 'cluster' }, { kind: 'service' }]), removed: { count: 0, byKind: {} }, albUrl: undefined });
  assert.equal(text, 'Done in 0.0 s\n  target:  local cloud\n  created: 2 (1 cluster, 1 service)\n  removed: 0\n');
});
