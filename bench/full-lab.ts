/**
 * Benchmark (not a test) of the full lab on the local cloud from a cold
 * start: runs `examples/full-lab.ts --json` as a child process (a new local
 * cloud each time) and reads each lab task's seconds from its top-level
 * `step` events; reports the median of the runs per task and in total, and
 * the child's wall time (process start, tsx compile, cloud start included).
 *
 * Run: `npm run bench -- full-lab` (options: `--runs 3`).
 *
 * @internal
 * @module
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineLine, median, round, table, writeResult } from './lib.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const script = fileURLToPath(new URL('../examples/full-lab.ts', import.meta.url));

/** One run's outcome. */
interface Run {
  ok: boolean;
  wallSeconds: number;
  summarySeconds: number | undefined;
  tasks: { step: string; status: string; seconds: number }[];
  notes: string[];
  failure?: string;
}

async function once(): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buffer = '';
  let stderr = '';
  const tasks: Run['tasks'] = [];
  const notes: string[] = [];
  let depth = 0;
  let summarySeconds: number | undefined;
  let ok = false;
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      let event: { type?: string; step?: string; status?: string; seconds?: number; ok?: boolean; message?: string };
      try {
        event = JSON.parse(line);
      } catch {
        continue; // the deployment table's JSON renderer and others may print other lines
      }
      if (event.type === 'step' && event.status === 'started') depth++;
      else if (event.type === 'step' && typeof event.seconds === 'number') {
        depth--;
        if (depth === 0) tasks.push({ step: event.step ?? '?', status: event.status ?? '?', seconds: event.seconds });
      } else if (event.type === 'note' && !event.step && event.message) notes.push(event.message);
      else if (event.type === 'summary') {
        summarySeconds = event.seconds;
        ok = event.ok === true;
      }
    }
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const wallSeconds = round((performance.now() - started) / 1000);
  return { ok: ok && code === 0, wallSeconds, summarySeconds, tasks, notes, ...(code !== 0 ? { failure: `exit ${code}: ${stderr.slice(-600)}` } : {}) };
}

const loadBefore = machineLine();
const results: Run[] = [];
for (let i = 0; i < runs; i++) {
  const r = await once();
  results.push(r);
  console.error(`run ${i + 1}/${runs}: ${r.ok ? 'ok' : 'FAILED'} in ${r.wallSeconds} s`);
}

const names = [...new Set(results.flatMap((r) => r.tasks.map((t) => t.step)))];
const rows = names.map((step) => {
  const xs = results.flatMap((r) => r.tasks.filter((t) => t.step === step).map((t) => t.seconds));
  return { step, medianSeconds: round(median(xs)), runs: xs };
});
const total = round(median(results.map((r) => r.summarySeconds ?? Number.NaN)));
const wall = round(median(results.map((r) => r.wallSeconds)));

console.log(loadBefore);
console.log(`examples/full-lab.ts --json as a child process, ${runs} cold runs (new local cloud each, time scale of the script's default)\n`);
table(
  ['lab task', 'median s', 'runs s'],
  [...rows.map((r) => [r.step, r.medianSeconds, r.runs.join(' / ')]), ['**total (summary)**', total, results.map((r) => r.summarySeconds ?? 'n/a').join(' / ')], ['process wall time', wall, results.map((r) => r.wallSeconds).join(' / ')]],
);
const skipped = [...new Set(results.flatMap((r) => r.notes.filter((n) => /skipped/.test(n))))];
for (const note of skipped) console.log(`note: ${note}`);
for (const r of results) if (r.failure) console.log(`failed run: ${r.failure}`);
console.log(`\nall runs ok: ${results.every((r) => r.ok)}; load average at end: ${machineLine()}`);
console.log(`→ ${writeResult('full-lab', { runs, rows, totalMedianSeconds: total, wallMedianSeconds: wall, skipped, allOk: results.every((r) => r.ok), results })}`);
