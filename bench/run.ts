/**
 * Runs the benchmark suite (not tests), one benchmark after the other, each
 * in its own process so none inherits another's memory or sockets:
 * `npm run bench` runs all; `npm run bench -- control-plane data-plane`
 * runs those; flags after `--` go to each benchmark
 * (`npm run bench -- full-lab -- --runs 5`). Each benchmark prints its table
 * and writes `bench/results/<name>.json`.
 *
 * @internal
 * @module
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { machineLine, round } from './lib.js';

/** Every benchmark, in the order the suite runs them. */
export const BENCHMARKS = ['control-plane', 'journal', 'deployment-detection', 'task-start', 'data-plane', 'zero-downtime', 'scale', 'full-lab', 'apps', 'console-soak'] as const;

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const names = dash >= 0 ? args.slice(0, dash) : args;
const extra = dash >= 0 ? args.slice(dash + 1) : [];
const unknown = names.filter((n) => !(BENCHMARKS as readonly string[]).includes(n));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from: ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}
const selected = names.length ? names : [...BENCHMARKS];

console.log(`${machineLine()}\n`);
const timings: string[] = [];
let failed = 0;
for (const name of selected) {
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  console.log(`## ${name}\n`);
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...extra], { stdio: 'inherit' });
    child.once('exit', resolve);
  });
  const seconds = round((performance.now() - t0) / 1000);
  timings.push(`${name} ${seconds} s${code === 0 ? '' : ` (exit ${code})`}`);
  if (code !== 0) failed++;
  console.log('');
}
console.log(`suite: ${timings.join(', ')}`);
process.exitCode = failed ? 1 : 0;
