/**
 * The `container` driver: one Docker/Podman container per container
 * definition, through the engine `src/containers/engine.ts` finds (podman
 * gets ecskit's own `containers.conf` and `--ulimit host`).
 *
 * - Every container runs with `--network host`, so it binds the task's own
 *   loopback address (`HOST`, `PORT` as the process driver sets them) and is
 *   reachable there from the host, the load balancers and other tasks; the
 *   metadata endpoint (`ECS_CONTAINER_METADATA_URI_V4` on 127.0.0.1) is
 *   reachable from inside.
 * - Cloud Map names resolve inside through the local DNS server: served also
 *   on a loopback address's port 53 when this process may bind it (root),
 *   and named with `--dns`; otherwise the names registered when the container
 *   starts are written with `--add-host` (a snapshot: later changes are not
 *   seen).
 * - `run -d` starts it (a failure is `CannotStartContainerError`), `logs -f`
 *   carries its output to awslogs, `wait` reads its exit code, then it is
 *   removed. Stop is `kill -s SIGTERM`, then `kill -s SIGKILL` after the
 *   stop timeout. Health checks run inside with `exec`. Metrics come from
 *   `stats`.
 * - Every container carries the label `ecskit.cloud=<id>` (and the pid of
 *   the process that started it): the driver removes its own when it
 *   closes, and at start removes those of a local cloud whose process is gone.
 *
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { ContainerEngine } from '../../../containers/engine.js';
import { stopWithGrace, type ContainerExit, type ContainerInspection, type ContainerMount, type ContainerSample, type ContainerSpec, type HealthProbe, type ImageResolution, type RunningContainer, type TaskDriver } from './driver.js';
import { resolveContainerImage, type ContainerImage, type LocalRegistry } from './container-image.js';
import { StatsBatcher } from './engine-stats.js';
import { processAlive } from '../process-alive.js';

/** The label every container of a local cloud carries: its cloud's id. */
export const CLOUD_LABEL = 'ecskit.cloud';
/** The label with the pid of the process that started the container. */
export const PID_LABEL = 'ecskit.pid';

/** How containers resolve Cloud Map names. */
export type ContainerDns =
  /** `--dns <address>`: the local DNS server also answers on `<address>:53`. */
  | { readonly kind: 'server'; readonly address: string }
  /** `--add-host name:address` for the names registered when the container starts. */
  | { readonly kind: 'hosts'; readonly hosts: () => ReadonlyArray<readonly [string, string]> };

/** Options of {@link ContainerDriver}. */
export interface ContainerDriverOptions {
  readonly engine: ContainerEngine;
  /** Id of the local cloud (label value). Default: random. */
  readonly cloudId?: string;
  /** How containers resolve Cloud Map names. Default: no DNS set up. */
  readonly dns?: ContainerDns;
  /** The local ECR registry images may be pulled from. */
  readonly registry?: LocalRegistry;
  /** Diagnostics. */
  readonly log?: (line: string) => void;
  /** Called last by {@link ContainerDriver.close} (closes what was set up for the driver, e.g. its DNS server). */
  readonly onClose?: () => Promise<void>;
}

/** Time allowed for the engine's own `exec` set-up on top of a health check's timeout. */
export const EXEC_ALLOWANCE_MS = 2000;

const SIGNAL_OF_CODE: Record<number, NodeJS.Signals> = { 137: 'SIGKILL', 143: 'SIGTERM' };

/** A name part the engine accepts in container and volume names. */
const safeName = (name: string, max: number) => name.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, max);

/**
 * The engine's name for a task volume: a `shared` one without
 * `autoprovision` is the instance's own volume of that very name (someone
 * created it, as on an ECS instance); an autoprovisioned `shared` one is
 * this local cloud's (its one "container instance"), a `task` one the task's.
 */
export function volumeName(cloudId: string, taskArn: string, mount: ContainerMount): string {
  const { source } = mount;
  if (source.kind === 'volume' && source.scope === 'shared' && !source.autoprovision) return mount.volume;
  const task = taskArn.slice(taskArn.lastIndexOf('/') + 1).slice(0, 12);
  const scope = source.kind === 'volume' && source.scope === 'shared' ? 'shared' : task;
  return `ecskit-${cloudId}-${scope}-${safeName(mount.volume, 80)}`;
}

