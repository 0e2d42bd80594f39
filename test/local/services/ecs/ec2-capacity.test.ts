/**
 * EC2 instances as ECS capacity on the control plane (no runtime): the
 * ECS agent of an instance (launched with the container instance profile,
 * as on AWS) registers it once it runs and deregisters it
 * once it is terminated (its tasks stop); attributes; StartTask;
 * DiscoverPollEndpoint; placement constraints (memberOf in the cluster
 * query language, distinctInstance), strategies and the ENI limit; and
 * what AWS answers hostile input with.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteAttributesCommand,
  DeleteClusterCommand,
  DeregisterContainerInstanceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  DiscoverPollEndpointCommand,
  ListAttributesCommand,
  ListContainerInstancesCommand,
  PutAttributesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StartTaskCommand,
  UpdateServiceCommand,
  type ContainerInstance,
} from '@aws-sdk/client-ecs';
import { DescribeImagesCommand, DescribeSubnetsCommand, EC2Client, RunInstancesCommand, TerminateInstancesCommand, type RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { createEcsInstanceProfile, rejection, startTestCloud, TEST_CREDENTIALS, type TestCloud } from '../../helpers.js';
import { waitFor } from '../../../wait-for.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const joinScript = (cluster: string, extra = '') => b64(`#!/bin/bash\necho ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config\n${extra}`);
const failure = async (call: Promise<unknown>) => {
  const e = await rejection(call);
  return `${e.name}: ${e.message}`;
};

describe('EC2 instances as ECS capacity (control plane)', () => {
  let t: TestCloud;
  let ec2: EC2Client;
  let subnets: { id: string; zone: string }[];
  // The container instance profile every launch uses, as on AWS (the agent registers with its role's credentials).
  let profile: { Name: string };
  const ecs = () => t.clients.ecs;
  // Time scale 0.001: an instance runs 10 ms after RunInstances and its agent registers it 10 ms later.
  before(async () => {
    t = await startTestCloud({ timeScale: 0.001 });
    ec2 = new EC2Client({ endpoint: t.cloud.endpoint, region: t.cloud.region, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    subnets = ((await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? []).map((s) => ({ id: s.SubnetId!, zone: s.AvailabilityZone! }));
    profile = await createEcsInstanceProfile(t.cloud);
  });
  after(async () => {
    ec2?.destroy();
    await t?.stop();
  });

  const launch = async (input: Partial<RunInstancesCommandInput>) =>
    (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.medium', MinCount: 1, MaxCount: 1, IamInstanceProfile: profile, ...input }))).Instances!.map((i) => i.InstanceId!);
  const instancesOf = async (cluster: string): Promise<ContainerInstance[]> => {
    const arns = (await ecs().send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns ?? [];
    if (arns.length === 0) return [];
    return (await ecs().send(new DescribeContainerInstancesCommand({ cluster, containerInstances: arns }))).containerInstances ?? [];
  };
  const registered = (cluster: string, count: number) => waitFor(`${count} container instance(s) in ${cluster}`, async () => {
    const found = await instancesOf(cluster);
    return found.length === count ? found : undefined;
  }, { timeoutMs: 5000 });
  const attr = (ci: ContainerInstance, name: string) => ci.attributes?.find((a) => a.name === name)?.value;
  const resource = (ci: ContainerInstance, name: string) => ci.registeredResources?.find((r) => r.name === name)?.integerValue;

  test('a new cluster has no container instances, in CreateCluster\'s answer and in DescribeClusters right after', async () => {
    const created = await ecs().send(new CreateClusterCommand({ clusterName: 'empty' }));
    assert.equal(created.cluster?.registeredContainerInstancesCount, 0);
    const described = await ecs().send(new DescribeClustersCommand({ clusters: ['empty'] }));
    assert.equal(described.clusters?.[0]?.registeredContainerInstancesCount, 0);
  });

  test('an instance whose user data sets ECS_CLUSTER joins that cluster once it runs, with its type\'s CPU and memory and its EC2 attributes', async () => {
    await ecs().send(new CreateClusterCommand({ clusterName: 'lab' }));
    const [id] = await launch({ SubnetId: subnets[1]!.id, UserData: joinScript('lab') });
    const [ci] = await registered('lab', 1);
    assert.equal(ci!.ec2InstanceId, id);
    assert.equal(ci!.status, 'ACTIVE');
    assert.equal(ci!.agentConnected, true);
    assert.equal(resource(ci!, 'CPU'), 2048);
    assert.equal(resource(ci!, 'MEMORY'), 3943);
    assert.deepEqual(ci!.registeredResources?.find((r) => r.name === 'PORTS')?.stringSetValue, ['22', '2375', '2376', '51678', '51679']);
    assert.equal(attr(ci!, 'ecs.instance-type'), 't3.medium');
    assert.equal(attr(ci!, 'ecs.availability-zone'), subnets[1]!.zone);
    assert.equal(attr(ci!, 'ecs.ami-id'), 'ami-0123456789abcdef0');
    assert.equal(attr(ci!, 'ecs.subnet-id'), subnets[1]!.id);
    assert.match(attr(ci!, 'ecs.vpc-id') ?? '', /^vpc-/);
    assert.equal(attr(ci!, 'ecs.os-type'), 'linux');
    const cluster = (await ecs().send(new DescribeClustersCommand({ clusters: ['lab'] }))).clusters![0]!;
    assert.equal(cluster.registeredContainerInstancesCount, 1);
  });

  test('ECS_RESERVED_MEMORY and ECS_INSTANCE_ATTRIBUTES are honoured; gzip user data too; an m5.large registers 2 vCPUs and 8 GiB less the kernel\'s share', async () => {
    await ecs().send(new CreateClusterCommand({ clusterName: 'tuned' }));
    await launch({ InstanceType: 'm5.large', UserData: gzipSync(`#!/bin/bash\ncat <<'EOF' >> /etc/ecs/ecs.config\nECS_CLUSTER=tuned\nECS_RESERVED_MEMORY=256\nECS_INSTANCE_ATTRIBUTES={"stack":"prod"}\nEOF\n`).toString('base64') });
    const [ci] = await registered('tuned', 1);
    assert.equal(resource(ci!, 'CPU'), 2048);
    assert.equal(resource(ci!, 'MEMORY'), 8192 - 99 - 108 - 256);
    assert.equal(attr(ci!, 'stack'), 'prod');
  });

  test('a named cluster that does not exist: the agent keeps trying and registers once it is created', async () => {
    await launch({ UserData: joinScript('later') });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await rejection(ecs().send(new ListContainerInstancesCommand({ cluster: 'later' })))).name, 'ClusterNotFoundException');
    await ecs().send(new CreateClusterCommand({ clusterName: 'later' }));
    await registered('later', 1);
  });

  test('an ECS-optimized AMI with no ECS_CLUSTER joins the default cluster, creating it as the agent does; another AMI without ECS configuration runs no agent', async () => {
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-ecs-hvm-*-x86_64'] }] }));
    await launch({ ImageId: images.Images![0]!.ImageId! });
    await launch({ UserData: b64('#!/bin/bash\necho hello\n') });
    const [ci] = await registered('default', 1);
    assert.equal(attr(ci!, 'ecs.ami-id'), images.Images![0]!.ImageId);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await instancesOf('default')).length, 1, 'the plain instance did not join');
  });

  test('terminating an instance with running tasks stops them ("Host EC2 … terminated.") and deregisters it; DeleteCluster is refused until then', async () => {
    await ecs().send(new CreateClusterCommand({ clusterName: 'doomed' }));
    const [id] = await launch({ UserData: joinScript('doomed') });
    await registered('doomed', 1);
    await ecs().send(new RegisterTaskDefinitionCommand({ family: 'doomed-app', containerDefinitions: [{ name: 'app', image: 'ecskit/unhealthy', memory: 128, essential: true }] }));
    const run = await ecs().send(new RunTaskCommand({ cluster: 'doomed', taskDefinition: 'doomed-app', count: 2 }));
    assert.equal(run.tasks?.length, 2);
    assert.equal(await failure(ecs().send(new DeleteClusterCommand({ cluster: 'doomed' }))), 'ClusterContainsTasksException: The Cluster cannot be deleted while Tasks are active.');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
    await waitFor('the container instance to deregister', async () => ((await instancesOf('doomed')).length === 0 ? true : undefined), { timeoutMs: 5000 });
    const tasks = (await ecs().send(new DescribeTasksCommand({ cluster: 'doomed', tasks: run.tasks!.map((x) => x.taskArn!) }))).tasks!;
    for (const task of tasks) {
      assert.equal(task.lastStatus, 'STOPPED');
      assert.equal(task.stoppedReason, `Host EC2 (instance ${id}) terminated.`);
    }
    const inactive = await ecs().send(new ListContainerInstancesCommand({ cluster: 'doomed', status: 'ACTIVE' }));
    assert.deepEqual(inactive.containerInstanceArns, []);
    assert.equal((await ecs().send(new DeleteClusterCommand({ cluster: 'doomed' }))).cluster?.status, 'INACTIVE');
  });

  test('DeleteCluster is refused while container instances are registered, with AWS\'s error', async () => {
    await ecs().send(new CreateClusterCommand({ clusterName: 'busy' }));
    await launch({ UserData: joinScript('busy') });
    const [ci] = await registered('busy', 1);
    assert.equal(
      await failure(ecs().send(new DeleteClusterCommand({ cluster: 'busy' }))),
      'ClusterContainsContainerInstancesException: The Cluster cannot be deleted while Container Instances are active or draining.',
    );
    // Deregistered by hand, the instance's agent does not register it again.
    await ecs().send(new DeregisterContainerInstanceCommand({ cluster: 'busy', containerInstance: ci!.containerInstanceArn! }));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual((await instancesOf('busy')), []);
    assert.equal((await ecs().send(new DeleteClusterCommand({ cluster: 'busy' }))).cluster?.status, 'INACTIVE');
  });

  test('DiscoverPollEndpoint answers the local cloud\'s own endpoint for the agent\'s poll, telemetry and Service Connect connections', async () => {
    const out = await ecs().send(new DiscoverPollEndpointCommand({ cluster: 'lab' }));
    assert.equal(out.endpoint, `${t.cloud.endpoint}/`);
    assert.equal(out.telemetryEndpoint, `${t.cloud.endpoint}/`);
    assert.equal(out.serviceConnectEndpoint, `${t.cloud.endpoint}/`);
  });

  describe('attributes, placement constraints and strategies on a cluster of three instances in three zones', () => {
    let arns: string[];
    let byZone: Record<string, string>;
    const network = () => ({ awsvpcConfiguration: { subnets: [subnets[0]!.id] } });
    before(async () => {
      await ecs().send(new CreateClusterCommand({ clusterName: 'place' }));
      for (const s of subnets) await launch({ SubnetId: s.id, UserData: joinScript('place'), InstanceType: s === subnets[2] ? 't3.large' : 't3.medium' });
      const cis = await registered('place', 3);
      arns = cis.map((c) => c.containerInstanceArn!);
      byZone = Object.fromEntries(cis.map((c) => [attr(c, 'ecs.availability-zone')!, c.containerInstanceArn!]));
      await ecs().send(
        new RegisterTaskDefinitionCommand({
          family: 'web',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['EC2'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'web', image: 'ecskit/unhealthy', essential: true }],
        }),
      );
      await ecs().send(new RegisterTaskDefinitionCommand({ family: 'small', containerDefinitions: [{ name: 'app', image: 'ecskit/unhealthy', memory: 64, essential: true }] }));
    });

    test('PutAttributes / ListAttributes / DeleteAttributes: custom attributes by ARN or by ID with targetType; built-in ones are listed too', async () => {
      const put = await ecs().send(
        new PutAttributesCommand({
          cluster: 'place',
          attributes: [
            { name: 'stack', value: 'prod', targetId: arns[0] },
            { name: 'stack', value: 'test', targetType: 'container-instance', targetId: arns[1]!.split('/').at(-1) },
            { name: 'gpu', targetId: arns[0] },
          ],
        }),
      );
      assert.equal(put.attributes?.length, 3);
      const stacks = await ecs().send(new ListAttributesCommand({ cluster: 'place', targetType: 'container-instance', attributeName: 'stack' }));
      assert.deepEqual(stacks.attributes?.map((a) => [a.targetId, a.value]).sort(), [[arns[0], 'prod'], [arns[1], 'test']].sort());
      const prod = await ecs().send(new ListAttributesCommand({ cluster: 'place', targetType: 'container-instance', attributeName: 'stack', attributeValue: 'prod' }));
      assert.deepEqual(prod.attributes?.map((a) => a.targetId), [arns[0]]);
      const types = await ecs().send(new ListAttributesCommand({ cluster: 'place', targetType: 'container-instance', attributeName: 'ecs.instance-type' }));
      assert.equal(types.attributes?.length, 3);
      const page = await ecs().send(new ListAttributesCommand({ cluster: 'place', targetType: 'container-instance', maxResults: 5 }));
      assert.equal(page.attributes?.length, 5);
      assert.ok(page.nextToken);
      await ecs().send(new DeleteAttributesCommand({ cluster: 'place', attributes: [{ name: 'gpu', targetId: arns[0] }] }));
      const ci = (await ecs().send(new DescribeContainerInstancesCommand({ cluster: 'place', containerInstances: [arns[0]!] }))).containerInstances![0]!;
      assert.equal(attr(ci, 'stack'), 'prod');
      assert.ok(!ci.attributes?.some((a) => a.name === 'gpu'));
    });

    test('attribute limits and errors: 10 custom attributes per instance, names and values checked, reserved ecs. names, unknown targets', async () => {
      const ten = Array.from({ length: 9 }, (_, i) => ({ name: `tag${i}`, value: 'x', targetId: arns[2] }));
      await ecs().send(new PutAttributesCommand({ cluster: 'place', attributes: [...ten, { name: 'stack', value: 'dev', targetId: arns[2] }] }));
      const eleventh = await rejection(ecs().send(new PutAttributesCommand({ cluster: 'place', attributes: [{ name: 'one-too-many', value: 'x', targetId: arns[2] }] })));
      assert.equal(eleventh.name, 'AttributeLimitExceededException');
      assert.match(eleventh.message, /^You can apply up to 10 custom attributes for each resource\./);
      // Overwriting an existing one is fine at the limit.
      await ecs().send(new PutAttributesCommand({ cluster: 'place', attributes: [{ name: 'tag0', value: 'y', targetId: arns[2] }] }));
      const many = Array.from({ length: 11 }, (_, i) => ({ name: `a${i}`, targetId: arns[1] }));
      assert.equal((await rejection(ecs().send(new PutAttributesCommand({ cluster: 'place', attributes: many })))).name, 'AttributeLimitExceededException');
      const bad = (attributes: object[]) => failure(ecs().send(new PutAttributesCommand({ cluster: 'place', attributes: attributes as never })));
      assert.match(await bad([{ name: 'bad name!', targetId: arns[0] }]), /^InvalidParameterException: Attribute name 'bad name!' is not valid/);
      assert.match(await bad([{ name: 'x'.repeat(129), targetId: arns[0] }]), /^InvalidParameterException: Attribute name/);
      assert.match(await bad([{ name: 'ok', value: ' padded', targetId: arns[0] }]), /^InvalidParameterException: Attribute 'ok' value ' padded' is not valid/);
      assert.match(await bad([{ name: 'ecs.instance-type', value: 'x1.huge', targetId: arns[0] }]), /^InvalidParameterException: Attribute name 'ecs.instance-type' is reserved/);
      assert.match(await bad([{ name: 'ok', value: 'v' }]), /^InvalidParameterException: Attribute 'ok' needs a targetId/);
      assert.match(await bad([{ name: 'ok', value: 'v', targetId: 'deadbeef' }]), /^InvalidParameterException: Attribute 'ok': targetType is required/);
      assert.match(await bad([{ name: 'ok', value: 'v', targetId: arns[0]!.replace(/[0-9a-f]{32}$/, '0'.repeat(32)) }]), /^TargetNotFoundException: Could not find/);
      assert.match(await failure(ecs().send(new PutAttributesCommand({ cluster: 'place', attributes: [] }))), /^InvalidParameterException: attributes must not be null or empty/);
      assert.equal((await rejection(ecs().send(new PutAttributesCommand({ cluster: 'nowhere', attributes: [{ name: 'a', targetId: arns[0] }] })))).name, 'ClusterNotFoundException');
      assert.match(await failure(ecs().send(new ListAttributesCommand({ cluster: 'place', targetType: 'container-instance', attributeValue: 'prod' }))), /attributeValue can only be specified together with attributeName/);
      await ecs().send(new DeleteAttributesCommand({ cluster: 'place', attributes: Array.from({ length: 10 }, (_, i) => ({ name: i < 9 ? `tag${i}` : 'stack', targetId: arns[2] })) }));
    });

    test('memberOf constraints in the cluster query language: ==, !=, in, =~, custom attributes, ec2InstanceId, and/or/not with parentheses', async () => {
      const placed = async (expression: string, count = 1) => {
        const out = await ecs().send(new RunTaskCommand({ cluster: 'place', taskDefinition: 'small', count, placementConstraints: [{ type: 'memberOf', expression }] }));
        return { on: (out.tasks ?? []).map((x) => x.containerInstanceArn), failures: (out.failures ?? []).map((f) => f.reason) };
      };
      const zones = subnets.map((s) => s.zone);
      assert.deepEqual((await placed(`attribute:ecs.availability-zone == ${zones[1]}`)).on, [byZone[zones[1]!]]);
      assert.deepEqual((await placed('attribute:ecs.instance-type == t3.large')).on, [byZone[zones[2]!]]);
      assert.ok(!(await placed('attribute:ecs.instance-type != t3.large', 4)).on.includes(byZone[zones[2]!]));
      assert.deepEqual(new Set((await placed(`attribute:ecs.availability-zone in [${zones[0]}, ${zones[2]}]`, 4)).on), new Set([byZone[zones[0]!], byZone[zones[2]!]]));
      assert.deepEqual((await placed('attribute:ecs.instance-type =~ t3\\.l.*')).on, [byZone[zones[2]!]]);
      assert.deepEqual((await placed('attribute:stack == prod')).on, [arns[0]]);
      assert.deepEqual((await placed(`(attribute:stack == test or attribute:stack == prod) and not(attribute:ecs.availability-zone == ${zones[0]})`)).on, [arns[1]]);
      const ec2Id = (await ecs().send(new DescribeContainerInstancesCommand({ cluster: 'place', containerInstances: [arns[2]!] }))).containerInstances![0]!.ec2InstanceId!;
      assert.deepEqual((await placed(`ec2InstanceId == ${ec2Id}`)).on, [arns[2]]);
      const none = await placed('attribute:stack == staging', 2);
      assert.deepEqual(none.on, []);
      assert.deepEqual(none.failures, Array(3).fill('MemberOf placement constraint unsatisfied.'));
      // ListContainerInstances takes the same language.
      const listed = await ecs().send(new ListContainerInstancesCommand({ cluster: 'place', filter: `attribute:ecs.instance-type =~ t3.* and attribute:ecs.availability-zone != ${zones[0]}` }));
      assert.equal(listed.containerInstanceArns?.length, 2);
    });

    test('invalid memberOf expressions and constraint shapes are InvalidParameterException, in RunTask, CreateService, UpdateService and ListContainerInstances; in a task definition ClientException', async () => {
      const run = (placementConstraints: object[]) => failure(ecs().send(new RunTaskCommand({ cluster: 'place', taskDefinition: 'small', placementConstraints: placementConstraints as never })));
      for (const expression of ['attribute:ecs.instance-type ==', 'attribute:ecs.instance-type', 'colour == red', '(attribute:a == b', 'attribute:a == b and', 'attribute:a in b', 'attribute:a =~ [', 'agentVersion =~ 1', 'runningTasksCount > many', 'x'.repeat(2001)]) {
        assert.match(await run([{ type: 'memberOf', expression }]), /^InvalidParameterException: Invalid constraint expression/, expression.slice(0, 40));
      }
      assert.equal(await run([{ type: 'distinctInstance', expression: 'attribute:a == b' }]), 'InvalidParameterException: distinctInstance expression should not be specified.');
      assert.match(await run([{ type: 'memberOf' }]), /^InvalidParameterException: memberOf expression must be specified/);
      assert.match(await run(Array.from({ length: 11 }, () => ({ type: 'distinctInstance' }))), /^InvalidParameterException: You can specify a maximum of 10 placement constraints/);
      assert.match(await failure(ecs().send(new RunTaskCommand({ cluster: 'place', taskDefinition: 'small', placementStrategy: [{ type: 'spread' }] }))), /^InvalidParameterException: spread strategy field must be specified/);
      assert.match(await failure(ecs().send(new RunTaskCommand({ cluster: 'place', taskDefinition: 'small', placementStrategy: [{ type: 'binpack', field: 'disk' }] }))), /^InvalidParameterException: binpack strategy field must be cpu or memory/);
      assert.match(
        await failure(ecs().send(new CreateServiceCommand({ cluster: 'place', serviceName: 'bad', taskDefinition: 'small', desiredCount: 1, placementConstraints: [{ type: 'memberOf', expression: 'nonsense' }] }))),
        /^InvalidParameterException: Invalid constraint expression 'nonsense'/,
      );
      assert.match(await failure(ecs().send(new ListContainerInstancesCommand({ cluster: 'place', filter: 'attribute:x ~~ y' }))), /^InvalidParameterException: Invalid filter expression/);
      assert.match(
        await failure(ecs().send(new RegisterTaskDefinitionCommand({ family: 'bad', containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }], placementConstraints: [{ type: 'memberOf', expression: 'attribute:x ==' }] }))),
        /^ClientException: Invalid constraint expression/,
      );
      assert.match(
        await failure(ecs().send(new RegisterTaskDefinitionCommand({ family: 'bad', containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }], placementConstraints: [{ type: 'distinctInstance' as never }] }))),
        // The model's enum (memberOf only) refuses it before the handler would (ClientException: constraint.type 'distinctInstance' is not supported.).
        /^(InvalidParameterException|ClientException): .*distinctInstance/,
      );
    });

    test('a task definition\'s memberOf constraint applies to RunTask and StartTask; distinctInstance keeps a group\'s tasks apart', async () => {
      await ecs().send(
        new RegisterTaskDefinitionCommand({ family: 'large-only', containerDefinitions: [{ name: 'app', image: 'ecskit/unhealthy', memory: 64 }], placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type == t3.large' }] }),
      );
      const run = await ecs().send(new RunTaskCommand({ cluster: 'place', taskDefinition: 'large-only', count: 2 }));
      assert.ok(run.tasks?.every((x) => x.containerInstanceArn === byZone[subnets[2]!.zone]));
      const start = await ecs().send(new StartTaskCommand({ cluster: 'place', taskDefinition: 'large-only', containerInstances: [arns[0]!, byZone[subnets[2]!.zone]!] }));
      assert.equal(start.tasks?.length, 1);
      assert.deepEqual(start.failures?.map((f) => f.reason), ['MemberOf placement constraint unsatisfied.']);

      const distinct = await ecs().send(new RunTaskCommand({ cluster: 'place', taskDefinition: 'small', count: 4, group: 'apart', placementConstraints: [{ type: 'distinctInstance' }] }));
      assert.equal(distinct.tasks?.length, 3);
      assert.equal(new Set(distinct.tasks?.map((x) => x.containerInstanceArn)).size, 3);
      assert.deepEqual(distinct.failures?.map((f) => f.reason), Array(3).fill('DistinctInstance placement constraint unsatisfied.'));
      const again = await ecs().send(new RunTaskCommand({ cluster: 'place', taskDefinition: 'small', group: 'apart', placementConstraints: [{ type: 'distinctInstance' }] }));
      assert.deepEqual(again.tasks, [], 'every instance already runs a task of the group');
    });

    test('StartTask places on the named instances: MISSING, INACTIVE-free, RESOURCE:* and the ENI limit as ECS names them', async () => {
      const out = await ecs().send(new StartTaskCommand({ cluster: 'place', taskDefinition: 'web', containerInstances: [arns[0]!, arns[0]!, arns[0]!, 'ffffffffffffffffffffffffffffffff'], networkConfiguration: network(), startedBy: 'test' }));
      // A t3.medium has 3 network interfaces: the primary one and 2 for awsvpc tasks.
      assert.equal(out.tasks?.length, 2);
      assert.ok(out.tasks?.every((x) => x.containerInstanceArn === arns[0] && x.startedBy === 'test' && x.lastStatus === 'PROVISIONING'));
      assert.deepEqual(out.failures?.map((f) => f.reason), ['RESOURCE:ENI', 'MISSING']);
      assert.match(out.failures?.[1]?.arn ?? '', /:container-instance\/place\/f{32}$/);
      const run = await ecs().send(new RunTaskCommand({ cluster: 'place', taskDefinition: 'web', count: 10, networkConfiguration: network() }));
      // t3.medium (b): 2, t3.large (c): 2 — (a) is full.
      assert.equal(run.tasks?.length, 4);
      assert.ok(run.failures?.every((f) => f.reason === 'RESOURCE:ENI'));
      assert.equal(await failure(ecs().send(new StartTaskCommand({ cluster: 'place', taskDefinition: 'web', containerInstances: [], networkConfiguration: network() }))), 'ClientException: Container Instances cannot be empty.');
      assert.match(await failure(ecs().send(new StartTaskCommand({ cluster: 'place', taskDefinition: 'web', containerInstances: Array(11).fill(arns[0]), networkConfiguration: network() }))), /containerInstances can have at most 10 items/);
      assert.equal(await failure(ecs().send(new StartTaskCommand({ cluster: 'place', taskDefinition: 'web', containerInstances: [arns[1]!] }))), "InvalidParameterException: Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    });
  });

  test('spread(attribute:ecs.availability-zone) spreads a service\'s tasks over the zones, then UpdateService keeps the rules it was given', async () => {
    await ecs().send(new CreateClusterCommand({ clusterName: 'spread' }));
    for (const s of subnets) await launch({ SubnetId: s.id, UserData: joinScript('spread'), InstanceType: 'm5.xlarge' });
    await registered('spread', 3);
    await ecs().send(new RegisterTaskDefinitionCommand({ family: 'tiny', containerDefinitions: [{ name: 'app', image: 'ecskit/unhealthy', memory: 32 }] }));
    const out = await ecs().send(new RunTaskCommand({ cluster: 'spread', taskDefinition: 'tiny', count: 6, placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'binpack', field: 'memory' }] }));
    const zoneOf = new Map((await instancesOf('spread')).map((c) => [c.containerInstanceArn, attr(c, 'ecs.availability-zone')]));
    const perZone: Record<string, number> = {};
    for (const task of out.tasks ?? []) perZone[zoneOf.get(task.containerInstanceArn)!] = (perZone[zoneOf.get(task.containerInstanceArn)!] ?? 0) + 1;
    assert.deepEqual(Object.values(perZone), [2, 2, 2]);
    const svc = await ecs().send(
      new CreateServiceCommand({
        cluster: 'spread',
        serviceName: 'svc',
        taskDefinition: 'tiny',
        desiredCount: 0,
        placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
        placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type == m5.xlarge' }],
      }),
    );
    assert.deepEqual(svc.service?.placementStrategy, [{ type: 'spread', field: 'attribute:ecs.availability-zone' }]);
    await ecs().send(new UpdateServiceCommand({ cluster: 'spread', service: 'svc', placementStrategy: [{ type: 'binpack', field: 'cpu' }] }));
    const described = (await ecs().send(new DescribeServicesCommand({ cluster: 'spread', services: ['svc'] }))).services![0]!;
    assert.deepEqual(described.placementStrategy, [{ type: 'binpack', field: 'cpu' }]);
    assert.deepEqual(described.placementConstraints, [{ type: 'memberOf', expression: 'attribute:ecs.instance-type == m5.xlarge' }]);
  });
});
