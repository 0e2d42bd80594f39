/**
 * ECS ids and ARNs: task ids, the digit and alphanumeric ids of other
 * records, and parsing ARNs back into their parts.
 *
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { partitionOf } from '../../../core/util.js';

/** 32-character lower-case hex id (task and container-instance ids). */
export function taskId(): string {
  return randomBytes(16).toString('hex');
}

/** 19-digit numeric id, as in `ecs-svc/1234567890123456789`. */
export function digits19(): string {
  let s = String(1 + (randomBytes(1)[0]! % 9));
  const bytes = randomBytes(18);
  for (const b of bytes) s += String(b % 10);
  return s;
}

/** 21-character alphanumeric id (service deployment ids). */
export function alnumId(length = 21): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

/** Parses `arn:aws:ecs:<region>:<account>:<resource>`. */
export function parseEcsArn(value: string): { region: string; accountId: string; resource: string } | undefined {
  const m = /^arn:aws[\w-]*:ecs:([^:]*):(\d{12}):(.+)$/.exec(value);
  if (!m) return undefined;
  return { region: m[1]!, accountId: m[2]!, resource: m[3]! };
}

/** `arn:<partition>:ecs:<region>:<account>:<resource>` built from another ECS ARN of the same account and region. */
export function siblingArn(anyEcsArn: string, resource: string): string {
  const parsed = parseEcsArn(anyEcsArn);
  if (!parsed) throw new Error(`not an ECS ARN: ${anyEcsArn}`);
  return `arn:${partitionOf(parsed.region)}:ecs:${parsed.region}:${parsed.accountId}:${resource}`;
}

/** Last path element of an ARN or a plain name. */
export function shortName(nameOrArn: string): string {
  const i = nameOrArn.lastIndexOf('/');
  return i >= 0 ? nameOrArn.slice(i + 1) : nameOrArn;
}
