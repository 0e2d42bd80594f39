/**
 * Renders validation {@link Problem}s as the error each AWS service answers:
 *
 * - JSON services, a value of the wrong JSON type: `SerializationException`
 *   (the request cannot be read into the model's types).
 * - Constraint failures (and, for Query services, malformed scalars): all
 *   problems in one message, AWS's own format —
 *   `2 validation errors detected: Value 'x' at 'a.b' failed to satisfy constraint: Member must …; Value null at 'c' …`
 *   — under the code the service uses for it (ECS `InvalidParameterException`,
 *   Cloud Map `InvalidInput`, Logs and ECR `InvalidParameterException`,
 *   Application Auto Scaling `ValidationException`, Query services `ValidationError`),
 *   except for operations whose model declares only `ValidationException` (the
 *   CloudWatch Logs delivery APIs; `validationExceptionOperations`, derived).
 * - EC2: one problem, as EC2 reports it: `MissingParameter`
 *   (`The request must contain the parameter GroupName`) or `InvalidParameterValue`.
 *
 * @internal
 */
import { AwsError } from '../core/types.js';
import type { ModelProtocol, ServiceModel } from './types.js';
import type { PathSegment, Problem, ValidationMode } from './validate.js';

/** Error code for constraint failures, by signing name (the rest: `ValidationException` for JSON, `ValidationError` for Query). */
const CONSTRAINT_CODES: Readonly<Record<string, string>> = {
  ecs: 'InvalidParameterException',
  servicediscovery: 'InvalidInput',
  logs: 'InvalidParameterException',
  ecr: 'InvalidParameterException',
  'application-autoscaling': 'ValidationException',
  monitoring: 'ValidationError',
};

/** The code a service answers constraint failures with (derive-models compares it with each operation's declared errors). */
export function constraintCode(signingName: string, protocol: ModelProtocol): string {
  return CONSTRAINT_CODES[signingName] ?? (protocol === 'json' ? 'ValidationException' : 'ValidationError');
}

const MAX_VALUE_TEXT = 200;

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** A path as AWS's validation messages write it: `containerDefinitions.1.member.portMappings`. */
export function memberPath(path: readonly PathSegment[]): string {
  return path
    .map((s) => (typeof s === 'number' ? `${s + 1}.member` : 'key' in s ? s.key : lowerFirst(s.name)))
    .join('.');
}

/** A path as the Query/EC2 form names the parameter: `IpPermissions.1.FromPort`. */
export function wirePath(path: readonly PathSegment[]): string {
  return path.map((s) => (typeof s === 'number' ? String(s + 1) : 'key' in s ? s.key : s.wire)).join('.');
}

const truncate = (text: string) => (text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT)}…(${text.length} characters)` : text);

function plainText(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return depth > 2 ? '[…]' : `[${value.slice(0, 20).map((v) => plainText(v, depth + 1)).join(', ')}${value.length > 20 ? ', …' : ''}]`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    try {
      return truncate(JSON.stringify(value, (_k, v: unknown) => v) ?? '{}');
    } catch {
      return '{…}';
    }
  }
  return String(value);
}

/** A value as AWS quotes it: `'x'`, `'[a, b]'`, or `null`. */
export function describeValue(value: unknown): string {
  return value === null || value === undefined ? 'null' : `'${truncate(plainText(value))}'`;
}

const jsonKind = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : typeof value === 'string' ? 'a string' : typeof value === 'number' ? 'a number' : typeof value === 'boolean' ? 'a boolean' : typeof value;

/** One AWS-format validation phrase. */
function phrase(p: Problem): string {
  const constraint = p.kind === 'type' ? `Member must be ${p.constraint}` : p.constraint;
  return `Value ${describeValue(p.value)} at '${memberPath(p.path)}' failed to satisfy constraint: ${constraint}`;
}

function ec2Error(p: Problem): AwsError {
  const name = wirePath(p.path);
  if (p.missing) return new AwsError('MissingParameter', `The request must contain the parameter ${name}`);
  const detail = p.kind === 'type' ? `Expected ${p.constraint}.` : `${p.constraint}.`;
  return new AwsError('InvalidParameterValue', `Value (${truncate(plainText(p.value))}) for parameter ${name} is invalid. ${detail}`);
}

function serializationError(problems: readonly Problem[]): AwsError {
  const parts = problems.map((p) => `Expected ${p.constraint} at '${memberPath(p.path)}', got ${jsonKind(p.value)}${p.value !== null && typeof p.value !== 'object' ? ` (${truncate(String(p.value))})` : ''}`);
  return new AwsError('SerializationException', `${parts.join('; ')}.`);
}

/**
 * The error for a non-empty list of problems of one request to `signingName`,
 * or undefined when there are none.
 */
export function validationError(
  signingName: string,
  protocol: ModelProtocol,
  mode: ValidationMode,
  problems: readonly Problem[],
  operation?: { readonly name: string; readonly model: Pick<ServiceModel, 'validationExceptionOperations'> },
): AwsError | undefined {
  if (problems.length === 0) return undefined;
  if (protocol === 'ec2') return ec2Error(problems[0]!);
  if (mode === 'json') {
    const typeProblems = problems.filter((p) => p.kind === 'type');
    if (typeProblems.length > 0) return serializationError(typeProblems);
  }
  const code = operation?.model.validationExceptionOperations?.includes(operation.name) ? 'ValidationException' : constraintCode(signingName, protocol);
  const n = problems.length;
  return new AwsError(code, `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.map(phrase).join('; ')}`);
}
