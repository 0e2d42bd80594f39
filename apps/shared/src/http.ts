/**
 * Small HTTP helpers shared by the lab's two apps: JSON responses, the
 * request-body limit and the error type handlers throw to answer early.
 *
 * @internal
 * @module
 */

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

/**
 * Reads a request body, refusing (with a 413 {@link HttpError}) as soon as it
 * passes `limit` bytes, whether or not the client declared a length.
 *
 * @internal
 */
export async function readBodyLimited(request: Request, limit = BODY_LIMIT_BYTES): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw payloadTooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
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

/** Reads a request body as UTF-8 text within the body limit. @internal */
export async function readTextLimited(request: Request, limit = BODY_LIMIT_BYTES): Promise<string> {
  return new TextDecoder().decode(await readBodyLimited(request, limit));
}
