/**
 * CloudWatch Logs vended-log deliveries (issue #13, CloudWatch Logs):
 * delivery sources, delivery destinations (and their policies) and the
 * deliveries pairing them — stored only, with AWS's conflicts and errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { rejects } from '../rejects.js';

const ACCOUNT = '123456789012';
const LOGS = `arn:aws:logs:us-east-1:${ACCOUNT}`;
const CF_ARN = `arn:aws:cloudfront::${ACCOUNT}:distribution/E1ABCDEF`;
const GROUP_ARN = `${LOGS}:log-group:/vended/cloudfront`;
const BUCKET_ARN = 'arn:aws:s3:::ecskit-access-logs';
const FIREHOSE_ARN = `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/access-logs`;
const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '210987654321' }, Action: 'logs:CreateDelivery', Resource: `${LOGS}:delivery-destination:cwl` }] });

function setup() {
  const cloud = new CloudState({});
  const call = (op: string, input: unknown = {}) => cloud.invoke('logs', op, input, { region: 'us-east-1' }) as Promise<any>;
  const source = (name = 'cf', resourceArn = CF_ARN) => call('PutDeliverySource', { name, resourceArn, logType: 'ACCESS_LOGS' });
  const destination = (name: string, destinationResourceArn: string, extra: Record<string, unknown> = {}) =>
    call('PutDeliveryDestination', { name, deliveryDestinationConfiguration: { destinationResourceArn }, ...extra });
  return { cloud, call, source, destination };
}


const names = (list: Array<{ name: string }>) => list.map((x) => x.name);

describe('CloudWatch Logs delivery sources', () => {
  it('are put, got, described (paged), updated without tags, and deleted', async () => {
    const t = setup();
    const { deliverySource } = await t.call('PutDeliverySource', { name: 'cf', resourceArn: CF_ARN, logType: 'ACCESS_LOGS', tags: { env: 'lab' }, deliverySourceConfiguration: { samplingRate: '50' } });
    assert.deepEqual(deliverySource, {
      name: 'cf',
      arn: `${LOGS}:delivery-source:cf`,
      resourceArns: [CF_ARN],
      service: 'cloudfront',
      logType: 'ACCESS_LOGS',
      tags: { env: 'lab' },
      deliverySourceConfiguration: { samplingRate: '50' },
    });
    assert.deepEqual((await t.call('GetDeliverySource', { name: 'cf' })).deliverySource, deliverySource);
    const updated = (await t.call('PutDeliverySource', { name: 'cf', resourceArn: CF_ARN, logType: 'ACCESS_LOGS' })).deliverySource;
    assert.deepEqual(updated.tags, { env: 'lab' }, 'an update keeps the tags');
    assert.equal(updated.deliverySourceConfiguration, undefined, 'an update overwrites every other parameter');
    await t.source('b');
    await t.source('c');
    const first = await t.call('DescribeDeliverySources', { limit: 2 });
    assert.deepEqual(names(first.deliverySources), ['b', 'c']);
    const second = await t.call('DescribeDeliverySources', { limit: 2, nextToken: first.nextToken });
    assert.deepEqual(names(second.deliverySources), ['cf']);
    assert.equal(second.nextToken, undefined);
    await t.call('DeleteDeliverySource', { name: 'cf' });
    await rejects(t.call('GetDeliverySource', { name: 'cf' }), 'ResourceNotFoundException', /Requested Delivery Source does not exist in this account/);
    await rejects(t.call('DeleteDeliverySource', { name: 'cf' }), 'ResourceNotFoundException');
  });

  it('refuse tags on update, a new resource ARN on update, and malformed ARNs (ConflictException, ValidationException)', async () => {
    const t = setup();
    await t.source();
    await rejects(t.call('PutDeliverySource', { name: 'cf', resourceArn: CF_ARN, logType: 'ACCESS_LOGS', tags: { a: '1' } }), 'ConflictException', /Tags can only be provided when a resource is being created/);
    await rejects(t.source('cf', `arn:aws:cloudfront::${ACCOUNT}:distribution/E2OTHER`), 'ConflictException', /new ResourceId is not allowed/);
    await rejects(t.source('other', 'distribution/E1'), 'ValidationException', /resourceArn "distribution\/E1" is not an ARN/);
    await rejects(t.call('PutDeliverySource', { name: 'x', resourceArn: CF_ARN }), 'ValidationException', /logType/);
    await rejects(t.call('PutDeliverySource', { name: 'bad name', resourceArn: CF_ARN, logType: 'ACCESS_LOGS' }), 'ValidationException', /name/);
    await rejects(t.call('PutDeliverySource', { name: 'x'.repeat(61), resourceArn: CF_ARN, logType: 'ACCESS_LOGS' }), 'ValidationException', /name/);
    assert.deepEqual(names((await t.call('DescribeDeliverySources')).deliverySources), ['cf']);
  });
});

describe('CloudWatch Logs delivery destinations', () => {
  it('take their type from the resource: log group CWL, bucket S3, Firehose FH; X-Ray needs none', async () => {
    const t = setup();
    const cwl = (await t.destination('cwl', GROUP_ARN, { outputFormat: 'json', tags: { team: 'web' } })).deliveryDestination;
    assert.deepEqual(cwl, {
      name: 'cwl',
      arn: `${LOGS}:delivery-destination:cwl`,
      deliveryDestinationType: 'CWL',
      outputFormat: 'json',
      deliveryDestinationConfiguration: { destinationResourceArn: GROUP_ARN },
      tags: { team: 'web' },
    });
    assert.equal((await t.destination('s3', BUCKET_ARN)).deliveryDestination.deliveryDestinationType, 'S3');
    assert.equal((await t.destination('fh', FIREHOSE_ARN, { deliveryDestinationType: 'FH' })).deliveryDestination.deliveryDestinationType, 'FH');
    const xray = (await t.call('PutDeliveryDestination', { name: 'xray', deliveryDestinationType: 'XRAY' })).deliveryDestination;
    assert.deepEqual(xray, { name: 'xray', arn: `${LOGS}:delivery-destination:xray`, deliveryDestinationType: 'XRAY' });
    assert.deepEqual((await t.call('GetDeliveryDestination', { name: 'cwl' })).deliveryDestination, cwl);
    const first = await t.call('DescribeDeliveryDestinations', { limit: 3 });
    assert.deepEqual(names(first.deliveryDestinations), ['cwl', 'fh', 's3']);
    assert.deepEqual(names((await t.call('DescribeDeliveryDestinations', { nextToken: first.nextToken })).deliveryDestinations), ['xray']);
  });

  it('refuse a missing configuration, a type that contradicts the resource, unsupported resources, a new output format and tags on update', async () => {
    const t = setup();
    await rejects(t.call('PutDeliveryDestination', { name: 'x' }), 'ValidationException', /deliveryDestinationConfiguration is required/);
    await rejects(t.destination('x', GROUP_ARN, { deliveryDestinationType: 'S3' }), 'ValidationException', /does not match/);
    await rejects(t.destination('x', `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`), 'ValidationException', /not a log group .*, an S3 bucket .* or a Firehose delivery stream/);
    await rejects(t.destination('x', 'my-bucket'), 'ValidationException', /destinationResourceArn/);
    await rejects(t.destination('x', GROUP_ARN, { outputFormat: 'csv' }), 'ValidationException', /outputFormat/);
    await t.destination('cwl', GROUP_ARN, { outputFormat: 'json' });
    await rejects(t.destination('cwl', GROUP_ARN, { outputFormat: 'plain' }), 'ValidationException', /new Output Format is not allowed/);
    await rejects(t.destination('cwl', GROUP_ARN, { tags: { a: '1' } }), 'ConflictException', /Tags can only be provided/);
    assert.deepEqual(names((await t.call('DescribeDeliveryDestinations')).deliveryDestinations), ['cwl']);
  });

  it('carry a JSON policy: put, got, kept across an update, deleted', async () => {
    const t = setup();
    await t.destination('cwl', GROUP_ARN);
    assert.deepEqual(await t.call('GetDeliveryDestinationPolicy', { deliveryDestinationName: 'cwl' }), { policy: {} });
    assert.deepEqual(await t.call('PutDeliveryDestinationPolicy', { deliveryDestinationName: 'cwl', deliveryDestinationPolicy: POLICY }), { policy: { deliveryDestinationPolicy: POLICY } });
    await t.destination('cwl', GROUP_ARN, { outputFormat: 'json' });
    assert.deepEqual(await t.call('GetDeliveryDestinationPolicy', { deliveryDestinationName: 'cwl' }), { policy: { deliveryDestinationPolicy: POLICY } });
    await t.call('DeleteDeliveryDestinationPolicy', { deliveryDestinationName: 'cwl' });
    assert.deepEqual(await t.call('GetDeliveryDestinationPolicy', { deliveryDestinationName: 'cwl' }), { policy: {} });
    await rejects(t.call('PutDeliveryDestinationPolicy', { deliveryDestinationName: 'cwl', deliveryDestinationPolicy: 'Allow everyone' }), 'ValidationException', /not valid JSON/);
    for (const op of ['PutDeliveryDestinationPolicy', 'GetDeliveryDestinationPolicy', 'DeleteDeliveryDestinationPolicy']) {
      await rejects(t.call(op, { deliveryDestinationName: 'ghost', deliveryDestinationPolicy: POLICY }), 'ResourceNotFoundException', /Requested Delivery Destination does not exist/);
    }
  });
});

describe('CloudWatch Logs deliveries', () => {
  it('pair a source with a destination; the pair blocks deleting either (ConflictException) until the delivery is deleted', async () => {
    const t = setup();
    await t.source();
    const dest = (await t.destination('cwl', GROUP_ARN)).deliveryDestination;
    const { delivery } = await t.call('CreateDelivery', { deliverySourceName: 'cf', deliveryDestinationArn: dest.arn, recordFields: ['date', 'time', 'c-ip'], fieldDelimiter: ' ', tags: { k: 'v' } });
    assert.match(delivery.id, /^[0-9A-Za-z]{16}$/);
    assert.deepEqual(delivery, {
      id: delivery.id,
      arn: `${LOGS}:delivery:${delivery.id}`,
      deliverySourceName: 'cf',
      deliveryDestinationArn: dest.arn,
      deliveryDestinationType: 'CWL',
      recordFields: ['date', 'time', 'c-ip'],
      fieldDelimiter: ' ',
      tags: { k: 'v' },
    });
    assert.deepEqual((await t.call('GetDelivery', { id: delivery.id })).delivery, delivery);
    assert.deepEqual((await t.call('DescribeDeliveries')).deliveries, [delivery]);
    assert.deepEqual((await t.call('ListTagsForResource', { resourceArn: delivery.arn })).tags, { k: 'v' });
    await rejects(t.call('DeleteDeliverySource', { name: 'cf' }), 'ConflictException', new RegExp(`used by deliveries ${delivery.id}`));
    await rejects(t.call('DeleteDeliveryDestination', { name: 'cwl' }), 'ConflictException', new RegExp(`used by deliveries ${delivery.id}`));
    await rejects(t.destination('cwl', BUCKET_ARN), 'ConflictException', /cannot become a S3 destination/);
    await t.call('DeleteDelivery', { id: delivery.id });
    await rejects(t.call('GetDelivery', { id: delivery.id }), 'ResourceNotFoundException', /Requested Delivery does not exist in this account/);
    await rejects(t.call('DeleteDelivery', { id: delivery.id }), 'ResourceNotFoundException');
    await t.call('DeleteDeliverySource', { name: 'cf' });
    await t.call('DeleteDeliveryDestination', { name: 'cwl' });
  });

  it('allow one delivery per source and destination type', async () => {
    const t = setup();
    await t.source();
    const cwl = (await t.destination('cwl', GROUP_ARN)).deliveryDestination.arn;
    const cwl2 = (await t.destination('cwl2', `${LOGS}:log-group:/other`)).deliveryDestination.arn;
    const s3 = (await t.destination('s3', BUCKET_ARN)).deliveryDestination.arn;
    await t.call('CreateDelivery', { deliverySourceName: 'cf', deliveryDestinationArn: cwl });
    await rejects(t.call('CreateDelivery', { deliverySourceName: 'cf', deliveryDestinationArn: cwl }), 'ConflictException', /The specified Delivery already exists/);
    await rejects(t.call('CreateDelivery', { deliverySourceName: 'cf', deliveryDestinationArn: cwl2 }), 'ConflictException', /same Delivery Destination Type \(CWL/);
    const toS3 = (await t.call('CreateDelivery', { deliverySourceName: 'cf', deliveryDestinationArn: s3 })).delivery;
    assert.equal(toS3.deliveryDestinationType, 'S3');
    assert.deepEqual(toS3.s3DeliveryConfiguration, { enableHiveCompatiblePath: false });
    await t.source('second', `arn:aws:cloudfront::${ACCOUNT}:distribution/E2`);
    await t.call('CreateDelivery', { deliverySourceName: 'second', deliveryDestinationArn: cwl });
    const first = await t.call('DescribeDeliveries', { limit: 2 });
    assert.equal(first.deliveries.length, 2);
    const rest = await t.call('DescribeDeliveries', { limit: 2, nextToken: first.nextToken });
    assert.equal(rest.deliveries.length, 1);
    assert.equal(rest.nextToken, undefined);
  });

  it('update their record fields, delimiter and S3 options (S3 options only for S3 destinations)', async () => {
    const t = setup();
    await t.source();
    const s3 = (await t.destination('s3', BUCKET_ARN)).deliveryDestination.arn;
    const cwl = (await t.destination('cwl', GROUP_ARN)).deliveryDestination.arn;
    const { delivery } = await t.call('CreateDelivery', { deliverySourceName: 'cf', deliveryDestinationArn: s3, s3DeliveryConfiguration: { suffixPath: 'AWSLogs/{account-id}/' } });
    assert.deepEqual(delivery.s3DeliveryConfiguration, { enableHiveCompatiblePath: false, suffixPath: 'AWSLogs/{account-id}/' });
    assert.deepEqual(await t.call('UpdateDeliveryConfiguration', { id: delivery.id, recordFields: ['date'], fieldDelimiter: '\t', s3DeliveryConfiguration: { enableHiveCompatiblePath: true } }), {});
    const got = (await t.call('GetDelivery', { id: delivery.id })).delivery;
    assert.deepEqual(got.recordFields, ['date']);
    assert.equal(got.fieldDelimiter, '\t');
    assert.deepEqual(got.s3DeliveryConfiguration, { enableHiveCompatiblePath: true, suffixPath: 'AWSLogs/{account-id}/' });
    await t.source('other', `arn:aws:cloudfront::${ACCOUNT}:distribution/E9`);
    await rejects(t.call('CreateDelivery', { deliverySourceName: 'other', deliveryDestinationArn: cwl, s3DeliveryConfiguration: { suffixPath: 'x' } }), 'ValidationException', /only to deliveries to an S3 destination/);
    const toCwl = (await t.call('CreateDelivery', { deliverySourceName: 'other', deliveryDestinationArn: cwl })).delivery;
    await rejects(t.call('UpdateDeliveryConfiguration', { id: toCwl.id, s3DeliveryConfiguration: { suffixPath: 'x' } }), 'ValidationException', /S3 destination/);
    await rejects(t.call('UpdateDeliveryConfiguration', { id: 'NoSuchDelivery1' }), 'ResourceNotFoundException', /Requested Delivery does not exist/);
  });

  it('refuse unknown sources and destinations, and ARNs that are not delivery destinations', async () => {
    const t = setup();
    await t.source();
    const cwl = (await t.destination('cwl', GROUP_ARN)).deliveryDestination.arn;
    await rejects(t.call('CreateDelivery', { deliverySourceName: 'ghost', deliveryDestinationArn: cwl }), 'ResourceNotFoundException', /Requested Delivery Source does not exist/);
    await rejects(t.call('CreateDelivery', { deliverySourceName: 'cf', deliveryDestinationArn: `${LOGS}:delivery-destination:ghost` }), 'ResourceNotFoundException', /Requested Delivery Destination does not exist/);
    await rejects(t.call('CreateDelivery', { deliverySourceName: 'cf', deliveryDestinationArn: 'arn:aws:logs:eu-west-1:123456789012:delivery-destination:cwl' }), 'ResourceNotFoundException');
    await rejects(t.call('CreateDelivery', { deliverySourceName: 'cf', deliveryDestinationArn: GROUP_ARN }), 'ValidationException', /not a delivery destination ARN/);
    await rejects(t.call('CreateDelivery', { deliverySourceName: 'cf', deliveryDestinationArn: 'cwl' }), 'ValidationException', /not a delivery destination ARN/);
    await rejects(t.call('CreateDelivery', { deliverySourceName: 'cf' }), 'ValidationException', /deliveryDestinationArn/);
    await rejects(t.call('GetDelivery', { id: 'not-alnum!' }), 'ValidationException', /id/);
    await rejects(t.call('DescribeDeliveries', { nextToken: 'junk' }), 'ValidationException', /nextToken/);
    assert.deepEqual((await t.call('DescribeDeliveries')).deliveries, []);
  });
});
