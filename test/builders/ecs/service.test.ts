import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cfnRef, container, service, taskDefinition, ValidationError } from '../../../src/index.js';

const throwsExactly = (fn: () => unknown, message: string) =>
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ValidationError);
    assert.equal(error.message, message);
    return true;
  });

const gatewayTd = taskDefinition('flask-inventory-gateway')
  .networkMode('awsvpc')
  .memory(512)
  .container(container('gateway').image('g').port(5001));
const bridgeTd = taskDefinition('flask-inventory-invsys')
  .networkMode('bridge')
  .memory(512)
  .container(container('invsys').image('i').port(5000, { hostPort: 0 }));
const net = { subnets: ['subnet-abc123'], securityGroups: ['sg-0123456789'] };
const base = service('svc').cluster('flask-inventory-cluster');

test('a task definition builder is sent as its family, or family:revision', () => {
  assert.equal(base.taskDefinition(gatewayTd).awsvpc(net).build().taskDefinition, 'flask-inventory-gateway');
  assert.equal(base.taskDefinition(gatewayTd, { revision: 3 }).awsvpc(net).build().taskDefinition, 'flask-inventory-gateway:3');
});

test('a task definition may be given as family, family:revision or ARN', () => {
  for (const ref of ['flask-inventory-gateway', 'flask-inventory-gateway:7', 'arn:aws:ecs:us-east-1:123456789012:task-definition/flask-inventory-gateway:7']) {
    assert.equal(base.taskDefinition(ref).build().taskDefinition, ref);
  }
});

test('capacity provider strategy, circuit breaker, alarms, tag settings and tags reach CreateService', () => {
  const built = base
    .taskDefinition('app:1')
    .desiredCount(0)
    .capacityProviderStrategy({ capacityProvider: 'FARGATE', weight: 1, base: 1 })
    .deploymentConfiguration({ minimumHealthyPercent: 100, maximumPercent: 200, circuitBreaker: true, alarms: { alarmNames: ['high-cpu'] } })
    .propagateTags('SERVICE')
    .enableECSManagedTags()
    .tags({ stack: 'lab' })
    .build();
  assert.deepEqual(built, {
    cluster: 'flask-inventory-cluster',
    serviceName: 'svc',
    taskDefinition: 'app:1',
    desiredCount: 0,
    capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }],
    deploymentConfiguration: {
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      alarms: { alarmNames: ['high-cpu'], enable: true, rollback: true },
    },
    propagateTags: 'SERVICE',
    enableECSManagedTags: true,
    tags: [{ key: 'stack', value: 'lab' }],
  });
});

test('buildUpdate leaves out what UpdateService cannot change', () => {
  const update = base.taskDefinition('app:2').desiredCount(4).launchType('EC2').tags({ a: 'b' }).buildUpdate();
  assert.deepEqual(update, { cluster: 'flask-inventory-cluster', service: 'svc', taskDefinition: 'app:2', desiredCount: 4 });
});

test('a scaling-only update needs neither cluster nor task definition at the type level', () => {
  assert.deepEqual(service('gateway-service').desiredCount(4).buildUpdate(), { service: 'gateway-service', desiredCount: 4 });
});

test('toCloudFormation names AWS::ECS::Service properties as CloudFormation does', () => {
  const cfn = base
    .taskDefinition(gatewayTd)
    .awsvpc({ ...net, assignPublicIp: true })
    .loadBalancer({ targetGroupArn: cfnRef('GatewayTargetGroup'), containerName: 'gateway', containerPort: 5001 })
    .enableECSManagedTags()
    .toCloudFormation();
  assert.deepEqual(cfn, {
    Type: 'AWS::ECS::Service',
    Properties: {
      Cluster: 'flask-inventory-cluster',
      ServiceName: 'svc',
      TaskDefinition: 'flask-inventory-gateway',
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-abc123'], SecurityGroups: ['sg-0123456789'], AssignPublicIp: 'ENABLED' } },
      LoadBalancers: [{ TargetGroupArn: { Ref: 'GatewayTargetGroup' }, ContainerName: 'gateway', ContainerPort: 5001 }],
      EnableECSManagedTags: true,
    },
  });
});

// ---- method-level rules ----

test('a service name must be 1-255 letters, digits, hyphens or underscores', () => {
  const long = 'a'.repeat(256);
  throwsExactly(
    () => service(long),
    `service "${long}": 1 problem\n  - serviceName: serviceName must be 1-255 letters, digits, hyphens or underscores, got: "${long}"`,
  );
});

test('desired count must be 0 or more', () => {
  throwsExactly(
    () => service('svc').desiredCount(-1),
    'service "svc": 1 problem\n  - desiredCount: desiredCount must be an integer 0 or more, got: -1',
  );
});

