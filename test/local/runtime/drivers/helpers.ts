/**
 * Shared by the container driver tests: whether they can run (an engine
 * answers), and the test image built from the offline base image.
 *
 * @internal
 */
import { fileURLToPath } from 'node:url';
import { ContainerEngineError, ensureOfflineNodeImage, type ContainerEngine } from '../../../../src/containers/index.js';
import { realEngine } from '../../../containers/helpers.js';

/** The test image (echo server on HOST:PORT), built once per file from `localhost/ecskit-offline-node:<major>`. */
export const TEST_IMAGE = 'localhost/ecskit-test/driver-echo:1';

const CONTEXT = fileURLToPath(new URL('./fixtures/echo-image', import.meta.url));

let prepared: Promise<ContainerEngine | string> | undefined;

/** The engine with the test image built, or the reason the container tests are skipped. */
export function prepareContainerTests(): Promise<ContainerEngine | string> {
  prepared ??= (async () => {
    const engine = await realEngine();
    if (engine instanceof ContainerEngineError) {
      if (process.env.CI) throw new Error(`The container driver tests need podman or docker in CI, but none answers (${engine.message}). .ci/run installs podman and runc with apt-get.`);
      return `no container engine answers (${engine.message})`;
    }
    const base = await ensureOfflineNodeImage({ engine });
    await engine.exec(['build', ...engine.buildFlags({ pull: 'never' }), '--build-arg', `NODE_IMAGE=${base.image}`, '-t', TEST_IMAGE, CONTEXT], { timeoutMs: 300_000 });
    return engine;
  })();
  return prepared;
}

/** Names of the containers (any state) labelled `ecskit.cloud=<cloudId>` (and, if given, of task `taskArn`). */
export async function containersOf(engine: ContainerEngine, cloudId: string, taskArn?: string): Promise<string[]> {
  const task = taskArn ? ['--filter', `label=com.amazonaws.ecs.task-arn=${taskArn}`] : [];
  const { stdout } = await engine.exec(['ps', '--all', '--filter', `label=ecskit.cloud=${cloudId}`, ...task, '--format', '{{.Names}}']);
  return stdout.split('\n').filter(Boolean);
}
