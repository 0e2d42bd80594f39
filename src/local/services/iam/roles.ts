/**
 * IAM roles: CreateRole, GetRole, ListRoles, DeleteRole, Attach/Detach/
 * ListAttachedRolePolicies, TagRole/UntagRole/ListRoleTags.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { iamState, own, roleId, setOwn, type StoredRole } from './state.js';
import { arn } from '../../core/util.js';

/** A folded query list as an array. */
export function list<T>(value: unknown): T[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value as T[];
  if (typeof value === 'object' && (value as Record<string, unknown>)['member'] !== undefined) return list<T>((value as Record<string, unknown>)['member']);
  return [value as T];
}

export const validation = (message: string) => new AwsError('ValidationError', message);
const noSuchRole = (name: string) => new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);

export function need(value: unknown, name: string): string {
  if (value === undefined || value === null || value === '') {
    throw validation(`1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return String(value);
}

/** The role `input.RoleName` names; `NoSuchEntity` (404) when there is none. */
export function requireRole(ctx: RequestContext, input: Record<string, unknown>): StoredRole {
  const name = need(input['RoleName'], 'RoleName');
  const role = own(iamState(ctx).roles, name);
  if (!role) throw noSuchRole(name);
  return role;
}

/** The `Role` shape; the trust policy is URL-encoded as IAM returns it. */
export function roleShape(role: StoredRole, withTags = true) {
  return {
    Path: role.Path,
    RoleName: role.RoleName,
    RoleId: role.RoleId,
    Arn: role.Arn,
    CreateDate: new Date(role.CreateDate),
    AssumeRolePolicyDocument: encodeURIComponent(role.AssumeRolePolicyDocument),
    ...(role.Description !== undefined ? { Description: role.Description } : {}),
    MaxSessionDuration: role.MaxSessionDuration,
    ...(withTags && role.Tags.length ? { Tags: role.Tags } : {}),
  };
}

export function tagsOf(value: unknown): { Key: string; Value: string }[] {
  const tags = list<{ Key?: string; Value?: string }>(value).map((t) => ({ Key: need(t.Key, 'Tags.member.Key'), Value: String(t.Value ?? '') }));
  if (new Set(tags.map((t) => t.Key.toLowerCase())).size !== tags.length) throw new AwsError('InvalidInput', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  return tags;
}

/** Pages for IAM's `Marker`/`MaxItems` (default 100), with `IsTruncated`. */
export function pageOf<T>(items: T[], input: Record<string, unknown>): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const max = input['MaxItems'] === undefined ? 100 : Number(input['MaxItems']);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw validation(`MaxItems must be between 1 and 1000, got: ${String(input['MaxItems'])}`);
  const decoded = input['Marker'] ? Buffer.from(String(input['Marker']), 'base64url').toString('utf8') : '0';
  const start = /^\d{1,9}$/.test(decoded) ? Number(decoded) : -1;
  if (start < 0) throw validation(`Invalid Marker '${String(input['Marker'])}'; pass the Marker of a previous call.`);
  const next = start + max;
  return next < items.length ? { items: items.slice(start, next), IsTruncated: true, Marker: Buffer.from(String(next)).toString('base64url') } : { items: items.slice(start), IsTruncated: false };
}

/** `input.Path` (default `/`): it must begin and end with `/`. */
export function pathOf(input: Record<string, unknown>): string {
  const path = (input['Path'] as string | undefined) ?? '/';
  if (!/^\/([\x21-\x7e]*\/)?$/.test(path)) throw validation(`Path '${path}' must begin and end with '/'`);
  return path;
}

/** CreateRole: `EntityAlreadyExists` (409) for a taken name; the trust policy must be JSON. */
export const createRole: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = iamState(ctx);
  const name = need(input['RoleName'], 'RoleName');
  if (!/^[\w+=,.@-]{1,64}$/.test(name)) throw validation(`1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length 1-64`);
  const documentRaw = need(input['AssumeRolePolicyDocument'], 'AssumeRolePolicyDocument');
  let document = documentRaw;
  if (!documentRaw.trim().startsWith('{')) {
    try {
      document = decodeURIComponent(documentRaw);
    } catch {
      /* leave as is; JSON.parse reports it */
    }
  }
  try {
    JSON.parse(document);
  } catch {
    throw new AwsError('MalformedPolicyDocument', 'This policy contains invalid Json');
  }
  const path = pathOf(input);
  if (Object.hasOwn(state.roles, name) || Object.keys(state.roles).some((r) => r.toLowerCase() === name.toLowerCase())) {
    throw new AwsError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
  }
  const maxSession = input['MaxSessionDuration'] === undefined ? 3600 : Number(input['MaxSessionDuration']);
  if (!Number.isInteger(maxSession) || maxSession < 3600 || maxSession > 43200) throw validation(`MaxSessionDuration must be between 3600 and 43200 seconds, got: ${String(input['MaxSessionDuration'])}`);
  const role: StoredRole = {
    RoleName: name,
    RoleId: roleId(),
    Arn: arn(ctx, 'iam', `role${path}${name}`, ''),
    Path: path,
    CreateDate: ctx.now().getTime(),
    AssumeRolePolicyDocument: document,
    ...(input['Description'] !== undefined ? { Description: String(input['Description']) } : {}),
    MaxSessionDuration: maxSession,
    Tags: tagsOf(input['Tags']),
    AttachedPolicies: [],
  };
  setOwn(state.roles, name, role);
  return { Role: roleShape(role) };
};

/** GetRole: `NoSuchEntity` (404) for an unknown name. */
export const getRole: OperationHandler = (input: Record<string, unknown>, ctx) => ({ Role: { ...roleShape(requireRole(ctx, input)), RoleLastUsed: {} } });

/** ListRoles: by `PathPrefix`, paged with `Marker`/`MaxItems`. */
export const listRoles: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const prefix = (input['PathPrefix'] as string | undefined) ?? '/';
  const roles = Object.values(iamState(ctx).roles)
    .filter((r) => r.Path.startsWith(prefix))
    .sort((a, b) => a.RoleName.localeCompare(b.RoleName));
  const { items, IsTruncated, Marker } = pageOf(roles, input);
  return { Roles: items.map((r) => roleShape(r, false)), IsTruncated, ...(Marker ? { Marker } : {}) };
};

/** DeleteRole: `DeleteConflict` (409) while the role is in an instance profile or policies are attached. */
export const deleteRole: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const role = requireRole(ctx, input);
  if (Object.values(iamState(ctx).instanceProfiles ?? {}).some((p) => p.Roles.includes(role.RoleName))) {
    throw new AwsError('DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.', 409);
  }
  if (role.AttachedPolicies.length) throw new AwsError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
  delete iamState(ctx).roles[role.RoleName];
  return {};
};

const POLICY_ARN = /^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/([\x21-\x7e]*\/)?[\w+=,.@-]+$/;

/** AttachRolePolicy: any well-formed managed policy ARN (AWS-managed or the account's). */
export const attachRolePolicy: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const role = requireRole(ctx, input);
  const policyArn = need(input['PolicyArn'], 'PolicyArn');
  if (!POLICY_ARN.test(policyArn)) throw new AwsError('InvalidInput', `ARN ${policyArn} is not valid.`);
  if (!role.AttachedPolicies.some((p) => p.PolicyArn === policyArn)) {
    role.AttachedPolicies.push({ PolicyName: policyArn.split('/').pop() ?? policyArn, PolicyArn: policyArn });
  }
  return {};
};

/** DetachRolePolicy: `NoSuchEntity` when the policy is not attached. */
export const detachRolePolicy: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const role = requireRole(ctx, input);
  const policyArn = need(input['PolicyArn'], 'PolicyArn');
  if (!role.AttachedPolicies.some((p) => p.PolicyArn === policyArn)) throw new AwsError('NoSuchEntity', `Policy ${policyArn} was not found.`, 404);
  role.AttachedPolicies = role.AttachedPolicies.filter((p) => p.PolicyArn !== policyArn);
  return {};
};

/** ListAttachedRolePolicies. */
export const listAttachedRolePolicies: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const role = requireRole(ctx, input);
  const prefix = (input['PathPrefix'] as string | undefined) ?? '/';
  const policies = role.AttachedPolicies.filter((p) => (p.PolicyArn.split(':policy')[1] ?? '/').startsWith(prefix));
  const { items, IsTruncated, Marker } = pageOf(policies, input);
  return { AttachedPolicies: items, IsTruncated, ...(Marker ? { Marker } : {}) };
};

/** TagRole: at most 50 tags per role. */
export const tagRole: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const role = requireRole(ctx, input);
  const tags = tagsOf(input['Tags']);
  const merged = [...role.Tags];
  for (const tag of tags) {
    const i = merged.findIndex((t) => t.Key.toLowerCase() === tag.Key.toLowerCase());
    if (i >= 0) merged[i] = tag;
    else merged.push(tag);
  }
  if (merged.length > 50) throw new AwsError('LimitExceeded', `Cannot exceed quota for TagsPerRole: 50 (the role would have ${merged.length}).`, 409);
  role.Tags = merged;
  return {};
};

/** UntagRole. */
export const untagRole: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const role = requireRole(ctx, input);
  const keys = list<string>(input['TagKeys']).map((k) => String(k).toLowerCase());
  role.Tags = role.Tags.filter((t) => !keys.includes(t.Key.toLowerCase()));
  return {};
};

/** ListRoleTags. */
export const listRoleTags: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const role = requireRole(ctx, input);
  const { items, IsTruncated, Marker } = pageOf(role.Tags, input);
  return { Tags: items, IsTruncated, ...(Marker ? { Marker } : {}) };
};
