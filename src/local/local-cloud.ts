/**
 * The shapes of the local cloud's entry: the options of `startLocalCloud`
 * and the running cloud it returns (`ecskit/local` re-exports them).
 *
 * @module
 */
import type { CloudState } from './cloud-state.js';
import type { ServiceDefinition } from './core/types.js';
import type { ImageRegistry, LocalImage } from './runtime/images.js';
import type { TaskDriverName } from './runtime/drivers/index.js';
import type { LocalRuntime } from './local-runtime.js';
import type { RuntimeOptions } from './runtime/runtime.js';
import type { RequestLogEntry } from './server/handler.js';
import type { ACCOUNT_PRESETS, AccountPresetName } from './presets.js';

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
   * user data and an instance profile whose role may call ECS (the lab's
   * `ecsInstanceRole`) register with it once they run.
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
