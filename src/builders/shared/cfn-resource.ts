/**
 * The one way a builder's `.toCloudFormation()` ends: every problem thrown
 * at once, then `{ Type, Properties }` with the `undefined` properties dropped.
 *
 * @internal
 */
import type { Problem } from '../validation-error.js';
import type { CfnResource } from './cfn-value.js';
import { compact, throwIfProblems } from './validation.js';

/**
 * Throws a `ValidationError` for `subject` when `problems` is not empty;
 * otherwise the resource `{ Type: type, Properties: compact(properties) }`.
 * @internal
 */
export function cfnResource<TType extends string, TProperties extends object>(
  subject: string,
  problems: readonly Problem[],
  type: TType,
  properties: TProperties,
): CfnResource<TType, TProperties> {
  throwIfProblems(subject, problems);
  return { Type: type, Properties: compact(properties) };
}
