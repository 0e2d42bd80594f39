/**
 * A lean `fetch` over `node:http` with a keep-alive agent, given to ofetch as
 * its transport, plus the small `Headers` class ofetch builds its request
 * headers with.
 *
 * Why not the Web classes: on this 2-core machine Node 20's built-in fetch
 * (undici) costs about three times the CPU per call of `node:http`, and even
 * over `node:http`, building a Web `Response` (a `ReadableStream` body, a
 * `Headers` object, an `AbortSignal`-style transferable) per call was a
 * tenth of the gateway's CPU in a profile under load. ofetch only needs a
 * fetch-compatible answer: it reads `status`, `body` (truthy when there is
 * one), `headers.get()` and calls the method named by `responseType`
 * (`arrayBuffer`, `text`, `json`, `blob`); {@link BufferedResponse} provides
 * those over the buffered bytes.
 *
 * Only what the gateway uses is supported: http(s) URLs, method, headers,
 * a byte or string body, an abort signal; the response body is buffered.
 *
 * @internal
 * @module
 */
import http from 'node:http';
import https from 'node:https';

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });

type HeaderInit = Record<string, string> | Iterable<readonly [string, string]> | LiteHeaders | Headers | undefined | null;

/**
 * A minimal `Headers` (lower-cased names, one value per name, `set-cookie`
 * excepted) for ofetch's `createFetch({ Headers })`: a plain object inside,
 * so building one per call costs next to nothing.
 *
 * @internal
 */
export class LiteHeaders {
  /** Lower-cased name → value. */
  readonly record: Record<string, string> = Object.create(null) as Record<string, string>;

