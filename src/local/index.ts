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
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudState } from './core/cloud-state.js';
import { checkTimeScale, REAL_TIME } from '../time-scale.js';
import { setCloudEndpoint } from './core/endpoint.js';
import type { ServiceDefinition } from './core/types.js';
import { ImageRegistry, type LocalImage } from './runtime/images.js';
import { isTaskDriverName, type TaskDriverName } from './runtime/drivers/index.js';
import { LocalRuntime, type RuntimeOptions } from './runtime/runtime.js';
import { createRequestListener, type RequestLogEntry } from './server/handler.js';
import { createAdminToken, defaultAdminTokenFile, removeAdminTokenFile, validateAdminToken, writeAdminTokenFile } from './server/admin-token.js';
import { hostsForBindAddress } from './server/guard.js';
import { CONSOLE_PATH, createConsole } from './console/index.js';
import { StatePersister, StateFileError } from './server/persistence.js';
import { createRegistry, type Registry } from './services/ecr/registry.js';
import { ACCOUNT_PRESETS, applyAccountPreset, isAccountPresetName, type AccountPresetName } from './presets.js';

export { CloudState, type CloudStateOptions, type StateSnapshot } from './core/cloud-state.js';
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
export { LocalRuntime, defaultMaxTasks, TASK_MEMORY_BUDGET_MIB, type RuntimeOptions } from './runtime/runtime.js';
export type { LocalRegistry } from './runtime/drivers/container-image.js';
export type { ContainerInstanceDefaults, LiveContainer, LiveTask, RuntimeComponent, RuntimeContext } from './runtime/context.js';
export type { ContainerProcess, ContainerExit } from './runtime/container-process.js';
export type { AddressPool } from './runtime/addresses.js';
export { isTaskDriverName, TASK_DRIVERS, type TaskDriver, type TaskDriverName } from './runtime/drivers/index.js';
export type { ContainerMount, ContainerSpec, RunningContainer, ContainerInspection, ContainerSample, DriverImage, ImageResolution, HealthProbe, OutputSink } from './runtime/drivers/driver.js';
export type { MetadataServer, ContainerMetadata } from './runtime/metadata-server.js';
export { installLocalhostResolution, uninstallLocalhostResolution, isLocalhostName } from './runtime/load-balancing/localhost-dns.js';

