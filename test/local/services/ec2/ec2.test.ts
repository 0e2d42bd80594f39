import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { AwsError } from '../../../../src/local/core/types.js';
import { awsCli, awsCliSkip } from '../../aws-cli.js';
import { startTestCloud, type TestCloud } from '../../helpers.js';

describe('EC2 set-up lookups', () => {
  const ec2 = (state: CloudState, op: string, input: unknown = {}, region = 'us-east-1') => state.invoke('ec2', op, input, { region }) as Promise<any>;
  const code = (call: Promise<unknown>) =>
    call.then(
      () => assert.fail('expected the call to fail'),
      (e: unknown) => (e instanceof AwsError ? `${e.code}: ${e.message}` : String(e)),
    );

  test('each region has a default VPC (172.31.0.0/16) with a default subnet per availability zone', async () => {
    const state = new CloudState();
    const { vpcSet } = await ec2(state, 'DescribeVpcs', { Filter: [{ Name: 'isDefault', Value: ['true'] }] });
    assert.equal(vpcSet.length, 1);
    assert.equal(vpcSet[0].cidrBlock, '172.31.0.0/16');
    assert.equal(vpcSet[0].isDefault, true);
    const { subnetSet } = await ec2(state, 'DescribeSubnets', { Filter: [{ Name: 'vpc-id', Value: [vpcSet[0].vpcId] }] });
    assert.deepEqual(subnetSet.map((s: { availabilityZone: string }) => s.availabilityZone), ['us-east-1a', 'us-east-1b', 'us-east-1c']);
    const again = await ec2(state, 'DescribeVpcs');
    assert.equal(again.vpcSet[0].vpcId, vpcSet[0].vpcId, 'the default VPC is created once and kept');
    const west = await ec2(state, 'DescribeAvailabilityZones', {}, 'eu-west-1');
    assert.deepEqual(west.availabilityZoneInfo.map((z: { zoneName: string; zoneId: string }) => `${z.zoneName}/${z.zoneId}`), ['eu-west-1a/euw1-az1', 'eu-west-1b/euw1-az2', 'eu-west-1c/euw1-az3']);
  });

  test('unknown ids and filters get EC2 error codes', async () => {
    const state = new CloudState();
    assert.match(await code(ec2(state, 'DescribeSubnets', { SubnetId: ['subnet-0000000000000000f'] })), /^InvalidSubnetID\.NotFound: The subnet ID 'subnet-0000000000000000f' does not exist/);
    assert.match(await code(ec2(state, 'DescribeVpcs', { VpcId: ['vpc-nope'] })), /^InvalidVpcID\.NotFound/);
    assert.match(await code(ec2(state, 'DescribeSubnets', { Filter: [{ Name: 'colour', Value: ['red'] }] })), /^InvalidParameterValue: The filter 'colour' is invalid/);
  });

  test('security groups: unique names per VPC, ingress rules without duplicates, tags', async () => {
    const state = new CloudState();
    const alb = await ec2(state, 'CreateSecurityGroup', { GroupName: 'alb-sg', GroupDescription: 'ALB', TagSpecification: [{ ResourceType: 'security-group', Tag: [{ Key: 'ecskit:stack', Value: 'lab' }] }] });
    const ecs = await ec2(state, 'CreateSecurityGroup', { GroupName: 'ecs-sg', GroupDescription: 'ECS tasks' });
    assert.match(alb.groupId, /^sg-[0-9a-f]{17}$/);
    assert.match(await code(ec2(state, 'CreateSecurityGroup', { GroupName: 'alb-sg', GroupDescription: 'again' })), /^InvalidGroup\.Duplicate: The security group 'alb-sg' already exists for VPC 'vpc-/);
    await ec2(state, 'AuthorizeSecurityGroupIngress', { GroupId: alb.groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: '80', ToPort: '80', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] });
    await ec2(state, 'AuthorizeSecurityGroupIngress', { GroupId: ecs.groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: '5000', ToPort: '5001', Groups: [{ GroupId: alb.groupId }] }] });
    assert.match(
      await code(ec2(state, 'AuthorizeSecurityGroupIngress', { GroupId: alb.groupId, IpProtocol: 'tcp', FromPort: '80', ToPort: '80', CidrIp: '0.0.0.0/0' })),
      /^InvalidPermission\.Duplicate: the specified rule "peer: 0\.0\.0\.0\/0, TCP, from port: 80, to port: 80, ALLOW" already exists/,
    );
    const { securityGroupInfo } = await ec2(state, 'DescribeSecurityGroups', { Filter: [{ Name: 'group-name', Value: ['ecs-sg'] }] });
    assert.equal(securityGroupInfo.length, 1);
    assert.deepEqual(securityGroupInfo[0].ipPermissions[0].groups.map((g: { groupId: string }) => g.groupId), [alb.groupId]);
    const { tagSet } = await ec2(state, 'DescribeTags', { Filter: [{ Name: 'resource-id', Value: [alb.groupId] }] });
    assert.deepEqual(tagSet, [{ resourceId: alb.groupId, resourceType: 'security-group', key: 'ecskit:stack', value: 'lab' }]);
  });

  test('a referenced security group cannot be deleted, nor can the default group', async () => {
    const state = new CloudState();
    const alb = await ec2(state, 'CreateSecurityGroup', { GroupName: 'alb-sg', GroupDescription: 'ALB' });
    const ecs = await ec2(state, 'CreateSecurityGroup', { GroupName: 'ecs-sg', GroupDescription: 'ECS tasks' });
    await ec2(state, 'AuthorizeSecurityGroupIngress', { GroupId: ecs.groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: '5000', ToPort: '5000', Groups: [{ GroupId: alb.groupId }] }] });
    assert.match(await code(ec2(state, 'DeleteSecurityGroup', { GroupId: alb.groupId })), /^DependencyViolation: resource sg-\w+ has a dependent object/);
    const subnets = (await ec2(state, 'DescribeSubnets')).subnetSet.map((s: { subnetId: string }) => s.subnetId);
    await ec2(state, 'DeleteSecurityGroup', { GroupId: ecs.groupId });
    await state.invoke('elasticloadbalancing', 'CreateLoadBalancer', { Name: 'sg-user', Subnets: subnets.slice(0, 2), SecurityGroups: [alb.groupId] });
    assert.match(await code(ec2(state, 'DeleteSecurityGroup', { GroupId: alb.groupId })), /^DependencyViolation/, 'a load balancer uses it');
    const def = (await ec2(state, 'DescribeSecurityGroups', { Filter: [{ Name: 'group-name', Value: ['default'] }] })).securityGroupInfo[0];
    assert.match(await code(ec2(state, 'DeleteSecurityGroup', { GroupId: def.groupId })), /^CannotDelete/);
  });

  test('the default VPC can be deleted like any other once empty; then default-vpc is none, VpcId is required, and CreateDefaultVpc brings it back', async () => {
    const state = new CloudState();
    const vpcId = (await ec2(state, 'DescribeVpcs', { Filter: [{ Name: 'is-default', Value: ['true'] }] })).vpcSet[0].vpcId;
    assert.match(await code(ec2(state, 'DeleteVpc', { VpcId: vpcId })), /^DependencyViolation: The vpc 'vpc-\w+' has dependencies and cannot be deleted\./);
    for (const subnet of (await ec2(state, 'DescribeSubnets')).subnetSet) await ec2(state, 'DeleteSubnet', { SubnetId: subnet.subnetId });
    const igw = (await ec2(state, 'DescribeInternetGateways')).internetGatewaySet[0].internetGatewayId;
    await ec2(state, 'DetachInternetGateway', { InternetGatewayId: igw, VpcId: vpcId });
    await ec2(state, 'DeleteInternetGateway', { InternetGatewayId: igw });
    await ec2(state, 'DeleteVpc', { VpcId: vpcId });
    assert.deepEqual((await ec2(state, 'DescribeVpcs')).vpcSet, []);
    assert.deepEqual((await ec2(state, 'DescribeRouteTables')).routeTableSet, [], 'its main route table went with it');
    assert.deepEqual((await ec2(state, 'DescribeSecurityGroups')).securityGroupInfo, [], 'and its default group');
    const attrs = await ec2(state, 'DescribeAccountAttributes', { AttributeName: ['default-vpc'] });
    assert.deepEqual(attrs.accountAttributeSet, [{ attributeName: 'default-vpc', attributeValueSet: [{ attributeValue: 'none' }] }]);
    assert.match(await code(ec2(state, 'CreateSecurityGroup', { GroupName: 'x', GroupDescription: 'x' })), /^VPCIdNotSpecified: No default VPC for this user/);
    const recreated = await ec2(state, 'CreateDefaultVpc');
    assert.equal(recreated.vpc.isDefault, true);
    assert.equal(recreated.vpc.cidrBlock, '172.31.0.0/16');
    assert.equal((await ec2(state, 'DescribeSubnets', { Filter: [{ Name: 'default-for-az', Value: ['true'] }] })).subnetSet.length, 3);
    assert.match(await code(ec2(state, 'CreateDefaultVpc')), /^DefaultVpcAlreadyExists/);
  });

  describe('through the AWS CLI', { skip: awsCliSkip() }, () => {
    let t: TestCloud;
    before(async () => {
      t = await startTestCloud();
    });
    after(() => t.stop());

    test("the lab's describe-subnets --filters Name=vpc-id,Values=… lists the default subnets", async () => {
      const vpc = await awsCli(t.cloud.endpoint, ['ec2', 'describe-vpcs', '--filters', 'Name=isDefault,Values=true', '--query', 'Vpcs[0].VpcId']);
      assert.equal(vpc.code, 0, vpc.stderr);
      assert.match(vpc.json, /^vpc-[0-9a-f]{17}$/);
      const subnets = await awsCli(t.cloud.endpoint, ['ec2', 'describe-subnets', '--filters', `Name=vpc-id,Values=${vpc.json}`, '--query', 'Subnets[*].[SubnetId,AvailabilityZone,DefaultForAz]']);
      assert.equal(subnets.code, 0, subnets.stderr);
      assert.equal(subnets.json.length, 3);
      assert.deepEqual(subnets.json.map((s: [string, string, boolean]) => [s[1], s[2]]), [
        ['us-east-1a', true],
        ['us-east-1b', true],
        ['us-east-1c', true],
      ]);
    });

    test('create-security-group, authorize-security-group-ingress and describe-security-groups round-trip through the CLI', async () => {
      const created = await awsCli(t.cloud.endpoint, ['ec2', 'create-security-group', '--group-name', 'cli-sg', '--description', 'from the CLI']);
      assert.equal(created.code, 0, created.stderr);
      const groupId: string = created.json.GroupId;
      const ingress = await awsCli(t.cloud.endpoint, ['ec2', 'authorize-security-group-ingress', '--group-id', groupId, '--protocol', 'tcp', '--port', '80', '--cidr', '0.0.0.0/0']);
      assert.equal(ingress.code, 0, ingress.stderr);
      const again = await awsCli(t.cloud.endpoint, ['ec2', 'authorize-security-group-ingress', '--group-id', groupId, '--protocol', 'tcp', '--port', '80', '--cidr', '0.0.0.0/0']);
      assert.match(again.stderr, /InvalidPermission\.Duplicate/);
      const described = await awsCli(t.cloud.endpoint, ['ec2', 'describe-security-groups', '--group-ids', groupId]);
      assert.equal(described.code, 0, described.stderr);
      assert.deepEqual(described.json.SecurityGroups[0].IpPermissions[0], { FromPort: 80, IpProtocol: 'tcp', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], ToPort: 80, UserIdGroupPairs: [] });
    });

    test('a public subnet from scratch: create-vpc, create-subnet, an internet gateway and a route table through the CLI, then torn down', async () => {
      const cli = async (args: string[]) => {
        const r = await awsCli(t.cloud.endpoint, ['ec2', ...args]);
        assert.equal(r.code, 0, `aws ec2 ${args.join(' ')}: ${r.stderr}`);
        return r.json;
      };
      const vpc = (await cli(['create-vpc', '--cidr-block', '10.0.0.0/16', '--tag-specifications', 'ResourceType=vpc,Tags=[{Key=Name,Value=cli}]'])).Vpc;
      assert.match(vpc.VpcId, /^vpc-[0-9a-f]{17}$/);
      await cli(['modify-vpc-attribute', '--vpc-id', vpc.VpcId, '--enable-dns-hostnames', '{"Value":true}']);
      const subnet = (await cli(['create-subnet', '--vpc-id', vpc.VpcId, '--cidr-block', '10.0.1.0/24', '--availability-zone', 'us-east-1a'])).Subnet;
      await cli(['modify-subnet-attribute', '--subnet-id', subnet.SubnetId, '--map-public-ip-on-launch']);
      const igw = (await cli(['create-internet-gateway'])).InternetGateway.InternetGatewayId;
      await cli(['attach-internet-gateway', '--internet-gateway-id', igw, '--vpc-id', vpc.VpcId]);
      const rtb = (await cli(['create-route-table', '--vpc-id', vpc.VpcId])).RouteTable.RouteTableId;
      assert.equal((await cli(['create-route', '--route-table-id', rtb, '--destination-cidr-block', '0.0.0.0/0', '--gateway-id', igw])).Return, true);
      const association = (await cli(['associate-route-table', '--route-table-id', rtb, '--subnet-id', subnet.SubnetId])).AssociationId;
      const tables = await cli(['describe-route-tables', '--filters', `Name=vpc-id,Values=${vpc.VpcId}`, '--query', 'RouteTables[].Routes[].[DestinationCidrBlock,GatewayId,State]']);
      assert.deepEqual(tables, [
        ['10.0.0.0/16', 'local', 'active'],
        ['10.0.0.0/16', 'local', 'active'],
        ['0.0.0.0/0', igw, 'active'],
      ]);
      const described = await cli(['describe-subnets', '--subnet-ids', subnet.SubnetId, '--query', 'Subnets[0].MapPublicIpOnLaunch']);
      assert.equal(described, true);
      const blocked = await awsCli(t.cloud.endpoint, ['ec2', 'delete-vpc', '--vpc-id', vpc.VpcId]);
      assert.match(blocked.stderr, new RegExp(`DependencyViolation.*The vpc '${vpc.VpcId}' has dependencies and cannot be deleted`));
      await cli(['disassociate-route-table', '--association-id', association]);
      await cli(['delete-route-table', '--route-table-id', rtb]);
      await cli(['detach-internet-gateway', '--internet-gateway-id', igw, '--vpc-id', vpc.VpcId]);
      await cli(['delete-internet-gateway', '--internet-gateway-id', igw]);
      await cli(['delete-subnet', '--subnet-id', subnet.SubnetId]);
      await cli(['delete-vpc', '--vpc-id', vpc.VpcId]);
      const gone = await awsCli(t.cloud.endpoint, ['ec2', 'describe-vpcs', '--vpc-ids', vpc.VpcId]);
      assert.match(gone.stderr, /InvalidVpcID\.NotFound/);
    });
  });
});
