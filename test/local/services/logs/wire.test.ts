/**
 * CloudWatch Logs over the wire (issue #13, CloudWatch Logs): the new
 * operations through the unmodified AWS SDK v3 client (JSON 1.1, error
 * codes as the SDK sees them); a metric filter on `ERROR` producing
 * datapoints that GetMetricStatistics and GetMetricData return; and the new
 * records surviving a crash through the state journal.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetMetricDataCommand, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateDeliveryCommand,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteDeliveryCommand,
  DeleteDeliveryDestinationCommand,
  DeleteResourcePolicyCommand,
  DescribeDeliveriesCommand,
  DescribeDeliverySourcesCommand,
  DescribeDestinationsCommand,
  DescribeResourcePoliciesCommand,
  DescribeSubscriptionFiltersCommand,
  GetDeliveryCommand,
  GetDeliveryDestinationPolicyCommand,
  PutDeliveryDestinationCommand,
  PutDeliveryDestinationPolicyCommand,
  PutDeliverySourceCommand,
  PutDestinationCommand,
  PutDestinationPolicyCommand,
  PutLogEventsCommand,
  PutMetricFilterCommand,
  PutResourcePolicyCommand,
  PutSubscriptionFilterCommand,
  UpdateDeliveryConfigurationCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { journalPathOf, StatePersister } from '../../../../src/local/server/persistence.js';
import { rejection, startTestCloud, type TestCloud } from '../../helpers.js';

const ACCOUNT = '123456789012';
const GROUP = '/ecs/flask-inventory-gateway';
const KINESIS = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/gateway-logs`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/CWLtoKinesisRole`;
const DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'delivery.logs.amazonaws.com' }, Action: 'logs:PutLogEvents', Resource: '*' }] });

describe('CloudWatch Logs through the AWS SDK', () => {
  let t: TestCloud;
  before(async () => {
    t = await startTestCloud();
    await t.clients.logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
  });
  after(() => t?.stop());

  it('resource policies: put, describe, the 10-policy limit and unknown names as SDK errors', async () => {
    const logs = t.clients.logs;
    const put = await logs.send(new PutResourcePolicyCommand({ policyName: 'p0', policyDocument: DOC }));
    assert.equal(put.resourcePolicy?.policyName, 'p0');
    assert.equal(put.resourcePolicy?.policyScope, 'ACCOUNT');
    assert.equal(typeof put.resourcePolicy?.lastUpdatedTime, 'number');
    for (let i = 1; i < 10; i++) await logs.send(new PutResourcePolicyCommand({ policyName: `p${i}`, policyDocument: DOC }));
    const limit = await rejection(logs.send(new PutResourcePolicyCommand({ policyName: 'p10', policyDocument: DOC })));
    assert.equal(limit.name, 'LimitExceededException');
    assert.equal(limit.$metadata.httpStatusCode, 400);
    const bad = await rejection(logs.send(new PutResourcePolicyCommand({ policyName: 'p0', policyDocument: 'not json' })));
    assert.equal(bad.name, 'InvalidParameterException');
    const page = await logs.send(new DescribeResourcePoliciesCommand({ limit: 4 }));
    assert.equal(page.resourcePolicies?.length, 4);
    assert.ok(page.nextToken);
    for (let i = 0; i < 10; i++) await logs.send(new DeleteResourcePolicyCommand({ policyName: `p${i}` }));
    assert.equal((await rejection(logs.send(new DeleteResourcePolicyCommand({ policyName: 'p0' })))).name, 'ResourceNotFoundException');
    const scoped = await logs.send(new PutResourcePolicyCommand({ resourceArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${GROUP}`, policyDocument: DOC }));
    assert.equal(scoped.resourcePolicy?.policyScope, 'RESOURCE');
    assert.equal(scoped.revisionId, scoped.resourcePolicy?.revisionId);
  });

  it('subscription filters and destinations: stored and described; the third filter is LimitExceededException', async () => {
    const logs = t.clients.logs;
    await logs.send(new PutSubscriptionFilterCommand({ logGroupName: GROUP, filterName: 'errors', filterPattern: 'ERROR', destinationArn: KINESIS, roleArn: ROLE }));
    await logs.send(new PutSubscriptionFilterCommand({ logGroupName: GROUP, filterName: 'fatal', filterPattern: 'FATAL', destinationArn: KINESIS, roleArn: ROLE, distribution: 'Random' }));
    const third = await rejection(logs.send(new PutSubscriptionFilterCommand({ logGroupName: GROUP, filterName: 'third', filterPattern: '', destinationArn: KINESIS, roleArn: ROLE })));
    assert.equal(third.name, 'LimitExceededException');
    const { subscriptionFilters } = await logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: GROUP }));
    assert.deepEqual(subscriptionFilters?.map((f) => [f.filterName, f.distribution, f.destinationArn]), [['errors', 'ByLogStream', KINESIS], ['fatal', 'Random', KINESIS]]);
    assert.equal(typeof subscriptionFilters?.[0]?.creationTime, 'number');
    const missing = await rejection(logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: '/ghost' })));
    assert.equal(missing.name, 'ResourceNotFoundException');
    const { destination } = await logs.send(new PutDestinationCommand({ destinationName: 'central', targetArn: KINESIS, roleArn: ROLE }));
    assert.equal(destination?.arn, `arn:aws:logs:us-east-1:${ACCOUNT}:destination:central`);
    await logs.send(new PutDestinationPolicyCommand({ destinationName: 'central', accessPolicy: DOC }));
    const { destinations } = await logs.send(new DescribeDestinationsCommand({ DestinationNamePrefix: 'cen' }));
    assert.equal(destinations?.[0]?.accessPolicy, DOC);
  });

  it('deliveries: source, destination, policy, delivery, update; ConflictException and ValidationException reach the SDK by name', async () => {
    const logs = t.clients.logs;
    await logs.send(new PutDeliverySourceCommand({ name: 'cf', resourceArn: `arn:aws:cloudfront::${ACCOUNT}:distribution/E1`, logType: 'ACCESS_LOGS' }));
    assert.equal((await logs.send(new DescribeDeliverySourcesCommand({}))).deliverySources?.[0]?.service, 'cloudfront');
    const { deliveryDestination } = await logs.send(new PutDeliveryDestinationCommand({ name: 's3', outputFormat: 'parquet', deliveryDestinationConfiguration: { destinationResourceArn: 'arn:aws:s3:::access-logs' } }));
    assert.equal(deliveryDestination?.deliveryDestinationType, 'S3');
    await logs.send(new PutDeliveryDestinationPolicyCommand({ deliveryDestinationName: 's3', deliveryDestinationPolicy: DOC }));
    assert.equal((await logs.send(new GetDeliveryDestinationPolicyCommand({ deliveryDestinationName: 's3' }))).policy?.deliveryDestinationPolicy, DOC);
    const { delivery } = await logs.send(new CreateDeliveryCommand({ deliverySourceName: 'cf', deliveryDestinationArn: deliveryDestination!.arn! }));
    assert.equal(delivery?.deliveryDestinationType, 'S3');
    await logs.send(new UpdateDeliveryConfigurationCommand({ id: delivery!.id!, s3DeliveryConfiguration: { suffixPath: 'cf/{yyyy}/', enableHiveCompatiblePath: true } }));
    assert.deepEqual((await logs.send(new GetDeliveryCommand({ id: delivery!.id! }))).delivery?.s3DeliveryConfiguration, { suffixPath: 'cf/{yyyy}/', enableHiveCompatiblePath: true });
    const conflict = await rejection(logs.send(new DeleteDeliveryDestinationCommand({ name: 's3' })));
    assert.equal(conflict.name, 'ConflictException');
    const invalid = await rejection(logs.send(new PutDeliveryDestinationCommand({ name: 'bad' })));
    assert.equal(invalid.name, 'ValidationException');
    await logs.send(new DeleteDeliveryCommand({ id: delivery!.id! }));
    await logs.send(new DeleteDeliveryDestinationCommand({ name: 's3' }));
    assert.deepEqual((await logs.send(new DescribeDeliveriesCommand({}))).deliveries, []);
  });

  it('a metric filter on ERROR turns matching log events into datapoints that GetMetricStatistics and GetMetricData return', async () => {
    const logs = t.clients.logs;
    const group = '/ecs/metric-filter-wire';
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'gateway/1' }));
    await logs.send(
      new PutMetricFilterCommand({
        logGroupName: group,
        filterName: 'errors',
        filterPattern: 'ERROR',
        metricTransformations: [{ metricName: 'GatewayErrors', metricNamespace: 'WireTest', metricValue: '1', unit: 'Count' }],
      }),
    );
    const base = Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000; // a whole minute, ten minutes ago
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 'gateway/1',
        logEvents: [
          { timestamp: base + 1_000, message: 'INFO GET /items 200' },
          { timestamp: base + 2_000, message: 'ERROR upstream timed out' },
          { timestamp: base + 3_000, message: 'ERROR upstream refused' },
          { timestamp: base + 61_000, message: 'ERROR again, next minute' },
          { timestamp: base + 62_000, message: 'error (lower case does not match)' },
        ],
      }),
    );
    const window = { StartTime: new Date(base - 60_000), EndTime: new Date(base + 5 * 60_000) };
    const stats = await t.clients.cloudWatch.send(new GetMetricStatisticsCommand({ Namespace: 'WireTest', MetricName: 'GatewayErrors', Period: 60, Statistics: ['Sum'], ...window }));
    const sums = (stats.Datapoints ?? []).sort((a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime()).map((d) => [d.Timestamp!.getTime(), d.Sum, d.Unit]);
    assert.deepEqual(sums, [[base, 2, 'Count'], [base + 60_000, 1, 'Count']]);
    const data = await t.clients.cloudWatch.send(
      new GetMetricDataCommand({
        ...window,
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [{ Id: 'errors', MetricStat: { Metric: { Namespace: 'WireTest', MetricName: 'GatewayErrors' }, Period: 60, Stat: 'Sum' } }],
      }),
    );
    const result = data.MetricDataResults?.[0];
    assert.equal(result?.StatusCode, 'Complete');
    assert.deepEqual(result?.Timestamps?.map((d) => d.getTime()), [base, base + 60_000]);
    assert.deepEqual(result?.Values, [2, 1]);
  });
});

describe('CloudWatch Logs records in the state journal', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('resource policies, subscription filters, destinations, delivery sources/destinations and deliveries survive a crash, deletions included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecskit-logs-journal-'));
    dirs.push(dir);
    const file = join(dir, 'state.json');
    const state = new CloudState();
    const persister = StatePersister.open(state, file, { log: () => {}, debounceMs: 3_600_000 });
    const call = (op: string, input: unknown) => state.invoke('logs', op, input, { region: 'us-east-1' }) as Promise<any>;
    try {
      await call('CreateLogGroup', { logGroupName: GROUP });
      await call('PutResourcePolicy', { policyName: 'route53', policyDocument: DOC });
      await call('PutResourcePolicy', { policyName: 'gone', policyDocument: DOC });
      await call('DeleteResourcePolicy', { policyName: 'gone' });
      await call('PutResourcePolicy', { resourceArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${GROUP}`, policyDocument: DOC });
      persister.flush(); // a snapshot in the middle: the rest is replayed from the journal
      await call('PutSubscriptionFilter', { logGroupName: GROUP, filterName: 'errors', filterPattern: 'ERROR', destinationArn: KINESIS, roleArn: ROLE });
      await call('PutDestination', { destinationName: 'central', targetArn: KINESIS, roleArn: ROLE, tags: { a: '1' } });
      await call('PutDestinationPolicy', { destinationName: 'central', accessPolicy: DOC });
      await call('PutDeliverySource', { name: 'cf', resourceArn: `arn:aws:cloudfront::${ACCOUNT}:distribution/E1`, logType: 'ACCESS_LOGS' });
      const dest = (await call('PutDeliveryDestination', { name: 'cwl', deliveryDestinationConfiguration: { destinationResourceArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${GROUP}` } })).deliveryDestination;
      await call('PutDeliveryDestinationPolicy', { deliveryDestinationName: 'cwl', deliveryDestinationPolicy: DOC });
      const { delivery } = await call('CreateDelivery', { deliverySourceName: 'cf', deliveryDestinationArn: dest.arn });
      await call('UpdateDeliveryConfiguration', { id: delivery.id, recordFields: ['date'] });
      await call('PutDeliveryDestination', { name: 'short-lived', deliveryDestinationType: 'XRAY' });
      await call('DeleteDeliveryDestination', { name: 'short-lived' });

      const crashed = join(mkdtempSync(join(tmpdir(), 'ecskit-logs-journal-')), 'state.json');
      dirs.push(join(crashed, '..'));
      copyFileSync(file, crashed);
      copyFileSync(journalPathOf(file), journalPathOf(crashed));
      const recovered = new CloudState();
      const reloaded = StatePersister.open(recovered, crashed, { log: () => {}, debounceMs: 3_600_000 });
      try {
        assert.deepEqual(JSON.parse(JSON.stringify(recovered.snapshot())), JSON.parse(JSON.stringify(state.snapshot())));
        const again = (op: string, input: unknown = {}) => recovered.invoke('logs', op, input, { region: 'us-east-1' }) as Promise<any>;
        assert.deepEqual((await again('DescribeResourcePolicies')).resourcePolicies.map((p: { policyName: string }) => p.policyName), ['route53']);
        assert.equal((await again('DescribeResourcePolicies', { policyScope: 'RESOURCE' })).resourcePolicies.length, 1);
        assert.equal((await again('DescribeSubscriptionFilters', { logGroupName: GROUP })).subscriptionFilters[0].filterName, 'errors');
        assert.equal((await again('DescribeDestinations')).destinations[0].accessPolicy, DOC);
        assert.deepEqual((await again('GetDelivery', { id: delivery.id })).delivery.recordFields, ['date']);
        assert.deepEqual((await again('DescribeDeliveryDestinations')).deliveryDestinations.map((d: { name: string }) => d.name), ['cwl']);
      } finally {
        reloaded.close();
      }
    } finally {
      persister.close();
    }
  });
});
