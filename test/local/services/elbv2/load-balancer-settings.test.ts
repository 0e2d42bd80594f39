import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeAccountLimitsCommand,
  DescribeLoadBalancersCommand,
  SetIpAddressTypeCommand,
  SetSecurityGroupsCommand,
  SetSubnetsCommand,
  paginateDescribeAccountLimits,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { rejection, startTestCloud, TEST_CREDENTIALS, type TestCloud } from '../../helpers.js';
import { defaultNetwork } from './network.js';

describe('ELBv2 SetSecurityGroups, SetSubnets, SetIpAddressType and DescribeAccountLimits', () => {
  let t: TestCloud;
  let ec2: EC2Client;
  let vpcId: string;
  let subnetIds: string[];
  let albArn: string;
  let internalArn: string;
  let nlbArn: string;
  let groupA: string;
  let groupB: string;
  let otherVpcGroup: string;
  let otherVpcSubnet: string;

  before(async () => {
    t = await startTestCloud({ timeScale: 0.002 });
    ec2 = new EC2Client({ endpoint: t.cloud.endpoint, region: t.cloud.region, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    ({ vpcId, subnetIds } = await defaultNetwork(t));
    const group = async (name: string, vpc?: string) =>
      (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, ...(vpc ? { VpcId: vpc } : {}) }))).GroupId ?? '';
    groupA = await group('alb-a');
    groupB = await group('alb-b');
    const otherVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc?.VpcId ?? '';
    otherVpcGroup = await group('elsewhere', otherVpc);
    otherVpcSubnet = (await ec2.send(new CreateSubnetCommand({ VpcId: otherVpc, CidrBlock: '10.9.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet?.SubnetId ?? '';
    const create = async (input: ConstructorParameters<typeof CreateLoadBalancerCommand>[0]) => (await t.clients.elbv2.send(new CreateLoadBalancerCommand(input))).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    albArn = await create({ Name: 'settings-alb', Subnets: subnetIds.slice(0, 2) });
    internalArn = await create({ Name: 'settings-internal', Scheme: 'internal', Subnets: subnetIds.slice(0, 2) });
    nlbArn = await create({ Name: 'settings-nlb', Type: 'network', Subnets: subnetIds.slice(0, 1) });
  });
  after(async () => {
    ec2?.destroy();
    await t?.stop();
  });

  const describe1 = async (arn: string) => (await t.clients.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] }))).LoadBalancers?.[0];

  test('SetSecurityGroups replaces the groups, answers SecurityGroupIds, and DescribeLoadBalancers shows them', async () => {
    const out = await t.clients.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: albArn, SecurityGroups: [groupA, groupB] }));
    assert.deepEqual(out.SecurityGroupIds, [groupA, groupB]);
    assert.equal(out.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic, undefined, 'a network load balancer setting');
    assert.deepEqual((await describe1(albArn))?.SecurityGroups, [groupA, groupB]);
    const again = await t.clients.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: albArn, SecurityGroups: [groupB] }));
    assert.deepEqual(again.SecurityGroupIds, [groupB]);
  });

  test('SetSecurityGroups refuses unknown groups, groups of another VPC, none at all, an unknown load balancer and a network load balancer created without groups', async () => {
    const unknown = await rejection(t.clients.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: albArn, SecurityGroups: ['sg-0123456789abcdef0'] })));
    assert.equal(unknown.name, 'InvalidSecurityGroupException');
    assert.match(unknown.message, /sg-0123456789abcdef0/);
    const elsewhere = await rejection(t.clients.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: albArn, SecurityGroups: [groupA, otherVpcGroup] })));
    assert.equal(elsewhere.name, 'InvalidSecurityGroupException');
    assert.match(elsewhere.message, new RegExp(`does not belong to VPC '${vpcId}'`));
    assert.deepEqual((await describe1(albArn))?.SecurityGroups, [groupB], 'a refused call changes nothing');
    const none = await rejection(t.clients.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: albArn, SecurityGroups: [] })));
    assert.equal(none.name, 'ValidationError');
    const missing = await rejection(t.clients.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: albArn.replace(/[0-9a-f]{16}$/, '0000000000000000'), SecurityGroups: [groupA] })));
    assert.equal(missing.name, 'LoadBalancerNotFoundException');
    const nlb = await rejection(t.clients.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: nlbArn, SecurityGroups: [groupA] })));
    assert.equal(nlb.name, 'InvalidConfigurationRequestException');
    const privateLink = await rejection(
      t.clients.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: albArn, SecurityGroups: [groupA], EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off' })),
    );
    assert.equal(privateLink.name, 'InvalidConfigurationRequestException');
  });

  test('a network load balancer created with security groups can change them, with its PrivateLink setting', async () => {
    const created = await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'settings-nlb-sg', Type: 'network', Subnets: subnetIds.slice(0, 1), SecurityGroups: [groupA] }));
    const arn = created.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    assert.deepEqual(created.LoadBalancers?.[0]?.SecurityGroups, [groupA]);
    const out = await t.clients.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: arn, SecurityGroups: [groupB], EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off' }));
    assert.deepEqual(out.SecurityGroupIds, [groupB]);
    assert.equal(out.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic, 'off');
    assert.equal((await describe1(arn))?.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic, 'off');
  });

  test('SetSubnets moves the load balancer to other Availability Zones, and its network interfaces follow', async () => {
    const out = await t.clients.elbv2.send(new SetSubnetsCommand({ LoadBalancerArn: albArn, Subnets: [subnetIds[1]!, subnetIds[2]!] }));
    assert.deepEqual(
      out.AvailabilityZones?.map((az) => [az.ZoneName, az.SubnetId]),
      [
        ['us-east-1b', subnetIds[1]],
        ['us-east-1c', subnetIds[2]],
      ],
    );
    assert.equal(out.IpAddressType, 'ipv4');
    assert.deepEqual((await describe1(albArn))?.AvailabilityZones?.map((az) => az.SubnetId), [subnetIds[1], subnetIds[2]]);
    const enis = await ec2.send(new DescribeNetworkInterfacesCommand({}));
    const ofAlb = (enis.NetworkInterfaces ?? []).filter((n) => n.Description === `ELB ${albArn.split(':loadbalancer/')[1]}`);
    assert.deepEqual(ofAlb.map((n) => n.SubnetId).sort(), [subnetIds[1], subnetIds[2]].sort());
    assert.deepEqual(ofAlb[0]?.Groups?.map((g) => g.GroupId), [groupB], 'and carry the security groups SetSecurityGroups set');
    const mapped = await t.clients.elbv2.send(new SetSubnetsCommand({ LoadBalancerArn: albArn, SubnetMappings: [{ SubnetId: subnetIds[0] }, { SubnetId: subnetIds[1] }] }));
    assert.deepEqual(mapped.AvailabilityZones?.map((az) => az.ZoneName), ['us-east-1a', 'us-east-1b']);
  });

  test('SetSubnets refuses one zone for an ALB, two subnets in one zone, unknown subnets, subnets of another VPC and an unknown load balancer', async () => {
    const oneZone = await rejection(t.clients.elbv2.send(new SetSubnetsCommand({ LoadBalancerArn: albArn, Subnets: [subnetIds[0]!] })));
    assert.equal(oneZone.name, 'ValidationError');
    assert.match(oneZone.message, /two different Availability Zones/);
    const sameZone = await rejection(t.clients.elbv2.send(new SetSubnetsCommand({ LoadBalancerArn: albArn, Subnets: [subnetIds[0]!, subnetIds[0]!] })));
    assert.equal(sameZone.name, 'InvalidConfigurationRequestException');
    const unknown = await rejection(t.clients.elbv2.send(new SetSubnetsCommand({ LoadBalancerArn: albArn, Subnets: [subnetIds[0]!, 'subnet-0123456789abcdef0'] })));
    assert.equal(unknown.name, 'SubnetNotFoundException');
    const wrongVpc = await rejection(t.clients.elbv2.send(new SetSubnetsCommand({ LoadBalancerArn: albArn, Subnets: [subnetIds[1]!, otherVpcSubnet] })));
    assert.equal(wrongVpc.name, 'InvalidSubnetException');
    assert.match(wrongVpc.message, new RegExp(`not in the load balancer's VPC '${vpcId}'`));
    const none = await rejection(t.clients.elbv2.send(new SetSubnetsCommand({ LoadBalancerArn: albArn })));
    assert.equal(none.name, 'ValidationError');
    const missing = await rejection(t.clients.elbv2.send(new SetSubnetsCommand({ LoadBalancerArn: `${albArn}0`, Subnets: subnetIds.slice(0, 2) })));
    assert.equal(missing.name, 'LoadBalancerNotFoundException');
    assert.deepEqual((await describe1(albArn))?.AvailabilityZones?.map((az) => az.ZoneName), ['us-east-1a', 'us-east-1b'], 'refused calls change nothing');
    const nlb = await t.clients.elbv2.send(new SetSubnetsCommand({ LoadBalancerArn: nlbArn, Subnets: [subnetIds[2]!] }));
    assert.deepEqual(nlb.AvailabilityZones?.map((az) => az.ZoneName), ['us-east-1c'], 'one zone is enough for a network load balancer');
  });

  test('SetIpAddressType: dualstack and dualstack-without-public-ipv4 for an internet-facing ALB, ipv4 only for internal ones, and no IPv6-only public type for a network load balancer', async () => {
    assert.equal((await t.clients.elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: albArn, IpAddressType: 'dualstack' }))).IpAddressType, 'dualstack');
    assert.equal((await describe1(albArn))?.IpAddressType, 'dualstack');
    assert.equal(
      (await t.clients.elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: albArn, IpAddressType: 'dualstack-without-public-ipv4' }))).IpAddressType,
      'dualstack-without-public-ipv4',
    );
    const set = await t.clients.elbv2.send(new SetSubnetsCommand({ LoadBalancerArn: albArn, Subnets: subnetIds.slice(0, 2), IpAddressType: 'ipv4' }));
    assert.equal(set.IpAddressType, 'ipv4', 'SetSubnets can change the IP address type too');
    for (const type of ['dualstack', 'dualstack-without-public-ipv4'] as const) {
      const internal = await rejection(t.clients.elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: internalArn, IpAddressType: type })));
      assert.equal(internal.name, 'InvalidConfigurationRequestException', type);
      assert.match(internal.message, /Internal load balancers must use the 'ipv4'/);
    }
    assert.equal((await t.clients.elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: internalArn, IpAddressType: 'ipv4' }))).IpAddressType, 'ipv4');
    const nlb = await rejection(t.clients.elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: nlbArn, IpAddressType: 'dualstack-without-public-ipv4' })));
    assert.equal(nlb.name, 'InvalidConfigurationRequestException');
    assert.equal((await t.clients.elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: nlbArn, IpAddressType: 'dualstack' }))).IpAddressType, 'dualstack');
    const bogus = await rejection(t.clients.elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: albArn, IpAddressType: 'ipv6' as 'ipv4' })));
    assert.equal(bogus.name, 'ValidationError');
    const missing = await rejection(t.clients.elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: `${albArn}0`, IpAddressType: 'ipv4' })));
    assert.equal(missing.name, 'LoadBalancerNotFoundException');
  });

  test('a network load balancer with a UDP listener cannot become dualstack, and a dualstack one takes no UDP listener', async () => {
    const udpTg = (await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'settings-dns', Protocol: 'UDP', Port: 53, VpcId: vpcId, TargetType: 'ip' }))).TargetGroups?.[0]?.TargetGroupArn;
    const forward = [{ Type: 'forward' as const, TargetGroupArn: udpTg }];
    const udpLb = (await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'settings-udp', Type: 'network', Subnets: subnetIds.slice(0, 1) }))).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    await t.clients.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: udpLb, Protocol: 'UDP', Port: 53, DefaultActions: forward }));
    const toDual = await rejection(t.clients.elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: udpLb, IpAddressType: 'dualstack' })));
    assert.equal(toDual.name, 'InvalidConfigurationRequestException');
    assert.match(toDual.message, /UDP listener/);
    // nlbArn is dualstack since the previous test.
    const otherTg = (await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'settings-dns-2', Protocol: 'UDP', Port: 53, VpcId: vpcId, TargetType: 'ip' }))).TargetGroups?.[0]?.TargetGroupArn;
    const udpOnDual = await rejection(
      t.clients.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: nlbArn, Protocol: 'UDP', Port: 53, DefaultActions: [{ Type: 'forward', TargetGroupArn: otherTg }] })),
    );
    assert.equal(udpOnDual.name, 'InvalidConfigurationRequestException');
    const dual = await rejection(t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'settings-internal-dual', Scheme: 'internal', IpAddressType: 'dualstack', Subnets: subnetIds.slice(0, 2) })));
    assert.equal(dual.name, 'InvalidConfigurationRequestException', 'CreateLoadBalancer follows the same rule');
  });

  test("DescribeAccountLimits lists AWS's default quotas, page by page", async () => {
    const { Limits, NextMarker } = await t.clients.elbv2.send(new DescribeAccountLimitsCommand({}));
    assert.equal(NextMarker, undefined);
    const limits = Object.fromEntries((Limits ?? []).map((l) => [l.Name, l.Max]));
    assert.deepEqual(
      {
        alb: limits['application-load-balancers'],
        tgs: limits['target-groups'],
        targets: limits['targets-per-application-load-balancer'],
        listeners: limits['listeners-per-application-load-balancer'],
        rules: limits['rules-per-application-load-balancer'],
        certificates: limits['certificates-per-application-load-balancer'],
        nlb: limits['network-load-balancers'],
      },
      { alb: '50', tgs: '3000', targets: '1000', listeners: '50', rules: '100', certificates: '25', nlb: '50' },
    );
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeAccountLimits({ client: t.clients.elbv2 }, { PageSize: 5 })) {
      pages++;
      assert.ok((page.Limits?.length ?? 0) <= 5);
      names.push(...(page.Limits ?? []).map((l) => l.Name ?? ''));
    }
    assert.equal(pages, Math.ceil((Limits?.length ?? 0) / 5));
    assert.deepEqual(names, (Limits ?? []).map((l) => l.Name));
    const badPage = await rejection(t.clients.elbv2.send(new DescribeAccountLimitsCommand({ PageSize: 0 })));
    assert.equal(badPage.name, 'ValidationError');
    const badMarker = await rejection(t.clients.elbv2.send(new DescribeAccountLimitsCommand({ Marker: 'not-a-marker' })));
    assert.equal(badMarker.name, 'ValidationError');
  });
});
