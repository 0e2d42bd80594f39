/**
 * Checks one operation's input against its service model and returns a copy
 * that holds only the members the model declares, plus every problem found
 * (AWS reports all of them at once). Nothing here knows HTTP or error codes:
 * `errors.ts` renders the problems in each service's shape.
 *
 * Two modes:
 * - `json`: values must have the model's JSON type (a number is not a
 *   string, `1.5` is not an integer, `1e12` is not a 32-bit integer).
 * - `query`: scalars arrive as strings from the Query/EC2 form, so an
 *   integer member accepts `"42"` (and `42` from in-process callers) but
 *   not `"abc"`. Values keep the form the handlers expect (strings stay
 *   strings); an empty list sent as `A=` arrives as `''` and is kept.
 *
 * @internal
 */
import { compileModelPattern } from './java-regex.js';
import type { ListShape, MapShape, MemberRef, NumberShape, ServiceModel, Shape, StringShape, StructureShape } from './types.js';

/** How scalars arrive: JSON-typed, or as Query-form strings. */
export type ValidationMode = 'json' | 'query';

/** One step of a path: a structure member (model name and wire name) or a list index (0-based). */
export type PathSegment = { readonly name: string; readonly wire: string } | number | { readonly key: string };

/**
 * One problem. `type` problems are values of the wrong kind (JSON: AWS's
 * `SerializationException`); `constraint` problems break a model constraint
 * (`constraint` holds AWS's wording, e.g. `Member must not be null`).
 */
export interface Problem {
  readonly kind: 'type' | 'constraint';
  readonly path: readonly PathSegment[];
  readonly value: unknown;
  /** For `constraint`: AWS's text after "failed to satisfy constraint: ". For `type`: what was expected, e.g. `an Integer`. */
  readonly constraint: string;
  /** For `constraint`: true when the member is required and absent. */
  readonly missing?: boolean;
}

/** Result of {@link validateInput}. */
export interface Validated {
  /** The input with only the members the model declares (and nulls dropped). */
  readonly value: Record<string, unknown>;
  readonly problems: readonly Problem[];
}

/** Deepest input nesting accepted, in objects/arrays (the deepest AWS input shape here is ~10). */
export const MAX_INPUT_DEPTH = 64;

const INT32 = 2 ** 31;

interface Walk {
  readonly model: ServiceModel;
  readonly mode: ValidationMode;
  readonly problems: Problem[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

const define = (target: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

/** How deep `value` nests (objects and arrays), counted without recursion; stops counting past `limit`. */
export function nestingDepth(value: unknown, limit = MAX_INPUT_DEPTH): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null || v instanceof Date) continue;
    const d = depth + 1;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d]);
  }
  return max;
}

const patternCache = new Map<string, RegExp | undefined>();
function patternOf(shape: StringShape): RegExp | undefined {
  if (shape.p === undefined || shape.x) return undefined;
  const source = shape.j ?? shape.p;
  if (!patternCache.has(source)) patternCache.set(source, compileModelPattern(source));
  return patternCache.get(source);
}

/** Longest value a pattern is tested on (a bounded cost; far past the model's length limit the length error says enough). */
const PATTERN_TEST_LIMIT = 65_536;

function lengthConstraints(length: number, shape: { min?: number; max?: number }): string[] {
  const out: string[] = [];
  if (shape.min !== undefined && length < shape.min) out.push(`Member must have length greater than or equal to ${shape.min}`);
  if (shape.max !== undefined && length > shape.max) out.push(`Member must have length less than or equal to ${shape.max}`);
  return out;
}

/** Constraint failures of a string value (already of the right type). */
export function stringConstraints(value: string, shape: StringShape): string[] {
  const out = lengthConstraints(value.length, shape);
  if (shape.e && !shape.e.includes(value)) out.push(`Member must satisfy enum value set: [${shape.e.join(', ')}]`);
  const pattern = patternOf(shape);
  const withinLimit = value.length <= Math.min(Math.max(shape.max ?? PATTERN_TEST_LIMIT, 4096), PATTERN_TEST_LIMIT);
  if (pattern && withinLimit && !pattern.test(value)) out.push(`Member must satisfy regular expression pattern: ${shape.p}`);
  return out;
}

/** Constraint failures of a number value (already of the right type). */
export function numberConstraints(value: number, shape: NumberShape): string[] {
  const out: string[] = [];
  if (shape.min !== undefined && value < shape.min) out.push(`Member must have value greater than or equal to ${shape.min}`);
  if (shape.max !== undefined && value > shape.max) out.push(`Member must have value less than or equal to ${shape.max}`);
  return out;
}

