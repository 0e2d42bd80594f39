/**
 * CloudWatch Logs vended-log deliveries: delivery sources
 * (PutDeliverySource, GetDeliverySource, DescribeDeliverySources,
 * DeleteDeliverySource), delivery destinations (PutDeliveryDestination,
 * GetDeliveryDestination, DescribeDeliveryDestinations,
 * DeleteDeliveryDestination, and their policies), and the deliveries that
 * pair them (CreateDelivery, GetDelivery, DescribeDeliveries, DeleteDelivery,
 * UpdateDeliveryConfiguration).
 *
 * **Stored only.** The services that send vended logs (CloudFront, Bedrock,
 * WorkMail, …) are not emulated, so nothing is ever delivered. What AWS checks
 * is checked: ARNs are well formed, a destination's type follows its
 * resource (log group → `CWL`, S3 bucket → `S3`, Firehose stream → `FH`,
 * none → `XRAY`), a delivery pairs an existing source with an existing
 * destination of this account and Region, one source has at most one
 * delivery per destination type, and a source or destination that a
 * delivery uses cannot be deleted (`ConflictException`). A source's
 * `logType` is not checked against the sending service's list of log
 * types (that list lives with each service).
 *
 * Semantic errors use these APIs' `ValidationException`; the model
 * constraints checked before every Logs handler answer Logs'
 * `InvalidParameterException`.
 *
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn, paginate } from '../../core/util.js';
import { readPolicyDocument } from './resource-policies.js';
import {
  logGroupNameOfArn,
  logsCollection,
  logsState,
  own,
  parseArn,
  setOwn,
  type DeliveryDestinationRecord,
  type DeliveryRecord,
  type DeliverySourceRecord,
} from './state.js';
import { readTagMap } from './tags.js';

const OUTPUT_FORMATS = ['json', 'plain', 'w3c', 'raw', 'parquet'];
const DESTINATION_TYPES = ['S3', 'CWL', 'FH', 'XRAY'];
const NAME = /^[\w-]{1,60}$/;

const SOURCE_NOT_FOUND = 'Requested Delivery Source does not exist in this account.';
const DESTINATION_NOT_FOUND = 'Requested Delivery Destination does not exist in this account.';
const DELIVERY_NOT_FOUND = 'Requested Delivery does not exist in this account.';
const TAGS_ON_UPDATE = 'Tags can only be provided when a resource is being created, not updated.';

const invalidToken = () => new AwsError('ValidationException', 'The specified nextToken is invalid.');

/** Missing-parameter error in these APIs' wording. */
function need<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null || value === '') {
    throw new AwsError('ValidationException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function readName(value: unknown, field: string): string {
  const name = String(need(value, field));
  if (!NAME.test(name)) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${name}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]* (and be 1 to 60 characters)`);
  }
  return name;
}

function readLimit(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${String(value)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 50`);
  }
  return n;
}

const tagsShape = (tags: Record<string, string>) => (Object.keys(tags).length > 0 ? { tags: { ...tags } } : {});

function page<T>(items: readonly T[], input: { nextToken?: unknown; limit?: unknown }): { page: T[]; nextToken?: string } {
  return paginate(items, input.nextToken === undefined ? undefined : String(input.nextToken), readLimit(input.limit), { pageSize: 50, maxPageSize: 50, invalidToken });
}

/** A Describe* handler: one page of `records`, shaped, as the answer's `key` list. */
function describeHandler<T>(key: string, records: (ctx: RequestContext) => T[], shape: (record: T) => Record<string, unknown>): OperationHandler {
  return (input, ctx) => {
    const { page: out, nextToken } = page(records(ctx), input);
    return { [key]: out.map(shape), ...(nextToken ? { nextToken } : {}) };
  };
}

/** A collection's records in name order. */
const byName = <T extends { name: string }>(records: Record<string, T> | undefined): T[] => Object.values(records ?? {}).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

const logsArn = (ctx: RequestContext, resource: string) => arn(ctx, 'logs', resource);

// ---------------------------------------------------------------- sources

