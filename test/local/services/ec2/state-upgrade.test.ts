import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StateChange } from '../../../../src/local/core/change-tracker.js';
import { CloudState } from '../../../../src/local/core/cloud-state.js';

describe('EC2 state written before VPCs could be created', () => {
  /** The ec2 slice as the previous version stored it: default VPC, subnets, default group; no gateways or route tables. */
  const oldSlice = () => ({
    vpcs: { 'vpc-0aaaaaaaaaaaaaaaa': { vpcId: 'vpc-0aaaaaaaaaaaaaaaa', cidrBlock: '172.31.0.0/16', isDefault: true, ownerId: '123456789012', dhcpOptionsId: 'dopt-0aaaaaaaaaaaaaaaa' } },
    subnets: {
      'subnet-0aaaaaaaaaaaaaaaa': {
        subnetId: 'subnet-0aaaaaaaaaaaaaaaa',
        vpcId: 'vpc-0aaaaaaaaaaaaaaaa',
        cidrBlock: '172.31.0.0/20',
        availabilityZone: 'us-east-1a',
        availabilityZoneId: 'use1-az1',
        defaultForAz: true,
        mapPublicIpOnLaunch: true,
        ownerId: '123456789012',
      },
    },
    securityGroups: {},
    tags: {},
  });

  test('a read upgrades it once: the default VPC gets its gateway and main route table, kept ids, and the journal records the new slice', async () => {
    const state = new CloudState();
    const recorded: { changes: readonly StateChange[]; operation: string }[] = [];
    state.recorder = { record: (changes, operation) => void recorded.push({ changes, operation }) };
    state.region('us-east-1')['ec2'] = oldSlice();

    const first = (await state.invoke('ec2', 'DescribeRouteTables', {}, { region: 'us-east-1' })) as any;
    assert.equal(first.routeTableSet.length, 1);
    const table = first.routeTableSet[0];
    assert.equal(table.vpcId, 'vpc-0aaaaaaaaaaaaaaaa');
    assert.equal(table.associationSet[0].main, true);
    assert.deepEqual(
      table.routeSet.map((r: any) => [r.destinationCidrBlock, r.gatewayId.replace(/^igw-\w+$/, 'igw'), r.state]),
      [
        ['172.31.0.0/16', 'local', 'active'],
        ['0.0.0.0/0', 'igw', 'active'],
      ],
    );
    const upgrade = recorded.find((r) => r.operation === 'ec2:DescribeRouteTables');
    assert.ok(upgrade, 'the read-only call that upgraded the slice is journaled');
    assert.ok(upgrade.changes.some((c) => c.path.join('/') === '123456789012/us-east-1/ec2' && (c.value as any)?.routeTables));

    const second = (await state.invoke('ec2', 'DescribeRouteTables', {}, { region: 'us-east-1' })) as any;
    assert.equal(second.routeTableSet[0].routeTableId, table.routeTableId, 'upgraded once, ids kept');
    const vpcs = (await state.invoke('ec2', 'DescribeVpcs', {}, { region: 'us-east-1' })) as any;
    assert.equal(vpcs.vpcSet[0].vpcId, 'vpc-0aaaaaaaaaaaaaaaa');
    const dns = (await state.invoke('ec2', 'DescribeVpcAttribute', { VpcId: 'vpc-0aaaaaaaaaaaaaaaa', Attribute: 'enableDnsHostnames' }, { region: 'us-east-1' })) as any;
    assert.equal(dns.enableDnsHostnames.value, true);
  });
});
