/**
 * The flags every ecskit script shares, parsed with `node:util` `parseArgs`:
 * `--target`, `--time-scale`, `--driver`, `--json`, `--keep`, `--yes`, `--help`, plus the
 * script's own. Unknown flags and bad values are refused with a message that
 * names the flag, the value and the fix.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EcskitError } from '../errors.js';
import { isTimeScaleFactor } from '../time-scale.js';

/** The shared flags, parsed. */
export interface ScriptFlags {
  /** `auto` (default), `aws` or `local`. */
  readonly target: 'auto' | 'aws' | 'local';
  /** Local cloud time scale (`--time-scale 0.02`), when given. */
  readonly timeScale?: number;
  /** What runs the tasks of a local cloud the script starts (`--driver container`), when given. */
  readonly driver?: 'process' | 'container';
  /** Machine-readable JSON lines instead of text (`--json`). */
  readonly json: boolean;
  /** Leave the stack running at the end (`--keep`). */
  readonly keep: boolean;
  /** Run in a real AWS account without asking (`--yes`); needed there when stdin is not a terminal. Absent = false. */
  readonly yes?: boolean;
  /** Colour in text output: off with `NO_COLOR`, `--json` or a non-TTY stdout. */
  readonly color: boolean;
  /** The script's own flags, as `parseArgs` returns them. */
  readonly extra: Record<string, string | boolean | undefined>;
}

/** Thrown for bad flags; scripts and the `ecskit` command print its message and exit 2. */
export class UsageError extends EcskitError {
  /** Always `UsageError`. */
  override readonly name = 'UsageError';
  /** Always `'UsageError'`. */
  readonly code = 'UsageError';
}

/** One of a script's own flags: a `parseArgs` option plus its `--help` line. */
export type ScriptOption = NonNullable<ParseArgsConfig['options']>[string] & {
  /** The flag's line in `--help`. */
  readonly help: string;
};

/** What a script tells {@link parseScriptFlags}. */
export interface ScriptUsage {
  /** First line of `--help`, e.g. `examples/full-lab.ts — the whole ECS lab`. */
  readonly title: string;
  /** More `--help` text (what it does, what it creates). */
  readonly description?: string;
  /** The script's own flags (parseArgs option config) with a help line each. */
  readonly options?: Record<string, ScriptOption>;
}

const SHARED = {
  target: {
    type: 'string',
    help: 'aws | local | auto (default: ECSKIT_TARGET, else the ecskit local cloud at AWS_ENDPOINT_URL, else one in this process; AWS credentials alone never select AWS)',
  },
  'time-scale': { type: 'string', help: 'local cloud only: multiplies every AWS duration (default 0.02)' },
  driver: {
    type: 'string',
    help: 'local cloud started by the script only: process (default; tasks as processes) | container (tasks as Docker/Podman containers)',
  },
  json: { type: 'boolean', help: 'print JSON lines (one event per line) instead of text' },
  keep: { type: 'boolean', help: 'leave the stack running at the end, and print how to reach and remove it' },
  yes: { type: 'boolean', short: 'y', help: 'run in a real AWS account without asking (required there when stdin is not a terminal)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const;

/** The `--help` text. @internal */
export function helpText(usage: ScriptUsage): string {
  const flags = Object.entries({ ...SHARED, ...usage.options }).map(([name, o]) => [`  --${name}${o.type === 'string' ? ' <value>' : ''}`, o.help] as const);
  // The help column starts at 30, or further when a flag is longer: a flag and its help never touch.
  const width = Math.max(30, ...flags.map(([flag]) => flag.length + 2));
  const rows = flags.map(([flag, help]) => flag.padEnd(width) + help);
  return [usage.title, ...(usage.description ? ['', usage.description] : []), '', 'Options:', ...rows].join('\n');
}

/**
 * Parses `argv` (default `process.argv.slice(2)`). Returns `undefined` after
 * printing help for `--help`.
 *
 * @example
 * ```ts
 * const flags = parseScriptFlags({ title: 'examples/03-invsys-service.ts — lab Task 3' }, ['--target', 'local']);
 * // → { target: 'local', json: false, keep: false, yes: false, color: …, extra: {} }
 * ```
 */
export function parseScriptFlags(
  usage: ScriptUsage,
  argv: readonly string[] = process.argv.slice(2),
  out: { write(text: string): unknown; isTTY?: boolean } = process.stdout,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ScriptFlags | undefined {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, o] of Object.entries({ ...SHARED, ...usage.options })) {
    const { help: _help, ...config } = o as { help: string } & NonNullable<ParseArgsConfig['options']>[string];
    options[name] = config;
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify.*$/, '')}. Run with --help for the options.`);
  }
  if (values.help) {
    out.write(`${helpText(usage)}\n`);
    return undefined;
  }
  const target = (values.target as string | undefined) ?? 'auto';
  if (!['auto', 'aws', 'local'].includes(target)) {
    throw new UsageError(`--target must be aws, local or auto, got: ${JSON.stringify(target)}`);
  }
  let timeScale: number | undefined;
  if (values['time-scale'] !== undefined) {
    timeScale = Number(values['time-scale']);
    if (!isTimeScaleFactor(timeScale)) {
      throw new UsageError(`--time-scale must be a positive number such as 0.02, got: ${JSON.stringify(values['time-scale'])}`);
    }
  }
  const driver = values.driver as string | undefined;
  if (driver !== undefined && driver !== 'process' && driver !== 'container') {
    throw new UsageError(`--driver must be process or container, got: ${JSON.stringify(driver)}`);
  }
  if (driver !== undefined && target === 'aws') {
    throw new UsageError('--driver chooses what runs the tasks of a local cloud; --target aws runs them on AWS. Drop --driver, or use --target local.');
  }
  const json = values.json === true;
  const extra: Record<string, string | boolean | undefined> = {};
  for (const name of Object.keys(usage.options ?? {})) extra[name] = values[name] as string | boolean | undefined;
  return {
    target: target as ScriptFlags['target'],
    ...(timeScale !== undefined ? { timeScale } : {}),
    ...(driver !== undefined ? { driver: driver as 'process' | 'container' } : {}),
    json,
    keep: values.keep === true,
    yes: values.yes === true,
    color: !json && !env.NO_COLOR && out.isTTY === true,
    extra,
  };
}
