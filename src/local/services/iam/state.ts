/**
 * IAM state. IAM is global: its slice lives in the account's `us-east-1`
 * state whatever region a request is signed for, and ARNs carry no region.
 * An account starts with no roles, as on AWS; the lab's `ecsTaskExecutionRole`
 * and `ecsAutoscaleRole` come from its setup step or the `lab` account preset.
 *
 * @internal
 */
import type { RequestContext } from '../../core/types.js';

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

/** The `iam` slice of one account. */
export interface IamState {
  roles: Record<string, StoredRole>;
}

/** A trust policy letting one AWS service assume the role. */
export function trustPolicy(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: '', Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
}

/** A role id: `AROA` + 17 upper-case alphanumerics. */
export function roleId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let id = 'AROA';
  for (let i = 0; i < 17; i++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return id;
}

/** The IAM slice of this account (created empty on first use). */
export function iamState(ctx: Pick<RequestContext, 'stateOf' | 'accountId' | 'now'> & Partial<Pick<RequestContext, 'changed'>>): IamState {
  const home = ctx.stateOf(IAM_HOME_REGION);
  const existing = home['iam'] as IamState | undefined;
  if (existing) return existing;
  const created: IamState = { roles: {} };
  home['iam'] = created;
  ctx.changed?.();
  return created;
}

/** The role with this name, or undefined (for other services checking role ARNs). */
export function findRole(ctx: Pick<RequestContext, 'stateOf' | 'accountId' | 'now'>, roleName: string): StoredRole | undefined {
  const roles = iamState(ctx).roles;
  return Object.hasOwn(roles, roleName) ? roles[roleName] : undefined;
}
