/**
 * `connect()`: the typed bundle of AWS SDK v3 clients ecskit works with,
 * sharing one region, one credential provider and one endpoint.
 *
 * @module
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient, type ECSClientConfig } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { EcskitError } from './errors.js';

/** Options of {@link connect}; anything left out comes from the standard AWS chain. */
export interface ConnectOptions {
  /** Region, e.g. `us-east-1`; default: `AWS_REGION`, then `AWS_DEFAULT_REGION` (as the AWS CLI reads it), then the profile's `region`. */
  readonly region?: string;
  /** Static credentials or a provider; default: the SDK's Node provider chain (env, SSO, profile, IMDS, …). */
  readonly credentials?: ECSClientConfig['credentials'];
  /** Shared-config profile; default: `AWS_PROFILE`, then `default`. */
  readonly profile?: string;
  /**
   * One endpoint for every service, e.g. the local cloud's `http://127.0.0.1:4566`;
   * default: `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then AWS.
   */
  readonly endpoint?: string;
  /** Attempts per request including the first (SDK default 3). */
  readonly maxAttempts?: number;
  /**
   * Let the SDK print its Node.js version support warning. ecskit silences it by
   * default (see {@link connect}); an `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED`
   * you set yourself always wins.
   */
  readonly sdkNodeVersionWarning?: boolean;
}

/** The typed bundle {@link connect} returns. */
export interface Clients {
  /** Amazon ECS. */
  readonly ecs: ECSClient;
  /** AWS Cloud Map. */
  readonly serviceDiscovery: ServiceDiscoveryClient;
  /** Elastic Load Balancing v2. */
  readonly elbv2: ElasticLoadBalancingV2Client;
  /** Application Auto Scaling. */
  readonly autoScaling: ApplicationAutoScalingClient;
  /** CloudWatch metrics, alarms and dashboards. */
  readonly cloudWatch: CloudWatchClient;
  /** CloudWatch Logs. */
  readonly logs: CloudWatchLogsClient;
  /** EC2, for the default VPC and subnet lookups and the tasks' security groups. */
  readonly ec2: EC2Client;
  /** ECR: repositories, images, and the registry login token (`pushImage()`, `ensureImage()`). */
  readonly ecr: ECRClient;
  /** IAM, for the roles task definitions and scalable targets name (the lab's setup ensures them). */
  readonly iam: IAMClient;
  /** The region every client uses, as resolved. */
  readonly region: string;
  /** The shared endpoint when one was given (option or `AWS_ENDPOINT_URL`); per-service env overrides still apply. */
  readonly endpoint?: string;
}

/** Thrown by {@link connect} when no region can be resolved. */
export class ConnectError extends EcskitError {
  /** Always `'ConnectError'`, so the error is recognisable after serialisation or across realms. */
  override readonly name = 'ConnectError';
  /** Always `'ConnectError'`. */
  readonly code = 'ConnectError';
}

const WARNING_ENV = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * Runs `create` with the SDK's documented opt-out for its Node.js version
 * warning set, unless the user set it or asked for the warning. The SDK
 * checks the variable while constructing a client and then latches its
 * once-per-process flag, so clients created later stay quiet too.
 */
function quietly<T>(allowWarning: boolean, create: () => T): T {
  if (allowWarning || process.env[WARNING_ENV] !== undefined) return create();
  process.env[WARNING_ENV] = 'true';
  try {
    return create();
  } finally {
    delete process.env[WARNING_ENV];
  }
}

/**
 * Creates the nine SDK clients ecskit uses. Only the options you pass are set
 * on them; everything else (region, profile, credentials, endpoints, retries)
 * resolves through the SDK's standard chain exactly as a plain client would,
 * including per-service `AWS_ENDPOINT_URL_ECS`-style overrides. All clients
 * share one credential provider, so credentials are resolved (and refreshed)
 * once.
 *
 * The AWS SDK prints a `NodeVersionSupportWarning` on Node.js < 22 when a
 * client is first created. `connect()` sets the SDK's documented opt-out,
 * `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true`, only while it
 * constructs the clients (and not when you set that variable yourself or pass
 * `sdkNodeVersionWarning: true`).
 *
 * @throws {@link ConnectError} when no region is configured.
 * @example
 * ```ts
 * const aws = await connect({ endpoint: 'http://127.0.0.1:4566', region: 'us-east-1' });
 * await aws.ecs.send(new ListClustersCommand({}));
 * aws.region;   // 'us-east-1'
 * aws.endpoint; // 'http://127.0.0.1:4566'
 * close(aws);
 * ```
 */
export async function connect(options: ConnectOptions = {}): Promise<Clients> {
  // The SDK reads AWS_REGION and the profile, but not the CLI's AWS_DEFAULT_REGION.
  const region = options.region ?? (process.env.AWS_REGION ? undefined : process.env.AWS_DEFAULT_REGION || undefined);
  const base = {
    ...(region !== undefined && { region }),
    ...(options.credentials !== undefined && { credentials: options.credentials }),
    ...(options.profile !== undefined && { profile: options.profile }),
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
  };
  const ignoreEnv = process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true';
  const endpoint = options.endpoint ?? (ignoreEnv ? undefined : process.env.AWS_ENDPOINT_URL || undefined);
  const discoveryEndpoint = endpoint ?? (ignoreEnv ? undefined : process.env.AWS_ENDPOINT_URL_SERVICEDISCOVERY || undefined);
  const clients = quietly(options.sdkNodeVersionWarning === true, () => {
    const ecs = new ECSClient(base);
    // One memoised provider for all: resolved by the first client per the standard chain.
    const shared = { ...base, credentials: options.credentials ?? ecs.config.credentials };
    return {
      ecs,
      // DiscoverInstances goes to a `data-` host prefix on AWS; against a custom
      // endpoint (the local cloud, an IP) that host does not exist.
      serviceDiscovery: new ServiceDiscoveryClient(discoveryEndpoint ? { ...shared, disableHostPrefix: true } : shared),
      elbv2: new ElasticLoadBalancingV2Client(shared),
      autoScaling: new ApplicationAutoScalingClient(shared),
      cloudWatch: new CloudWatchClient(shared),
      logs: new CloudWatchLogsClient(shared),
      ec2: new EC2Client(shared),
      ecr: new ECRClient(shared),
      iam: new IAMClient(shared),
    };
  });
  let resolved: string;
  try {
    resolved = await clients.ecs.config.region();
  } catch (error) {
    close(clients);
    throw new ConnectError(
      'region: no AWS region is configured; set AWS_REGION (or AWS_DEFAULT_REGION), a region in your AWS profile, or connect({ region: "us-east-1" })',
      { cause: error },
    );
  }
  return endpoint === undefined ? { ...clients, region: resolved } : { ...clients, region: resolved, endpoint };
}

/**
 * Destroys every client of a bundle, closing their sockets so the process can
 * exit. Safe to call more than once.
 *
 * @example
 * ```ts
 * const aws = await connect();
 * try { await deploy(aws, …); } finally { close(aws); }
 * ```
 */
export function close(
  clients: Pick<Clients, 'ecs' | 'serviceDiscovery' | 'elbv2' | 'autoScaling' | 'cloudWatch' | 'logs'> & { readonly ec2?: EC2Client; readonly ecr?: ECRClient; readonly iam?: IAMClient },
): void {
  for (const client of [
    clients.ecs,
    clients.serviceDiscovery,
    clients.elbv2,
    clients.autoScaling,
    clients.cloudWatch,
    clients.logs,
    clients.ec2,
    clients.ecr,
    clients.iam,
  ]) {
    client?.destroy();
  }
}
