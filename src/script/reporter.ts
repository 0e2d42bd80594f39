/**
 * Output of an ecskit script: one line per step with its status and elapsed
 * time, free-form notes, and a final summary — as text (colour unless
 * `NO_COLOR` or not a TTY) or as JSON lines (`--json`) for machines.
 *
 * @module
 */
import { EcskitError } from '../errors.js';

/** One line of a script's JSON output. */
export type ScriptEvent = StepEvent | NoteEvent | SummaryEvent;

/** A step started, finished (`ok`, with its result) or failed (with AWS's error code when there is one). */
export interface StepEvent {
  /** Always `step`. */
  readonly type: 'step';
  /** The step's name, e.g. `Task 3: deploy invsys`. */
  readonly step: string;
  /** `started`, `ok` or `failed`. */
  readonly status: 'started' | 'ok' | 'failed';
  /** Elapsed seconds (when finished). */
  readonly seconds?: number;
  /** What the step observed (when `ok`). */
  readonly result?: unknown;
  /** The error message (when `failed`). */
  readonly error?: string;
  /** The error's code or name, e.g. `InvalidParameterException` (when `failed`). */
  readonly code?: string;
}

/** A line of information, inside a step or between steps. */
export interface NoteEvent {
  /** Always `note`. */
  readonly type: 'note';
  /** The step it belongs to, if any. */
  readonly step?: string;
  /** The text. */
  readonly message: string;
  /** Structured detail. */
  readonly data?: unknown;
}

/** The final summary. */
export interface SummaryEvent {
  /** Always `summary`. */
  readonly type: 'summary';
  /** Whether every step succeeded. */
  readonly ok: boolean;
  /** Total elapsed seconds. */
  readonly seconds: number;
  /** What to tell the user (ALB URL, what was created…). */
  readonly data: Record<string, unknown>;
}

/** Where a reporter writes (a `process.stdout`-like stream). */
export interface OutputStream {
  /** Writes text. */
  write(text: string): unknown;
}

/** Options of {@link createReporter}. */
export interface ReporterOptions {
  /** JSON lines instead of text. */
  readonly json?: boolean;
  /** Colour in text output. */
  readonly color?: boolean;
  /** Where output goes. Default `process.stdout`. */
  readonly out?: OutputStream;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

/** Thrown by {@link Reporter.step} after reporting the failure; carries the step name. */
export class StepError extends EcskitError {
  /** Always `StepError`. */
  override readonly name = 'StepError';
  /** Always `'StepError'`. */
  readonly code = 'StepError';
  constructor(
    /** The step that failed. */
    readonly step: string,
    /** What went wrong. */
    override readonly cause: unknown,
  ) {
    super(`${step} failed: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** A script's output. */
export interface Reporter {
  /** Runs one step, printing `✔ name (1.2 s)` or `✖ name: reason`; rethrows failures as {@link StepError}. */
  step<T>(name: string, run: () => Promise<T>, describe?: (result: T) => unknown): Promise<T>;
  /** A line of information inside the current step. */
  note(message: string, data?: unknown): void;
  /** The final summary (aligned `key: value` lines, or one JSON object); `undefined` values are left out, `{ count, byKind }` reads `19 (1 cluster, …)`. */
  summary(ok: boolean, data: Record<string, unknown>): void;
  /** Every event so far (what `--json` printed). */
  readonly events: readonly ScriptEvent[];
}

/**
 * One summary value as text: strings as they are, a count object
 * (`{ count: 19, byKind: { cluster: 1, … } }`) as `19 (1 cluster, …)`,
 * anything else as JSON.
 */
function summaryValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { count?: unknown }).count === 'number') {
    const { count, byKind } = value as { count: number; byKind?: Record<string, number> };
    const parts = Object.entries(byKind ?? {}).map(([kind, n]) => `${n} ${kind}`);
    return parts.length > 0 ? `${count} (${parts.join(', ')})` : String(count);
  }
  return JSON.stringify(value);
}

const paint = (on: boolean, code: string, text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

/**
 * Creates the reporter a script prints through.
 *
 * @example
 * ```ts
 * const report = createReporter({ json: false });
 * await report.step('Task 2: register task definitions', async () => registerBoth());
 * // ✔ Task 2: register task definitions (0.4 s)
 * ```
 */
export function createReporter(options: ReporterOptions = {}): Reporter {
  const out = options.out ?? process.stdout;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const events: ScriptEvent[] = [];
  let current: string | undefined;
  const emit = (event: ScriptEvent, text?: string) => {
    events.push(event);
    if (options.json) out.write(`${JSON.stringify(event)}\n`);
    else if (text !== undefined) out.write(`${text}\n`);
  };
  const color = options.color === true && !options.json;
  return {
    events,
    async step(name, run, describe) {
      const t0 = now();
      current = name;
      emit({ type: 'step', step: name, status: 'started' }, color ? paint(color, '2', `… ${name}`) : undefined);
      try {
        const result = await run();
        const seconds = Math.round((now() - t0) / 100) / 10;
        const described = describe?.(result);
        emit(
          { type: 'step', step: name, status: 'ok', seconds, ...(described !== undefined ? { result: described } : {}) },
          `${paint(color, '32', '✔')} ${name} ${paint(color, '2', `(${seconds.toFixed(1)} s)`)}`,
        );
        return result;
      } catch (error) {
        const seconds = Math.round((now() - t0) / 100) / 10;
        const code = (error as { code?: unknown; name?: unknown }).code ?? (error as { name?: unknown }).name;
        emit(
          {
            type: 'step',
            step: name,
            status: 'failed',
            seconds,
            error: (error as Error)?.message ?? String(error),
            ...(typeof code === 'string' ? { code } : {}),
          },
          `${paint(color, '31', '✖')} ${name} ${paint(color, '2', `(${seconds.toFixed(1)} s)`)}: ${(error as Error)?.message ?? String(error)}`,
        );
        throw new StepError(name, error);
      } finally {
        current = undefined;
      }
    },
    note(message, data) {
      emit({ type: 'note', ...(current ? { step: current } : {}), message, ...(data !== undefined ? { data } : {}) }, `  ${message}`);
    },
    summary(ok, data) {
      const seconds = Math.round((now() - started) / 100) / 10;
      const entries = Object.entries(data).filter(([, v]) => v !== undefined);
      const width = Math.max(0, ...entries.map(([k]) => k.length));
      const lines = entries.map(([k, v]) => `  ${`${k}:`.padEnd(width + 1)} ${summaryValue(v)}`);
      emit(
        { type: 'summary', ok, seconds, data },
        [`${ok ? paint(color, '32', 'Done') : paint(color, '31', 'Failed')} in ${seconds.toFixed(1)} s`, ...lines].join('\n'),
      );
    },
  };
}
