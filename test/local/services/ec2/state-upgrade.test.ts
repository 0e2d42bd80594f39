import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { StateChange } from '../../../../src/local/core/change-tracker.js';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { journalPathOf, StatePersister } from '../../../../src/local/server/persistence.js';

const dir = mkdtempSync(join(tmpdir(), 'ecskit-ec2-'));
after(() => rmSync(dir, { recursive: true, force: true }));

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

describe('EC2 networking in the journal', () => {
  test('a crash after the calls answered loses nothing: VPC, subnet, gateway, routes and associations replay with their ids', async () => {
    const file = join(dir, 'state.json');
    const quiet = { log: () => {}, debounceMs: 3_600_000 };
    const state = new CloudState();
    const persister = StatePersister.open(state, file, quiet);
    const ec2 = (op: string, input: Record<string, unknown> = {}) => state.invoke('ec2', op, input, { region: 'us-east-1' }) as Promise<any>;
    let before: unknown;
    try {
      const vpcId = (await ec2('CreateVpc', { CidrBlock: '10.0.0.0/16' })).vpc.vpcId;
      const subnetId = (await ec2('CreateSubnet', { VpcId: vpcId, CidrBlock: '10.0.1.0/24' })).subnet.subnetId;
      const igw = (await ec2('CreateInternetGateway')).internetGateway.internetGatewayId;
      await ec2('AttachInternetGateway', { InternetGatewayId: igw, VpcId: vpcId });
      const rtb = (await ec2('CreateRouteTable', { VpcId: vpcId })).routeTable.routeTableId;
      await ec2('CreateRoute', { RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw });
      await ec2('AssociateRouteTable', { RouteTableId: rtb, SubnetId: subnetId });
      await ec2('ModifyVpcAttribute', { VpcId: vpcId, EnableDnsHostnames: { Value: 'true' } });
      before = {
        vpcs: await ec2('DescribeVpcs'),
        subnets: await ec2('DescribeSubnets'),
        gateways: await ec2('DescribeInternetGateways'),
        tables: await ec2('DescribeRouteTables'),
        dns: await ec2('DescribeVpcAttribute', { VpcId: vpcId, Attribute: 'enableDnsHostnames' }),
      };
    } finally {
      // A crash: copy what is on disk before anything else is written.
      const copy = join(dir, 'crash.json');
      try {
        copyFileSync(file, copy);
      } catch {
        /* no snapshot yet */
      }
      copyFileSync(journalPathOf(file), journalPathOf(copy));
      persister.close();
    }
    const reloaded = new CloudState();
    const replayed = StatePersister.open(reloaded, join(dir, 'crash.json'), quiet);
    after(() => replayed.close());
    const again = (op: string, input: Record<string, unknown> = {}) => reloaded.invoke('ec2', op, input, { region: 'us-east-1' }) as Promise<any>;
    const vpcId = (before as any).dns.vpcId;
    assert.deepEqual(
      {
        vpcs: await again('DescribeVpcs'),
        subnets: await again('DescribeSubnets'),
        gateways: await again('DescribeInternetGateways'),
        tables: await again('DescribeRouteTables'),
        dns: await again('DescribeVpcAttribute', { VpcId: vpcId, Attribute: 'enableDnsHostnames' }),
      },
      before,
    );
  });
});
