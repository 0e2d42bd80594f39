/**
 * One local container = one child process started through the shim
 * (`shim/container-shim.mjs`). Its environment is exactly what the caller
 * passes (the task definition's environment plus what ECS injects) — never
 * the host's variables or AWS credentials. Output is split into lines for
 * the log driver; stop sends SIGTERM, then SIGKILL after the stop timeout.
 *
 * @internal
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopWithGrace, type ContainerExit, type ContainerInspection, type OutputSink, type RunningContainer } from './drivers/driver.js';
import type { LocalImage } from './images.js';

export type { ContainerExit, OutputSink } from './drivers/driver.js';

/** What to start. */
export interface ContainerStart {
  readonly image: LocalImage;
  /** The complete environment of the process. */
  readonly env: Readonly<Record<string, string>>;
  /** ECS `entryPoint` + `command`: for a command image they replace its argv; for a node image they become its arguments. */
  readonly entryPoint?: readonly string[];
  readonly command?: readonly string[];
  /** DNS server and private namespace suffixes for the shim's resolver. */
  readonly dns?: { readonly host: string; readonly port: number; readonly suffixes: readonly string[] };
  readonly onOutput?: OutputSink;
}

const SIGNALS: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGHUP: 1 };

/** Path of the shim, from the source tree (tsx) or next to the built bundle. */
function shimPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'shim', 'container-shim.mjs'), join(here, 'local', 'shim', 'container-shim.mjs'), join(here, '..', 'local', 'shim', 'container-shim.mjs')];
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

/** A running container process (the `process` driver's {@link RunningContainer}). */
export class ContainerProcess implements RunningContainer {
  readonly #child: ChildProcess;
  /** Resolves once the process has exited. */
  readonly exited: Promise<ContainerExit>;
  #exit: ContainerExit | undefined;
  readonly #image: LocalImage;

  constructor(start: ContainerStart) {
    const { image } = start;
    this.#image = image;
    const args = [...(start.entryPoint ?? []), ...(start.command ?? [])];
    const shim = {
      kind: image.kind,
      ...(image.kind === 'node' ? { entry: image.entry, args } : { command: args.length > 0 ? args : image.command }),
      ...(start.dns ? { dns: start.dns } : {}),
    };
    this.#child = spawn(process.execPath, [shimPath()], {
      env: { ...start.env, ECSKIT_SHIM: JSON.stringify(shim) },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so a SIGKILL reaches a command image's process
      // too (the shim cannot forward a SIGKILL). Ctrl-C in a terminal then goes
      // to the local cloud only, which stops its tasks itself.
      detached: true,
    });
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#exit = { exitCode: code ?? 128 + (SIGNALS[signal ?? ''] ?? 0), signal };
        resolve(this.#exit);
      });
      this.#child.once('error', () => {
        this.#exit = { exitCode: 127, signal: null };
        resolve(this.#exit);
      });
    });
    const sink = start.onOutput;
    for (const stream of ['stdout', 'stderr'] as const) {
      let buffered = '';
      const source = this.#child[stream];
      source?.setEncoding('utf8');
      source?.on('data', (chunk: string) => {
        buffered += chunk;
        let newline;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          sink?.(buffered.slice(0, newline).replace(/\r$/, ''), stream, Date.now());
          buffered = buffered.slice(newline + 1);
        }
        if (buffered.length > 256 * 1024) {
          sink?.(buffered, stream, Date.now());
          buffered = '';
        }
      });
      source?.on('end', () => {
        if (buffered) sink?.(buffered, stream, Date.now());
        buffered = '';
      });
    }
  }

  /** Process id (undefined if the spawn failed). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The exit, once the process has exited. */
  get exit(): ContainerExit | undefined {
    return this.#exit;
  }

  /** Its state: the process id, running or exited. */
  inspect(): ContainerInspection {
    const image = this.#image.kind === 'node' ? this.#image.entry : this.#image.command.join(' ');
    return { id: String(this.#child.pid ?? ''), state: this.#exit ? 'exited' : 'running', ...(this.#exit ? { exit: this.#exit } : {}), image };
  }

  /** SIGTERM, then SIGKILL after `timeoutMs` (ECS `stopTimeout`, already time-scaled). */
  async stop(timeoutMs: number): Promise<ContainerExit> {
    if (this.#exit) return this.#exit;
    return stopWithGrace(this.exited, () => this.#child.kill('SIGTERM'), () => this.kill(), timeoutMs);
  }

  /** SIGKILL now: the shim and everything in its process group. */
  kill(): void {
    if (this.#exit) return;
    const pid = this.#child.pid;
    try {
      if (pid !== undefined) process.kill(-pid, 'SIGKILL');
      else this.#child.kill('SIGKILL');
    } catch {
      this.#child.kill('SIGKILL');
    }
  }
}
