/**
 * Changing the clock of an `ecskit local` this process did not start:
 * `PUT /_ecskit/time-scale` with its admin token. The token comes from
 * `ECSKIT_ADMIN_TOKEN`, or, for a cloud on this machine's loopback, from the
 * token file `ecskit local` wrote for its port (the one `ecskit console`
 * reads). A token is only ever sent to the endpoint the user pointed at, and
 * a token file only to a loopback endpoint.
 *
 * @internal
 */
import { lstatSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { adminTokenFilePath, privateToThisUser } from './admin-token-file.js';
import { checkTimeScale } from './time-scale.js';

/** Sets the time scale of a running local cloud; resolves once the cloud answers that it changed. */
export type SetTimeScale = (factor: number) => Promise<void>;

/**
 * What {@link remoteClock} found: a setter; or why there is none (for the
 * script to say); or `refused`, an `ECSKIT_ADMIN_TOKEN` the cloud refused
 * (the caller throws it: the user set that token for this cloud).
 */
export type RemoteClock = { readonly set: SetTimeScale } | { readonly set?: undefined; readonly why: string; readonly refused?: boolean };

/** Where a token came from, for messages. */
type TokenSource = { readonly token: string; readonly from: 'ECSKIT_ADMIN_TOKEN' | string };

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const TIMEOUT_MS = 3000;

/** The token file `ecskit local` writes for `port` (`<tmpdir>/ecskit-<uid>/admin-token-<port>`), read only when it and its directory are this user's and closed to others. */
function tokenFile(port: string): TokenSource | undefined {
  const file = adminTokenFilePath(port);
  try {
    if (!privateToThisUser(lstatSync(dirname(file)), 'directory', 0o022) || !privateToThisUser(lstatSync(file), 'file', 0o077)) return undefined;
    const token = readFileSync(file, 'utf8').trim();
    return token ? { token, from: file } : undefined;
  } catch {
    return undefined;
  }
}

/** The admin token for `endpoint`: `ECSKIT_ADMIN_TOKEN`, else the token file of a loopback endpoint's port. */
function findToken(endpoint: URL, env: Readonly<Record<string, string | undefined>>): TokenSource | undefined {
  const fromEnv = env.ECSKIT_ADMIN_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, from: 'ECSKIT_ADMIN_TOKEN' };
  if (endpoint.protocol !== 'http:' || !LOOPBACK.test(endpoint.hostname)) return undefined;
  return tokenFile(endpoint.port || '80');
}

/** Reads an admin JSON answer, whatever its status. */
async function answer(response: Response): Promise<{ status?: string; message?: string; timeScale?: unknown }> {
  try {
    return (await response.json()) as { status?: string; message?: string; timeScale?: unknown };
  } catch {
    return {};
  }
}

/**
 * Finds the admin token of the `ecskit local` at `endpoint` and checks it
 * (`GET /_ecskit/time-scale`); without one that works, says why.
 */
export async function remoteClock(endpoint: string, env: Readonly<Record<string, string | undefined>>): Promise<RemoteClock> {
  const url = new URL(endpoint);
  const found = findToken(url, env);
  const howTo = 'set ECSKIT_ADMIN_TOKEN to the admin token its `ecskit local` banner prints';
  if (!found) return { why: `this process has no admin token for ${url.origin} (${howTo})` };
  const at = new URL('/_ecskit/time-scale', url);
  const headers = { authorization: `Bearer ${found.token}` };
  let checked: Response;
  try {
    checked = await fetch(at, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    return { why: `GET ${at.pathname} at ${url.origin} failed (${(error as Error).message})` };
  }
  await checked.body?.cancel();
  if (checked.status === 401 || checked.status === 403) {
    if (found.from === 'ECSKIT_ADMIN_TOKEN') {
      return { refused: true, why: `ECSKIT_ADMIN_TOKEN is not the admin token of the local cloud at ${url.origin} (it answered ${checked.status}); set it to the token its \`ecskit local\` banner prints, or unset it` };
    }
    return { why: `the token file ${found.from} is not the admin token of the local cloud at ${url.origin} (left by an earlier cloud on that port?); ${howTo}` };
  }
  if (!checked.ok) return { why: `the local cloud at ${url.origin} cannot change its clock (GET ${at.pathname} answered ${checked.status}: an older ecskit?)` };
  return {
    set: async (factor) => {
      checkTimeScale(factor);
      const response = await fetch(at, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ timeScale: factor }), signal: AbortSignal.timeout(TIMEOUT_MS) });
      const result = await answer(response);
      if (!response.ok || result.timeScale !== factor) {
        throw new Error(`the local cloud at ${url.origin} did not change its time scale to ${factor} (PUT ${at.pathname} answered ${response.status}: ${result.message ?? JSON.stringify(result)})`);
      }
    },
  };
}
