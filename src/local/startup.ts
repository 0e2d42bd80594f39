/**
 * The steps of {@link startLocalCloud}, in the order it takes them: check the
 * options, open the state (with the services injected, the state file, the
 * account preset), start the runtime, open the registry, build the request
 * listener and HTTP server, listen, write the admin token file; and the stop
 * that undoes them. Each step that fails undoes what the steps before it opened.
 *
 * @internal
 */
import { checkTimeScale, REAL_TIME } from '../time-scale.js';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudState } from './cloud-state.js';
import { CONSOLE_PATH, createConsole } from './console/index.js';
import { setCloudEndpoint } from './core/endpoint.js';
import { ACCOUNT_PRESETS, applyAccountPreset, isAccountPresetName } from './presets.js';
import { isTaskDriverName } from './runtime/drivers/index.js';
import { ImageRegistry } from './runtime/images.js';
import { LocalRuntime } from './local-runtime.js';
import type { RuntimeOptions } from './runtime/runtime.js';
import { createAdminToken, defaultAdminTokenFile, removeAdminTokenFile, validateAdminToken, writeAdminTokenFile } from './server/admin-token.js';
import { hostsForBindAddress } from './server/guard.js';
import { createRequestListener } from './server/handler.js';
import { StatePersister } from './server/persistence.js';
import { createRegistry, type Registry } from './services/ecr/registry.js';
import { AGENT_LOG_EVENT, type AgentLogEvent } from './services/ecs/agent.js';
import { services as allServices } from './services/index.js';
import type { LocalCloud, LocalCloudOptions } from './local-cloud.js';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

/** `true` for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host.replace(/^\[|\]$/g, ''));
}

/** Checks configured credentials: a key id that can sit in a credential scope, and a secret. */
function validateCredentials(credentials: { accessKeyId: string; secretAccessKey: string }): void {
  if (typeof credentials.accessKeyId !== 'string' || !/^[\w.+@-]{1,128}$/.test(credentials.accessKeyId)) {
    throw new RangeError(`credentials.accessKeyId must be 1-128 letters, digits or _.+@- (like AKIAIOSFODNN7EXAMPLE), got: ${JSON.stringify(String(credentials.accessKeyId).slice(0, 40))}`);
  }
  if (typeof credentials.secretAccessKey !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(credentials.secretAccessKey)) {
    throw new RangeError('credentials.secretAccessKey must be 1-256 visible ASCII characters without spaces');
  }
}

/** The options of {@link startLocalCloud} that have defaults, checked. */
export interface CheckedOptions {
  host: string;
  port: number;
  region: string;
  accountId: string;
  timeScale: number;
  log: (line: string) => void;
  adminToken: string;
}

