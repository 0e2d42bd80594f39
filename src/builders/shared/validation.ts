/**
 * Shared validation plumbing for every builder (after aws-cdk's two levels):
 * methods call the `assert…`/`check…` helpers and throw at once on a value
 * that can never be valid; `.build()` collects every `Problem` of the whole
 * object and throws one `ValidationError` listing all of them.
 *
 * @internal
 */
import * as v from 'valibot';
import { type Problem, ValidationError, show } from '../validation-error.js';

/** Throws a {@link ValidationError} with one problem. */
export function fail(subject: string, path: string, value: unknown, message: string): never {
  throw new ValidationError(subject, [{ path, value, message }]);
}

/** Throws at `.build()` time when `problems` is not empty. */
export function throwIfProblems(subject: string, problems: readonly Problem[]): void {
  if (problems.length > 0) throw new ValidationError(subject, problems);
}

/** An integer rule: bounds plus the message that names them. @internal */
export interface IntRule {
  readonly min: number;
  readonly max: number;
  readonly message: string;
}

/** The rule `<what> must be an integer <min>-<max>` (plus ` (<note>)` when given). @internal */
export function intRule(what: string, min: number, max: number, note = ''): IntRule {
  return { min, max, message: `${what} must be an integer ${min}-${max}${note ? ` (${note})` : ''}` };
}

/** The rule `<what> must be a whole number[ of <unit>], <min> or more` (no upper bound). @internal */
export function wholeNumberRule(what: string, min: number, unit = ''): IntRule {
  return { min, max: Infinity, message: `${what} must be a whole number${unit ? ` of ${unit}` : ''}, ${min} or more` };
}

/** True when `value` satisfies `rule`. @internal */
export function fits(rule: IntRule, value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= rule.min && value <= rule.max;
}

/** Immediate check: throws at once when `value` breaks `rule`. @internal */
export function checkInt(subject: string, path: string, value: number, rule: IntRule): void {
  if (!fits(rule, value)) fail(subject, path, value, rule.message);
}

/** Immediate check: one of a fixed set of values. */
export function assertOneOf<T extends string | number>(
  subject: string,
  path: string,
  value: T | undefined,
  allowed: readonly T[],
): void {
  if (!allowed.some((item) => item === value)) {
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
