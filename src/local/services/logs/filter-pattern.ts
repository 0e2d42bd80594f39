/**
 * CloudWatch Logs filter patterns for unstructured text: terms (all must
 * appear), `"quoted phrases"`, `-exclusions` and `?alternatives`. Matching is
 * case-sensitive, as in AWS.
 *
 * @internal
 */
import { AwsError } from '../../core/types.js';

/** A compiled filter pattern. */
export type LogMatcher = (message: string) => boolean;

/** Compiles `pattern`; an empty pattern matches every event. */
export function compileFilterPattern(pattern: string | undefined): LogMatcher {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  if (text.startsWith('{') || text.startsWith('[')) {
    throw new AwsError(
      'InvalidParameterException',
      `Invalid filter pattern ${JSON.stringify(text)}: the ecskit local cloud supports term, "quoted phrase", -exclusion and ?alternative patterns, not JSON or space-delimited patterns.`,
    );
  }
  const required: string[] = [];
  const excluded: string[] = [];
  const optional: string[] = [];
  const tokens = text.match(/[-?]?"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  for (const token of tokens) {
    let kind: 'required' | 'excluded' | 'optional' = 'required';
    let body = token;
    if (body.startsWith('-') && body.length > 1) {
      kind = 'excluded';
      body = body.slice(1);
    } else if (body.startsWith('?') && body.length > 1) {
      kind = 'optional';
      body = body.slice(1);
    }
    if (body.startsWith('"')) {
      if (!body.endsWith('"') || body.length < 2) throw new AwsError('InvalidParameterException', `Invalid filter pattern ${JSON.stringify(text)}: unterminated quote.`);
      body = body.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    (kind === 'required' ? required : kind === 'excluded' ? excluded : optional).push(body);
  }
  return (message) =>
    required.every((t) => message.includes(t)) &&
    !excluded.some((t) => message.includes(t)) &&
    (optional.length === 0 || optional.some((t) => message.includes(t)));
}
