/**
 * What the request listener reads off a request before its service is known:
 * headers, the SigV4 scope, the protocol an early error is answered in, and
 * the body (size-limited, gzip-aware, UTF-8 checked). A request that cannot
 * go on becomes a {@link Failure}: the AWS error to answer, in its protocol.
 *
 * @internal
 */
import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { AwsError, type Protocol, type ServiceDefinition } from '../core/types.js';
import { signatureScope, type SigV4Authorization } from './sigv4.js';

/**
 * A request that cannot go on: the error to answer, in `protocol`'s shape (and
 * `service`'s XML namespace); `closeConnection` for a body that was not read to its end.
 */
export class Failure {
  constructor(
    readonly protocol: Protocol,
    readonly error: AwsError,
    readonly service?: ServiceDefinition,
    readonly closeConnection = false,
  ) {}
}

/** The first value of a request header. */
export const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** `true` for the JSON protocols (their error codes are named differently from Query's). */
export const isJson = (p: Protocol) => p === 'json1.0' || p === 'json1.1';

/** The SigV4 credential scope of a request (header or presigned query). */
export const scopeOf = (req: IncomingMessage): SigV4Authorization | undefined => signatureScope({ url: req.url ?? '/', headers: req.headers });

/** How a request looks before its service is known (picks the error shape for early failures). */
export function guessProtocol(req: IncomingMessage): Protocol {
  if (header(req, 'x-amz-target')) return (header(req, 'content-type') ?? '').includes('1.0') ? 'json1.0' : 'json1.1';
  return scopeOf(req)?.service === 'ec2' ? 'ec2' : 'query';
}

/** The error for an operation (or `X-Amz-Target`) the service, or the endpoint, does not serve. */
export function unknownOperation(protocol: Protocol, operation: string, service?: ServiceDefinition): AwsError {
  const name = service ? service.signingName : 'this endpoint';
  if (isJson(protocol)) return new AwsError('UnknownOperationException', `Operation ${operation.slice(0, 100)} is not supported by ${name} in the ecskit local cloud.`);
  return new AwsError('InvalidAction', `The action ${operation.slice(0, 100)} is not valid for ${name} in the ecskit local cloud.`);
}

/** Error code for a body that is over the limit, in the protocol's naming. */
const tooLarge = (p: Protocol, message: string) => new AwsError(isJson(p) ? 'RequestEntityTooLargeException' : 'RequestEntityTooLarge', message, 413);
const malformed = (p: Protocol, message: string, status = 400) => new AwsError(isJson(p) ? 'SerializationException' : 'MalformedInput', message, status);

/** A body read to its end within the limit, or why not. */
export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

/** Reads a request's body, stopping at `limit` bytes (a larger declared `Content-Length` is refused unread). */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > limit;
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (result: BodyResult) => {
      if (!done) {
        done = true;
        resolve(result);
      }
    };
    if (tooLarge) {
      finish({ ok: false, reason: 'too-large' });
      req.resume();
      return;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        if (!tooLarge) {
          tooLarge = true;
          chunks.length = 0;
          finish({ ok: false, reason: 'too-large' });
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(tooLarge ? { ok: false, reason: 'too-large' } : { ok: true, body: Buffer.concat(chunks) }));
    req.on('error', () => finish({ ok: false, reason: 'aborted' }));
    req.on('aborted', () => finish({ ok: false, reason: 'aborted' }));
  });
}

/** Undoes `Content-Encoding` (gzip or none), within the size limit. */
function decodeContent(req: IncomingMessage, raw: Buffer, limit: number): Buffer | Failure {
  const encoding = (header(req, 'content-encoding') ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return raw;
  const p = guessProtocol(req);
  if (encoding !== 'gzip' && encoding !== 'x-gzip') return new Failure(p, malformed(p, `Unsupported Content-Encoding "${encoding.slice(0, 50)}"; use gzip or none.`, 415));
  try {
    return gunzipSync(raw, { maxOutputLength: limit });
  } catch (error) {
    const overLimit = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || /larger than/i.test(String(error));
    if (overLimit) return new Failure(p, tooLarge(p, `Decompressed request body exceeds the limit of ${limit} bytes.`));
    return new Failure(p, malformed(p, 'Content-Encoding is gzip but the body is not valid gzip data.'));
  }
}

/** A request's body: `raw` as sent (what the signature covers), `body` with its `Content-Encoding` undone. */
export interface ReceivedBody {
  raw: Buffer;
  body: Buffer;
}

/**
 * Reads and decodes the body within `limit` bytes (compressed or not): `undefined`
 * when the client went away, a failure (that closes the connection) when it is too large.
 */
export async function receiveBody(req: IncomingMessage, limit: number): Promise<ReceivedBody | Failure | undefined> {
  const read = await readBody(req, limit);
  if (!read.ok) {
    if (read.reason === 'aborted') return undefined;
    return new Failure(guessProtocol(req), tooLarge(guessProtocol(req), `Request body exceeds the limit of ${limit} bytes.`), undefined, true);
  }
  const body = decodeContent(req, read.body, limit);
  return body instanceof Failure ? body : { raw: read.body, body };
}

/** The body as UTF-8 text, or the failure `code` names when it is not valid UTF-8 (the one UTF-8 check of a request). */
export function utf8Text(body: Buffer, protocol: Protocol, code: 'MalformedQueryString' | 'SerializationException', service: ServiceDefinition | undefined): string | Failure {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return new Failure(protocol, new AwsError(code, 'Request body is not valid UTF-8.'), service);
  }
}