/** A number member's value as a number, or the expected-type text when it is not one. */
function readNumber(value: unknown, shape: NumberShape, mode: ValidationMode): number | string {
  const whole = shape.t === 'integer' || shape.t === 'long';
  const expected = shape.t === 'integer' ? 'an Integer' : shape.t === 'long' ? 'a Long' : shape.t === 'float' ? 'a Float' : 'a Double';
  let n: number;
  if (typeof value === 'number') n = value;
  else if (mode === 'query' && typeof value === 'string' && (whole ? /^[+-]?\d{1,20}$/ : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/).test(value.trim())) n = Number(value);
  else return expected;
  if (!Number.isFinite(n)) return expected;
  if (whole && !Number.isInteger(n)) return `${expected} (a whole number)`;
  if (shape.t === 'integer' && (n < -INT32 || n >= INT32)) return `${expected} (-2147483648 to 2147483647)`;
  if (shape.t === 'long' && !Number.isSafeInteger(n)) return `${expected} (-9007199254740991 to 9007199254740991 here)`;
  return n;
}

const EPOCH_TEXT = /^[+-]?\d+(\.\d+)?$/;

/** Whether a scalar value has the shape's type; the expected-type text when not. */
function scalarTypeError(value: unknown, shape: Shape, mode: ValidationMode): string | undefined {
  switch (shape.t) {
    case 'string':
      return typeof value === 'string' || (mode === 'query' && (typeof value === 'number' || typeof value === 'boolean')) ? undefined : 'a String';
    case 'boolean':
      return typeof value === 'boolean' || (mode === 'query' && typeof value === 'string' && /^(true|false)$/i.test(value)) ? undefined : 'a Boolean';
    case 'timestamp':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'a Timestamp' : undefined;
      if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'a Timestamp';
      return typeof value === 'string' && (EPOCH_TEXT.test(value.trim()) || !Number.isNaN(Date.parse(value))) ? undefined : 'a Timestamp';
    case 'blob':
      return typeof value === 'string' || value instanceof Uint8Array ? undefined : 'a Blob (base64 text)';
    default:
      return undefined;
  }
}

/** Checks `value` against `shapeName`; returns the cleaned value (undefined when it is dropped). */
function check(walk: Walk, shapeName: string, value: unknown, path: PathSegment[]): unknown {
  const shape = walk.model.shapes[shapeName];
  if (!shape || shape.t === 'document') return value;
  const problem = (kind: Problem['kind'], constraint: string) => walk.problems.push({ kind, path: [...path], value, constraint });
  switch (shape.t) {
    case 'structure':
      if (!isPlainObject(value)) return void problem('type', 'a Structure');
      return checkStructure(walk, shape, value, path);
    case 'list':
      if (walk.mode === 'query' && value === '') return value;
      if (!Array.isArray(value)) return void problem('type', 'a List');
      return checkList(walk, shape, value, path);
    case 'map':
      if (!isPlainObject(value)) return void problem('type', 'a Map');
      return checkMap(walk, shape, value, path);
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      const n = readNumber(value, shape, walk.mode);
      if (typeof n === 'string') return void problem('type', n);
      for (const c of numberConstraints(n, shape)) problem('constraint', c);
      return value;
    }
    case 'string': {
      const error = scalarTypeError(value, shape, walk.mode);
      if (error) return void problem('type', error);
      for (const c of stringConstraints(String(value), shape)) problem('constraint', c);
      return value;
    }
    default: {
      const error = scalarTypeError(value, shape, walk.mode);
      if (error) return void problem('type', error);
      return value;
    }
  }
}

const refParts = (ref: MemberRef): [string, string | undefined] => (typeof ref === 'string' ? [ref, undefined] : [ref[0], ref[1]]);

function checkStructure(walk: Walk, shape: StructureShape, value: Record<string, unknown>, path: PathSegment[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.m)) {
    const [member, wire] = refParts(ref);
    // Query handlers read the wire name; in-process callers may use the model's name.
    const keys = walk.mode === 'query' && wire ? [wire, name] : [name];
    let present = false;
    for (const key of keys) {
      if (!Object.hasOwn(value, key)) continue;
      const v = value[key];
      if (v === undefined || v === null) continue;
      present = true;
      const cleaned = check(walk, member, v, [...path, { name, wire: wire ?? name }]);
      if (cleaned !== undefined) define(out, key, cleaned);
    }
    if (!present && shape.r?.includes(name)) {
      walk.problems.push({ kind: 'constraint', path: [...path, { name, wire: wire ?? name }], value: null, constraint: 'Member must not be null', missing: true });
    }
  }
  return out;
}

