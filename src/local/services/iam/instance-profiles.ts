/**
 * IAM instance profiles: CreateInstanceProfile, GetInstanceProfile,
 * DeleteInstanceProfile, AddRoleToInstanceProfile,
 * RemoveRoleFromInstanceProfile, ListInstanceProfiles and
 * ListInstanceProfilesForRole, as the IAM API reference describes them: a
 * profile holds at most one role (`LimitExceeded`, a quota AWS cannot
 * raise), cannot be deleted while it holds one (`DeleteConflict`), and a
 * role in a profile cannot be deleted either (DeleteRole, `roles.ts`).
 * EC2's RunInstances resolves `IamInstanceProfile` against them
 * (`findInstanceProfile` in `state.ts`).
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn } from '../../core/util.js';
import { need, pageOf, pathOf, requireRole, roleShape, tagsOf, validation } from './roles.js';
import { iamState, instanceProfileId, own, setOwn, type IamState, type StoredInstanceProfile, type StoredRole } from './state.js';

/** AWS's default quota of instance profiles per account (IAM object quotas). */
export const INSTANCE_PROFILES_PER_ACCOUNT = 1000;

const NAME = /^[\w+=,.@-]{1,128}$/;

const noSuchProfile = (name: string) => new AwsError('NoSuchEntity', `Instance Profile ${name} cannot be found.`, 404);

/** The profiles of the account, created empty in state written before profiles existed. */
function profilesOf(state: IamState): Record<string, StoredInstanceProfile> {
  state.instanceProfiles ??= {};
  return state.instanceProfiles;
}

function profileName(input: Record<string, unknown>): string {
  const name = need(input['InstanceProfileName'], 'InstanceProfileName');
  if (!NAME.test(name)) {
    throw validation(`1 validation error detected: Value '${name}' at 'instanceProfileName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length 1-128`);
  }
  return name;
}

/** The profile `input.InstanceProfileName` names; `NoSuchEntity` (404) when there is none. */
function requireProfile(ctx: RequestContext, input: Record<string, unknown>): StoredInstanceProfile {
  const name = profileName(input);
  const profile = own(iamState(ctx).instanceProfiles, name);
  if (!profile) throw noSuchProfile(name);
  return profile;
}

/** A role as an `InstanceProfile`'s `Roles` lists it (the API reference's example: no description, session length or tags). */
function profileRoleShape(role: StoredRole) {
  const { Description: _description, MaxSessionDuration: _session, ...shape } = roleShape(role, false);
  return shape;
}

/** The `InstanceProfile` shape; ListInstanceProfiles leaves the tags out, as the API reference says. */
function profileShape(state: IamState, profile: StoredInstanceProfile, withTags = true) {
  return {
    Path: profile.Path,
    InstanceProfileName: profile.InstanceProfileName,
    InstanceProfileId: profile.InstanceProfileId,
    Arn: profile.Arn,
    CreateDate: new Date(profile.CreateDate),
    Roles: profile.Roles.flatMap((name) => {
      const role = own(state.roles, name);
      return role ? [profileRoleShape(role)] : [];
    }),
    ...(withTags && profile.Tags.length ? { Tags: profile.Tags } : {}),
  };
}

/**
 * CreateInstanceProfile: `EntityAlreadyExists` (409) for a taken name (IAM
 * names are unique case-insensitively), `LimitExceeded` past the account's
 * 1000 profiles. The ARN is `arn:<partition>:iam::<account>:instance-profile<path><name>`.
 */
