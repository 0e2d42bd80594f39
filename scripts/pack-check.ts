/**
 * The published package, checked as a user meets it: `npm pack` the built
 * `dist/`, look inside the tarball (and at the links of its README), install
 * it into a fresh temporary project, type-check a consumer under
 * `moduleResolution` node16 and bundler, run it with plain node, and run the
 * `ecskit` bin; then install the tarball alone (`--omit=dev`) into a second
 * fresh project and run the whole lab there, `npx ecskit lab --json`,
 * asserting every task's step event is ok (issue #15.7).
 *
 * Run after `npm run build` (`npm run test:package`; CI runs it in `.ci/run`),
 * or with `--build` to build a staging copy and leave `dist/` alone. It packs with `--ignore-scripts` (the build is not repeated) and installs
 * `--prefer-offline --ignore-scripts` from the npm cache that `npm ci`
 * filled, so it needs no network beyond the npm registry and does not
 * compile better-sqlite3 again: the lab's project gets this repository's
 * compiled better-sqlite3 addon when the version matches (what a user's
 * install script provides: a prebuilt binary or a compile), else runs
 * `npm rebuild better-sqlite3`. Bounded: every child process has a timeout,
 * and the whole check stops at {@link DEADLINE_MS}. Takes about 3 minutes
 * (the lab itself ~70 s). Exits 1 with the first failed check.
 *
 * @internal
 * @module
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const started = Date.now();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** The repository of the published package (package.json `repository`): README links to files the tarball does not hold point here. */
const REPOSITORY_BLOB = 'https://github.com/ecskit/ecskit/blob/main/';
/** A link to a file (`blob`) or a folder (`tree`) of the repository's main branch; group 1 is the path. */
const REPOSITORY_LINK = /^https:\/\/github\.com\/ecskit\/ecskit\/(?:blob|tree)\/main\/([^#?]+)/;
/** The lab in the installed package: ~70 s on an idle 2-core machine; generous for a loaded CI box. */
const LAB_TIMEOUT_MS = 420_000;
/** The whole check, every step included: it never hangs CI. */
const DEADLINE_MS = 900_000;
/** True when run as the script (tests import the helpers, which run nothing). */
const isMain = process.argv[1] !== undefined && new URL(import.meta.url).pathname === process.argv[1];
if (isMain) {
  setTimeout(() => {
    console.error(`[pack-check] FAILED: the check did not finish within ${DEADLINE_MS / 1000} s`);
    process.exit(1);
  }, DEADLINE_MS).unref();
}

function step(text: string): void {
  console.log(`[pack-check ${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);
}

/** Runs a command; rejects with its output when it fails or outlives `timeoutMs`. */
function run(command: string, args: readonly string[], cwd: string, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

function newestMtime(dir: string): { file: string; mtime: number } {
  let newest = { file: dir, mtime: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestMtime(path) : { file: path, mtime: statSync(path).mtimeMs };
    if (candidate.mtime > newest.mtime) newest = candidate;
  }
  return newest;
}

function version(pkg: string): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

const work = isMain ? mkdtempSync(join(tmpdir(), 'ecskit-pack-')) : '';

/**
 * With `--build`: copies the sources into a staging directory (node_modules
 * linked) and builds there, so the shared `dist/` is left alone. Without it:
 * checks that `dist/` is current and packs the repository as it is.
 */
async function packageDir(): Promise<string> {
  if (process.argv.includes('--build')) {
    const stage = join(work, 'package');
    mkdirSync(stage);
    for (const entry of ['package.json', 'README.md', 'LICENSE', 'tsup.config.ts', 'tsconfig.json', 'tsconfig.build.json', 'src', 'apps']) {
      if (existsSync(join(root, entry))) cpSync(join(root, entry), join(stage, entry), { recursive: true });
    }
    symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir');
    step(`build into a staging copy (${stage})`);
    await run(process.execPath, [join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js')], stage, 240_000);
    return stage;
  }
  // The build is there and current: the check packs dist/ as it is.
  const builtAt = existsSync(join(root, 'dist', 'index.js')) ? statSync(join(root, 'dist', 'index.js')).mtimeMs : 0;
  const hint = 'run `npm run build` first, or `npm run test:package -- --build` to build a staging copy';
  assert.ok(builtAt > 0, `dist/index.js is missing: ${hint}`);
  for (const dir of ['src', join('apps', 'inventory', 'src'), join('apps', 'gateway', 'src'), join('apps', 'shared', 'src')]) {
    const newest = newestMtime(join(root, dir));
    assert.ok(newest.mtime <= builtAt, `dist/ is older than ${relative(root, newest.file)}: ${hint}`);
  }
  return root;
}

/**
 * The README's links that do not work for a reader of the npm page or of
 * node_modules/ecskit/README.md: a relative link to a file the tarball does
 * not hold, or a link into this repository's main branch (a file or a
 * folder) naming a path that does not exist here. Anchors and other sites
 * are not checked.
 */
export function readmeLinkProblems(markdown: string, tarballFiles: readonly string[], exists = (path: string) => existsSync(join(root, path))): string[] {
  const problems: string[] = [];
  // Inline links and images, [text](target "title"); fenced code is skipped.
  const text = markdown.replace(/^```[\s\S]*?^```$/gm, '');
  for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = match[1]!;
    if (target.startsWith('#') || /^mailto:/.test(target)) continue;
    const inRepository = REPOSITORY_LINK.exec(target);
    if (inRepository) {
      const path = decodeURIComponent(inRepository[1]!).replace(/\/$/, '');
      if (path.split('/').includes('..') || !exists(path)) problems.push(`${target}: no ${path} in the repository`);
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const path = decodeURIComponent(target.split('#')[0]!).replace(/^\.\//, '');
    if (!tarballFiles.includes(path)) problems.push(`${target}: not in the tarball (link to ${REPOSITORY_BLOB}${path} instead)`);
  }
  return problems;
}

/**
 * Makes better-sqlite3 loadable in `project` (installed with
 * `--ignore-scripts`, so without its native addon): copies this repository's
 * compiled addon when the version is the same (same Node, same ABI), else
 * builds it with `npm rebuild`. A user's `npm install` runs the install
 * script instead (a prebuilt binary, or a compile).
 */
async function provideBetterSqlite3(project: string): Promise<void> {
  const installed = join(project, 'node_modules', 'better-sqlite3');
  if (!existsSync(join(installed, 'package.json'))) throw new Error('better-sqlite3 (an optional dependency) was not installed: the lab\'s inventory app needs it');
  const versionOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const repo = join(root, 'node_modules', 'better-sqlite3');
  const addon = join('build', 'Release', 'better_sqlite3.node');
  if (existsSync(join(repo, addon)) && versionOf(repo) === versionOf(installed)) {
    step(`better-sqlite3 ${versionOf(installed)}: reuse this repository's compiled addon (the install ran with --ignore-scripts)`);
    mkdirSync(join(installed, 'build', 'Release'), { recursive: true });
    cpSync(join(repo, addon), join(installed, addon));
  } else {
    step(`better-sqlite3 ${versionOf(installed)}: npm rebuild (no compiled addon of that version here)`);
    await run(npm, ['rebuild', 'better-sqlite3', '--loglevel=error'], project, 400_000);
  }
  await run(process.execPath, ['--input-type=module', '-e', "import D from 'better-sqlite3'; new D(':memory:').close();"], project, 30_000);
}

/** Runs `npx ecskit lab --json` in `project` with no AWS settings; resolves with its exit code and output. */
function runLab(project: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }> {
  const begun = performance.now();
  // No AWS settings: the lab must pick the local cloud in its own process by itself.
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_') || name === 'ECSKIT_TARGET' || name === 'NODE_PATH' || name === 'NODE_OPTIONS') delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(npm, ['exec', '--offline', '--no', '--', 'ecskit', 'lab', '--json'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      // The whole group: npm exec, the lab, and the task processes it started.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      reject(new Error(`npx ecskit lab --json did not finish in ${timeoutMs / 1000} s; output so far:\n${stdout.slice(-4000)}\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (performance.now() - begun) / 1000 });
    });
  });
}

