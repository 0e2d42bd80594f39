/**
 * The error every builder throws, and the {@link Problem}s it lists: a method
 * given a value that can never be valid throws at once with one problem;
 * `.build()` collects every problem of the whole object and throws once.
 *
 * @module
 */
import { EcskitError } from '../errors.js';

/** One thing wrong with a builder's input: where, what was given, and how to fix it. */
export interface Problem {
  /** Field path in the SDK input, e.g. `containerDefinitions[0].portMappings[0].hostPort`. */
  readonly path: string;
  /** The offending value as given. */
  readonly value: unknown;
  /** What is wrong and the fix, e.g. `awsvpc requires hostPort to equal containerPort (5000)`. */
  readonly message: string;
}

/** @internal Renders a value for a message: strings quoted, objects as compact JSON. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return String(value);
  }
}

/** Formats one problem as `path: message, got: value`. */
function formatProblem(problem: Problem): string {
  return `${problem.path}: ${problem.message}, got: ${show(problem.value)}`;
}

/**
 * Thrown by a builder method given a value that can never be valid, and by
 * `.build()` when the whole object has problems. `problems` lists every one.
 *
 * @example
 * ```ts
 * try {
 *   container('web').image('nginx').port(70000);
 * } catch (error) {
 *   if (error instanceof ValidationError) console.log(error.problems);
 *   // [{ path: 'portMappings[0].containerPort', value: 70000, message: 'port must be an integer 1-65535' }]
 * }
 * ```
 */
export class ValidationError extends EcskitError {
  /** Always `'ValidationError'`, so the error is recognisable after serialisation or across realms. */
  override readonly name = 'ValidationError';
  /** Always `'ValidationError'`. */
  readonly code = 'ValidationError';
  /** Every problem found, in field order. */
  readonly problems: readonly Problem[];
  /** What was being built, e.g. `taskDefinition "flask-inventory-invsys"`. */
  readonly subject: string;

  constructor(subject: string, problems: readonly Problem[]) {
    const lines = problems.map((p) => `  - ${formatProblem(p)}`);
    const head =
      problems.length === 1 ? `${subject}: 1 problem` : `${subject}: ${problems.length} problems`;
    super(`${head}\n${lines.join('\n')}`);
    this.subject = subject;
    this.problems = problems;
  }
}
