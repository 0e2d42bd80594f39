/**
 * CloudWatch Logs subscriptions: subscription filters (PutSubscriptionFilter,
 * DescribeSubscriptionFilters, DeleteSubscriptionFilter) and the logical
 * destinations of cross-account subscriptions (PutDestination,
 * PutDestinationPolicy, DescribeDestinations, DeleteDestination).
 *
 * **Stored only.** The local cloud has no Kinesis, Firehose or Lambda, so no
 * event is ever delivered: filters and destinations are validated as AWS
 * validates them (group exists, at most two filters per group, a filter
 * pattern FilterLogEvents accepts, a destination ARN of a supported service,
 * JSON access policies) and described back, nothing more. AWS also sends a
 * test message to the destination when a filter is put; that check is not
 * made here.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { compileFilterPattern } from './filter-pattern.js';
import { need, page, readLimit } from './groups.js';
import { readPolicyDocument } from './resource-policies.js';
import { getLogGroup, logsCollection, logsState, own, parseArn, setOwn, type DestinationRecord, type SubscriptionFilterRecord } from './state.js';
import { readTagMap } from './tags.js';

/** AWS's quota of subscription filters per log group (not adjustable). */
export const MAX_SUBSCRIPTION_FILTERS_PER_GROUP = 2;

/** Largest destination access policy AWS accepts ("up to 5120 bytes"). */
export const MAX_ACCESS_POLICY_BYTES = 5120;

const byName = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** An IAM role ARN, or InvalidParameterException naming `field`. */
function readRoleArn(value: unknown, field: string): string {
  const arn = parseArn(value);
  if (!arn || arn.service !== 'iam' || !arn.resource.startsWith('role/') || arn.resource.length <= 'role/'.length) {
    throw new AwsError('InvalidParameterException', `${field} ${JSON.stringify(value)} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME).`);
  }
  return String(value);
}

/**
 * Checks a subscription filter's `destinationArn`: a Kinesis data stream,
 * Firehose delivery stream or Lambda function of this account, or a logical
 * destination (PutDestination) of any account. A destination of this account
 * and Region must exist.
 */
function checkDestinationArn(ctx: RequestContext, value: string): void {
  const arn = parseArn(value);
  const kind =
    arn === undefined
      ? undefined
      : arn.service === 'kinesis' && /^stream\/.+/.test(arn.resource)
        ? 'a Kinesis data stream'
        : arn.service === 'firehose' && /^deliverystream\/.+/.test(arn.resource)
          ? 'a Firehose delivery stream'
          : arn.service === 'lambda' && /^function:.+/.test(arn.resource)
            ? 'a Lambda function'
            : arn.service === 'logs' && /^destination:[^:*]+$/.test(arn.resource)
              ? 'destination'
              : undefined;
  if (!arn || !kind || arn.region === '' || arn.account === '') {
    throw new AwsError(
      'InvalidParameterException',
      `destinationArn ${JSON.stringify(value)} is not a supported destination: use the ARN of a Kinesis data stream, a Firehose delivery stream or a Lambda function of this account, or of a logical destination (PutDestination).`,
    );
  }
  if (kind === 'destination') {
    // Another account's or Region's destination: its owner's access policy decides; not checked here.
    if (arn.account !== ctx.accountId || arn.region !== ctx.region) return;
    const name = arn.resource.slice('destination:'.length);
    if (!own(logsState(ctx.state).destinations, name)) throw new AwsError('ResourceNotFoundException', `The specified destination does not exist: ${value}`);
    return;
  }
  if (arn.account !== ctx.accountId) {
    throw new AwsError(
      'InvalidParameterException',
      `destinationArn ${value} is ${kind} of account ${arn.account}; deliver to another account through a logical destination that account creates with PutDestination.`,
    );
  }
}

