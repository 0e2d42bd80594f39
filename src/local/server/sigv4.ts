/**
 * SigV4: reads the credential scope (service + region) of a request, from the
 * `Authorization` header or a presigned query (`X-Amz-Credential`, …).
 * Without configured credentials a request must still carry a well-formed
 * signature ({@link requireSignature}); with credentials it is verified
 * ({@link verifySignature}) as AWS does: recomputed with the SDK's own
 * `@smithy/signature-v4` over the real body bytes, and refused when its date
 * is more than 15 minutes off the server clock.
 *
 * @internal
 */
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsError, type Protocol } from '../core/types.js';

/** The parsed `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
export interface SigV4Authorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Credentials the local cloud checks signatures against. */
export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Parses an Authorization header; `undefined` if it is absent or not SigV4. */
export function parseAuthorization(header: string | undefined): SigV4Authorization | undefined {
  if (!header || header.length > 8192) return undefined;
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(header.trim());
  if (!match) return undefined;
  const fields = new Map<string, string>();
  for (const part of match[1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential')?.split('/');
  if (!credential || credential.length !== 5 || credential[4] !== 'aws4_request') return undefined;
  const [accessKeyId, date, region, service] = credential as [string, string, string, string, string];
  if (!accessKeyId || !/^\d{8}$/.test(date) || !/^[a-z0-9-]{1,64}$/.test(region) || !/^[a-z0-9-]{1,64}$/.test(service)) return undefined;
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: (fields.get('SignedHeaders') ?? '').split(';').filter(Boolean),
    signature: fields.get('Signature') ?? '',
  };
}

/** The `node:crypto` SHA-256 / HMAC-SHA-256 in the `Checksum` shape `@smithy/signature-v4` wants. */
export class NodeSha256 {
  readonly #secret: Uint8Array | string | undefined;
  #hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#secret = secret === undefined || typeof secret === 'string' ? secret : ArrayBuffer.isView(secret) ? new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength) : new Uint8Array(secret);
    this.#hash = this.#create();
  }
  #create(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(typeof data === 'string' ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {
    this.#hash = this.#create();
  }
}

/** How far a request's signing time may be from the server clock (AWS: 15 minutes). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** Longest lifetime a presigned request may declare (`X-Amz-Expires`, AWS: 7 days). */
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

const codes = (protocol: Protocol) => {
  const json = protocol === 'json1.0' || protocol === 'json1.1';
  return {
    missing: json ? 'MissingAuthenticationTokenException' : 'MissingAuthenticationToken',
    incomplete: json ? 'IncompleteSignatureException' : 'IncompleteSignature',
    badKey: json ? 'UnrecognizedClientException' : protocol === 'ec2' ? 'AuthFailure' : 'InvalidClientTokenId',
    badSignature: json ? 'InvalidSignatureException' : 'SignatureDoesNotMatch',
  };
};

/** What {@link verifySignature} needs from the HTTP request. */
export interface SignedRequest {
  method: string;
  /** Raw request target (`/path?query`). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Body bytes exactly as received (before gunzip). */
  body: Uint8Array;
}

/** Where a request's signature was found, parsed. */
export interface FoundSignature {
  /** `header`: `Authorization: AWS4-HMAC-SHA256 …`; `query`: presigned (`X-Amz-Signature=…`). */
  in: 'header' | 'query';
  auth: SigV4Authorization;
  /** `X-Amz-Date` (header, or query when presigned), unchecked. */
  amzDate: string | undefined;
  /** `X-Amz-Expires` of a presigned request, unchecked. */
  expires: string | undefined;
}

