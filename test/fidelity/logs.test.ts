import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateDeliveryCommand,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteDeliveryCommand,
  DeleteDeliveryDestinationCommand,
  DeleteDeliveryDestinationPolicyCommand,
  DeleteDeliverySourceCommand,
  DeleteDestinationCommand,
  DeleteLogGroupCommand,
  DeleteResourcePolicyCommand,
  DeleteSubscriptionFilterCommand,
  DescribeDeliveriesCommand,
  DescribeDeliveryDestinationsCommand,
  DescribeDeliverySourcesCommand,
  DescribeDestinationsCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  DescribeResourcePoliciesCommand,
  DescribeSubscriptionFiltersCommand,
  FilterLogEventsCommand,
  GetDeliveryCommand,
  GetDeliveryDestinationCommand,
  GetDeliveryDestinationPolicyCommand,
  GetDeliverySourceCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand,
  PutDeliveryDestinationCommand,
  PutDeliveryDestinationPolicyCommand,
  PutDeliverySourceCommand,
  PutDestinationCommand,
  PutDestinationPolicyCommand,
  PutLogEventsCommand,
  PutResourcePolicyCommand,
  PutRetentionPolicyCommand,
  PutSubscriptionFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { signedPost } from '../local/helpers.js';
import { startFidelity, type AllowedDivergence, type Fidelity, type FidelityCase, type Side } from './harness.js';

const G = '/ecs/fidelity-logs';
const T = Date.now() - 60_000;
const cases: FidelityCase[] = [
  { name: 'logs CreateLogGroup', call: (s) => s.clients.logs.send(new CreateLogGroupCommand({ logGroupName: G })) },
  { name: 'logs CreateLogGroup duplicate', call: (s) => s.clients.logs.send(new CreateLogGroupCommand({ logGroupName: G })) },
  { name: 'logs PutRetentionPolicy invalid', call: (s) => s.clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: G, retentionInDays: 4 })) },
  { name: 'logs PutRetentionPolicy', call: (s) => s.clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: G, retentionInDays: 7 })) },
  { name: 'logs CreateLogStream', call: (s) => s.clients.logs.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: 'ecs/invsys/1' })) },
  { name: 'logs CreateLogStream in missing group', call: (s) => s.clients.logs.send(new CreateLogStreamCommand({ logGroupName: '/ghost', logStreamName: 'x' })) },
  {
    name: 'logs PutLogEvents',
    call: (s) => s.clients.logs.send(new PutLogEventsCommand({ logGroupName: G, logStreamName: 'ecs/invsys/1', logEvents: [{ timestamp: T, message: 'GET /items 200' }, { timestamp: T + 1, message: 'ERROR db' }] })),
  },
  { name: 'logs DescribeLogGroups', call: (s) => s.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' })) },
  { name: 'logs DescribeLogStreams', call: (s) => s.clients.logs.send(new DescribeLogStreamsCommand({ logGroupName: G })) },
  { name: 'logs GetLogEvents', call: (s) => s.clients.logs.send(new GetLogEventsCommand({ logGroupName: G, logStreamName: 'ecs/invsys/1', startFromHead: true })) },
  { name: 'logs FilterLogEvents', call: (s) => s.clients.logs.send(new FilterLogEventsCommand({ logGroupName: G, filterPattern: 'ERROR' })) },
  { name: 'logs DeleteLogGroup', call: (s) => s.clients.logs.send(new DeleteLogGroupCommand({ logGroupName: G })) },
  { name: 'logs DeleteLogGroup missing', call: (s) => s.clients.logs.send(new DeleteLogGroupCommand({ logGroupName: G })) },
];