/** A container name the engine accepts, unique per cloud, task and container. */
function containerName(cloudId: string, taskArn: string, name: string): string {
  const task = taskArn.slice(taskArn.lastIndexOf('/') + 1).slice(0, 12);
  const safe = safeName(name, 60);
  return `ecskit-${cloudId}-${task}-${safe}-${randomBytes(2).toString('hex')}`;
}

/** `engine run` arguments for `spec` (exported for tests). */
export function runArguments(spec: ContainerSpec<ContainerImage>, options: { name: string; cloudId: string; runFlags: readonly string[]; dns?: ContainerDns }): string[] {
  const args = ['run', '-d', '--name', options.name, ...options.runFlags, '--network', 'host'];
  const labels: Record<string, string> = {
    [CLOUD_LABEL]: options.cloudId,
    [PID_LABEL]: String(process.pid),
    'com.amazonaws.ecs.task-arn': spec.taskArn,
    'com.amazonaws.ecs.container-name': spec.name,
  };
  for (const [key, value] of Object.entries(labels)) args.push('--label', `${key}=${value}`);
  for (const [key, value] of Object.entries(spec.env)) {
    // The engine splits NAME=VALUE at the first '=': such a name would set another variable.
    if (!key || key.includes('=') || key.includes('\0') || value.includes('\0')) {
      throw new Error(`environment variable ${JSON.stringify(key)} of container ${spec.name} cannot be passed to a container: names must be non-empty without '=', and no NUL character anywhere`);
    }
    args.push('--env', `${key}=${value}`);
  }
  if (options.dns?.kind === 'server') args.push('--dns', options.dns.address);
  if (options.dns?.kind === 'hosts') for (const [host, address] of options.dns.hosts()) args.push('--add-host', `${host}:${address}`);
  if (spec.workingDirectory) args.push('--workdir', spec.workingDirectory);
  if (spec.user) args.push('--user', spec.user);
  for (const mount of spec.mounts ?? []) {
    if (mount.source.kind === 'unsupported') throw new Error(`volume ${mount.volume} is ${mount.source.what}, which the local cloud cannot mount`);
    const from = mount.source.kind === 'bind' ? mount.source.hostPath : volumeName(options.cloudId, spec.taskArn, mount);
    // --mount, not -v: a path holding ':' or ',' cannot be misread as options.
    if (/[,"\n]/.test(from) || /[,"\n]/.test(mount.containerPath)) throw new Error(`volume ${mount.volume}: a path with a comma, quote or newline cannot be mounted (${JSON.stringify(from)} → ${JSON.stringify(mount.containerPath)})`);
    const type = mount.source.kind === 'bind' ? 'bind' : 'volume';
    args.push('--mount', `type=${type},source=${from},destination=${mount.containerPath}${mount.readOnly ? ',ro' : ''}`);
  }
  // ECS: container cpu is a relative weight (shares); the task's cpu (Fargate) a hard cap. Container memory is a hard
  // limit, else the task's memory caps it. (Each container gets the task's caps: the engine has no task-wide cgroup here.)
  if (spec.limits.cpuUnits) args.push('--cpu-shares', String(Math.max(2, Math.round(spec.limits.cpuUnits))));
  if (spec.limits.taskCpuUnits) args.push('--cpus', String(Math.max(0.01, spec.limits.taskCpuUnits / 1024)));
  const memoryMiB = spec.limits.memoryMiB ?? spec.limits.taskMemoryMiB;
  if (memoryMiB) args.push('--memory', `${Math.max(6, Math.round(memoryMiB))}m`);
  if (spec.limits.memoryReservationMiB) args.push('--memory-reservation', `${Math.round(spec.limits.memoryReservationMiB)}m`);
  // Docker's --entrypoint takes one executable; the rest of ECS's entryPoint leads the arguments (and, as in Docker, replaces the image's CMD).
  const [entry, ...entryArgs] = spec.entryPoint ?? [];
  if (entry !== undefined) args.push('--entrypoint', entry);
  args.push(spec.image.engineReference, ...entryArgs, ...(spec.command ?? []));
  return args;
}

/** One container the driver started. */
class EngineContainer implements RunningContainer {
  readonly exited: Promise<ContainerExit>;
  /** Settles once the exited container was removed from the engine. */
  removed: Promise<void> = new Promise(() => {});
  #exit: ContainerExit | undefined;
  #logs: ChildProcess | undefined;

