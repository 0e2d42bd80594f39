/**
 * Virtual EC2 instances through @aws-sdk/client-ec2: RunInstances,
 * DescribeInstances, TerminateInstances, DescribeInstanceStatus and
 * DescribeImages — the lifecycle on the time scale, addresses, groups,
 * tags and network interfaces, pagination and filters, and the errors EC2
 * answers hostile input with.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInstanceStatusCommand,
  DescribeNetworkInterfacesCommand,
  DescribeTagsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type Instance,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient, type InstanceProfile } from '@aws-sdk/client-iam';
import { rejection, startTestCloud, TEST_CREDENTIALS, type TestCloud } from '../../helpers.js';
import { waitFor } from '../../../wait-for.js';

const failure = async (call: Promise<unknown>) => {
  const e = await rejection(call);
  return `${e.name}: ${e.message}`;
};
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('EC2 instances through @aws-sdk/client-ec2', () => {
  let t: TestCloud;
  let ec2: EC2Client;
  let subnets: { id: string; zone: string; cidr: string; free: number }[];
  /** The instance profile `ecsInstanceRole` (with its role), created in IAM before the launches name it. */
  let profile: InstanceProfile;
  // Time scale 0.001: pending 10 ms, shutting-down 10 ms, status checks 120 ms, visible 3.6 s once terminated.
  before(async () => {
    t = await startTestCloud({ timeScale: 0.001 });
    const config = { endpoint: t.cloud.endpoint, region: t.cloud.region, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
    ec2 = new EC2Client(config);
    subnets = ((await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? []).map((s) => ({ id: s.SubnetId!, zone: s.AvailabilityZone!, cidr: s.CidrBlock!, free: s.AvailableIpAddressCount! }));
    const iam = new IAMClient(config);
    try {
      const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
      await iam.send(new CreateRoleCommand({ RoleName: 'ecsInstanceRole', AssumeRolePolicyDocument: trust }));
      profile = (await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ecsInstanceRole' }))).InstanceProfile!;
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ecsInstanceRole', RoleName: 'ecsInstanceRole' }));
    } finally {
      iam.destroy();
    }
  });
  after(async () => {
    ec2?.destroy();
    await t?.stop();
  });

  const run = (input: Partial<RunInstancesCommandInput> = {}) => ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ...input }));
  const describe1 = async (id: string): Promise<Instance> => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;

  test('RunInstances launches pending instances in a default subnet, with addresses from its block, the default group, tags, user data and profile; they run on the time scale', async () => {
    const out = await run({
      MinCount: 2,
      MaxCount: 2,
      InstanceType: 't3.medium',
      UserData: b64('#!/bin/bash\necho hello\n'),
      IamInstanceProfile: { Name: 'ecsInstanceRole' },
      KeyName: 'lab-key',
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }, { Key: 'ecskit:stack', Value: 'lab' }] }],
    });
    assert.match(out.ReservationId ?? '', /^r-[0-9a-f]{17}$/);
    assert.equal(out.OwnerId, '123456789012');
    const [a, b] = out.Instances!;
    assert.equal(out.Instances!.length, 2);
    assert.deepEqual([a!.AmiLaunchIndex, b!.AmiLaunchIndex], [0, 1]);
    assert.equal(a!.State?.Name, 'pending');
    assert.equal(a!.State?.Code, 0);
    assert.match(a!.InstanceId ?? '', /^i-[0-9a-f]{17}$/);
    assert.equal(a!.InstanceType, 't3.medium');
    assert.equal(a!.Placement?.AvailabilityZone, subnets[0]!.zone);
    assert.equal(a!.SubnetId, subnets[0]!.id);
    assert.ok(a!.PrivateIpAddress?.startsWith('172.31.'));
    assert.notEqual(a!.PrivateIpAddress, b!.PrivateIpAddress);
    assert.match(a!.PrivateDnsName ?? '', /^ip-172-31-\d+-\d+\.ec2\.internal$/);
    assert.match(a!.PublicIpAddress ?? '', /^3\.\d+\.\d+\.\d+$/, 'the default subnet maps public addresses');
    assert.equal(a!.SecurityGroups?.[0]?.GroupName, 'default');
    assert.deepEqual(a!.IamInstanceProfile, { Arn: 'arn:aws:iam::123456789012:instance-profile/ecsInstanceRole', Id: profile.InstanceProfileId });
    assert.match(profile.InstanceProfileId ?? '', /^AIPA[A-Z0-9]{17}$/);
    assert.equal(a!.KeyName, 'lab-key');
    assert.equal(a!.Architecture, 'x86_64');
    assert.deepEqual(a!.Tags?.find((x) => x.Key === 'Name'), { Key: 'Name', Value: 'web' });
    assert.equal(a!.NetworkInterfaces?.[0]?.Attachment?.DeviceIndex, 0);
    await waitFor('running', async () => (await describe1(a!.InstanceId!)).State?.Name === 'running' || undefined, { timeoutMs: 5000 });
    assert.equal((await describe1(a!.InstanceId!)).State?.Code, 16);
  });

  test('Placement.AvailabilityZone picks that zone\'s default subnet; SubnetId a given subnet; MaxCount beyond MinCount launches as many as it can', async () => {
    const zoned = await run({ Placement: { AvailabilityZone: subnets[2]!.zone } });
    assert.equal(zoned.Instances![0]!.SubnetId, subnets[2]!.id);
    const inSubnet = await run({ SubnetId: subnets[1]!.id, MaxCount: 3 });
    assert.equal(inSubnet.Instances!.length, 3);
    assert.ok(inSubnet.Instances!.every((i) => i.Placement?.AvailabilityZone === subnets[1]!.zone));
  });

  test('DescribeInstances filters by state, tag, id, VPC and subnet, groups by reservation and pages with MaxResults', async () => {
    const tagged = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:ecskit:stack', Values: ['lab'] }] }));
    assert.equal(tagged.Reservations?.length, 1);
    assert.equal(tagged.Reservations?.[0]?.Instances?.length, 2);
    const vpcId = tagged.Reservations![0]!.Instances![0]!.VpcId!;
    const byVpc = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'instance-type', Values: ['t3.micro'] }] }));
    assert.equal(byVpc.Reservations?.flatMap((r) => r.Instances ?? []).length, 4);
    const bySubnet = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'subnet-id', Values: [subnets[1]!.id] }] }));
    assert.equal(bySubnet.Reservations?.flatMap((r) => r.Instances ?? []).length, 3);
    const id = tagged.Reservations![0]!.Instances![1]!.InstanceId!;
    const byId = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [id] }, { Name: 'instance-state-name', Values: ['pending', 'running'] }] }));
    assert.deepEqual(byId.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId), [id]);
    const none = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['terminated'] }] }));
    assert.deepEqual(none.Reservations, []);

    const seen: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await ec2.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken }));
      seen.push(...(page.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!));
      NextToken = page.NextToken;
      pages++;
    } while (NextToken);
    assert.equal(pages, 2);
    assert.equal(new Set(seen).size, 6);

    assert.equal(await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: [id], MaxResults: 5 }))), 'InvalidParameterCombination: The parameter instancesSet cannot be used with the parameter maxResults');
    assert.match(await failure(ec2.send(new DescribeInstancesCommand({ MaxResults: 3 }))), /^InvalidParameterValue: .*maxResults/);
    assert.equal(await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] }))), "InvalidInstanceID.NotFound: The instance ID 'i-0123456789abcdef0' does not exist");
    assert.equal(await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['nope'] }))), 'InvalidInstanceID.Malformed: Invalid id: "nope" (expecting "i-...")');
    assert.equal(await failure(ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] }))), "InvalidParameterValue: The filter 'colour' is invalid");
    await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'role', Value: 'spare' }] }));
    for (const Name of ['constructor', 'toString', '__proto__']) {
      assert.equal(await failure(ec2.send(new DescribeInstancesCommand({ Filters: [{ Name, Values: ['x'] }] }))), `InvalidParameterValue: The filter '${Name}' is invalid`);
      assert.equal(await failure(ec2.send(new DescribeTagsCommand({ Filters: [{ Name, Values: ['x'] }] }))), `InvalidParameterValue: The filter '${Name}' is invalid`);
    }
    assert.equal((await describe1(id)).Tags?.find((x) => x.Key === 'role')?.Value, 'spare');
  });

  test('each instance has its primary network interface in DescribeNetworkInterfaces and takes an address of its subnet', async () => {
    const { Instances } = await run({ SubnetId: subnets[2]!.id });
    const instance = Instances![0]!;
    const enis = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instance.InstanceId!] }] }));
    const eni = enis.NetworkInterfaces?.[0];
    assert.equal(eni?.NetworkInterfaceId, instance.NetworkInterfaces?.[0]?.NetworkInterfaceId);
    assert.equal(eni?.PrivateIpAddress, instance.PrivateIpAddress);
    assert.equal(eni?.Attachment?.InstanceId, instance.InstanceId);
    assert.equal(eni?.Attachment?.DeviceIndex, 0);
    assert.equal(eni?.Attachment?.DeleteOnTermination, true);
    assert.equal(eni?.Association?.PublicIp, instance.PublicIpAddress);
    const after = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnets[2]!.id] }))).Subnets![0]!.AvailableIpAddressCount!;
    assert.equal(after, subnets[2]!.free - 2, 'two instances use addresses of this subnet');
  });

  test('TerminateInstances: shutting-down, then terminated; the instance stays visible, without its interface, for an hour (scaled), then is gone', async () => {
    const { Instances } = await run();
    const id = Instances![0]!.InstanceId!;
    const eniId = Instances![0]!.NetworkInterfaces![0]!.NetworkInterfaceId!;
    const out = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    assert.equal(out.TerminatingInstances?.[0]?.CurrentState?.Name, 'shutting-down');
    assert.equal(out.TerminatingInstances?.[0]?.CurrentState?.Code, 32);
    await waitFor('terminated', async () => (await describe1(id)).State?.Name === 'terminated' || undefined, { timeoutMs: 5000 });
    const gone = await describe1(id);
    assert.equal(gone.State?.Code, 48);
    assert.equal(gone.StateReason?.Code, 'Client.UserInitiatedShutdown');
    assert.match(gone.StateTransitionReason ?? '', /^User initiated \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} GMT\)$/);
    assert.equal(gone.PrivateIpAddress, undefined);
    const again = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    assert.deepEqual([again.TerminatingInstances?.[0]?.PreviousState?.Name, again.TerminatingInstances?.[0]?.CurrentState?.Name], ['terminated', 'terminated']);
    assert.equal(await failure(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }))), `InvalidNetworkInterfaceID.NotFound: The networkInterface ID '${eniId}' does not exist`);
    const vanished = async () => {
      try {
        await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
        return undefined;
      } catch (error) {
        return (error as Error).name === 'InvalidInstanceID.NotFound' || undefined;
      }
    };
    await waitFor('the terminated instance to vanish', vanished, { timeoutMs: 10_000, everyMs: 200 });
  });

  test('DescribeInstanceStatus: running instances (initializing, then ok); all of them with IncludeAllInstances; tag filters are invalid there', async () => {
    const { Instances } = await run();
    const id = Instances![0]!.InstanceId!;
    const stopping = (await run()).Instances![0]!.InstanceId!;
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [stopping] }));
    const notRunning = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [stopping], IncludeAllInstances: true }));
    assert.ok(['shutting-down', 'terminated'].includes(notRunning.InstanceStatuses?.[0]?.InstanceState?.Name ?? ''));
    assert.equal(notRunning.InstanceStatuses?.[0]?.InstanceStatus?.Status, 'not-applicable');
    assert.deepEqual((await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [stopping] }))).InstanceStatuses, [], 'not running: listed only with IncludeAllInstances');
    await waitFor('running', async () => (await describe1(id)).State?.Name === 'running' || undefined, { timeoutMs: 5000 });
    const ok = await waitFor(
      'status ok',
      async () => {
        const s = (await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [id] }))).InstanceStatuses?.[0];
        return s?.InstanceStatus?.Status === 'ok' ? s : undefined;
      },
      { timeoutMs: 5000 },
    );
    assert.equal(ok.SystemStatus?.Status, 'ok');
    assert.deepEqual(ok.InstanceStatus?.Details, [{ Name: 'reachability', Status: 'passed' }]);
    assert.equal(ok.AvailabilityZone, Instances![0]!.Placement?.AvailabilityZone);
    const running = await ec2.send(new DescribeInstanceStatusCommand({}));
    const all = await ec2.send(new DescribeInstanceStatusCommand({ IncludeAllInstances: true }));
    assert.ok((all.InstanceStatuses?.length ?? 0) > (running.InstanceStatuses?.length ?? 0), 'terminated ones only with IncludeAllInstances');
    assert.ok(running.InstanceStatuses?.every((s) => s.InstanceState?.Name === 'running'));
    const filtered = await ec2.send(new DescribeInstanceStatusCommand({ Filters: [{ Name: 'instance-status.status', Values: ['ok'] }, { Name: 'availability-zone', Values: [Instances![0]!.Placement!.AvailabilityZone!] }] }));
    assert.ok(filtered.InstanceStatuses?.some((s) => s.InstanceId === id));
    assert.equal(await failure(ec2.send(new DescribeInstanceStatusCommand({ Filters: [{ Name: 'tag:Name', Values: ['web'] }] }))), "InvalidParameterValue: The filter 'tag:Name' is invalid");
    assert.equal(await failure(ec2.send(new DescribeInstanceStatusCommand({ IncludeAllInstances: true, Filters: [{ Name: 'constructor', Values: ['x'] }] }))), "InvalidParameterValue: The filter 'constructor' is invalid");
    assert.equal(await failure(ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'toString', Values: ['x'] }] }))), "InvalidParameterValue: The filter 'toString' is invalid");
  });

  test('DescribeImages lists the catalogue: the ECS-optimized AL2023 AMIs by owner amazon and name pattern, newest last by date', async () => {
    const out = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-ecs-hvm-*-x86_64'] }] }));
    const names = (out.Images ?? []).map((i) => i.Name);
    assert.equal(names.length, 2);
    assert.ok(names.every((n) => /^al2023-ami-ecs-hvm-2023\.0\.\d{8}-kernel-6\.1-x86_64$/.test(n ?? '')));
    const newest = [...(out.Images ?? [])].sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0]!;
    assert.equal(newest.ImageOwnerAlias, 'amazon');
    assert.equal(newest.Architecture, 'x86_64');
    assert.equal(newest.State, 'available');
    const byId = await ec2.send(new DescribeImagesCommand({ ImageIds: [newest.ImageId!] }));
    assert.equal(byId.Images?.[0]?.Name, newest.Name);
    assert.deepEqual((await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images, []);
    assert.equal(await failure(ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-0123456789abcdef0'] }))), "InvalidAMIID.NotFound: The image id '[ami-0123456789abcdef0]' does not exist");
    assert.equal(await failure(ec2.send(new DescribeImagesCommand({ ImageIds: ['linux'] }))), 'InvalidAMIID.Malformed: Invalid id: "linux" (expecting "ami-...")');
    // An arm64 instance type cannot boot the x86_64 image.
    assert.match(await failure(run({ ImageId: newest.ImageId!, InstanceType: 't4g.medium' })), /^InvalidParameterValue: The architecture 'arm64' of the specified instance type does not match the architecture 'x86_64' of the specified AMI/);
  });

  test('hostile input gets EC2\'s errors and launches nothing', async () => {
    const before = (await ec2.send(new DescribeInstancesCommand({}))).Reservations?.length;
    assert.equal(await failure(run({ UserData: 'not base64!' })), 'InvalidUserData.Malformed: Invalid BASE64 encoding of user data.');
    assert.equal(await failure(run({ UserData: Buffer.alloc(16385, 'a').toString('base64') })), 'InvalidParameterValue: User data is limited to 16384 bytes');
    // Not an EC2 instance type at all, and one AWS has that the local cloud's table lacks.
    assert.match(await failure(run({ InstanceType: 't9.enormous' as never })), /^InvalidParameterValue: .*t9\.enormous.*InstanceType/);
    assert.match(await failure(run({ InstanceType: 'c5n.large' })), /^InvalidParameterValue: Invalid value 'c5n\.large' for InstanceType\. /);
    assert.equal(await failure(run({ ImageId: 'ubuntu' })), 'InvalidAMIID.Malformed: Invalid id: "ubuntu" (expecting "ami-...")');
    assert.match(await failure(run({ MinCount: 3, MaxCount: 2 })), /^InvalidParameterValue: Value \(3\) for parameter minCount is invalid/);
    assert.match(await failure(run({ MinCount: 0, MaxCount: 1 })), /^InvalidParameterValue: Value \(0\) for parameter minCount is invalid/);
    assert.equal(await failure(run({ SubnetId: 'subnet-0123456789abcdef0' })), "InvalidSubnetID.NotFound: The subnet ID 'subnet-0123456789abcdef0' does not exist");
    assert.match(await failure(run({ SecurityGroupIds: ['sg-0123456789abcdef0'] })), /^InvalidGroup.NotFound: The security group 'sg-0123456789abcdef0' does not exist/);
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
    const otherGroup = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'elsewhere', Description: 'x', VpcId: vpc }))).GroupId!;
    assert.equal(await failure(run({ SecurityGroupIds: [otherGroup], SubnetId: subnets[0]!.id })), `InvalidParameter: Security group ${otherGroup} and subnet ${subnets[0]!.id} belong to different networks.`);
    const own = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.9.1.0/28' }))).Subnet!.SubnetId!;
    assert.equal(await failure(run({ SubnetId: own, PrivateIpAddress: '10.9.2.10' })), "InvalidParameterValue: Address 10.9.2.10 does not fall within the subnet's address range");
    await run({ SubnetId: own, PrivateIpAddress: '10.9.1.10', SecurityGroupIds: [otherGroup] });
    assert.equal(await failure(run({ SubnetId: own, PrivateIpAddress: '10.9.1.10' })), 'InvalidIPAddress.InUse: Address 10.9.1.10 is in use.');
    assert.equal(await failure(ec2.send(new DeleteSecurityGroupCommand({ GroupId: otherGroup }))), `DependencyViolation: resource ${otherGroup} has a dependent object`);
    assert.equal(await failure(run({ TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'a', Value: 'b' }] }] })), "InvalidParameterValue: 'vpc' is not a valid taggable resource type for this operation.");
    assert.equal(await failure(run({ TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'aws:x', Value: 'b' }] }] })), "InvalidParameterValue: Tag keys starting with 'aws:' are reserved for internal use, got: aws:x");
    assert.match(await failure(run({ InstanceType: 'm5.24xlarge', MinCount: 1 })), /^VcpuLimitExceeded: You have requested more vCPU capacity than your current vCPU limit of 64/);
    const locked = (await run({ DisableApiTermination: true })).Instances![0]!.InstanceId!;
    assert.equal(
      await failure(ec2.send(new TerminateInstancesCommand({ InstanceIds: [locked] }))),
      `OperationNotPermitted: The instance '${locked}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
    );
    assert.equal(await failure(ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-0123456789abcdef0', 'i-0123456789abcdef1'] }))), "InvalidInstanceID.NotFound: The instance IDs 'i-0123456789abcdef0, i-0123456789abcdef1' do not exist");
    assert.equal((await ec2.send(new DescribeInstancesCommand({}))).Reservations?.length, (before ?? 0) + 2, 'only the two valid launches happened');
  });

  test('gzip-compressed user data is accepted (cloud-init takes it)', async () => {
    const out = await run({ UserData: gzipSync('#!/bin/bash\necho ECS_CLUSTER=none >> /etc/ecs/ecs.config\n').toString('base64') });
    assert.equal(out.Instances?.length, 1);
  });
});

describe('EC2 RunInstances and IAM instance profiles', () => {
  let t: TestCloud;
  let ec2: EC2Client;
  let profile: InstanceProfile;
  before(async () => {
    t = await startTestCloud({ timeScale: 0.001 });
    const config = { endpoint: t.cloud.endpoint, region: t.cloud.region, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
    ec2 = new EC2Client(config);
    const iam = new IAMClient(config);
    try {
      profile = (await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ecsInstanceRole' }))).InstanceProfile!;
    } finally {
      iam.destroy();
    }
  });
  after(async () => {
    ec2?.destroy();
    await t?.stop();
  });
  const run = (input: Partial<RunInstancesCommandInput> = {}) => ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ...input }));

  test('IamInstanceProfile must name an existing instance profile (by name or ARN): else InvalidParameterValue, as EC2 answers, and nothing is launched', async () => {
    const count = async () => ((await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []).length;
    const before = await count();
    assert.equal(
      await failure(run({ IamInstanceProfile: { Name: 'ghostProfile' } })),
      'InvalidParameterValue: Value (ghostProfile) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name',
    );
    // Names are matched exactly, as the IAM lookup does.
    assert.match(await failure(run({ IamInstanceProfile: { Name: 'ECSINSTANCEROLE' } })), /^InvalidParameterValue: .*Invalid IAM Instance Profile name$/);
    const ghostArn = 'arn:aws:iam::123456789012:instance-profile/ghostProfile';
    assert.equal(
      await failure(run({ IamInstanceProfile: { Arn: ghostArn } })),
      `InvalidParameterValue: Value (${ghostArn}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN`,
    );
    // Another account's profile, or something that is no ARN at all, is not this account's profile.
    for (const Arn of ['arn:aws:iam::210987654321:instance-profile/ecsInstanceRole', 'not-an-arn', `${profile.Arn}/../x`]) {
      assert.match(await failure(run({ IamInstanceProfile: { Arn } })), /^InvalidParameterValue: .*Invalid IAM Instance Profile ARN$/, Arn);
    }
    assert.match(await failure(run({ IamInstanceProfile: { Name: 'ecsInstanceRole', Arn: profile.Arn } })), /^InvalidParameterCombination/);
    assert.equal(await count(), before, 'no instance was launched by a refused call');
    // By ARN: the same profile.
    const byArn = (await run({ IamInstanceProfile: { Arn: profile.Arn } })).Instances![0]!;
    assert.deepEqual(byArn.IamInstanceProfile, { Arn: profile.Arn, Id: profile.InstanceProfileId });
    // Without a profile nothing is checked and the instance has none.
    const plain = (await run()).Instances![0]!;
    assert.equal(plain.IamInstanceProfile, undefined);
    const filtered = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'iam-instance-profile.arn', Values: [profile.Arn!] }] }));
    assert.ok(filtered.Reservations!.flatMap((r) => r.Instances ?? []).some((i) => i.InstanceId === byArn.InstanceId));
    assert.ok(!filtered.Reservations!.flatMap((r) => r.Instances ?? []).some((i) => i.InstanceId === plain.InstanceId));
  });
});
