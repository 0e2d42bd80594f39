/**
 * Runs the whole node:test suite through tsx.
 *
 * Node 20's `--test` takes no globs and runs files one at a time on a
 * 2-core machine, so this finds every `*.test.ts` and runs them with a
 * fixed concurrency. Pass paths or substrings to run a subset:
 * `npm test -- builders` or `node --import tsx scripts/run-tests.ts test/builders`.
 * Without arguments it runs everything except the moto differential suite
 * (`test/fidelity`, run by `npm run test:fidelity`).
 *
 * Response conformance: every response a local cloud sends during the run
 * (in-process or in a child process) is checked against the AWS model of its
 * operation; `ECSKIT_CONFORMANCE_LOG` is set to a fresh file for the run (or
 * kept, when already set) and the run fails, with the violations grouped by
 * service, operation and path, when any was recorded
 * (`src/local/models/conformance.ts`). Notes (an error code the service's
 * model has, but not for that operation) are listed and do not fail it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
// Every local cloud the tests start inherits this and logs its responses' model violations there.
const presetLog = process.env.ECSKIT_CONFORMANCE_LOG;
const conformanceDir = presetLog ? undefined : mkdtempSync(join(tmpdir(), 'ecskit-conformance-'));
const conformanceLog = presetLog ?? join(conformanceDir!, 'violations.ndjson');
process.env.ECSKIT_CONFORMANCE_LOG = conformanceLog;
// Tests build SDK clients directly (not through connect()); keep the SDK's
// Node 20 notice out of the test output. test/clients.test.ts checks the
// notice itself in children with an environment of its own.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Files that measure the machine (CPU-driven auto scaling through the whole
 * lab): they run alone, after the rest, so the other files' load cannot
 * starve them.
 */
const SERIAL = [
  'test/examples/full-lab.test.ts',
  'test/examples/full-lab-containers.test.ts',
  'test/local/runtime/monitoring/end-to-end.test.ts',
  // Task 8 sizes its load from the requests per second the machine serves (the request policy needs
  // 1,667 req/s through the ALB at the lab's time scale): another file's load would starve it.
  'test/examples/tasks/auto-scaling.test.ts',
];
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

interface Violation {
  service: string;
  operation: string;
  path: string;
  problem: string;
  /** Findings that do not fail the run (an error code of the service that its model does not list for the operation). */
  note?: boolean;
}

/** Recorded findings grouped by service, operation and path (list indexes as `*`), most frequent first. */
function conformanceGroups(found: readonly Violation[]): string[] {
  const groups = new Map<string, { count: number; problems: Map<string, number> }>();
  for (const v of found) {
    const key = `${v.service} ${v.operation} ${v.path.replace(/\/\d+(?=\/|$)/g, '/*') || '(body)'}`;
    const group = groups.get(key) ?? { count: 0, problems: new Map<string, number>() };
    group.count++;
    group.problems.set(v.problem, (group.problems.get(v.problem) ?? 0) + 1);
    groups.set(key, group);
  }
  return [...groups].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0])).map(([key, group]) => {
    const problems = [...group.problems].sort((a, b) => b[1] - a[1]);
    return `  ${key}: ${group.count}x ${problems[0]![0]}${problems.length > 1 ? ` (+${problems.length - 1} other problem${problems.length > 2 ? 's' : ''})` : ''}`;
  });
}

/** Reads the run's log; prints notes, then violations; `true` when there were violations. */
function reportConformance(): boolean {
  const lines = existsSync(conformanceLog) ? readFileSync(conformanceLog, 'utf8').split('\n').filter((line) => line.trim() !== '') : [];
  const found = lines.map((line): Violation => {
    try {
      return JSON.parse(line) as Violation;
    } catch {
      return { service: '?', operation: '?', path: '', problem: `unreadable line: ${line.slice(0, 100)}` };
    }
  });
  const notes = found.filter((v) => v.note);
  const violations = found.filter((v) => !v.note);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (notes.length > 0) {
    console.log(`\nresponse conformance notes (not failures): ${plural(notes.length, 'error code')} the service's model has but not for the operation (service operation path: count, problem)`);
    console.log(conformanceGroups(notes).join('\n'));
  }
  if (violations.length === 0) {
    console.log('\nresponse conformance: every local-cloud response matched its AWS model');
    return false;
  }
  console.log(`\nresponse conformance: ${plural(violations.length, 'violation')} of the AWS models (service operation path: count, problem)`);
  console.log(conformanceGroups(violations).join('\n'));
  console.log(`log: ${conformanceLog}`);
  return true;
}

await runPhase(files.filter((f) => !isSerial(f)), concurrency);
await runPhase(files.filter(isSerial), 1);
// One closing line over both phases (each phase's reporter counts only its own files).
console.log(`\ntests: ${passed} passed, ${failed} failed`);
if (reportConformance()) process.exitCode = 1;
else if (conformanceDir) rmSync(conformanceDir, { recursive: true, force: true });
