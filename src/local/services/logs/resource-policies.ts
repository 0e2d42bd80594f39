/**
 * CloudWatch Logs resource policies: PutResourcePolicy,
 * DescribeResourcePolicies, DeleteResourcePolicy.
 *
 * Two kinds, as on AWS:
 *
 * - **account-scoped** (`policyName`, no `resourceArn`): at most
 *   {@link MAX_ACCOUNT_RESOURCE_POLICIES} per account and Region; putting an
 *   existing name replaces its document;
 * - **resource-scoped** (`resourceArn` of a log group, no `policyName`): one
 *   per log group, with a `revisionId` that changes on every write; updating
 *   or deleting one needs the current `expectedRevisionId`. It is deleted
 *   with its log group.
 *
 * Documents must be JSON objects. They are stored only: the local cloud does
 * not evaluate them (a service principal needs no policy to write logs).
 *
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { need, page, readLimit } from './groups.js';
import {
  logGroupNameOfArn,
  logsCollection,
  logsState,
  MAX_ACCOUNT_RESOURCE_POLICIES,
  own,
  parseArn,
  setOwn,
  type LogGroupRecord,
  type ResourcePolicyRecord,
} from './state.js';

/**
 * Parses `value` as a JSON policy document (an object), or throws `code`
 * naming `field` and what is wrong.
 */
export function readPolicyDocument(value: unknown, field: string, code = 'InvalidParameterException'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new AwsError(code, `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new AwsError(code, `${field} is not valid JSON (${(error as Error).message}); it must be an IAM policy document such as {"Version":"2012-10-17","Statement":[…]}.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsError(code, `${field} must be a JSON object (an IAM policy document), got: ${Array.isArray(parsed) ? 'a list' : parsed === null ? 'null' : typeof parsed}.`);
  }
  return value;
}

function policyShape(p: ResourcePolicyRecord): Record<string, unknown> {
  return {
    ...(p.policyName !== undefined ? { policyName: p.policyName } : {}),
    policyDocument: p.policyDocument,
    lastUpdatedTime: p.lastUpdatedTime,
    policyScope: p.policyScope,
    ...(p.resourceArn !== undefined ? { resourceArn: p.resourceArn } : {}),
    ...(p.revisionId !== undefined ? { revisionId: p.revisionId } : {}),
  };
}

/** The log group a resource-scoped call names, or AWS's error (only log group ARNs are supported). */
function groupOfResourceArn(ctx: RequestContext, resourceArn: string): LogGroupRecord {
  const name = logGroupNameOfArn(resourceArn);
  if (name === undefined) {
    throw new AwsError('InvalidParameterException', `resourceArn ${JSON.stringify(resourceArn)} is not a log group ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME); resource policies support only log groups.`);
  }
  const arn = parseArn(resourceArn)!;
  const group = arn.account === ctx.accountId && arn.region === ctx.region ? own(logsState(ctx.state).groups, name) : undefined;
  if (!group) throw new AwsError('ResourceNotFoundException', `The specified log group does not exist: ${resourceArn}`);
  return group;
}

function checkRevision(existing: ResourcePolicyRecord | undefined, expected: unknown, resourceArn: string): void {
  if (existing === undefined) {
    if (expected !== undefined) {
      throw new AwsError('OperationAbortedException', `expectedRevisionId ${String(expected)} does not match: ${resourceArn} has no resource policy yet (omit expectedRevisionId to create one).`);
    }
    return;
  }
  if (expected === undefined) {
    throw new AwsError('InvalidParameterException', `expectedRevisionId is required to change the resource policy of ${resourceArn}; its current revisionId is in DescribeResourcePolicies.`);
  }
  if (expected !== existing.revisionId) {
    throw new AwsError('OperationAbortedException', `expectedRevisionId ${String(expected)} does not match the current revision of the resource policy of ${resourceArn}; another request changed it. Describe it again and retry.`);
  }
}