/**
 * What is wrong with the lab's `--json` output: a line that is not JSON, a
 * step that failed or never ended ok, a lab task (1–10) or the cleanup with
 * no successful step, a cleanup that left something, or a summary that is
 * missing or not ok. Empty when every task's event is ok.
 */
export function labEventProblems(stdout: string): string[] {
  const problems: string[] = [];
  const events: Array<Record<string, any>> = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as Record<string, any>);
    } catch {
      problems.push(`not a JSON line: ${line.slice(0, 200)}`);
    }
  }
  const steps = events.filter((e) => e.type === 'step');
  for (const e of steps.filter((s) => s.status === 'failed')) problems.push(`step failed: ${e.step}: ${JSON.stringify(e.error ?? e).slice(0, 500)}`);
  const ended = new Set(steps.filter((e) => e.status === 'ok').map((e) => e.step));
  for (const e of steps.filter((s) => s.status === 'started')) if (!ended.has(e.step)) problems.push(`step started but never ok: ${e.step}`);
  const okResults = steps.filter((e) => e.status === 'ok' && e.result && typeof e.result === 'object').map((e) => e.result as Record<string, any>);
  for (const task of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 'cleanup']) {
    if (!okResults.some((r) => r.task === task)) problems.push(`no successful step reported a result for task ${task}`);
  }
  const leftovers = okResults.filter((r) => r.task === 'cleanup' && Array.isArray(r.remaining) && r.remaining.length > 0);
  for (const r of leftovers) problems.push(`the cleanup left resources: ${r.remaining.join(', ')}`);
  const summary = events.filter((e) => e.type === 'summary').at(-1);
  if (!summary) problems.push('no summary event');
  else if (summary.ok !== true) problems.push(`summary not ok: ${JSON.stringify(summary.data).slice(0, 500)}`);
  return problems;
}

