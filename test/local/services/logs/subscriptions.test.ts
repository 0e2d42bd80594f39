/**
 * CloudWatch Logs subscription filters and destinations (issue #13,
 * CloudWatch Logs): stored and described as AWS does (two filters per
 * group, filter patterns, destination ARNs, JSON access policies), with no
 * delivery of events.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { rejects } from '../rejects.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const GROUP = '/ecs/flask-inventory-gateway';
const ACCOUNT = '123456789012';
const STREAM_ARN = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/gateway-logs`;
const FIREHOSE_ARN = `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/to-s3`;
const LAMBDA_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:alert`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/CWLtoKinesisRole`;
const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '210987654321' }, Action: 'logs:PutSubscriptionFilter', Resource: '*' }] });

async function setup() {
  let now = T0;
  const cloud = new CloudState({ now: () => new Date(now) });
  const call = (op: string, input: unknown = {}) => cloud.invoke('logs', op, input, { region: 'us-east-1' }) as Promise<any>;
  await call('CreateLogGroup', { logGroupName: GROUP });
  const filter = { logGroupName: GROUP, filterName: 'errors-to-kinesis', filterPattern: 'ERROR', destinationArn: STREAM_ARN, roleArn: ROLE_ARN };
  return { cloud, call, filter, advance: (ms: number) => (now += ms) };
}


describe('CloudWatch Logs subscription filters', () => {
  it('are put, described with AWS defaults, updated by name (keeping creationTime) and deleted', async () => {
    const t = await setup();
    assert.deepEqual(await t.call('PutSubscriptionFilter', t.filter), {});
    const [stored] = (await t.call('DescribeSubscriptionFilters', { logGroupName: GROUP })).subscriptionFilters;
    assert.deepEqual(stored, {
      filterName: 'errors-to-kinesis',
      logGroupName: GROUP,
      filterPattern: 'ERROR',
      destinationArn: STREAM_ARN,
      roleArn: ROLE_ARN,
      distribution: 'ByLogStream',
      applyOnTransformedLogs: false,
      creationTime: T0,
    });
    t.advance(5000);
    await t.call('PutSubscriptionFilter', { ...t.filter, filterPattern: '?ERROR ?FATAL', distribution: 'Random', destinationArn: FIREHOSE_ARN, emitSystemFields: ['@aws.account'] });
    const [updated] = (await t.call('DescribeSubscriptionFilters', { logGroupName: GROUP })).subscriptionFilters;
    assert.equal(updated.filterPattern, '?ERROR ?FATAL');
    assert.equal(updated.distribution, 'Random');
    assert.equal(updated.destinationArn, FIREHOSE_ARN);
    assert.deepEqual(updated.emitSystemFields, ['@aws.account']);
    assert.equal(updated.creationTime, T0);
    await t.call('DeleteSubscriptionFilter', { logGroupName: GROUP, filterName: 'errors-to-kinesis' });
    assert.deepEqual((await t.call('DescribeSubscriptionFilters', { logGroupName: GROUP })).subscriptionFilters, []);
    await rejects(t.call('DeleteSubscriptionFilter', { logGroupName: GROUP, filterName: 'errors-to-kinesis' }), 'ResourceNotFoundException', /subscription filter does not exist/);
  });

  it('are at most two per log group (LimitExceededException); either of the two can still be updated', async () => {
    const t = await setup();
    await t.call('PutSubscriptionFilter', t.filter);
    await t.call('PutSubscriptionFilter', { ...t.filter, filterName: 'all-to-lambda', filterPattern: '', destinationArn: LAMBDA_ARN, roleArn: undefined });
    await rejects(t.call('PutSubscriptionFilter', { ...t.filter, filterName: 'third' }), 'LimitExceededException', /already has 2 subscription filters/);
    await t.call('PutSubscriptionFilter', { ...t.filter, filterPattern: 'WARN' });
    await t.call('PutSubscriptionFilter', { ...t.filter, filterName: 'all-to-lambda', filterPattern: 'x', destinationArn: LAMBDA_ARN, roleArn: undefined });
    const filters = (await t.call('DescribeSubscriptionFilters', { logGroupName: GROUP })).subscriptionFilters;
    assert.deepEqual(filters.map((f: { filterName: string; filterPattern: string }) => [f.filterName, f.filterPattern]), [['all-to-lambda', 'x'], ['errors-to-kinesis', 'WARN']]);
    assert.equal(filters[0].roleArn, undefined, 'a Lambda destination needs no role');
  });

  it('are described by prefix and page with limit/nextToken', async () => {
    const t = await setup();
    await t.call('PutSubscriptionFilter', { ...t.filter, filterName: 'a-1' });
    await t.call('PutSubscriptionFilter', { ...t.filter, filterName: 'b-1' });
    const first = await t.call('DescribeSubscriptionFilters', { logGroupName: GROUP, limit: 1 });
    assert.deepEqual(first.subscriptionFilters.map((f: { filterName: string }) => f.filterName), ['a-1']);
    const second = await t.call('DescribeSubscriptionFilters', { logGroupName: GROUP, limit: 1, nextToken: first.nextToken });
    assert.deepEqual(second.subscriptionFilters.map((f: { filterName: string }) => f.filterName), ['b-1']);
    assert.equal(second.nextToken, undefined);
    assert.equal((await t.call('DescribeSubscriptionFilters', { logGroupName: GROUP, filterNamePrefix: 'b' })).subscriptionFilters.length, 1);
    await rejects(t.call('DescribeSubscriptionFilters', { logGroupName: GROUP, nextToken: 'junk' }), 'InvalidParameterException', /nextToken/);
  });

  it('go away with their log group, and are stored only: ingesting matching events changes nothing', async () => {
    const t = await setup();
    await t.call('PutSubscriptionFilter', t.filter);
    await t.call('CreateLogStream', { logGroupName: GROUP, logStreamName: 's' });
    await t.call('PutLogEvents', { logGroupName: GROUP, logStreamName: 's', logEvents: [{ timestamp: T0, message: 'ERROR upstream' }] });
    assert.equal((await t.call('DescribeSubscriptionFilters', { logGroupName: GROUP })).subscriptionFilters.length, 1);
    await t.call('DeleteLogGroup', { logGroupName: GROUP });
    await rejects(t.call('DescribeSubscriptionFilters', { logGroupName: GROUP }), 'ResourceNotFoundException', /log group does not exist/);
    await t.call('CreateLogGroup', { logGroupName: GROUP });
    assert.deepEqual((await t.call('DescribeSubscriptionFilters', { logGroupName: GROUP })).subscriptionFilters, []);
  });

  it('accept a logical destination of this account only when it exists, and any account’s destination', async () => {
    const t = await setup();
    const mine = `arn:aws:logs:us-east-1:${ACCOUNT}:destination:central`;
    await rejects(t.call('PutSubscriptionFilter', { ...t.filter, destinationArn: mine, roleArn: undefined }), 'ResourceNotFoundException', /destination does not exist/);
    await t.call('PutDestination', { destinationName: 'central', targetArn: STREAM_ARN, roleArn: ROLE_ARN });
    await t.call('PutSubscriptionFilter', { ...t.filter, destinationArn: mine, roleArn: undefined });
    await t.call('PutSubscriptionFilter', { ...t.filter, filterName: 'cross', destinationArn: 'arn:aws:logs:us-east-1:210987654321:destination:central', roleArn: undefined });
    assert.equal((await t.call('DescribeSubscriptionFilters', { logGroupName: GROUP })).subscriptionFilters.length, 2);
  });

  it('refuse hostile input naming the field, and store nothing', async () => {
    const t = await setup();
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ ...t.filter, logGroupName: '/ghost' }, 'ResourceNotFoundException', /log group does not exist/],
      [{ ...t.filter, filterPattern: '{ $.level = "ERROR" }' }, 'InvalidParameterException', /JSON or space-delimited/],
      [{ ...t.filter, filterPattern: '"unterminated' }, 'InvalidParameterException', /unterminated quote/],
      [{ ...t.filter, filterPattern: undefined }, 'InvalidParameterException', /filterPattern/],
      [{ ...t.filter, destinationArn: 'gateway-logs' }, 'InvalidParameterException', /destinationArn "gateway-logs" is not a supported destination/],
      [{ ...t.filter, destinationArn: 'arn:aws:s3:::my-bucket' }, 'InvalidParameterException', /not a supported destination/],
      [{ ...t.filter, destinationArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/other' }, 'InvalidParameterException', /not a supported destination/],
      [{ ...t.filter, destinationArn: 'arn:aws:kinesis:us-east-1:210987654321:stream/theirs' }, 'InvalidParameterException', /account 210987654321.*PutDestination/],
      [{ ...t.filter, destinationArn: '' }, 'InvalidParameterException', /destinationArn/],
      [{ ...t.filter, roleArn: 'arn:aws:iam::123456789012:user/bob' }, 'InvalidParameterException', /roleArn .* is not an IAM role ARN/],
      [{ ...t.filter, distribution: 'RoundRobin' }, 'InvalidParameterException', /distribution/],
      [{ ...t.filter, emitSystemFields: ['@aws.time'] }, 'InvalidParameterException', /emitSystemFields/],
      [{ ...t.filter, filterName: 'a:b' }, 'InvalidParameterException', /filterName/],
      [{ ...t.filter, filterName: 'x'.repeat(513) }, 'InvalidParameterException', /filterName/],
      [{ ...t.filter, filterPattern: 'x'.repeat(1025) }, 'InvalidParameterException', /filterPattern/],
      [{ ...t.filter, destinationArn: 42 }, 'SerializationException', /destinationArn/],
    ];
    for (const [input, code, message] of cases) await rejects(t.call('PutSubscriptionFilter', input), code, message);
    assert.deepEqual((await t.call('DescribeSubscriptionFilters', { logGroupName: GROUP })).subscriptionFilters, []);
    await rejects(t.call('DeleteSubscriptionFilter', { logGroupName: '/ghost', filterName: 'x' }), 'ResourceNotFoundException', /log group/);
  });

  it('are refused on an INFREQUENT_ACCESS log group (InvalidOperationException)', async () => {
    const t = await setup();
    await t.call('CreateLogGroup', { logGroupName: '/archive', logGroupClass: 'INFREQUENT_ACCESS' });
    await rejects(t.call('PutSubscriptionFilter', { ...t.filter, logGroupName: '/archive' }), 'InvalidOperationException', /STANDARD log class/);
  });
});

describe('CloudWatch Logs destinations', () => {
  it('are put (create, then update keeping arn and creationTime), given an access policy, described and deleted', async () => {
    const t = await setup();
    const { destination } = await t.call('PutDestination', { destinationName: 'central', targetArn: STREAM_ARN, roleArn: ROLE_ARN, tags: { team: 'platform' } });
    assert.deepEqual(destination, {
      destinationName: 'central',
      targetArn: STREAM_ARN,
      roleArn: ROLE_ARN,
      arn: `arn:aws:logs:us-east-1:${ACCOUNT}:destination:central`,
      creationTime: T0,
    });
    assert.deepEqual((await t.call('ListTagsForResource', { resourceArn: destination.arn })).tags, { team: 'platform' });
    assert.deepEqual(await t.call('PutDestinationPolicy', { destinationName: 'central', accessPolicy: POLICY }), {});
    t.advance(1000);
    const updated = (await t.call('PutDestination', { destinationName: 'central', targetArn: FIREHOSE_ARN, roleArn: ROLE_ARN })).destination;
    assert.equal(updated.targetArn, FIREHOSE_ARN);
    assert.equal(updated.creationTime, T0);
    assert.equal(updated.accessPolicy, POLICY, 'the access policy survives an update');
    const [described] = (await t.call('DescribeDestinations')).destinations;
    assert.deepEqual(described, updated);
    await t.call('DeleteDestination', { destinationName: 'central' });
    assert.deepEqual((await t.call('DescribeDestinations')).destinations, []);
    await rejects(t.call('DeleteDestination', { destinationName: 'central' }), 'ResourceNotFoundException', /destination does not exist/);
    await rejects(t.call('ListTagsForResource', { resourceArn: destination.arn }), 'ResourceNotFoundException');
  });

  it('are described by DestinationNamePrefix and paged', async () => {
    const t = await setup();
    for (const name of ['app-a', 'app-b', 'app-c', 'db-a']) await t.call('PutDestination', { destinationName: name, targetArn: STREAM_ARN, roleArn: ROLE_ARN });
    const first = await t.call('DescribeDestinations', { DestinationNamePrefix: 'app-', limit: 2 });
    assert.deepEqual(first.destinations.map((d: { destinationName: string }) => d.destinationName), ['app-a', 'app-b']);
    const second = await t.call('DescribeDestinations', { DestinationNamePrefix: 'app-', limit: 2, nextToken: first.nextToken });
    assert.deepEqual(second.destinations.map((d: { destinationName: string }) => d.destinationName), ['app-c']);
    assert.equal(second.nextToken, undefined);
    assert.equal((await t.call('DescribeDestinations')).destinations.length, 4);
  });

  it('are tagged and untagged by ARN', async () => {
    const t = await setup();
    const { destination } = await t.call('PutDestination', { destinationName: 'central', targetArn: STREAM_ARN, roleArn: ROLE_ARN });
    await t.call('TagResource', { resourceArn: destination.arn, tags: { a: '1', b: '2' } });
    await t.call('UntagResource', { resourceArn: destination.arn, tagKeys: ['a'] });
    assert.deepEqual((await t.call('ListTagsForResource', { resourceArn: destination.arn })).tags, { b: '2' });
    await rejects(t.call('TagResource', { resourceArn: `arn:aws:logs:us-east-1:${ACCOUNT}:destination:ghost`, tags: { a: '1' } }), 'ResourceNotFoundException');
  });

  it('refuse unsupported targets, non-role ARNs, bad or oversized policies and unknown names', async () => {
    const t = await setup();
    const base = { destinationName: 'central', targetArn: STREAM_ARN, roleArn: ROLE_ARN };
    await rejects(t.call('PutDestination', { ...base, targetArn: LAMBDA_ARN }), 'InvalidParameterException', /targetArn .* is not supported/);
    await rejects(t.call('PutDestination', { ...base, targetArn: 'stream/x' }), 'InvalidParameterException', /targetArn/);
    await rejects(t.call('PutDestination', { ...base, roleArn: 'arn:aws:iam::123456789012:policy/p' }), 'InvalidParameterException', /not an IAM role ARN/);
    await rejects(t.call('PutDestination', { ...base, roleArn: undefined }), 'InvalidParameterException', /roleArn/);
    await rejects(t.call('PutDestination', { ...base, destinationName: 'a:b' }), 'InvalidParameterException', /destinationName/);
    // The API reference lists no ResourceNotFoundException for PutDestinationPolicy: an unknown name is an invalid parameter.
    await rejects(t.call('PutDestinationPolicy', { destinationName: 'ghost', accessPolicy: POLICY }), 'InvalidParameterException', /destination does not exist/);
    await t.call('PutDestination', base);
    await rejects(t.call('PutDestinationPolicy', { destinationName: 'central', accessPolicy: '{oops' }), 'InvalidParameterException', /accessPolicy is not valid JSON/);
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x'.repeat(6000) }] });
    await rejects(t.call('PutDestinationPolicy', { destinationName: 'central', accessPolicy: big }), 'InvalidParameterException', /up to 5120 bytes/);
    assert.equal((await t.call('DescribeDestinations')).destinations[0].accessPolicy, undefined, 'no policy was stored');
    await rejects(t.call('DescribeDestinations', { limit: 0 }), 'InvalidParameterException', /limit/);
  });
});