  constructor(
    private readonly driver: ContainerDriver,
    readonly name: string,
    readonly id: string,
    private readonly image: string,
    logs: ContainerSpec['logs'],
  ) {
    this.#logs = driver.engine.spawn(['logs', '--follow', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    const streams = [forwardLines(this.#logs.stdout, 'stdout', logs), forwardLines(this.#logs.stderr, 'stderr', logs)];
    this.exited = new Promise<void>((resolve) => {
      this.#logs!.once('close', () => resolve());
      this.#logs!.once('error', () => resolve());
    })
      .then(() => Promise.all(streams))
      .then(() => this.#waitForExit())
      .then((exit) => {
        this.#exit = exit;
        this.removed = driver.remove(name);
        return exit;
      });
  }

  get pid(): number | undefined {
    return undefined;
  }

  get exit(): ContainerExit | undefined {
    return this.#exit;
  }

  /** `wait` prints the exit code (at once when the container has exited). */
  async #waitForExit(): Promise<ContainerExit> {
    try {
      const { stdout } = await this.driver.engine.exec(['wait', this.name], { timeoutMs: 24 * 3600_000 });
      const exitCode = Number.parseInt(stdout.trim().split('\n').at(-1) ?? '', 10);
      if (Number.isInteger(exitCode)) return { exitCode, signal: SIGNAL_OF_CODE[exitCode] ?? null };
    } catch {
      // removed under us (the cloud is closing): killed
    }
    return { exitCode: 137, signal: 'SIGKILL' };
  }

  async stop(timeoutMs: number): Promise<ContainerExit> {
    if (this.#exit) return this.#exit;
    return stopWithGrace(this.exited, () => this.driver.signal(this.name, 'SIGTERM'), () => void this.driver.signal(this.name, 'SIGKILL'), timeoutMs);
  }

  kill(): void {
    if (this.#exit) return;
    void this.driver.signal(this.name, 'SIGKILL');
  }

  inspect(): ContainerInspection {
    return { id: this.id, state: this.#exit ? 'exited' : 'running', ...(this.#exit ? { exit: this.#exit } : {}), image: this.image };
  }

  stats(): Promise<ContainerSample | undefined> {
    return this.#exit ? Promise.resolve(undefined) : this.driver.stats.sample(this.name);
  }
}

/** Splits a stream into lines for the log sink; resolves at its end. */
function forwardLines(source: NodeJS.ReadableStream | null | undefined, stream: 'stdout' | 'stderr', sink: ContainerSpec['logs']): Promise<void> {
  if (!source) return Promise.resolve();
  return new Promise((resolve) => {
    let buffered = '';
    source.setEncoding('utf8');
    source.on('data', (chunk: string) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        sink(buffered.slice(0, newline).replace(/\r$/, ''), stream, Date.now());
        buffered = buffered.slice(newline + 1);
      }
      if (buffered.length > 256 * 1024) {
        sink(buffered, stream, Date.now());
        buffered = '';
      }
    });
    source.on('end', () => {
      if (buffered) sink(buffered, stream, Date.now());
      resolve();
    });
    source.on('error', () => resolve());
  });
}

/** The `container` driver over one engine. */
export class ContainerDriver implements TaskDriver<ContainerImage> {
  readonly name = 'container';
  readonly engine: ContainerEngine;
  readonly cloudId: string;
  readonly stats: StatsBatcher;
  readonly #options: ContainerDriverOptions;
  readonly #containers = new Set<EngineContainer>();
  readonly #tasks = new Map<string, { containers: EngineContainer[]; volumes: Set<string> }>();

  constructor(options: ContainerDriverOptions) {
    this.#options = options;
    this.engine = options.engine;
    this.cloudId = options.cloudId ?? randomBytes(6).toString('hex');
    const format = this.engine.name === 'podman' ? 'json' : '{{json .}}';
    this.stats = new StatsBatcher(async (names) => (await this.engine.exec(['stats', '--no-stream', '--format', format, ...names], { timeoutMs: 30_000 })).stdout);
  }

  resolveImage(reference: string): Promise<ImageResolution<ContainerImage>> {
    const { engine } = this;
    return resolveContainerImage(
      reference,
      {
        exists: (ref) => engine.exec(['image', 'inspect', '--format', '{{.Id}}', ref], { timeoutMs: 60_000 }).then(() => true, () => false),
        pull: async (ref) => void (await engine.exec(['pull', ...(engine.name === 'podman' ? ['--tls-verify=false'] : []), ref], { timeoutMs: 600_000 })),
      },
      this.#options.registry,
    );
  }

