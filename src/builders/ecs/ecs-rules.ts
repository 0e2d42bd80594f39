/**
 * The value rules of the ECS builders, written once: builder methods throw
 * with these messages at once, and `.build()` runs the same rules (as a
 * valibot schema) over containers given as plain objects.
 *
 * @internal
 */
import * as v from 'valibot';
import { fail, fits, intRule, type IntRule } from '../shared/validation.js';

/** Family, container and service names. @internal */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
/** @internal */
export const nameRule = (field: string): string =>
  `${field} must be 1-255 letters, digits, hyphens or underscores`;

const positive = (field: string, unit: string): IntRule => ({
  min: 1,
  max: Number.MAX_SAFE_INTEGER,
  message: `${field} must be a positive integer (${unit})`,
});

/** @internal */
export const rules = {
  containerPort: intRule('containerPort', 1, 65535),
  hostPort: intRule('hostPort', 0, 65535, '0 asks for a dynamic host port'),
  cpu: positive('cpu', 'CPU units, 1024 = 1 vCPU'),
  memory: positive('memory', 'MiB'),
  memoryReservation: positive('memoryReservation', 'MiB'),
  interval: intRule('interval', 5, 300, 'seconds'),
  timeout: intRule('timeout', 2, 120, 'seconds'),
  retries: intRule('retries', 1, 10),
  startPeriod: intRule('startPeriod', 0, 300, 'seconds'),
  stopTimeout: intRule('stopTimeout', 2, 120, 'seconds'),
  desiredCount: { min: 0, max: Number.MAX_SAFE_INTEGER, message: 'desiredCount must be an integer 0 or more' },
  minimumHealthyPercent: intRule('minimumHealthyPercent', 0, 100),
  maximumPercent: intRule('maximumPercent', 0, 200),
  healthCheckGracePeriodSeconds: intRule('healthCheckGracePeriodSeconds', 0, 2147483647),
} satisfies Record<string, IntRule>;

/** Throws at once when `value` is not a valid family/container/service name. @internal */
export function checkName(subject: string, path: string, value: string, field = path): void {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) fail(subject, path, value, nameRule(field));
}

const intSchema = (rule: IntRule) =>
  v.pipe(
    v.number(rule.message),
    v.check((n) => fits(rule, n), rule.message),
  );

/**
 * The value rules over one plain container definition, run at `.build()`;
 * builder-made containers already passed them method by method. @internal
 */
export const containerSchema = v.looseObject({
  name: v.pipe(v.string(nameRule('name')), v.regex(NAME_PATTERN, nameRule('name'))),
  image: v.unknown(),
  cpu: v.optional(intSchema(rules.cpu)),
  memory: v.optional(intSchema(rules.memory)),
  memoryReservation: v.optional(intSchema(rules.memoryReservation)),
  stopTimeout: v.optional(intSchema(rules.stopTimeout)),
  portMappings: v.optional(
    v.array(
      v.looseObject({
        containerPort: v.optional(intSchema(rules.containerPort)),
        hostPort: v.optional(intSchema(rules.hostPort)),
      }),
    ),
  ),
  healthCheck: v.optional(
    v.looseObject({
      interval: v.optional(intSchema(rules.interval)),
      timeout: v.optional(intSchema(rules.timeout)),
      retries: v.optional(intSchema(rules.retries)),
      startPeriod: v.optional(intSchema(rules.startPeriod)),
    }),
  ),
});

/**
 * Fargate task sizes: cpu units → allowed memory (MiB), from the AWS table
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size).
 * @internal
 */
export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n += step) out.push(n);
  return out;
}
