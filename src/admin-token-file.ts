/**
 * Where `ecskit local` writes its admin token for a port, and what a reader
 * of that file checks: one convention for the writer
 * (`local/server/admin-token.ts`), `ecskit console`, and a target changing
 * the clock of a cloud it did not start (`local-clock.ts`).
 *
 * @internal
 */
import type { Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** This user's id, or undefined where the platform has none (Windows). */
const uid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** `<tmpdir>/ecskit-<uid>`: the directory of the admin token files (0700, this user's). */
export function adminTokenDirectory(): string {
  return join(tmpdir(), `ecskit-${uid() ?? 'user'}`);
}

/** `<tmpdir>/ecskit-<uid>/admin-token-<port>`: the default admin token file of a cloud on `port`. */
export function adminTokenFilePath(port: number | string): string {
  return join(adminTokenDirectory(), `admin-token-${port}`);
}

/**
 * True when `stat` (from `lstat`) is this user's and has none of the `open`
 * mode bits: `0o022` for a directory others cannot write, `0o077` for a file
 * others cannot read. A symlink is never its target's kind, so `kind` fails for it.
 */
export function privateToThisUser(stat: Stats, kind: 'directory' | 'file', open: number): boolean {
  const id = uid();
  return (kind === 'directory' ? stat.isDirectory() : stat.isFile()) && (id === undefined || stat.uid === id) && (stat.mode & open) === 0;
}
