/**
 * The state file: loaded at start-up (a corrupt file is an error naming the
 * file and the problem, never silently discarded), saved atomically
 * (temp file + fsync + rename) after changes, debounced, and on stop.
 *
 * File format: `{ "format": "ecskit-local-state", "formatVersion": 1,
 * "savedAt": "<ISO>", "accounts": { "<account>": { "<region>": { "<service>": … } } } }`.
 *
 * @internal
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { CloudState, StateSnapshot } from '../core/cloud-state.js';

const FORMAT = 'ecskit-local-state';

/** A state file that exists but cannot be used. */
export class StateFileError extends Error {
  /** Always `StateFileError`. */
  override readonly name = 'StateFileError';
}

/** Reads a state file; `undefined` when it does not exist. Throws {@link StateFileError} when it is unreadable or corrupt. */
export function loadStateFile(path: string): StateSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`Cannot read the local cloud state file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(
      `The local cloud state file ${path} is corrupt: ${(error as Error).message}. Fix it, or move it away to start with an empty cloud (it was left untouched).`,
    );
  }
  const doc = parsed as { format?: unknown; accounts?: unknown };
  if (!doc || typeof doc !== 'object' || doc.format !== FORMAT || !doc.accounts || typeof doc.accounts !== 'object' || Array.isArray(doc.accounts)) {
    throw new StateFileError(
      `The local cloud state file ${path} is not an ecskit state file (expected {"format":"${FORMAT}","accounts":{…}}). Point --state-file at another path, or move this file away (it was left untouched).`,
    );
  }
  return doc.accounts as StateSnapshot;
}

/** Writes `snapshot` to `path` atomically: temp file in the same folder, fsync, rename. */
export function saveStateFile(path: string, snapshot: StateSnapshot): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  const text = JSON.stringify({ format: FORMAT, formatVersion: 1, savedAt: new Date().toISOString(), accounts: snapshot }, null, 1);
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Saves `state` to `path` a short while after each change, and once more on {@link StatePersister.close}. */
export class StatePersister {
  readonly #state: CloudState;
  readonly #path: string;
  readonly #delayMs: number;
  readonly #log: (line: string) => void;
  #timer: NodeJS.Timeout | undefined;
  #savedVersion: number;
  readonly #onChange = () => this.#schedule();

  constructor(state: CloudState, path: string, options: { debounceMs?: number; log?: (line: string) => void } = {}) {
    this.#state = state;
    this.#path = path;
    this.#delayMs = options.debounceMs ?? 250;
    this.#log = options.log ?? ((line) => console.error(line));
    this.#savedVersion = state.version;
    state.events.on('state:changed', this.#onChange);
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#delayMs);
    this.#timer.unref();
  }

  /** Writes now if anything changed since the last save. */
  flush(): void {
    if (this.#state.version === this.#savedVersion) return;
    const version = this.#state.version;
    try {
      saveStateFile(this.#path, this.#state.snapshot());
      this.#savedVersion = version;
    } catch (error) {
      this.#log(`[ecskit local] could not save state to ${this.#path}: ${(error as Error).message}`);
    }
  }

  /** Stops watching and saves a final time. */
  close(): void {
    this.#state.events.off('state:changed', this.#onChange);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.flush();
  }
}
