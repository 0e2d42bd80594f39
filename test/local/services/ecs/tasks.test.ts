import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registerVirtualInstances } from '../../../../src/local/services/ecs/index.js';
import { attachRuntime } from '../../../../src/local/services/ecs/runtime-attachment.js';
import { updateTask } from '../../../../src/local/services/ecs/state.js';
import { CLUSTER, invsysBridgeTaskDefinition, invsysTaskDefinition, labRegion, REGION, rejection } from './fixtures.js';
import { ACCOUNT_SETTING_DEFAULTS } from '../../../../src/local/services/ecs/account-settings.js';
import { models } from '../../../../src/local/models/data/index.js';

async function withInstances() {
  const r = await labRegion();
  await r.ecs('RegisterTaskDefinition', invsysTaskDefinition());
  const instances = registerVirtualInstances(r.cloud.region(REGION), r.clusterArn, { count: 2, cpu: 1024, memory: 2048 });
  const network = { awsvpcConfiguration: { subnets: r.subnets, securityGroups: [r.securityGroup] } };
  return { ...r, instances, network };
}

describe('ECS RunTask / StopTask / DescribeTasks / ListTasks', () => {
  it('records PROVISIONING tasks with an ENI attachment, group and startedBy, and emits ecs:task-run-requested', async () => {
    const r = await withInstances();
    const seen: any[] = [];
    r.cloud.events.on('ecs:task-run-requested', (e) => seen.push(e));
    const out = await r.ecs('RunTask', {
      cluster: CLUSTER,
      taskDefinition: 'flask-inventory-invsys',
      count: 2,
      launchType: 'EC2',
      networkConfiguration: r.network,
      startedBy: 'lab-script',
    });
    assert.deepEqual(out.failures, []);
    assert.equal(out.tasks.length, 2);
    const [t] = out.tasks;
    assert.match(t.taskArn, new RegExp(`^arn:aws:ecs:${REGION}:123456789012:task/${CLUSTER}/[0-9a-f]{32}$`));
    assert.equal(t.lastStatus, 'PROVISIONING');
    assert.equal(t.desiredStatus, 'RUNNING');
    assert.equal(t.group, 'family:flask-inventory-invsys');
    assert.equal(t.startedBy, 'lab-script');
    assert.equal(t.launchType, 'EC2');
    assert.equal(t.attachments[0].type, 'ElasticNetworkInterface');
    assert.deepEqual(t.attachments[0].details, [{ name: 'subnetId', value: r.subnets[0] }]);
    assert.equal(t.containers[0].name, 'invsys');
    assert.equal(t.containers[0].lastStatus, 'PENDING');
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0].taskArns, out.tasks.map((x: any) => x.taskArn));
    const cluster = (await r.ecs('DescribeClusters', { clusters: [CLUSTER] })).clusters[0];
    assert.equal(cluster.pendingTasksCount, 2);
  });

  it('refuses RunTask on an EC2 cluster without container instances with AWS\'s InvalidParameterException', async () => {
    const r = await labRegion();
    await r.ecs('RegisterTaskDefinition', invsysTaskDefinition());
    const error = await rejection(() =>
      r.ecs('RunTask', {
        cluster: CLUSTER,
        taskDefinition: 'flask-inventory-invsys',
        networkConfiguration: { awsvpcConfiguration: { subnets: r.subnets } },
      }),
    );
    assert.equal(error.code, 'InvalidParameterException');
    assert.equal(error.message, 'No Container Instances were found in your cluster.');
  });

  it('validates count, the network configuration and the task definition', async () => {
    const r = await withInstances();
    const count = await rejection(() => r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'flask-inventory-invsys', count: 11, networkConfiguration: r.network }));
    assert.equal(count.code, 'InvalidParameterException');
    assert.match(count.message, /count must be between 1 and 10/);
    const network = await rejection(() => r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'flask-inventory-invsys' }));
    assert.equal(network.message, "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    await r.ecs('RegisterTaskDefinition', invsysBridgeTaskDefinition());
    const bridge = await rejection(() => r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'flask-inventory-invsys:2', networkConfiguration: r.network }));
    assert.equal(bridge.message, 'Network Configuration is not valid for the given networkMode of this task definition.');
    const td = await rejection(() => r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'ghost' }));
    assert.equal(td.message, 'TaskDefinition not found.');
  });

  it('stops a task with the reason; with no runtime attached it is STOPPED at once', async () => {
    const r = await withInstances();
    const { tasks } = await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'flask-inventory-invsys', networkConfiguration: r.network });
    const { task } = await r.ecs('StopTask', { cluster: CLUSTER, task: tasks[0].taskArn, reason: 'lab 7.5: simulate failure' });
    assert.equal(task.desiredStatus, 'STOPPED');
    assert.equal(task.lastStatus, 'STOPPED');
    assert.equal(task.stoppedReason, 'lab 7.5: simulate failure');
    assert.equal(task.stopCode, 'UserInitiated');
    assert.ok(task.stoppedAt instanceof Date);
    const missing = await rejection(() => r.ecs('StopTask', { cluster: CLUSTER, task: 'deadbeef' }));
    assert.equal(missing.code, 'InvalidParameterException');
  });

  it('only requests the stop when a runtime is attached, leaving the task for the runtime to finish', async () => {
    const r = await withInstances();
    const stops: any[] = [];
    attachRuntime(r.cloud.events);
    r.cloud.events.on('ecs:task-stop-requested', (e) => stops.push(e));
    const { tasks } = await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'flask-inventory-invsys', networkConfiguration: r.network });
    const { task } = await r.ecs('StopTask', { cluster: CLUSTER, task: tasks[0].taskArn });
    assert.equal(task.desiredStatus, 'STOPPED');
    assert.equal(task.lastStatus, 'PROVISIONING');
    assert.equal(stops[0].taskArn, task.taskArn);
    const cluster = await rejection(() => r.ecs('DeleteCluster', { cluster: CLUSTER }));
    assert.equal(cluster.code, 'ClusterContainsTasksException');
  });

  it('describes tasks by id or ARN with failures for missing ones', async () => {
    const r = await withInstances();
    const { tasks } = await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'flask-inventory-invsys', networkConfiguration: r.network, tags: [{ key: 'k', value: 'v' }] });
    const id = tasks[0].taskArn.split('/').pop();
    const out = await r.ecs('DescribeTasks', { cluster: CLUSTER, tasks: [id, 'ffffffffffffffffffffffffffffffff'], include: ['TAGS'] });
    assert.equal(out.tasks[0].taskArn, tasks[0].taskArn);
    assert.deepEqual(out.tasks[0].tags, [{ key: 'k', value: 'v' }]);
    assert.equal(out.failures[0].reason, 'MISSING');
    assert.match(out.failures[0].arn, /:task\/flask-inventory-cluster\/f{32}$/);
  });

  it('filters ListTasks by family, startedBy, desiredStatus, containerInstance and launchType', async () => {
    const r = await withInstances();
    const a = await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'flask-inventory-invsys', networkConfiguration: r.network, startedBy: 'a', count: 2 });
    await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'flask-inventory-invsys', networkConfiguration: r.network, startedBy: 'b' });
    assert.equal((await r.ecs('ListTasks', { cluster: CLUSTER })).taskArns.length, 3);
    assert.equal((await r.ecs('ListTasks', { cluster: CLUSTER, startedBy: 'a' })).taskArns.length, 2);
    assert.equal((await r.ecs('ListTasks', { cluster: CLUSTER, family: 'flask-inventory-invsys' })).taskArns.length, 3);
    assert.equal((await r.ecs('ListTasks', { cluster: CLUSTER, family: 'other' })).taskArns.length, 0);
    assert.equal((await r.ecs('ListTasks', { cluster: CLUSTER, launchType: 'FARGATE' })).taskArns.length, 0);
    // RunTask placed the EC2 tasks (spread: 3 tasks over 2 instances); the filter names exactly those on one instance.
    const instance = a.tasks[0].containerInstanceArn as string;
    const all = (await r.ecs('DescribeTasks', { cluster: CLUSTER, tasks: (await r.ecs('ListTasks', { cluster: CLUSTER })).taskArns })).tasks;
    const onInstance = all.filter((t: any) => t.containerInstanceArn === instance).map((t: any) => t.taskArn);
    assert.ok(onInstance.length >= 1 && onInstance.length < 3, JSON.stringify(all.map((t: any) => t.containerInstanceArn)));
    updateTask(r.cloud.region(REGION), a.tasks[0].taskArn, { lastStatus: 'RUNNING' });
    assert.deepEqual((await r.ecs('ListTasks', { cluster: CLUSTER, containerInstance: instance })).taskArns.sort(), onInstance.sort());
    await r.ecs('StopTask', { cluster: CLUSTER, task: a.tasks[1].taskArn });
    assert.deepEqual((await r.ecs('ListTasks', { cluster: CLUSTER, desiredStatus: 'STOPPED' })).taskArns, [a.tasks[1].taskArn]);
    const page = await r.ecs('ListTasks', { cluster: CLUSTER, maxResults: 1 });
    assert.equal(page.taskArns.length, 1);
    assert.ok(page.nextToken);
    assert.equal((await rejection(() => r.ecs('ListTasks', { cluster: CLUSTER, serviceName: 'ghost' }))).code, 'ServiceNotFoundException');
  });
});

