/**
 * Request validation for the inventory, with valibot, answering in the
 * original service's error shape: field → list of messages
 * (`{"name":["Missing data for required field."]}`).
 *
 * @internal
 * @module
 */
import * as v from 'valibot';
import type { Device, DevicePatch } from './store.js';

/** Field → messages, the body of a 400. @internal */
export type FieldErrors = Record<string, string[]>;

/** Outcome of validating a body. @internal */
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** Pattern every device id matches. @internal */
export const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

const NOT_STRING = 'Not a valid string.';
const LENGTH = 'Length must be between 1 and 256.';

const idSchema = v.pipe(v.string(NOT_STRING), v.regex(ID_PATTERN, 'String does not match expected pattern.'));
const textSchema = v.pipe(v.string(NOT_STRING), v.minLength(1, LENGTH), v.maxLength(256, LENGTH));

const FIELDS = {
  id: idSchema,
  name: textSchema,
  location: textSchema,
  status: textSchema,
} as const;

type FieldName = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

/** The parsed JSON body, or the 400 body for malformed JSON / a non-object. @internal */
export function parseJsonObject(text: string): Validated<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, errors: { _schema: ['Invalid JSON.'] } };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, errors: { _schema: ['Invalid input type.'] } };
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}

function checkFields(body: Record<string, unknown>, required: boolean): { errors: FieldErrors; values: Partial<Device> } {
  // No prototype: a "__proto__" key in the body must become an error entry, not a prototype.
  const errors: FieldErrors = Object.create(null) as FieldErrors;
  const values: Partial<Device> = {};
  for (const key of Object.keys(body)) {
    if (!Object.hasOwn(FIELDS, key)) errors[key] = ['Unknown field.'];
  }
  for (const field of FIELD_NAMES) {
    if (!Object.hasOwn(body, field)) {
      if (required) errors[field] = ['Missing data for required field.'];
      continue;
    }
    const value = body[field];
    if (value === null) {
      errors[field] = ['Field may not be null.'];
      continue;
    }
    const result = v.safeParse(FIELDS[field], value);
    if (result.success) values[field] = result.output;
    else errors[field] = [...new Set(result.issues.map((issue) => issue.message))];
  }
  return { errors, values };
}

/** Validates a POST body: every field required, nothing else allowed. @internal */
export function validateNewDevice(text: string): Validated<Device> {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const { errors, values } = checkFields(parsed.value, true);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: values as Device };
}

/**
 * Validates a PUT body: any subset of name/location/status; `id` may be sent
 * but must equal the id in the path (the original overwrote the record's id).
 *
 * @internal
 */
export function validatePatch(text: string, pathId: string): Validated<DevicePatch> {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const { errors, values } = checkFields(parsed.value, false);
  if (values.id !== undefined && values.id !== pathId) {
    errors.id = [`Does not match the id in the path ("${pathId}"); leave id out or send the same id.`];
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const patch: DevicePatch = {};
  if (values.name !== undefined) patch.name = values.name;
  if (values.location !== undefined) patch.location = values.location;
  if (values.status !== undefined) patch.status = values.status;
  return { ok: true, value: patch };
}
