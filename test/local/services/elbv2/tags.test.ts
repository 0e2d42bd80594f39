import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AddTagsCommand, CreateTargetGroupCommand, DescribeTagsCommand, RemoveTagsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { rejection, startTestCloud, type TestCloud } from '../../helpers.js';
import { defaultNetwork } from './network.js';

describe('ELBv2 tags', () => {
  let t: TestCloud;
  let tgArn: string;
  before(async () => {
    t = await startTestCloud();
    const { vpcId } = await defaultNetwork(t);
    tgArn =
      (await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'tagged', Protocol: 'HTTP', Port: 80, VpcId: vpcId, Tags: [{ Key: 'ecskit:stack', Value: 'lab' }] }))).TargetGroups?.[0]
        ?.TargetGroupArn ?? '';
  });
  after(() => t.stop());

  test('tags given at creation, added and removed are what DescribeTags reports', async () => {
    await t.clients.elbv2.send(new AddTagsCommand({ ResourceArns: [tgArn], Tags: [{ Key: 'team', Value: 'a' }, { Key: 'ecskit:stack', Value: 'lab2' }] }));
    await t.clients.elbv2.send(new RemoveTagsCommand({ ResourceArns: [tgArn], TagKeys: ['team'] }));
    const { TagDescriptions } = await t.clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: [tgArn] }));
    assert.deepEqual(TagDescriptions, [{ ResourceArn: tgArn, Tags: [{ Key: 'ecskit:stack', Value: 'lab2' }] }]);
  });

  test('a tag key given twice is DuplicateTagKeys and an unknown resource is not found', async () => {
    const dup = await rejection(t.clients.elbv2.send(new AddTagsCommand({ ResourceArns: [tgArn], Tags: [{ Key: 'k', Value: '1' }, { Key: 'k', Value: '2' }] })));
    assert.equal(dup.name, 'DuplicateTagKeysException');
    const missing = await rejection(t.clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: [tgArn.replace(/[0-9a-f]{16}$/, '0000000000000000')] })));
    assert.equal(missing.name, 'TargetGroupNotFoundException');
  });
});