  async start(spec: ContainerSpec<ContainerImage>): Promise<RunningContainer> {
    const name = containerName(this.cloudId, spec.taskArn, spec.name);
    const args = runArguments(spec, { name, cloudId: this.cloudId, runFlags: this.engine.runFlags(), ...(this.#options.dns ? { dns: this.#options.dns } : {}) });
    const task = this.#taskOf(spec.taskArn);
    for (const volume of await this.#prepareMounts(spec)) task.volumes.add(volume);
    let id: string;
    try {
      id = (await this.engine.exec(args, { timeoutMs: 120_000 })).stdout.trim().split('\n').at(-1) ?? name;
    } catch (error) {
      await this.remove(name);
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new Error(stderr ? stderr.split('\n').slice(0, 3).join(' ').replace(/^Error:\s*/, '') : (error as Error).message);
    }
    const container = new EngineContainer(this, name, id, spec.image.engineReference, spec.logs);
    this.#containers.add(container);
    task.containers.push(container);
    void container.exited.then(() => {
      this.#containers.delete(container);
      this.stats.forget(name);
    });
    return container;
  }

  /**
   * Health checks run inside the container with `exec`. The check's timeout
   * is the command's own: the engine's exec set-up (0.2-0.3 s with podman
   * here, more under load) is allowed for on top, up to {@link EXEC_ALLOWANCE_MS}.
   */
  healthProbe(container: RunningContainer): HealthProbe {
    const name = (container as EngineContainer).name;
    return (argv, timeoutMs, signal) =>
      this.engine.exec(['exec', name, ...argv], { timeoutMs: timeoutMs + EXEC_ALLOWANCE_MS, ...(signal ? { signal } : {}) }).then(
        () => true,
        () => false,
      );
  }

  /** Sends a signal to a container (no error when it is already gone). */
  async signal(name: string, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    await this.engine.exec(['kill', '--signal', signal, name], { timeoutMs: 30_000 }).catch(() => undefined);
  }

  /**
   * Makes what the container's mounts need: a bind mount's host directory
   * (as Docker does: podman refuses a missing one), engine volumes labelled
   * with this cloud (a `shared` one without `autoprovision` must exist).
   * Returns the task-scoped volumes, removed when the task stops ({@link releaseTask}).
   */
  async #prepareMounts(spec: ContainerSpec<ContainerImage>): Promise<string[]> {
    const taskVolumes: string[] = [];
    for (const mount of spec.mounts ?? []) {
      const { source } = mount;
      if (source.kind === 'bind') {
        mkdirSync(source.hostPath, { recursive: true });
        continue;
      }
      if (source.kind !== 'volume') continue; // refused by runArguments
      const volume = volumeName(this.cloudId, spec.taskArn, mount);
      if (source.scope === 'task') taskVolumes.push(volume);
      if (await this.#volumeExists(volume)) continue;
      if (source.scope === 'shared' && !source.autoprovision) {
        throw new Error(`volume ${mount.volume} is a shared Docker volume without autoprovision, and the engine has no volume named ${mount.volume}: set autoprovision: true, or create it first (${this.engine.name} volume create ${mount.volume})`);
      }
      const labels = { ...source.labels, [CLOUD_LABEL]: this.cloudId, [PID_LABEL]: String(process.pid) };
      const create = ['volume', 'create', ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`])];
      if (source.driver) create.push('--driver', source.driver);
      for (const [k, v] of Object.entries(source.driverOpts ?? {})) create.push('--opt', `${k}=${v}`);
      // Two containers of a task may race to create it: the loser finds it made.
      await this.engine.exec([...create, volume], { timeoutMs: 60_000 }).catch(async (error: Error) => {
        if (!(await this.#volumeExists(volume))) throw new Error(`cannot create volume ${mount.volume}: ${((error as { stderr?: string }).stderr ?? error.message).trim().split('\n')[0]}`);
      });
    }
    return taskVolumes;
  }

  /** What this driver made for a task: its containers and task-scoped volumes. */
  #taskOf(taskArn: string): { containers: EngineContainer[]; volumes: Set<string> } {
    let task = this.#tasks.get(taskArn);
    if (!task) this.#tasks.set(taskArn, (task = { containers: [], volumes: new Set() }));
    return task;
  }

  /** Removes the task's volumes once all its containers are removed (an init container's volume outlives it for the app). */
  async releaseTask(taskArn: string): Promise<void> {
    const task = this.#tasks.get(taskArn);
    if (!task) return;
    this.#tasks.delete(taskArn);
    await Promise.all(task.containers.map((c) => c.exited.then(() => c.removed)));
    for (const volume of task.volumes) {
      await this.engine.exec(['volume', 'rm', volume], { timeoutMs: 60_000 }).catch((error: Error) => this.#options.log?.(`container driver: cannot remove volume ${volume}: ${error.message}`));
    }
  }

  #volumeExists(volume: string): Promise<boolean> {
    return this.engine.exec(['volume', 'inspect', '--format', '{{.Name}}', volume], { timeoutMs: 60_000 }).then(() => true, () => false);
  }

  /** Removes a container, running or not (no error when it is gone). */
  async remove(name: string): Promise<void> {
    await this.engine.exec(['rm', '--force', name], { timeoutMs: 60_000 }).catch((error: Error) => this.#options.log?.(`container driver: cannot remove ${name}: ${error.message}`));
  }

  /** Removes every container of this cloud, then its volumes (the shared ones too: they lived on its instances); none outlives it. */
  async close(): Promise<void> {
    await removeLabelled(this.engine, `${CLOUD_LABEL}=${this.cloudId}`);
    await Promise.all([...this.#containers].map((c) => Promise.race([c.exited, new Promise((r) => setTimeout(r, 5000))])));
    await removeLabelledVolumes(this.engine, `${CLOUD_LABEL}=${this.cloudId}`);
    await this.#options.onClose?.();
  }
}

/** The labels of a `{{json .Labels}}` column (none when the engine printed something else). */
function parseLabels(json: string): Record<string, string> {
  try {
    return (JSON.parse(json) as Record<string, string> | null) ?? {};
  } catch {
    return {};
  }
}

/** Ids of containers (any state) with `label`. */
async function labelled(engine: ContainerEngine, label: string): Promise<Array<{ id: string; labels: Record<string, string> }>> {
  const { stdout } = await engine.exec(['ps', '--all', '--no-trunc', '--filter', `label=${label}`, '--format', '{{.ID}}\t{{json .Labels}}'], { timeoutMs: 60_000 });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id = '', json = '{}'] = line.split('\t');
      return { id, labels: parseLabels(json) };
    });
}

async function removeLabelled(engine: ContainerEngine, label: string, keep: (labels: Record<string, string>) => boolean = () => false): Promise<number> {
  const found = (await labelled(engine, label)).filter((c) => !keep(c.labels));
  if (found.length > 0) await engine.exec(['rm', '--force', ...found.map((c) => c.id)], { timeoutMs: 120_000 }).catch(() => undefined);
  return found.length;
}

/**
 * Removes the containers a crashed local cloud left: labelled with a cloud
 * id, started by a process that is gone ({@link processAlive}: a crashed cloud
 * its parent has not reaped yet, a zombie, counts as gone). Returns how many.
 */
export async function removeLeftovers(engine: ContainerEngine): Promise<number> {
  const removed = await removeLabelled(engine, CLOUD_LABEL, (labels) => processAlive(Number(labels[PID_LABEL])));
  await removeLabelledVolumes(engine, CLOUD_LABEL, (labels) => processAlive(Number(labels[PID_LABEL])));
  return removed;
}

/** Removes the volumes with `label` (not those `keep` keeps); one still in use stays. */
async function removeLabelledVolumes(engine: ContainerEngine, label: string, keep: (labels: Record<string, string>) => boolean = () => false): Promise<void> {
  const listed = await engine.exec(['volume', 'ls', '--filter', `label=${label}`, '--format', '{{.Name}}\t{{json .Labels}}'], { timeoutMs: 60_000 }).catch(() => undefined);
  for (const line of listed?.stdout.split('\n').filter(Boolean) ?? []) {
    const [name = '', json = '{}'] = line.split('\t');
    if (name && !keep(parseLabels(json))) await engine.exec(['volume', 'rm', '--force', name], { timeoutMs: 60_000 }).catch(() => undefined);
  }
}
