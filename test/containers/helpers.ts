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

/** `false` when an engine answers, else the reason to skip (for `describe(…, { skip })`). */
export async function engineSkip(): Promise<string | false> {
  const engine = await realEngine();
  return engine instanceof ContainerEngineError ? `no container engine: ${engine.message}` : false;
}
