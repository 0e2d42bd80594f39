/**
 * Container health checks as the ECS agent runs them: the task definition's
 * `healthCheck.command` (`CMD-SHELL` through `/bin/sh -c`, or `CMD` argv),
 * on its interval, with a timeout, a number of retries and a start period
 * during which failures do not count. `localhost` and `127.0.0.1` in the
 * command are rewritten to the task's own address, because on this machine
 * the container does not have a network namespace of its own.
 *
 * @internal
 */
import { spawn } from 'node:child_process';
import { TimeScale } from '../../time-scale.js';

/** The task definition's health check, in seconds as the API reports it. */
export interface HealthCheckSpec {
  readonly command: readonly string[];
  readonly interval?: number;
  readonly timeout?: number;
  readonly retries?: number;
  readonly startPeriod?: number;
}

/** Health as ECS reports it for a container. */
export type ContainerHealth = 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY';

/** Rewrites loopback host names in a health-check command to the task's address. */
export function targetCommand(command: readonly string[], address: string): string[] {
  const rewrite = (s: string) => s.replace(/\b(localhost|127\.0\.0\.1)\b/g, address);
  const [kind, ...rest] = command;
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', rewrite(rest.join(' '))];
  if (kind === 'CMD') return rest.map(rewrite);
  return ['/bin/sh', '-c', rewrite(command.join(' '))];
}

/** Options of {@link runProbe}. */
export interface ProbeOptions {
  /** Environment of the probe, besides `PATH`. */
  readonly env?: Record<string, string>;
  /** Aborting kills the probe (its whole process group) at once. */
  readonly signal?: AbortSignal;
}

/**
 * Sends SIGKILL to a probe's process group (the probe and everything it
 * started); quiet when the group is already gone.
 */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing of the group is left.
  }
}

/**
 * Runs a command once; resolves true on exit 0 within `timeoutMs`. The probe
 * runs in a process group of its own (`detached`): on a timeout or an abort
 * the whole group is killed, not only `/bin/sh`, and whatever the probe left
 * running in the background is killed when it exits, so `CMD-SHELL "sleep 40"`
 * with a short timeout leaves no `sleep` behind.
 */
export function runProbe(argv: readonly string[], timeoutMs: number, options: ProbeOptions = {}): Promise<boolean> {
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    if (!file || options.signal?.aborted) return resolve(false);
    const child = spawn(file, args, {
      stdio: 'ignore',
      detached: true,
      env: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', ...options.env },
    });
    const kill = () => killGroup(child.pid);
    const timer = setTimeout(kill, timeoutMs);
    options.signal?.addEventListener('abort', kill, { once: true });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
      resolve(ok);
    };
    child.once('error', () => done(false));
    child.once('exit', (code) => {
      kill(); // background children of a probe that exited
      done(code === 0);
    });
  });
}

/**
 * Smallest health-check timeout in real ms, whatever the time scale, for
 * container probes and (by default) the load balancer's checks. A check
 * makes a request — a container probe also starts a process — which a busy
 * 2-core machine does not do faster at a small time scale: the lab's 5 s
 * timeout scaled by 0.02 was 100 ms, and invsys under sustained load failed
 * its container checks and was replaced.
 */
export const MIN_PROBE_TIMEOUT_MS = 1000;

/**
 * Follows one container's health: call `start()` once the process runs,
 * `stop()` when it ends. `onChange` fires when the status changes.
 */
export class ContainerHealthMonitor {
  #status: ContainerHealth = 'UNKNOWN';
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  /** Aborts the probe in flight when the monitor stops. */
  readonly #abort = new AbortController();
  readonly #startedAt = Date.now();

  constructor(
    private readonly spec: HealthCheckSpec,
    private readonly address: string,
    /** Multiplies every duration: the local cloud's time scale, or a function read at each check (the cloud's scale can change). */
    private readonly timeScale: number | (() => number),
    private readonly onChange: (status: ContainerHealth) => void,
    /** Probe runner (tests pass a fake); `signal` aborts when the monitor stops. */
    private readonly probe: (argv: readonly string[], timeoutMs: number, signal: AbortSignal) => Promise<boolean> = (argv, timeoutMs, signal) =>
      runProbe(argv, timeoutMs, { signal }),
  ) {}

  get status(): ContainerHealth {
    return this.#status;
  }

  start(): void {
    // The first check runs right away; ECS also checks before the first interval elapses.
    this.#schedule(Math.min(1000, this.#intervalMs()));
  }

  /** Stops checking; a probe in flight is killed. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#abort.abort();
  }

  #time(): TimeScale {
    return new TimeScale(typeof this.timeScale === 'function' ? this.timeScale() : this.timeScale);
  }

  #intervalMs() {
    return Math.max(10, this.#time().ms(this.spec.interval ?? 30));
  }

  #schedule(ms: number) {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#check(), ms);
    this.#timer.unref?.();
  }

  async #check() {
    if (this.#stopped) return;
    const timeoutMs = Math.max(MIN_PROBE_TIMEOUT_MS, this.#time().ms(this.spec.timeout ?? 5));
    const ok = await this.probe(targetCommand(this.spec.command, this.address), timeoutMs, this.#abort.signal);
    if (this.#stopped) return;
    const inStartPeriod = Date.now() - this.#startedAt < this.#time().ms(this.spec.startPeriod ?? 0);
    if (ok) {
      this.#failures = 0;
      this.#set('HEALTHY');
    } else if (!inStartPeriod) {
      this.#failures++;
      if (this.#failures >= (this.spec.retries ?? 3)) this.#set('UNHEALTHY');
    }
    this.#schedule(this.#intervalMs());
  }

  #set(status: ContainerHealth) {
    if (status === this.#status) return;
    this.#status = status;
    this.onChange(status);
  }
}
