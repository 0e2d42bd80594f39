import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { close, connect } from '../../src/clients.js';
import { startLocalCloud, type LocalCloud } from '../../src/local/index.js';

let cloud: LocalCloud;
before(async () => {
  cloud = await startLocalCloud({ host: '127.0.0.1', port: 0, log: () => {} });
});
after(() => cloud.stop());

test('connect() includes an EC2 client on the same endpoint and region, and close() destroys it', async () => {
  const aws = await connect({ endpoint: cloud.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  assert.ok(aws.ec2 instanceof EC2Client);
  assert.equal(await aws.ec2.config.region(), 'eu-west-1');
  const vpcs = await aws.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'isDefault', Values: ['true'] }] }));
  assert.match(vpcs.Vpcs?.[0]?.VpcId ?? '', /^vpc-/);
  let destroyed = false;
  const original = aws.ec2.destroy.bind(aws.ec2);
  aws.ec2.destroy = () => {
    destroyed = true;
    original();
  };
  close(aws);
  assert.equal(destroyed, true);
});
