/**
 * Choosing the task driver: startLocalCloud's `driver`, `ecskit local
 * --driver`, the scripts' `--driver` and openTarget's `driver`; bad values
 * and a container driver with no engine are refused at start, naming the
 * fix, and leave nothing listening.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { runCli, type CliIo } from '../../../../src/cli/run.js';
import { startLocalCloud } from '../../../../src/local/index.js';
import { parseScriptFlags, UsageError } from '../../../../src/script/index.js';
import { openTarget, TargetError } from '../../../../src/target.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { out: (s) => void out.push(s), err: (s) => void err.push(s), untilSignal: () => Promise.resolve('SIGTERM') };
  return { value, out, err };
}

const sink = { write: () => true, isTTY: false };

/** Runs `body` with ECSKIT_CONTAINER_ENGINE set to `value`. */
async function withEngine<T>(value: string, body: () => Promise<T>): Promise<T> {
  const before = process.env.ECSKIT_CONTAINER_ENGINE;
  process.env.ECSKIT_CONTAINER_ENGINE = value;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env.ECSKIT_CONTAINER_ENGINE;
    else process.env.ECSKIT_CONTAINER_ENGINE = before;
  }
}

/** Whether `port` on 127.0.0.1 is free (nothing kept listening on it). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

test('the process driver stays the default, and driver: process is accepted', async () => {
  const cloud = await startLocalCloud({ port: 0, driver: 'process', log: () => {} });
  try {
    assert.equal(cloud.runtime?.context.driver.name, 'process');
  } finally {
    await cloud.stop();
  }
  const plain = await startLocalCloud({ port: 0, log: () => {} });
  try {
    assert.equal(plain.runtime?.context.driver.name, 'process');
  } finally {
    await plain.stop();
  }
});

test('an unknown driver is refused naming the value and the choices', async () => {
  await assert.rejects(startLocalCloud({ port: 0, driver: 'docker' as never, log: () => {} }), { message: 'driver must be process or container, got: "docker"' });
  await assert.rejects(startLocalCloud({ port: 0, driver: '../../bin/sh' as never, log: () => {} }), /driver must be process or container, got: "\.\.\/\.\.\/bin\/sh"/);
});

test('driver: container with no engine fails at start, naming the fix, and leaves nothing listening', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  await withEngine('/no/such/podman', async () => {
    await assert.rejects(startLocalCloud({ port, driver: 'container', log: () => {} }), (error: Error) => {
      assert.match(error.message, /The container driver needs a container engine: No container engine: ECSKIT_CONTAINER_ENGINE is '\/no\/such\/podman', which is not on PATH/);
      assert.match(error.message, /unset ECSKIT_CONTAINER_ENGINE/);
      assert.match(error.message, /Or run tasks as processes: driver 'process' \(CLI: --driver process\), which needs nothing\./);
      return true;
    });
  });
  assert.ok(await portFree(port), 'the endpoint port is free again');
});

test('ecskit local --driver: bad values are usage errors; container with no engine exits 1 with the fix', async () => {
  const bad = io();
  assert.equal(await runCli(['local', '--port', '0', '--driver', 'vm'], bad.value), 2);
  assert.match(bad.err.join(''), /--driver must be process or container, got: "vm"/);
  const both = io();
  assert.equal(await runCli(['local', '--port', '0', '--driver', 'container', '--no-runtime'], both.value), 2);
  assert.match(both.err.join(''), /--no-runtime runs none/);
  const none = io();
  await withEngine('/no/such/docker', async () => assert.equal(await runCli(['local', '--port', '0', '--driver', 'container'], none.value), 1));
  assert.match(none.err.join(''), /^ecskit local: The container driver needs a container engine: .*--driver process/);
  const processes = io();
  assert.equal(await runCli(['local', '--port', '0', '--driver', 'process'], processes.value), 0);
  assert.match(processes.out.join(''), /Tasks run as local processes/);
});

test('scripts: --driver is a shared flag, checked, and refused with --target aws or a cloud at AWS_ENDPOINT_URL', async () => {
  assert.equal(parseScriptFlags({ title: 't' }, ['--driver', 'container'], sink, {})?.driver, 'container');
  assert.equal(parseScriptFlags({ title: 't' }, [], sink, {})?.driver, undefined);
  assert.throws(() => parseScriptFlags({ title: 't' }, ['--driver', 'k8s'], sink, {}), (e: Error) => e instanceof UsageError && e.message === '--driver must be process or container, got: "k8s"');
  assert.throws(() => parseScriptFlags({ title: 't' }, ['--driver', 'container', '--target', 'aws'], sink, {}), /--target aws runs them on AWS/);
  await assert.rejects(openTarget({ target: 'aws', driver: 'container', env: {} }), (e: Error) => e instanceof TargetError && /the target is AWS/.test(e.message));
  await assert.rejects(
    openTarget({ target: 'auto', driver: 'container', env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' } }),
    (e: Error) => e instanceof TargetError && /AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:4566 points at one already running/.test(e.message) && /ecskit local --driver container/.test(e.message),
  );
  await withEngine('/no/such/podman', async () => {
    await assert.rejects(openTarget({ target: 'local', driver: 'container', env: {} }), /The container driver needs a container engine/);
  });
});
