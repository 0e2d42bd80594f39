/**
 * The transport under the gateway's ofetch: a `fetch`-compatible function
 * over one undici {@link Pool} (keep-alive HTTP/1.1 connections to the
 * inventory), plus the small `Headers` and `AbortController` classes ofetch
 * is created with (`createFetch({ fetch, Headers, AbortController })`).
 *
 * Why not undici's (or Node's built-in) `fetch`: on this kind of 2-core
 * machine it costs 227–265 µs of client CPU per call against 49–50 µs for
 * `Pool.request` — the Web `Request`/`Response`/`Headers` objects and the
 * `ReadableStream` body are most of it. ofetch only needs a fetch-shaped
 * answer (`status`, `headers.get()`, a truthy `body`, the reader its
 * `responseType` names), so {@link BufferedResponse} provides that over the
 * buffered bytes, and undici does all the HTTP: connection pooling,
 * keep-alive (honouring the server's `Keep-Alive: timeout` hint), framing,
 * parsing, header validation.
 *
 * The body is read **before** the fetch resolves, so ofetch's `timeout`
 * covers the whole exchange (a slow or stalled body is aborted at the
 * deadline like a slow header) and a reset mid-body rejects the fetch —
 * ofetch's retry and error handling see it as the request error it is.
 * A body over `maxResponseBytes` (by `Content-Length` or by count) rejects
 * with {@link ResponseTooLargeError} without buffering the rest.
 *
 * @internal
 * @module
 */
import { Pool } from 'undici';

/** The upstream answered with more bytes than the transport buffers. @internal */
export class ResponseTooLargeError extends Error {
  /** Stable code, as undici's errors have. */
  readonly code = 'ECSKIT_RESPONSE_TOO_LARGE';
  /** Names the URL, the limit and what was seen. */
  constructor(url: string, limit: number, seen: string) {
    super(`the answer of ${url} is larger than ${limit} bytes (${seen}); the gateway does not relay it`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * A minimal `Headers` for ofetch (lower-cased names, one value per name):
 * a plain object inside, handed to undici as is. Node's `Headers` costs
 * about 3 µs to build and iterate per call, 5 % of the gateway's budget.
 *
 * @internal
 */
export class LiteHeaders {
  /** Lower-cased name → value. */
  readonly record: Record<string, string> = Object.create(null) as Record<string, string>;

  /** Copies `init`: a record, another `LiteHeaders` or `[name, value]` pairs (e.g. a `Headers`). */
  constructor(init?: Record<string, string> | Iterable<readonly [string, string]> | LiteHeaders | null) {
    if (!init) return;
    if (init instanceof LiteHeaders) Object.assign(this.record, init.record);
    else if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const [name, value] of init as Iterable<readonly [string, string]>) this.append(name, value);
    } else {
      for (const name of Object.keys(init)) {
        const value = (init as Record<string, string | undefined>)[name];
        if (value !== undefined) this.append(name, value);
      }
    }
  }

  /** The value of `name`, or `null`. */
  get(name: string): string | null {
    return this.record[name.toLowerCase()] ?? null;
  }

  /** True when `name` is set. */
  has(name: string): boolean {
    return name.toLowerCase() in this.record;
  }

  /** Sets `name` to `value`, replacing any value. */
  set(name: string, value: string): void {
    this.record[name.toLowerCase()] = String(value);
  }

  /** Adds `value` to `name` (comma-joined, as `Headers` does). */
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const prev = this.record[key];
    this.record[key] = prev === undefined ? String(value) : `${prev}, ${value}`;
  }

  /** Removes `name`. */
  delete(name: string): void {
    delete this.record[name.toLowerCase()];
  }

  /** `[name, value]` pairs. */
  *entries(): IterableIterator<[string, string]> {
    for (const key of Object.keys(this.record)) yield [key, this.record[key]!];
  }

  /** Same as {@link LiteHeaders.entries}. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * The signal of a {@link LiteAbortController}: what ofetch and undici read
 * (`aborted`, `reason`, `throwIfAborted`, `add/removeEventListener('abort')`).
 *
 * @internal
 */
export class LiteAbortSignal {
  /** True once aborted. */
  aborted = false;
  /** What `abort()` was given. */
  reason: unknown = undefined;
  #listeners: (() => void)[] = [];

  /** Adds an abort listener (other event types are ignored). */
  addEventListener(type: string, listener: () => void): void {
    if (type === 'abort' && !this.aborted) this.#listeners.push(listener);
  }

  /** Removes an abort listener. */
  removeEventListener(type: string, listener: () => void): void {
    if (type !== 'abort') return;
    const i = this.#listeners.indexOf(listener);
    if (i !== -1) this.#listeners.splice(i, 1);
  }

  /** Throws `reason` once aborted. */
  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** @internal */
  abortWith(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }
}

/**
 * An `AbortController` for ofetch's `timeout`: Node 20 makes every
 * `AbortSignal` a transferable platform object, and an `AbortController`
 * per call measured 13 µs (a fifth of a proxied GET's client budget); this
 * is an object and an array.
 *
 * @internal
 */
export class LiteAbortController {
  /** The signal ofetch passes to the transport. */
  readonly signal = new LiteAbortSignal();

  /** Aborts with `reason` (ofetch passes its `TimeoutError`). */
  abort(reason?: unknown): void {
    this.signal.abortWith(reason ?? Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }));
  }
}

