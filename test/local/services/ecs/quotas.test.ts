import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registerVirtualInstances } from '../../../../src/local/services/ecs/index.js';
import { liveTaskCount, setLocalTaskLimit } from '../../../../src/local/services/ecs/task-limit.js';
import { CLUSTER, invsysTaskDefinition, labRegion, REGION, rejection } from './fixtures.js';

/** An EC2 bridge task definition of one container with these sizes. */
function ec2Definition(family: string, container: Record<string, unknown>, task: Record<string, unknown> = {}) {
  return {
    family,
    networkMode: 'bridge',
    requiresCompatibilities: ['EC2'],
    ...task,
    containerDefinitions: [{ name: 'app', image: 'test/echo', essential: true, ...container }],
  };
}

async function serviceRegion() {
  const r = await labRegion();
  await r.ecs('RegisterTaskDefinition', invsysTaskDefinition());
  const network = { awsvpcConfiguration: { subnets: r.subnets, securityGroups: [r.securityGroup] } };
  return { ...r, network };
}

describe('ECS service quotas', () => {
  it('refuses a desired count past 5,000 tasks per service (1,000 with service discovery) at once, and creates nothing', async () => {
    const r = await serviceRegion();
    const base = { cluster: CLUSTER, taskDefinition: 'flask-inventory-invsys', networkConfiguration: r.network };
    const started = performance.now();
    // 1e12 is no Integer: the model check refuses it before the handler (SerializationException, as the JSON protocol does).
    const notInteger = await rejection(() => r.ecs('CreateService', { ...base, serviceName: 'huge', desiredCount: 1_000_000_000_000 }));
    assert.equal(notInteger.code, 'SerializationException');
    assert.match(notInteger.message, /at 'desiredCount', got a number \(1000000000000\)/);
    const huge = await rejection(() => r.ecs('CreateService', { ...base, serviceName: 'huge', desiredCount: 2_147_483_647 }));
    assert.ok(performance.now() - started < 1000, 'answered quickly');
    assert.equal(huge.code, 'InvalidParameterException');
    assert.match(huge.message, /^Desired count exceeds limit\. desiredCount is 2147483647; a service can have at most 5000 tasks/);
    assert.match(huge.message, /Set desiredCount to 5000 or less/);
    assert.deepEqual((await r.ecs('ListServices', { cluster: CLUSTER })).serviceArns, []);

    const over = await rejection(() => r.ecs('CreateService', { ...base, serviceName: 'over', desiredCount: 5001 }));
    assert.match(over.message, /^Desired count exceeds limit\. desiredCount is 5001/);
    const ok = await r.ecs('CreateService', { ...base, serviceName: 'max', desiredCount: 5000 });
    assert.equal(ok.service.desiredCount, 5000);

    const registries = [{ registryArn: r.invsysDiscoveryArn }];
    const discovery = await rejection(() => r.ecs('CreateService', { ...base, serviceName: 'sd', desiredCount: 1001, serviceRegistries: registries }));
    assert.match(discovery.message, /^Desired count exceeds limit\. desiredCount is 1001; a service with service discovery can have at most 1000 tasks/);
    await r.ecs('CreateService', { ...base, serviceName: 'sd', desiredCount: 1000, serviceRegistries: registries });
    const update = await rejection(() => r.ecs('UpdateService', { cluster: CLUSTER, service: 'sd', desiredCount: 1001 }));
    assert.match(update.message, /^Desired count exceeds limit\. desiredCount is 1001/);
    assert.equal((await r.ecs('DescribeServices', { cluster: CLUSTER, services: ['sd'] })).services[0].desiredCount, 1000);
  });

  it('refuses desired counts that are not non-negative integers, naming the value', async () => {
    const r = await serviceRegion();
    await r.ecs('CreateService', { cluster: CLUSTER, serviceName: 's', taskDefinition: 'flask-inventory-invsys', networkConfiguration: r.network, desiredCount: 1 });
    // A negative Integer is well-formed and refused by ECS; what is no Integer at all is refused by the model check.
    for (const [bad, code] of [[-1, 'InvalidParameterException'], [1.5, 'SerializationException'], ['3', 'SerializationException'], [Number.MAX_SAFE_INTEGER + 2, 'SerializationException']] as const) {
      const error = await rejection(() => r.ecs('UpdateService', { cluster: CLUSTER, service: 's', desiredCount: bad }));
      assert.equal(error.code, code, String(bad));
      assert.match(error.message, /desiredCount/);
      assert.ok(error.message.includes(String(bad)), error.message);
    }
  });

  it('refuses a RunTask count outside 1-10 with AWS’s message before creating any task', async () => {
    const r = await serviceRegion();
    registerVirtualInstances(r.cloud.region(REGION), r.clusterArn, { count: 2, cpu: 2048, memory: 4096 });
    const base = { cluster: CLUSTER, taskDefinition: 'flask-inventory-invsys', networkConfiguration: r.network };
    const started = performance.now();
    const notInteger = await rejection(() => r.ecs('RunTask', { ...base, count: 1_000_000_000_000 }));
    assert.equal(notInteger.code, 'SerializationException');
    assert.match(notInteger.message, /at 'count', got a number \(1000000000000\)/);
    const huge = await rejection(() => r.ecs('RunTask', { ...base, count: 2_147_483_647 }));
    assert.ok(performance.now() - started < 1000, 'answered quickly');
    assert.equal(huge.code, 'InvalidParameterException');
    assert.match(huge.message, /^Task count can not be greater than 10\. count must be between 1 and 10, got: 2147483647; call RunTask again/);
    for (const bad of [0, -1]) {
      const error = await rejection(() => r.ecs('RunTask', { ...base, count: bad }));
      assert.equal(error.code, 'InvalidParameterException');
      assert.equal(error.message, `count must be between 1 and 10, got: ${bad}`);
    }
    for (const bad of [2.5, '3']) {
      const error = await rejection(() => r.ecs('RunTask', { ...base, count: bad }));
      assert.equal(error.code, 'SerializationException', String(bad));
      assert.match(error.message, /at 'count'/);
      assert.ok(error.message.includes(String(bad)), error.message);
    }
    assert.deepEqual((await r.ecs('ListTasks', { cluster: CLUSTER })).taskArns, []);
  });
});