function sourceShape(s: DeliverySourceRecord): Record<string, unknown> {
  return {
    name: s.name,
    arn: s.arn,
    resourceArns: [...s.resourceArns],
    service: s.service,
    logType: s.logType,
    ...tagsShape(s.tags),
    ...(s.deliverySourceConfiguration ? { deliverySourceConfiguration: { ...s.deliverySourceConfiguration } } : {}),
  };
}

function getSource(ctx: RequestContext, name: string): DeliverySourceRecord {
  const source = own(logsState(ctx.state).deliverySources, name);
  if (!source) throw new AwsError('ResourceNotFoundException', SOURCE_NOT_FOUND);
  return source;
}

export const putDeliverySource: OperationHandler = (input, ctx) => {
  const name = readName(input.name, 'name');
  const resourceArn = String(need(input.resourceArn, 'resourceArn'));
  const parsed = parseArn(resourceArn);
  if (!parsed) throw new AwsError('ValidationException', `resourceArn ${JSON.stringify(resourceArn)} is not an ARN (arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE) of the resource that sends the logs.`);
  const logType = String(need(input.logType, 'logType'));
  const configuration = input.deliverySourceConfiguration as Record<string, unknown> | undefined;
  const sources = logsCollection(ctx.state, 'deliverySources');
  const existing = own(sources, name);
  if (existing) {
    if (input.tags !== undefined) throw new AwsError('ConflictException', TAGS_ON_UPDATE);
    if (!existing.resourceArns.includes(resourceArn)) {
      throw new AwsError('ConflictException', 'Update to existing Delivery Source with new ResourceId is not allowed. Please create a new Delivery Source instead.');
    }
  }
  const record: DeliverySourceRecord = {
    name,
    arn: logsArn(ctx, `delivery-source:${name}`),
    resourceArns: [resourceArn],
    service: parsed.service,
    logType,
    tags: existing?.tags ?? readTagMap(input.tags),
    ...(configuration ? { deliverySourceConfiguration: Object.fromEntries(Object.entries(configuration).map(([k, v]) => [k, String(v)])) } : {}),
  };
  setOwn(sources, name, record);
  return { deliverySource: sourceShape(record) };
};

export const getDeliverySource: OperationHandler = (input, ctx) => ({ deliverySource: sourceShape(getSource(ctx, readName(input.name, 'name'))) });

export const describeDeliverySources: OperationHandler = describeHandler('deliverySources', (ctx) => byName(logsState(ctx.state).deliverySources), sourceShape);

function deliveriesUsing(ctx: RequestContext, test: (d: DeliveryRecord) => boolean): string[] {
  return Object.values(logsState(ctx.state).deliveries ?? {})
    .filter(test)
    .map((d) => d.id);
}

export const deleteDeliverySource: OperationHandler = (input, ctx) => {
  const name = readName(input.name, 'name');
  getSource(ctx, name);
  const using = deliveriesUsing(ctx, (d) => d.deliverySourceName === name);
  if (using.length > 0) {
    throw new AwsError('ConflictException', `Delivery Source ${name} is used by deliveries ${using.join(', ')}; delete them (DeleteDelivery) first.`);
  }
  delete logsCollection(ctx.state, 'deliverySources')[name];
  return {};
};

// ----------------------------------------------------------- destinations

function destinationShape(d: DeliveryDestinationRecord): Record<string, unknown> {
  return {
    name: d.name,
    arn: d.arn,
    deliveryDestinationType: d.deliveryDestinationType,
    ...(d.outputFormat !== undefined ? { outputFormat: d.outputFormat } : {}),
    ...(d.deliveryDestinationConfiguration ? { deliveryDestinationConfiguration: { ...d.deliveryDestinationConfiguration } } : {}),
    ...tagsShape(d.tags),
  };
}

function getDestination(ctx: RequestContext, name: string): DeliveryDestinationRecord {
  const destination = own(logsState(ctx.state).deliveryDestinations, name);
  if (!destination) throw new AwsError('ResourceNotFoundException', DESTINATION_NOT_FOUND);
  return destination;
}