export const createInstanceProfile: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = iamState(ctx);
  const name = profileName(input);
  const path = pathOf(input);
  const profiles = profilesOf(state);
  if (Object.hasOwn(profiles, name) || Object.keys(profiles).some((p) => p.toLowerCase() === name.toLowerCase())) {
    throw new AwsError('EntityAlreadyExists', `Instance Profile ${name} already exists.`, 409);
  }
  if (Object.keys(profiles).length >= INSTANCE_PROFILES_PER_ACCOUNT) {
    throw new AwsError('LimitExceeded', `Cannot exceed quota for InstanceProfilesPerAccount: ${INSTANCE_PROFILES_PER_ACCOUNT}`, 409);
  }
  const tags = tagsOf(input['Tags']);
  if (tags.length > 50) throw new AwsError('LimitExceeded', `Cannot exceed quota for TagsPerInstanceProfile: 50 (the request has ${tags.length}).`, 409);
  const profile: StoredInstanceProfile = {
    InstanceProfileName: name,
    InstanceProfileId: instanceProfileId(),
    Arn: arn(ctx, 'iam', `instance-profile${path}${name}`, ''),
    Path: path,
    CreateDate: ctx.now().getTime(),
    Roles: [],
    Tags: tags,
  };
  setOwn(profiles, name, profile);
  return { InstanceProfile: profileShape(state, profile) };
};

/** GetInstanceProfile: `NoSuchEntity` (404) for an unknown name. */
export const getInstanceProfile: OperationHandler = (input: Record<string, unknown>, ctx) => ({ InstanceProfile: profileShape(iamState(ctx), requireProfile(ctx, input)) });

/** DeleteInstanceProfile: `DeleteConflict` (409) while a role is in it. */
export const deleteInstanceProfile: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const profile = requireProfile(ctx, input);
  if (profile.Roles.length > 0) throw new AwsError('DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.', 409);
  delete profilesOf(iamState(ctx))[profile.InstanceProfileName];
  return {};
};

/**
 * AddRoleToInstanceProfile: one role per profile — a second one, or the same
 * one again, is `LimitExceeded` (409) with AWS's message; an unknown profile
 * or role is `NoSuchEntity`.
 */
export const addRoleToInstanceProfile: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const profile = requireProfile(ctx, input);
  const role = requireRole(ctx, input);
  if (profile.Roles.length >= 1) throw new AwsError('LimitExceeded', 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1', 409);
  profile.Roles = [role.RoleName];
  return {};
};

/** RemoveRoleFromInstanceProfile: `NoSuchEntity` for an unknown profile or role, or a role the profile does not hold. */
export const removeRoleFromInstanceProfile: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const profile = requireProfile(ctx, input);
  const role = requireRole(ctx, input);
  if (!profile.Roles.includes(role.RoleName)) {
    throw new AwsError('NoSuchEntity', `The role with name ${role.RoleName} cannot be found in instance profile ${profile.InstanceProfileName}.`, 404);
  }
  profile.Roles = profile.Roles.filter((r) => r !== role.RoleName);
  return {};
};

const byName = (a: StoredInstanceProfile, b: StoredInstanceProfile) => a.InstanceProfileName.localeCompare(b.InstanceProfileName);

/** ListInstanceProfiles: by `PathPrefix`, paged with `Marker`/`MaxItems`; no tags (GetInstanceProfile has them). */
export const listInstanceProfiles: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = iamState(ctx);
  const prefix = (input['PathPrefix'] as string | undefined) ?? '/';
  const profiles = Object.values(state.instanceProfiles ?? {})
    .filter((p) => p.Path.startsWith(prefix))
    .sort(byName);
  const { items, IsTruncated, Marker } = pageOf(profiles, input);
  return { InstanceProfiles: items.map((p) => profileShape(state, p, false)), IsTruncated, ...(Marker ? { Marker } : {}) };
};

/** ListInstanceProfilesForRole: the profiles holding the role (`NoSuchEntity` for an unknown role), paged. */
export const listInstanceProfilesForRole: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = iamState(ctx);
  const role = requireRole(ctx, input);
  const profiles = Object.values(state.instanceProfiles ?? {})
    .filter((p) => p.Roles.includes(role.RoleName))
    .sort(byName);
  const { items, IsTruncated, Marker } = pageOf(profiles, input);
  return { InstanceProfiles: items.map((p) => profileShape(state, p, false)), IsTruncated, ...(Marker ? { Marker } : {}) };
};
