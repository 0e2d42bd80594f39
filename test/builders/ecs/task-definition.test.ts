import { test } from 'node:test';
import assert from 'node:assert/strict';
import { container, taskDefinition, ValidationError } from '../../../src/index.js';
import { taskDefinitionShape } from '../../../src/builders/ecs/task-definition-builder.js';

const throwsExactly = (fn: () => unknown, message: string) =>
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ValidationError);
    assert.equal(error.message, message);
    return true;
  });

const web = container('web').image('nginx:1.27');

test('task cpu and memory are written as the strings the API takes', () => {
  const built = taskDefinition('web').cpu(512).memory(1024).container(web).build();
  assert.equal(built.cpu, '512');
  assert.equal(built.memory, '1024');
});

test('host and EFS volumes, task role and tags reach the input', () => {
  const built = taskDefinition('app')
    .memory(512)
    .taskRoleArn('arn:aws:iam::123456789012:role/app')
    .hostVolume('scratch')
    .hostVolume('data', '/srv/data')
    .efsVolume('shared', { fileSystemId: 'fs-12345678', transitEncryption: 'ENABLED', authorizationConfig: { iam: 'ENABLED' } })
    .tags({ stack: 'lab', team: 'a' })
    .tags({ team: 'b' })
    .container(web.mountPoint('data', '/data'))
    .build();
  assert.deepEqual(built.volumes, [
    { name: 'scratch', host: {} },
    { name: 'data', host: { sourcePath: '/srv/data' } },
    {
      name: 'shared',
      efsVolumeConfiguration: { fileSystemId: 'fs-12345678', transitEncryption: 'ENABLED', authorizationConfig: { iam: 'ENABLED' } },
    },
  ]);
  assert.equal(built.taskRoleArn, 'arn:aws:iam::123456789012:role/app');
  assert.deepEqual(built.tags, [
    { key: 'stack', value: 'lab' },
    { key: 'team', value: 'b' },
  ]);
});

