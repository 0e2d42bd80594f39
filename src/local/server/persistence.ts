/**
 * The state file: a snapshot plus a journal, so that every acknowledged
 * write survives a crash.
 *
 * - Each state-changing API call appends the records it changed to
 *   `<state file>.journal` with a synchronous write before it answers
 *   (`fsync: true` also fsyncs each append, for power loss).
 * - The snapshot (`<state file>`) is written atomically (temp file + fsync +
 *   rename) a short while after changes (debounced), on stop, after a reset,
 *   and when the journal grows past a threshold; each snapshot empties the
 *   journal (compaction). Changes the runtime makes on its own (task status
 *   transitions, health, metrics, logs shipped from tasks) are not API calls:
 *   they ride on the debounced snapshot only.
 * - At start-up the snapshot is loaded and checked, then the journal entries
 *   after the snapshot's `journalSeq` are replayed. A torn last journal line
 *   (a crash mid-append: that call never answered) is dropped and reported;
 *   any other problem is a {@link StateFileError} naming the file and the path
 *   of the bad value. A failed save is logged and shown in `GET /_ecskit/health`.
 *
 * Snapshot format: `{ "format": "ecskit-local-state", "formatVersion": 1,
 * "savedAt": "<ISO>", "journalSeq": <last journal seq included>,
 * "accounts": { "<account>": { "<region>": { "<service>": … } } } }`.
 *
 * @internal
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { ChangeRecorder, StateChange } from '../core/change-tracker.js';
import type { CloudState, StateSnapshot } from '../core/cloud-state.js';
import { AwsError } from '../core/types.js';
import { applyEntry, Journal, readJournal, StateFileError } from './journal.js';
import { checkAccounts, describePath, isAppendOnlyList, preview } from './state-shape.js';

export { StateFileError } from './journal.js';

const FORMAT = 'ecskit-local-state';

/** A loaded snapshot. */
export interface LoadedState {
  /** The state: account → region → service slice. */
  readonly accounts: StateSnapshot;
  /** Last journal `seq` the snapshot contains (0 for files written before the journal existed). */
  readonly journalSeq: number;
}

/** Reads and checks a state file; `undefined` when it does not exist. Throws {@link StateFileError} when it is unreadable, corrupt or malformed. */
export function loadStateFile(path: string): LoadedState | undefined {
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
  const doc = parsed as { format?: unknown; accounts?: unknown; journalSeq?: unknown };
  if (!doc || typeof doc !== 'object' || doc.format !== FORMAT || !doc.accounts || typeof doc.accounts !== 'object' || Array.isArray(doc.accounts)) {
    throw new StateFileError(
      `The local cloud state file ${path} is not an ecskit state file (expected {"format":"${FORMAT}","accounts":{…}}). Point --state-file at another path, or move this file away (it was left untouched).`,
    );
  }
  const journalSeq = doc.journalSeq ?? 0;
  if (typeof journalSeq !== 'number' || !Number.isInteger(journalSeq) || journalSeq < 0) {
    throw new StateFileError(`The local cloud state file ${path} is invalid at journalSeq: must be a non-negative integer, got: ${preview(journalSeq)}. Fix it, or move the file away (it was left untouched).`);
  }
  const problem = checkAccounts(doc.accounts);
  if (problem) {
    throw new StateFileError(
      `The local cloud state file ${path} is invalid at ${describePath(problem.path)}: must be ${problem.expected}, got: ${preview(problem.value)}. Fix or remove that entry, or move the file away to start with an empty cloud (it was left untouched).`,
    );
  }
  return { accounts: doc.accounts as StateSnapshot, journalSeq };
}

/** Writes `snapshot` to `path` atomically: temp file in the same folder, fsync, rename. */
export function saveStateFile(path: string, snapshot: StateSnapshot, journalSeq = 0): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  const text = JSON.stringify({ format: FORMAT, formatVersion: 1, savedAt: new Date().toISOString(), journalSeq, accounts: snapshot }, null, 1);
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

/** The journal of the state file at `stateFile`. */
export const journalPathOf = (stateFile: string): string => `${stateFile}.journal`;

/** Options of {@link StatePersister.open}. */
export interface PersisterOptions {
  /** Snapshot this long after a change (ms). Default 250. */
  debounceMs?: number;
  /** Also fsync each journal append (survives power loss, costs a disk flush per call). Default false. */
  fsync?: boolean;
  /** Write a snapshot (and empty the journal) once the journal is this big. Default 8 MiB. */
  journalMaxBytes?: number;
  /** Warnings and failures. Default `console.error`. */
  log?: (line: string) => void;
}

/** Health of the state file, for `GET /_ecskit/health` (`persistence`). */
export interface PersistenceStatus {
  /** `false` while the last snapshot or journal write failed. */
  ok: boolean;
  /** The snapshot file. */
  stateFile: string;
  /** The journal file. */
  journal: string;
  /** Whether each journal append is fsynced. */
  fsync: boolean;
  /** Last successful snapshot (ISO), if any since start. */
  lastSavedAt?: string;
  /** The last failure, while `ok` is false. */
  error?: string;
  /** When it failed (ISO). */
  failedAt?: string;
  /** Bytes in the journal now. */
  journalBytes: number;
  /** What start-up recovered from the journal. */
  recovered: {
    /** Journal entries replayed over the snapshot. */
    entries: number;
    /** Bytes of an incomplete last entry (a write cut short by a crash), dropped. */
    tornBytes: number;
  };
}

