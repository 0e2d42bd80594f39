/**
 * The container engine ecskit drives: `docker` or `podman`, found on PATH
 * (`ECSKIT_CONTAINER_ENGINE` overrides), checked to answer, and run with the
 * flags and environment each one needs — without anyone editing system files.
 *
 * For podman, ecskit writes its own `containers.conf` (no default ulimits; the
 * `runc` runtime when it is installed, since `crun` fails on cgroups and
 * rlimits in many containers and CI machines) to a cache directory and points
 * `CONTAINERS_CONF` at it for every call. A `CONTAINERS_CONF` you set yourself
 * wins.
 *
 * ```ts
 * const engine = await detectContainerEngine();
 * engine.name; // 'podman'
 * await engine.exec(['run', '--rm', ...engine.runFlags(), 'localhost/ecskit-offline-node:20', 'node', '-v']);
 * ```
 *
 * @module
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, isAbsolute, join } from 'node:path';
import { EcskitError } from '../errors.js';

/** The engines ecskit knows how to drive. */
export type ContainerEngineName = 'docker' | 'podman';

/** The engines tried, in order, when `ECSKIT_CONTAINER_ENGINE` is not set. @internal */
export const CONTAINER_ENGINES: readonly ContainerEngineName[] = ['docker', 'podman'];

/** Why a {@link ContainerEngineError} was thrown. */
export type ContainerEngineErrorCode =
  /** Neither `docker` nor `podman` (nor the one `ECSKIT_CONTAINER_ENGINE` names) is on PATH. */
  | 'ENGINE_NOT_FOUND'
  /** The engine is installed but does not answer (daemon down, broken storage, timeout). */
  | 'ENGINE_NOT_RUNNING'
  /** `ECSKIT_CONTAINER_ENGINE` (or the `engine` option) names something that is not docker or podman. */
  | 'ENGINE_INVALID'
  /** An engine command exited non-zero. */
  | 'COMMAND_FAILED'
  /** An engine command did not finish in time and was killed. */
  | 'COMMAND_TIMEOUT';

/**
 * A container engine is missing, down, or a command it ran failed. `message`
 * names the fix; `command` and `stderr` say what ran and what the engine said.
 *
 * @example
 * ```ts
 * try { await detectContainerEngine(); }
 * catch (error) {
 *   if (error instanceof ContainerEngineError && error.code === 'ENGINE_NOT_FOUND') …
 * }
 * ```
 */
export class ContainerEngineError extends EcskitError {
  /** Always `'ContainerEngineError'`. */
  override readonly name = 'ContainerEngineError';
  /** What went wrong. */
  readonly code: ContainerEngineErrorCode;
  /** The command line that ran (`['podman', 'build', …]`), empty when none did. */
  readonly command: readonly string[];
  /** What the engine wrote to stderr (trimmed), empty when nothing ran. */
  readonly stderr: string;
  /** The exit code, when the command exited. */
  readonly exitCode: number | undefined;

