/**
 * The gateway's client for the inventory: **ofetch** does the call, its
 * retries, its timeout and its error handling; its transport is an undici
 * `Pool` (`undici-fetch.ts`).
 *
 * - **Statuses pass through.** `ignoreResponseError`: a 4xx/5xx from the
 *   inventory is an answer to relay, not an error, and is never retried.
 * - **Timeout:** ofetch's `timeout` is one deadline for the whole call,
 *   retries and backoff included (ofetch arms it once and hands the same
 *   signal to its retries; a test holds it to that). It covers the body too:
 *   the transport resolves only once the whole body arrived. Past it →
 *   {@link UpstreamTimeoutError} (504), never retried.
 * - **Retry:** ofetch's `retry`/`retryDelay`, backoff 50 ms then 100 ms,
 *   only for GET, PUT and DELETE (idempotent: sending one twice has the
 *   effect of sending it once) and only after a connection failure (refused,
 *   reset — before or during the answer —, unresolvable). A POST is never
 *   sent twice: it may have reached the inventory before the connection
 *   broke. No other failure (timeout, malformed answer, too large) is retried.
 * - **Errors:** whatever ofetch reports as a request error ({@link FetchError})
 *   is {@link UpstreamUnavailableError} (502) unless the deadline passed.
 *
 * @internal
 * @module
 */
import { createFetch, FetchError, type FetchContext, type FetchOptions } from 'ofetch';
import { createUndiciFetch, LiteAbortController, LiteHeaders } from './undici-fetch.js';

/** What to forward upstream. @internal */
export interface UpstreamRequest {
  /** HTTP method, upper case. */
  method: string;
  /** Path and query string, as received (percent-encoding kept). */
  pathAndQuery: string;
  /** Headers to send (content type, request id). */
  headers: Record<string, string>;
  /** Raw body, for POST and PUT. */
  body?: Uint8Array;
}

/** What came back from upstream, passed through unchanged. @internal */
export interface UpstreamResponse {
  /** Upstream status. */
  status: number;
  /** Upstream content type, when it sent one. */
  contentType: string | null;
  /** Upstream body bytes. */
  body: Uint8Array;
}

/** Upstream could not be reached, or its answer was unusable (refused, reset, unresolvable, malformed, too large): answer 502. @internal */
export class UpstreamUnavailableError extends Error {
  /** Wraps the last failure. */
  constructor(url: string, cause: unknown) {
    super(`inventory at ${url} is unreachable: ${describe(cause)}`, { cause });
    this.name = 'UpstreamUnavailableError';
  }
}

/** Upstream did not answer within the deadline: answer 504. @internal */
export class UpstreamTimeoutError extends Error {
  /** Names the URL and the deadline. */
  constructor(url: string, timeoutMs: number) {
    super(`inventory at ${url} did not answer within ${timeoutMs} ms (GATEWAY_TIMEOUT_MS)`);
    this.name = 'UpstreamTimeoutError';
  }
}

/** Options of {@link createUpstream}. @internal */
export interface UpstreamOptions {
  /** Base URL of the inventory, e.g. `http://invsys.local:5000`. */
  baseUrl: string;
  /** Deadline for the whole call, retries and body included. */
  timeoutMs: number;
  /** Retries after a connection failure for GET/PUT/DELETE. Default 2. */
  retries?: number;
  /** First backoff delay; doubles per retry. Default 50 ms. */
  minBackoffMs?: number;
  /** Largest upstream body relayed; a larger one is a 502. Default 32 MiB. */
  maxResponseBytes?: number;
}

/** Calls the inventory. @internal */
export type Upstream = (request: UpstreamRequest) => Promise<UpstreamResponse>;

/** Default {@link UpstreamOptions.maxResponseBytes}: 32 MiB. @internal */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

