/**
 * Shared by the tests that need a real container engine: the skip reason
 * when none answers, and the offline base image.
 */
import { ContainerEngineError, detectContainerEngine, type ContainerEngine } from '../../src/containers/index.js';

let detected: Promise<ContainerEngine | ContainerEngineError> | undefined;

/** The engine on this machine, or the error saying why there is none (detected once per file). */
export function realEngine(): Promise<ContainerEngine | ContainerEngineError> {
  detected ??= detectContainerEngine().catch((error: unknown) => {
    if (error instanceof ContainerEngineError) return error;
    throw error;
  });
  return detected;
}

/**
 * `false` when an engine answers, else the reason to skip (for `describe(…, { skip })`).
 * In CI (`CI` set, as `.ci/run` does) a missing engine fails instead: CI installs podman, so the tests must run there.
 */
export async function engineSkip(): Promise<string | false> {
  const engine = await realEngine();
  if (!(engine instanceof ContainerEngineError)) return false;
  if (process.env.CI) throw new Error(`The container tests need podman or docker in CI, but none answers (${engine.message}). .ci/run installs podman and runc with apt-get.`);
  return `no container engine: ${engine.message}`;
}
