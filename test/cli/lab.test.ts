/**
 * `ecskit lab` and `ecskit lab cleanup` (src/cli/lab.ts), run as the bin
 * runs them, from source through tsx: the lab's --help under its own name,
 * bad flags refused, and the cleanup command a kept stack prints naming the
 * installed package's command. The whole lab from the installed package is
 * run by `npm run test:package` (scripts/pack-check.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const main = join(root, 'src', 'cli', 'main.ts');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `ecskit <args>` from a scratch directory with no AWS settings; `onStdout` may signal the child. */
function ecskit(args: readonly string[], options: { timeoutMs?: number; onStdout?: (stdout: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  const cwd = mkdtempSync(join(tmpdir(), 'ecskit-cli-lab-'));
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_') || name === 'ECSKIT_TARGET') delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), main, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ecskit ${args.join(' ')} did not finish in ${timeoutMs / 1000} s:\n${stdout.slice(-3000)}\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr });
    });
  });
}

test('ecskit --help lists the lab and its cleanup', async () => {
  const { code, stdout } = await ecskit(['--help']);
  assert.equal(code, 0);
  assert.match(stdout, /ecskit lab \[options\]/);
  assert.match(stdout, /ecskit lab cleanup/);
  assert.match(stdout, /ecskit local \[options\]/);
});

test('ecskit lab --help is the full lab\'s help under the command\'s name, with every shared flag', async () => {
  const { code, stdout, stderr } = await ecskit(['lab', '--help']);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^ecskit lab — the whole ECS lab: setup, Tasks 1–10 and the cleanup/);
  assert.match(stdout, /ecskit lab cleanup/);
  for (const flag of ['--target', '--time-scale', '--json', '--keep', '--yes', '--help']) assert.ok(stdout.includes(flag), `--help does not mention ${flag}`);
  assert.doesNotMatch(stdout, /npx tsx/);
});

test('ecskit lab refuses an unknown flag, a bad value and a stray argument with exit 2, naming them, and runs nothing', async () => {
  const unknown = await ecskit(['lab', '--colour']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--colour/);
  assert.equal(unknown.stdout, '');
  const badScale = await ecskit(['lab', '--time-scale', 'fast']);
  assert.equal(badScale.code, 2);
  assert.match(badScale.stderr, /--time-scale must be a positive number.*"fast"/);
  assert.equal(badScale.stdout, '');
  const stray = await ecskit(['lab', 'run-everything']);
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /run-everything/);
  assert.equal(stray.stdout, '');
});

test('ecskit lab cleanup --help shows the cleanup and its --dry-run', async () => {
  const { code, stdout } = await ecskit(['lab', 'cleanup', '--help']);
  assert.equal(code, 0);
  assert.match(stdout, /^ecskit lab cleanup — remove everything tagged ecskit:stack=flask-inventory-lab/);
  assert.match(stdout, /--dry-run/);
});

test('ecskit lab cleanup --keep --json prints the installed package\'s cleanup command for the local cloud, then stops on Ctrl-C', { timeout: 120_000 }, async () => {
  let signalled = false;
  const { code, stdout, stderr } = await ecskit(['lab', 'cleanup', '--keep', '--json'], {
    timeoutMs: 110_000,
    onStdout: (out, child) => {
      if (!signalled && /"type":"summary"/.test(out)) {
        signalled = true;
        child.kill('SIGINT');
      }
    },
  });
  const events = stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, any>);
  const summary = events.find((e) => e.type === 'summary');
  assert.ok(summary, `no summary event:\n${stdout}\n${stderr}`);
  assert.equal(summary.ok, true, JSON.stringify(summary));
  assert.match(summary.data.cleanup, /^AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+ npx ecskit lab cleanup$/);
  const cleanup = events.filter((e) => e.type === 'step' && e.status === 'ok' && e.result?.task === 'cleanup').at(-1);
  assert.deepEqual(cleanup?.result.remaining, []);
  assert.equal(code, 130, stderr);
});
