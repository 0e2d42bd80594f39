import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { ACCOUNT, gatewayTaskDefinition, invsysBridgeTaskDefinition, invsysTaskDefinition, REGION, rejection } from './fixtures.js';

function cloud() {
  const c = new CloudState({ accountId: ACCOUNT });
  const events: any[] = [];
  c.events.on('ecs:task-definition-registered', (e) => events.push(e));
  const ecs = (op: string, input: unknown = {}) => c.invoke('ecs', op, input, { region: REGION }) as Promise<any>;
  return { c, ecs, events };
}

const fargate = (cpu: string, memory: string, extra: Record<string, unknown> = {}) => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu,
  memory,
  containerDefinitions: [{ name: 'web', image: 'nginx', portMappings: [{ containerPort: 80 }] }],
  ...extra,
});

describe('ECS RegisterTaskDefinition', () => {
  it('registers revision 1 of the lab invsys definition and echoes it with the computed fields', async () => {
    const { ecs, events } = cloud();
    const { taskDefinition: td } = await ecs('RegisterTaskDefinition', invsysTaskDefinition());
    assert.equal(td.taskDefinitionArn, `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/flask-inventory-invsys:1`);
    assert.equal(td.revision, 1);
    assert.equal(td.status, 'ACTIVE');
    assert.equal(td.networkMode, 'awsvpc');
    assert.deepEqual(td.compatibilities, ['EC2', 'FARGATE']);
    assert.deepEqual(td.requiresCompatibilities, ['EC2']);
    assert.equal(td.cpu, '256');
    assert.equal(td.memory, '512');
    assert.ok(td.registeredAt instanceof Date);
    assert.equal(td.registeredBy, `arn:aws:iam::${ACCOUNT}:root`);
    assert.equal(td.executionRoleArn, `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`);
    const names = td.requiresAttributes.map((a: { name: string }) => a.name);
    for (const n of ['com.amazonaws.ecs.capability.logging-driver.awslogs', 'ecs.capability.execution-role-awslogs', 'ecs.capability.task-eni', 'ecs.capability.container-health-check', 'ecs.capability.execution-role-ecr-pull']) {
      assert.ok(names.includes(n), `requiresAttributes should include ${n}`);
    }
    const c = td.containerDefinitions[0];
    assert.deepEqual(c.portMappings, [{ containerPort: 5000, hostPort: 5000, protocol: 'tcp' }]);
    assert.deepEqual(c.mountPoints, []);
    assert.deepEqual(c.volumesFrom, []);
    assert.equal(c.healthCheck.startPeriod, 60);
    assert.deepEqual(td.volumes, []);
    assert.deepEqual(td.placementConstraints, []);
    assert.equal(events.length, 1);
    assert.equal(events[0].taskDefinitionArn, td.taskDefinitionArn);
  });

  it('numbers revisions per family', async () => {
    const { ecs } = cloud();
    await ecs('RegisterTaskDefinition', invsysTaskDefinition());
    const second = await ecs('RegisterTaskDefinition', invsysTaskDefinition({}, 'repo:v2.0.0'));
    const gateway = await ecs('RegisterTaskDefinition', gatewayTaskDefinition());
    assert.equal(second.taskDefinition.revision, 2);
    assert.equal(gateway.taskDefinition.revision, 1);
  });

  it('keeps the guide\'s bridge definition valid (the error comes at CreateService) and marks it EC2/EXTERNAL only', async () => {
    const { ecs } = cloud();
    const { taskDefinition: td } = await ecs('RegisterTaskDefinition', invsysBridgeTaskDefinition());
    assert.deepEqual(td.compatibilities, ['EXTERNAL', 'EC2']);
    assert.equal(td.containerDefinitions[0].portMappings[0].hostPort, 0);
  });

  it('rejects a hostPort that differs from containerPort in awsvpc mode', async () => {
    const { ecs } = cloud();
    const input = invsysTaskDefinition();
    input.containerDefinitions[0].portMappings = [{ containerPort: 5000, hostPort: 0 }];
    const error = await rejection(() => ecs('RegisterTaskDefinition', input));
    assert.equal(error.code, 'ClientException');
    assert.equal(error.message, 'When networkMode=awsvpc, the host ports and container ports in port mappings must match.');
  });

  it('requires awsvpc for Fargate', async () => {
    const { ecs } = cloud();
    const error = await rejection(() => ecs('RegisterTaskDefinition', fargate('256', '512', { networkMode: 'bridge' })));
    assert.equal(error.code, 'ClientException');
    assert.match(error.message, /Fargate only supports network mode 'awsvpc'/);
  });

  it('rejects a cpu/memory pair Fargate does not offer and accepts the valid ones, including "1 vCPU"/"2 GB" forms', async () => {
    const { ecs } = cloud();
    const error = await rejection(() => ecs('RegisterTaskDefinition', fargate('256', '4096')));
    assert.equal(error.code, 'ClientException');
    assert.match(error.message, /No Fargate configuration exists for given values: 256 CPU, 4096 memory/);
    for (const [cpu, memory] of [['256', '512'], ['512', '4096'], ['1024', '8192'], ['4096', '30720']]) {
      const { taskDefinition } = await ecs('RegisterTaskDefinition', fargate(cpu!, memory!));
      assert.ok(taskDefinition.compatibilities.includes('FARGATE'));
    }
    const { taskDefinition } = await ecs('RegisterTaskDefinition', fargate('1 vCPU', '2 GB'));
    assert.equal(taskDefinition.cpu, '1024');
    assert.equal(taskDefinition.memory, '2048');
  });

  it('requires task-level cpu for Fargate and an execution role for awslogs on Fargate', async () => {
    const { ecs } = cloud();
    const noCpu = await rejection(() => ecs('RegisterTaskDefinition', fargate('', '512')));
    assert.match(noCpu.message, /Fargate requires that 'cpu' be defined at the task level/);
    const logs = fargate('256', '512');
    (logs.containerDefinitions[0] as any).logConfiguration = { logDriver: 'awslogs', options: {} };
    const noRole = await rejection(() => ecs('RegisterTaskDefinition', logs));
    assert.equal(noRole.message, 'Fargate requires task definition to have execution role ARN to support log driver awslogs.');
  });

  it('requires container memory when the task has none, and container memory within task memory', async () => {
    const { ecs } = cloud();
    const noMemory = await rejection(() =>
      ecs('RegisterTaskDefinition', { family: 'x', containerDefinitions: [{ name: 'app', image: 'img' }] }),
    );
    assert.equal(noMemory.code, 'ClientException');
    assert.equal(noMemory.message, "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified.");
    const tooBig = invsysTaskDefinition();
    tooBig.containerDefinitions[0].memory = 1024;
    const error = await rejection(() => ecs('RegisterTaskDefinition', tooBig));
    assert.match(error.message, /container 'invsys'.*1024 MiB.*task memory \(512 MiB\)/);
    const reservation = await rejection(() =>
      ecs('RegisterTaskDefinition', { family: 'x', containerDefinitions: [{ name: 'app', image: 'img', memory: 128, memoryReservation: 256 }] }),
    );
    assert.match(reservation.message, /'memoryReservation' \(256\) must be less than or equal to 'memory' \(128\)/);
  });

  it('rejects missing family, empty container list, missing name/image and duplicate container names', async () => {
    const { ecs } = cloud();
    // A missing required member is refused by the model check, in ECS's code for invalid parameters.
    const noFamily = await rejection(() => ecs('RegisterTaskDefinition', { containerDefinitions: [] }));
    assert.equal(noFamily.code, 'InvalidParameterException');
    assert.match(noFamily.message, /Value null at 'family' failed to satisfy constraint: Member must not be null/);
    assert.equal((await rejection(() => ecs('RegisterTaskDefinition', { family: 'x', containerDefinitions: [] }))).message, 'Container list cannot be empty.');
    assert.equal(
      (await rejection(() => ecs('RegisterTaskDefinition', { family: 'x', containerDefinitions: [{ image: 'i', memory: 64 }] }))).message,
      'Container.name should not be null or empty.',
    );
    assert.equal(
      (await rejection(() => ecs('RegisterTaskDefinition', { family: 'x', containerDefinitions: [{ name: 'a', memory: 64 }] }))).message,
      'Container.image should not be null or empty.',
    );
    const dup = await rejection(() =>
      ecs('RegisterTaskDefinition', { family: 'x', containerDefinitions: [{ name: 'a', image: 'i', memory: 64 }, { name: 'a', image: 'i', memory: 64 }] }),
    );
    assert.match(dup.message, /Duplicate container name 'a'/);
    assert.match((await rejection(() => ecs('RegisterTaskDefinition', { family: 'bad family', containerDefinitions: [] }))).message, /bad family/);
  });

  it('stores tags and returns them with DescribeTaskDefinition include TAGS', async () => {
    const { ecs } = cloud();
    const out = await ecs('RegisterTaskDefinition', { ...gatewayTaskDefinition(), tags: [{ key: 'stack', value: 'lab' }] });
    assert.deepEqual(out.tags, [{ key: 'stack', value: 'lab' }]);
    const described = await ecs('DescribeTaskDefinition', { taskDefinition: 'flask-inventory-gateway', include: ['TAGS'] });
    assert.deepEqual(described.tags, [{ key: 'stack', value: 'lab' }]);
    const plain = await ecs('DescribeTaskDefinition', { taskDefinition: 'flask-inventory-gateway' });
    assert.equal(plain.tags, undefined);
  });
});

