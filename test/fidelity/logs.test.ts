import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { startFidelity, type AllowedDivergence, type Fidelity, type FidelityCase } from './harness.js';

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
});