  /** Copies `init`: a record, a `Headers`, another `LiteHeaders` or `[name, value]` pairs. */
  constructor(init?: HeaderInit) {
    if (!init) return;
    if (init instanceof LiteHeaders) {
      Object.assign(this.record, init.record);
    } else if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const [key, value] of init as Iterable<readonly [string, string]>) this.append(key, value);
    } else {
      for (const key of Object.keys(init)) {
        const value = (init as Record<string, string | undefined>)[key];
        if (value !== undefined) this.append(key, value);
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

  /** Calls `fn(value, name)` for each header. */
  forEach(fn: (value: string, name: string, parent: LiteHeaders) => void): void {
    for (const key of Object.keys(this.record)) fn(this.record[key]!, key, this);
  }

  /** `[name, value]` pairs. */
  *entries(): IterableIterator<[string, string]> {
    for (const key of Object.keys(this.record)) yield [key, this.record[key]!];
  }

  /** Names. */
  *keys(): IterableIterator<string> {
    yield* Object.keys(this.record);
  }

  /** Values. */
  *values(): IterableIterator<string> {
    for (const key of Object.keys(this.record)) yield this.record[key]!;
  }

  /** Same as {@link LiteHeaders.entries}. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** Headers of a `node:http` response, read-only, without copying them. @internal */
export class IncomingHeaders {
  /** Wraps `raw` (names already lower-cased by `node:http`). */
  constructor(private readonly raw: http.IncomingHttpHeaders) {}

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

  /** Calls `fn(value, name)` for each header. */
  forEach(fn: (value: string, name: string) => void): void {
    for (const key of Object.keys(this.raw)) fn(this.get(key)!, key);
  }

  /** `[name, value]` pairs. */
  *entries(): IterableIterator<[string, string]> {
    for (const key of Object.keys(this.raw)) yield [key, this.get(key)!];
  }

  /** Same as {@link IncomingHeaders.entries}. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * A fetch-compatible response over a buffered body: what {@link httpFetch}
 * resolves with. `body` is the bytes (or `null` for 204/304/HEAD), not a
 * stream; the body readers may be called once.
 *
 * @internal
 */
export class BufferedResponse {
  /** HTTP status. */
  readonly status: number;
  /** Reason phrase. */
  readonly statusText: string;
  /** Response headers (`get`, `has`, iteration). */
  readonly headers: IncomingHeaders;
  /** The body bytes, or `null` when the status or method has none. */
  readonly body: Buffer | null;
  /** Always `'basic'`, as for a same-origin fetch. */
  readonly type = 'basic';
  /** The URL requested. */
  readonly url: string;
  /** Not followed: the gateway passes redirects through. */
  readonly redirected = false;
  #used = false;

  /** Wraps a finished `node:http` response. */
  constructor(url: string, status: number, statusText: string, headers: http.IncomingHttpHeaders, body: Buffer | null) {
    this.url = url;
    this.status = status;
    this.statusText = statusText;
    this.headers = new IncomingHeaders(headers);
    this.body = body;
  }

  /** True for 2xx. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** True once a body reader ran. */
  get bodyUsed(): boolean {
    return this.#used;
  }

  #take(): Buffer {
    if (this.#used) throw new TypeError('Body is unusable: the response body was already read');
    this.#used = true;
    return this.body ?? Buffer.alloc(0);
  }

  /** The body as an `ArrayBuffer` (a copy of exactly its bytes). */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  /** The body bytes. */
  async bytes(): Promise<Uint8Array> {
    return this.#take();
  }

  /** The body as UTF-8 text. */
  async text(): Promise<string> {
    return this.#take().toString('utf8');
  }

  /** The body parsed as JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  /** The body as a `Blob` with the response's content type. */
  async blob(): Promise<Blob> {
    return new Blob([new Uint8Array(this.#take())], { type: this.headers.get('content-type') ?? '' });
  }
}

interface Origin {
  /** `scheme://authority`, as written in the URL. */
  prefix: string;
  secure: boolean;
  hostname: string;
  port: string;
  /** The `Host` header: host and non-default port, IPv6 in brackets. */
  host: string;
}

/** Parsed origins, by `scheme://authority` prefix (the gateway has one). */
const origins = new Map<string, Origin>();
const ORIGIN_RE = /^(https?:\/\/[^/?#]+)(.*)$/i;
/** The origin of the previous call: the gateway calls one upstream. */
let lastOrigin: Origin | undefined;

function target(input: RequestInfo | URL): { origin: Origin; path: string } {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const last = lastOrigin;
  if (last && href.startsWith(last.prefix)) {
    const next = href.charCodeAt(last.prefix.length);
    if (next === 47 /* / */) return { origin: last, path: href.slice(last.prefix.length) };
    if (Number.isNaN(next)) return { origin: last, path: '/' };
  }
  const m = ORIGIN_RE.exec(href);
  if (!m) {
    // Not http(s) or unusual: let URL explain what is wrong.
    const url = new URL(href);
    throw new TypeError(`httpFetch supports http: and https: URLs only, got ${url.protocol} in ${href}`);
  }
  const prefix = m[1]!;
  let origin = origins.get(prefix);
  if (!origin) {
    const url = new URL(prefix);
    origin = {
      prefix,
      secure: url.protocol === 'https:',
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port,
      host: url.host,
    };
    if (origins.size > 64) origins.clear();
    origins.set(prefix, origin);
  }
  lastOrigin = origin;
  const rest = m[2]!;
  return { origin, path: rest === '' ? '/' : rest.startsWith('/') ? rest : `/${rest}` };
}

/**
 * The request's header lines as a flat `[name, value, …]` array, with `Host`
 * and, when there is a body, `Content-Length` added unless given. `node:http`
 * takes an array as the complete header block and only validates it,
 * instead of a `setHeader()` call per header plus its own `Host` lookup (a
 * measurable part of each upstream call).
 */
function headerLines(
  init: HeadersInit | LiteHeaders | undefined,
  origin: Origin,
  body: Uint8Array | string | null | undefined,
): string[] {
  const record = !init ? {} : init instanceof LiteHeaders ? init.record : new LiteHeaders(init).record;
  const lines: string[] = [];
  let hasHost = false;
  let hasLength = false;
  for (const name of Object.keys(record)) {
    if (name === 'host') hasHost = true;
    else if (name === 'content-length' || name === 'transfer-encoding') hasLength = true;
    lines.push(name, record[name]!);
  }
  if (!hasHost) lines.push('host', origin.host);
  if (body != null && !hasLength) {
    lines.push('content-length', String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength));
  }
  return lines;
}

/** `fetch`-compatible function over node:http; resolves with a {@link BufferedResponse}. @internal */
export function httpFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  let origin: Origin;
  let path: string;
  try {
    ({ origin, path } = target(input));
  } catch (error) {
    return Promise.reject(error);
  }
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = init.method ?? 'GET';
  const body = init.body as Uint8Array | string | null | undefined;
  let headers: string[];
  try {
    headers = headerLines(init.headers as HeadersInit | LiteHeaders | undefined, origin, body);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<Response>((resolve, reject) => {
    const signal = init.signal;
    if (signal?.aborted) return reject(signal.reason);
    // Throws for a header value with CR/LF or other invalid characters.
    const req = (origin.secure ? https : http).request(
      {
        hostname: origin.hostname,
        port: origin.port || undefined,
        path,
        method,
        headers,
        agent: origin.secure ? httpsAgent : httpAgent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          const status = res.statusCode ?? 502;
          const noBody = status === 204 || status === 304 || method === 'HEAD';
          const bytes = noBody ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          resolve(new BufferedResponse(href, status, res.statusMessage ?? '', res.headers, bytes) as unknown as Response);
        });
      },
    );
    const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    req.end(body ?? undefined);
  });
}