/** The destination type a resource ARN implies: a log group (CWL), an S3 bucket (S3), a Firehose delivery stream (FH). */
function typeOfResource(resourceArn: string): string {
  const parsed = parseArn(resourceArn);
  if (parsed?.service === 'logs' && logGroupNameOfArn(resourceArn) !== undefined) return 'CWL';
  if (parsed?.service === 's3' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(parsed.resource)) return 'S3';
  if (parsed?.service === 'firehose' && /^deliverystream\/.+/.test(parsed.resource)) return 'FH';
  throw new AwsError(
    'ValidationException',
    `destinationResourceArn ${JSON.stringify(resourceArn)} is not a log group (arn:aws:logs:REGION:ACCOUNT:log-group:NAME), an S3 bucket (arn:aws:s3:::BUCKET) or a Firehose delivery stream (arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME).`,
  );
}

export const putDeliveryDestination: OperationHandler = (input, ctx) => {
  const name = readName(input.name, 'name');
  const outputFormat = input.outputFormat === undefined ? undefined : String(input.outputFormat);
  if (outputFormat !== undefined && !OUTPUT_FORMATS.includes(outputFormat)) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${outputFormat}' at 'outputFormat' failed to satisfy constraint: Member must satisfy enum value set: [${OUTPUT_FORMATS.join(', ')}]`);
  }
  const givenType = input.deliveryDestinationType === undefined ? undefined : String(input.deliveryDestinationType);
  if (givenType !== undefined && !DESTINATION_TYPES.includes(givenType)) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${givenType}' at 'deliveryDestinationType' failed to satisfy constraint: Member must satisfy enum value set: [${DESTINATION_TYPES.join(', ')}]`);
  }
  const config = input.deliveryDestinationConfiguration as { destinationResourceArn?: unknown } | undefined;
  let type: string;
  let configuration: { destinationResourceArn: string } | undefined;
  if (config !== undefined && config !== null) {
    const resourceArn = String(need(config.destinationResourceArn, 'deliveryDestinationConfiguration.destinationResourceArn'));
    type = typeOfResource(resourceArn);
    if (givenType !== undefined && givenType !== type) {
      throw new AwsError('ValidationException', `deliveryDestinationType ${givenType} does not match destinationResourceArn ${resourceArn}, which is a ${type} destination.`);
    }
    configuration = { destinationResourceArn: resourceArn };
  } else if (givenType === 'XRAY') {
    type = 'XRAY';
  } else {
    throw new AwsError(
      'ValidationException',
      'deliveryDestinationConfiguration is required for CloudWatch Logs, Amazon S3 and Firehose delivery destinations; only an X-Ray destination (deliveryDestinationType XRAY) goes without it.',
    );
  }
  const destinations = logsCollection(ctx.state, 'deliveryDestinations');
  const existing = own(destinations, name);
  if (existing) {
    if (input.tags !== undefined) throw new AwsError('ConflictException', TAGS_ON_UPDATE);
    if (outputFormat !== undefined && existing.outputFormat !== undefined && outputFormat !== existing.outputFormat) {
      throw new AwsError('ValidationException', 'Update to existing Delivery Destination with new Output Format is not allowed. Please create a new Delivery Destination instead.');
    }
    const using = deliveriesUsing(ctx, (d) => d.deliveryDestinationArn === existing.arn);
    if (type !== existing.deliveryDestinationType && using.length > 0) {
      throw new AwsError('ConflictException', `Delivery Destination ${name} is a ${existing.deliveryDestinationType} destination used by deliveries ${using.join(', ')}; it cannot become a ${type} destination.`);
    }
  }
  const record: DeliveryDestinationRecord = {
    name,
    arn: logsArn(ctx, `delivery-destination:${name}`),
    deliveryDestinationType: type,
    ...((outputFormat ?? existing?.outputFormat) !== undefined ? { outputFormat: (outputFormat ?? existing?.outputFormat)! } : {}),
    ...(configuration ? { deliveryDestinationConfiguration: configuration } : {}),
    tags: existing?.tags ?? readTagMap(input.tags),
    ...(existing?.policy !== undefined ? { policy: existing.policy } : {}),
  };
  setOwn(destinations, name, record);
  return { deliveryDestination: destinationShape(record) };
};