/** Checks the options (throws on the first bad one) and fills in their defaults; warns about a non-loopback host. */
export function checkOptions(options: LocalCloudOptions): CheckedOptions {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 4566;
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const timeScale = options.timeScale ?? REAL_TIME;
  const log = options.log ?? ((line: string) => console.error(line));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer 0-65535, got: ${port}`);
  checkTimeScale(timeScale);
  if (!/^\d{12}$/.test(accountId)) throw new RangeError(`accountId must be 12 digits, got: ${accountId}`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new RangeError(`region must look like us-east-1, got: ${region}`);
  if (!isLoopbackHost(host)) {
    if (!options.allowNonLoopback) {
      throw new Error(`host ${host} is not a loopback address; the local cloud has no real authentication. Bind 127.0.0.1, or pass allowNonLoopback: true (CLI: --allow-non-loopback) if you really want it reachable from the network.`);
    }
    log(`[ecskit local] WARNING: listening on ${host}, reachable from the network. Anyone who can reach it can read and change the local cloud.`);
  }
  if (options.credentials) validateCredentials(options.credentials);
  if (options.preset !== undefined && !isAccountPresetName(options.preset)) {
    throw new RangeError(`preset must be one of ${Object.keys(ACCOUNT_PRESETS).join(', ')}, got: ${JSON.stringify(options.preset)}`);
  }
  const adminToken = options.adminToken !== undefined ? validateAdminToken(options.adminToken) : createAdminToken();
  if (options.fsync !== undefined && typeof options.fsync !== 'boolean') throw new TypeError(`fsync must be true or false, got: ${JSON.stringify(options.fsync)}`);
  if (options.fsync && !options.stateFile) throw new TypeError('fsync needs a stateFile: it makes the state file\'s journal durable against power loss');
  return { host, port, region, accountId, timeScale, log, adminToken };
}

/** The control plane of a cloud: its state, the state file's persister, and the account preset (applied again after a reset). */
export interface OpenedState {
  state: CloudState;
  persister: StatePersister | undefined;
  applyPreset: () => Promise<void>;
}

/** Creates the state serving the given services (default all of them), loads the state file and applies the account preset. */
export async function openState(options: LocalCloudOptions, checked: CheckedOptions): Promise<OpenedState> {
  const { accountId, timeScale, region, log } = checked;
  const state = new CloudState({ accountId, timeScale, services: options.services ?? allServices });
  // The ECS agents' log lines (why an EC2 instance does not register: no instance profile, …).
  state.events.on(AGENT_LOG_EVENT, (event: AgentLogEvent) => log(`[ecskit local] ${event.line}`));
  const persister = options.stateFile ? StatePersister.open(state, options.stateFile, { log, fsync: options.fsync ?? false }) : undefined;
  const applyPreset = async () => {
    if (options.preset && state.service('ecr') && state.service('iam')) await applyAccountPreset(state, options.preset, region);
  };
  try {
    await applyPreset();
  } catch (error) {
    persister?.close();
    throw error;
  }
  return { state, persister, applyPreset };
}

/** The runtime of a cloud (none with `runtime: false`) and the local images it runs. */
export interface StartedRuntime {
  runtime: LocalRuntime | undefined;
  images: ImageRegistry;
  /** The image registry the cloud created (and disposes on stop), when none was given. */
  ownImages: ImageRegistry | undefined;
  /** Whether the local ECR's OCI registry is served (`registry` not `false`, ECR served). */
  servesRegistry: boolean;
  /** Tells the container driver the registry's address (`127.0.0.1:<port>`) once the endpoint is bound. */
  setRegistryHost(host: string | undefined): void;
}

/** Starts the runtime (unless `runtime: false`) with the local images; on failure stops it and closes the state file. */
export async function startRuntime(options: LocalCloudOptions, log: (line: string) => void, { state, persister }: OpenedState): Promise<StartedRuntime> {
  const baseRuntimeOptions: RuntimeOptions | undefined = options.runtime === false ? undefined : options.runtime === true || options.runtime === undefined ? {} : options.runtime;
  if (options.driver !== undefined && !isTaskDriverName(options.driver)) throw new RangeError(`driver must be process or container, got: ${JSON.stringify(options.driver)}`);
  const runtimeOptions = baseRuntimeOptions && options.driver !== undefined && baseRuntimeOptions.driver === undefined ? { ...baseRuntimeOptions, driver: options.driver } : baseRuntimeOptions;
  const ownImages = options.images instanceof ImageRegistry || runtimeOptions?.images ? undefined : new ImageRegistry();
  const images = options.images instanceof ImageRegistry ? options.images : (runtimeOptions?.images ?? ownImages!);
  if (options.images && !(options.images instanceof ImageRegistry)) {
    for (const [name, image] of Object.entries(options.images)) images.register(name, image);
  }
  // The local ECR the container driver pulls ECR-named images from: known once the endpoint is bound
  // (images are resolved when tasks start, after that).
  const servesRegistry = options.registry !== false && state.service('ecr') !== undefined;
  let registryHost: string | undefined;
  const containerRegistry = servesRegistry && !runtimeOptions?.containerRegistry
    ? {
        get host(): string {
          if (!registryHost) throw new Error('the local ECR registry has no address yet');
          return registryHost;
        },
      }
    : undefined;
  let runtime: LocalRuntime | undefined;
  if (runtimeOptions) {
    runtime = new LocalRuntime(state, { log, ...(containerRegistry ? { containerRegistry } : {}), ...runtimeOptions, images });
    try {
      await runtime.start();
    } catch (error) {
      await runtime.stop();
      persister?.close();
      throw error;
    }
  }
  return { runtime, images, ownImages, servesRegistry, setRegistryHost: (host) => void (registryHost = host) };
}

/** The local ECR's OCI registry (`/v2/`), unless not served; its blobs next to the state file when there is one. */
export function openRegistry(options: LocalCloudOptions, checked: CheckedOptions, state: CloudState, servesRegistry: boolean): Registry | undefined {
  if (!servesRegistry || options.registry === false) return undefined;
  return createRegistry({
    state,
    region: checked.region,
    log: checked.log,
    ...options.registry,
    ...(options.registry?.dir === undefined && options.stateFile ? { dir: `${options.stateFile}.registry` } : {}),
  });
}

/** What the request listener of a cloud is built from. */
export interface ListenerParts {
  options: LocalCloudOptions;
  checked: CheckedOptions;
  opened: OpenedState;
  runtime: LocalRuntime | undefined;
  registry: Registry | undefined;
  /** The port once bound (the guard and the console's cookie name need it). */
  port: () => number | undefined;
}

/** The cloud's request listener: AWS protocols, admin endpoints, the console and the registry, behind the guard. */
export function cloudListener({ options, checked, opened, runtime, registry, port }: ListenerParts): RequestListener {
  const { region, accountId, log, adminToken, host } = checked;
  const { state, persister, applyPreset } = opened;
  return createRequestListener({
    state,
    region,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    adminToken,
    guard: {
      allowedHosts: [...(options.allowedHosts ?? []), ...hostsForBindAddress(host)],
      ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
      port,
    },
    log,
    afterReset: applyPreset,
    health: () => ({ region, accountId, timeScale: state.timeScale, ...(options.preset ? { preset: options.preset } : {}), ...(runtime ? { driver: runtime.driverName } : {}), ...(persister ? { persistence: persister.status() } : {}) }),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    ...(options.console === false ? {} : { console: createConsole({ state, region, adminToken, port, log }) }),
    // `/v2/…` is the registry (docker push), behind the same guard; everything else the AWS protocols.
    ...(registry ? { mounts: [registry.mount] } : {}),
  });
}

/** The HTTP server: large headers allowed, keep-alive longer than an SDK's idle gaps, a bare 400/431 for unparseable requests. */
export function cloudServer(listener: RequestListener): Server {
  const server: Server = createServer({ maxHeaderSize: 64 * 1024 }, listener);
  // Longer than an SDK client's idle gaps, so a reused keep-alive socket is not closed under it ("socket hang up").
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000; // above keepAliveTimeout, as Node requires for idle keep-alive sockets
  server.requestTimeout = 120_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else socket.destroy();
  });
  return server;
}

/** Listens on `port` of `host`; when that fails, stops the runtime, then runs `cleanup` and rejects (a taken port named as such). */
export function listen(server: Server, checked: CheckedOptions, runtime: LocalRuntime | undefined, cleanup: () => void): Promise<void> {
  const { port, host } = checked;
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      cleanup();
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is already in use; pick another with port (CLI: --port), or 0 for any free port`) : error);
    };
    const onListenError = (error: NodeJS.ErrnoException) => {
      void (runtime?.stop() ?? Promise.resolve()).finally(() => onError(error));
    };
    server.once('error', onListenError);
    server.listen(port, host, () => {
      server.off('error', onListenError);
      resolve();
    });
  });
}

