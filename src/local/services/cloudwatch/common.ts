/**
 * Input coercion shared by the CloudWatch operation files (JSON 1.0 sends
 * numbers and epoch-second timestamps; Query sends strings and ISO dates).
 *
 * @internal
 */
import { AwsError } from '../../core/types.js';
import type { Dimension } from './state.js';

/** A required parameter or AWS's `MissingParameter`. */
export function need<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null || value === '') throw new AwsError('MissingParameter', `The parameter ${field} is required.`);
  return value;
}

/** A timestamp (epoch seconds number, numeric string, ISO string or Date) in epoch ms. */
export function toMs(value: unknown, field: string): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string' && value !== '') {
    if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  throw new AwsError('InvalidParameterValue', `The timestamp ${String(value)} for parameter ${field} is not valid; use ISO 8601 or epoch seconds.`);
}

/** A number parameter, or `InvalidParameterValue` naming it. */
export function toNumber(value: unknown, field: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (value === undefined || value === null || value === '' || Number.isNaN(n)) {
    throw new AwsError('InvalidParameterValue', `The value ${String(value)} for parameter ${field} is not a number.`);
  }
  return n;
}

/** A list parameter (absent → empty). */
export function list<T = unknown>(value: unknown): T[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? (value as T[]) : [value as T];
}

/** Dimensions `[{Name, Value}]`, validated (at most 30, names 1-255). */
export function readDimensions(value: unknown, field = 'Dimensions', allowMissingValue = false): Dimension[] {
  const dims = list<{ Name?: unknown; Value?: unknown }>(value).map((d, i) => {
    if (typeof d?.Name !== 'string' || d.Name.length === 0 || d.Name.length > 255) {
      throw new AwsError('InvalidParameterValue', `The value for parameter ${field}.member.${i + 1}.Name must be 1 to 255 characters.`);
    }
    if (d.Value === undefined || d.Value === null) {
      if (allowMissingValue) return { Name: d.Name } as Dimension;
      throw new AwsError('MissingParameter', `The parameter ${field}.member.${i + 1}.Value is required.`);
    }
    return { Name: d.Name, Value: String(d.Value) };
  });
  if (dims.length > 30) throw new AwsError('InvalidParameterValue', `The collection ${field} must not have more than 30 members, got ${dims.length}.`);
  const names = dims.map((d) => d.Name);
  if (new Set(names).size !== names.length) {
    throw new AwsError('InvalidParameterValue', `No metric may have duplicate dimensions; ${field} repeats a name: ${names.join(', ')}`);
  }
  return dims;
}

/** Statistics CloudWatch knows. */
export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;

/** True for `p0`…`p100` with up to two decimals (the extended statistics we compute). */
export function isPercentile(stat: string): boolean {
  return /^p(\d{1,2}(\.\d{1,2})?|100)$/.test(stat);
}

/** Units CloudWatch accepts. */
export const UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits',
  'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second',
  'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
] as const;

/** A unit or `InvalidParameterValue`. */
export function readUnit(value: unknown, field = 'Unit'): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const unit = String(value);
  if (!(UNITS as readonly string[]).includes(unit)) throw new AwsError('InvalidParameterValue', `The value ${unit} for parameter ${field} is not a valid unit; use one of ${UNITS.join(', ')}.`);
  return unit;
}

/** A period in seconds: 1, 5, 10, 30 or a multiple of 60. */
export function readPeriod(value: unknown, field = 'Period'): number {
  const period = toNumber(need(value, field), field);
  if (!Number.isInteger(period) || period < 1 || !([1, 5, 10, 30].includes(period) || period % 60 === 0)) {
    throw new AwsError('InvalidParameterValue', `The parameter ${field} must be 1, 5, 10, 30 or a multiple of 60, got: ${String(value)}.`);
  }
  return period;
}