  constructor(code: ContainerEngineErrorCode, message: string, details: { command?: readonly string[]; stderr?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.command = details.command ?? [];
    this.stderr = details.stderr ?? '';
    this.exitCode = details.exitCode;
  }
}

/** What a finished engine command printed. */
export interface EngineResult {
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
}

/** Options of {@link ContainerEngine.exec}. */
export interface EngineExecOptions {
  /** Kill the command after this many milliseconds (`COMMAND_TIMEOUT`). Default 10 minutes. */
  readonly timeoutMs?: number;
  /** Written to the command's stdin (for `login --password-stdin`, `import -`). */
  readonly input?: string | Buffer;
  /** Aborts the command. */
  readonly signal?: AbortSignal;
  /** Working directory. */
  readonly cwd?: string;
  /** Called with each chunk of output as it arrives (build progress). */
  readonly onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

/** Options of {@link ContainerEngine.buildFlags}. */
export interface BuildFlagOptions {
  /** Pull policy for `FROM` images. `never` builds only from the local store (no registry needed). Default: the engine's own. */
  readonly pull?: 'never' | 'missing' | 'always';
}

/** A container engine that answered, ready to run commands. */
export interface ContainerEngine {
  /** `docker` or `podman`. */
  readonly name: ContainerEngineName;
  /** The executable (absolute path found on PATH). */
  readonly executable: string;
  /** The version the engine reported (server version for docker). */
  readonly version: string;
  /** The environment every call gets: the caller's plus `CONTAINERS_CONF` for podman. Use it when spawning the engine yourself. */
  readonly env: NodeJS.ProcessEnv;
  /** Flags `run`/`create` need on this engine (`--ulimit host` for podman). */
  runFlags(): string[];
  /** Flags `build` needs on this engine (`--isolation chroot --network host` for podman), plus the pull policy. */
  buildFlags(options?: BuildFlagOptions): string[];
  /** Runs `<engine> ...args` to completion; throws {@link ContainerEngineError} (`COMMAND_FAILED`/`COMMAND_TIMEOUT`). */
  exec(args: readonly string[], options?: EngineExecOptions): Promise<EngineResult>;
  /** Spawns `<engine> ...args` with {@link ContainerEngine.env} (long-running calls: `run` attached, `logs -f`, `events`). */
  spawn(args: readonly string[], options?: Omit<SpawnOptions, 'env'>): ChildProcess;
}

/** Options of {@link detectContainerEngine}. */
export interface DetectEngineOptions {
  /** `docker`, `podman` or a path to one of them. Default: `ECSKIT_CONTAINER_ENGINE`, else the first of `docker`, `podman` that answers. */
  readonly engine?: string;
  /** Environment to read `PATH`, `ECSKIT_CONTAINER_ENGINE` and `CONTAINERS_CONF` from, and to pass to the engine. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** How long the engine may take to answer `info`/`version`. Default 20 s. */
  readonly timeoutMs?: number;
  /** Where ecskit writes podman's `containers.conf`. Default `$XDG_CACHE_HOME/ecskit` or `<tmpdir>/ecskit-<uid>`. */
  readonly configDir?: string;
}

const INSTALL_HINT = 'install Docker (https://docs.docker.com/engine/install/) or Podman (Debian/Ubuntu: apt-get install -y podman runc)';

/**
 * Finds a container engine that answers: `ECSKIT_CONTAINER_ENGINE` (or the
 * `engine` option) when set, else `docker` then `podman` on PATH — an
 * installed docker whose daemon is down is passed over for a working podman.
 *
 * @throws {@link ContainerEngineError} `ENGINE_NOT_FOUND` (none installed), `ENGINE_NOT_RUNNING`
 *   (installed, not answering) or `ENGINE_INVALID` (an override that is not docker/podman); the
 *   message names the fix.
 */
export async function detectContainerEngine(options: DetectEngineOptions = {}): Promise<ContainerEngine> {
  const env = options.env ?? process.env;
  const requested = options.engine ?? (env['ECSKIT_CONTAINER_ENGINE'] || undefined);
  const candidates = requested === undefined ? CONTAINER_ENGINES.map((name) => ({ name, requested: false })) : [{ name: requested, requested: true }];
  const failures: ContainerEngineError[] = [];
  for (const candidate of candidates) {
    const name = engineName(candidate.name);
    const executable = findExecutable(candidate.name, env);
    if (!executable) continue;
    const engine = createEngine(name, executable, '', env, options.configDir);
    try {
      const version = await probe(engine, options.timeoutMs ?? 20_000);
      return createEngine(name, executable, version, env, options.configDir);
    } catch (error) {
      failures.push(notRunning(name, error as ContainerEngineError));
    }
  }
  if (failures.length > 0) throw failures.length === 1 ? failures[0]! : combine(failures);
  const what = requested === undefined ? 'neither docker nor podman is on PATH' : `ECSKIT_CONTAINER_ENGINE is '${requested}', which is not on PATH`;
  throw new ContainerEngineError('ENGINE_NOT_FOUND', `No container engine: ${what}. Fix: ${INSTALL_HINT}${requested === undefined ? '' : ', or unset ECSKIT_CONTAINER_ENGINE'}.`);
}

/** `docker`/`podman` from a name or a path; `ENGINE_INVALID` otherwise. */
function engineName(value: string): ContainerEngineName {
  const name = basename(value).replace(/\.exe$/i, '').toLowerCase();
  if (name === 'docker' || name === 'podman') return name;
  throw new ContainerEngineError('ENGINE_INVALID', `ECSKIT_CONTAINER_ENGINE must be docker, podman or a path to one of them, got: '${value}'. Fix: set it to docker or podman, or unset it to detect the engine.`);
}

/** The absolute path of `command` (a name searched on PATH, or a path checked as is), or undefined. @internal */
export function findExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = isAbsolute(command) || command.includes('/') ? [command] : (env['PATH'] ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function probe(engine: ContainerEngine, timeoutMs: number): Promise<string> {
  // docker: the server's version fails when the daemon is down. podman has no daemon: `info` checks storage and runtime.
  const args = engine.name === 'docker' ? ['version', '--format', '{{.Server.Version}}'] : ['info', '--format', '{{.Version.Version}}'];
  const { stdout } = await engine.exec(args, { timeoutMs });
  return stdout.trim();
}

function notRunning(name: ContainerEngineName, error: ContainerEngineError): ContainerEngineError {
  const fix =
    name === 'docker'
      ? 'start the Docker daemon (sudo systemctl start docker, or open Docker Desktop), or use podman (ECSKIT_CONTAINER_ENGINE=podman)'
      : 'run `podman info` to see what podman needs (storage, runtime: apt-get install -y runc), or use docker (ECSKIT_CONTAINER_ENGINE=docker)';
  const said = error.stderr ? `: ${firstLines(error.stderr)}` : error.code === 'COMMAND_TIMEOUT' ? ': it did not answer in time' : `: ${error.message}`;
  return new ContainerEngineError('ENGINE_NOT_RUNNING', `${name} is installed but does not answer${said}. Fix: ${fix}.`, { command: error.command, stderr: error.stderr, ...(error.exitCode === undefined ? {} : { exitCode: error.exitCode }), cause: error });
}

function combine(failures: ContainerEngineError[]): ContainerEngineError {
  return new ContainerEngineError('ENGINE_NOT_RUNNING', `No container engine answers. ${failures.map((f) => f.message).join(' ')}`, { command: failures.at(-1)!.command, stderr: failures.map((f) => f.stderr).join('\n') });
}

function firstLines(text: string): string {
  return text.trim().split('\n').slice(0, 3).join(' ').slice(0, 500);
}

/** Where podman's runtime may live (podman's own default search list). */
const RUNC_PATHS = ['/usr/bin/runc', '/usr/sbin/runc', '/usr/local/bin/runc', '/usr/local/sbin/runc', '/sbin/runc', '/bin/runc', '/usr/lib/cri-o-runc/sbin/runc'];

/**
 * The `containers.conf` ecskit gives podman: no default ulimits (a container
 * inherits the host's limits, which unprivileged containers cannot raise) and
 * the `runc` runtime when it is installed.
 *
 * @internal
 */
export function podmanContainersConf(runcInstalled: boolean): string {
  return ['# Written by ecskit for its own podman calls (CONTAINERS_CONF). Edit nothing here: it is rewritten.', '[containers]', 'default_ulimits = []', '', ...(runcInstalled ? ['[engine]', 'runtime = "runc"', ''] : [])].join('\n');
}

/** Writes ecskit's `containers.conf` (only when its content changed) and returns its path. */
function writePodmanConf(env: NodeJS.ProcessEnv, configDir: string | undefined): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const dir = configDir ?? (env['XDG_CACHE_HOME'] ? join(env['XDG_CACHE_HOME'], 'ecskit') : join(tmpdir(), `ecskit-${uid}`));
  const path = join(dir, 'containers.conf');
  const content = podmanContainersConf(RUNC_PATHS.some((p) => findExecutable(p, env) !== undefined) || findExecutable('runc', env) !== undefined);
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== content) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, content, { mode: 0o644 });
    renameSync(temp, path); // atomic: a concurrent podman never reads half a file
  }
  return path;
}

