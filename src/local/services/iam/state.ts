/**
 * IAM state. IAM is global: its slice lives in the account's `us-east-1`
 * state whatever region a request is signed for, and ARNs carry no region.
 * An account starts with no roles and no instance profiles, as on AWS; the
 * lab's `ecsTaskExecutionRole`, `ecsAutoscaleRole` and `ecsInstanceRole` (and
 * the instance profile `ecsInstanceRole`) come from its setup step or the
 * `lab` account preset.
 *
 * @internal
 */
import type { RequestContext } from '../../core/types.js';
import { own, setOwn } from '../../core/util.js';

/** Region whose state holds the (global) IAM slice. */
export const IAM_HOME_REGION = 'us-east-1';

/** A role as stored; the trust policy is kept decoded (plain JSON text). */
export interface StoredRole {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: number;
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  Tags: { Key: string; Value: string }[];
  AttachedPolicies: { PolicyName: string; PolicyArn: string }[];
}

/** An instance profile as stored: the roles it contains by name (at most one, as on AWS). */
export interface StoredInstanceProfile {
  InstanceProfileName: string;
  InstanceProfileId: string;
  Arn: string;
  Path: string;
  CreateDate: number;
  /** Names of the roles in it (0 or 1). */
  Roles: string[];
  Tags: { Key: string; Value: string }[];
}

/** The `iam` slice of one account. */
export interface IamState {
  roles: Record<string, StoredRole>;
  /** name → instance profile (absent in state written before instance profiles existed). */
  instanceProfiles?: Record<string, StoredInstanceProfile>;
}

/** A trust policy letting one AWS service assume the role. */
export function trustPolicy(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: '', Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
}

/** An IAM unique id: `prefix` + 17 upper-case alphanumerics. */
function uniqueId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let id = prefix;
  for (let i = 0; i < 17; i++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return id;
}

/** A role id: `AROA` + 17 upper-case alphanumerics. */
export function roleId(): string {
  return uniqueId('AROA');
}

/** An instance profile id: `AIPA` + 17 upper-case alphanumerics. */
export function instanceProfileId(): string {
  return uniqueId('AIPA');
}

/** `own` / `setOwn`: own-property lookups and writes of records keyed by user-supplied names (see core/util). */
export { own, setOwn };

/** The IAM slice of this account (created empty on first use). */
export function iamState(ctx: Pick<RequestContext, 'stateOf' | 'accountId' | 'now'> & Partial<Pick<RequestContext, 'changed'>>): IamState {
  const home = ctx.stateOf(IAM_HOME_REGION);
  const existing = home['iam'] as IamState | undefined;
  if (existing) return existing;
  const created: IamState = { roles: {}, instanceProfiles: {} };
  home['iam'] = created;
  ctx.changed?.();
  return created;
}

/** The account's IAM slice if it has one: read without creating it (for other services' lookups). */
function existingIamState(ctx: Pick<RequestContext, 'stateOf'>): IamState | undefined {
  return ctx.stateOf(IAM_HOME_REGION)['iam'] as IamState | undefined;
}

/**
 * The instance profile named `name` or with ARN `arn`, or undefined (EC2's
 * RunInstances checks `IamInstanceProfile` with it). Reads only: an account
 * without IAM state has no profiles.
 */
export function findInstanceProfile(ctx: Pick<RequestContext, 'stateOf'>, by: { name: string } | { arn: string }): StoredInstanceProfile | undefined {
  const profiles = existingIamState(ctx)?.instanceProfiles;
  if ('name' in by) return own(profiles, by.name);
  return Object.values(profiles ?? {}).find((p) => p.Arn === by.arn);
}