let failed = false;
if (isMain) try {
  // 1. Pack, and look inside.
  const dir = await packageDir();
  step(`npm pack into ${work}`);
  const packed = JSON.parse(await run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], dir)) as Array<{
    filename: string;
    size: number;
    unpackedSize: number;
    entryCount: number;
    files: Array<{ path: string; size: number }>;
  }>;
  const info = packed[0];
  assert.ok(info, 'npm pack --json reported no tarball');
  const tarball = join(work, info.filename);
  const files = info.files.map((f) => f.path);
  console.log(
    `tarball ${info.filename}: ${(info.size / 1024).toFixed(1)} kB packed, ${(info.unpackedSize / 1024 / 1024).toFixed(2)} MB unpacked, ${info.entryCount} files`,
  );
  const forbidden = files.filter(
    (f) =>
      /^(src|test|tests|examples|bench|scripts|docs|apps|\.ci|node_modules)\//.test(f) ||
      /(^|\/)(fixtures?|__tests__)\//.test(f) ||
      /\.(test|spec)\.[cm]?[jt]s(\.map)?$/.test(f) ||
      /(^|\/)tsconfig[^/]*\.json$/.test(f),
  );
  assert.deepEqual(forbidden, [], `the tarball must hold no sources, tests, fixtures or repo tooling; found:\n${forbidden.join('\n')}`);
  const required = [
    'package.json',
    'README.md',
    'LICENSE',
    'dist/index.js',
    'dist/index.d.ts',
    'dist/local/index.js',
    'dist/local/index.d.ts',
    'dist/cli.js',
    'dist/apps/inventory.js',
    'dist/apps/gateway.js',
    'dist/lab.js',
  ];
  const missing = required.filter((f) => !files.includes(f));
  assert.deepEqual(missing, [], `the tarball lacks files the package needs: ${missing.join(', ')}`);
  assert.ok(files.some((f) => f.startsWith('dist/local/shim/')), 'the tarball lacks dist/local/shim/ (the container shim)');
  assert.ok(files.some((f) => f.startsWith('dist/local/images/')), 'the tarball lacks dist/local/images/ (the demo images)');
  const maps = files.filter((f) => f.endsWith('.map'));
  const orphanMaps = maps.filter((f) => !files.includes(f.slice(0, -'.map'.length)));
  assert.deepEqual(orphanMaps, [], `source maps without their module (stale build output?): ${orphanMaps.join(', ')}`);
  // The README is the package's page on npm and sits in node_modules/ecskit: a relative link must name a file of the
  // tarball; a link into the repository must name a file that exists in it (so the absolute links do not rot).
  const readmeLinks = readmeLinkProblems(readFileSync(join(dir, 'README.md'), 'utf8'), files);
  assert.deepEqual(readmeLinks, [], `README.md links that do not work from the tarball or on npm:\n${readmeLinks.join('\n')}`);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  for (const field of ['repository', 'homepage', 'bugs']) assert.ok(pkg[field], `package.json has no "${field}" (npm shows it on the package page)`);

  // 2. A fresh project that installs the tarball.
  const project = join(work, 'consumer');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'ecskit-consumer', private: true, type: 'module' }, null, 2));
  step('npm install the tarball (+ typescript, @types/node) into a fresh project');
  await run(
    npm,
    [
      'install',
      '--prefer-offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      tarball,
      `typescript@${version('typescript')}`,
      `@types/node@${version('@types/node')}`,
    ],
    project,
    150_000,
  );
  const installed = join(project, 'node_modules', 'ecskit');
  const sourceMapPaths = maps.flatMap((f) => (JSON.parse(readFileSync(join(installed, f), 'utf8')) as { sources: string[] }).sources);
  const testSources = sourceMapPaths.filter((s) => /(^|\/)(test|tests|fixtures?)\/|\.test\.[cm]?[jt]s$/.test(s));
  assert.deepEqual(testSources, [], `source maps in the tarball map test files: ${testSources.join(', ')}`);

  // 3. A consumer, type-checked under node16 and bundler, run with node.
  writeFileSync(
    join(project, 'consumer.ts'),
    `import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { connect, container, ensureCluster, taskDefinition, type Clients } from 'ecskit';
import { startLocalCloud, type LocalCloud } from 'ecskit/local';

const input = taskDefinition('pack-check')
  .networkMode('awsvpc')
  .requiresCompatibilities('EC2')
  .cpu(256)
  .memory(512)
  .container(container('web').image('flask-inventory/invsys').memory(512).port(5000))
  .build();

const cloud: LocalCloud = await startLocalCloud({ port: 0, runtime: false });
try {
  const clients: Clients = await connect({
    endpoint: cloud.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await ensureCluster({ clients, stack: 'pack-check' }, 'pack-check-cluster');
  const listed = await clients.ecs.send(new ListClustersCommand({}));
  const family: string | undefined = input.family;
  console.log(JSON.stringify({ family, endpoint: cloud.endpoint, clusterArns: listed.clusterArns ?? [] }));
} finally {
  await cloud.stop();
}
`,
  );
  // lib without DOM: a Node project's view, so the declarations may not lean on browser types.
  const common = { strict: true, target: 'es2022', lib: ['es2023'], types: ['node'], skipLibCheck: false, noUncheckedIndexedAccess: true };
  writeFileSync(
    join(project, 'tsconfig.node16.json'),
    JSON.stringify({ compilerOptions: { ...common, module: 'node16', moduleResolution: 'node16', outDir: 'out' }, files: ['consumer.ts'] }),
  );
  writeFileSync(
    join(project, 'tsconfig.bundler.json'),
    JSON.stringify({ compilerOptions: { ...common, module: 'esnext', moduleResolution: 'bundler', noEmit: true }, files: ['consumer.ts'] }),
  );
  const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) {
    step(`tsc -p ${config}`);
    await run(process.execPath, [tsc, '-p', config], project);
  }
  step('node out/consumer.js');
  const result = JSON.parse((await run(process.execPath, ['out/consumer.js'], project, 60_000)).trim()) as {
    family: string;
    endpoint: string;
    clusterArns: string[];
  };
  assert.equal(result.family, 'pack-check');
  assert.match(result.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(result.clusterArns, ['arn:aws:ecs:us-east-1:123456789012:cluster/pack-check-cluster']);

  // 4. The bin.
  step('npx ecskit --help');
  const help = await run(npm, ['exec', '--offline', '--no', '--', 'ecskit', '--help'], project, 60_000);
  assert.match(help, /ecskit local \[options\]/, `ecskit --help printed:\n${help}`);
  step('ecskit local --port 0, then SIGINT');
  const bin = join(project, 'node_modules', '.bin', 'ecskit');
  const child = spawn(bin, ['local', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ecskit local printed no endpoint within 30 s:\n${output}`)), 30_000);
      const look = () => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', look);
      void exited.then((code) => reject(new Error(`ecskit local exited with ${code} before printing its endpoint:\n${output}`)));
    });
    assert.match(output, new RegExp(`export AWS_ENDPOINT_URL=${endpoint}`));
    // The endpoint serves: an unsigned request gets an AWS-shaped error, not a refused connection.
    const response = await fetch(endpoint, { method: 'POST' });
    assert.ok(response.status >= 400 && response.status < 500, `expected a 4xx from ${endpoint}, got ${response.status}`);
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))]);
    assert.equal(code, 0, `ecskit local should exit 0 after SIGINT:\n${output}`);
    assert.match(output, /stopped/);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  // 5. The whole lab from the installed package alone: no devDependencies, no examples/, no tsx.
  const labProject = join(work, 'lab');
  mkdirSync(labProject);
  writeFileSync(join(labProject, 'package.json'), JSON.stringify({ name: 'ecskit-lab-user', private: true, type: 'module' }, null, 2));
  step('npm install --omit=dev the tarball alone into a second fresh project');
  await run(npm, ['install', '--omit=dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', tarball], labProject, 150_000);
  const present = (name: string) => existsSync(join(labProject, 'node_modules', name, 'package.json'));
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  const devInstalled = Object.keys(rootPkg.devDependencies ?? {}).filter(present);
  assert.deepEqual(devInstalled, [], `the lab project must hold none of ecskit's devDependencies; found: ${devInstalled.join(', ')}`);
  assert.ok(!present('tsx'), 'the lab project must not hold tsx: the lab runs from dist/');
  await provideBetterSqlite3(labProject);
  step(`npx ecskit lab --json (timeout ${LAB_TIMEOUT_MS / 1000} s)`);
  const lab = await runLab(labProject, LAB_TIMEOUT_MS);
  const labProblems = labEventProblems(lab.stdout);
  assert.equal(lab.code, 0, `npx ecskit lab --json exited ${lab.code}:\n${labProblems.join('\n')}\n${lab.stdout.slice(-3000)}\n${lab.stderr.slice(-3000)}`);
  assert.deepEqual(labProblems, [], `npx ecskit lab --json:\n${labProblems.join('\n')}\n${lab.stderr.slice(-3000)}`);
  assert.ok(existsSync(join(labProject, 'ecs-cloudformation-template.yaml')), 'Task 10 wrote no template into the working directory');
  console.log(`lab from the installed package: every task ok in ${lab.seconds.toFixed(1)} s`);
  step('all package checks passed');
} catch (error) {
  failed = true;
  console.error(`[pack-check] FAILED: ${(error as Error).message}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (isMain) process.exit(failed ? 1 : 0);