/** Whether a shape is a scalar (its failures inside a list/map are reported at the collection, as AWS does). */
const isScalar = (shape: Shape | undefined) => !!shape && shape.t !== 'structure' && shape.t !== 'list' && shape.t !== 'map' && shape.t !== 'document';

/** Runs `fn` on a scratch walk and returns its problems, so element failures can be folded into one. */
function collect(walk: Walk, fn: (scratch: Walk) => unknown): { result: unknown; problems: Problem[] } {
  const scratch: Walk = { ...walk, problems: [] };
  const result = fn(scratch);
  return { result, problems: scratch.problems };
}

function checkList(walk: Walk, shape: ListShape, value: unknown[], path: PathSegment[]): unknown[] {
  for (const c of lengthConstraints(value.length, shape)) walk.problems.push({ kind: 'constraint', path: [...path], value, constraint: c });
  const scalar = isScalar(walk.model.shapes[shape.m]);
  const folded = new Set<string>();
  const out: unknown[] = [];
  value.forEach((item, i) => {
    if (item === null || item === undefined) {
      walk.problems.push({ kind: 'type', path: [...path, i], value: item, constraint: 'a non-null list member' });
      return;
    }
    if (!scalar) {
      const cleaned = check(walk, shape.m, item, [...path, i]);
      if (cleaned !== undefined) out.push(cleaned);
      return;
    }
    const { result, problems } = collect(walk, (scratch) => check(scratch, shape.m, item, [...path, i]));
    for (const p of problems) {
      if (p.kind === 'constraint') folded.add(p.constraint);
      else walk.problems.push(p);
    }
    if (result !== undefined) out.push(result);
  });
  if (folded.size > 0) walk.problems.push({ kind: 'constraint', path: [...path], value, constraint: `Member must satisfy constraint: [${[...folded].join(', ')}]` });
  return out;
}

function checkMap(walk: Walk, shape: MapShape, value: Record<string, unknown>, path: PathSegment[]): Record<string, unknown> {
  const entries = Object.entries(value);
  for (const c of lengthConstraints(entries.length, shape)) walk.problems.push({ kind: 'constraint', path: [...path], value, constraint: c });
  const keyShape = walk.model.shapes[shape.k];
  const valueScalar = isScalar(walk.model.shapes[shape.v]);
  const keyFailures = new Set<string>();
  const valueFailures = new Set<string>();
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    if (keyShape?.t === 'string') for (const c of stringConstraints(key, keyShape)) keyFailures.add(c);
    if (v === null || v === undefined) {
      walk.problems.push({ kind: 'type', path: [...path, { key }], value: v, constraint: 'a non-null map value' });
      continue;
    }
    if (!valueScalar) {
      const cleaned = check(walk, shape.v, v, [...path, { key }]);
      if (cleaned !== undefined) define(out, key, cleaned);
      continue;
    }
    const { result, problems } = collect(walk, (scratch) => check(scratch, shape.v, v, [...path, { key }]));
    for (const p of problems) {
      if (p.kind === 'constraint') valueFailures.add(p.constraint);
      else walk.problems.push(p);
    }
    if (result !== undefined) define(out, key, result);
  }
  if (keyFailures.size > 0) walk.problems.push({ kind: 'constraint', path: [...path], value, constraint: `Map keys must satisfy constraint: [${[...keyFailures].join(', ')}]` });
  if (valueFailures.size > 0) walk.problems.push({ kind: 'constraint', path: [...path], value, constraint: `Map value must satisfy constraint: [${[...valueFailures].join(', ')}]` });
  return out;
}

/**
 * Validates `input` for `operation` of `model`. Returns undefined when the
 * model does not know the operation (the caller passes such input through).
 */
export function validateInput(model: ServiceModel, operation: string, input: Record<string, unknown>, mode: ValidationMode): Validated | undefined {
  if (!Object.hasOwn(model.operations, operation)) return undefined;
  const shapeName = model.operations[operation]!;
  if (shapeName === '') return { value: {}, problems: [] };
  const walk: Walk = { model, mode, problems: [] };
  const value = check(walk, shapeName, input, []);
  return { value: (value as Record<string, unknown> | undefined) ?? {}, problems: walk.problems };
}