const headerValue = (headers: SignedRequest['headers'], name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** `true` when the URL carries any of the presigned-query parameters. */
function presignedParams(url: URL): boolean {
  return url.searchParams.has('X-Amz-Signature') || url.searchParams.has('X-Amz-Credential') || url.searchParams.has('X-Amz-Algorithm');
}

/** Parses a presigned query (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-SignedHeaders`, `X-Amz-Signature`, …). */
function parsePresigned(url: URL): SigV4Authorization | undefined {
  const q = url.searchParams;
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return undefined;
  const credential = q.get('X-Amz-Credential') ?? '';
  const parsed = parseAuthorization(`AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${q.get('X-Amz-SignedHeaders') ?? ''}, Signature=${q.get('X-Amz-Signature') ?? ''}`);
  return parsed && !/[,\s]/.test(credential) ? parsed : undefined;
}

/**
 * The signature a request carries: `{ found }`, `{ missing: true }` when it has
 * neither an `Authorization` header nor presigned parameters, or `{ incomplete }`
 * (why) when what it has is not a complete SigV4 signature.
 */
export function findSignature(request: Pick<SignedRequest, 'url' | 'headers'>): { found: FoundSignature } | { missing: true } | { incomplete: string } {
  const url = new URL(request.url, 'http://localhost');
  const raw = headerValue(request.headers, 'authorization');
  const complete = (auth: SigV4Authorization | undefined) => !!auth && auth.signedHeaders.length > 0 && /^[0-9a-f]{64}$/.test(auth.signature);
  if (raw !== undefined) {
    const auth = parseAuthorization(raw);
    if (!complete(auth)) {
      return { incomplete: "Authorization header requires 'Credential' (KEY/YYYYMMDD/region/service/aws4_request), 'SignedHeaders' and 'Signature' (64 hex digits) parameters: sign the request with SigV4 (AWS SDK, AWS CLI or @smithy/signature-v4)." };
    }
    return { found: { in: 'header', auth: auth!, amzDate: headerValue(request.headers, 'x-amz-date'), expires: undefined } };
  }
  if (presignedParams(url)) {
    const auth = parsePresigned(url);
    if (!complete(auth)) {
      return { incomplete: "A presigned request requires the query parameters X-Amz-Algorithm=AWS4-HMAC-SHA256, X-Amz-Credential (KEY/YYYYMMDD/region/service/aws4_request), X-Amz-Date, X-Amz-SignedHeaders and X-Amz-Signature (64 hex digits)." };
    }
    return { found: { in: 'query', auth: auth!, amzDate: url.searchParams.get('X-Amz-Date') ?? undefined, expires: url.searchParams.get('X-Amz-Expires') ?? undefined } };
  }
  return { missing: true };
}

/** The credential scope (service, region) of a request's signature, header or presigned query; `undefined` without one. */
export function signatureScope(request: Pick<SignedRequest, 'url' | 'headers'>): SigV4Authorization | undefined {
  const found = findSignature(request);
  return 'found' in found ? found.found.auth : undefined;
}

/**
 * Checks only that a request is signed (local cloud without credentials): AWS
 * refuses an unsigned request with `MissingAuthenticationToken`, even one any
 * signature would satisfy. This is what stops a web page's form post.
 */
export function requireSignature(request: Pick<SignedRequest, 'url' | 'headers'>, protocol: Protocol): AwsError | undefined {
  const c = codes(protocol);
  const found = findSignature(request);
  if ('missing' in found) return new AwsError(c.missing, 'Request is missing Authentication Token', 403);
  if ('incomplete' in found) return new AwsError(c.incomplete, found.incomplete, 403);
  return undefined;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const amzDateText = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function parseAmzDate(text: string | undefined): Date | undefined {
  const m = text ? AMZ_DATE.exec(text) : null;
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) || amzDateText(date.getTime()) !== text ? undefined : date;
}

/** AWS's answer to a signing time outside the window, in `protocol`'s codes. */
function expired(protocol: Protocol, signed: Date, now: number, expiresSeconds: number | undefined): AwsError {
  const c = codes(protocol);
  const at = amzDateText(signed.getTime());
  const future = signed.getTime() > now + MAX_CLOCK_SKEW_MS;
  let detail: string;
  if (future) detail = `Signature not yet current: ${at} is still later than ${amzDateText(now + MAX_CLOCK_SKEW_MS)} (${amzDateText(now)} + 15 min.)`;
  else if (expiresSeconds !== undefined) detail = `Signature expired: ${at} is now earlier than ${amzDateText(now - expiresSeconds * 1000)} (${amzDateText(now)} - ${expiresSeconds} sec.)`;
  else detail = `Signature expired: ${at} is now earlier than ${amzDateText(now - MAX_CLOCK_SKEW_MS)} (${amzDateText(now)} - 15 min.)`;
  if (protocol === 'ec2') return new AwsError('RequestExpired', `Request has expired. ${detail}. Sync this machine's clock, or sign a new request.`, 400);
  return new AwsError(c.badSignature, detail, 403);
}

const sha256Hex = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');

/** The headers the client signed, with a signed `x-amz-content-sha256` replaced by the real body hash. */
function signedHeaderValues(request: SignedRequest, auth: SigV4Authorization): Record<string, string> | string {
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return name;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // The payload hash is always computed from the bytes received, never taken from the client.
  if (headers['x-amz-content-sha256'] !== undefined) headers['x-amz-content-sha256'] = sha256Hex(request.body);
  return headers;
}

/** Path and query of the request as the signer sees them (the presigned parameters left out). */
function canonicalTarget(rawUrl: string, presigned: boolean): { path: string; query: Record<string, string | string[]> } {
  const url = new URL(rawUrl, 'http://localhost');
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    /* keep the raw path; the signature will not match */
  }
  const generated = new Set(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature']);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    if (presigned && generated.has(k)) continue;
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return { path, query };
}

/** Recomputes the signature of `found` with `credentials`; the hex signature. */
async function expectedSignature(request: SignedRequest, found: FoundSignature, headers: Record<string, string>, signingDate: Date, expiresSeconds: number | undefined, credentials: LocalCredentials): Promise<string | undefined> {
  const { auth } = found;
  const signer = new SignatureV4({
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const { path, query } = canonicalTarget(request.url, found.in === 'query');
  const toSign = { method: request.method, protocol: 'http:', hostname: 'localhost', path, query, headers, body: request.body.byteLength ? request.body : undefined };
  const options = { signingDate, signingRegion: auth.region, signingService: auth.service, signableHeaders: new Set(auth.signedHeaders) };
  if (found.in === 'query') {
    const presigned = await signer.presign(toSign, { ...options, expiresIn: expiresSeconds ?? 3600, unhoistableHeaders: new Set(Object.keys(headers)) });
    const signature = presigned.query?.['X-Amz-Signature'];
    return typeof signature === 'string' ? signature : undefined;
  }
  const signed = await signer.sign(toSign, options);
  return /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization ?? ''))?.[1];
}

/**
 * Verifies a request's SigV4 signature (header or presigned query) as AWS
 * does. Returns the AWS error to answer with (in the code names `protocol`
 * uses), or `undefined` when the signature is valid. `now` is the server
 * clock (tests pass a fixed one).
 */
export async function verifySignature(request: SignedRequest, protocol: Protocol, credentials: LocalCredentials, now = Date.now()): Promise<AwsError | undefined> {
  const c = codes(protocol);
  const present = requireSignature(request, protocol);
  if (present) return present;
  const { found } = findSignature(request) as { found: FoundSignature };
  const { auth } = found;
  if (!auth.signedHeaders.includes('host')) return new AwsError(c.incomplete, "'Host' must be a 'SignedHeader' in the AWS Authorization.", 403);
  if (auth.accessKeyId !== credentials.accessKeyId) {
    return new AwsError(c.badKey, 'The security token included in the request is invalid.', 403);
  }
  const signingDate = parseAmzDate(found.amzDate);
  if (!signingDate) {
    const where = found.in === 'query' ? 'query parameter X-Amz-Date' : 'X-Amz-Date header';
    return new AwsError(c.incomplete, `Request is missing a valid ${where} (format YYYYMMDDTHHMMSSZ), got: ${JSON.stringify((found.amzDate ?? '').slice(0, 40))}.`, 403);
  }
  if (auth.date !== found.amzDate!.slice(0, 8)) {
    return new AwsError(c.badSignature, `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${found.amzDate!.slice(0, 8)}', from '${found.amzDate}'.`, 403);
  }
  let expiresSeconds: number | undefined;
  if (found.in === 'query') {
    const text = found.expires ?? '';
    expiresSeconds = /^\d{1,7}$/.test(text) ? Number(text) : NaN;
    if (!(expiresSeconds >= 1 && expiresSeconds <= MAX_PRESIGNED_SECONDS)) {
      return new AwsError(c.incomplete, `X-Amz-Expires must be an integer number of seconds from 1 to ${MAX_PRESIGNED_SECONDS}, got: ${JSON.stringify(text.slice(0, 20))}.`, 403);
    }
  }
  const signed = signingDate.getTime();
  const oldest = now - (expiresSeconds !== undefined ? expiresSeconds * 1000 : MAX_CLOCK_SKEW_MS);
  if (signed > now + MAX_CLOCK_SKEW_MS || signed < oldest) return expired(protocol, signingDate, now, expiresSeconds);

  const headers = signedHeaderValues(request, auth);
  if (typeof headers === 'string') {
    return new AwsError(c.badSignature, `The request signature we calculated does not match the signature you provided: signed header ${headers} is missing.`, 403);
  }
  const expected = await expectedSignature(request, found, headers, signingDate, expiresSeconds, credentials);
  if (!expected || !timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature))) {
    return new AwsError(c.badSignature, 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.', 403);
  }
  return undefined;
}
