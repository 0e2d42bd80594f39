/**
 * The ECS agent of an EC2 instance calls ECS with the instance's role
 * credentials, so, as on AWS, it registers the instance only when the
 * instance has an instance profile that (still) holds an existing role with
 * a policy that may allow `ecs:RegisterContainerInstance`; fixed later, the
 * retrying agent registers it then. Why it does not is logged once per
 * instance and reason. Control plane only (no runtime), time scale 0.001:
 * the agent is due 20 ms after RunInstances, and the tests wait 100 times as
 * long (a couple of AWS minutes).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateClusterCommand, DescribeClustersCommand, ListContainerInstancesCommand, DescribeContainerInstancesCommand } from '@aws-sdk/client-ecs';
import { DescribeImagesCommand, EC2Client, RunInstancesCommand, type RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  IAMClient,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { credentialsProblem } from '../../../../src/local/services/ecs/agent.js';
import type { IamState } from '../../../../src/local/services/iam/state.js';
import type { StoredInstance } from '../../../../src/local/services/ec2/state.js';
import { createEcsInstanceProfile, ECS_INSTANCE_ROLE_POLICY, startTestCloud, TEST_CREDENTIALS, type TestCloud } from '../../helpers.js';
import { waitFor } from '../../../wait-for.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const joinScript = (cluster: string) => b64(`#!/bin/bash\necho ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config\n`);
const TRUST_EC2 = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
/** Well past the agent's registration delay (20 ms at this time scale). */
const PAST_DUE_MS = 2000 * 0.001 * 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the ECS agent registers an EC2 instance only with credentials from its instance profile', () => {
  let t: TestCloud;
  let ec2: EC2Client;
  let iam: IAMClient;
  const logs: string[] = [];
  const ecs = () => t.clients.ecs;
  before(async () => {
    t = await startTestCloud({ timeScale: 0.001, log: (line) => logs.push(line) });
    const config = { endpoint: t.cloud.endpoint, region: t.cloud.region, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
    ec2 = new EC2Client(config);
    iam = new IAMClient(config);
  });
  after(async () => {
    ec2?.destroy();
    iam?.destroy();
    await t?.stop();
  });

  const launch = async (input: Partial<RunInstancesCommandInput>) =>
    (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.medium', MinCount: 1, MaxCount: 1, ...input }))).Instances![0]!.InstanceId!;
  const count = async (cluster: string) => (await ecs().send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns?.length ?? 0;
  /** Waits past the registration delay, asking ECS several times (each call is an agent sync), and says how many instances the cluster has. */
  const countAfterDelay = async (cluster: string) => {
    for (let i = 0; i < 4; i++) {
      await sleep(PAST_DUE_MS / 4);
      await count(cluster);
    }
    return count(cluster);
  };
  const linesAbout = (instanceId: string) => logs.filter((l) => l.includes(instanceId));
  const registered = (cluster: string) => waitFor(`an instance in ${cluster}`, async () => ((await count(cluster)) === 1 ? true : undefined), { timeoutMs: 5000 });
  /** A role trusted by EC2 with these managed policies, in a new profile of the same name. */
  const profileWithRole = async (name: string, policies: string[]) => {
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST_EC2 }));
    for (const PolicyArn of policies) await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }));
    return { Name: name };
  };

  test('launched with an instance profile holding the container instance role, it registers, and the agent logs no complaint', async () => {
    await ecs().send(new CreateClusterCommand({ clusterName: 'good' }));
    const id = await launch({ UserData: joinScript('good'), IamInstanceProfile: await createEcsInstanceProfile(t.cloud) });
    await registered('good');
    assert.deepEqual(linesAbout(id), []);
  });

  test('an ECS-optimized AMI launched without an instance profile never registers; the log says why once, naming the instance, the cluster and the fix', async () => {
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-ecs-hvm-*-x86_64'] }] }));
    await ecs().send(new CreateClusterCommand({ clusterName: 'bare' }));
    const id = await launch({ ImageId: images.Images![0]!.ImageId!, UserData: joinScript('bare') });
    assert.equal(await countAfterDelay('bare'), 0);
    assert.equal((await ecs().send(new DescribeClustersCommand({ clusters: ['bare'] }))).clusters?.[0]?.registeredContainerInstancesCount, 0);
    const lines = linesAbout(id);
    assert.equal(lines.length, 1, `one line, not one per sync: ${lines.join('\n')}`);
    assert.match(lines[0]!, new RegExp(`^\\[ecskit local\\] ecs agent on ${id}: cannot register with cluster bare: no instance profile: .*IamInstanceProfile.*AmazonEC2ContainerServiceforEC2Role`));
  });

  test('with no ECS_CLUSTER and no profile the agent cannot even create the default cluster', async () => {
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-ecs-hvm-*-x86_64'] }] }));
    const id = await launch({ ImageId: images.Images![0]!.ImageId! });
    await sleep(PAST_DUE_MS);
    await ecs().send(new ListContainerInstancesCommand({ cluster: 'bare' }));
    assert.deepEqual((await ecs().send(new DescribeClustersCommand({ clusters: ['default'] }))).failures?.map((f) => f.reason), ['MISSING']);
    assert.match(linesAbout(id)[0] ?? '', /cannot register with cluster default: no instance profile/);
  });

  test('a profile holding no role: never registers until a role is added, then the retrying agent registers it and says so', async () => {
    await ecs().send(new CreateClusterCommand({ clusterName: 'empty-profile' }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'noRole' }));
    const id = await launch({ UserData: joinScript('empty-profile'), IamInstanceProfile: { Name: 'noRole' } });
    assert.equal(await countAfterDelay('empty-profile'), 0);
    assert.equal(linesAbout(id).length, 1);
    assert.match(linesAbout(id)[0]!, /cannot register with cluster empty-profile: instance profile noRole holds no role.*add-role-to-instance-profile/);

    await iam.send(new CreateRoleCommand({ RoleName: 'lateRole', AssumeRolePolicyDocument: TRUST_EC2 }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'lateRole', PolicyArn: ECS_INSTANCE_ROLE_POLICY }));
    const fixedAt = Date.now();
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'noRole', RoleName: 'lateRole' }));
    await registered('empty-profile');
    const arns = (await ecs().send(new ListContainerInstancesCommand({ cluster: 'empty-profile' }))).containerInstanceArns!;
    const [ci] = (await ecs().send(new DescribeContainerInstancesCommand({ cluster: 'empty-profile', containerInstances: arns }))).containerInstances!;
    assert.equal(ci!.ec2InstanceId, id);
    assert.ok(ci!.registeredAt!.getTime() >= fixedAt - 5, 'registered when the agent got credentials, not when the instance came up');
    assert.equal(linesAbout(id).length, 2);
    assert.match(linesAbout(id)[1]!, /credentials work now; registered with cluster empty-profile/);
  });

  test('a role with no permissions policy, or only policies that do not allow ecs:RegisterContainerInstance, does not register; a customer-managed policy is trusted', async () => {
    await ecs().send(new CreateClusterCommand({ clusterName: 'perms' }));
    const bare = await launch({ UserData: joinScript('perms'), IamInstanceProfile: await profileWithRole('noPolicies', []) });
    const execution = await launch({
      UserData: joinScript('perms'),
      IamInstanceProfile: await profileWithRole('taskExecutionOnly', [
        'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
        'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole',
      ]),
    });
    assert.equal(await countAfterDelay('perms'), 0);
    assert.match(linesAbout(bare)[0] ?? '', /role noPolicies \(instance profile noPolicies\) has no permissions policy.*attach-role-policy --role-name noPolicies --policy-arn arn:aws:iam::aws:policy\/service-role\/AmazonEC2ContainerServiceforEC2Role/);
    assert.match(linesAbout(execution)[0] ?? '', /has only AmazonECSTaskExecutionRolePolicy, AmazonEC2ContainerServiceRole, which do not allow ecs:RegisterContainerInstance/);

    // A policy whose document the local cloud cannot read is not held against the user.
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'taskExecutionOnly', PolicyArn: 'arn:aws:iam::123456789012:policy/MyEcsAgentPolicy' }));
    await registered('perms');
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'noPolicies', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    await waitFor('both instances in perms', async () => ((await count('perms')) === 2 ? true : undefined), { timeoutMs: 5000 });
    assert.equal(linesAbout(bare).length, 2);
    assert.equal(linesAbout(execution).length, 2);
  });

  test('hostile: the profile deleted after launch (its role removed first, as IAM requires) — the instance never registers, and the log names the missing profile', async () => {
    await ecs().send(new CreateClusterCommand({ clusterName: 'gone-profile' }));
    const profile = await profileWithRole('shortLived', [ECS_INSTANCE_ROLE_POLICY]);
    const id = await launch({ UserData: joinScript('gone-profile'), IamInstanceProfile: profile });
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'shortLived', RoleName: 'shortLived' }));
    await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'shortLived' }));
    assert.equal(await countAfterDelay('gone-profile'), 0);
    assert.equal(linesAbout(id).length, 1);
    assert.match(linesAbout(id)[0]!, /instance profile arn:aws:iam::123456789012:instance-profile\/shortLived no longer exists/);
  });

  test('hostile: the role removed from the profile and deleted after launch — the instance never registers', async () => {
    await ecs().send(new CreateClusterCommand({ clusterName: 'gone-role' }));
    const profile = await profileWithRole('doomedRole', [ECS_INSTANCE_ROLE_POLICY]);
    const id = await launch({ UserData: joinScript('gone-role'), IamInstanceProfile: profile });
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'doomedRole', RoleName: 'doomedRole' }));
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'doomedRole', PolicyArn: ECS_INSTANCE_ROLE_POLICY }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'doomedRole' }));
    assert.equal(await countAfterDelay('gone-role'), 0);
    assert.deepEqual(linesAbout(id).length, 1);
    assert.match(linesAbout(id)[0]!, /instance profile doomedRole holds no role/);
  });

  test('a profile naming a role that is not there (state IAM cannot reach through its API, e.g. a hand-edited state file) is a problem too, named as such', () => {
    const instance = { instanceId: 'i-0123456789abcdef0', iamInstanceProfile: { arn: 'arn:aws:iam::123456789012:instance-profile/p', id: 'AIPAAAAAAAAAAAAAAAAAA' } } as StoredInstance;
    const iamState: IamState = {
      roles: {},
      instanceProfiles: { p: { InstanceProfileName: 'p', InstanceProfileId: 'AIPAAAAAAAAAAAAAAAAAA', Arn: instance.iamInstanceProfile!.arn, Path: '/', CreateDate: 0, Roles: ['ghost'], Tags: [] } },
    };
    assert.match(credentialsProblem(iamState, instance) ?? '', /^role ghost of instance profile p does not exist/);
    assert.match(credentialsProblem(undefined, instance) ?? '', /no longer exists/);
  });
});
