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
// Tests build SDK clients directly (not through connect()); keep the SDK's
// Node 20 notice out of the test output. test/clients.test.ts checks the
// notice itself in children with an environment of its own.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Files that measure the machine (CPU-driven auto scaling through the whole
 * lab): they run alone, after the rest, so the other files' load cannot
 * starve them.
 */
const SERIAL = ['test/examples/full-lab.test.ts', 'test/examples/full-lab-containers.test.ts', 'test/local/runtime/monitoring/end-to-end.test.ts'];
const isSerial = (file: string) => SERIAL.some((s) => relative(root, file) === s);

let passed = 0;
let failed = 0;
async function runPhase(phase: string[], phaseConcurrency: number): Promise<void> {
  if (phase.length === 0) return;
  // A file that hangs (a server left open after a failed assertion) fails after 5 minutes instead of stalling CI.
  const stream = run({ files: phase, concurrency: phaseConcurrency, timeout: 5 * 60_000 });
  stream.on('test:pass', (data) => {
    if (data.details?.type !== 'suite') passed++;
  });
  stream.on('test:fail', (data) => {
    if (data.details?.type !== 'suite') failed++;
    process.exitCode = 1;
  });
  await new Promise<void>((resolve) => {
    const out = stream.compose(new spec());
    out.on('end', resolve);
    out.pipe(process.stdout, { end: false });
  });
}

await runPhase(files.filter((f) => !isSerial(f)), concurrency);
await runPhase(files.filter(isSerial), 1);
// One closing line over both phases (each phase's reporter counts only its own files).
console.log(`\ntests: ${passed} passed, ${failed} failed`);