/** Options of {@link startLocalCloud}. */
export interface LocalCloudOptions {
  /** Interface to bind. Default `127.0.0.1`. A non-loopback address also needs {@link LocalCloudOptions.allowNonLoopback}. */
  host?: string;
  /** TCP port. Default `4566`; `0` picks any free port (read it from `endpoint`). */
  port?: number;
  /** Region used for requests that carry no SigV4 scope. Default `us-east-1`. */
  region?: string;
  /** Account id of every resource. Default `123456789012`. */
  accountId?: string;
  /** Multiplies every AWS duration (health-check intervals, grace periods, …). Default `1`; `0.05` runs 20× faster. */
  timeScale?: number;
  /**
   * JSON file the state is loaded from at start and saved to after changes and on stop. Every
   * state-changing API call is first appended to `<stateFile>.journal` (a synchronous write before it
   * answers), so acknowledged writes survive a crash. Default: in memory only.
   */
  stateFile?: string;
  /** With `stateFile`: also fsync each journal append, so acknowledged writes survive power loss (costs a disk flush per call). Default `false`. */
  fsync?: boolean;
  /**
   * When set, every request must carry a valid SigV4 signature made with these
   * credentials (answered with AWS's `InvalidSignatureException`/`SignatureDoesNotMatch`,
   * `UnrecognizedClientException`/`InvalidClientTokenId`, `IncompleteSignature` otherwise).
   * Default: signatures are read for their scope but not checked.
   */
  credentials?: {
    /** Access key id requests must be signed with. */
    accessKeyId: string;
    /** Secret access key requests must be signed with. */
    secretAccessKey: string;
  };
  /** Required to bind a non-loopback `host`: the local cloud has no real authentication. */
  allowNonLoopback?: boolean;
  /**
   * Host names served besides the loopback ones (`localhost`, `*.localhost`,
   * 127.0.0.0/8, `[::1]`) and a non-loopback `host`. A request with any other
   * `Host` is refused (403), which stops DNS-rebinding web pages. CLI: `--allow-host`.
   */
  allowedHosts?: readonly string[];
  /**
   * Origins (`http://host:port`) whose web pages may call the cloud besides
   * its own. A request with any other `Origin` (or `Origin: null`) is refused.
   * CLI: `--allow-origin`.
   */
  allowedOrigins?: readonly string[];
  /**
   * The admin token `/_ecskit/*` endpoints require (`Authorization: Bearer <token>`);
   * 16-256 visible ASCII characters. Default: a new random token per start.
   */
  adminToken?: string;
  /**
   * Writes the admin token to a file (mode 0600) and removes it on stop:
   * `true` for `<tmpdir>/ecskit-<uid>/admin-token-<port>`, or a path. Default:
   * no file (the CLI passes `true`).
   */
  adminTokenFile?: string | boolean;
  /** Largest accepted request body in bytes. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Log sink for warnings and internal errors. Default `console.error`. */
  log?: (line: string) => void;
  /** Services to serve (tests). Default: all of them. */
  services?: readonly ServiceDefinition[];
  /**
   * The runtime that runs tasks as local processes, load balancers as proxies
   * and metrics/alarms/scaling. Default `true`; `false` serves the control
   * plane only (nothing runs; StopTask stops at once). Options tune it
   * (`containerInstances`, `tickMs`, `dnsPort`, …). A new cluster has no
   * container instances (as on AWS) unless `containerInstances.count` asks
   * for instant virtual ones: EC2 instances launched with `ECS_CLUSTER=<name>`
   * user data register with it once they run.
   */
  runtime?: boolean | RuntimeOptions;
  /**
   * What runs task containers: `process` (default; a child process per
   * container, needs nothing) or `container` (a Docker/Podman container per
   * container definition; starting fails, naming the fix, when no engine
   * answers). Same as `runtime: { driver }`, which wins when both are set.
   */
  driver?: TaskDriverName;
  /**
   * Local images to add to the built-in ones (`flask-inventory/invsys`,
   * `flask-inventory/gateway`, `ecskit/unhealthy`, `ecskit/crash`), by
   * `repository` or `repository:tag`; or a whole {@link ImageRegistry}.
   */
  images?: ImageRegistry | Readonly<Record<string, LocalImage>>;
  /**
   * Called once per answered request with its service, operation, HTTP status
   * and milliseconds (`ecskit local --verbose` prints one line each). Default: none.
   */
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Resources the account starts with besides a new AWS account's defaults
   * (default VPC, subnets, security group). `lab`: the ECS lab's ECR
   * repositories and IAM roles ({@link ACCOUNT_PRESETS}), created at start when
   * missing and again after a reset. Default: none. CLI: `--preset lab`.
   */
  preset?: AccountPresetName;
  /** Serve the web console at `/_ecskit/console` (see {@link LocalCloud.consoleUrl}). Default `true`. */
  console?: boolean;
  /**
   * The local ECR's OCI registry under `/v2/` on the same endpoint (`docker push 127.0.0.1:<port>/<repo>:<tag>`).
   * Default on, blobs in a temporary directory removed on stop — or in `<stateFile>.registry/` (kept) when
   * `stateFile` is set. `false` turns it off. See docs/containers.md.
   */
  registry?: false | LocalRegistryOptions;
}

/** Options of the local cloud's OCI registry ({@link LocalCloudOptions.registry}). */
export interface LocalRegistryOptions {
  /** Directory for blobs (kept on stop). Default: see {@link LocalCloudOptions.registry}. */
  dir?: string;
  /** Largest blob (layer) in bytes. Default 2 GiB. */
  maxBlobBytes?: number;
  /** Largest manifest in bytes. Default 4 MiB. */
  maxManifestBytes?: number;
}

