/**
 * The container engine module: detection (PATH, override, a docker whose
 * daemon is down), the errors that name the fix, podman's own
 * containers.conf, and command failures. Fake engines (shell scripts) make
 * every case reproducible; the last group talks to the real engine when one
 * answers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerEngineError, detectContainerEngine, type ContainerEngine } from '../../src/containers/index.js';
import { engineSkip } from './helpers.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecskit-engine-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A directory holding fake engines written as shell scripts. */
function fakeBin(scripts: Record<string, string>): string {
  const bin = mkdtempSync(join(dir, 'bin-'));
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}

const DOCKER_DOWN = 'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1';
const PODMAN_OK = 'if [ "$1" = info ]; then echo 4.3.1; exit 0; fi\nif [ "$1" = conf ]; then /bin/cat "$CONTAINERS_CONF"; exit 0; fi\nif [ "$1" = fail ]; then echo "Error: no such image" >&2; exit 125; fi\nif [ "$1" = sleep ]; then /bin/sleep 5; fi\nif [ "$1" = echo ]; then /bin/cat; fi';

describe('detectContainerEngine', () => {
  test('with no engine on PATH, the error says so and names how to install one', async () => {
    const error = await detectContainerEngine({ env: { PATH: fakeBin({}) } }).catch((e: unknown) => e);
    assert.ok(error instanceof ContainerEngineError);
    assert.equal(error.code, 'ENGINE_NOT_FOUND');
    assert.match(error.message, /neither docker nor podman is on PATH/);
    assert.match(error.message, /apt-get install -y podman runc/);
  });

  test('ECSKIT_CONTAINER_ENGINE naming an engine that is not installed says which variable to change', async () => {
    const error = await detectContainerEngine({ env: { PATH: fakeBin({ docker: 'echo 28.0.0' }), ECSKIT_CONTAINER_ENGINE: 'podman' } }).catch((e: unknown) => e);
    assert.ok(error instanceof ContainerEngineError);
    assert.equal(error.code, 'ENGINE_NOT_FOUND');
    assert.match(error.message, /ECSKIT_CONTAINER_ENGINE is 'podman'/);
    assert.match(error.message, /unset ECSKIT_CONTAINER_ENGINE/);
  });

  test('ECSKIT_CONTAINER_ENGINE that is neither docker nor podman is rejected with the value', async () => {
    const error = await detectContainerEngine({ env: { PATH: fakeBin({}), ECSKIT_CONTAINER_ENGINE: 'nerdctl' } }).catch((e: unknown) => e);
    assert.ok(error instanceof ContainerEngineError);
    assert.equal(error.code, 'ENGINE_INVALID');
    assert.match(error.message, /got: 'nerdctl'/);
  });

  test('a docker whose daemon is down is passed over for a podman that answers', async () => {
    const engine = await detectContainerEngine({ env: { PATH: fakeBin({ docker: DOCKER_DOWN, podman: PODMAN_OK }) }, configDir: join(dir, 'conf-a') });
    assert.equal(engine.name, 'podman');
    assert.equal(engine.version, '4.3.1');
  });

  test('only a docker whose daemon is down: ENGINE_NOT_RUNNING with what docker said and how to start it', async () => {
    const error = await detectContainerEngine({ env: { PATH: fakeBin({ docker: DOCKER_DOWN }) } }).catch((e: unknown) => e);
    assert.ok(error instanceof ContainerEngineError);
    assert.equal(error.code, 'ENGINE_NOT_RUNNING');
    assert.match(error.message, /docker is installed but does not answer: Cannot connect to the Docker daemon/);
    assert.match(error.message, /systemctl start docker/);
    assert.deepEqual(error.command, ['docker', 'version', '--format', '{{.Server.Version}}']);
    assert.match(error.stderr, /Is the docker daemon running/);
  });

  test('an engine that hangs is reported as not answering within the timeout', async () => {
    const started = Date.now();
    const error = await detectContainerEngine({ env: { PATH: fakeBin({ podman: "/bin/sleep 30" }) }, timeoutMs: 300, configDir: join(dir, 'conf-b') }).catch((e: unknown) => e);
    assert.ok(error instanceof ContainerEngineError);
    assert.equal(error.code, 'ENGINE_NOT_RUNNING');
    assert.match(error.message, /podman is installed but does not answer: it did not answer in time/);
    assert.ok(Date.now() - started < 10_000);
  });

  test('an explicit path overrides PATH', async () => {
    const bin = fakeBin({ podman: PODMAN_OK });
    const engine = await detectContainerEngine({ env: { PATH: '/nonexistent', ECSKIT_CONTAINER_ENGINE: join(bin, 'podman') }, configDir: join(dir, 'conf-c') });
    assert.equal(engine.executable, join(bin, 'podman'));
  });
});

