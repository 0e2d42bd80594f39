/**
 * The TypeScript source files under a folder (`.ts`, not `.d.ts`), walked
 * recursively: what `scripts/code-metrics.ts` measures and
 * `test/architecture.test.ts` checks the layering of.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every `.ts` file (not `.d.ts`) under `dir`, as paths joined onto `dir`. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}
