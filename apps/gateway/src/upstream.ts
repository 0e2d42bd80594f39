/**
 * The gateway's client for the inventory: ofetch for the call, p-retry for
 * connection failures (GET, PUT, DELETE only — a POST is never sent twice),
 * one deadline over all attempts.
 *
 * @internal
 * @module
 */
import { createFetch, FetchError } from 'ofetch';
import { httpFetch, LiteHeaders, type BufferedResponse } from './http-fetch.js';

const ofetch = createFetch({
  fetch: httpFetch as typeof globalThis.fetch,
  Headers: LiteHeaders as unknown as typeof globalThis.Headers,
});
import pRetry, { AbortError } from 'p-retry';

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

/** Upstream could not be reached (refused, reset, unresolvable): answer 502. @internal */
export class UpstreamUnavailableError extends Error {
  /** Wraps the last connection failure. */
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
  /** Deadline for the whole call, retries included. */
  timeoutMs: number;
  /** Retries after a connection failure for GET/PUT/DELETE. Default 2. */
  retries?: number;
  /** First backoff delay; doubles per retry. Default 50 ms. */
  minBackoffMs?: number;
}

/** Calls the inventory. @internal */
export type Upstream = (request: UpstreamRequest) => Promise<UpstreamResponse>;

const EMPTY = new Uint8Array(0);
const RETRYABLE_METHODS = new Set(['GET', 'PUT', 'DELETE']);
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

/** True for failures where no HTTP response arrived (refused, reset, DNS). @internal */
export function isConnectionFailure(error: unknown): boolean {
  return causes(error).some((e) => {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && CONNECTION_CODES.has(code);
  }) || causes(error).some((e) => e instanceof TypeError && /fetch failed/i.test(e.message));
}

/**
 * Makes the upstream caller. Upstream statuses (4xx, 5xx) are returned, not
 * thrown; only a missing answer throws.
 *
 * @internal
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const base = options.baseUrl.replace(/\/+$/, '');
  const retries = options.retries ?? 2;
  const minTimeout = options.minBackoffMs ?? 50;
  const { timeoutMs } = options;

  return async (request) => {
    const url = `${base}${request.pathAndQuery}`;
    const deadline = new Deadline(timeoutMs);
    const signal = deadline as unknown as AbortSignal;
    const attempt = async (): Promise<UpstreamResponse> => {
      try {
        // `'stream'` makes ofetch hand over the response's `body` as it is
        // instead of reading it into a new ArrayBuffer; our transport's body
        // is the already-buffered bytes (`BufferedResponse`), so this skips
        // one allocation and copy per call.
        const response = await ofetch.raw<ReadableStream, 'stream'>(url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          responseType: 'stream',
          ignoreResponseError: true,
          retry: 0,
          signal,
        });
        const bytes = response._data as unknown as BufferedResponse['body'] | undefined;
        return {
          status: response.status,
          contentType: response.headers.get('content-type'),
          body: bytes ?? EMPTY,
        };
      } catch (error) {
        if (deadline.aborted) throw new AbortError(new UpstreamTimeoutError(base, timeoutMs));
        if (isConnectionFailure(error) || error instanceof FetchError) {
          const failure = new UpstreamUnavailableError(base, error);
          if (!retryable) throw new AbortError(failure);
          throw failure;
        }
        throw new AbortError(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const retryable = RETRYABLE_METHODS.has(request.method);
    try {
      try {
        return await attempt();
      } catch (error) {
        // A POST is never retried (its failures come wrapped in AbortError);
        // a GET/PUT/DELETE connection failure is handed to p-retry as its
        // failed first attempt, so p-retry applies the backoff and runs the
        // remaining attempts. The happy path skips p-retry's per-call setup
        // (about 4 % of the gateway's CPU under load).
        if (!retryable || !(error instanceof UpstreamUnavailableError)) throw error;
        return await pRetry((attemptNumber) => (attemptNumber === 1 ? Promise.reject(error) : attempt()), {
          retries,
          minTimeout,
          factor: 2,
          randomize: false,
          signal,
        });
      }
    } catch (error) {
      if (deadline.aborted) throw new UpstreamTimeoutError(base, timeoutMs);
      throw error instanceof AbortError ? error.originalError : error;
    } finally {
      deadline.clear();
    }
  };
}

/**
 * The one deadline of an upstream call, shaped like the part of
 * `AbortSignal` that ofetch, `httpFetch` and p-retry use (`aborted`,
 * `reason`, `throwIfAborted`, `add/removeEventListener('abort')`). A real
 * `AbortController` per call cost several percent of the gateway's CPU
 * under load (Node 20 makes every `AbortSignal` a transferable object);
 * this is a timer and an array.
 */
class Deadline {
  aborted = false;
  reason: Error | undefined;
  #listeners: (() => void)[] = [];
  readonly #timer: NodeJS.Timeout;

  constructor(timeoutMs: number) {
    this.#timer = setTimeout(() => this.#abort(), timeoutMs);
  }

  #abort(): void {
    this.aborted = true;
    this.reason = Object.assign(new Error('The upstream call passed its deadline (GATEWAY_TIMEOUT_MS)'), {
      name: 'AbortError',
    });
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }

  addEventListener(type: string, listener: () => void): void {
    if (type === 'abort') this.#listeners.push(listener);
  }

  removeEventListener(type: string, listener: () => void): void {
    if (type !== 'abort') return;
    const i = this.#listeners.indexOf(listener);
    if (i !== -1) this.#listeners.splice(i, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#listeners = [];
  }
}