describe('podman gets its containers.conf from ecskit', () => {
  test('CONTAINERS_CONF points at a file with no default ulimits (and runc when installed)', async () => {
    const bin = fakeBin({ podman: PODMAN_OK, runc: 'exit 0' });
    const engine = await detectContainerEngine({ env: { PATH: bin }, configDir: join(dir, 'conf-d') });
    assert.equal(engine.env['CONTAINERS_CONF'], join(dir, 'conf-d', 'containers.conf'));
    const { stdout } = await engine.exec(['conf']);
    assert.match(stdout, /\[containers\]\ndefault_ulimits = \[\]/);
    assert.match(stdout, /\[engine\]\nruntime = "runc"/);
  });

  test("a CONTAINERS_CONF the user set is left alone", async () => {
    const own = join(dir, 'own.conf');
    writeFileSync(own, '[containers]\n# mine\n');
    const engine = await detectContainerEngine({ env: { PATH: fakeBin({ podman: PODMAN_OK }), CONTAINERS_CONF: own }, configDir: join(dir, 'conf-e') });
    assert.equal(engine.env['CONTAINERS_CONF'], own);
    assert.equal(readFileSync(own, 'utf8'), '[containers]\n# mine\n');
  });

  test('podman runs with --ulimit host and builds with chroot isolation, host network and the pull policy asked for', async () => {
    const engine = await detectContainerEngine({ env: { PATH: fakeBin({ podman: PODMAN_OK }) }, configDir: join(dir, 'conf-f') });
    assert.deepEqual(engine.runFlags(), ['--ulimit', 'host']);
    assert.deepEqual(engine.buildFlags({ pull: 'never' }), ['--isolation', 'chroot', '--network', 'host', '--pull=never']);
  });

  test('docker needs none of podman’s flags', async () => {
    const engine = await detectContainerEngine({ env: { PATH: fakeBin({ docker: 'echo 28.2.2' }) } });
    assert.equal(engine.name, 'docker');
    assert.equal(engine.env['CONTAINERS_CONF'], undefined);
    assert.deepEqual(engine.runFlags(), []);
    assert.deepEqual(engine.buildFlags({ pull: 'never' }), []);
  });
});

describe('engine.exec', () => {
  let engine: ContainerEngine;
  before(async () => {
    engine = await detectContainerEngine({ env: { PATH: fakeBin({ podman: PODMAN_OK }) }, configDir: join(dir, 'conf-g') });
  });

  test('a failing command throws COMMAND_FAILED with the command, exit code and stderr', async () => {
    const error = await engine.exec(['fail', 'x']).catch((e: unknown) => e);
    assert.ok(error instanceof ContainerEngineError);
    assert.equal(error.code, 'COMMAND_FAILED');
    assert.deepEqual(error.command, ['podman', 'fail', 'x']);
    assert.equal(error.exitCode, 125);
    assert.equal(error.stderr, 'Error: no such image');
    assert.match(error.message, /podman fail x failed \(exit 125\): Error: no such image/);
  });

  test('a command past its timeout is killed with COMMAND_TIMEOUT', async () => {
    const error = await engine.exec(['sleep'], { timeoutMs: 200 }).catch((e: unknown) => e);
    assert.ok(error instanceof ContainerEngineError);
    assert.equal(error.code, 'COMMAND_TIMEOUT');
  });

  test('input reaches the command on stdin', async () => {
    const { stdout } = await engine.exec(['echo'], { input: 'secret-password' });
    assert.equal(stdout, 'secret-password');
  });
});

describe('the real engine on this machine', { skip: await engineSkip() }, () => {
  test('answers and reports its version', async () => {
    const engine = await detectContainerEngine();
    assert.match(engine.version, /^\d+\.\d+/);
    const { stdout } = await engine.exec(['version']);
    assert.match(stdout, /Version/);
  });
});