describe('task size limits', () => {
  it('refuses task cpu outside 128-196,608 units on EC2 and absurd task memory with AWS’s ClientException', async () => {
    const r = await labRegion();
    const small = await rejection(() => r.ecs('RegisterTaskDefinition', ec2Definition('t', { memory: 64 }, { cpu: '64' })));
    assert.equal(small.code, 'ClientException');
    assert.match(small.message, /^Invalid 'cpu' setting for task\. cpu is 64; tasks on EC2 or external instances take 128-196608 CPU units/);
    const big = await rejection(() => r.ecs('RegisterTaskDefinition', ec2Definition('t', { memory: 64 }, { cpu: '200 vCPU' })));
    assert.match(big.message, /^Invalid 'cpu' setting for task\. cpu is 204800/);
    const memory = await rejection(() => r.ecs('RegisterTaskDefinition', ec2Definition('t', { memoryReservation: 64 }, { memory: '1000000000000' })));
    assert.equal(memory.code, 'ClientException');
    assert.match(memory.message, /^Invalid 'memory' setting for task\. memory is 1000000000000 MiB; it must be 6-33554432 MiB/);
    const fargate = await rejection(() =>
      r.ecs('RegisterTaskDefinition', { ...ec2Definition('t', {}, { cpu: '256', memory: '8192' }), networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'] }),
    );
    assert.equal(fargate.message, 'No Fargate configuration exists for given values: 256 CPU, 8192 memory. See the Amazon ECS documentation for the valid values.');
    const fine = await r.ecs('RegisterTaskDefinition', ec2Definition('t', { memory: 64 }, { cpu: '128', memory: '512' }));
    assert.equal(fine.taskDefinition.cpu, '128');
  });

  it('refuses negative, fractional and absurd container cpu and memory, naming the container and the value', async () => {
    const r = await labRegion();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ cpu: -10, memory: 64 }, /^Invalid 'cpu' setting for container 'app'\. cpu must be an integer 0-196608 \(CPU units; 1024 = 1 vCPU\), got: -10\.$/],
      [{ cpu: 1e9, memory: 64 }, /got: 1000000000\.$/],
      [{ memory: 2_147_483_647 }, /^Invalid 'memory' setting for container 'app'\. memory must be an integer 6-33554432 MiB, got: 2147483647\.$/],
      [{ memoryReservation: 2_000_000_000 }, /^Invalid 'memoryReservation' setting for container 'app'\. .*got: 2000000000\.$/],
    ];
    for (const [container, message] of cases) {
      const error = await rejection(() => r.ecs('RegisterTaskDefinition', ec2Definition('c', container)));
      assert.equal(error.code, 'ClientException', JSON.stringify(container));
      assert.match(error.message, message);
    }
    // Fractions and values past an Integer are no Integer at all: the model check names the member and the value.
    for (const container of [{ cpu: 1.5, memory: 64 }, { memory: 1e12 }, { memory: 64.5 }, { memoryReservation: 1e10 }]) {
      const error = await rejection(() => r.ecs('RegisterTaskDefinition', ec2Definition('c', container)));
      assert.equal(error.code, 'SerializationException', JSON.stringify(container));
      const [member, value] = Object.entries(container)[0]!;
      assert.ok(error.message.includes(`at 'containerDefinitions.1.member.${member}'`) && error.message.includes(String(value)), error.message);
    }
    assert.deepEqual((await r.ecs('ListTaskDefinitions', {})).taskDefinitionArns, []);
  });
});

