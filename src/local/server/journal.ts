/**
 * The state file's journal (`<state file>.journal`): one JSON line per
 * state-changing operation, appended with a synchronous write before the
 * operation answers (and fsynced first with `fsync`), so an acknowledged
 * write survives the process being killed (with `fsync`, also power loss).
 *
 * Line format: `{"seq":12,"at":"<ISO>","op":"logs:CreateLogGroup","changes":[…]}`, each change
 * `{"path":[account,region,slice,collection?,key?],"value":…}`, `{"path":[…],"deleted":true}`, or
 * for an append-only list `{"path":[…],"trim":<items dropped at the front>,"append":[…]}`.
 * `seq` increases by one per line; the snapshot records the last `seq` it
 * contains (`journalSeq`), so lines at or below it are skipped on replay.
 *
 * @internal
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import * as v from 'valibot';
import type { StateChange } from '../core/change-tracker.js';
import type { StateSnapshot } from '../core/cloud-state.js';
import { checkValue, describePath, preview } from './state-shape.js';

/** A state file or journal that exists but cannot be used. */
export class StateFileError extends Error {
  /** Always `StateFileError`. */
  override readonly name = 'StateFileError';
}

const KEY = v.pipe(v.string(), v.minLength(1));
const PATH = v.pipe(v.array(KEY), v.minLength(3), v.maxLength(5));
const CHANGE = v.union([
  v.strictObject({ path: PATH, value: v.unknown() }),
  v.strictObject({ path: PATH, deleted: v.literal(true) }),
  v.strictObject({ path: PATH, trim: v.pipe(v.number(), v.integer(), v.minValue(0)), append: v.array(v.unknown()) }),
]);
const ENTRY = v.strictObject({
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  at: v.string(),
  op: v.string(),
  changes: v.array(CHANGE),
});

/** One journal line. */
export type JournalEntry = v.InferOutput<typeof ENTRY>;

/** What {@link readJournal} found. */
export interface JournalContents {
  /** Entries after the snapshot's `journalSeq`, in order. */
  readonly entries: JournalEntry[];
  /** Highest `seq` in the file (0 when empty). */
  readonly lastSeq: number;
  /** Bytes of an unterminated last line (a write cut short by a crash), dropped; 0 when none. */
  readonly tornBytes: number;
}

/**
 * Reads and checks the journal at `path` (missing → empty). An unterminated
 * last line is dropped and reported in `tornBytes`: its operation never
 * answered. Any other bad line throws {@link StateFileError} with the line number.
 */
export function readJournal(path: string, afterSeq: number): JournalContents {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], lastSeq: 0, tornBytes: 0 };
    throw new StateFileError(`Cannot read the local cloud journal ${path}: ${(error as Error).message}`);
  }
  const lines = text.split('\n');
  const torn = lines.pop() ?? ''; // '' when the file ends with a newline
  const entries: JournalEntry[] = [];
  let lastSeq = 0;
  lines.forEach((line, index) => {
    const entry = parseLine(path, index + 1, line);
    if (lastSeq && entry.seq !== lastSeq + 1) fail(path, index + 1, `seq ${entry.seq} does not follow ${lastSeq}`);
    lastSeq = entry.seq;
    if (entry.seq > afterSeq) entries.push(entry);
  });
  return { entries, lastSeq, tornBytes: Buffer.byteLength(torn) };
}

function fail(path: string, line: number, problem: string): never {
  throw new StateFileError(
    `The local cloud journal ${path} is corrupt at line ${line}: ${problem}. Move it away to start from the last snapshot without it (changes after that snapshot are then lost); it was left untouched.`,
  );
}