// Resource policies, subscription filters, destinations and deliveries (moto 5.2.1 implements all of
// them except UpdateDeliveryConfiguration, which only the local tests cover).
const ACCOUNT = '123456789012';
const SUB_GROUP = '/ecs/fidelity-subscriptions';
const STREAM = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/fidelity-logs`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/CWLtoKinesisRole`;
const DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'route53.amazonaws.com' }, Action: 'logs:PutLogEvents', Resource: '*' }] });
const CF = `arn:aws:cloudfront::${ACCOUNT}:distribution/E1FIDELITY`;
const CF2 = `arn:aws:cloudfront::${ACCOUNT}:distribution/E2FIDELITY`;
const DEST_GROUP_ARN = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/vended/fidelity`;
const CWL_DEST = `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-destination:fid-cwl`;
const S3_DEST = `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-destination:fid-s3`;
/** Delivery ids differ per side (random); remembered by side. */
const deliveryIds = new Map<Side['name'], string>();

/** moto checks that a Kinesis destination exists; the local cloud (no Kinesis) stores the ARN. */
async function kinesisStreamOnMoto(s: Side): Promise<void> {
  if (s.name !== 'moto') return;
  const r = await signedPost(
    s.endpoint,
    'kinesis',
    'us-east-1',
    { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.CreateStream' },
    JSON.stringify({ StreamName: 'fidelity-logs', ShardCount: 1 }),
  );
  if (r.status !== 200) throw new Error(`moto CreateStream failed: ${r.status} ${r.text}`);
}

const newCases: FidelityCase[] = [
  { name: 'logs PutResourcePolicy', call: (s) => s.clients.logs.send(new PutResourcePolicyCommand({ policyName: 'p0', policyDocument: DOC })) },
  // Named p0 so that moto, which stores it, still holds one policy (the limit cases count on it).
  { name: 'logs PutResourcePolicy not JSON', call: (s) => s.clients.logs.send(new PutResourcePolicyCommand({ policyName: 'p0', policyDocument: 'Allow everything' })) },
  {
    name: 'logs PutResourcePolicy up to the limit',
    call: async (s) => {
      let last: unknown;
      for (let i = 1; i < 10; i++) last = await s.clients.logs.send(new PutResourcePolicyCommand({ policyName: `p${i}`, policyDocument: DOC }));
      return last;
    },
  },
  { name: 'logs PutResourcePolicy 11th', call: (s) => s.clients.logs.send(new PutResourcePolicyCommand({ policyName: 'p10', policyDocument: DOC })) },
  { name: 'logs PutResourcePolicy replace at the limit', call: (s) => s.clients.logs.send(new PutResourcePolicyCommand({ policyName: 'p9', policyDocument: '{}' })) },
  { name: 'logs DescribeResourcePolicies', call: (s) => s.clients.logs.send(new DescribeResourcePoliciesCommand({})) },
  {
    name: 'logs DeleteResourcePolicy',
    call: async (s) => {
      for (let i = 1; i < 10; i++) await s.clients.logs.send(new DeleteResourcePolicyCommand({ policyName: `p${i}` }));
      return s.clients.logs.send(new DeleteResourcePolicyCommand({ policyName: 'p0' }));
    },
  },
  { name: 'logs DeleteResourcePolicy missing', call: (s) => s.clients.logs.send(new DeleteResourcePolicyCommand({ policyName: 'p0' })) },

  { name: 'logs CreateLogGroup for subscriptions', call: (s) => s.clients.logs.send(new CreateLogGroupCommand({ logGroupName: SUB_GROUP })) },
  {
    name: 'logs PutSubscriptionFilter',
    call: async (s) => {
      await kinesisStreamOnMoto(s);
      return s.clients.logs.send(new PutSubscriptionFilterCommand({ logGroupName: SUB_GROUP, filterName: 'errors', filterPattern: 'ERROR', destinationArn: STREAM, roleArn: ROLE }));
    },
  },
  {
    name: 'logs PutSubscriptionFilter second',
    call: (s) => s.clients.logs.send(new PutSubscriptionFilterCommand({ logGroupName: SUB_GROUP, filterName: 'fatal', filterPattern: 'FATAL', destinationArn: STREAM, roleArn: ROLE })),
  },
  {
    name: 'logs PutSubscriptionFilter third',
    call: (s) => s.clients.logs.send(new PutSubscriptionFilterCommand({ logGroupName: SUB_GROUP, filterName: 'third', filterPattern: '', destinationArn: STREAM, roleArn: ROLE })),
  },
  {
    name: 'logs PutSubscriptionFilter update with two',
    call: (s) => s.clients.logs.send(new PutSubscriptionFilterCommand({ logGroupName: SUB_GROUP, filterName: 'errors', filterPattern: '?ERROR ?FATAL', destinationArn: STREAM, roleArn: ROLE })),
  },
  {
    name: 'logs PutSubscriptionFilter missing group',
    call: (s) => s.clients.logs.send(new PutSubscriptionFilterCommand({ logGroupName: '/ghost', filterName: 'x', filterPattern: '', destinationArn: STREAM, roleArn: ROLE })),
  },
  { name: 'logs DescribeSubscriptionFilters', call: (s) => s.clients.logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: SUB_GROUP })) },
  { name: 'logs DescribeSubscriptionFilters missing group', call: (s) => s.clients.logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: '/ghost' })) },
  { name: 'logs DeleteSubscriptionFilter', call: (s) => s.clients.logs.send(new DeleteSubscriptionFilterCommand({ logGroupName: SUB_GROUP, filterName: 'fatal' })) },
  { name: 'logs DeleteSubscriptionFilter missing', call: (s) => s.clients.logs.send(new DeleteSubscriptionFilterCommand({ logGroupName: SUB_GROUP, filterName: 'fatal' })) },

  { name: 'logs PutDestination', call: (s) => s.clients.logs.send(new PutDestinationCommand({ destinationName: 'central', targetArn: STREAM, roleArn: ROLE, tags: { team: 'platform' } })) },
  {
    name: 'logs PutDestination Lambda target',
    call: (s) => s.clients.logs.send(new PutDestinationCommand({ destinationName: 'to-lambda', targetArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f`, roleArn: ROLE })),
  },
  { name: 'logs PutDestinationPolicy', call: (s) => s.clients.logs.send(new PutDestinationPolicyCommand({ destinationName: 'central', accessPolicy: DOC })) },
  { name: 'logs PutDestinationPolicy missing', call: (s) => s.clients.logs.send(new PutDestinationPolicyCommand({ destinationName: 'ghost', accessPolicy: DOC })) },
  { name: 'logs DescribeDestinations', call: (s) => s.clients.logs.send(new DescribeDestinationsCommand({ DestinationNamePrefix: 'cen' })) },
  { name: 'logs ListTagsForResource destination', call: (s) => s.clients.logs.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:logs:us-east-1:${ACCOUNT}:destination:central` })) },
  { name: 'logs DeleteDestination', call: (s) => s.clients.logs.send(new DeleteDestinationCommand({ destinationName: 'central' })) },
  { name: 'logs DeleteDestination missing', call: (s) => s.clients.logs.send(new DeleteDestinationCommand({ destinationName: 'central' })) },

  { name: 'logs PutDeliverySource', call: (s) => s.clients.logs.send(new PutDeliverySourceCommand({ name: 'fid-cf', resourceArn: CF, logType: 'ACCESS_LOGS', tags: { env: 'lab' } })) },
  { name: 'logs PutDeliverySource update with tags', call: (s) => s.clients.logs.send(new PutDeliverySourceCommand({ name: 'fid-cf', resourceArn: CF, logType: 'ACCESS_LOGS', tags: { env: 'prod' } })) },
  { name: 'logs PutDeliverySource update with a new resource', call: (s) => s.clients.logs.send(new PutDeliverySourceCommand({ name: 'fid-cf', resourceArn: CF2, logType: 'ACCESS_LOGS' })) },
  { name: 'logs GetDeliverySource', call: (s) => s.clients.logs.send(new GetDeliverySourceCommand({ name: 'fid-cf' })) },
  { name: 'logs GetDeliverySource missing', call: (s) => s.clients.logs.send(new GetDeliverySourceCommand({ name: 'ghost' })) },
  { name: 'logs DescribeDeliverySources', call: (s) => s.clients.logs.send(new DescribeDeliverySourcesCommand({})) },
  { name: 'logs ListTagsForResource delivery source', call: (s) => s.clients.logs.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-source:fid-cf` })) },
  {
    name: 'logs PutDeliveryDestination',
    call: (s) => s.clients.logs.send(new PutDeliveryDestinationCommand({ name: 'fid-cwl', outputFormat: 'json', deliveryDestinationConfiguration: { destinationResourceArn: DEST_GROUP_ARN } })),
  },
  // An outputFormat outside the enum: ValidationException, the only validation error the delivery APIs' model declares.
  {
    name: 'logs PutDeliveryDestination bad outputFormat',
    call: (s) => s.clients.logs.send(new PutDeliveryDestinationCommand({ name: 'fid-bad', outputFormat: 'yaml' as 'json', deliveryDestinationConfiguration: { destinationResourceArn: DEST_GROUP_ARN } })),
  },
  { name: 'logs GetDeliveryDestination', call: (s) => s.clients.logs.send(new GetDeliveryDestinationCommand({ name: 'fid-cwl' })) },
  { name: 'logs DescribeDeliveryDestinations', call: (s) => s.clients.logs.send(new DescribeDeliveryDestinationsCommand({})) },
  { name: 'logs PutDeliveryDestinationPolicy', call: (s) => s.clients.logs.send(new PutDeliveryDestinationPolicyCommand({ deliveryDestinationName: 'fid-cwl', deliveryDestinationPolicy: DOC })) },
  { name: 'logs GetDeliveryDestinationPolicy', call: (s) => s.clients.logs.send(new GetDeliveryDestinationPolicyCommand({ deliveryDestinationName: 'fid-cwl' })) },
  { name: 'logs PutDeliveryDestinationPolicy missing', call: (s) => s.clients.logs.send(new PutDeliveryDestinationPolicyCommand({ deliveryDestinationName: 'ghost', deliveryDestinationPolicy: DOC })) },
  {
    name: 'logs CreateDelivery',
    call: async (s) => {
      const out = await s.clients.logs.send(new CreateDeliveryCommand({ deliverySourceName: 'fid-cf', deliveryDestinationArn: CWL_DEST, recordFields: ['date', 'time', 'c-ip'] }));
      deliveryIds.set(s.name, out.delivery!.id!);
      return out;
    },
  },
  { name: 'logs CreateDelivery duplicate', call: (s) => s.clients.logs.send(new CreateDeliveryCommand({ deliverySourceName: 'fid-cf', deliveryDestinationArn: CWL_DEST })) },
  { name: 'logs CreateDelivery missing source', call: (s) => s.clients.logs.send(new CreateDeliveryCommand({ deliverySourceName: 'ghost', deliveryDestinationArn: CWL_DEST })) },
  {
    name: 'logs CreateDelivery missing destination',
    call: (s) => s.clients.logs.send(new CreateDeliveryCommand({ deliverySourceName: 'fid-cf', deliveryDestinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-destination:ghost` })),
  },
  { name: 'logs GetDelivery', call: (s) => s.clients.logs.send(new GetDeliveryCommand({ id: deliveryIds.get(s.name)! })) },
  { name: 'logs GetDelivery missing', call: (s) => s.clients.logs.send(new GetDeliveryCommand({ id: 'NoSuchDelivery0' })) },
  { name: 'logs DescribeDeliveries', call: (s) => s.clients.logs.send(new DescribeDeliveriesCommand({})) },
  {
    // A second pair, deleted while a delivery uses it: moto deletes, AWS (and the local cloud) refuse.
    name: 'logs DeleteDeliverySource in use',
    call: async (s) => {
      await s.clients.logs.send(new PutDeliverySourceCommand({ name: 'fid-cf2', resourceArn: CF2, logType: 'ACCESS_LOGS' }));
      await s.clients.logs.send(new PutDeliveryDestinationCommand({ name: 'fid-s3', deliveryDestinationConfiguration: { destinationResourceArn: 'arn:aws:s3:::fidelity-access-logs' } }));
      await s.clients.logs.send(new CreateDeliveryCommand({ deliverySourceName: 'fid-cf2', deliveryDestinationArn: S3_DEST, recordFields: ['date'] }));
      return s.clients.logs.send(new DeleteDeliverySourceCommand({ name: 'fid-cf2' }));
    },
  },
  { name: 'logs DeleteDeliveryDestination in use', call: (s) => s.clients.logs.send(new DeleteDeliveryDestinationCommand({ name: 'fid-s3' })) },
  { name: 'logs DeleteDelivery', call: (s) => s.clients.logs.send(new DeleteDeliveryCommand({ id: deliveryIds.get(s.name)! })) },
  { name: 'logs DeleteDelivery missing', call: (s) => s.clients.logs.send(new DeleteDeliveryCommand({ id: deliveryIds.get(s.name)! })) },
  { name: 'logs DeleteDeliveryDestinationPolicy', call: (s) => s.clients.logs.send(new DeleteDeliveryDestinationPolicyCommand({ deliveryDestinationName: 'fid-cwl' })) },
  { name: 'logs DeleteDeliveryDestination', call: (s) => s.clients.logs.send(new DeleteDeliveryDestinationCommand({ name: 'fid-cwl' })) },
  { name: 'logs DeleteDeliveryDestination missing', call: (s) => s.clients.logs.send(new DeleteDeliveryDestinationCommand({ name: 'fid-cwl' })) },
  { name: 'logs DeleteDeliverySource', call: (s) => s.clients.logs.send(new DeleteDeliverySourceCommand({ name: 'fid-cf' })) },
  { name: 'logs DeleteDeliverySource missing', call: (s) => s.clients.logs.send(new DeleteDeliverySourceCommand({ name: 'fid-cf' })) },
];

const RESOURCE_POLICY_REF = 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_ResourcePolicy.html';

const newAllow: AllowedDivergence[] = [
  {
    case: 'logs PutResourcePolicy',
    path: 'resourcePolicy.policyScope',
    reason: 'moto omits policyScope; AWS returns it (ACCOUNT for a policy without resourceArn)',
    reference: RESOURCE_POLICY_REF,
  },
  {
    case: 'logs PutResourcePolicy up to the limit',
    path: 'resourcePolicy.policyScope',
    reason: 'moto omits policyScope; AWS returns it (ACCOUNT for a policy without resourceArn)',
    reference: RESOURCE_POLICY_REF,
  },
  {
    case: 'logs PutResourcePolicy replace at the limit',
    path: 'resourcePolicy.policyScope',
    reason: 'moto omits policyScope; AWS returns it (ACCOUNT for a policy without resourceArn)',
    reference: RESOURCE_POLICY_REF,
  },
  {
    case: 'logs DescribeResourcePolicies',
    path: 'resourcePolicies[].policyScope',
    reason: 'moto omits policyScope; AWS returns it (ACCOUNT by default)',
    reference: RESOURCE_POLICY_REF,
  },
  {
    case: 'logs PutResourcePolicy not JSON',
    path: 'error',
    reason: 'moto stores any text; AWS requires policyDocument to be a JSON policy ("This is formatted as a JSON string") and answers InvalidParameterException',
    reference: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html',
  },
  {
    case: 'logs PutSubscriptionFilter update with two',
    path: 'error',
    reason: 'moto counts the filter being updated against the limit of two and answers LimitExceededException; AWS updates an existing filter by its filterName ("If you are updating an existing filter, you must specify the correct name in filterName")',
    reference: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html',
  },
  {
    case: 'logs DescribeSubscriptionFilters',
    path: 'subscriptionFilters[].applyOnTransformedLogs',
    reason: 'moto omits applyOnTransformedLogs; AWS returns it (false unless set)',
    reference: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_SubscriptionFilter.html',
  },
  {
    case: 'logs PutDestination Lambda target',
    path: 'error',
    reason: 'moto stores any targetArn; AWS destinations deliver to a Kinesis data stream or Firehose stream only ("We currently support Kinesis Data Streams and Firehose as logical destinations") and the local cloud answers InvalidParameterException',
    reference: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html',
  },
  {
    case: 'logs PutDestinationPolicy missing',
    path: 'error',
    reason: 'moto answers ResourceNotFoundException; the AWS API reference lists only InvalidParameterException, OperationAbortedException and ServiceUnavailableException for PutDestinationPolicy, so an unknown destinationName is InvalidParameterException',
    reference: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDestinationPolicy.html',
  },
  {
    case: 'logs DeleteDeliverySource in use',
    path: 'error',
    reason: 'moto deletes a delivery source that a delivery uses; AWS refuses ("You can\'t delete a delivery source if any current deliveries are associated with it") with ConflictException',
    reference: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteDeliverySource.html',
  },
  {
    case: 'logs DeleteDeliveryDestination in use',
    path: 'error',
    reason: 'moto deletes a delivery destination that a delivery uses; AWS refuses ("You can\'t delete a delivery destination if any current deliveries are associated with it") with ConflictException',
    reference: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteDeliveryDestination.html',
  },
];

const allow: AllowedDivergence[] = [
  {
    case: 'logs PutRetentionPolicy invalid',
    path: 'error',
    reason: 'moto accepts any retention; AWS accepts only the listed values (4 is not one) and answers InvalidParameterException',
    reference: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html',
  },
  {
    case: 'logs DescribeLogGroups',
    path: 'logGroups[].logGroupClass',
    reason: 'moto omits logGroupClass; AWS returns it (STANDARD by default)',
    reference: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_LogGroup.html',
  },
];

describe('fidelity: CloudWatch Logs against moto', () => {
  let h: Fidelity;
  before(async () => {
    h = await startFidelity();
  });
  after(() => h?.stop());

  test('log group, stream and event calls return the same keys, value types and error codes as moto, or a documented AWS difference', async () => {
    const report = await h.compare(cases, allow);
    assert.deepEqual(report.unexpected, []);
  });

  test('resource policy, subscription filter, destination and delivery calls match moto, or a documented AWS difference', async () => {
    const report = await h.compare(newCases, newAllow);
    assert.deepEqual(report.unexpected, []);
    // Every excuse was needed: a divergence that went away should leave the list.
    for (const a of newAllow) assert.ok(report.allowed.some((line) => line.startsWith(`[${a.case}]`)), `allowed divergence no longer seen: ${a.case} ${a.path}`);
  });
});
