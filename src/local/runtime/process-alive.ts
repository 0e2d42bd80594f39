/**
 * Whether a process still runs, as `ps` would say it.
 *
 * @internal
 */
import { readFileSync } from 'node:fs';

/**
 * Whether process `pid` exists on this machine and has not exited.
 *
 * `process.kill(pid, 0)` alone is not enough: it succeeds on a **zombie**, a
 * process that has exited but that its parent has not reaped yet. A local
 * cloud that crashed is such a zombie until its parent (often PID 1 in a
 * container, which may reap late or never) collects it, so on Linux this also
 * reads the state field of `/proc/<pid>/stat` and counts `Z` (zombie) and
 * `X` (dead) as exited.
 *
 * `EPERM` from `kill` means the process exists but belongs to another user:
 * that counts as alive (its state is still read from `/proc` when visible).
 * Where `/proc` cannot tell (not Linux, `/proc` not mounted or hidden, the
 * process gone between the two reads) the `kill` verdict stands; a process
 * that ended in that gap reads as gone on the next call.
 *
 * A pid that is not a positive safe integer is never alive: `kill` would
 * read 0 and negative numbers as process groups, and throws on others.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  const state = procState(pid);
  return state === undefined || !EXITED_STATES.has(state);
}

/** `/proc/<pid>/stat` states of a process that has exited: zombie, dead. */
const EXITED_STATES = new Set(['Z', 'X']);

/** The one-letter state of `/proc/<pid>/stat`, or undefined when it cannot be read. */
function procState(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) S ...": comm may hold spaces and ')', the state follows the last ')'.
  const close = stat.lastIndexOf(')');
  return close < 0 ? undefined : stat.charAt(close + 2) || undefined;
}
