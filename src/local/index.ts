/**
 * The local cloud: an embedded AWS emulator for ECS and the services around
 * it. One HTTP endpoint speaks the real AWS wire protocols (JSON 1.0/1.1,
 * Query, EC2 Query), so unmodified `@aws-sdk` clients and the AWS CLI work
 * against it.
 *
 * ```ts
 * import { startLocalCloud } from 'ecskit/local';
 * const cloud = await startLocalCloud({ port: 0 });
 * const ecs = new ECSClient({ endpoint: cloud.endpoint, region: cloud.region,
 *   credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
 * // …
 * await cloud.stop();
 * ```
 *
 * @packageDocumentation
 */
import type { LocalCloud, LocalCloudOptions } from './local-cloud.js';
import {
  announceEndpoint,
  checkOptions,
  cloudListener,
  cloudServer,
  cloudStopper,
  endpointOf,
  listen,
  localCloud,
  openRegistry,
  openState,
  startRuntime,
  writeTokenFile,
} from './startup.js';

export type { LocalCloud, LocalCloudOptions, LocalRegistryOptions } from './local-cloud.js';
export { CloudState } from './cloud-state.js';
export { isLoopbackHost } from './startup.js';
export type { CloudStateOptions, StateSnapshot } from './core/cloud-state.js';
export type { ChangeRecorder, StateChange } from './core/change-tracker.js';
export {
  AwsError,
  type LocalCloudEvent,
  type OperationHandler,
  type Protocol,
  type RegionState,
  type RequestContext,
  type ServiceDefinition,
} from './core/types.js';
export { StateFileError, type PersistenceStatus } from './server/persistence.js';
export { ACCOUNT_PRESETS, isAccountPresetName, serviceTrustPolicy, type AccountPreset, type AccountPresetName, type PresetRole } from './presets.js';
export type { RequestLogEntry } from './server/handler.js';
export { ImageRegistry, parseImage, type ImageReference, type LocalImage } from './runtime/images.js';
export { LocalRuntime } from './local-runtime.js';
export { defaultMaxTasks, TASK_MEMORY_BUDGET_MIB, type RuntimeOptions } from './runtime/runtime.js';
export type { LocalRegistry } from './runtime/drivers/container-image.js';
export type { ContainerInstanceDefaults, LiveContainer, LiveTask, RuntimeComponent, RuntimeContext } from './runtime/context.js';
export type { ContainerProcess, ContainerExit } from './runtime/container-process.js';
export type { AddressPool } from './runtime/addresses.js';
export { isTaskDriverName, TASK_DRIVERS, type TaskDriver, type TaskDriverName } from './runtime/drivers/index.js';
export type { ContainerMount, ContainerSpec, RunningContainer, ContainerInspection, ContainerSample, DriverImage, ImageResolution, HealthProbe, OutputSink } from './runtime/drivers/driver.js';
export type { MetadataServer, ContainerMetadata } from './runtime/metadata-server.js';
export { installLocalhostResolution, uninstallLocalhostResolution, isLocalhostName } from './runtime/load-balancing/localhost-dns.js';

/**
 * Starts the local cloud's HTTP endpoint.
 *
 * @throws {@link StateFileError} when `stateFile` exists but is corrupt.
 * @throws Error when `host` is not loopback and `allowNonLoopback` is not set, or the port is taken.
 */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const checked = checkOptions(options);
  const opened = await openState(options, checked);
  const { state, persister } = opened;
  const started = await startRuntime(options, checked.log, opened);
  const { runtime } = started;
  const registry = openRegistry(options, checked, state, started.servesRegistry);
  let boundPort: number | undefined;
  const server = cloudServer(cloudListener({ options, checked, opened, runtime, registry, port: () => boundPort }));
  await listen(server, checked, runtime, () => {
    persister?.close();
    registry?.close();
  });
  const { endpoint, port } = endpointOf(server);
  announceEndpoint(state, registry, endpoint);
  boundPort = port;
  const adminTokenFile = await writeTokenFile(options, checked.adminToken, port, async () => {
    await runtime?.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    persister?.close();
    registry?.close();
  });
  const stop = cloudStopper({ state, server, runtime, persister, registry, ownImages: started.ownImages, adminTokenFile });
  return localCloud({ checked, options, endpoint, state, started, registry, adminTokenFile, stop });
}