export const putResourcePolicy: OperationHandler = (input, ctx) => {
  const now = ctx.now().getTime();
  if (input.resourceArn !== undefined) {
    const resourceArn = String(input.resourceArn);
    if (input.policyName !== undefined) {
      throw new AwsError('InvalidParameterException', 'policyName and resourceArn are mutually exclusive: give policyName for an account-scoped policy, or resourceArn for a resource-scoped one.');
    }
    const policyDocument = readPolicyDocument(input.policyDocument, 'policyDocument');
    const group = groupOfResourceArn(ctx, resourceArn);
    checkRevision(group.resourcePolicy, input.expectedRevisionId, resourceArn);
    const record: ResourcePolicyRecord = { policyDocument, lastUpdatedTime: now, policyScope: 'RESOURCE', resourceArn, revisionId: randomUUID() };
    group.resourcePolicy = record;
    return { resourcePolicy: policyShape(record), revisionId: record.revisionId };
  }
  const policyName = String(need(input.policyName, 'policyName'));
  const policyDocument = readPolicyDocument(input.policyDocument, 'policyDocument');
  const policies = logsCollection(ctx.state, 'resourcePolicies');
  if (!own(policies, policyName) && Object.keys(policies).length >= MAX_ACCOUNT_RESOURCE_POLICIES) {
    throw new AwsError(
      'LimitExceededException',
      `Resource limit exceeded. An account can have at most ${MAX_ACCOUNT_RESOURCE_POLICIES} resource policies per Region; delete one (DeleteResourcePolicy) or replace one by putting its name.`,
    );
  }
  const record: ResourcePolicyRecord = { policyName, policyDocument, lastUpdatedTime: now, policyScope: 'ACCOUNT' };
  setOwn(policies, policyName, record);
  return { resourcePolicy: policyShape(record) };
};

export const describeResourcePolicies: OperationHandler = (input, ctx) => {
  const limit = readLimit(input.limit, 50);
  const scope = input.policyScope === undefined ? (input.resourceArn !== undefined ? 'RESOURCE' : 'ACCOUNT') : String(input.policyScope);
  if (scope !== 'ACCOUNT' && scope !== 'RESOURCE') throw new AwsError('InvalidParameterException', `policyScope must be ACCOUNT or RESOURCE, got: ${scope}`);
  if (scope === 'ACCOUNT' && input.resourceArn !== undefined) {
    throw new AwsError('InvalidParameterException', 'resourceArn selects resource-scoped policies; it cannot be combined with policyScope ACCOUNT.');
  }
  let items: ResourcePolicyRecord[];
  if (scope === 'ACCOUNT') {
    items = Object.values(logsState(ctx.state).resourcePolicies ?? {}).sort((a, b) => ((a.policyName ?? '') < (b.policyName ?? '') ? -1 : 1));
  } else if (input.resourceArn !== undefined) {
    const name = logGroupNameOfArn(input.resourceArn);
    const arn = parseArn(input.resourceArn);
    const group = name !== undefined && arn?.account === ctx.accountId && arn.region === ctx.region ? own(logsState(ctx.state).groups, name) : undefined;
    items = group?.resourcePolicy ? [group.resourcePolicy] : [];
  } else {
    items = Object.values(logsState(ctx.state).groups)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .flatMap((g) => (g.resourcePolicy ? [g.resourcePolicy] : []));
  }
  const { page: shown, nextToken } = page(items, input.nextToken, limit);
  return { resourcePolicies: shown.map(policyShape), ...(nextToken ? { nextToken } : {}) };
};

export const deleteResourcePolicy: OperationHandler = (input, ctx) => {
  if (input.resourceArn !== undefined) {
    const resourceArn = String(input.resourceArn);
    const group = groupOfResourceArn(ctx, resourceArn);
    if (!group.resourcePolicy) throw new AwsError('ResourceNotFoundException', `The log group ${group.name} has no resource policy.`);
    checkRevision(group.resourcePolicy, input.expectedRevisionId, resourceArn);
    delete group.resourcePolicy;
    return {};
  }
  const policyName = String(need(input.policyName, 'policyName'));
  const policies = logsCollection(ctx.state, 'resourcePolicies');
  if (!own(policies, policyName)) throw new AwsError('ResourceNotFoundException', `Policy with name [${policyName}] does not exist`);
  delete policies[policyName];
  return {};
};
