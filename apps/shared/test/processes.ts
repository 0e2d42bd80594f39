/**
 * Test helpers: build the apps' entries the way tsup does and run them as
 * real processes on loopback.
 *
 * Each test file bundles the entries itself with esbuild (the bundler tsup
 * drives, same options as `tsup.config.ts`: ESM, node20, dependencies
 * external) into `node_modules/.cache/ecskit-apps/`, so tests always run the
 * current source as a plain `node` program — never a stale `dist/`, and
 * without `tsup`'s `clean` wiping `dist/` under other users of the checkout.
 *
 * @internal
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';

const root = new URL('../../../', import.meta.url).pathname;

/** Which app to build. @internal */
export type AppName = 'inventory' | 'gateway';

const built = new Map<AppName, Promise<string>>();

/** Bundles `apps/<name>/src/main.ts` once per test process; returns the file. @internal */
export function buildApp(name: AppName): Promise<string> {
  let pending = built.get(name);
  if (!pending) {
    pending = (async () => {
      const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
        optionalDependencies?: Record<string, string>;
      };
      const dir = `${root}node_modules/.cache/ecskit-apps/${process.pid}`;
      mkdirSync(dir, { recursive: true });
      const outfile = `${dir}/${name}.js`;
      await build({
        entryPoints: [`${root}apps/${name}/src/main.ts`],
        outfile,
        bundle: true,
        format: 'esm',
        target: 'node20',
        platform: 'node',
        external: [
          ...Object.keys(pkg.dependencies ?? {}),
          ...Object.keys(pkg.devDependencies ?? {}),
          ...Object.keys(pkg.optionalDependencies ?? {}),
        ],
        logLevel: 'silent',
      });
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      return outfile;
    })();
    built.set(name, pending);
  }
  return pending;
}

/** A running app process. @internal */
export interface AppProcess {
  /** The child process. */
  child: ChildProcess;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Port it bound. */
  port: number;
  /** Milliseconds from spawn to the "listening" log line. */
  startupMs: number;
  /** Every stdout line so far. */
  lines: string[];
  /**
   * Resolves with the first stdout line (already seen or to come) that
   * `matches`; rejects after `timeoutMs` or when the process exits first.
   */
  waitForLine(matches: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal name) once the process exits. */
  exited: Promise<number | string>;
  /** Kills the process (SIGKILL unless told) if still running, and waits. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Options of {@link startApp}. @internal */
export interface StartOptions {
  /** Keep every stdout line in `lines` (default true); false drains stdout unread once listening. */
  keepLines?: boolean;
}

/**
 * Spawns a built app with only the given environment (as the local cloud
 * does) plus `HOST=127.0.0.1` and `PORT=0`, and waits until it listens.
 *
 * @internal
 */
export async function startApp(
  name: AppName,
  env: Record<string, string>,
  timeoutMs = 10_000,
  options: StartOptions = {},
): Promise<AppProcess> {
  const keepLines = options.keepLines ?? true;
  const entry = await buildApp(name);
  const started = performance.now();
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { HOST: '127.0.0.1', PORT: '0', PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const lineWaiters = new Set<(line: string) => void>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  const reader = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not listen within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    reader.on('line', (line) => {
      if (keepLines) lines.push(line);
      for (const waiter of lineWaiters) waiter(line);
      if (!line.includes('"listening"')) return;
      try {
        const parsed = JSON.parse(line) as { msg?: string; port?: number };
        if (parsed.msg === 'listening' && typeof parsed.port === 'number') {
          clearTimeout(timer);
          resolve(parsed.port);
        }
      } catch {
        // not JSON: keep it in `lines` for the assertion messages
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before listening; stderr: ${stderr}`));
    });
  });
  const startupMs = performance.now() - started;
  if (!keepLines) {
    // Drain stdout without splitting or storing lines (benchmarks: the log
    // reader must not compete with the load generator for CPU).
    reader.close();
    child.stdout!.removeAllListeners('data');
    child.stdout!.on('data', () => undefined);
    child.stdout!.resume();
  }
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    port,
    startupMs,
    lines,
    exited,
    waitForLine(matches, waitMs = 10_000) {
      const seen = lines.find(matches);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          lineWaiters.delete(waiter);
        };
        const waiter = (line: string) => {
          if (!matches(line)) return;
          done();
          resolve(line);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name}: no matching stdout line within ${waitMs} ms; last lines: ${lines.slice(-5).join(' | ')}`));
        }, waitMs);
        lineWaiters.add(waiter);
        void exited.then((code) => {
          if (!lineWaiters.has(waiter)) return;
          done();
          reject(new Error(`${name} exited (${code}) before the line came; stderr: ${stderr}`));
        });
      });
    },
    async stop(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
