/**
 * `openTarget()`: where a script's AWS calls go. The same script runs against
 * real AWS (`--target aws`, or an AWS profile, credentials or endpoint in the
 * environment) or, with no AWS settings at all, against the local cloud
 * started in this process with a small time scale and the lab's apps as
 * local images.
 *
 * @module
 */
import { close, connect, type Clients, type ConnectOptions } from './clients.js';

/** Which cloud a script talks to. */
export type TargetKind = 'local' | 'aws';

/** Options of {@link openTarget}. */
export interface TargetOptions {
  /** `aws`, `local`, or `auto` (default): AWS when the environment names a profile, credentials or endpoint, else local. */
  readonly target?: TargetKind | 'auto';
  /** Local cloud only: multiplies every AWS duration (default 0.02: a 30 s health-check interval takes 0.6 s). */
  readonly timeScale?: number;
  /** Region (default `AWS_REGION`, then the profile's, then `us-east-1` for the local cloud). */
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
   * intervals and load durations by it.
   */
  readonly timeScale: number;
  /**
   * True when the target is an ecskit local cloud rather than AWS: always
   * for `local`, and for `aws` when its endpoint turns out to be an
   * `ecskit local` (then the clients are the usual AWS ones, pointed at it).
   */
  readonly emulated: boolean;
  /** Closes the clients, and stops the local cloud and every task process it runs. */
  close(): Promise<void>;
}

/** Thrown when the AWS target cannot be used (no credentials, no region). */
export class TargetError extends Error {
  /** Always `TargetError`. */
  override readonly name = 'TargetError';
}

const AWS_SIGNALS = ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_ECS', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'];

/** The target `auto` resolves to for an environment. */
export function detectTarget(env: Readonly<Record<string, string | undefined>> = process.env): TargetKind {
  return AWS_SIGNALS.some((name) => env[name]) ? 'aws' : 'local';
}

/**
 * Opens the target a script should use.
 *
 * @example
 * ```ts
 * const target = await openTarget({ target: values.target as 'aws' | 'local' | undefined });
 * console.log(target.kind); // 'local' on a machine with no AWS settings
 * await ensureCluster({ clients: target.clients, stack: 'lab' }, 'flask-inventory-cluster');
 * await target.close();
 * ```
 */
export async function openTarget(options: TargetOptions = {}): Promise<Target> {
  const env = options.env ?? process.env;
  const kind = !options.target || options.target === 'auto' ? detectTarget(env) : options.target;
  if (kind === 'aws') {
    const clients = await connect({ ...options.connect, ...(options.region ? { region: options.region } : {}) });
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
    const emulator = clients.endpoint ? await probeLocalCloud(clients.endpoint) : undefined;
    return {
      kind,
      clients,
      region: clients.region,
      timeScale: emulator?.timeScale ?? 1,
      emulated: emulator !== undefined,
      ...(clients.endpoint && { endpoint: clients.endpoint }),
      close: async () => close(clients),
    };
  }
  const { startLocalCloud } = await import('./local/index.js');
  const region = options.region ?? 'us-east-1';
  const timeScale = options.timeScale ?? 0.02;
  const local = await startLocalCloud({
    port: 0,
    region,
    timeScale,
    log: options.log ?? (env.ECSKIT_DEBUG ? (line) => console.error(line) : () => {}),
  });
  try {
    const clients = await connect({
      endpoint: local.endpoint,
      region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      ...options.connect,
    });
    return {
      kind,
      clients,
      region,
      endpoint: local.endpoint,
      local,
      timeScale,
      emulated: true,
      close: async () => {
        close(clients);
        await local.stop();
      },
    };
  } catch (error) {
    await local.stop();
    throw error;
  }
}

/** What {@link probeLocalCloud} learns from an `ecskit local` endpoint. */
export interface LocalCloudProbe {
  /** Its time scale (1 = AWS pace). */
  readonly timeScale: number;
  /** The region it reports (its default region). */
  readonly region?: string;
  /** The account id it reports. */
  readonly accountId?: string;
}

/**
 * Asks `endpoint` whether it is an ecskit local cloud (`GET /_ecskit/health`)
 * and, if so, for its time scale. Anything else — AWS, another emulator, no
 * answer within `timeoutMs` — gives `undefined`.
 *
 * @example
 * ```ts
 * const probe = await probeLocalCloud('http://127.0.0.1:4566');
 * if (probe) console.log(`ecskit local cloud, time scale ${probe.timeScale}`);
 * ```
 */
export async function probeLocalCloud(endpoint: string, timeoutMs = 1500): Promise<LocalCloudProbe | undefined> {
  try {
    const response = await fetch(new URL('/_ecskit/health', endpoint), { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const body = (await response.json()) as { status?: unknown; timeScale?: unknown; region?: unknown; accountId?: unknown };
    const { timeScale } = body;
    if (body.status !== 'ok' || typeof timeScale !== 'number' || !(timeScale > 0)) return undefined;
    return {
      timeScale,
      ...(typeof body.region === 'string' && { region: body.region }),
      ...(typeof body.accountId === 'string' && { accountId: body.accountId }),
    };
  } catch {
    return undefined;
  }
}
