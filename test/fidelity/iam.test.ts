import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFidelity, type AllowedDivergence, type Fidelity, type FidelityCase, type Side } from './harness.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

/** Query call returning the parsed XML, or throwing an error whose name is the AWS error code. */
async function call(side: Side, action: string, params: Record<string, string>) {
  const r = await side.query('iam', action, params);
  if (r.status >= 400) {
    const code = r.xml?.ErrorResponse?.Error?.Code ?? 'Unknown';
    throw Object.assign(new Error(String(r.xml?.ErrorResponse?.Error?.Message ?? r.text)), { name: code });
  }
  const { '?xml': _declaration, ...rest } = r.xml as Record<string, unknown>; // AWS sends the declaration, moto does not
  return rest;
}

const cases: FidelityCase[] = [
  { name: 'iam CreateRole', call: (s) => call(s, 'CreateRole', { RoleName: 'fidelity-role', AssumeRolePolicyDocument: TRUST }) },
  { name: 'iam CreateRole taken', call: (s) => call(s, 'CreateRole', { RoleName: 'fidelity-role', AssumeRolePolicyDocument: TRUST }) },
  { name: 'iam GetRole unknown', call: (s) => call(s, 'GetRole', { RoleName: 'ghost-role' }) },
  { name: 'iam AttachRolePolicy', call: (s) => call(s, 'AttachRolePolicy', { RoleName: 'fidelity-role', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy' }) },
  { name: 'iam ListAttachedRolePolicies', call: (s) => call(s, 'ListAttachedRolePolicies', { RoleName: 'fidelity-role' }) },
  { name: 'iam DeleteRole with policies', call: (s) => call(s, 'DeleteRole', { RoleName: 'fidelity-role' }) },
];

const MANAGED = 'moto does not load AWS-managed policies by default, so AmazonECSTaskExecutionRolePolicy is unknown there; on AWS it exists and attaches';
const allow: AllowedDivergence[] = [
  {
    case: 'iam CreateRole',
    path: 'CreateRoleResponse.CreateRoleResult.Role.RoleLastUsed',
    reason: 'AWS returns RoleLastUsed from GetRole only; the CreateRole example output has no RoleLastUsed',
    reference: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html',
  },
  { case: 'iam AttachRolePolicy', path: 'error', reason: MANAGED, reference: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSTaskExecutionRolePolicy.html' },
  {
    case: 'iam ListAttachedRolePolicies',
    path: 'ListAttachedRolePoliciesResponse.ListAttachedRolePoliciesResult.AttachedPolicies',
    reason: `${MANAGED}, so moto lists none`,
    reference: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedRolePolicies.html',
  },
  {
    case: 'iam DeleteRole with policies',
    path: 'error',
    reason: `${MANAGED}; AWS refuses to delete a role with attached policies (DeleteConflict)`,
    reference: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html',
  },
];

describe('fidelity: IAM against moto', () => {
  let h: Fidelity;
  before(async () => {
    h = await startFidelity();
  });
  after(() => h?.stop());

  test('role calls return the same XML shape and error codes as moto', async () => {
    const report = await h.compare(cases, allow);
    assert.deepEqual(report.unexpected, []);
  });
});
