/**
 * The task drivers, by name (see `driver.ts`).
 *
 * @internal
 */
import { ContainerEngineError, detectContainerEngine } from '../../../containers/engine.js';
import type { RuntimeContext } from '../context.js';
import { cloudMapResolver } from '../discovery.js';
import { ContainerDriver, removeLeftovers } from './container-driver.js';
import type { LocalRegistry } from './container-image.js';
import { containerDns } from './container-dns.js';
import { TASK_DRIVERS, type TaskDriver, type TaskDriverName } from './driver.js';
import { ProcessDriver } from './process-driver.js';

export { TASK_DRIVERS, type TaskDriver, type TaskDriverName } from './driver.js';

/** Whether `value` names a task driver. */
export function isTaskDriverName(value: unknown): value is TaskDriverName {
  return typeof value === 'string' && (TASK_DRIVERS as readonly string[]).includes(value);
}

/** Options of {@link createTaskDriver}. */
export interface CreateDriverOptions {
  /** The local ECR registry the container driver may pull from. */
  readonly registry?: LocalRegistry;
  /** `docker`, `podman` or a path; default `ECSKIT_CONTAINER_ENGINE`, else the first that answers. */
  readonly engine?: string;
}

/**
 * Makes the driver `name` for a runtime. The container driver finds an
 * engine that answers (else throws, naming the fix), removes containers a
 * crashed local cloud left, and sets up DNS for containers.
 */
export async function createTaskDriver(name: TaskDriverName, context: RuntimeContext, options: CreateDriverOptions = {}): Promise<TaskDriver> {
  if (!isTaskDriverName(name)) {
    throw new RangeError(`driver must be one of ${TASK_DRIVERS.join(', ')}, got: ${JSON.stringify(name)}`);
  }
  if (name === 'process') return new ProcessDriver(context.images);
  let engine;
  try {
    engine = await detectContainerEngine(options.engine ? { engine: options.engine } : {});
  } catch (error) {
    if (!(error instanceof ContainerEngineError)) throw error;
    throw new ContainerEngineError(
      error.code,
      `The container driver needs a container engine: ${error.message} Or run tasks as processes: driver 'process' (CLI: --driver process), which needs nothing.`,
      { command: error.command, stderr: error.stderr, ...(error.exitCode === undefined ? {} : { exitCode: error.exitCode }), cause: error },
    );
  }
  const removed = await removeLeftovers(engine);
  if (removed > 0) context.log(`container driver: removed ${removed} container(s) left by a local cloud that is gone`);
  const { dns, server } = await containerDns(context, cloudMapResolver(context));
  return new ContainerDriver({
    engine,
    dns,
    ...(options.registry ? { registry: options.registry } : {}),
    log: (line) => context.log(line),
    ...(server ? { onClose: () => server.close() } : {}),
  });
}