describe('ECS task definition lookups and lifecycle', () => {
  async function registered() {
    const env = cloud();
    await env.ecs('RegisterTaskDefinition', invsysTaskDefinition());
    await env.ecs('RegisterTaskDefinition', invsysTaskDefinition({}, 'repo:v2'));
    await env.ecs('RegisterTaskDefinition', gatewayTaskDefinition());
    return env;
  }

  it('describes by family (latest ACTIVE), family:revision and ARN', async () => {
    const { ecs } = await registered();
    assert.equal((await ecs('DescribeTaskDefinition', { taskDefinition: 'flask-inventory-invsys' })).taskDefinition.revision, 2);
    assert.equal((await ecs('DescribeTaskDefinition', { taskDefinition: 'flask-inventory-invsys:1' })).taskDefinition.revision, 1);
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/flask-inventory-invsys:1`;
    assert.equal((await ecs('DescribeTaskDefinition', { taskDefinition: arn })).taskDefinition.taskDefinitionArn, arn);
    await ecs('DeregisterTaskDefinition', { taskDefinition: 'flask-inventory-invsys:2' });
    assert.equal((await ecs('DescribeTaskDefinition', { taskDefinition: 'flask-inventory-invsys' })).taskDefinition.revision, 1);
  });

  it('answers ClientException "Unable to describe task definition." for unknown ones', async () => {
    const { ecs } = await registered();
    for (const ref of ['nope', 'flask-inventory-invsys:9']) {
      const error = await rejection(() => ecs('DescribeTaskDefinition', { taskDefinition: ref }));
      assert.equal(error.code, 'ClientException');
      assert.equal(error.message, 'Unable to describe task definition.');
    }
  });

  it('matches familyPrefix of ListTaskDefinitions exactly, as AWS does (ERRATA 2.5)', async () => {
    const { ecs } = await registered();
    assert.deepEqual((await ecs('ListTaskDefinitions', { familyPrefix: 'flask-inventory' })).taskDefinitionArns, []);
    const invsys = await ecs('ListTaskDefinitions', { familyPrefix: 'flask-inventory-invsys' });
    assert.deepEqual(invsys.taskDefinitionArns.map((a: string) => a.split('/')[1]), ['flask-inventory-invsys:1', 'flask-inventory-invsys:2']);
    const desc = await ecs('ListTaskDefinitions', { familyPrefix: 'flask-inventory-invsys', sort: 'DESC' });
    assert.equal(desc.taskDefinitionArns[0].split('/')[1], 'flask-inventory-invsys:2');
  });

  it('lists families by prefix with ListTaskDefinitionFamilies', async () => {
    const { ecs } = await registered();
    assert.deepEqual((await ecs('ListTaskDefinitionFamilies', { familyPrefix: 'flask-inventory' })).families, ['flask-inventory-gateway', 'flask-inventory-invsys']);
  });

  it('pages ListTaskDefinitions and filters by status', async () => {
    const { ecs } = await registered();
    const first = await ecs('ListTaskDefinitions', { maxResults: 2 });
    assert.equal(first.taskDefinitionArns.length, 2);
    const second = await ecs('ListTaskDefinitions', { maxResults: 2, nextToken: first.nextToken });
    assert.equal(second.taskDefinitionArns.length, 1);
    await ecs('DeregisterTaskDefinition', { taskDefinition: 'flask-inventory-gateway:1' });
    assert.equal((await ecs('ListTaskDefinitions', { status: 'INACTIVE' })).taskDefinitionArns.length, 1);
    assert.deepEqual((await ecs('ListTaskDefinitionFamilies', { status: 'INACTIVE' })).families, ['flask-inventory-gateway']);
  });

  it('deregisters to INACTIVE (idempotently) and needs a revision', async () => {
    const { ecs } = await registered();
    const out = await ecs('DeregisterTaskDefinition', { taskDefinition: 'flask-inventory-invsys:1' });
    assert.equal(out.taskDefinition.status, 'INACTIVE');
    assert.ok(out.taskDefinition.deregisteredAt instanceof Date);
    assert.equal((await ecs('DeregisterTaskDefinition', { taskDefinition: 'flask-inventory-invsys:1' })).taskDefinition.status, 'INACTIVE');
    assert.equal((await rejection(() => ecs('DeregisterTaskDefinition', { taskDefinition: 'flask-inventory-invsys' }))).code, 'ClientException');
    assert.equal((await rejection(() => ecs('DeregisterTaskDefinition', { taskDefinition: 'flask-inventory-invsys:7' }))).code, 'ClientException');
  });

  it('deletes only INACTIVE revisions and reports ACTIVE ones as failures', async () => {
    const { ecs } = await registered();
    await ecs('DeregisterTaskDefinition', { taskDefinition: 'flask-inventory-invsys:1' });
    const out = await ecs('DeleteTaskDefinitions', { taskDefinitions: ['flask-inventory-invsys:1', 'flask-inventory-invsys:2', 'ghost:1'] });
    assert.deepEqual(out.taskDefinitions.map((t: any) => [t.revision, t.status]), [[1, 'DELETE_IN_PROGRESS']]);
    assert.equal(out.failures.length, 2);
    assert.match(out.failures[0].reason, /ACTIVE/);
    assert.equal((await ecs('ListTaskDefinitions', { status: 'DELETE_IN_PROGRESS' })).taskDefinitionArns.length, 1);
  });
});