/** A running local cloud, from {@link startLocalCloud}. */
export interface LocalCloud {
  /** Base URL for SDK clients (`endpoint`) and the AWS CLI (`--endpoint-url`), e.g. `http://127.0.0.1:4566`. */
  readonly endpoint: string;
  /** Default region. */
  readonly region: string;
  /** Account id. */
  readonly accountId: string;
  /**
   * The control-plane state and its event bus. The runtime (task processes,
   * load balancers, health checks) subscribes to `state.events`.
   */
  readonly state: CloudState;
  /** The local images task definitions can name (shared with the runtime). */
  readonly images: ImageRegistry;
  /** The runtime, unless started with `runtime: false`. */
  readonly runtime: LocalRuntime | undefined;
  /** The token `/_ecskit/*` admin endpoints require as `Authorization: Bearer <token>`. */
  readonly adminToken: string;
  /** Where the admin token was written (mode 0600), if {@link LocalCloudOptions.adminTokenFile} asked for it. */
  readonly adminTokenFile: string | undefined;
  /**
   * The DNS server that answers the Cloud Map names of private namespaces
   * (e.g. `dig @127.0.0.1 -p <port> invsys.local`), when the runtime runs.
   */
  readonly dns:
    | {
        /** The address it listens on (loopback). */
        readonly host: string;
        /** Its UDP and TCP port. */
        readonly port: number;
      }
    | undefined;
  /**
   * The web console's URL, carrying the admin token as Jupyter's URLs do
   * (`http://127.0.0.1:4566/_ecskit/console?token=…`): opening it in a browser
   * on this machine swaps the token for a session cookie. `undefined` with
   * `console: false`. Treat it like the admin token.
   */
  readonly consoleUrl: string | undefined;
  /**
   * The local ECR's OCI registry (`/v2/` on {@link endpoint}), unless started with `registry: false`:
   * `dir` holds its blobs; `address` is what `docker push` names (`127.0.0.1:<port>`).
   */
  readonly registry:
    | {
        /** The directory holding the registry's blobs and manifests. */
        readonly dir: string;
        /** `127.0.0.1:<port>`, the registry host image names carry. */
        readonly address: string;
      }
    | undefined;
  /** Registers a local image (`repository` for any tag, or `repository:tag`); tasks started later can use it. */
  registerImage(name: string, image: LocalImage): void;
  /** Stops every task process, then accepting requests, closes connections and saves the state file. Safe to call twice. */
  stop(): Promise<void>;
}

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

/**
 * Starts the local cloud's HTTP endpoint.
 *
 * @throws {@link StateFileError} when `stateFile` exists but is corrupt.
 * @throws Error when `host` is not loopback and `allowNonLoopback` is not set, or the port is taken.
 */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
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
  let boundPort: number | undefined;

  const state = new CloudState({ accountId, timeScale, ...(options.services ? { services: options.services } : {}) });
  if (options.fsync !== undefined && typeof options.fsync !== 'boolean') throw new TypeError(`fsync must be true or false, got: ${JSON.stringify(options.fsync)}`);
  if (options.fsync && !options.stateFile) throw new TypeError('fsync needs a stateFile: it makes the state file\'s journal durable against power loss');
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

  const registry: Registry | undefined =
    !servesRegistry || options.registry === false
      ? undefined
      : createRegistry({
          state,
          region,
          log,
          ...options.registry,
          ...(options.registry?.dir === undefined && options.stateFile ? { dir: `${options.stateFile}.registry` } : {}),
        });
  const listener = createRequestListener({
    state,
    region,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    adminToken,
    guard: {
      allowedHosts: [...(options.allowedHosts ?? []), ...hostsForBindAddress(host)],
      ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
      port: () => boundPort,
    },
    log,
    afterReset: applyPreset,
    health: () => ({ region, accountId, timeScale, ...(options.preset ? { preset: options.preset } : {}), ...(runtime ? { driver: runtime.driverName } : {}), ...(persister ? { persistence: persister.status() } : {}) }),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    ...(options.console === false ? {} : { console: createConsole({ state, region, adminToken, port: () => boundPort, log }) }),
    // `/v2/…` is the registry (docker push), behind the same guard; everything else the AWS protocols.
    ...(registry ? { mounts: [registry.mount] } : {}),
  });
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

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      persister?.close();
      registry?.close();
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
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  const endpoint = `http://${urlHost}:${address.port}`;
  registry?.setEndpoint(endpoint);
  setCloudEndpoint(state.events, endpoint.replace(/^http:\/\/(?:0\.0\.0\.0|\[::\])(?=:)/, 'http://127.0.0.1'));
  boundPort = address.port;
  let adminTokenFile: string | undefined;
  if (options.adminTokenFile) {
    try {
      adminTokenFile = options.adminTokenFile === true ? defaultAdminTokenFile(address.port) : options.adminTokenFile;
      writeAdminTokenFile(adminTokenFile, adminToken);
    } catch (error) {
      await runtime?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      persister?.close();
      registry?.close();
      throw new Error(`cannot write the admin token file: ${(error as Error).message}`);
    }
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
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

  const registryInfo = registry ? { dir: registry.dir, address: new URL(endpoint).host.replace(/^(?:0\.0\.0\.0|\[::\])(?=:)/, '127.0.0.1') } : undefined;
  registryHost = registryInfo?.address;
  const dns = runtime?.context.dns ? { host: runtime.context.dns.host, port: runtime.context.dns.port } : undefined;
  const consoleUrl = options.console === false ? undefined : `${endpoint}${CONSOLE_PATH}?token=${encodeURIComponent(adminToken)}`;
  return { endpoint, region, accountId, state, images, runtime, adminToken, adminTokenFile, registry: registryInfo, dns, consoleUrl, registerImage: (name, image) => void images.register(name, image), stop };
}
