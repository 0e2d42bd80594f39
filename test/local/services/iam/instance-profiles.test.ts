import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  GetInstanceProfileCommand,
  IAMClient,
  ListInstanceProfilesCommand,
  ListInstanceProfilesForRoleCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { AwsError } from '../../../../src/local/core/types.js';
import { findInstanceProfile } from '../../../../src/local/services/iam/state.js';
import { rejection, startTestCloud, TEST_CREDENTIALS, type TestCloud } from '../../helpers.js';

const EC2_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

describe('IAM instance profiles', () => {
  const iam = (state: CloudState, op: string, input: unknown = {}, region = 'us-east-1') => state.invoke('iam', op, input, { region, protocol: 'query' }) as Promise<any>;
  const failure = (call: Promise<unknown>) =>
    call.then(
      () => assert.fail('expected the call to fail'),
      (e: unknown) => {
        assert.ok(e instanceof AwsError, String(e));
        return { code: e.code, status: e.status, message: e.message };
      },
    );
  /** A state with the role `ecsInstanceRole` and the empty profile `ecsInstanceRole`. */
  const withRoleAndProfile = async () => {
    const state = new CloudState();
    await iam(state, 'CreateRole', { RoleName: 'ecsInstanceRole', AssumeRolePolicyDocument: EC2_TRUST });
    await iam(state, 'CreateInstanceProfile', { InstanceProfileName: 'ecsInstanceRole' });
    return state;
  };

  test('a fresh account has none; CreateInstanceProfile answers the profile with a region-less ARN (path included), an AIPA id and no roles', async () => {
    const state = new CloudState();
    assert.deepEqual(await iam(state, 'ListInstanceProfiles'), { InstanceProfiles: [], IsTruncated: false });
    const { InstanceProfile } = await iam(state, 'CreateInstanceProfile', { InstanceProfileName: 'web', Path: '/lab/', Tags: [{ Key: 'team', Value: 'lab' }] }, 'eu-west-1');
    assert.equal(InstanceProfile.Arn, 'arn:aws:iam::123456789012:instance-profile/lab/web');
    assert.match(InstanceProfile.InstanceProfileId, /^AIPA[A-Z0-9]{17}$/);
    assert.equal(InstanceProfile.Path, '/lab/');
    assert.deepEqual(InstanceProfile.Roles, []);
    assert.deepEqual(InstanceProfile.Tags, [{ Key: 'team', Value: 'lab' }]);
    assert.ok(InstanceProfile.CreateDate instanceof Date);
    // IAM is global: seen from any region, with the same id.
    const got = (await iam(state, 'GetInstanceProfile', { InstanceProfileName: 'web' }, 'ap-southeast-2')).InstanceProfile;
    assert.equal(got.InstanceProfileId, InstanceProfile.InstanceProfileId);
    assert.deepEqual(got.Tags, [{ Key: 'team', Value: 'lab' }]);
    // The ARN's partition follows the caller's region, as a role's does.
    const cn = (await iam(state, 'CreateInstanceProfile', { InstanceProfileName: 'cn-web' }, 'cn-north-1')).InstanceProfile;
    assert.equal(cn.Arn, 'arn:aws-cn:iam::123456789012:instance-profile/cn-web');
  });

  test('taken names (case-insensitively) are EntityAlreadyExists (409); unknown ones NoSuchEntity (404) with AWS\'s message', async () => {
    const state = await withRoleAndProfile();
    assert.deepEqual(await failure(iam(state, 'CreateInstanceProfile', { InstanceProfileName: 'ecsInstanceRole' })), {
      code: 'EntityAlreadyExists',
      status: 409,
      message: 'Instance Profile ecsInstanceRole already exists.',
    });
    assert.equal((await failure(iam(state, 'CreateInstanceProfile', { InstanceProfileName: 'ECSINSTANCEROLE' }))).code, 'EntityAlreadyExists');
    for (const op of ['GetInstanceProfile', 'DeleteInstanceProfile']) {
      assert.deepEqual(await failure(iam(state, op, { InstanceProfileName: 'ghost' })), { code: 'NoSuchEntity', status: 404, message: 'Instance Profile ghost cannot be found.' }, op);
    }
    assert.equal((await failure(iam(state, 'AddRoleToInstanceProfile', { InstanceProfileName: 'ghost', RoleName: 'ecsInstanceRole' }))).code, 'NoSuchEntity');
    assert.deepEqual(await failure(iam(state, 'AddRoleToInstanceProfile', { InstanceProfileName: 'ecsInstanceRole', RoleName: 'ghost' })), {
      code: 'NoSuchEntity',
      status: 404,
      message: 'The role with name ghost cannot be found.',
    });
    assert.equal((await failure(iam(state, 'ListInstanceProfilesForRole', { RoleName: 'ghost' }))).code, 'NoSuchEntity');
  });

  test('a profile holds one role: a second (or the same again) is LimitExceeded; the role shows in GetInstanceProfile and ListInstanceProfilesForRole', async () => {
    const state = await withRoleAndProfile();
    await iam(state, 'CreateRole', { RoleName: 'other', AssumeRolePolicyDocument: EC2_TRUST });
    await iam(state, 'AddRoleToInstanceProfile', { InstanceProfileName: 'ecsInstanceRole', RoleName: 'ecsInstanceRole' });
    for (const RoleName of ['other', 'ecsInstanceRole']) {
      assert.deepEqual(await failure(iam(state, 'AddRoleToInstanceProfile', { InstanceProfileName: 'ecsInstanceRole', RoleName })), {
        code: 'LimitExceeded',
        status: 409,
        message: 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
      });
    }
    const { InstanceProfile } = await iam(state, 'GetInstanceProfile', { InstanceProfileName: 'ecsInstanceRole' });
    assert.equal(InstanceProfile.Roles.length, 1);
    const [role] = InstanceProfile.Roles;
    assert.equal(role.RoleName, 'ecsInstanceRole');
    assert.equal(role.Arn, 'arn:aws:iam::123456789012:role/ecsInstanceRole');
    assert.match(role.RoleId, /^AROA/);
    assert.match(decodeURIComponent(role.AssumeRolePolicyDocument), /ec2\.amazonaws\.com/);
    // One role may be in several profiles.
    await iam(state, 'CreateInstanceProfile', { InstanceProfileName: 'second' });
    await iam(state, 'AddRoleToInstanceProfile', { InstanceProfileName: 'second', RoleName: 'ecsInstanceRole' });
    const forRole = await iam(state, 'ListInstanceProfilesForRole', { RoleName: 'ecsInstanceRole' });
    assert.deepEqual(forRole.InstanceProfiles.map((p: { InstanceProfileName: string }) => p.InstanceProfileName), ['ecsInstanceRole', 'second']);
    assert.deepEqual((await iam(state, 'ListInstanceProfilesForRole', { RoleName: 'other' })).InstanceProfiles, []);
  });

  test('DeleteInstanceProfile and DeleteRole refuse with DeleteConflict while the role is in the profile; removing it first lets both go', async () => {
    const state = await withRoleAndProfile();
    await iam(state, 'AddRoleToInstanceProfile', { InstanceProfileName: 'ecsInstanceRole', RoleName: 'ecsInstanceRole' });
    const conflict = { code: 'DeleteConflict', status: 409, message: 'Cannot delete entity, must remove roles from instance profile first.' };
    assert.deepEqual(await failure(iam(state, 'DeleteInstanceProfile', { InstanceProfileName: 'ecsInstanceRole' })), conflict);
    assert.deepEqual(await failure(iam(state, 'DeleteRole', { RoleName: 'ecsInstanceRole' })), conflict);
    // Removing a role the profile does not hold is NoSuchEntity.
    await iam(state, 'CreateRole', { RoleName: 'other', AssumeRolePolicyDocument: EC2_TRUST });
    assert.equal((await failure(iam(state, 'RemoveRoleFromInstanceProfile', { InstanceProfileName: 'ecsInstanceRole', RoleName: 'other' }))).code, 'NoSuchEntity');
    await iam(state, 'RemoveRoleFromInstanceProfile', { InstanceProfileName: 'ecsInstanceRole', RoleName: 'ecsInstanceRole' });
    assert.deepEqual((await iam(state, 'GetInstanceProfile', { InstanceProfileName: 'ecsInstanceRole' })).InstanceProfile.Roles, []);
    assert.equal((await failure(iam(state, 'RemoveRoleFromInstanceProfile', { InstanceProfileName: 'ecsInstanceRole', RoleName: 'ecsInstanceRole' }))).code, 'NoSuchEntity');
    await iam(state, 'DeleteInstanceProfile', { InstanceProfileName: 'ecsInstanceRole' });
    await iam(state, 'DeleteRole', { RoleName: 'ecsInstanceRole' });
    assert.deepEqual((await iam(state, 'ListInstanceProfiles')).InstanceProfiles, []);
    // A role with attached policies and no profile still gets the policies' conflict.
    await iam(state, 'AttachRolePolicy', { RoleName: 'other', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role' });
    assert.equal((await failure(iam(state, 'DeleteRole', { RoleName: 'other' }))).message, 'Cannot delete entity, must detach all policies first.');
  });

  test('ListInstanceProfiles filters by PathPrefix and pages with Marker/MaxItems/IsTruncated, without tags', async () => {
    const state = new CloudState();
    for (const [name, Path] of [
      ['c', '/'],
      ['a', '/lab/'],
      ['b', '/lab/web/'],
      ['d', '/other/'],
    ] as const) {
      await iam(state, 'CreateInstanceProfile', { InstanceProfileName: name, Path, Tags: [{ Key: 'k', Value: 'v' }] });
    }
    const names = (out: { InstanceProfiles: { InstanceProfileName: string }[] }) => out.InstanceProfiles.map((p) => p.InstanceProfileName);
    assert.deepEqual(names(await iam(state, 'ListInstanceProfiles')), ['a', 'b', 'c', 'd']);
    assert.deepEqual(names(await iam(state, 'ListInstanceProfiles', { PathPrefix: '/lab/' })), ['a', 'b']);
    assert.deepEqual(names(await iam(state, 'ListInstanceProfiles', { PathPrefix: '/lab/web/' })), ['b']);
    const seen: string[] = [];
    let Marker: string | undefined;
    let pages = 0;
    do {
      const page = await iam(state, 'ListInstanceProfiles', { MaxItems: '3', ...(Marker && { Marker }) });
      pages++;
      seen.push(...names(page));
      assert.ok(page.InstanceProfiles.every((p: { Tags?: unknown }) => p.Tags === undefined), 'ListInstanceProfiles returns no tags');
      assert.equal(page.IsTruncated, page.Marker !== undefined);
      Marker = page.Marker;
    } while (Marker);
    assert.equal(pages, 2);
    assert.deepEqual(seen, ['a', 'b', 'c', 'd']);
  });

  test('hostile input: bad names, paths, markers and MaxItems are refused by validation; __proto__ and constructor are ordinary names', async () => {
    const state = new CloudState();
    for (const InstanceProfileName of ['', 'has space', 'a/b', 'x'.repeat(129), '<script>', 'ümlaut']) {
      const e = await failure(iam(state, 'CreateInstanceProfile', { InstanceProfileName }));
      assert.equal(e.code, 'ValidationError', JSON.stringify(InstanceProfileName));
    }
    for (const Path of ['lab', '/lab', 'lab/', '/a b/', '/ü/']) {
      assert.equal((await failure(iam(state, 'CreateInstanceProfile', { InstanceProfileName: 'p', Path }))).code, 'ValidationError', Path);
    }
    for (const MaxItems of ['0', '1001', '-1', 'abc']) {
      assert.equal((await failure(iam(state, 'ListInstanceProfiles', { MaxItems }))).code, 'ValidationError', MaxItems);
    }
    for (const Marker of ['not-a-marker', 'LTE', '!!']) {
      assert.equal((await failure(iam(state, 'ListInstanceProfiles', { Marker }))).code, 'ValidationError', Marker);
    }
    assert.equal((await failure(iam(state, 'GetInstanceProfile', {}))).code, 'ValidationError');
    // Names that are Object.prototype members are stored and found like any other, and leave the others alone.
    for (const name of ['__proto__', 'constructor', 'hasOwnProperty', 'toString']) {
      await iam(state, 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: EC2_TRUST });
      await iam(state, 'CreateInstanceProfile', { InstanceProfileName: name });
      await iam(state, 'AddRoleToInstanceProfile', { InstanceProfileName: name, RoleName: name });
      assert.equal((await iam(state, 'GetInstanceProfile', { InstanceProfileName: name })).InstanceProfile.Roles[0].RoleName, name);
      assert.equal((await iam(state, 'GetRole', { RoleName: name })).Role.RoleName, name);
    }
    assert.equal((await failure(iam(state, 'GetInstanceProfile', { InstanceProfileName: 'valueOf' }))).code, 'NoSuchEntity');
    assert.deepEqual(
      (await iam(state, 'ListInstanceProfiles')).InstanceProfiles.map((p: { InstanceProfileName: string }) => p.InstanceProfileName),
      ['__proto__', 'constructor', 'hasOwnProperty', 'toString'],
    );
    assert.equal((await iam(state, 'ListRoles')).Roles.length, 4);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
    assert.equal(({} as Record<string, unknown>)['InstanceProfileName'], undefined, 'Object.prototype untouched');
  });

  test('findInstanceProfile (for EC2) finds by name or exact ARN and never creates IAM state', async () => {
    const fresh = new CloudState();
    const ctx = fresh.context('ec2', 'RunInstances', 'eu-west-1');
    assert.equal(findInstanceProfile(ctx, { name: 'ecsInstanceRole' }), undefined);
    assert.equal(ctx.stateOf('us-east-1')['iam'], undefined, 'a lookup leaves an account without IAM state as it is');
    const state = await withRoleAndProfile();
    const ctx2 = state.context('ec2', 'RunInstances', 'eu-west-1');
    const found = findInstanceProfile(ctx2, { name: 'ecsInstanceRole' });
    assert.equal(found?.Arn, 'arn:aws:iam::123456789012:instance-profile/ecsInstanceRole');
    assert.equal(findInstanceProfile(ctx2, { arn: found!.Arn })?.InstanceProfileId, found?.InstanceProfileId);
    assert.equal(findInstanceProfile(ctx2, { arn: 'arn:aws:iam::123456789012:instance-profile/ECSINSTANCEROLE' }), undefined);
    assert.equal(findInstanceProfile(ctx2, { name: '__proto__' }), undefined);
  });

  test('state written before instance profiles existed (an IAM slice with roles only) still serves them', async () => {
    const state = new CloudState();
    await iam(state, 'CreateRole', { RoleName: 'old', AssumeRolePolicyDocument: EC2_TRUST });
    const slice = state.context('iam', 'GetRole', 'us-east-1').stateOf('us-east-1')['iam'] as { instanceProfiles?: unknown };
    delete slice.instanceProfiles;
    assert.deepEqual((await iam(state, 'ListInstanceProfiles')).InstanceProfiles, []);
    assert.deepEqual((await iam(state, 'ListInstanceProfilesForRole', { RoleName: 'old' })).InstanceProfiles, []);
    await iam(state, 'DeleteRole', { RoleName: 'old' });
    await iam(state, 'CreateInstanceProfile', { InstanceProfileName: 'new' });
    assert.equal((await iam(state, 'ListInstanceProfiles')).InstanceProfiles.length, 1);
  });

  describe('through the SDK', () => {
    let t: TestCloud;
    let client: IAMClient;
    before(async () => {
      t = await startTestCloud();
      client = new IAMClient({ endpoint: t.cloud.endpoint, region: t.cloud.region, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    });
    after(async () => {
      client?.destroy();
      await t?.stop();
    });

    test('the lab\'s calls parse, with the role inside the profile, and errors arrive as the SDK\'s exceptions', async () => {
      await client.send(new CreateRoleCommand({ RoleName: 'ecsInstanceRole', AssumeRolePolicyDocument: EC2_TRUST }));
      const created = await client.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ecsInstanceRole' }));
      assert.equal(created.InstanceProfile?.Arn, 'arn:aws:iam::123456789012:instance-profile/ecsInstanceRole');
      assert.deepEqual(created.InstanceProfile?.Roles, []);
      await client.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ecsInstanceRole', RoleName: 'ecsInstanceRole' }));
      const got = await client.send(new GetInstanceProfileCommand({ InstanceProfileName: 'ecsInstanceRole' }));
      assert.equal(got.InstanceProfile?.Roles?.[0]?.RoleName, 'ecsInstanceRole');
      assert.ok(got.InstanceProfile?.CreateDate instanceof Date);
      const listed = await client.send(new ListInstanceProfilesCommand({}));
      assert.deepEqual(listed.InstanceProfiles?.map((p) => p.InstanceProfileName), ['ecsInstanceRole']);
      assert.equal(listed.IsTruncated, false);
      const forRole = await client.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'ecsInstanceRole' }));
      assert.equal(forRole.InstanceProfiles?.[0]?.InstanceProfileId, got.InstanceProfile?.InstanceProfileId);

      const limit = await rejection(client.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ecsInstanceRole', RoleName: 'ecsInstanceRole' })));
      assert.equal(limit.name, 'LimitExceededException');
      assert.equal(limit.$metadata.httpStatusCode, 409);
      const conflict = await rejection(client.send(new DeleteRoleCommand({ RoleName: 'ecsInstanceRole' })));
      assert.equal(conflict.name, 'DeleteConflictException');
      assert.equal(conflict.message, 'Cannot delete entity, must remove roles from instance profile first.');
      const missing = await rejection(client.send(new GetInstanceProfileCommand({ InstanceProfileName: 'ghost' })));
      assert.equal(missing.name, 'NoSuchEntityException');
      assert.equal(missing.$metadata.httpStatusCode, 404);

      await client.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'ecsInstanceRole', RoleName: 'ecsInstanceRole' }));
      await client.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'ecsInstanceRole' }));
      await client.send(new DeleteRoleCommand({ RoleName: 'ecsInstanceRole' }));
    });
  });
});
