import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFidelity, type AllowedDivergence, type Fidelity, type FidelityCase, type Side } from './harness.js';

/** EC2 Query call returning the parsed XML without its declaration, or throwing an error named after the EC2 code. */
async function call(side: Side, action: string, params: Record<string, string> = {}) {
  const r = await side.query('ec2', action, params);
  if (r.status >= 400) {
    const error = r.xml?.Response?.Errors?.Error;
    throw Object.assign(new Error(String(error?.Message ?? r.text)), { name: String(error?.Code ?? 'Unknown') });
  }
  const { '?xml': _declaration, ...rest } = r.xml as Record<string, any>;
  for (const value of Object.values(rest)) if (value && typeof value === 'object') delete value.requestId;
  return rest;
}

const vpcs = new Map<string, string>();
const groups = new Map<string, string>();
const vpcOf = async (s: Side) => {
  if (!vpcs.has(s.name)) {
    const out = await call(s, 'DescribeVpcs', { 'Filter.1.Name': 'is-default', 'Filter.1.Value.1': 'true' });
    vpcs.set(s.name, out.DescribeVpcsResponse.vpcSet.item[0].vpcId);
  }
  return vpcs.get(s.name) ?? '';
};

const cases: FidelityCase[] = [
  { name: 'ec2 DescribeVpcs default', call: async (s) => (await vpcOf(s), call(s, 'DescribeVpcs', { 'Filter.1.Name': 'is-default', 'Filter.1.Value.1': 'true' })) },
  { name: 'ec2 DescribeSubnets by vpc-id', call: async (s) => call(s, 'DescribeSubnets', { 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': await vpcOf(s) }) },
  { name: 'ec2 DescribeSubnets unknown id', call: (s) => call(s, 'DescribeSubnets', { 'SubnetId.1': 'subnet-0123456789abcdef0' }) },
  {
    name: 'ec2 CreateSecurityGroup',
    call: async (s) => {
      const out = await call(s, 'CreateSecurityGroup', { GroupName: 'ecs-sg', GroupDescription: 'ECS tasks', VpcId: await vpcOf(s) });
      groups.set(s.name, out.CreateSecurityGroupResponse.groupId);
      return out;
    },
  },
  { name: 'ec2 CreateSecurityGroup duplicate', call: async (s) => call(s, 'CreateSecurityGroup', { GroupName: 'ecs-sg', GroupDescription: 'again', VpcId: await vpcOf(s) }) },
  {
    name: 'ec2 AuthorizeSecurityGroupIngress',
    call: (s) =>
      call(s, 'AuthorizeSecurityGroupIngress', {
        GroupId: groups.get(s.name) ?? '',
        'IpPermissions.1.IpProtocol': 'tcp',
        'IpPermissions.1.FromPort': '5000',
        'IpPermissions.1.ToPort': '5001',
        'IpPermissions.1.IpRanges.1.CidrIp': '172.31.0.0/16',
      }),
  },
  {
    name: 'ec2 AuthorizeSecurityGroupIngress duplicate',
    call: (s) =>
      call(s, 'AuthorizeSecurityGroupIngress', {
        GroupId: groups.get(s.name) ?? '',
        'IpPermissions.1.IpProtocol': 'tcp',
        'IpPermissions.1.FromPort': '5000',
        'IpPermissions.1.ToPort': '5001',
        'IpPermissions.1.IpRanges.1.CidrIp': '172.31.0.0/16',
      }),
  },
  { name: 'ec2 DescribeSecurityGroups by group-name', call: (s) => call(s, 'DescribeSecurityGroups', { 'Filter.1.Name': 'group-name', 'Filter.1.Value.1': 'ecs-sg' }) },
  { name: 'ec2 DeleteSecurityGroup', call: (s) => call(s, 'DeleteSecurityGroup', { GroupId: groups.get(s.name) ?? '' }) },
];

const allow: AllowedDivergence[] = [
  {
    case: 'ec2 AuthorizeSecurityGroupIngress',
    path: 'AuthorizeSecurityGroupIngressResponse.securityGroupRuleSet.item[].groupOwnerId',
    reason: 'AWS reports the owner of the group each new rule belongs to; moto omits it',
    reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRule.html',
  },
  ...['return', 'groupId'].map((key) => ({
    case: 'ec2 DeleteSecurityGroup',
    path: `DeleteSecurityGroupResponse.${key}`,
    reason: `AWS answers DeleteSecurityGroup with ${key}; moto sends an empty result`,
    reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html',
  })),
];

describe('fidelity: EC2 set-up lookups against moto', () => {
  let h: Fidelity;
  before(async () => {
    h = await startFidelity();
  });
  after(() => h?.stop());

  test('VPC, subnet and security group calls return the same XML shape and error codes as moto', async () => {
    const report = await h.compare(cases, allow);
    assert.deepEqual(report.unexpected, []);
  });
});
