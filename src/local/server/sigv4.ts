/**
 * SigV4: reads the credential scope (service + region) of a request and,
 * when the local cloud was started with credentials, verifies the signature
 * by recomputing it with the SDK's own `@smithy/signature-v4`.
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

class NodeSha256 {
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

/**
 * Verifies a request's SigV4 signature. Returns the AWS error to answer with
 * (in the code names `protocol` uses), or `undefined` when the signature is valid.
 */
export async function verifySignature(request: SignedRequest, protocol: Protocol, credentials: LocalCredentials): Promise<AwsError | undefined> {
  const c = codes(protocol);
  const header = request.headers.authorization;
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) return new AwsError(c.missing, 'Request is missing Authentication Token', 403);
  const auth = parseAuthorization(raw);
  if (!auth || auth.signedHeaders.length === 0 || !/^[0-9a-f]{64}$/.test(auth.signature)) {
    return new AwsError(c.incomplete, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters with a valid credential scope.", 403);
  }
  if (auth.accessKeyId !== credentials.accessKeyId) {
    return new AwsError(c.badKey, 'The security token included in the request is invalid.', 403);
  }
  const amzDate = request.headers['x-amz-date'];
  const dateText = Array.isArray(amzDate) ? amzDate[0] : amzDate;
  const m = dateText ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(dateText) : null;
  if (!m) return new AwsError(c.incomplete, 'Request is missing a valid X-Amz-Date header (format YYYYMMDDTHHMMSSZ).', 403);
  const signingDate = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));

  const url = new URL(request.url, 'http://localhost');
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    /* keep the raw path; the signature will not match */
  }
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return new AwsError(c.badSignature, `The request signature we calculated does not match the signature you provided: signed header ${name} is missing.`, 403);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: 'localhost', path, query, headers, body: request.body.byteLength ? request.body : undefined },
    { signingDate, signingRegion: auth.region, signingService: auth.service },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization ?? ''))?.[1];
  if (!expected || !timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature))) {
    return new AwsError(c.badSignature, 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.', 403);
  }
  return undefined;
}
