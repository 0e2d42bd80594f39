/**
 * Log stream operations: CreateLogStream, DeleteLogStream, DescribeLogStreams.
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { groupNameOf, need, page, readLimit } from './groups.js';
import { getLogGroup, getLogStream, newStream, own, sequenceToken, setOwn, validateStreamName, type LogGroupRecord, type LogStreamRecord } from './state.js';

function streamShape(group: LogGroupRecord, s: LogStreamRecord): Record<string, unknown> {
  return {
    logStreamName: s.name,
    creationTime: s.creationTime,
    ...(s.firstEventTimestamp !== undefined ? { firstEventTimestamp: s.firstEventTimestamp } : {}),
    ...(s.lastEventTimestamp !== undefined ? { lastEventTimestamp: s.lastEventTimestamp } : {}),
    ...(s.lastIngestionTime !== undefined ? { lastIngestionTime: s.lastIngestionTime } : {}),
    uploadSequenceToken: sequenceToken(s),
    arn: `${group.arn}:log-stream:${s.name}`,
    storedBytes: 0,
  };
}

export const createLogStream: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, String(need(input.logGroupName, 'logGroupName')));
  const name = String(need(input.logStreamName, 'logStreamName'));
  validateStreamName(name);
  if (own(group.streams, name)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
  setOwn(group.streams, name, newStream(name, ctx.now().getTime()));
  return {};
};

export const deleteLogStream: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, String(need(input.logGroupName, 'logGroupName')));
  const name = String(need(input.logStreamName, 'logStreamName'));
  getLogStream(group, name);
  delete group.streams[name];
  return {};
};

export const describeLogStreams: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, groupNameOf(input));
  const orderBy = String(input.orderBy ?? 'LogStreamName');
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
    throw new AwsError('InvalidParameterException', `orderBy must be LogStreamName or LastEventTime, got: ${orderBy}`);
  }
  const prefix = input.logStreamNamePrefix as string | undefined;
  if (prefix !== undefined && orderBy === 'LastEventTime') {
    throw new AwsError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  const limit = readLimit(input.limit, 50);
  const descending = input.descending === true || input.descending === 'true';
  const items = Object.values(group.streams)
    .filter((s) => prefix === undefined || s.name.startsWith(prefix))
    .sort((a, b) =>
      orderBy === 'LastEventTime'
        ? (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0) || (a.name < b.name ? -1 : 1)
        : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  if (descending) items.reverse();
  const { page: shown, nextToken } = page(items, input.nextToken, limit);
  return { logStreams: shown.map((s) => streamShape(group, s)), ...(nextToken ? { nextToken } : {}) };
};
