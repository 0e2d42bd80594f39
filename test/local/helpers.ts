/**
 * Shared test harness for the local cloud: starts it on 127.0.0.1 with a
 * free port and returns SDK v3 clients pointed at it, plus raw signed
 * request helpers for services whose SDK client is not installed (EC2, IAM,
 * STS).
 *
 * ```ts
 * const t = await startTestCloud();
 * try {
 *   await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'a' }));
 *   const sts = await t.query('sts', 'GetCallerIdentity');
 *   assert.equal(sts.status, 200);
 * } finally {
 *   await t.stop();
 * }
 * ```
 *
 * @internal
 */
import { createHash, createHmac } from 'node:crypto';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AddRoleToInstanceProfileCommand, AttachRolePolicyCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { XMLParser } from 'fast-xml-parser';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../src/local/index.js';

/** Dummy credentials every test client signs with. */
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** API versions for Query-protocol services (the `Version=` form parameter). */
export const QUERY_VERSIONS: Record<string, string> = {
  sts: '2011-06-15',
  iam: '2010-05-08',
  ec2: '2016-11-15',
  elasticloadbalancing: '2015-12-01',
  monitoring: '2010-08-01',
};

/** A raw HTTP answer with its body parsed. */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** XML parsed by fast-xml-parser (Query/EC2), or `undefined`. */
  xml?: any;
  /** JSON body (JSON protocols), or `undefined`. */
  json?: any;
}

/** The SDK clients of {@link TestCloud}. */
export interface TestClients {
  ecs: ECSClient;
  serviceDiscovery: ServiceDiscoveryClient;
  elbv2: ElasticLoadBalancingV2Client;
  autoScaling: ApplicationAutoScalingClient;
  cloudWatch: CloudWatchClient;
  logs: CloudWatchLogsClient;
}

/** A running local cloud plus clients; always `await stop()` in `finally` or `after`. */
export interface TestCloud {
  cloud: LocalCloud;
  clients: TestClients;
  /**
   * Signed AWS Query / EC2 Query POST (`Action`, `Version` added). Params are
   * already-flattened wire names: `{ 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': 'vpc-1' }`.
   */
  query(service: string, action: string, params?: Record<string, string | number | boolean>, options?: { region?: string }): Promise<RawResponse>;
  /** Signed JSON-protocol POST with `X-Amz-Target: <target>`. */
  json(service: string, target: string, body: unknown, options?: { region?: string; version?: '1.0' | '1.1' }): Promise<RawResponse>;
  /** Stops the cloud and destroys the clients. */
  stop(): Promise<void>;
}

const xmlParser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === 'member' || name === 'item' });

/** Parses XML the way tests want to read it (`member`/`item` always arrays, values strings). */
export function parseXml(text: string): any {
  return xmlParser.parse(text);
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** SigV4-signs a POST to `/` of `endpoint` for `service` and sends it with fetch. */
export async function signedPost(
  endpoint: string,
  service: string,
  region: string,
  headers: Record<string, string>,
  body: string | Buffer,
  credentials: { accessKeyId: string; secretAccessKey: string } = TEST_CREDENTIALS,
): Promise<RawResponse> {
  const url = new URL(endpoint);
  const now = new Date();
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const all: Record<string, string> = { ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), host: url.host, 'x-amz-date': amzDate };
  const names = Object.keys(all).sort();
  const canonical = ['POST', '/', '', ...names.map((n) => `${n}:${all[n]!.trim()}`), '', names.join(';'), sha256(body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), region), service), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  all.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  delete all.host;
  const response = await fetch(new URL('/', endpoint), { method: 'POST', headers: all, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await response.text();
  const out: RawResponse = { status: response.status, headers: response.headers, text };
  if (text.startsWith('<')) out.xml = parseXml(text);
  else if (text.startsWith('{')) out.json = JSON.parse(text);
  return out;
}

/**
 * Starts a local cloud on a free loopback port with SDK clients pointed at it.
 * The control plane only, unless `runtime` is passed (`true` or runtime
 * options). With a runtime, every new cluster gets two virtual container
 * instances unless the options size them (`runtime.containerInstances`): the
 * tests of tasks and services want capacity at once, which a local cloud
 * only gives when asked to (by default a cluster has the EC2 instances whose
 * agents join it, as on AWS).
 */
export async function startTestCloud(options: LocalCloudOptions = {}): Promise<TestCloud> {
  const runtime = options.runtime === undefined || options.runtime === false ? false : options.runtime === true ? {} : options.runtime;
  const withCapacity = runtime === false ? false : { ...runtime, containerInstances: { count: 2, ...runtime.containerInstances } };
  const cloud = await startLocalCloud({ host: '127.0.0.1', port: 0, log: () => {}, ...options, runtime: withCapacity });
  const config = {
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: options.credentials ?? TEST_CREDENTIALS,
    maxAttempts: 1,
  };
  const clients: TestClients = {
    ecs: new ECSClient(config),
    serviceDiscovery: new ServiceDiscoveryClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    autoScaling: new ApplicationAutoScalingClient(config),
    cloudWatch: new CloudWatchClient(config),
    logs: new CloudWatchLogsClient(config),
  };
  const credentials = options.credentials ?? TEST_CREDENTIALS;
  return {
    cloud,
    clients,
    query: (service, action, params = {}, opts = {}) => {
      const form = new URLSearchParams({ Action: action, Version: QUERY_VERSIONS[service] ?? '' });
      for (const [k, v] of Object.entries(params)) form.append(k, String(v));
      return signedPost(cloud.endpoint, service, opts.region ?? cloud.region, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, form.toString(), credentials);
    },
    json: (service, target, body, opts = {}) =>
      signedPost(
        cloud.endpoint,
        service,
        opts.region ?? cloud.region,
        { 'content-type': `application/x-amz-json-${opts.version ?? '1.1'}`, 'x-amz-target': target },
        JSON.stringify(body),
        credentials,
      ),
    stop: async () => {
      for (const client of Object.values(clients)) client.destroy();
      await cloud.stop();
    },
  };
}

/** The AWS-managed policy of the ECS container instance role. */
export const ECS_INSTANCE_ROLE_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role';

/**
 * Creates, through the IAM API as a user does, the ECS container instance
 * role `name` (trusted by EC2, {@link ECS_INSTANCE_ROLE_POLICY} attached) and
 * the instance profile `name` holding it: what the ECS agent of an instance
 * needs to register it. Returns the `IamInstanceProfile` for RunInstances.
 */
export async function createEcsInstanceProfile(cloud: Pick<LocalCloud, 'endpoint' | 'region'>, name = 'ecsInstanceRole'): Promise<{ Name: string }> {
  const iam = new IAMClient({ endpoint: cloud.endpoint, region: cloud.region, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  try {
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: ECS_INSTANCE_ROLE_POLICY }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }));
  } finally {
    iam.destroy();
  }
  return { Name: name };
}

/** An error thrown by an SDK v3 client. */
export type SdkError = Error & { $fault?: 'client' | 'server'; $metadata: { httpStatusCode?: number; requestId?: string }; Code?: string; Type?: string };

/** Awaits a call that must fail and returns its error (fails the test if it succeeds). */
export async function rejection(call: Promise<unknown>): Promise<SdkError> {
  try {
    await call;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
