/**
 * The service tests' one assertion for a handler that must fail: the promise
 * rejects with an {@link AwsError} of this code (and a message matching
 * `message`, when given). The error's own message is shown when it does not.
 *
 * @internal
 */
import assert from 'node:assert/strict';
import { AwsError } from '../../../src/local/core/types.js';

export async function rejects(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected AwsError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message, e.message);
    return true;
  });
}