test('minimum healthy percent must be 0-100', () => {
  throwsExactly(
    () => service('svc').deploymentConfiguration({ minimumHealthyPercent: 101 }),
    'service "svc": 1 problem\n  - deploymentConfiguration.minimumHealthyPercent: minimumHealthyPercent must be an integer 0-100, got: 101',
  );
});

test('maximum percent must be 0-200', () => {
  throwsExactly(
    () => service('svc').deploymentConfiguration({ maximumPercent: 250 }),
    'service "svc": 1 problem\n  - deploymentConfiguration.maximumPercent: maximumPercent must be an integer 0-200, got: 250',
  );
});

test('a malformed task definition reference is refused at once', () => {
  throwsExactly(
    () => service('svc').taskDefinition('flask-inventory-invsys:latest'),
    'service "svc": 1 problem\n  - taskDefinition: taskDefinition must be a family, family:revision or task definition ARN, got: "flask-inventory-invsys:latest"',
  );
});

test('a task definition revision must be 1 or more', () => {
  throwsExactly(
    () => service('svc').taskDefinition(gatewayTd, { revision: 0 }),
    'service "svc": 1 problem\n  - taskDefinition: revision must be an integer 1 or more, got: 0',
  );
});

test('a load balancer container port outside 1-65535 is refused at once', () => {
  throwsExactly(
    () => service('svc').loadBalancer({ targetGroupArn: 'tg', containerName: 'gateway', containerPort: 0 }),
    'service "svc": 1 problem\n  - loadBalancers[0].containerPort: containerPort must be an integer 1-65535, got: 0',
  );
});

test('a negative health-check grace period is refused at once', () => {
  throwsExactly(
    () => service('svc').healthCheckGracePeriodSeconds(-5),
    'service "svc": 1 problem\n  - healthCheckGracePeriodSeconds: healthCheckGracePeriodSeconds must be an integer 0-2147483647, got: -5',
  );
});

// ---- whole-object rules ----

test("network configuration with a non-awsvpc task definition is refused (the lab's revision-1 mistake)", () => {
  throwsExactly(
    () => service('invsys-service').cluster('c').taskDefinition(bridgeTd, { revision: 1 }).awsvpc(net).build(),
    'service "invsys-service": 1 problem\n' +
      '  - networkConfiguration: network configuration is only valid with networkMode "awsvpc", but task definition "flask-inventory-invsys" uses "bridge"; ' +
      'register the task definition with .networkMode(\'awsvpc\') or drop .awsvpc(...), got: {"awsvpcConfiguration":{"subnets":["subnet-abc123"],"securityGroups":["sg-0123456789"]}}',
  );
});

test('an awsvpc task definition needs a network configuration to create the service', () => {
  throwsExactly(
    () => base.taskDefinition(gatewayTd).build(),
    'service "svc": 1 problem\n' +
      '  - networkConfiguration: task definition "flask-inventory-gateway" uses networkMode "awsvpc", which needs a network configuration; add .awsvpc({ subnets, securityGroups }), got: undefined',
  );
});