test('toCloudFormation uses CloudFormation names, EFS renames included, and keeps log option keys', () => {
  const cfn = taskDefinition('app')
    .memory(512)
    .efsVolume('shared', { fileSystemId: 'fs-12345678', authorizationConfig: { accessPointId: 'fsap-1', iam: 'ENABLED' } })
    .container(web.logConfiguration({ logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/app', 'awslogs-region': 'us-east-1' } }))
    .toCloudFormation();
  assert.deepEqual(cfn, {
    Type: 'AWS::ECS::TaskDefinition',
    Properties: {
      Family: 'app',
      Memory: '512',
      Volumes: [
        { Name: 'shared', EFSVolumeConfiguration: { FilesystemId: 'fs-12345678', AuthorizationConfig: { AccessPointId: 'fsap-1', IAM: 'ENABLED' } } },
      ],
      ContainerDefinitions: [
        {
          Name: 'web',
          Image: 'nginx:1.27',
          LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': '/ecs/app', 'awslogs-region': 'us-east-1' } },
        },
      ],
    },
  });
});

test('the shape exposes the network mode and each container’s ports for other builders', () => {
  const td = taskDefinition('gw')
    .networkMode('awsvpc')
    .memory(512)
    .container(container('gateway').image('g').port(5001).port(9090))
    .container({ name: 'sidecar', image: 's', essential: false });
  assert.deepEqual(td.shape, {
    family: 'gw',
    networkMode: 'awsvpc',
    requiresCompatibilities: [],
    containers: [
      { name: 'gateway', containerPorts: [5001, 9090], essential: true },
      { name: 'sidecar', containerPorts: [], essential: false },
    ],
  });
  assert.deepEqual(td.containerNames, ['gateway', 'sidecar']);
  assert.equal(taskDefinitionShape({ family: 'plain' }).networkMode, 'bridge');
});

// ---- method-level rules ----

test('a family must be 1-255 letters, digits, hyphens or underscores', () => {
  throwsExactly(
    () => taskDefinition('flask inventory'),
    'taskDefinition "flask inventory": 1 problem\n  - family: family must be 1-255 letters, digits, hyphens or underscores, got: "flask inventory"',
  );
});

test('task cpu must be a positive integer', () => {
  throwsExactly(
    () => taskDefinition('app').cpu(-256),
    'taskDefinition "app": 1 problem\n  - cpu: cpu must be a positive integer (CPU units, 1024 = 1 vCPU), got: -256',
  );
});

test('task memory must be a positive integer of MiB', () => {
  throwsExactly(
    () => taskDefinition('app').memory(0),
    'taskDefinition "app": 1 problem\n  - memory: memory must be a positive integer (MiB), got: 0',
  );
});

// ---- whole-object rules ----

test('awsvpc requires hostPort to be absent or equal to the container port', () => {
  const td = taskDefinition('invsys').networkMode('awsvpc').memory(512).container(container('invsys').image('i').port(5000, { hostPort: 0 }));
  throwsExactly(
    () => td.build(),
    'taskDefinition "invsys": 1 problem\n  - containerDefinitions[0].portMappings[0].hostPort: awsvpc requires hostPort to equal containerPort (5000), got: 0',
  );
  // equal is fine
  const ok = taskDefinition('invsys').networkMode('awsvpc').memory(512).container(container('invsys').image('i').port(5000, { hostPort: 5000 }));
  assert.equal(ok.build().containerDefinitions?.[0]?.portMappings?.[0]?.hostPort, 5000);
});

test('container cpu must add up to no more than the task cpu', () => {
  const td = taskDefinition('app').cpu(256).memory(1024).container(web.cpu(256)).container(container('log').image('l').cpu(128));
  throwsExactly(
    () => td.build(),
    'taskDefinition "app": 1 problem\n  - containerDefinitions[*].cpu: containers reserve more cpu than the task has (256); lower a container\'s cpu or raise the task cpu, got: 384',
  );
});

test('container memory must add up to no more than the task memory', () => {
  const td = taskDefinition('app').memory(512).container(web.memory(512)).container(container('log').image('l').memoryReservation(64));
  throwsExactly(
    () => td.build(),
    'taskDefinition "app": 1 problem\n  - containerDefinitions[*].memory: containers reserve more memory than the task has (512 MiB); lower a container\'s memory or memoryReservation, or raise the task memory, got: 576',
  );
});

test('Fargate memory must be one the cpu size allows', () => {
  const td = taskDefinition('app').networkMode('awsvpc').requiresCompatibilities('FARGATE').cpu(256).memory(4096).container(web);
  throwsExactly(
    () => td.build(),
    'taskDefinition "app": 1 problem\n  - memory: Fargate cpu 256 allows memory 512, 1024 or 2048 (MiB), got: "4096"',
  );
  const larger = taskDefinition('app').networkMode('awsvpc').requiresCompatibilities('FARGATE').cpu(1024).memory(1536).container(web);
  throwsExactly(
    () => larger.build(),
    'taskDefinition "app": 1 problem\n  - memory: Fargate cpu 1024 allows memory 2048-8192 in steps of 1024 (MiB), got: "1536"',
  );
});

test('Fargate cpu must be a size from the table', () => {
  const td = taskDefinition('app').networkMode('awsvpc').requiresCompatibilities('FARGATE').cpu(300).memory(512).container(web);
  throwsExactly(
    () => td.build(),
    'taskDefinition "app": 1 problem\n  - cpu: Fargate supports cpu 256, 512, 1024, 2048, 4096, 8192 or 16384, got: "300"',
  );
});

test('Fargate needs task-level cpu and memory', () => {
  const td = taskDefinition('app').networkMode('awsvpc').requiresCompatibilities('FARGATE').container(web.memory(512));
  throwsExactly(
    () => td.build(),
    'taskDefinition "app": 2 problems\n' +
      '  - cpu: Fargate requires a task-level cpu: 256, 512, 1024, 2048, 4096, 8192 or 16384, got: undefined\n' +
      '  - memory: Fargate requires a task-level memory (MiB), got: undefined',
  );
});

test('Fargate requires awsvpc networking', () => {
  const td = taskDefinition('app').networkMode('bridge').requiresCompatibilities('FARGATE').cpu(256).memory(512).container(web);
  throwsExactly(
    () => td.build(),
    'taskDefinition "app": 1 problem\n  - networkMode: Fargate requires networkMode "awsvpc", got: "bridge"',
  );
});

test('at least one container must be essential', () => {
  const td = taskDefinition('app').memory(512).container(web.essential(false)).container(container('log').image('l').essential(false));
  throwsExactly(
    () => td.build(),
    'taskDefinition "app": 1 problem\n  - containerDefinitions[*].essential: at least one container must be essential; call .essential() on the main container, got: false',
  );
});

test('container names must be unique within a task definition', () => {
  const td = taskDefinition('app').memory(512).container(web).container(container('web').image('other'));
  throwsExactly(
    () => td.build(),
    'taskDefinition "app": 1 problem\n  - containerDefinitions[1].name: container names must be unique; containerDefinitions[0] has the same name, got: "web"',
  );
});

test('without task memory (EC2) every container needs memory or memoryReservation', () => {
  const td = taskDefinition('app').container(web).container(container('log').image('l').memoryReservation(64));
  throwsExactly(
    () => td.build(),
    'taskDefinition "app": 1 problem\n  - containerDefinitions[0].memory: without a task-level memory each container needs memory or memoryReservation (MiB); set one, or set the task memory, got: undefined',
  );
});

test('a task definition without containers is refused at build (for untyped callers)', () => {
  const empty = taskDefinition('app').memory(512) as unknown as ReturnType<typeof taskDefinition> & { build(): unknown };
  throwsExactly(
    () => (empty.build as () => unknown).call(empty),
    'taskDefinition "app": 1 problem\n  - containerDefinitions: a task definition needs at least one container; add one with .container(...), got: []',
  );
});

test('build reports every problem at once, each with path, value and fix', () => {
  const td = taskDefinition('app')
    .networkMode('awsvpc')
    .requiresCompatibilities('FARGATE')
    .cpu(256)
    .memory(512)
    .container(web.cpu(512).port(80, { hostPort: 8080 }).essential(false));
  assert.throws(
    () => td.build(),
    (error: unknown) =>
      error instanceof ValidationError &&
      error.problems.length === 3 &&
      error.problems.map((p) => p.path).join(' | ') ===
        'containerDefinitions[0].portMappings[0].hostPort | containerDefinitions[*].cpu | containerDefinitions[*].essential',
  );
});

// ---- type-level rules ----

test('build is only callable once a container with an image is added', () => {
  const empty = taskDefinition('app').memory(512);
  const typeChecks = () => {
    // @ts-expect-error — no container yet
    empty.build();
    // @ts-expect-error — a container builder without an image cannot be added
    empty.container(container('web'));
    // @ts-expect-error — a plain container needs an image
    empty.container({ name: 'web' });
  };
  assert.equal(typeof typeChecks, 'function');
  assert.equal(empty.container(web).build().containerDefinitions?.length, 1);
});