/** Headers of an undici response (names lower-cased by undici), read-only. @internal */
export class ResponseHeaders {
  /** Wraps undici's header record. */
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}

  /** The value of `name` (repeated headers comma-joined), or `null`. */
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** True when `name` is present. */
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }

  /** `[name, value]` pairs. */
  *entries(): IterableIterator<[string, string]> {
    for (const key of Object.keys(this.raw)) {
      const value = this.get(key);
      if (value !== null) yield [key, value];
    }
  }

  /** Same as {@link ResponseHeaders.entries}. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * What the transport resolves with: a fetch-shaped response over the whole,
 * already-received body. `body` is truthy exactly when there are bytes;
 * one body reader may be called, once.
 *
 * @internal
 */
export class BufferedResponse {
  /** Reason phrase (undici does not report the received one). */
  readonly statusText = '';
  /** Always `'basic'`, as for a same-origin fetch. */
  readonly type = 'basic';
  /** Not followed: the gateway passes redirects through. */
  readonly redirected = false;
  /** Response headers. */
  readonly headers: ResponseHeaders;
  /** The received chunks, or `null` when there were no bytes. */
  readonly body: Buffer[] | null;
  #length: number;
  #used = false;

  /** Wraps a finished undici response. */
  constructor(
    /** The URL requested. */
    readonly url: string,
    /** HTTP status. */
    readonly status: number,
    headers: Record<string, string | string[] | undefined>,
    chunks: Buffer[],
    length: number,
  ) {
    this.headers = new ResponseHeaders(headers);
    this.body = length === 0 ? null : chunks;
    this.#length = length;
  }

  /** True for 2xx. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** True once a body reader ran. */
  get bodyUsed(): boolean {
    return this.#used;
  }

  /** The body bytes, in one fresh `Uint8Array` that owns its `ArrayBuffer`. */
  async bytes(): Promise<Uint8Array> {
    if (this.#used) throw new TypeError('Body is unusable: the response body was already read');
    this.#used = true;
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const chunk of this.body ?? []) {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    return out;
  }

  /** The body as an `ArrayBuffer` of exactly its bytes. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer as ArrayBuffer;
  }

  /** The body as UTF-8 text. */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  /** The body parsed as JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
}

/** Options of {@link createUndiciFetch}. @internal */
export interface UndiciFetchOptions {
  /** The one origin this fetch calls, e.g. `http://invsys.local:5000`. */
  origin: string;
  /** Most bytes of one response body that are buffered; more rejects with {@link ResponseTooLargeError}. */
  maxResponseBytes: number;
  /** Most connections to the origin at once (undici `Pool` `connections`). Default 256. */
  connections?: number;
}

/** A `fetch` over one undici pool, with the pool to close. @internal */
export interface UndiciFetch {
  /** `fetch`-compatible; resolves with a {@link BufferedResponse} once the whole body arrived. */
  fetch: (input: string | URL, init?: RequestInit) => Promise<BufferedResponse>;
  /** The pool (for tests and shutdown). */
  pool: Pool;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * Makes a `fetch` for one origin over an undici {@link Pool}. It takes the
 * URL (which must start with that origin), `method`, `headers` (a
 * {@link LiteHeaders}, a `Headers`, a record or pairs), a byte or string
 * `body` and a `signal`; it refuses another origin, naming both.
 *
 * @internal
 */
export function createUndiciFetch(options: UndiciFetchOptions): UndiciFetch {
  const parsed = new URL(options.origin);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`the upstream URL must be http: or https:, got ${parsed.protocol} in ${options.origin}`);
  }
  const origin = parsed.origin;
  // The URLs the gateway builds start with the origin as configured (which
  // `URL` may normalize, e.g. lower-casing the host): accept both spellings.
  const prefixes = [...new Set([origin, options.origin.replace(/\/+$/, '')])];
  const limit = options.maxResponseBytes;
  const pool = new Pool(origin, { connections: options.connections ?? 256 });

  const pathOf = (href: string): string => {
    for (const prefix of prefixes) {
      if (!href.startsWith(prefix)) continue;
      const rest = href.slice(prefix.length);
      if (rest === '') return '/';
      if (rest.startsWith('/')) return rest;
      if (rest.startsWith('?')) return `/${rest}`;
    }
    throw new TypeError(`this fetch calls ${origin} only, got ${href}`);
  };

  const fetch = async (input: string | URL, init: RequestInit = {}): Promise<BufferedResponse> => {
    const href = typeof input === 'string' ? input : input.href;
    const path = pathOf(href);
    const method = init.method ?? 'GET';
    const headers = init.headers instanceof LiteHeaders ? init.headers.record : new LiteHeaders(init.headers as Record<string, string>).record;
    const answer = await pool.request({
      path,
      method: method as 'GET',
      headers,
      body: (init.body as Uint8Array | string | null | undefined) ?? null,
      signal: (init.signal ?? undefined) as AbortSignal | undefined,
    });
    const { statusCode, body } = answer;
    const declared = answer.headers['content-length'];
    if (typeof declared === 'string' && Number(declared) > limit) {
      const error = new ResponseTooLargeError(href, limit, `Content-Length ${declared}`);
      body.once('error', () => undefined); // the destroy's echo of `error`
      body.destroy(error);
      throw error;
    }
    const chunks: Buffer[] = [];
    const length = await new Promise<number>((resolve, reject) => {
      let received = 0;
      body.on('data', (chunk: Buffer) => {
        received += chunk.byteLength;
        if (received > limit) {
          body.destroy(new ResponseTooLargeError(href, limit, `${received} bytes received so far`));
          return;
        }
        chunks.push(chunk);
      });
      body.once('error', reject);
      body.once('end', () => resolve(received));
    });
    const noBody = NULL_BODY_STATUSES.has(statusCode) || method === 'HEAD';
    return new BufferedResponse(href, statusCode, answer.headers, chunks, noBody ? 0 : length);
  };

  return { fetch, pool };
}
