import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { AwsError } from '../../../../src/local/core/types.js';
import { applyAccountPreset } from '../../../../src/local/presets.js';
import { awsCli, awsCliSkip } from '../../aws-cli.js';
import { startTestCloud, type TestCloud } from '../../helpers.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

describe('IAM', () => {
  const iam = (state: CloudState, op: string, input: unknown = {}, region = 'us-east-1') => state.invoke('iam', op, input, { region }) as Promise<any>;
  const failure = (call: Promise<unknown>) =>
    call.then(
      () => assert.fail('expected the call to fail'),
      (e: unknown) => {
        assert.ok(e instanceof AwsError);
        return { code: e.code, status: e.status, message: e.message };
      },
    );

  /** A cloud state with the `lab` preset applied, as `ecskit local --preset lab` starts. */
  const labState = async () => {
    const state = new CloudState();
    await applyAccountPreset(state, 'lab', 'us-east-1');
    return state;
  };

  test('a fresh account has no roles, as on AWS; the lab preset adds its three with region-less ARNs and their managed policies', async () => {
    assert.deepEqual((await iam(new CloudState(), 'ListRoles')).Roles, []);
    const state = await labState();
    const { Role } = await iam(state, 'GetRole', { RoleName: 'ecsTaskExecutionRole' });
    assert.equal(Role.Arn, 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole');
    assert.match(Role.RoleId, /^AROA[A-Z0-9]{17}$/);
    assert.match(decodeURIComponent(Role.AssumeRolePolicyDocument), /ecs-tasks\.amazonaws\.com/);
    const { AttachedPolicies } = await iam(state, 'ListAttachedRolePolicies', { RoleName: 'ecsAutoscaleRole' });
    assert.deepEqual(AttachedPolicies.map((p: { PolicyArn: string }) => p.PolicyArn), ['arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceAutoscaleRole']);
    // Applied again, it leaves a role the user changed as it is (it only creates what is missing).
    await iam(state, 'DetachRolePolicy', { RoleName: 'ecsAutoscaleRole', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceAutoscaleRole' });
    await applyAccountPreset(state, 'lab', 'eu-west-1');
    assert.deepEqual((await iam(state, 'ListAttachedRolePolicies', { RoleName: 'ecsAutoscaleRole' })).AttachedPolicies, []);
    assert.equal((await iam(state, 'ListRoles')).Roles.length, 3);
    // The instance profile too: created once with its role, left alone when applied again.
    await iam(state, 'RemoveRoleFromInstanceProfile', { InstanceProfileName: 'ecsInstanceRole', RoleName: 'ecsInstanceRole' });
    await applyAccountPreset(state, 'lab', 'us-east-1');
    assert.deepEqual((await iam(state, 'GetInstanceProfile', { InstanceProfileName: 'ecsInstanceRole' })).InstanceProfile.Roles, []);
    assert.equal((await iam(state, 'ListInstanceProfiles')).InstanceProfiles.length, 1);
  });

  test('IAM is global: a role created through one region is seen from another', async () => {
    const state = new CloudState();
    await iam(state, 'CreateRole', { RoleName: 'gateway-task-role', AssumeRolePolicyDocument: TRUST }, 'eu-west-1');
    const { Role } = await iam(state, 'GetRole', { RoleName: 'gateway-task-role' }, 'us-west-2');
    assert.equal(Role.Arn, 'arn:aws:iam::123456789012:role/gateway-task-role');
    assert.deepEqual(JSON.parse(decodeURIComponent(Role.AssumeRolePolicyDocument)), JSON.parse(TRUST));
  });

  test('unknown roles are NoSuchEntity (404), taken names EntityAlreadyExists (409), bad trust policies MalformedPolicyDocument', async () => {
    const state = await labState();
    assert.deepEqual(await failure(iam(state, 'GetRole', { RoleName: 'ghost' })), { code: 'NoSuchEntity', status: 404, message: 'The role with name ghost cannot be found.' });
    const taken = await failure(iam(state, 'CreateRole', { RoleName: 'ecsTaskExecutionRole', AssumeRolePolicyDocument: TRUST }));
    assert.equal(taken.code, 'EntityAlreadyExists');
    assert.equal(taken.status, 409);
    assert.equal((await failure(iam(state, 'CreateRole', { RoleName: 'x', AssumeRolePolicyDocument: '{not json' }))).code, 'MalformedPolicyDocument');
  });

  test('a role with attached policies cannot be deleted until they are detached', async () => {
    const state = new CloudState();
    await iam(state, 'CreateRole', { RoleName: 'temp', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'ecskit:stack', Value: 'lab' }] });
    await iam(state, 'AttachRolePolicy', { RoleName: 'temp', PolicyArn: 'arn:aws:iam::aws:policy/CloudWatchLogsFullAccess' });
    const conflict = await failure(iam(state, 'DeleteRole', { RoleName: 'temp' }));
    assert.equal(conflict.code, 'DeleteConflict');
    assert.equal(conflict.status, 409);
    await iam(state, 'DetachRolePolicy', { RoleName: 'temp', PolicyArn: 'arn:aws:iam::aws:policy/CloudWatchLogsFullAccess' });
    assert.deepEqual((await iam(state, 'ListRoleTags', { RoleName: 'temp' })).Tags, [{ Key: 'ecskit:stack', Value: 'lab' }]);
    await iam(state, 'DeleteRole', { RoleName: 'temp' });
    assert.equal((await failure(iam(state, 'GetRole', { RoleName: 'temp' }))).code, 'NoSuchEntity');
  });

  test('ListRoles pages with Marker and IsTruncated', async () => {
    const state = await labState();
    const first = await iam(state, 'ListRoles', { MaxItems: '1' });
    assert.equal(first.IsTruncated, true);
    const second = await iam(state, 'ListRoles', { MaxItems: '1', Marker: first.Marker });
    assert.equal(second.IsTruncated, true);
    const third = await iam(state, 'ListRoles', { MaxItems: '1', Marker: second.Marker });
    assert.equal(third.IsTruncated, false);
    assert.equal(third.Marker, undefined);
    assert.deepEqual([first.Roles[0].RoleName, second.Roles[0].RoleName, third.Roles[0].RoleName], ['ecsAutoscaleRole', 'ecsInstanceRole', 'ecsTaskExecutionRole']);
  });

  describe('through the AWS CLI', { skip: awsCliSkip() }, () => {
    let t: TestCloud;
    before(async () => {
      t = await startTestCloud({ preset: 'lab' });
    });
    after(() => t.stop());

    test('get-role prints the decoded trust policy and create-role of a taken name fails with EntityAlreadyExists', async () => {
      const role = await awsCli(t.cloud.endpoint, ['iam', 'get-role', '--role-name', 'ecsTaskExecutionRole']);
      assert.equal(role.code, 0, role.stderr);
      assert.equal(role.json.Role.AssumeRolePolicyDocument.Statement[0].Principal.Service, 'ecs-tasks.amazonaws.com');
      const taken = await awsCli(t.cloud.endpoint, ['iam', 'create-role', '--role-name', 'ecsTaskExecutionRole', '--assume-role-policy-document', TRUST]);
      assert.notEqual(taken.code, 0);
      assert.match(taken.stderr, /EntityAlreadyExists/);
    });
  });
});
