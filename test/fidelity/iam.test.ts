import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFidelity, type AllowedDivergence, type Fidelity, type FidelityCase, type Side } from './harness.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const EC2_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

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

/** Instance profiles: the lab's ecsInstanceRole steps, then the errors and the teardown. */
const profileCases: FidelityCase[] = [
  { name: 'iam CreateRole for EC2', call: (s) => call(s, 'CreateRole', { RoleName: 'fidelity-instance-role', AssumeRolePolicyDocument: EC2_TRUST }) },
  { name: 'iam CreateInstanceProfile', call: (s) => call(s, 'CreateInstanceProfile', { InstanceProfileName: 'fidelity-profile', Path: '/lab/' }) },
  { name: 'iam CreateInstanceProfile taken', call: (s) => call(s, 'CreateInstanceProfile', { InstanceProfileName: 'fidelity-profile' }) },
  // Named to sort after fidelity-profile: the local cloud lists by name, moto in creation order, and the shapes compare first items.
  { name: 'iam CreateInstanceProfile other', call: (s) => call(s, 'CreateInstanceProfile', { InstanceProfileName: 'fidelity-z-other' }) },
  { name: 'iam GetInstanceProfile unknown', call: (s) => call(s, 'GetInstanceProfile', { InstanceProfileName: 'ghost-profile' }) },
  { name: 'iam AddRoleToInstanceProfile unknown profile', call: (s) => call(s, 'AddRoleToInstanceProfile', { InstanceProfileName: 'ghost-profile', RoleName: 'fidelity-instance-role' }) },
  { name: 'iam AddRoleToInstanceProfile unknown role', call: (s) => call(s, 'AddRoleToInstanceProfile', { InstanceProfileName: 'fidelity-profile', RoleName: 'ghost-role' }) },
  { name: 'iam AddRoleToInstanceProfile', call: (s) => call(s, 'AddRoleToInstanceProfile', { InstanceProfileName: 'fidelity-profile', RoleName: 'fidelity-instance-role' }) },
  { name: 'iam AddRoleToInstanceProfile second', call: (s) => call(s, 'AddRoleToInstanceProfile', { InstanceProfileName: 'fidelity-profile', RoleName: 'fidelity-instance-role' }) },
  { name: 'iam GetInstanceProfile', call: (s) => call(s, 'GetInstanceProfile', { InstanceProfileName: 'fidelity-profile' }) },
  { name: 'iam ListInstanceProfiles', call: (s) => call(s, 'ListInstanceProfiles', {}) },
  { name: 'iam ListInstanceProfiles PathPrefix', call: (s) => call(s, 'ListInstanceProfiles', { PathPrefix: '/lab/' }) },
  { name: 'iam ListInstanceProfiles MaxItems', call: (s) => call(s, 'ListInstanceProfiles', { MaxItems: '1' }) },
  { name: 'iam ListInstanceProfilesForRole', call: (s) => call(s, 'ListInstanceProfilesForRole', { RoleName: 'fidelity-instance-role' }) },
  { name: 'iam ListInstanceProfilesForRole unknown role', call: (s) => call(s, 'ListInstanceProfilesForRole', { RoleName: 'ghost-role' }) },
  { name: 'iam DeleteInstanceProfile with role', call: (s) => call(s, 'DeleteInstanceProfile', { InstanceProfileName: 'fidelity-profile' }) },
  { name: 'iam DeleteRole in a profile', call: (s) => call(s, 'DeleteRole', { RoleName: 'fidelity-instance-role' }) },
  { name: 'iam RemoveRoleFromInstanceProfile', call: (s) => call(s, 'RemoveRoleFromInstanceProfile', { InstanceProfileName: 'fidelity-profile', RoleName: 'fidelity-instance-role' }) },
  { name: 'iam RemoveRoleFromInstanceProfile not in it', call: (s) => call(s, 'RemoveRoleFromInstanceProfile', { InstanceProfileName: 'fidelity-profile', RoleName: 'fidelity-instance-role' }) },
  { name: 'iam DeleteInstanceProfile', call: (s) => call(s, 'DeleteInstanceProfile', { InstanceProfileName: 'fidelity-profile' }) },
  { name: 'iam DeleteInstanceProfile unknown', call: (s) => call(s, 'DeleteInstanceProfile', { InstanceProfileName: 'fidelity-profile' }) },
  { name: 'iam DeleteRole after removal', call: (s) => call(s, 'DeleteRole', { RoleName: 'fidelity-instance-role' }) },
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

/** AWS's documented responses for the instance profile operations (the API reference's examples). */
const REF = (op: string) => `https://docs.aws.amazon.com/IAM/latest/APIReference/API_${op}.html`;
const NO_EMPTY_TAGS = 'moto always sends <Tags/>; AWS omits tags a resource does not have (the API reference examples have none), and so does the local cloud';
const PROFILE_ROLE =
  "moto lists a profile's role with every Role member (MaxSessionDuration, Tags, RoleLastUsed); the API reference's example lists Path, RoleName, RoleId, Arn, CreateDate and AssumeRolePolicyDocument only, as the local cloud does";
const NO_PAGING = 'moto does not page ListInstanceProfiles/ListInstanceProfilesForRole and leaves IsTruncated out; AWS always answers IsTruncated, and a Marker when it is true';
const profileAllow: AllowedDivergence[] = [
  { case: 'iam CreateRole for EC2', path: 'CreateRoleResponse.CreateRoleResult.Role.RoleLastUsed', reason: 'AWS returns RoleLastUsed from GetRole only', reference: REF('CreateRole') },
  ...['iam CreateInstanceProfile', 'iam CreateInstanceProfile other'].map((c) => ({ case: c, path: 'CreateInstanceProfileResponse.CreateInstanceProfileResult.InstanceProfile.Tags', reason: NO_EMPTY_TAGS, reference: REF('CreateInstanceProfile') })),
  { case: 'iam GetInstanceProfile', path: 'GetInstanceProfileResponse.GetInstanceProfileResult.InstanceProfile.Tags', reason: NO_EMPTY_TAGS, reference: REF('GetInstanceProfile') },
  ...['MaxSessionDuration', 'Tags', 'RoleLastUsed'].map((member) => ({
    case: 'iam GetInstanceProfile',
    path: `GetInstanceProfileResponse.GetInstanceProfileResult.InstanceProfile.Roles.member[].${member}`,
    reason: PROFILE_ROLE,
    reference: REF('GetInstanceProfile'),
  })),
  ...(['iam ListInstanceProfiles', 'iam ListInstanceProfiles PathPrefix', 'iam ListInstanceProfiles MaxItems', 'iam ListInstanceProfilesForRole'] as const).flatMap((c) => {
    const op = c === 'iam ListInstanceProfilesForRole' ? 'ListInstanceProfilesForRole' : 'ListInstanceProfiles';
    const result = `${op}Response.${op}Result`;
    return [
      { case: c, path: `${result}.InstanceProfiles.member[].Tags`, reason: `${NO_EMPTY_TAGS}; the List operations return no tags at all (API reference)`, reference: REF(op) },
      ...['MaxSessionDuration', 'Tags', 'RoleLastUsed'].map((member) => ({ case: c, path: `${result}.InstanceProfiles.member[].Roles.member[].${member}`, reason: PROFILE_ROLE, reference: REF(op) })),
      { case: c, path: `${result}.IsTruncated`, reason: NO_PAGING, reference: REF(op) },
      { case: c, path: `${result}.Marker`, reason: NO_PAGING, reference: REF(op) },
    ];
  }),
  {
    case: 'iam ListInstanceProfilesForRole unknown role',
    path: 'error',
    reason: "moto lists no profiles for a role that does not exist; AWS's model names NoSuchEntity for ListInstanceProfilesForRole (a request referencing an entity that does not exist)",
    reference: REF('ListInstanceProfilesForRole'),
  },
  {
    case: 'iam RemoveRoleFromInstanceProfile not in it',
    path: 'error',
    reason: "moto fails with an internal error (Python's list.remove ValueError) for a role the profile does not hold; AWS's model names NoSuchEntity for RemoveRoleFromInstanceProfile, which the local cloud answers",
    reference: REF('RemoveRoleFromInstanceProfile'),
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

  test('instance profile calls return the same XML shape and error codes as moto', async () => {
    const report = await h.compare(profileCases, profileAllow);
    assert.deepEqual(report.unexpected, []);
  });
});
