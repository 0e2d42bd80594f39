/**
 * The per-run admin token of the local cloud: `/_ecskit/*` admin endpoints
 * (and the console) need `Authorization: Bearer <token>`. The token is
 * random per start unless passed in, printed in the `ecskit local` banner,
 * and written to a 0600 file in a 0700 directory only this user owns.
 *
 * @internal
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, fchmodSync, lstatSync, mkdirSync, openSync, constants as fs, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { adminTokenDirectory, adminTokenFilePath, privateToThisUser } from '../../admin-token-file.js';

/** A fresh random token: 32 bytes, base64url (43 characters). */
export function createAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Checks a token passed in by a caller: 16-256 visible ASCII characters, no spaces. */
export function validateAdminToken(token: string): string {
  if (typeof token !== 'string' || !/^[\x21-\x7e]{16,256}$/.test(token)) {
    throw new RangeError(`adminToken must be 16-256 visible ASCII characters without spaces, got: ${typeof token === 'string' ? `${token.length} characters` : typeof token}`);
  }
  return token;
}

/** Compares a presented token with the real one in constant time (both are hashed first, so lengths never leak). */
export function adminTokenMatches(presented: string | undefined, token: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** Why an admin request was refused: 401 without a token, 403 with a wrong one. */
export interface AdminTokenRefusal {
  status: 401 | 403;
  code: 'MissingAdminToken' | 'InvalidAdminToken';
  message: string;
}

const HOW = 'Send "Authorization: Bearer <token>" with the admin token: the `ecskit local` banner prints it as "admin token: …", it is in the admin token file the banner names, and code reads it as cloud.adminToken.';

/**
 * Checks an `Authorization: Bearer <token>` header against the admin token.
 * Every `/_ecskit/*` admin endpoint (and the console) calls this; `undefined` means allowed.
 */
export function checkAdminToken(authorization: string | string[] | undefined, token: string): AdminTokenRefusal | undefined {
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  const m = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  if (!m) return { status: 401, code: 'MissingAdminToken', message: `This ecskit admin endpoint needs the admin token. ${HOW}` };
  if (!adminTokenMatches(m[1], token)) return { status: 403, code: 'InvalidAdminToken', message: `The admin token is wrong (it changes on every start unless fixed with the adminToken option). ${HOW}` };
  return undefined;
}

/**
 * The default admin token file of a cloud on `port`,
 * `<tmpdir>/ecskit-<uid>/admin-token-<port>`, with its directory made (0700)
 * and checked: a directory another user owns or others can write is refused.
 */
export function defaultAdminTokenFile(port: number): string {
  ensurePrivateDirectory(adminTokenDirectory());
  return adminTokenFilePath(port);
}

/** Makes the token file's directory (0700) and refuses one another user owns or others can write. */
function ensurePrivateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!privateToThisUser(lstatSync(dir), 'directory', 0o022)) {
    throw new Error(`admin token directory ${dir} is not a directory owned by this user and closed to others; remove it or pick another file with adminTokenFile (CLI: --admin-token-file)`);
  }
}

/**
 * Writes the token to `file` with mode 0600 (replacing an old file, never
 * following a symlink). A missing directory is created 0700.
 *
 * @throws Error when the directory is unsafe or the file cannot be written.
 */
export function writeAdminTokenFile(file: string, token: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  rmSync(file, { force: true });
  const fd = openSync(file, fs.O_WRONLY | fs.O_CREAT | fs.O_EXCL | (fs.O_NOFOLLOW ?? 0), 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, `${token}\n`);
  } finally {
    closeSync(fd);
  }
}

/** Removes the token file (on stop); ignores a missing file. */
export function removeAdminTokenFile(file: string): void {
  rmSync(file, { force: true });
}