export const getDeliveryDestination: OperationHandler = (input, ctx) => ({ deliveryDestination: destinationShape(getDestination(ctx, readName(input.name, 'name'))) });

export const describeDeliveryDestinations: OperationHandler = describeHandler('deliveryDestinations', (ctx) => byName(logsState(ctx.state).deliveryDestinations), destinationShape);

export const deleteDeliveryDestination: OperationHandler = (input, ctx) => {
  const name = readName(input.name, 'name');
  const destination = getDestination(ctx, name);
  const using = deliveriesUsing(ctx, (d) => d.deliveryDestinationArn === destination.arn);
  if (using.length > 0) {
    throw new AwsError('ConflictException', `Delivery Destination ${name} is used by deliveries ${using.join(', ')}; delete them (DeleteDelivery) first.`);
  }
  delete logsCollection(ctx.state, 'deliveryDestinations')[name];
  return {};
};

export const putDeliveryDestinationPolicy: OperationHandler = (input, ctx) => {
  const destination = getDestination(ctx, readName(input.deliveryDestinationName, 'deliveryDestinationName'));
  const policy = readPolicyDocument(input.deliveryDestinationPolicy, 'deliveryDestinationPolicy', 'ValidationException');
  destination.policy = policy;
  return { policy: { deliveryDestinationPolicy: policy } };
};

export const getDeliveryDestinationPolicy: OperationHandler = (input, ctx) => {
  const destination = getDestination(ctx, readName(input.deliveryDestinationName, 'deliveryDestinationName'));
  return { policy: destination.policy !== undefined ? { deliveryDestinationPolicy: destination.policy } : {} };
};

export const deleteDeliveryDestinationPolicy: OperationHandler = (input, ctx) => {
  const destination = getDestination(ctx, readName(input.deliveryDestinationName, 'deliveryDestinationName'));
  delete destination.policy;
  return {};
};

// ------------------------------------------------------------- deliveries

function deliveryShape(d: DeliveryRecord): Record<string, unknown> {
  return {
    id: d.id,
    arn: d.arn,
    deliverySourceName: d.deliverySourceName,
    deliveryDestinationArn: d.deliveryDestinationArn,
    deliveryDestinationType: d.deliveryDestinationType,
    ...(d.recordFields !== undefined ? { recordFields: [...d.recordFields] } : {}),
    ...(d.fieldDelimiter !== undefined ? { fieldDelimiter: d.fieldDelimiter } : {}),
    ...(d.s3DeliveryConfiguration !== undefined ? { s3DeliveryConfiguration: { ...d.s3DeliveryConfiguration } } : {}),
    ...tagsShape(d.tags),
  };
}

function findDelivery(ctx: RequestContext, id: unknown): DeliveryRecord {
  const key = String(need(id, 'id'));
  const delivery = own(logsState(ctx.state).deliveries, key);
  if (!delivery) throw new AwsError('ResourceNotFoundException', DELIVERY_NOT_FOUND);
  return delivery;
}

/** The delivery destination an ARN names in this account and Region. */
function destinationByArn(ctx: RequestContext, value: string): DeliveryDestinationRecord {
  const parsed = parseArn(value);
  const name = parsed?.service === 'logs' ? /^delivery-destination:([\w-]+)$/.exec(parsed.resource)?.[1] : undefined;
  if (!parsed || name === undefined) {
    throw new AwsError('ValidationException', `deliveryDestinationArn ${JSON.stringify(value)} is not a delivery destination ARN (arn:aws:logs:REGION:ACCOUNT:delivery-destination:NAME).`);
  }
  const destination = parsed.account === ctx.accountId && parsed.region === ctx.region ? own(logsState(ctx.state).deliveryDestinations, name) : undefined;
  if (!destination || destination.arn !== value) throw new AwsError('ResourceNotFoundException', DESTINATION_NOT_FOUND);
  return destination;
}