/**
 * Journals each state-changing call before it answers and snapshots `state`
 * to `path` a short while after changes, and once more on {@link StatePersister.close}.
 */
export class StatePersister implements ChangeRecorder {
  readonly #state: CloudState;
  readonly #path: string;
  readonly #journal: Journal;
  readonly #delayMs: number;
  readonly #maxJournalBytes: number;
  readonly #log: (line: string) => void;
  readonly #status: PersistenceStatus;
  #timer: NodeJS.Timeout | undefined;
  #compacting = false;
  #savedVersion: number;
  readonly #onChange = () => this.#schedule();
  readonly #onReset = () => this.flush();

  /**
   * Loads `path` (snapshot, then the journal replayed) into `state` and starts
   * journaling. Throws {@link StateFileError} for a corrupt file, or when the
   * recovered state cannot be written back.
   */
  static open(state: CloudState, path: string, options: PersisterOptions = {}): StatePersister {
    const log = options.log ?? ((line: string) => console.error(line));
    const loaded = loadStateFile(path);
    const journalPath = journalPathOf(path);
    const journal = readJournal(journalPath, loaded?.journalSeq ?? 0);
    const accounts = loaded?.accounts ?? {};
    for (const entry of journal.entries) applyEntry(accounts, entry, journalPath);
    if (loaded || journal.entries.length) state.restore(accounts);
    const lastSeq = Math.max(loaded?.journalSeq ?? 0, journal.lastSeq);
    if (journal.tornBytes) {
      log(`[ecskit local] the journal ${journalPath} ended with an incomplete entry (${journal.tornBytes} bytes): a write cut short by a crash, whose call never answered. It was dropped.`);
    }
    if (journal.entries.length) {
      try {
        saveStateFile(path, accounts, lastSeq);
      } catch (error) {
        throw new StateFileError(`Cannot write the local cloud state file ${path} after replaying its journal: ${(error as Error).message}. The journal ${journalPath} was kept.`);
      }
    }
    return new StatePersister(state, path, new Journal(journalPath, { fsync: options.fsync ?? false, lastSeq }), options, {
      entries: journal.entries.length,
      tornBytes: journal.tornBytes,
    });
  }

  private constructor(state: CloudState, path: string, journal: Journal, options: PersisterOptions, recovered: PersistenceStatus['recovered']) {
    this.#state = state;
    this.#path = path;
    this.#journal = journal;
    this.#delayMs = options.debounceMs ?? 250;
    this.#maxJournalBytes = options.journalMaxBytes ?? 8 * 1024 * 1024;
    this.#log = options.log ?? ((line) => console.error(line));
    this.#savedVersion = state.version;
    this.#status = { ok: true, stateFile: path, journal: journal.path, fsync: options.fsync ?? false, journalBytes: 0, recovered };
    state.recorder = this;
    state.events.on('state:changed', this.#onChange);
    state.events.on('state:reset', this.#onReset);
  }

  /** Appends one call's changes to the journal; throws AWS's `InternalFailure` (the call then fails) when it cannot. */
  record(changes: readonly StateChange[], operation: string): void {
    try {
      this.#journal.append(operation, changes);
    } catch (error) {
      this.#failed(`cannot append to the journal ${this.#journal.path}: ${(error as Error).message}`);
      throw new AwsError('InternalFailure', `The change was made in memory but could not be saved: ${(error as Error).message}`, 500, 'Receiver');
    }
    if (this.#journal.bytes > this.#maxJournalBytes && !this.#compacting) {
      this.#compacting = true;
      setImmediate(() => {
        this.#compacting = false;
        this.flush();
      }).unref();
    }
  }

  /** Lists journaled as deltas (see {@link ChangeRecorder.appendOnly}). */
  appendOnly(slice: string, field: string): boolean {
    return isAppendOnlyList(slice, field);
  }

  /** The state file's health, for `GET /_ecskit/health`. */
  status(): PersistenceStatus {
    return { ...this.#status, journalBytes: this.#journal.bytes };
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#delayMs);
    this.#timer.unref();
  }

  #failed(message: string): void {
    if (this.#status.ok || this.#status.error !== message) this.#log(`[ecskit local] ERROR: ${message}`);
    Object.assign(this.#status, { ok: false, error: message, failedAt: new Date().toISOString() });
  }

  /** Writes a snapshot now and empties the journal, if anything changed since the last one. */
  flush(): void {
    if (this.#state.version === this.#savedVersion && this.#journal.bytes === 0) return;
    const version = this.#state.version;
    try {
      saveStateFile(this.#path, this.#state.snapshot(), this.#journal.lastSeq);
      this.#journal.truncate();
    } catch (error) {
      this.#failed(`could not save state to ${this.#path}: ${(error as Error).message}`);
      return;
    }
    this.#savedVersion = version;
    if (!this.#status.ok) this.#log(`[ecskit local] state saved to ${this.#path} again`);
    Object.assign(this.#status, { ok: true, lastSavedAt: new Date().toISOString(), error: undefined, failedAt: undefined });
  }

  /** Stops journaling and watching, and saves a final time. */
  close(): void {
    this.#state.events.off('state:changed', this.#onChange);
    this.#state.events.off('state:reset', this.#onReset);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.flush();
    if (this.#state.recorder === this) this.#state.recorder = undefined;
    this.#journal.close();
  }
}
