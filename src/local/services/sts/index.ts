/**
 * The local cloud's STS: GetCallerIdentity answers as the lab's prerequisites
 * show (`arn:aws:iam::<account>:user/ecs-user`).
 *
 * @internal
 */
import type { OperationHandler, ServiceDefinition } from '../../core/types.js';
import { arn } from '../../core/util.js';

/** Name of the IAM user every local caller is. */
export const CALLER_USER_NAME = 'ecs-user';

/** A stable, AWS-shaped user id (`AIDA` + 17 characters) derived from the account id. */
export function callerUserId(accountId: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = '';
  let seed = [...accountId].reduce((n, c) => (n * 31 + c.charCodeAt(0)) >>> 0, 7);
  for (let i = 0; i < 17; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    id += alphabet[seed % alphabet.length];
  }
  return `AIDA${id}`;
}

/** GetCallerIdentity: `{ UserId, Account, Arn }`. */
export const getCallerIdentity: OperationHandler = (_input, ctx) => ({
  UserId: callerUserId(ctx.accountId),
  Account: ctx.accountId,
  Arn: arn(ctx, 'iam', `user/${CALLER_USER_NAME}`, ''),
});

/** STS (AWS Query, version 2011-06-15). */
export const sts: ServiceDefinition = {
  signingName: 'sts',
  protocols: ['query'],
  xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
  operations: {
    GetCallerIdentity: getCallerIdentity,
  },
};
