/**
 * Registry credentials: `GetAuthorizationToken` hands out `AWS:<password>`
 * tokens that the local registry (`registry.ts`) checks on every request, as
 * ECR does. A password is `ecskit.<account>.<expiresAt>.<HMAC>` signed with a
 * secret that lives as long as the local cloud's process, so a token expires
 * after 12 hours or when the cloud restarts — log in again.
 *
 * @internal
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EventEmitter } from 'node:events';

/** How long a token is valid, as on AWS. */
export const TOKEN_LIFETIME_MS = 12 * 3600 * 1000;

interface RegistryInfo {
  secret: Buffer;
  endpoint?: string;
}

// Keyed by the cloud's event bus: every RequestContext of one cloud carries the same one.
const infos = new WeakMap<EventEmitter, RegistryInfo>();

function info(cloud: EventEmitter): RegistryInfo {
  let found = infos.get(cloud);
  if (!found) infos.set(cloud, (found = { secret: randomBytes(32) }));
  return found;
}

/** Records where the cloud's registry is served (`http://127.0.0.1:4566`); `GetAuthorizationToken` reports it as `proxyEndpoint`. */
export function setRegistryEndpoint(cloud: EventEmitter, endpoint: string): void {
  info(cloud).endpoint = endpoint;
}

/** The registry endpoint of this cloud, when its HTTP server is up. */
export function registryEndpoint(cloud: EventEmitter): string | undefined {
  return infos.get(cloud)?.endpoint;
}

function sign(cloud: EventEmitter, accountId: string, expiresAt: number): string {
  return createHmac('sha256', info(cloud).secret).update(`${accountId}.${expiresAt}`).digest('base64url');
}

/** A new password for `accountId`, valid until `expiresAt` (epoch ms). */
export function issuePassword(cloud: EventEmitter, accountId: string, expiresAt: number): string {
  return `ecskit.${accountId}.${expiresAt}.${sign(cloud, accountId, expiresAt)}`;
}

/** Why a password was refused, or the account it is for. */
export type PasswordCheck = { ok: true; accountId: string } | { ok: false; reason: string };

/** Checks a password `GetAuthorizationToken` issued: signature, then expiry. */
export function checkPassword(cloud: EventEmitter, password: string, now: number): PasswordCheck {
  const match = /^ecskit\.(\d{12})\.(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(password);
  if (!match) return { ok: false, reason: 'the password is not a token from GetAuthorizationToken' };
  const [, accountId = '', expires = '', mac = ''] = match;
  const expected = Buffer.from(sign(cloud, accountId, Number(expires)));
  if (!timingSafeEqual(expected, Buffer.from(mac))) return { ok: false, reason: 'the token was not issued by this local cloud (it restarted, or the token is from another one)' };
  if (Number(expires) <= now) return { ok: false, reason: 'the token has expired' };
  return { ok: true, accountId };
}