describe('ECS container instances', () => {
  it('a new cluster has no container instances; registerVirtualInstances adds ACTIVE ones with full resources', async () => {
    const r = await labRegion();
    assert.deepEqual((await r.ecs('ListContainerInstances', { cluster: CLUSTER })).containerInstanceArns, []);
    registerVirtualInstances(r.cloud.region(REGION), r.clusterArn, { count: 2, cpu: 2048, memory: 3904 });
    const { containerInstanceArns } = await r.ecs('ListContainerInstances', { cluster: CLUSTER });
    assert.equal(containerInstanceArns.length, 2);
    const out = await r.ecs('DescribeContainerInstances', { cluster: CLUSTER, containerInstances: containerInstanceArns });
    const ci = out.containerInstances[0];
    assert.equal(ci.status, 'ACTIVE');
    assert.equal(ci.agentConnected, true);
    assert.match(ci.ec2InstanceId, /^i-[0-9a-f]{17}$/);
    const get = (list: any[], name: string) => list.find((x) => x.name === name);
    assert.equal(get(ci.registeredResources, 'CPU').integerValue, 2048);
    assert.equal(get(ci.registeredResources, 'MEMORY').integerValue, 3904);
    assert.deepEqual(get(ci.registeredResources, 'PORTS').stringSetValue, ['22', '2375', '2376', '51678', '51679']);
    assert.deepEqual(get(ci.remainingResources, 'PORTS_UDP').stringSetValue, []);
  });

  it('remainingResources reflect the tasks placed on an instance, including bridge host ports', async () => {
    const r = await labRegion();
    await r.ecs('RegisterTaskDefinition', invsysTaskDefinition());
    const bridge = invsysBridgeTaskDefinition();
    bridge.family = 'fixed-port';
    bridge.containerDefinitions[0].portMappings = [{ containerPort: 5000, hostPort: 8080 }];
    await r.ecs('RegisterTaskDefinition', bridge);
    const [ci] = registerVirtualInstances(r.cloud.region(REGION), r.clusterArn, { count: 1, cpu: 1024, memory: 2048 });
    const run1 = await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'flask-inventory-invsys', networkConfiguration: { awsvpcConfiguration: { subnets: r.subnets } } });
    const run2 = await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: 'fixed-port' });
    const rs = r.cloud.region(REGION);
    updateTask(rs, run1.tasks[0].taskArn, { containerInstanceArn: ci!.containerInstanceArn, lastStatus: 'RUNNING' });
    updateTask(rs, run2.tasks[0].taskArn, { containerInstanceArn: ci!.containerInstanceArn, lastStatus: 'PENDING' });
    const get = (list: any[], name: string) => list.find((x) => x.name === name);
    let described = (await r.ecs('DescribeContainerInstances', { cluster: CLUSTER, containerInstances: [ci!.containerInstanceArn] })).containerInstances[0];
    assert.equal(get(described.remainingResources, 'CPU').integerValue, 1024 - 512);
    assert.equal(get(described.remainingResources, 'MEMORY').integerValue, 2048 - 1024);
    assert.ok(get(described.remainingResources, 'PORTS').stringSetValue.includes('8080'));
    assert.equal(described.runningTasksCount, 1);
    assert.equal(described.pendingTasksCount, 1);
    const refused = await rejection(() => r.ecs('DeregisterContainerInstance', { cluster: CLUSTER, containerInstance: ci!.containerInstanceArn }));
    assert.equal(refused.code, 'InvalidParameterException');
    updateTask(rs, run1.tasks[0].taskArn, { lastStatus: 'STOPPED' });
    described = (await r.ecs('DescribeContainerInstances', { cluster: CLUSTER, containerInstances: [ci!.containerInstanceArn] })).containerInstances[0];
    assert.equal(get(described.remainingResources, 'CPU').integerValue, 1024 - 256);
  });

  it('registers and deregisters container instances through the API, with failures for missing ones', async () => {
    const r = await labRegion();
    const { containerInstance } = await r.ecs('RegisterContainerInstance', {
      cluster: CLUSTER,
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 4096 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: 8000 },
      ],
    });
    assert.equal(containerInstance.registeredResources[0].integerValue, 4096);
    const drained = await r.ecs('UpdateContainerInstancesState', { cluster: CLUSTER, containerInstances: [containerInstance.containerInstanceArn], status: 'DRAINING' });
    assert.equal(drained.containerInstances[0].status, 'DRAINING');
    const out = await r.ecs('DescribeContainerInstances', { cluster: CLUSTER, containerInstances: [containerInstance.containerInstanceArn, 'nope'] });
    assert.equal(out.failures[0].reason, 'MISSING');
    const gone = await r.ecs('DeregisterContainerInstance', { cluster: CLUSTER, containerInstance: containerInstance.containerInstanceArn });
    assert.equal(gone.containerInstance.status, 'INACTIVE');
    assert.deepEqual((await r.ecs('ListContainerInstances', { cluster: CLUSTER })).containerInstanceArns, []);
    // INACTIVE is not a status ListContainerInstances filters by (the model's enum), as in AWS.
    const inactive = await rejection(() => r.ecs('ListContainerInstances', { cluster: CLUSTER, status: 'INACTIVE' }));
    assert.equal(inactive.code, 'InvalidParameterException');
    assert.match(inactive.message, /Value 'INACTIVE' at 'status' failed to satisfy constraint: Member must satisfy enum value set: \[ACTIVE, DRAINING/);
  });
});

