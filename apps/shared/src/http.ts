/**
 * Small HTTP helpers shared by the lab's two apps: JSON responses, the
 * request-body limit and the error type handlers throw to answer early.
 *
 * @internal
 * @module
 */
import type { IncomingMessage } from 'node:http';

/** Largest request body either app accepts (64 KiB); larger bodies get 413. @internal */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** A JSON body, as the apps send it. @internal */
export type JsonBody = Record<string, unknown>;

/**
 * Thrown by a handler to answer with `status` and the JSON `body`; the shared
 * error handler turns it into the response.
 *
 * @internal
 */
export class HttpError extends Error {
  /** The HTTP status to answer with. */
  readonly status: number;
  /** The JSON body to answer with. */
  readonly body: JsonBody;

  /** Makes an error that answers `status` with `body`. */
  constructor(status: number, body: JsonBody) {
    super(`HTTP ${status}: ${JSON.stringify(body)}`);
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
  }
}

/** The 413 answer for a body over {@link BODY_LIMIT_BYTES}. @internal */
export function payloadTooLarge(): HttpError {
  return new HttpError(413, {
    message: `Request body too large: the limit is ${BODY_LIMIT_BYTES} bytes (64 KiB); send a smaller body`,
  });
}

/** A JSON response with `Content-Type: application/json`. @internal */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** The 400 answer for a body the client stopped sending part-way. @internal */
export function incompleteBody(): HttpError {
  return new HttpError(400, {
    message: 'The request body is incomplete: the connection closed before all of it arrived; send the request again',
  });
}

/** The Node request under a srvx (`@elysiajs/node`) `Request`, if there is one. */
interface NodeBackedRequest {
  readonly runtime?: { readonly node?: { readonly req?: IncomingMessage } };
}

/**
 * Reads a request body, refusing (with a 413 {@link HttpError}) as soon as it
 * passes `limit` bytes, whether or not the client declared a length; a body
 * cut short by the client is a 400.
 *
 * Under the Elysia Node adapter the body is read straight from Node's
 * `IncomingMessage` (`request.runtime.node.req`, srvx's documented escape
 * hatch): `request.body` would first wrap it in a Web `ReadableStream`,
 * about a tenth of the CPU of a proxied POST. Other `Request`s (tests'
 * `app.handle()`) are read through their stream.
 *
 * @internal
 */
export async function readBodyLimited(request: Request, limit = BODY_LIMIT_BYTES): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw payloadTooLarge();
  const req = (request as Request & NodeBackedRequest).runtime?.node?.req;
  // Untouched (no reader attached yet, not ended): read it ourselves.
  if (req && req.readableFlowing === null && !req.readableEnded) return readIncoming(req, limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      throw incompleteBody();
    }
    const { done, value } = next;
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw payloadTooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Reads a Node request body up to `limit` bytes. Past the limit it stops
 * reading (Node discards the rest once the 413 is sent); a connection that
 * closes before the end is a 400.
 */
function readIncoming(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    if (req.destroyed) return reject(incompleteBody());
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onFailure);
      req.off('close', onFailure);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish();
        req.pause();
        reject(payloadTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      finish();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onFailure = () => {
      finish();
      reject(incompleteBody());
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onFailure);
    req.on('close', onFailure);
  });
}

/** Reads a request body as UTF-8 text within the body limit. @internal */
export async function readTextLimited(request: Request, limit = BODY_LIMIT_BYTES): Promise<string> {
  return new TextDecoder().decode(await readBodyLimited(request, limit));
}

/**
 * Where the path starts in an absolute request URL: the first `/` after
 * `scheme://authority` (-1 when there is none). What the gateway forwards
 * starts here, and the router must route on the same characters.
 *
 * @internal
 */
export function pathStartOf(url: string): number {
  const scheme = url.indexOf('://');
  return url.indexOf('/', scheme === -1 ? 0 : scheme + 3);
}

/**
 * True when `routedPath` (the path Elysia's router computed from
 * `request.url`) is exactly the path of that URL, up to its query. Elysia
 * finds the path by skipping a fixed number of characters instead of parsing
 * the authority, so a short or odd `Host` could make it route
 * `/zz/items/victim` as `/items/victim` (issue #12.8); a request where the two
 * disagree is refused, never routed.
 *
 * @internal
 */
export function routesAsItReads(url: string, routedPath: string): boolean {
  const start = pathStartOf(url);
  if (start === -1) return false;
  const end = start + routedPath.length;
  return url.startsWith(routedPath, start) && (end === url.length || url.charCodeAt(end) === 63 /* ? */ || url.charCodeAt(end) === 35 /* # */);
}

/**
 * Elysia options both apps build with: find the path after `http://` plus at
 * least one character of host (Elysia's default assumes 11 characters,
 * `http://a.bc`, and mis-routes a `Host` of 1–3 characters).
 *
 * @internal
 */
export const ROUTER_OPTIONS = { handler: { standardHostname: false } } as const;