function engineEnv(name: ContainerEngineName, env: NodeJS.ProcessEnv, configDir: string | undefined): NodeJS.ProcessEnv {
  if (name !== 'podman' || env['CONTAINERS_CONF']) return { ...env };
  return { ...env, CONTAINERS_CONF: writePodmanConf(env, configDir) };
}

function createEngine(name: ContainerEngineName, executable: string, version: string, baseEnv: NodeJS.ProcessEnv, configDir: string | undefined): ContainerEngine {
  const env = engineEnv(name, baseEnv, configDir);
  return {
    name,
    executable,
    version,
    env,
    runFlags: () => (name === 'podman' ? ['--ulimit', 'host'] : []),
    buildFlags: (options = {}) => [
      ...(name === 'podman' ? ['--isolation', 'chroot', '--network', 'host'] : []),
      ...(options.pull === undefined ? [] : name === 'podman' ? [`--pull=${options.pull}`] : options.pull === 'always' ? ['--pull'] : []),
    ],
    exec: (args, options) => execEngine(executable, name, args, env, options),
    spawn: (args, options = {}) => spawn(executable, [...args], { ...options, env }),
  };
}

function execEngine(executable: string, name: ContainerEngineName, args: readonly string[], env: NodeJS.ProcessEnv, options: EngineExecOptions = {}): Promise<EngineResult> {
  const command = [name, ...args];
  const timeoutMs = options.timeoutMs ?? 600_000;
  return new Promise<EngineResult>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(executable, [...args], { env, stdio: ['pipe', 'pipe', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
    } catch (cause) {
      reject(new ContainerEngineError('COMMAND_FAILED', `${command.join(' ')} could not start: ${(cause as Error).message}`, { command, cause }));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    // Killing the engine is not enough when a grandchild holds its pipes open: drop them too.
    const kill = () => {
      child.kill('SIGKILL');
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const onAbort = kill;
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout!.on('data', (chunk: Buffer) => {
      out.push(chunk);
      options.onOutput?.(chunk.toString(), 'stdout');
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      err.push(chunk);
      options.onOutput?.(chunk.toString(), 'stderr');
    });
    child.stdin!.on('error', () => {}); // the engine may exit before reading its input
    child.stdin!.end(options.input ?? '');
    const finish = (error: ContainerEngineError | undefined) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    };
    child.once('error', (cause) => finish(new ContainerEngineError('COMMAND_FAILED', `${command.join(' ')} could not start: ${cause.message}`, { command, cause })));
    child.once('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString().trim();
      if (timedOut) return finish(new ContainerEngineError('COMMAND_TIMEOUT', `${command.join(' ')} did not finish within ${timeoutMs} ms and was killed`, { command, stderr }));
      if (options.signal?.aborted) return finish(new ContainerEngineError('COMMAND_FAILED', `${command.join(' ')} was aborted`, { command, stderr, cause: options.signal.reason }));
      if (code !== 0) {
        return finish(new ContainerEngineError('COMMAND_FAILED', `${command.join(' ')} failed (${code === null ? `signal ${signal}` : `exit ${code}`})${stderr ? `: ${firstLines(stderr)}` : ''}`, { command, stderr, ...(code === null ? {} : { exitCode: code }) }));
      }
      finish(undefined);
    });
  });
}
