/**
 * The published package, checked as a user meets it: `npm pack` the built
 * `dist/`, look inside the tarball, install it into a fresh temporary
 * project, type-check a consumer under `moduleResolution` node16 and bundler,
 * run it with plain node, and run the `ecskit` bin.
 *
 * Run after `npm run build` (`npm run test:package`; CI runs it in `.ci/run`),
 * or with `--build` to build a staging copy and leave `dist/` alone. It packs with `--ignore-scripts` (the build is not repeated) and installs
 * `--prefer-offline --ignore-scripts` from the npm cache that `npm ci`
 * filled, so it needs no network beyond the npm registry and does not
 * compile better-sqlite3 again. Bounded: every child process has a timeout.
 * Exits 1 with the first failed check.
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

const work = mkdtempSync(join(tmpdir(), 'ecskit-pack-'));

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

let failed = false;
try {
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
  ];
  const missing = required.filter((f) => !files.includes(f));
  assert.deepEqual(missing, [], `the tarball lacks files the package needs: ${missing.join(', ')}`);
  assert.ok(files.some((f) => f.startsWith('dist/local/shim/')), 'the tarball lacks dist/local/shim/ (the container shim)');
  assert.ok(files.some((f) => f.startsWith('dist/local/images/')), 'the tarball lacks dist/local/images/ (the demo images)');
  const maps = files.filter((f) => f.endsWith('.map'));
  const orphanMaps = maps.filter((f) => !files.includes(f.slice(0, -'.map'.length)));
  assert.deepEqual(orphanMaps, [], `source maps without their module (stale build output?): ${orphanMaps.join(', ')}`);

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
  step('all package checks passed');
} catch (error) {
  failed = true;
  console.error(`[pack-check] FAILED: ${(error as Error).message}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
