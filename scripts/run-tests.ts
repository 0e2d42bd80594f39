/**
 * Runs the whole node:test suite through tsx.
 *
 * Node 20's `--test` takes no globs and runs files one at a time on a
 * 2-core machine, so this finds every `*.test.ts` and runs them with a
 * fixed concurrency. Pass paths or substrings to run a subset:
 * `npm test -- builders` or `node --import tsx scripts/run-tests.ts test/builders`.
 * Without arguments it runs everything except the moto differential suite
 * (`test/fidelity`, run by `npm run test:fidelity`).
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const root = new URL('..', import.meta.url).pathname;
const roots = ['test', 'apps'];
const skip = new Set(['node_modules', 'dist', '.git']);

function find(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (skip.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return find(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
// The moto differential suite needs moto_server (Python); it runs as `npm run test:fidelity`.
const isFidelity = (file: string) => relative(root, file).startsWith('test/fidelity/');
const files = roots
  .flatMap((dir) => find(join(root, dir)))
  .filter((file) =>
    filters.length === 0 ? !isFidelity(file) : filters.some((f) => relative(root, file).includes(f)),
  )
  .sort();

if (files.length === 0) {
  console.error(`no test files matched ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}

const concurrency = Number(process.env.TEST_CONCURRENCY ?? 4);
// A file that hangs (a server left open after a failed assertion) fails after 5 minutes instead of stalling CI.
const stream = run({ files, concurrency, timeout: 5 * 60_000 });
stream.on('test:fail', () => {
  process.exitCode = 1;
});
stream.compose(new spec()).pipe(process.stdout);
