import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { appendLogEvents, ensureLogGroup } from '../../../../src/local/services/logs/state.js';
import { rejects } from '../rejects.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');

function setup() {
  let now = T0;
  const cloud = new CloudState({ now: () => new Date(now) });
  const call = (op: string, input: unknown = {}) => cloud.invoke('logs', op, input, { region: 'us-east-1' }) as Promise<any>;
  return { cloud, call, advance: (ms: number) => (now += ms), region: () => cloud.region('us-east-1') };
}


async function streamWith(messages: string[], t = setup()) {
  await t.call('CreateLogGroup', { logGroupName: '/ecs/flask-inventory-invsys' });
  await t.call('CreateLogStream', { logGroupName: '/ecs/flask-inventory-invsys', logStreamName: 'ecs/invsys/task-1' });
  await t.call('PutLogEvents', {
    logGroupName: '/ecs/flask-inventory-invsys',
    logStreamName: 'ecs/invsys/task-1',
    logEvents: messages.map((message, i) => ({ timestamp: T0 - 60_000 + i * 1000, message })),
  });
  return t;
}

describe('CloudWatch Logs groups', () => {
  it('creates a log group once and rejects a second create', async () => {
    const t = setup();
    await t.call('CreateLogGroup', { logGroupName: '/ecs/gateway', tags: { project: 'lab' } });
    await rejects(t.call('CreateLogGroup', { logGroupName: '/ecs/gateway' }), 'ResourceAlreadyExistsException');
    const { logGroups } = await t.call('DescribeLogGroups', { logGroupNamePrefix: '/ecs/' });
    assert.equal(logGroups.length, 1);
    assert.equal(logGroups[0].arn, 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/gateway:*');
    assert.equal(logGroups[0].logGroupArn, 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/gateway');
    assert.equal(logGroups[0].creationTime, T0);
  });

  it('rejects invalid group names, naming the pattern', async () => {
    await rejects(setup().call('CreateLogGroup', { logGroupName: 'bad name!' }), 'InvalidParameterException', /logGroupName/);
  });

  it('pages log groups and matches name patterns case-insensitively', async () => {
    const t = setup();
    for (const name of ['/ecs/a', '/ecs/b', '/ecs/c', '/lambda/Inventory']) await t.call('CreateLogGroup', { logGroupName: name });
    const first = await t.call('DescribeLogGroups', { limit: 2 });
    assert.deepEqual(first.logGroups.map((g: any) => g.logGroupName), ['/ecs/a', '/ecs/b']);
    const second = await t.call('DescribeLogGroups', { limit: 2, nextToken: first.nextToken });
    assert.deepEqual(second.logGroups.map((g: any) => g.logGroupName), ['/ecs/c', '/lambda/Inventory']);
    assert.equal(second.nextToken, undefined);
    const pattern = await t.call('DescribeLogGroups', { logGroupNamePattern: 'inventory' });
    assert.deepEqual(pattern.logGroups.map((g: any) => g.logGroupName), ['/lambda/Inventory']);
    await rejects(t.call('DescribeLogGroups', { logGroupNamePrefix: '/', logGroupNamePattern: 'x' }), 'InvalidParameterException');
  });

  it('accepts only AWS retention values', async () => {
    const t = setup();
    await t.call('CreateLogGroup', { logGroupName: 'g' });
    await rejects(t.call('PutRetentionPolicy', { logGroupName: 'g', retentionInDays: 4 }), 'InvalidParameterException', /retentionInDays/);
    await t.call('PutRetentionPolicy', { logGroupName: 'g', retentionInDays: 7 });
    assert.equal((await t.call('DescribeLogGroups')).logGroups[0].retentionInDays, 7);
    await t.call('DeleteRetentionPolicy', { logGroupName: 'g' });
    assert.equal((await t.call('DescribeLogGroups')).logGroups[0].retentionInDays, undefined);
  });

  it('deletes a log group and then reports it missing', async () => {
    const t = setup();
    await t.call('CreateLogGroup', { logGroupName: 'g' });
    await t.call('DeleteLogGroup', { logGroupName: 'g' });
    await rejects(t.call('DeleteLogGroup', { logGroupName: 'g' }), 'ResourceNotFoundException', /log group does not exist/);
  });

  it('tags log groups by name and by ARN', async () => {
    const t = setup();
    await t.call('CreateLogGroup', { logGroupName: 'g' });
    await t.call('TagLogGroup', { logGroupName: 'g', tags: { a: '1' } });
    await t.call('TagResource', { resourceArn: 'arn:aws:logs:us-east-1:123456789012:log-group:g', tags: { b: '2' } });
    assert.deepEqual((await t.call('ListTagsLogGroup', { logGroupName: 'g' })).tags, { a: '1', b: '2' });
    await t.call('UntagResource', { resourceArn: 'arn:aws:logs:us-east-1:123456789012:log-group:g', tagKeys: ['a'] });
    assert.deepEqual((await t.call('ListTagsForResource', { resourceArn: 'arn:aws:logs:us-east-1:123456789012:log-group:g' })).tags, { b: '2' });
  });
});

describe('CloudWatch Logs streams and events', () => {
  it('orders streams by last event time, newest first when descending', async () => {
    const t = setup();
    await t.call('CreateLogGroup', { logGroupName: 'g' });
    for (const [name, ts] of [['b', T0 - 1000], ['a', T0 - 500], ['c', T0 - 2000]] as const) {
      await t.call('CreateLogStream', { logGroupName: 'g', logStreamName: name });
      await t.call('PutLogEvents', { logGroupName: 'g', logStreamName: name, logEvents: [{ timestamp: ts, message: name }] });
    }
    const byName = await t.call('DescribeLogStreams', { logGroupName: 'g' });
    assert.deepEqual(byName.logStreams.map((s: any) => s.logStreamName), ['a', 'b', 'c']);
    const byTime = await t.call('DescribeLogStreams', { logGroupName: 'g', orderBy: 'LastEventTime', descending: true });
    assert.deepEqual(byTime.logStreams.map((s: any) => s.logStreamName), ['a', 'b', 'c']);
    assert.equal(byTime.logStreams[0].lastEventTimestamp, T0 - 500);
    await rejects(t.call('DescribeLogStreams', { logGroupName: 'g', orderBy: 'LastEventTime', logStreamNamePrefix: 'a' }), 'InvalidParameterException');
  });

  it('rejects batches that are not in chronological order', async () => {
    const t = setup();
    await t.call('CreateLogGroup', { logGroupName: 'g' });
    await t.call('CreateLogStream', { logGroupName: 'g', logStreamName: 's' });
    await rejects(
      t.call('PutLogEvents', { logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: T0, message: 'b' }, { timestamp: T0 - 1, message: 'a' }] }),
      'InvalidParameterException',
      /chronological/,
    );
  });

  it('reports too-old and too-new events as rejected and keeps the rest', async () => {
    const t = setup();
    await t.call('CreateLogGroup', { logGroupName: 'g' });
    await t.call('CreateLogStream', { logGroupName: 'g', logStreamName: 's' });
    const out = await t.call('PutLogEvents', {
      logGroupName: 'g',
      logStreamName: 's',
      logEvents: [
        { timestamp: T0 - 14 * 86_400_000 - 2000, message: 'old' },
        { timestamp: T0 - 14 * 86_400_000 - 1000, message: 'old too' },
        { timestamp: T0 - 14 * 86_400_000 + 60_000, message: 'ok' },
      ],
    });
    assert.deepEqual(out.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 2 });
    await rejects(
      t.call('PutLogEvents', { logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: T0 - 2 * 86_400_000, message: 'a' }, { timestamp: T0, message: 'b' }] }),
      'InvalidParameterException',
      /24 hours/,
    );
    const newer = await t.call('PutLogEvents', { logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: T0 + 3 * 3_600_000, message: 'future' }] });
    assert.deepEqual(newer.rejectedLogEventsInfo, { tooNewLogEventStartIndex: 0 });
    const { events } = await t.call('GetLogEvents', { logGroupName: 'g', logStreamName: 's' });
    assert.deepEqual(events.map((e: any) => e.message), ['ok']);
  });

  it('pages forward from the head and returns the same forward token once the end is reached', async () => {
    const t = await streamWith(['one', 'two', 'three']);
    const base = { logGroupName: '/ecs/flask-inventory-invsys', logStreamName: 'ecs/invsys/task-1' };
    const first = await t.call('GetLogEvents', { ...base, startFromHead: true, limit: 2 });
    assert.deepEqual(first.events.map((e: any) => e.message), ['one', 'two']);
    const second = await t.call('GetLogEvents', { ...base, nextToken: first.nextForwardToken, limit: 2 });
    assert.deepEqual(second.events.map((e: any) => e.message), ['three']);
    const third = await t.call('GetLogEvents', { ...base, nextToken: second.nextForwardToken, limit: 2 });
    assert.deepEqual(third.events, []);
    assert.equal(third.nextForwardToken, second.nextForwardToken);
    await t.call('PutLogEvents', { ...base, logEvents: [{ timestamp: T0, message: 'four' }] });
    const tail = await t.call('GetLogEvents', { ...base, nextToken: third.nextForwardToken });
    assert.deepEqual(tail.events.map((e: any) => e.message), ['four']);
  });

  it('returns the latest events by default and pages backward', async () => {
    const t = await streamWith(['one', 'two', 'three']);
    const base = { logGroupName: '/ecs/flask-inventory-invsys', logStreamName: 'ecs/invsys/task-1' };
    const latest = await t.call('GetLogEvents', { ...base, limit: 2 });
    assert.deepEqual(latest.events.map((e: any) => e.message), ['two', 'three']);
    const older = await t.call('GetLogEvents', { ...base, limit: 2, nextToken: latest.nextBackwardToken });
    assert.deepEqual(older.events.map((e: any) => e.message), ['one']);
    const none = await t.call('GetLogEvents', { ...base, limit: 2, nextToken: older.nextBackwardToken });
    assert.deepEqual(none.events, []);
    assert.equal(none.nextBackwardToken, older.nextBackwardToken);
  });

  it('filters events by terms, quoted phrases and exclusions across streams', async () => {
    const t = await streamWith(['GET /items 200', 'POST /items 500 Internal error', 'GET /health 200', 'ERROR db locked']);
    await t.call('CreateLogStream', { logGroupName: '/ecs/flask-inventory-invsys', logStreamName: 'ecs/invsys/task-2' });
    await t.call('PutLogEvents', {
      logGroupName: '/ecs/flask-inventory-invsys',
      logStreamName: 'ecs/invsys/task-2',
      logEvents: [{ timestamp: T0 - 59_500, message: 'GET /items 200 from task 2' }],
    });
    const group = { logGroupName: '/ecs/flask-inventory-invsys' };
    const items = await t.call('FilterLogEvents', { ...group, filterPattern: 'GET /items' });
    assert.deepEqual(items.events.map((e: any) => e.message), ['GET /items 200', 'GET /items 200 from task 2']);
    assert.deepEqual(items.events.map((e: any) => e.logStreamName), ['ecs/invsys/task-1', 'ecs/invsys/task-2']);
    const phrase = await t.call('FilterLogEvents', { ...group, filterPattern: '"Internal error"' });
    assert.deepEqual(phrase.events.map((e: any) => e.message), ['POST /items 500 Internal error']);
    const excluded = await t.call('FilterLogEvents', { ...group, filterPattern: 'GET -health', logStreamNames: ['ecs/invsys/task-1'] });
    assert.deepEqual(excluded.events.map((e: any) => e.message), ['GET /items 200']);
    const either = await t.call('FilterLogEvents', { ...group, filterPattern: '?ERROR ?500' });
    assert.equal(either.events.length, 2);
    const window = await t.call('FilterLogEvents', { ...group, startTime: T0 - 58_000, endTime: T0 - 57_000 });
    assert.deepEqual(window.events.map((e: any) => e.message), ['GET /health 200', 'ERROR db locked']);
    const paged = await t.call('FilterLogEvents', { ...group, limit: 3 });
    assert.equal(paged.events.length, 3);
    const rest = await t.call('FilterLogEvents', { ...group, limit: 3, nextToken: paged.nextToken });
    assert.equal(rest.events.length, 2);
  });
});

