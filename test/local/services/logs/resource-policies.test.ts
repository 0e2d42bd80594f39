/**
 * CloudWatch Logs resource policies (issue #13, CloudWatch Logs): account-
 * scoped policies (10 per Region), resource-scoped policies on a log group
 * (revision ids), JSON documents, pagination and hostile input.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { rejects } from '../rejects.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const GROUP = '/ecs/flask-inventory-gateway';
const GROUP_ARN = `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}`;
const DOC = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Route53', Effect: 'Allow', Principal: { Service: ['route53.amazonaws.com'] }, Action: 'logs:PutLogEvents', Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/*' }],
});

function setup() {
  let now = T0;
  const cloud = new CloudState({ now: () => new Date(now) });
  const call = (op: string, input: unknown = {}) => cloud.invoke('logs', op, input, { region: 'us-east-1' }) as Promise<any>;
  return { cloud, call, advance: (ms: number) => (now += ms) };
}


describe('CloudWatch Logs account-scoped resource policies', () => {
  it('are put, described, replaced by name and deleted', async () => {
    const t = setup();
    const put = await t.call('PutResourcePolicy', { policyName: 'route53', policyDocument: DOC });
    assert.deepEqual(put, { resourcePolicy: { policyName: 'route53', policyDocument: DOC, lastUpdatedTime: T0, policyScope: 'ACCOUNT' } });
    t.advance(1000);
    const replaced = await t.call('PutResourcePolicy', { policyName: 'route53', policyDocument: '{"Version":"2012-10-17","Statement":[]}' });
    assert.equal(replaced.resourcePolicy.lastUpdatedTime, T0 + 1000);
    const { resourcePolicies } = await t.call('DescribeResourcePolicies');
    assert.deepEqual(resourcePolicies, [replaced.resourcePolicy]);
    await t.call('DeleteResourcePolicy', { policyName: 'route53' });
    assert.deepEqual((await t.call('DescribeResourcePolicies')).resourcePolicies, []);
  });

  it('are limited to 10 per Region (LimitExceededException), and replacing one at the limit still works', async () => {
    const t = setup();
    for (let i = 0; i < 10; i++) await t.call('PutResourcePolicy', { policyName: `p${i}`, policyDocument: DOC });
    await rejects(t.call('PutResourcePolicy', { policyName: 'p10', policyDocument: DOC }), 'LimitExceededException', /Resource limit exceeded.*at most 10/);
    await t.call('PutResourcePolicy', { policyName: 'p3', policyDocument: '{}' });
    assert.equal((await t.call('DescribeResourcePolicies')).resourcePolicies.length, 10);
    const other = await t.cloud.invoke('logs', 'PutResourcePolicy', { policyName: 'p10', policyDocument: DOC }, { region: 'eu-west-1' });
    assert.equal((other as any).resourcePolicy.policyName, 'p10', 'the limit is per Region');
  });

  it('page with limit and nextToken, and refuse a token they did not issue', async () => {
    const t = setup();
    for (let i = 0; i < 7; i++) await t.call('PutResourcePolicy', { policyName: `p${i}`, policyDocument: DOC });
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await t.call('DescribeResourcePolicies', { limit: 3, ...(nextToken ? { nextToken } : {}) });
      names.push(...page.resourcePolicies.map((p: { policyName: string }) => p.policyName));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    assert.equal(pages, 3);
    assert.deepEqual(names, ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    await rejects(t.call('DescribeResourcePolicies', { nextToken: 'forged' }), 'InvalidParameterException', /nextToken/);
    await rejects(t.call('DescribeResourcePolicies', { limit: 51 }), 'InvalidParameterException', /limit/);
  });

  it('refuse documents that are not JSON objects, a missing name, and deleting an unknown name', async () => {
    const t = setup();
    await rejects(t.call('PutResourcePolicy', { policyName: 'p', policyDocument: '{"Version": "2012-10-17",' }), 'InvalidParameterException', /policyDocument is not valid JSON/);
    await rejects(t.call('PutResourcePolicy', { policyName: 'p', policyDocument: '["a"]' }), 'InvalidParameterException', /must be a JSON object/);
    await rejects(t.call('PutResourcePolicy', { policyName: 'p', policyDocument: '' }), 'InvalidParameterException');
    await rejects(t.call('PutResourcePolicy', { policyName: 'p' }), 'InvalidParameterException', /policyDocument/);
    await rejects(t.call('PutResourcePolicy', { policyDocument: DOC }), 'InvalidParameterException', /policyName/);
    await rejects(t.call('PutResourcePolicy', { policyName: 'p', policyDocument: { Version: '2012-10-17' } }), 'SerializationException');
    await rejects(t.call('DeleteResourcePolicy', { policyName: 'ghost' }), 'ResourceNotFoundException', /Policy with name \[ghost\] does not exist/);
    assert.deepEqual((await t.call('DescribeResourcePolicies')).resourcePolicies, [], 'nothing was stored');
  });
});

describe('CloudWatch Logs resource-scoped policies', () => {
  it('attach one policy to a log group, with a revision id each update must name', async () => {
    const t = setup();
    await t.call('CreateLogGroup', { logGroupName: GROUP });
    const first = await t.call('PutResourcePolicy', { resourceArn: GROUP_ARN, policyDocument: DOC });
    assert.equal(first.resourcePolicy.policyScope, 'RESOURCE');
    assert.equal(first.resourcePolicy.resourceArn, GROUP_ARN);
    assert.equal(typeof first.revisionId, 'string');
    assert.equal(first.resourcePolicy.revisionId, first.revisionId);
    await rejects(t.call('PutResourcePolicy', { resourceArn: GROUP_ARN, policyDocument: '{}' }), 'InvalidParameterException', /expectedRevisionId is required/);
    await rejects(t.call('PutResourcePolicy', { resourceArn: GROUP_ARN, policyDocument: '{}', expectedRevisionId: 'stale' }), 'OperationAbortedException', /does not match/);
    const second = await t.call('PutResourcePolicy', { resourceArn: `${GROUP_ARN}:*`, policyDocument: '{}', expectedRevisionId: first.revisionId });
    assert.notEqual(second.revisionId, first.revisionId);
    assert.deepEqual((await t.call('DescribeResourcePolicies', { resourceArn: GROUP_ARN })).resourcePolicies, [second.resourcePolicy]);
    assert.deepEqual((await t.call('DescribeResourcePolicies', { policyScope: 'RESOURCE' })).resourcePolicies, [second.resourcePolicy]);
    assert.deepEqual((await t.call('DescribeResourcePolicies')).resourcePolicies, [], 'the default scope is ACCOUNT');
    await rejects(t.call('DeleteResourcePolicy', { resourceArn: GROUP_ARN }), 'InvalidParameterException', /expectedRevisionId/);
    await rejects(t.call('DeleteResourcePolicy', { resourceArn: GROUP_ARN, expectedRevisionId: first.revisionId }), 'OperationAbortedException');
    await t.call('DeleteResourcePolicy', { resourceArn: GROUP_ARN, expectedRevisionId: second.revisionId });
    await rejects(t.call('DeleteResourcePolicy', { resourceArn: GROUP_ARN, expectedRevisionId: second.revisionId }), 'ResourceNotFoundException');
  });

  it('go away with their log group', async () => {
    const t = setup();
    await t.call('CreateLogGroup', { logGroupName: GROUP });
    await t.call('PutResourcePolicy', { resourceArn: GROUP_ARN, policyDocument: DOC });
    await t.call('DeleteLogGroup', { logGroupName: GROUP });
    await t.call('CreateLogGroup', { logGroupName: GROUP });
    assert.deepEqual((await t.call('DescribeResourcePolicies', { policyScope: 'RESOURCE' })).resourcePolicies, []);
    const again = await t.call('PutResourcePolicy', { resourceArn: GROUP_ARN, policyDocument: DOC });
    assert.equal(again.resourcePolicy.policyScope, 'RESOURCE', 'a new group starts without a policy: no expectedRevisionId needed');
  });

  it('refuse wrong ARNs, unknown groups, a name together with an ARN, and a revision for a policy that does not exist', async () => {
    const t = setup();
    await t.call('CreateLogGroup', { logGroupName: GROUP });
    await rejects(t.call('PutResourcePolicy', { resourceArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/ghost', policyDocument: DOC }), 'ResourceNotFoundException', /\/ghost/);
    await rejects(t.call('PutResourcePolicy', { resourceArn: 'arn:aws:logs:us-east-1:210987654321:log-group:' + GROUP, policyDocument: DOC }), 'ResourceNotFoundException');
    await rejects(t.call('PutResourcePolicy', { resourceArn: 'arn:aws:s3:::bucket', policyDocument: DOC }), 'InvalidParameterException', /not a log group ARN/);
    await rejects(t.call('PutResourcePolicy', { resourceArn: 'log-group', policyDocument: DOC }), 'InvalidParameterException', /not a log group ARN/);
    await rejects(t.call('PutResourcePolicy', { resourceArn: GROUP_ARN, policyName: 'x', policyDocument: DOC }), 'InvalidParameterException', /mutually exclusive/);
    await rejects(t.call('PutResourcePolicy', { resourceArn: GROUP_ARN, policyDocument: DOC, expectedRevisionId: 'r1' }), 'OperationAbortedException', /no resource policy yet/);
    await rejects(t.call('PutResourcePolicy', { resourceArn: GROUP_ARN, policyDocument: 'not json' }), 'InvalidParameterException', /not valid JSON/);
    await rejects(t.call('DescribeResourcePolicies', { resourceArn: GROUP_ARN, policyScope: 'ACCOUNT' }), 'InvalidParameterException');
    assert.deepEqual((await t.call('DescribeResourcePolicies', { resourceArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/ghost' })).resourcePolicies, []);
  });
});
