/**
 * The offline base image: ldd parsing, and with a real engine, that the
 * image exists, is not rebuilt when current, and runs this machine's node as
 * the `node` user.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureOfflineNodeImage } from '../../src/containers/index.js';
import { offlineNodeImageName, parseLdd } from '../../src/containers/offline-base.js';
import { engineSkip, realEngine } from './helpers.js';
import type { ContainerEngine } from '../../src/containers/index.js';

describe('parseLdd', () => {
  test('reads library paths and the loader, and skips the vDSO', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ffc)',
      '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f7d)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f7e)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f7f)',
    ].join('\n');
    assert.deepEqual(parseLdd(output), ['/lib/x86_64-linux-gnu/libstdc++.so.6', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
  });

  test('a library ldd cannot find is an error naming it, not an image that fails at run time', () => {
    assert.throws(() => parseLdd('\tlibfoo.so.1 => not found\n'), /a library is missing on this machine: libfoo.so.1 => not found/);
  });
});

test('the image name follows the node major version', () => {
  assert.equal(offlineNodeImageName(20), 'localhost/ecskit-offline-node:20');
});

describe('the offline base image in the real engine', { skip: await engineSkip() }, () => {
  test('exists after ensureOfflineNodeImage, is not rebuilt when current, and runs node as the node user', async () => {
    const engine = (await realEngine()) as ContainerEngine;
    const first = await ensureOfflineNodeImage({ engine });
    assert.equal(first.image, offlineNodeImageName());
    const second = await ensureOfflineNodeImage({ engine });
    assert.equal(second.built, false);
    assert.equal(second.id, first.id);
    const { stdout } = await engine.exec(['run', '--rm', ...engine.runFlags(), '--network', 'host', '--user', 'node', first.image, 'node', '-p', 'process.version + " " + require("os").userInfo().uid']);
    assert.equal(stdout.trim(), `${first.nodeVersion} 1000`);
  });

  test('carries /bin/sh and curl, so CMD-SHELL health checks like the lab\'s `curl -f …` run in images built on it', async () => {
    const engine = (await realEngine()) as ContainerEngine;
    const { image } = await ensureOfflineNodeImage({ engine });
    const { stdout } = await engine.exec(['run', '--rm', ...engine.runFlags(), '--network', 'host', '--user', 'node', image, '/bin/sh', '-c', 'curl --version; curl -fsS http://127.0.0.1:1/ || echo "exit $?"']);
    assert.match(stdout, /^curl \d+\.\d+/);
    assert.match(stdout, /exit 7\s*$/, 'curl -f fails (7: could not connect) when nothing answers, as a health check needs');
  });
});
