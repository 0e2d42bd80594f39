/**
 * Shared validation plumbing for every builder (after aws-cdk's two levels):
 * methods call the `assert…` helpers and throw at once on a value that can
 * never be valid; `.build()` collects every {@link Problem} of the whole
 * object and throws one {@link ValidationError} listing all of them.
 *
 * @internal
 */
import * as v from 'valibot';

/** One thing wrong with a builder's input: where, what was given, and how to fix it. */
export interface Problem {
  /** Field path in the SDK input, e.g. `containerDefinitions[0].portMappings[0].hostPort`. */
  readonly path: string;
  /** The offending value as given. */
  readonly value: unknown;
  /** What is wrong and the fix, e.g. `awsvpc requires hostPort to equal containerPort (5000)`. */
  readonly message: string;
}

/** Renders a value for a message: strings quoted, objects as compact JSON. */
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
export function formatProblem(problem: Problem): string {
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
export class ValidationError extends Error {
  /** Always `'ValidationError'`, so the error is recognisable after serialisation or across realms. */
  override readonly name = 'ValidationError';
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

/** Throws a {@link ValidationError} with one problem. */
export function fail(subject: string, path: string, value: unknown, message: string): never {
  throw new ValidationError(subject, [{ path, value, message }]);
}

/** Throws at `.build()` time when `problems` is not empty. */
export function throwIfProblems(subject: string, problems: readonly Problem[]): void {
  if (problems.length > 0) throw new ValidationError(subject, problems);
}

/** Immediate check: an integer within `[min, max]`. */
export function assertInteger(
  subject: string,
  path: string,
  value: number,
  min: number,
  max: number,
  what = path.split('.').pop() ?? path,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(subject, path, value, `${what} must be an integer ${min}-${max}`);
  }
}

/** Immediate check: a string matching `pattern` with a human description of the rule. */
export function assertPattern(
  subject: string,
  path: string,
  value: string,
  pattern: RegExp,
  rule: string,
): void {
  if (typeof value !== 'string' || !pattern.test(value)) fail(subject, path, value, rule);
}

/** Immediate check: one of a fixed set of values. */
export function assertOneOf<T extends string | number>(
  subject: string,
  path: string,
  value: T,
  allowed: readonly T[],
): void {
  if (!allowed.includes(value)) {
    fail(subject, path, value, `must be one of ${allowed.map((a) => show(a)).join(', ')}`);
  }
}

/** Renders a valibot issue path as `a.b[0].c`, prefixed with `base` when given. */
export function issuePath(issue: v.BaseIssue<unknown>, base = ''): string {
  let out = base;
  for (const item of issue.path ?? []) {
    const key = (item as { key: unknown }).key;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/**
 * Runs a valibot schema over a built object and turns every issue into a
 * {@link Problem}. Schemas carry the fix in their messages
 * (`v.pipe(v.number(), v.minValue(0, 'desiredCount must be 0 or more'))`).
 */
export function schemaProblems<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  base = '',
): Problem[] {
  const result = v.safeParse(schema, input, { abortEarly: false });
  if (result.success) return [];
  return result.issues.map((issue) => ({
    path: issuePath(issue, base),
    value: issue.input,
    message: issue.message,
  }));
}

/** Deep-freezes plain data so builder state can be shared between builders. */
export function freeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value as Record<string, unknown>)) freeze(inner);
  }
  return value;
}

/** Drops keys whose value is `undefined`, so built inputs deep-equal the lab's JSON. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) if (inner !== undefined) out[key] = inner;
  return out as T;
}