describe('RunTask placement failures name the resource', () => {
  /** A cluster with two container instances of 1024 CPU units and 2048 MiB. */
  async function twoInstances() {
    const r = await labRegion();
    const instances = registerVirtualInstances(r.cloud.region(REGION), r.clusterArn, { count: 2, cpu: 1024, memory: 2048 });
    return { ...r, instances };
  }

  for (const [resource, container] of [
    ['MEMORY', { memory: 1536 }],
    ['CPU', { cpu: 768, memory: 64 }],
    ['PORTS', { memory: 64, portMappings: [{ containerPort: 80, hostPort: 8080 }] }],
  ] as const) {
    it(`places what fits and answers RESOURCE:${resource} for each container instance that has no room`, async () => {
      const r = await twoInstances();
      await r.ecs('RegisterTaskDefinition', ec2Definition('p', container));
      const out = await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'p', count: 3 });
      assert.equal(out.tasks.length, 2);
      const placedOn = out.tasks.map((t: any) => t.containerInstanceArn).sort();
      assert.deepEqual(placedOn, r.instances.map((i) => i.containerInstanceArn).sort(), 'one task on each instance');
      assert.deepEqual(
        [...out.failures].sort((a: any, b: any) => a.arn.localeCompare(b.arn)),
        r.instances.map((i) => ({ arn: i.containerInstanceArn, reason: `RESOURCE:${resource}` })).sort((a, b) => a.arn.localeCompare(b.arn)),
      );
      const again = await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'p' });
      assert.deepEqual(again.tasks, []);
      assert.equal(again.failures.length, 2);
      assert.equal((await r.ecs('ListTasks', { cluster: CLUSTER })).taskArns.length, 2, 'no task left waiting in PROVISIONING');
    });
  }

  it('binpack fills one instance before the next', async () => {
    const r = await twoInstances();
    await r.ecs('RegisterTaskDefinition', ec2Definition('b', { memory: 512 }));
    const out = await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'b', count: 4, placementStrategy: [{ type: 'binpack', field: 'memory' }] });
    assert.deepEqual(out.failures, []);
    assert.equal(new Set(out.tasks.map((t: any) => t.containerInstanceArn)).size, 1);
  });
});

describe('the local task cap', () => {
  it('starts only the tasks under the cap and answers LOCAL_TASK_LIMIT with the fix for the rest', async () => {
    const r = await labRegion();
    await r.ecs('RegisterTaskDefinition', ec2Definition('f', { memory: 64 }));
    registerVirtualInstances(r.cloud.region(REGION), r.clusterArn, { count: 1, cpu: 4096, memory: 8192 });
    setLocalTaskLimit(r.cloud.events, { maxTasks: 2, liveTasks: () => liveTaskCount([r.cloud.region(REGION)]) });
    const out = await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'f', count: 3 });
    assert.equal(out.tasks.length, 2);
    assert.equal(out.failures.length, 1);
    assert.equal(out.failures[0].arn, r.clusterArn);
    assert.equal(out.failures[0].reason, 'LOCAL_TASK_LIMIT');
    assert.match(out.failures[0].detail, /runs at most 2 tasks at once .* start ecskit local with a larger --max-tasks\.$/);
    const full = await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'f' });
    assert.deepEqual(full.tasks, []);
    assert.equal(full.failures[0].reason, 'LOCAL_TASK_LIMIT');
    // A stopped task frees its slot.
    await r.ecs('StopTask', { cluster: CLUSTER, task: out.tasks[0].taskArn });
    assert.equal((await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'f' })).tasks.length, 1);
    setLocalTaskLimit(r.cloud.events, undefined);
    assert.equal((await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'f', count: 5 })).tasks.length, 5, 'no cap without a runtime');
  });
});