function readS3Configuration(value: unknown, type: string): DeliveryRecord['s3DeliveryConfiguration'] {
  if (value === undefined || value === null) return undefined;
  if (type !== 'S3') throw new AwsError('ValidationException', `s3DeliveryConfiguration applies only to deliveries to an S3 destination; this delivery's destination is ${type}.`);
  const c = value as { suffixPath?: unknown; enableHiveCompatiblePath?: unknown };
  return {
    ...(c.suffixPath !== undefined ? { suffixPath: String(c.suffixPath) } : {}),
    ...(c.enableHiveCompatiblePath !== undefined ? { enableHiveCompatiblePath: c.enableHiveCompatiblePath === true || c.enableHiveCompatiblePath === 'true' } : {}),
  };
}

const readRecordFields = (value: unknown) => (Array.isArray(value) ? (value as unknown[]).map(String) : undefined);

function deliveryId(taken: Record<string, unknown>): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (;;) {
    const id = [...randomBytes(16)].map((b) => alphabet[b % alphabet.length]).join('');
    if (!Object.hasOwn(taken, id)) return id;
  }
}

export const createDelivery: OperationHandler = (input, ctx) => {
  const sourceName = readName(input.deliverySourceName, 'deliverySourceName');
  const destinationArn = String(need(input.deliveryDestinationArn, 'deliveryDestinationArn'));
  getSource(ctx, sourceName);
  const destination = destinationByArn(ctx, destinationArn);
  const deliveries = logsCollection(ctx.state, 'deliveries');
  for (const d of Object.values(deliveries)) {
    if (d.deliverySourceName !== sourceName) continue;
    if (d.deliveryDestinationArn === destinationArn) throw new AwsError('ConflictException', 'The specified Delivery already exists');
    if (d.deliveryDestinationType === destination.deliveryDestinationType) {
      throw new AwsError('ConflictException', `Delivery already exists for this Delivery Source with the same Delivery Destination Type (${d.deliveryDestinationType}: delivery ${d.id}).`);
    }
  }
  const s3 = readS3Configuration(input.s3DeliveryConfiguration, destination.deliveryDestinationType);
  const id = deliveryId(deliveries);
  const recordFields = readRecordFields(input.recordFields);
  const record: DeliveryRecord = {
    id,
    arn: logsArn(ctx, `delivery:${id}`),
    deliverySourceName: sourceName,
    deliveryDestinationArn: destinationArn,
    deliveryDestinationType: destination.deliveryDestinationType,
    ...(recordFields !== undefined ? { recordFields } : {}),
    ...(input.fieldDelimiter !== undefined ? { fieldDelimiter: String(input.fieldDelimiter) } : {}),
    ...(destination.deliveryDestinationType === 'S3' ? { s3DeliveryConfiguration: { enableHiveCompatiblePath: false, ...s3 } } : {}),
    tags: readTagMap(input.tags),
  };
  setOwn(deliveries, id, record);
  return { delivery: deliveryShape(record) };
};

export const getDelivery: OperationHandler = (input, ctx) => ({ delivery: deliveryShape(findDelivery(ctx, input.id)) });

export const describeDeliveries: OperationHandler = describeHandler('deliveries', (ctx) => Object.values(logsState(ctx.state).deliveries ?? {}), deliveryShape);

export const deleteDelivery: OperationHandler = (input, ctx) => {
  const delivery = findDelivery(ctx, input.id);
  delete logsCollection(ctx.state, 'deliveries')[delivery.id];
  return {};
};

export const updateDeliveryConfiguration: OperationHandler = (input, ctx) => {
  const delivery = findDelivery(ctx, input.id);
  const s3 = readS3Configuration(input.s3DeliveryConfiguration, delivery.deliveryDestinationType);
  const recordFields = readRecordFields(input.recordFields);
  if (recordFields !== undefined) delivery.recordFields = recordFields;
  if (input.fieldDelimiter !== undefined) delivery.fieldDelimiter = String(input.fieldDelimiter);
  if (s3 !== undefined) delivery.s3DeliveryConfiguration = { ...delivery.s3DeliveryConfiguration, ...s3 };
  return {};
};
