import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeTaskDefinitionCommand, ListTaskDefinitionsCommand, type TaskDefinition } from '@aws-sdk/client-ecs';
import { sameTaskDefinition } from '../../src/operations/index.js';
import { normalizeTaskDefinition } from '../../src/operations/task-definition.js';
import { invsysTd, startOpsCloud, type OpsCloud } from './helpers.js';

describe('registerTaskDefinition against the local cloud', () => {
  let t: OpsCloud;
  before(async () => {
    t = await startOpsCloud();
  });
  after(() => t.stop());

  test('registering the same definition twice creates one revision', async () => {
    const ops = t.ops('td-lab');
    const first = await ops.registerTaskDefinition(invsysTd());
    const second = await ops.registerTaskDefinition(invsysTd());
    assert.equal(first.action === 'created', true);
    assert.equal(first.familyRevision, 'flask-inventory-invsys:1');
    assert.equal(second.action === 'created', false);
    assert.equal(second.familyRevision, 'flask-inventory-invsys:1');
    const list = await t.clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'flask-inventory-invsys' }));
    assert.equal(list.taskDefinitionArns?.length, 1);
  });

  test('a changed image registers a new revision, and the plain SDK input of the same definition does not', async () => {
    const ops = t.ops('td-lab');
    const v2 = await ops.registerTaskDefinition(invsysTd('flask-inventory-invsys', 'flask-inventory/invsys:v2.0.0'));
    assert.deepEqual([v2.action === 'created', v2.familyRevision], [true, 'flask-inventory-invsys:2']);
    const again = await ops.registerTaskDefinition(invsysTd('flask-inventory-invsys', 'flask-inventory/invsys:v2.0.0').build());
    assert.deepEqual([again.action === 'created', again.familyRevision], [false, 'flask-inventory-invsys:2']);
  });

  test('new revisions carry the stack tag and the awslogs group is created, tagged', async () => {
    const ops = t.ops('td-lab');
    const out = await t.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'flask-inventory-invsys:1', include: ['TAGS'] }));
    assert.deepEqual(out.tags, [{ key: 'ecskit:stack', value: 'td-lab' }]);
    const resources = await ops.listStackResources();
    assert.ok(resources.some((r) => r.kind === 'log-group' && r.name === '/ecs/flask-inventory-invsys'));
  });

  test('a minimal bridge-mode input equals its echo once defaults are normalised', async () => {
    const ops = t.ops('td-lab');
    const input = { family: 'tiny', containerDefinitions: [{ name: 'web', image: 'nginx', memory: 128, portMappings: [{ containerPort: 80 }] }] };
    const first = await ops.registerTaskDefinition(input);
    const second = await ops.registerTaskDefinition(input);
    assert.deepEqual([first.action === 'created', second.action === 'created'], [true, false]);
  });
});

describe('task-definition normalisation against a handcrafted DescribeTaskDefinition echo', () => {
  const input = {
    family: 'web',
    networkMode: 'awsvpc' as const,
    requiresCompatibilities: ['EC2' as const],
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: 'web',
        image: 'nginx:1.27',
        memory: 256,
        portMappings: [{ containerPort: 8080 }],
        environment: [
          { name: 'B', value: '2' },
          { name: 'A', value: '1' },
        ],
        healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'] },
      },
    ],
  };
  // What AWS answers for that registration (shape from a real DescribeTaskDefinition).
  const echo: TaskDefinition = {
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
    family: 'web',
    revision: 3,
    status: 'ACTIVE',
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    volumes: [],
    placementConstraints: [],
    compatibilities: ['EC2'],
    requiresCompatibilities: ['EC2'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }, { name: 'ecs.capability.task-eni' }],
    registeredAt: new Date('2025-01-01T00:00:00Z'),
    registeredBy: 'arn:aws:iam::123456789012:user/lab',
    containerDefinitions: [
      {
        name: 'web',
        image: 'nginx:1.27',
        cpu: 0,
        memory: 256,
        essential: true,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
        environment: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        mountPoints: [],
        volumesFrom: [],
        systemControls: [],
        healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'], interval: 30, timeout: 5, retries: 3 },
      },
    ],
  };

  test('the input equals AWS echo of it: computed fields, empty lists and defaults do not count', () => {
    assert.equal(sameTaskDefinition(input, echo), true);
    assert.deepEqual(normalizeTaskDefinition(input), normalizeTaskDefinition(echo));
  });

  test('a real difference (memory, an env value, essential false, udp) is still a difference', () => {
    const variants = [
      { ...input, containerDefinitions: [{ ...input.containerDefinitions[0]!, memory: 300 }] },
      { ...input, containerDefinitions: [{ ...input.containerDefinitions[0]!, environment: [{ name: 'A', value: 'x' }, { name: 'B', value: '2' }] }] },
      { ...input, containerDefinitions: [{ ...input.containerDefinitions[0]!, essential: false }] },
      { ...input, containerDefinitions: [{ ...input.containerDefinitions[0]!, portMappings: [{ containerPort: 8080, protocol: 'udp' as const }] }] },
    ];
    for (const variant of variants) assert.equal(sameTaskDefinition(variant, echo), false, JSON.stringify(variant.containerDefinitions[0]));
  });

  test('in bridge mode a missing hostPort means a dynamic port (0), not the container port', () => {
    const bridge = { family: 'b', containerDefinitions: [{ name: 'c', image: 'i', memory: 64, portMappings: [{ containerPort: 80 }] }] };
    const echoed = { ...bridge, networkMode: 'bridge' as const, containerDefinitions: [{ ...bridge.containerDefinitions[0]!, portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' as const }] }] };
    assert.equal(sameTaskDefinition(bridge, echoed), true);
    const fixed = { ...echoed, containerDefinitions: [{ ...echoed.containerDefinitions[0]!, portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' as const }] }] };
    assert.equal(sameTaskDefinition(bridge, fixed), false);
  });
});
