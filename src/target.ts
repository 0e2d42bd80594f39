/**
 * `openTarget()`: where a script's AWS calls go. The same script runs against
 * a real AWS account only when asked explicitly (`--target aws` or
 * `ECSKIT_TARGET=aws`); otherwise against an ecskit local cloud: the one at
 * `AWS_ENDPOINT_URL` when it answers as one, else one started in this process
 * with a small time scale and the lab's apps as local images. AWS credentials
 * or `AWS_PROFILE` in the environment never select AWS on their own.
 *
 * @module
 */
import { close, connect, type Clients, type ConnectOptions } from './clients.js';
import { EcskitError } from './errors.js';
import { remoteClock } from './local-clock.js';
import { isTimeScaleFactor, LOCAL_SCRIPT_TIME_SCALE, REAL_TIME } from './time-scale.js';

/** Which cloud a script talks to. */
export type TargetKind = 'local' | 'aws';

/** Options of {@link openTarget}. */
export interface TargetOptions {
  /**
   * `aws`, `local`, or `auto` (default): `ECSKIT_TARGET` when set, else the
   * ecskit local cloud at `AWS_ENDPOINT_URL` if one answers there, else a
   * local cloud in this process. Never AWS unless `aws` is asked for.
   */
  readonly target?: TargetKind | 'auto';
  /** Local cloud only: multiplies every AWS duration (default {@link LOCAL_SCRIPT_TIME_SCALE}, 0.02: a 30 s health-check interval takes 0.6 s). Refused unless a finite number above 0. */
  readonly timeScale?: number;
  /**
   * Local cloud started in this process only: what runs its tasks, `process`
   * (default) or `container` (Docker/Podman; opening fails, naming the fix,
   * when no engine answers). A cloud reached through `AWS_ENDPOINT_URL` keeps
   * the driver it was started with (`ecskit local --driver`), so giving one
   * there is refused.
   */
  readonly driver?: 'process' | 'container';
  /** Region (default `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's on AWS; on a local cloud its own region, else `us-east-1`). */
  readonly region?: string;
  /** Further `connect()` options for the AWS target. */
  readonly connect?: ConnectOptions;
  /** Local cloud only: where its diagnostics go. Default: stderr when `ECSKIT_DEBUG` is set, else nowhere. */
  readonly log?: (line: string) => void;
  /** Environment to read (tests pass their own). Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** An open target: the clients, and for the local cloud the running emulator. */
export interface Target {
  /** `local` or `aws`. */
  readonly kind: TargetKind;
  /** The SDK clients, pointed at the target. */
  readonly clients: Clients;
  /** The region the clients use. */
  readonly region: string;
  /** The endpoint the clients use when it is not AWS's own: the local cloud's (`http://127.0.0.1:PORT`), or the `AWS_ENDPOINT_URL` / `connect.endpoint` given for `aws`. */
  readonly endpoint?: string;
  /** The local cloud itself (for `registerImage`, `state`…), when local. */
  readonly local?: import('./local/index.js').LocalCloud;
  /**
   * How fast AWS durations pass on this target, as a factor: 1 on AWS; the
   * local cloud's time scale on a local cloud — the one started in this
   * process, or an `ecskit local` reached through `AWS_ENDPOINT_URL` (read
   * from its `GET /_ecskit/health`). Scripts scale their waits, poll
   * intervals and load durations by it: `new TimeScale(target.timeScale)`
   * ({@link TimeScale}) has the conversions and waiter pacing.
   */
  readonly timeScale: number;
  /**
   * What runs the tasks when the target is an ecskit local cloud: `process`
   * or `container` (`--driver`), from the cloud in this process or the
   * `GET /_ecskit/health` of an `ecskit local`. Undefined on AWS.
   */
  readonly driver?: 'process' | 'container';
  /**
   * True when the target is an ecskit local cloud rather than AWS: always
   * for `local`, and for `aws` when its endpoint turns out to be an
   * `ecskit local` (then the clients are the usual AWS ones, pointed at it).
   */
  readonly emulated: boolean;
  /**
   * Changes the time scale of the local cloud this target runs on, while it
   * runs (`cloud.state.setTimeScale`): present for the cloud started in
   * this process, and for an `ecskit local` at `AWS_ENDPOINT_URL` whose
   * admin token this process has (`ECSKIT_ADMIN_TOKEN`, or the token file
   * `ecskit local` wrote for a loopback port), through
   * `PUT /_ecskit/time-scale`. Absent on AWS, whose clock is its own; then
   * {@link Target.clockFixedBecause} says why. {@link Target.timeScale} keeps
   * the factor the target was opened with.
   *
   * @example
   * ```ts
   * await target.setTimeScale?.(0.1); // an AWS minute now lasts 6 s on this cloud
   * ```
   */
  readonly setTimeScale?: (factor: number) => Promise<void>;
  /** Why {@link Target.setTimeScale} is absent: AWS, or an `ecskit local` elsewhere without its admin token (and how to give it). */
  readonly clockFixedBecause?: string;
  /** The account id, from STS `GetCallerIdentity` when the target was opened. */
  readonly accountId: string;
  /**
   * AWS settings found in the environment that `auto` did not use
   * (`AWS_PROFILE`, `AWS_ACCESS_KEY_ID`, …): scripts say they were ignored
   * and that `--target aws` uses them.
   */
  readonly ignoredEnv?: readonly string[];
  /** Closes the clients, and stops the local cloud and every task process it runs. */
  close(): Promise<void>;
}

/** Thrown when the target cannot be used: no credentials, no region, an endpoint that is not there. */
export class TargetError extends EcskitError {
  /** Always `TargetError`. */
  override readonly name = 'TargetError';
  /** Always `'TargetError'`. */
  readonly code = 'TargetError';
}

/** AWS settings that, before issue #12.7, silently selected AWS; `auto` now only reports them. */
const AWS_SIGNALS = [
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SESSION_TOKEN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_ENDPOINT_URL_ECS',
];

/** Environment variables as {@link detectTarget} reads them (`process.env` by default). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The target `auto` resolves to for an environment: `aws` only when
 * `ECSKIT_TARGET=aws`. AWS credentials, `AWS_PROFILE` or an
 * `AWS_ENDPOINT_URL` never select a real account (an `AWS_ENDPOINT_URL` is
 * used only once it answers as an ecskit local cloud, see {@link openTarget}).
 *
 * @throws {@link TargetError} when `ECSKIT_TARGET` is not `aws`, `local` or `auto`.
 * @example
 * ```ts
 * detectTarget({ AWS_PROFILE: 'prod' });   // 'local'
 * detectTarget({ ECSKIT_TARGET: 'aws' });  // 'aws'
 * ```
 *
 * @internal
 */
export function detectTarget(env: Env = process.env): TargetKind {
  return requestedTarget(undefined, env) === 'aws' ? 'aws' : 'local';
}

/** The option, else `ECSKIT_TARGET`, else `auto`. @internal */
function requestedTarget(option: TargetOptions['target'], env: Env): TargetKind | 'auto' {
  if (option && option !== 'auto') return option;
  const fromEnv = env.ECSKIT_TARGET?.trim();
  if (!fromEnv) return 'auto';
  if (fromEnv === 'aws' || fromEnv === 'local' || fromEnv === 'auto') return fromEnv;
  throw new TargetError(`ECSKIT_TARGET must be aws, local or auto, got: ${JSON.stringify(env.ECSKIT_TARGET)}; unset it to run against the local cloud`);
}

/** `AWS_ENDPOINT_URL`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (as the SDK reads them). @internal */
function endpointFromEnv(env: Env): string | undefined {
  return env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true' ? undefined : env.AWS_ENDPOINT_URL || undefined;
}

/** `AWS_REGION`, then `AWS_DEFAULT_REGION` (as the AWS CLI reads them). @internal */
function regionFromEnv(env: Env): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

/**
 * Opens the target a script should use:
 *
 * - `target: 'aws'` (or `ECSKIT_TARGET=aws`): the AWS account the standard
 *   chain names; refuses without credentials, and fails fast when a configured
 *   endpoint does not answer.
 * - `target: 'local'`: a local cloud started in this process.
 * - `auto` (default): the ecskit local cloud at `AWS_ENDPOINT_URL` when one is
 *   set and answers `GET /_ecskit/health` (an unreachable one fails at once
 *   with how to start it; anything else is refused unless `--target aws`), else
 *   a local cloud in this process. AWS credentials or `AWS_PROFILE` in the
 *   environment are ignored and listed in {@link Target.ignoredEnv}.
 *
 * Every target is asked for its account (STS `GetCallerIdentity`) before it is
 * returned, so expired credentials fail here, not halfway through a script.
 *
 * @example
 * ```ts
 * const target = await openTarget({ target: values.target as 'aws' | 'local' | undefined });
 * console.log(target.kind, target.accountId); // 'local' '000000000000' on a machine with no AWS settings
 * await ensureCluster({ clients: target.clients, stack: 'lab' }, 'flask-inventory-cluster');
 * await target.close();
 * ```
 */
export async function openTarget(options: TargetOptions = {}): Promise<Target> {
  const env = options.env ?? process.env;
  const requested = requestedTarget(options.target, env);
  if (requested === 'aws' && options.driver !== undefined) {
    throw new TargetError(`driver ${options.driver} applies to a local cloud; the target is AWS, which runs its own tasks. Drop the driver, or use the local target.`);
  }
  if (requested === 'aws') return openAws(options, env);
  const endpoint = requested === 'auto' ? endpointFromEnv(env) : undefined;
  if (endpoint && options.driver !== undefined) {
    throw new TargetError(
      `driver ${options.driver} applies to a local cloud this script starts, but AWS_ENDPOINT_URL=${endpoint} points at one already running ` +
        `(it uses the driver it was started with: \`npx ecskit local --driver ${options.driver}\`). Drop --driver, or unset AWS_ENDPOINT_URL.`,
    );
  }
  if (endpoint) return openLocalEndpoint(options, env, endpoint);
  const ignoredEnv = requested === 'auto' ? AWS_SIGNALS.filter((name) => env[name]) : [];
  return openInProcess(options, env, ignoredEnv);
}

/** `--target aws`: the standard chain, credentials required, endpoint probed. @internal */
async function openAws(options: TargetOptions, env: Env): Promise<Target> {
  const endpoint = options.connect?.endpoint ?? endpointFromEnv(env);
  const region = options.region ?? options.connect?.region ?? regionFromEnv(env);
  const probe = endpoint ? await probeEndpoint(endpoint) : undefined;
  if (probe?.state === 'unreachable') {
    throw new TargetError(
      `nothing answers at ${endpoint} (${probe.reason}): if it is an ecskit local cloud, start one with \`npx ecskit local\`; ` +
        'to use AWS itself, unset AWS_ENDPOINT_URL',
    );
  }
  const clients = await connect({ ...options.connect, ...(region && { region }), ...(endpoint && { endpoint }) });
  try {
    await clients.ecs.config.credentials();
  } catch (error) {
    close(clients);
    throw new TargetError(
      `--target aws needs AWS credentials, but none were found (${(error as Error).message}). ` +
        'Set AWS_PROFILE (after `aws configure` or `aws sso login`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ' +
        'or drop --target aws to run against the local cloud.',
    );
  }
  const emulator = probe?.state === 'ecskit' ? probe.probe : undefined;
  const clock = emulator && endpoint ? await clockOf(endpoint, env, () => close(clients)) : { clockFixedBecause: 'the target is AWS, whose clock is its own' };
  return finish(clients, {
    kind: 'aws',
    timeScale: emulator?.timeScale ?? REAL_TIME,
    emulated: emulator !== undefined,
    ...(emulator?.driver && { driver: emulator.driver }),
    ...clock,
    close: async () => close(clients),
  });
}

/** `auto` with `AWS_ENDPOINT_URL`: used only when it answers as an ecskit local cloud. @internal */
async function openLocalEndpoint(options: TargetOptions, env: Env, endpoint: string): Promise<Target> {
  const probe = await probeEndpoint(endpoint);
  if (probe.state === 'unreachable') {
    throw new TargetError(
      `no local cloud at ${endpoint} (AWS_ENDPOINT_URL; ${probe.reason}): start one with \`npx ecskit local\`, ` +
        'or unset AWS_ENDPOINT_URL to run the local cloud in this process',
    );
  }
  if (probe.state === 'other') {
    throw new TargetError(
      `AWS_ENDPOINT_URL=${endpoint} does not answer as an ecskit local cloud (GET /_ecskit/health: ${probe.reason}); ` +
        'pass --target aws (or ECSKIT_TARGET=aws) to use it as AWS, or unset AWS_ENDPOINT_URL to run the local cloud in this process',
    );
  }
  const region = options.region ?? regionFromEnv(env) ?? probe.probe.region ?? 'us-east-1';
  let clients = await connect({ ...options.connect, endpoint, region });
  try {
    await clients.ecs.config.credentials();
  } catch {
    // No AWS credentials at all: an ecskit local cloud without --credentials accepts any.
    close(clients);
    clients = await connect({ ...options.connect, endpoint, region, credentials: LOCAL_CREDENTIALS });
  }
  const opened = clients;
  const clock = await clockOf(endpoint, env, () => close(opened));
  return finish(opened, { kind: 'aws', timeScale: probe.probe.timeScale, emulated: true, ...(probe.probe.driver && { driver: probe.probe.driver }), ...clock, close: async () => close(opened) });
}

/** How a target on the `ecskit local` at `endpoint` changes its clock, or why it cannot; a refused `ECSKIT_ADMIN_TOKEN` closes the clients and throws. @internal */
async function clockOf(endpoint: string, env: Env, closeClients: () => void): Promise<Pick<Target, 'setTimeScale' | 'clockFixedBecause'>> {
  const clock = await remoteClock(endpoint, env);
  if (clock.set) return { setTimeScale: clock.set };
  if (clock.refused) {
    closeClients();
    throw new TargetError(clock.why);
  }
  return { clockFixedBecause: `the local cloud runs elsewhere and ${clock.why}` };
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** `local`: a local cloud started in this process. @internal */
async function openInProcess(options: TargetOptions, env: Env, ignoredEnv: readonly string[]): Promise<Target> {
  const { startLocalCloud } = await import('./local/index.js');
  const region = options.region ?? regionFromEnv(env) ?? 'us-east-1';
  const timeScale = options.timeScale ?? LOCAL_SCRIPT_TIME_SCALE;
  const local = await startLocalCloud({
    port: 0,
    region,
    timeScale,
    ...(options.driver !== undefined && { driver: options.driver }),
    log: options.log ?? (env.ECSKIT_DEBUG ? (line) => console.error(line) : () => {}),
  });
  try {
    const clients = await connect({ endpoint: local.endpoint, region, credentials: LOCAL_CREDENTIALS, ...options.connect });
    return await finish(clients, {
      kind: 'local',
      local,
      timeScale,
      ...(local.runtime && { driver: local.runtime.driverName }),
      emulated: true,
      setTimeScale: async (factor) => local.state.setTimeScale(factor),
      ...(ignoredEnv.length > 0 && { ignoredEnv }),
      close: async () => {
        close(clients);
        await local.stop();
      },
    });
  } catch (error) {
    await local.stop();
    throw error;
  }
}

/** Asks STS for the account and assembles the target; closes it if STS fails. @internal */
async function finish(clients: Clients, target: Omit<Target, 'clients' | 'region' | 'endpoint' | 'accountId'>): Promise<Target> {
  let accountId: string;
  try {
    accountId = await callerAccount(clients);
  } catch (error) {
    await target.close();
    throw new TargetError(
      `could not identify the account (sts:GetCallerIdentity${clients.endpoint ? ` at ${clients.endpoint}` : ''}): ${(error as Error).message}` +
        (target.emulated ? '' : '; check the credentials (`aws sts get-caller-identity`, or `aws sso login`)'),
      { cause: error },
    );
  }
  return { ...target, clients, region: clients.region, accountId, ...(clients.endpoint && { endpoint: clients.endpoint }) };
}

/** The account id the clients' credentials belong to (STS `GetCallerIdentity`). @internal */
async function callerAccount(clients: Clients): Promise<string> {
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const sts = new STSClient({
    region: clients.region,
    credentials: clients.ecs.config.credentials,
    maxAttempts: 2,
    ...(clients.endpoint && { endpoint: clients.endpoint }),
  });
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (!identity.Account) throw new Error('the answer named no account');
    return identity.Account;
  } finally {
    sts.destroy();
  }
}

/** What {@link probeEndpoint} found at an endpoint. */
export type EndpointProbe =
  | {
      /** An ecskit local cloud answered. */
      readonly state: 'ecskit';
      /** What it reported. */
      readonly probe: LocalCloudProbe;
    }
  | {
      /** Something answered that is not an ecskit local cloud (AWS, another emulator). */
      readonly state: 'other';
      /** Why, for a message: `HTTP 404`, `not an ecskit health answer`. */
      readonly reason: string;
    }
  | {
      /** Nothing answered: refused, no such host, or no answer in time. */
      readonly state: 'unreachable';
      /** Why, for a message: `connect ECONNREFUSED 127.0.0.1:4566`, `no answer within 1.5 s`. */
      readonly reason: string;
    };

/**
 * Asks `endpoint` whether it is an ecskit local cloud (`GET /_ecskit/health`,
 * which needs no signature), telling "nothing listens there" (refused, no
 * such host, no answer within `timeoutMs`) apart from "something else
 * answered".
 *
 * @internal
 * @example
 * ```ts
 * const found = await probeEndpoint('http://127.0.0.1:4566');
 * if (found.state === 'unreachable') console.error(`start one with npx ecskit local (${found.reason})`);
 * ```
 */
export async function probeEndpoint(endpoint: string, timeoutMs = 1500): Promise<EndpointProbe> {
  let response: Response;
  try {
    response = await fetch(new URL('/_ecskit/health', endpoint), { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return { state: 'unreachable', reason: unreachableReason(error, timeoutMs) };
  }
  try {
    if (!response.ok) {
      await response.body?.cancel();
      return { state: 'other', reason: `HTTP ${response.status}` };
    }
    const body = (await response.json()) as { status?: unknown; timeScale?: unknown; region?: unknown; accountId?: unknown; driver?: unknown };
    const { timeScale } = body;
    if (body.status !== 'ok' || !isTimeScaleFactor(timeScale)) return { state: 'other', reason: 'not an ecskit health answer' };
    return {
      state: 'ecskit',
      probe: {
        timeScale,
        ...(typeof body.region === 'string' && { region: body.region }),
        ...(typeof body.accountId === 'string' && { accountId: body.accountId }),
        ...((body.driver === 'process' || body.driver === 'container') && { driver: body.driver }),
      },
    };
  } catch {
    return { state: 'other', reason: 'not an ecskit health answer' };
  }
}

/** `connect ECONNREFUSED 127.0.0.1:4566`, `no answer within 1.5 s`, … @internal */
function unreachableReason(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  if (e?.name === 'TypeError' && e.message?.includes('Invalid URL')) return 'not a URL';
  return e?.cause?.message ?? e?.cause?.code ?? e?.message ?? String(error);
}

/** What {@link probeLocalCloud} learns from an `ecskit local` endpoint. */
export interface LocalCloudProbe {
  /** Its time scale (1 = AWS pace). */
  readonly timeScale: number;
  /** The region it reports (its default region). */
  readonly region?: string;
  /** The account id it reports. */
  readonly accountId?: string;
  /** What runs its tasks (`ecskit local --driver`), when it runs a runtime. */
  readonly driver?: 'process' | 'container';
}

/**
 * Asks `endpoint` whether it is an ecskit local cloud (`GET /_ecskit/health`)
 * and, if so, for its time scale. Anything else — AWS, another emulator, no
 * answer within `timeoutMs` — gives `undefined`.
 *
 * @internal
 * @example
 * ```ts
 * const probe = await probeLocalCloud('http://127.0.0.1:4566');
 * if (probe) console.log(`ecskit local cloud, time scale ${probe.timeScale}`);
 * ```
 */
export async function probeLocalCloud(endpoint: string, timeoutMs = 1500): Promise<LocalCloudProbe | undefined> {
  const found = await probeEndpoint(endpoint, timeoutMs);
  return found.state === 'ecskit' ? found.probe : undefined;
}