describe('CloudWatch Logs accessors for the runtime', () => {
  it('creates the group on demand and appends container output to a new stream', async () => {
    const t = setup();
    const region = t.region();
    assert.throws(() => appendLogEvents(region, '/ecs/x', 'ecs/x/1', [{ timestamp: T0, message: 'hi' }], T0), /log group does not exist/);
    ensureLogGroup(region, { accountId: '123456789012', region: 'us-east-1' }, '/ecs/x', T0);
    appendLogEvents(region, '/ecs/x', 'ecs/x/1', [{ timestamp: T0 + 2, message: 'b' }, { timestamp: T0 + 1, message: 'a' }], T0 + 5);
    const { events } = await t.call('GetLogEvents', { logGroupName: '/ecs/x', logStreamName: 'ecs/x/1', startFromHead: true });
    assert.deepEqual(events.map((e: any) => e.message), ['a', 'b']);
    assert.deepEqual(JSON.parse(JSON.stringify(region.logs)), region.logs);
  });

  it('keeps at most 10000 events per stream, dropping the oldest', async () => {
    const t = setup();
    const region = t.region();
    ensureLogGroup(region, { accountId: '123456789012', region: 'us-east-1' }, 'g', T0);
    const batch = Array.from({ length: 10_500 }, (_, i) => ({ timestamp: T0 + i, message: `m${i}` }));
    appendLogEvents(region, 'g', 's', batch, T0);
    const first = await t.call('GetLogEvents', { logGroupName: 'g', logStreamName: 's', startFromHead: true, limit: 1 });
    assert.equal(first.events[0].message, 'm500');
  });
});