function filterShape(groupName: string, f: SubscriptionFilterRecord): Record<string, unknown> {
  return {
    filterName: f.filterName,
    logGroupName: groupName,
    filterPattern: f.filterPattern,
    destinationArn: f.destinationArn,
    ...(f.roleArn !== undefined ? { roleArn: f.roleArn } : {}),
    distribution: f.distribution,
    applyOnTransformedLogs: f.applyOnTransformedLogs,
    creationTime: f.creationTime,
    ...(f.fieldSelectionCriteria !== undefined ? { fieldSelectionCriteria: f.fieldSelectionCriteria } : {}),
    ...(f.emitSystemFields !== undefined ? { emitSystemFields: [...f.emitSystemFields] } : {}),
  };
}

export const putSubscriptionFilter: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, String(need(input.logGroupName, 'logGroupName')));
  const filterName = String(need(input.filterName, 'filterName'));
  if (input.filterPattern === undefined || input.filterPattern === null) need(undefined, 'filterPattern');
  const filterPattern = String(input.filterPattern);
  compileFilterPattern(filterPattern); // refuses what FilterLogEvents would refuse, before anything is stored
  const destinationArn = String(need(input.destinationArn, 'destinationArn'));
  checkDestinationArn(ctx, destinationArn);
  const roleArn = input.roleArn === undefined ? undefined : readRoleArn(input.roleArn, 'roleArn');
  const distribution = String(input.distribution ?? 'ByLogStream');
  if (distribution !== 'ByLogStream' && distribution !== 'Random') throw new AwsError('InvalidParameterException', `distribution must be ByLogStream or Random, got: ${distribution}`);
  if (group.logGroupClass !== 'STANDARD') {
    throw new AwsError('InvalidOperationException', `Subscription filters are supported only for log groups of the STANDARD log class; ${group.name} is ${group.logGroupClass}.`);
  }
  const filters = (group.subscriptionFilters ??= {});
  const existing = own(filters, filterName);
  if (!existing && Object.keys(filters).length >= MAX_SUBSCRIPTION_FILTERS_PER_GROUP) {
    throw new AwsError(
      'LimitExceededException',
      `Resource limit exceeded. Log group ${group.name} already has ${MAX_SUBSCRIPTION_FILTERS_PER_GROUP} subscription filters (${Object.keys(filters).join(', ')}), the most a group can have; update one by its filterName or delete one first.`,
    );
  }
  const emit = Array.isArray(input.emitSystemFields) ? (input.emitSystemFields as unknown[]).map(String) : undefined;
  for (const field of emit ?? []) {
    if (field !== '@aws.account' && field !== '@aws.region') throw new AwsError('InvalidParameterException', `emitSystemFields accepts @aws.account and @aws.region, got: ${field}`);
  }
  setOwn(filters, filterName, {
    filterName,
    filterPattern,
    destinationArn,
    ...(roleArn !== undefined ? { roleArn } : {}),
    distribution,
    applyOnTransformedLogs: input.applyOnTransformedLogs === true,
    ...(input.fieldSelectionCriteria !== undefined ? { fieldSelectionCriteria: String(input.fieldSelectionCriteria) } : {}),
    ...(emit !== undefined ? { emitSystemFields: emit } : {}),
    creationTime: existing?.creationTime ?? ctx.now().getTime(),
  });
  return {};
};

export const describeSubscriptionFilters: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, String(need(input.logGroupName, 'logGroupName')));
  const limit = readLimit(input.limit, 50);
  const prefix = input.filterNamePrefix === undefined ? '' : String(input.filterNamePrefix);
  const items = Object.values(group.subscriptionFilters ?? {})
    .filter((f) => f.filterName.startsWith(prefix))
    .sort(byName((f) => f.filterName));
  const { page: shown, nextToken } = page(items, input.nextToken, limit);
  return { subscriptionFilters: shown.map((f) => filterShape(group.name, f)), ...(nextToken ? { nextToken } : {}) };
};

export const deleteSubscriptionFilter: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, String(need(input.logGroupName, 'logGroupName')));
  const filterName = String(need(input.filterName, 'filterName'));
  if (!group.subscriptionFilters || !own(group.subscriptionFilters, filterName)) throw new AwsError('ResourceNotFoundException', 'The specified subscription filter does not exist.');
  delete group.subscriptionFilters[filterName];
  return {};
};