describe('ECS tags and account settings', () => {
  it('tags, lists and untags clusters, services, task definitions, tasks and container instances', async () => {
    const r = await labRegion();
    const td = (await r.ecs('RegisterTaskDefinition', invsysTaskDefinition())).taskDefinition.taskDefinitionArn;
    const [ci] = registerVirtualInstances(r.cloud.region(REGION), r.clusterArn, { count: 1, cpu: 1024, memory: 2048 });
    const network = { awsvpcConfiguration: { subnets: r.subnets } };
    const svc = (await r.ecs('CreateService', { cluster: CLUSTER, serviceName: 's', taskDefinition: td, desiredCount: 0, networkConfiguration: network })).service.serviceArn;
    const task = (await r.ecs('RunTask', { cluster: CLUSTER, taskDefinition: td, networkConfiguration: network })).tasks[0].taskArn;
    for (const arn of [r.clusterArn, td, ci!.containerInstanceArn, svc, task]) {
      await r.ecs('TagResource', { resourceArn: arn, tags: [{ key: 'stack', value: 'lab' }, { key: 'tmp', value: 'x' }] });
      await r.ecs('UntagResource', { resourceArn: arn, tagKeys: ['tmp'] });
      assert.deepEqual((await r.ecs('ListTagsForResource', { resourceArn: arn })).tags, [{ key: 'stack', value: 'lab' }], arn);
    }
  });

  it('rejects reserved aws: keys and unknown resources', async () => {
    const r = await labRegion();
    const reserved = await rejection(() => r.ecs('TagResource', { resourceArn: r.clusterArn, tags: [{ key: 'aws:x', value: '1' }] }));
    assert.equal(reserved.code, 'InvalidParameterException');
    const missing = await rejection(() => r.ecs('ListTagsForResource', { resourceArn: r.clusterArn.replace(CLUSTER, 'ghost') }));
    assert.equal(missing.code, 'ClusterNotFoundException');
    const invalid = await rejection(() => r.ecs('ListTagsForResource', { resourceArn: 'not-an-arn' }));
    assert.equal(invalid.message, 'The ARN provided is invalid.');
  });

  it('reads AWS defaults and stores account settings', async () => {
    const r = await labRegion({ cluster: false });
    const all = await r.ecs('ListAccountSettings', { effectiveSettings: true, name: 'containerInsights' });
    assert.deepEqual(all.settings.map((s: any) => [s.name, s.value]), [['containerInsights', 'disabled']]);
    await r.ecs('PutAccountSetting', { name: 'containerInsights', value: 'enabled' });
    const mine = await r.ecs('ListAccountSettings', {});
    assert.deepEqual(mine.settings.map((s: any) => [s.name, s.value]), [['containerInsights', 'enabled']]);
    assert.equal((await rejection(() => r.ecs('PutAccountSetting', { name: 'turbo', value: 'on' }))).code, 'InvalidParameterException');
  });

  it('knows exactly the account settings of the ECS model, so every effective setting it lists is a SettingName the SDKs know', async () => {
    const enumOf = (models['ecs']!.shapes['SettingName'] as { e?: string[] }).e;
    assert.ok(enumOf && enumOf.length > 0, 'the ECS model has a SettingName enum');
    assert.deepEqual(Object.keys(ACCOUNT_SETTING_DEFAULTS).sort(), [...enumOf].sort());
    const r = await labRegion({ cluster: false });
    const settings: any[] = [];
    let nextToken: string | undefined;
    do {
      const page = await r.ecs('ListAccountSettings', { effectiveSettings: true, maxResults: 10, ...(nextToken && { nextToken }) });
      settings.push(...page.settings);
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(settings.map((s) => s.name).sort(), [...enumOf].sort());
    assert.ok(settings.every((s) => s.type === 'aws_managed' && typeof s.value === 'string'));
  });
});