describe('CloudWatch Logs names that are Object.prototype members', () => {
  it('treats constructor, __proto__ and toString as ordinary names of groups, streams, filters, policies, destinations and deliveries', async () => {
    const t = setup();
    for (const name of ['constructor', 'toString']) {
      await rejects(t.call('DescribeLogStreams', { logGroupName: name }), 'ResourceNotFoundException', /log group does not exist/);
      await rejects(t.call('GetDeliverySource', { name }), 'ResourceNotFoundException');
      await rejects(t.call('GetDeliveryDestination', { name }), 'ResourceNotFoundException');
      await rejects(t.call('GetDelivery', { id: name }), 'ResourceNotFoundException');
      await rejects(t.call('DeleteResourcePolicy', { policyName: name }), 'ResourceNotFoundException');
      await rejects(t.call('DeleteDestination', { destinationName: name }), 'ResourceNotFoundException');
    }
    const names = ['__proto__', 'constructor'];
    for (const name of names) {
      await t.call('CreateLogGroup', { logGroupName: name, tags: { __proto__x: 'y' } });
      await t.call('CreateLogStream', { logGroupName: name, logStreamName: name });
      await rejects(t.call('CreateLogStream', { logGroupName: name, logStreamName: name }), 'ResourceAlreadyExistsException');
      await t.call('PutMetricFilter', { logGroupName: name, filterName: name, filterPattern: 'ERROR', metricTransformations: [{ metricName: 'm', metricNamespace: 'n', metricValue: '1' }] });
      await t.call('PutSubscriptionFilter', { logGroupName: name, filterName: name, filterPattern: '', destinationArn: 'arn:aws:lambda:us-east-1:123456789012:function:f' });
      await t.call('PutResourcePolicy', { policyName: name, policyDocument: '{}' });
      await t.call('PutDestination', { destinationName: name, targetArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/s', roleArn: 'arn:aws:iam::123456789012:role/r' });
      await t.call('PutDeliverySource', { name, resourceArn: 'arn:aws:cloudfront::123456789012:distribution/E1', logType: 'ACCESS_LOGS' });
    }
    await t.call('TagLogGroup', { logGroupName: 'constructor', tags: { ['__proto__']: 'polluted' } });
    assert.deepEqual((await t.call('ListTagsLogGroup', { logGroupName: 'constructor' })).tags, { __proto__x: 'y', ['__proto__']: 'polluted' });
    assert.deepEqual((await t.call('DescribeLogGroups')).logGroups.map((g: any) => g.logGroupName).sort(), [...names].sort());
    assert.deepEqual((await t.call('DescribeLogStreams', { logGroupName: '__proto__' })).logStreams.map((s: any) => s.logStreamName), ['__proto__']);
    assert.equal((await t.call('DescribeSubscriptionFilters', { logGroupName: '__proto__' })).subscriptionFilters[0].filterName, '__proto__');
    assert.deepEqual((await t.call('DescribeResourcePolicies')).resourcePolicies.map((p: any) => p.policyName).sort(), [...names].sort());
    assert.equal((await t.call('DescribeDestinations')).destinations.length, 2);
    assert.deepEqual((await t.call('GetDeliverySource', { name: '__proto__' })).deliverySource.name, '__proto__');
    const logs = t.region().logs as Record<string, unknown>;
    assert.deepEqual(JSON.parse(JSON.stringify(logs)), logs, 'stored as own properties, so they survive JSON');
    assert.equal(Object.getPrototypeOf((logs as any).groups), Object.prototype, 'no prototype was replaced');
    await t.call('DeleteLogGroup', { logGroupName: '__proto__' });
    await rejects(t.call('DescribeLogStreams', { logGroupName: '__proto__' }), 'ResourceNotFoundException');
  });
});