function parseLine(path: string, line: number, text: string): JournalEntry {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    fail(path, line, (error as Error).message);
  }
  const parsed = v.safeParse(ENTRY, raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    fail(path, line, `${v.getDotPath(issue) ?? 'the entry'}: ${issue.message}`);
  }
  for (const change of parsed.output.changes) {
    const problem = 'value' in change ? checkValue(change.path, change.value) : 'append' in change ? checkValue(change.path, change.append) : undefined;
    if (problem) fail(path, line, `${describePath(problem.path)} must be ${problem.expected}, got: ${preview(problem.value)}`);
  }
  return parsed.output;
}

/** Applies one entry's changes to `accounts` (creating missing parents); throws {@link StateFileError} when a list change finds no list. */
export function applyEntry(accounts: StateSnapshot, entry: JournalEntry, path = 'the journal'): void {
  for (const change of entry.changes) {
    const parent = parentOf(accounts, change.path, !('deleted' in change));
    const last = change.path[change.path.length - 1]!;
    if (!parent) continue; // deleting below a missing parent: nothing to do
    if ('deleted' in change) delete parent[last];
    else if ('append' in change) {
      const list = ownValue(parent, last) ?? setOwn(parent, last, []);
      if (!Array.isArray(list)) throw new StateFileError(`The local cloud journal ${path} appends to ${describePath(change.path)} (seq ${entry.seq}), which is not a list. Move the journal away to start from the last snapshot (it was left untouched).`);
      list.splice(0, change.trim);
      list.push(...change.append);
    } else setOwn(parent, last, change.value);
  }
}

/*
 * Record names are user input, and `__proto__` or `constructor` are valid names in
 * several services: read and write own properties only, so replaying a journal
 * neither loses such a record nor walks into (or writes to) Object.prototype.
 */
function ownValue(node: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(node, key) ? node[key] : undefined;
}

function setOwn<T>(node: Record<string, unknown>, key: string, value: T): T {
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
  return value;
}

/** The object holding the last key of `path`, created when `create` (else undefined when missing). */
function parentOf(accounts: StateSnapshot, path: readonly string[], create: boolean): Record<string, unknown> | undefined {
  let node = accounts as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    let next = ownValue(node, key);
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      if (!create) return undefined;
      next = setOwn(node, key, {});
    }
    node = next as Record<string, unknown>;
  }
  return node;
}

/** The open journal file: appends entries, truncates after a snapshot. */
export class Journal {
  readonly path: string;
  readonly #fsync: boolean;
  #fd: number;
  #seq: number;
  #bytes = 0;

  /** Opens (creating) `path` for appending and empties it; the next entry gets `lastSeq + 1`. Call only once its entries are in the snapshot. */
  constructor(path: string, options: { fsync: boolean; lastSeq: number }) {
    this.path = path;
    this.#fsync = options.fsync;
    this.#seq = options.lastSeq;
    this.#fd = openSync(path, 'a', 0o600);
    this.truncate();
  }

  /** `seq` of the last appended entry. */
  get lastSeq(): number {
    return this.#seq;
  }

  /** Bytes in the file (appended since the last {@link truncate}). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends one entry (one write; fsynced when configured) and returns its size in bytes. */
  append(operation: string, changes: readonly StateChange[]): number {
    const line = `${JSON.stringify({ seq: this.#seq + 1, at: new Date().toISOString(), op: operation, changes })}\n`;
    const buffer = Buffer.from(line);
    try {
      let written = 0;
      while (written < buffer.length) written += writeSync(this.#fd, buffer, written);
      if (this.#fsync) fsyncSync(this.#fd);
    } catch (error) {
      // Never leave half a line for the next append to follow (disk full, I/O error).
      try {
        ftruncateSync(this.#fd, this.#bytes);
      } catch {
        /* the original error is the one to report */
      }
      throw error;
    }
    this.#seq++;
    this.#bytes += buffer.length;
    return buffer.length;
  }

  /** Empties the file (everything in it is in the snapshot just written). */
  truncate(): void {
    ftruncateSync(this.#fd, 0);
    if (this.#fsync) fsyncSync(this.#fd);
    this.#bytes = 0;
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.#fd);
  }
}