const EMPTY = new Uint8Array(0);
/** Methods whose repetition has the effect of one call (RFC 9110 §9.2.2) that the gateway forwards. */
const IDEMPOTENT_METHODS = new Set(['GET', 'PUT', 'DELETE']);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 6) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function describe(error: unknown): string {
  const last = causes(error).at(-1);
  const code = (last as { code?: unknown } | undefined)?.code;
  const message = last instanceof Error ? last.message : String(last);
  return typeof code === 'string' ? `${code} (${message})` : message;
}

/** True for failures where the connection failed or broke (refused, reset, DNS), as opposed to a timeout or a bad answer. @internal */
export function isConnectionFailure(error: unknown): boolean {
  return causes(error).some((e) => {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && CONNECTION_CODES.has(code);
  });
}

/** True when the failure is ofetch's `timeout` firing. */
function isTimeout(error: unknown): boolean {
  return causes(error).some((e) => (e as { name?: unknown }).name === 'TimeoutError');
}

/** The error ofetch's own timer aborts with, for an attempt that is due after the deadline. */
function deadlinePassed(): Error {
  const error = new Error('[TimeoutError]: The operation was aborted due to timeout');
  error.name = 'TimeoutError';
  return error;
}

/** The per-call field ofetch carries through its retries: when the deadline passes. */
interface CallOptions {
  deadlineAt: number;
}

/**
 * Makes the upstream caller. Upstream statuses (4xx, 5xx) are returned, not
 * thrown; only a missing or unusable answer throws.
 *
 * @internal
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const base = options.baseUrl.replace(/\/+$/, '');
  const retries = options.retries ?? 2;
  const minBackoff = options.minBackoffMs ?? 50;
  const { timeoutMs } = options;
  const transport = createUndiciFetch({ origin: base, maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES });

  const ofetch = createFetch({
    fetch: transport.fetch as unknown as typeof globalThis.fetch,
    Headers: LiteHeaders as unknown as typeof globalThis.Headers,
    AbortController: LiteAbortController as unknown as typeof globalThis.AbortController,
    defaults: {
      // The bytes, as the transport received them; any status is an answer.
      responseType: 'arrayBuffer',
      ignoreResponseError: true,
      timeout: timeoutMs,
      // Without a response ofetch counts a failure as status 500: retry that.
      retryStatusCodes: [500],
      // 50 ms, 100 ms, … — but never sleeping past the deadline.
      retryDelay: (context: FetchContext) => {
        const done = retries - Number(context.options.retry ?? 0);
        const left = (context.options as unknown as CallOptions).deadlineAt - Date.now();
        return Math.max(0, Math.min(minBackoff * 2 ** done, left + 1));
      },
      // A retry whose backoff ended at the deadline is not made. The backoff
      // sleeps until just past the deadline and ofetch's abort timer is due
      // then too; under load the backoff timer can fire first (both run on
      // the event loop's cached clock), so the attempt checks the wall clock.
      onRequest: (context: FetchContext) => {
        if (Date.now() >= (context.options as unknown as CallOptions).deadlineAt) throw deadlinePassed();
      },
      // Only connection failures are worth another attempt (timeouts, bad or
      // oversized answers are not); ofetch reads `retry` after this hook.
      onRequestError: (context: FetchContext) => {
        if (!isConnectionFailure(context.error)) context.options.retry = false;
      },
    },
  });

  return async (request) => {
    try {
      const response = await ofetch.raw<ArrayBuffer, 'arrayBuffer'>(`${base}${request.pathAndQuery}`, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        retry: IDEMPOTENT_METHODS.has(request.method) ? retries : false,
        deadlineAt: Date.now() + timeoutMs,
      } as FetchOptions<'arrayBuffer'> & CallOptions);
      const data = response._data;
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: data ? new Uint8Array(data) : EMPTY,
      };
    } catch (error) {
      if (isTimeout(error)) throw new UpstreamTimeoutError(base, timeoutMs);
      if (error instanceof FetchError) throw new UpstreamUnavailableError(base, error);
      throw error;
    }
  };
}