function destinationShape(d: DestinationRecord): Record<string, unknown> {
  return {
    destinationName: d.destinationName,
    targetArn: d.targetArn,
    roleArn: d.roleArn,
    ...(d.accessPolicy !== undefined ? { accessPolicy: d.accessPolicy } : {}),
    arn: d.arn,
    creationTime: d.creationTime,
  };
}

/**
 * The destination named `name`, or `code` (DeleteDestination documents
 * ResourceNotFoundException; PutDestinationPolicy documents only
 * InvalidParameterException among the errors a caller can cause).
 */
function getDestination(ctx: RequestContext, name: string, code = 'ResourceNotFoundException'): DestinationRecord {
  const destination = own(logsState(ctx.state).destinations, name);
  if (!destination) throw new AwsError(code, 'The specified destination does not exist.');
  return destination;
}

export const putDestination: OperationHandler = (input, ctx) => {
  const destinationName = String(need(input.destinationName, 'destinationName'));
  if (/[:*]/.test(destinationName)) {
    throw new AwsError('InvalidParameterException', `1 validation error detected: Value '${destinationName}' at 'destinationName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`);
  }
  const targetArn = String(need(input.targetArn, 'targetArn'));
  const target = parseArn(targetArn);
  const supported = target && ((target.service === 'kinesis' && /^stream\/.+/.test(target.resource)) || (target.service === 'firehose' && /^deliverystream\/.+/.test(target.resource)));
  if (!supported) {
    throw new AwsError('InvalidParameterException', `targetArn ${JSON.stringify(targetArn)} is not supported: a destination delivers to a Kinesis data stream or a Firehose delivery stream (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME).`);
  }
  const roleArn = readRoleArn(need(input.roleArn, 'roleArn'), 'roleArn');
  const destinations = logsCollection(ctx.state, 'destinations');
  const existing = own(destinations, destinationName);
  if (existing) {
    existing.targetArn = targetArn;
    existing.roleArn = roleArn;
    return { destination: destinationShape(existing) };
  }
  const record: DestinationRecord = {
    destinationName,
    targetArn,
    roleArn,
    arn: `arn:${target.partition}:logs:${ctx.region}:${ctx.accountId}:destination:${destinationName}`,
    creationTime: ctx.now().getTime(),
    tags: readTagMap(input.tags),
  };
  setOwn(destinations, destinationName, record);
  return { destination: destinationShape(record) };
};

export const putDestinationPolicy: OperationHandler = (input, ctx) => {
  const destination = getDestination(ctx, String(need(input.destinationName, 'destinationName')), 'InvalidParameterException');
  const accessPolicy = readPolicyDocument(input.accessPolicy, 'accessPolicy');
  if (Buffer.byteLength(accessPolicy) > MAX_ACCESS_POLICY_BYTES) {
    throw new AwsError('InvalidParameterException', `accessPolicy is ${Buffer.byteLength(accessPolicy)} bytes; a destination's access policy can be up to ${MAX_ACCESS_POLICY_BYTES} bytes.`);
  }
  destination.accessPolicy = accessPolicy;
  return {};
};

export const describeDestinations: OperationHandler = (input, ctx) => {
  const limit = readLimit(input.limit, 50);
  const prefix = input.DestinationNamePrefix === undefined ? '' : String(input.DestinationNamePrefix);
  const items = Object.values(logsState(ctx.state).destinations ?? {})
    .filter((d) => d.destinationName.startsWith(prefix))
    .sort(byName((d) => d.destinationName));
  const { page: shown, nextToken } = page(items, input.nextToken, limit);
  return { destinations: shown.map(destinationShape), ...(nextToken ? { nextToken } : {}) };
};

export const deleteDestination: OperationHandler = (input, ctx) => {
  const name = String(need(input.destinationName, 'destinationName'));
  getDestination(ctx, name);
  delete logsCollection(ctx.state, 'destinations')[name];
  return {};
};
