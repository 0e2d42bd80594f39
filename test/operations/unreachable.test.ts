import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { close, connect } from '../../src/clients.js';
import { OperationError, operations } from '../../src/index.js';
import { isUnreachableError } from '../../src/operations/errors.js';

test('an operation against an endpoint that refuses connections fails within 2 s, naming the fix, not after p-retry’s rounds on top of the SDK’s (issue #12.7)', async () => {
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(dead.address() as { port: number }).port}`;
  await new Promise<void>((resolve) => dead.close(() => resolve()));
  const clients = await connect({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  try {
    // Default retry settings: 4 retries from 0.5 s — 11–13 s before this fix.
    const ops = operations(clients, { stack: 'unreachable' });
    for (const attempt of [() => ops.ensureCluster('c'), () => ops.destroy()]) {
      const started = performance.now();
      await assert.rejects(attempt(), (error: Error) => {
        assert.ok(error instanceof OperationError, String(error));
        assert.equal(error.code, 'ECONNREFUSED');
        assert.match(error.message, /connect ECONNREFUSED 127\.0\.0\.1:\d+: nothing answers at the endpoint: check AWS_ENDPOINT_URL, or start a local cloud with `npx ecskit local`/);
        return true;
      });
      const ms = performance.now() - started;
      assert.ok(ms < 2000, `failed after ${Math.round(ms)} ms`);
    }
  } finally {
    close(clients);
  }
});

test('isUnreachableError: no connection could be opened, as opposed to throttling or a server fault', () => {
  for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']) {
    assert.equal(isUnreachableError(Object.assign(new Error(code), { code })), true, code);
  }
  assert.equal(isUnreachableError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })), false, 'a dropped connection may be retried');
  assert.equal(isUnreachableError({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }), false);
  assert.equal(isUnreachableError(undefined), false);
  assert.equal(isUnreachableError('ECONNREFUSED'), false);
});