test('bridge networking with service registries needs containerName and containerPort for SRV records', () => {
  throwsExactly(
    () => base.taskDefinition(bridgeTd).serviceRegistry({ registryArn: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1' }).build(),
    'service "svc": 1 problem\n' +
      '  - serviceRegistries[0]: networkMode "bridge" registers SRV records, which need containerName and containerPort, e.g. { containerName: "invsys", containerPort: 5000 }, ' +
      'got: {"registryArn":"arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1"}',
  );
  const ok = base
    .taskDefinition(bridgeTd)
    .serviceRegistry({ registryArn: 'arn:srv', containerName: 'invsys', containerPort: 5000 })
    .build();
  assert.deepEqual(ok.serviceRegistries, [{ registryArn: 'arn:srv', containerName: 'invsys', containerPort: 5000 }]);
});

test('a load balancer must name a container of the task definition', () => {
  throwsExactly(
    () => base.taskDefinition(gatewayTd).awsvpc(net).loadBalancer({ targetGroupArn: 'tg', containerName: 'web', containerPort: 5001 }).build(),
    'service "svc": 1 problem\n' +
      '  - loadBalancers[0].containerName: task definition "flask-inventory-gateway" has no container of that name; its containers: "gateway", got: "web"',
  );
});

test('a load balancer must name a port the container maps', () => {
  throwsExactly(
    () => base.taskDefinition(gatewayTd).awsvpc(net).loadBalancer({ targetGroupArn: 'tg', containerName: 'gateway', containerPort: 80 }).build(),
    'service "svc": 1 problem\n' +
      '  - loadBalancers[0].containerPort: container "gateway" does not map that port; its container ports: 5001, got: 80',
  );
});

test('launch type and capacity provider strategy are mutually exclusive', () => {
  throwsExactly(
    () => base.taskDefinition('app:1').launchType('EC2').capacityProviderStrategy({ capacityProvider: 'FARGATE', weight: 1 }).build(),
    'service "svc": 1 problem\n' +
      '  - capacityProviderStrategy: launchType (EC2) and capacityProviderStrategy are mutually exclusive; keep one, got: [{"capacityProvider":"FARGATE","weight":1}]',
  );
});

test('minimum healthy percent must stay below maximum percent', () => {
  throwsExactly(
    () => base.taskDefinition('app:1').deploymentConfiguration({ minimumHealthyPercent: 100, maximumPercent: 100 }).build(),
    'service "svc": 1 problem\n' +
      '  - deploymentConfiguration.minimumHealthyPercent: minimumHealthyPercent must be below maximumPercent (100), or a rolling deployment can neither start nor stop a task, got: 100',
  );
});

test('build reports every service problem at once', () => {
  assert.throws(
    () =>
      base
        .taskDefinition(bridgeTd)
        .awsvpc(net)
        .launchType('EC2')
        .capacityProviderStrategy({ capacityProvider: 'FARGATE' })
        .loadBalancer({ targetGroupArn: 'tg', containerName: 'invsys', containerPort: 80 })
        .build(),
    (error: unknown) =>
      error instanceof ValidationError &&
      error.problems.map((p) => p.path).join(' | ') === 'capacityProviderStrategy | networkConfiguration | loadBalancers[0].containerPort',
  );
});

// ---- type-level rules ----

test('build is only callable once cluster and task definition are set', () => {
  const typeChecks = () => {
    // @ts-expect-error — neither cluster nor task definition
    service('svc').build();
    // @ts-expect-error — no task definition
    service('svc').cluster('c').build();
    // @ts-expect-error — no cluster
    service('svc').taskDefinition('app:1').build();
    // @ts-expect-error — a task definition builder without a container is not accepted
    service('svc').taskDefinition(taskDefinition('app'));
  };
  assert.equal(typeof typeChecks, 'function');
  assert.equal(service('svc').taskDefinition('app:1').cluster('c').build().cluster, 'c');
});

test('placement strategies and constraints: built as given, checked on the spot, refused with Fargate', () => {
  const base = service('invsys-service').cluster('lab').taskDefinition('invsys:1');
  const built = base
    .placementStrategy({ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'binpack', field: 'memory' })
    .placementConstraints({ type: 'distinctInstance' }, { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' })
    .build();
  assert.deepEqual(built.placementStrategy, [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'binpack', field: 'memory' }]);
  assert.deepEqual(built.placementConstraints, [{ type: 'distinctInstance' }, { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }]);
  // A later call replaces the earlier list.
  assert.deepEqual(base.placementStrategy({ type: 'spread', field: 'host' }).placementStrategy({ type: 'random' }).build().placementStrategy, [{ type: 'random' }]);

  const refused: [() => unknown, RegExp][] = [
    [() => base.placementStrategy({ type: 'binpack', field: 'disk' }), /placementStrategy\[0\]\.field: binpack packs on 'cpu' or 'memory', got: "disk"/],
    [() => base.placementStrategy({ type: 'spread' }), /placementStrategy\[0\]\.field: spread needs a field/],
    [() => base.placementStrategy({ type: 'random', field: 'cpu' }), /random takes no field/],
    [() => base.placementStrategy({ type: 'pack' as 'binpack', field: 'cpu' }), /placementStrategy\[0\]\.type: must be one of "random", "spread", "binpack", got: "pack"/],
    [() => base.placementStrategy(...Array.from({ length: 6 }, () => ({ type: 'random' as const }))), /at most 5 placement strategies, got 6/],
    [() => base.placementConstraints({ type: 'memberOf', expression: ' ' }), /placementConstraints\[0\]\.expression: memberOf needs an expression/],
    [() => base.placementConstraints({ type: 'distinctInstance', expression: 'x' }), /distinctInstance takes no expression/],
    [() => base.placementConstraints(...Array.from({ length: 11 }, () => ({ type: 'distinctInstance' as const }))), /at most 10 placement constraints, got 11/],
  ];
  for (const [call, message] of refused) assert.throws(call, (error: unknown) => error instanceof ValidationError && message.test(error.message));
  assert.throws(() => base.launchType('FARGATE').placementStrategy({ type: 'random' }).build(), /placementStrategy: placement strategies and constraints are for the EC2 launch type/);
  // AWS::ECS::Service names the list PlacementStrategies.
  const cfn = base.placementStrategy({ type: 'binpack', field: 'memory' }).placementConstraints({ type: 'distinctInstance' }).toCloudFormation();
  assert.deepEqual(cfn.Properties['PlacementStrategies'], [{ Type: 'binpack', Field: 'memory' }]);
  assert.deepEqual(cfn.Properties['PlacementConstraints'], [{ Type: 'distinctInstance' }]);
});