/** The endpoint URL of a listening server (IPv6 in brackets). */
export function endpointOf(server: Server): { endpoint: string; port: number } {
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  return { endpoint: `http://${urlHost}:${address.port}`, port: address.port };
}

/** Tells the registry and the services the endpoint (a wildcard bind address named as 127.0.0.1). */
export function announceEndpoint(state: CloudState, registry: Registry | undefined, endpoint: string): void {
  registry?.setEndpoint(endpoint);
  setCloudEndpoint(state.events, endpoint.replace(/^http:\/\/(?:0\.0\.0\.0|\[::\])(?=:)/, 'http://127.0.0.1'));
}

/**
 * Writes the admin token file when `adminTokenFile` asks for it and returns its path;
 * when that fails, undoes the start (runtime, server, state file, registry) and throws.
 */
export async function writeTokenFile(options: LocalCloudOptions, adminToken: string, port: number, undo: () => Promise<void>): Promise<string | undefined> {
  if (!options.adminTokenFile) return undefined;
  try {
    const file = options.adminTokenFile === true ? defaultAdminTokenFile(port) : options.adminTokenFile;
    writeAdminTokenFile(file, adminToken);
    return file;
  } catch (error) {
    await undo();
    throw new Error(`cannot write the admin token file: ${(error as Error).message}`);
  }
}

/** What {@link cloudStopper} stops and closes. */
export interface StopParts {
  state: CloudState;
  server: Server;
  runtime: LocalRuntime | undefined;
  persister: StatePersister | undefined;
  registry: Registry | undefined;
  ownImages: ImageRegistry | undefined;
  adminTokenFile: string | undefined;
}

/** The cloud's `stop()`: task processes end first (their final state is saved), then the server; safe to call twice. */
export function cloudStopper({ state, server, runtime, persister, registry, ownImages, adminTokenFile }: StopParts): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= new Promise<void>((resolve) => {
      state.events.emit('cloud:stopping');
      const closeServer = () => {
        server.close(() => resolve());
        server.closeAllConnections();
      };
      // Task processes end before the endpoint goes away (their final state is saved).
      if (runtime) runtime.stop().finally(closeServer);
      else closeServer();
    }).then(() => {
      if (adminTokenFile) removeAdminTokenFile(adminTokenFile);
      persister?.close();
      registry?.close();
      ownImages?.dispose(); // the built-in images' data files
      state.events.emit('cloud:stopped');
    }));
}

/** The {@link LocalCloud} a started cloud answers with. */
export function localCloud(parts: { checked: CheckedOptions; options: LocalCloudOptions; endpoint: string; state: CloudState; started: StartedRuntime; registry: Registry | undefined; adminTokenFile: string | undefined; stop: () => Promise<void> }): LocalCloud {
  const { checked, options, endpoint, state, started, registry, adminTokenFile, stop } = parts;
  const { region, accountId, adminToken } = checked;
  const { runtime, images } = started;
  const registryInfo = registry ? { dir: registry.dir, address: new URL(endpoint).host.replace(/^(?:0\.0\.0\.0|\[::\])(?=:)/, '127.0.0.1') } : undefined;
  started.setRegistryHost(registryInfo?.address);
  const dns = runtime?.context.dns ? { host: runtime.context.dns.host, port: runtime.context.dns.port } : undefined;
  const consoleUrl = options.console === false ? undefined : `${endpoint}${CONSOLE_PATH}?token=${encodeURIComponent(adminToken)}`;
  return { endpoint, region, accountId, state, images, runtime, adminToken, adminTokenFile, registry: registryInfo, dns, consoleUrl, registerImage: (name, image) => void images.register(name, image), stop };
}
