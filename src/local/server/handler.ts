/**
 * The HTTP request listener: reads the body (size-limited, gzip-aware),
 * picks the service (SigV4 scope → `X-Amz-Target` prefix → form `Action`),
 * decodes the protocol, calls {@link CloudState.invoke} and encodes the
 * result or error in the protocol's exact shape. It never throws: every
 * failure becomes an AWS-shaped error response.
 *
 * @internal
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { CloudState } from '../core/cloud-state.js';
import { AwsError, type Protocol, type ServiceDefinition } from '../core/types.js';
import { uuid } from '../core/util.js';
import { encodeEc2, encodeError, encodeJson, encodeQuery, type WireResponse } from './codecs.js';
import { foldQueryParams, QueryDecodeError } from './query-params.js';
import { parseAuthorization, verifySignature, type LocalCredentials } from './sigv4.js';

/** Options of {@link createRequestListener}. */
export interface RequestListenerOptions {
  state: CloudState;
  /** Region used when a request carries no SigV4 scope. */
  region: string;
  /** When set, every AWS request must be signed with these credentials. */
  credentials?: LocalCredentials;
  /** Largest accepted request body (compressed or not), bytes. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Where internal errors are logged. Default `console.error`. */
  log?: (line: string) => void;
  /** Extra fields for `GET /_ecskit/health`. */
  health?: () => Record<string, unknown>;
}

const DEFAULT_MAX_BODY = 10 * 1024 * 1024;
const startedAt = Date.now();

type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
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

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const isJson = (p: Protocol) => p === 'json1.0' || p === 'json1.1';

/** How a request looks before its service is known (picks the error shape for early failures). */
function guessProtocol(req: IncomingMessage): Protocol {
  if (header(req, 'x-amz-target')) return (header(req, 'content-type') ?? '').includes('1.0') ? 'json1.0' : 'json1.1';
  const scope = parseAuthorization(header(req, 'authorization'));
  return scope?.service === 'ec2' ? 'ec2' : 'query';
}

class Failure {
  constructor(
    readonly protocol: Protocol,
    readonly error: AwsError,
    readonly service?: ServiceDefinition,
  ) {}
}

const jsonProtocolOf = (service: ServiceDefinition): Protocol | undefined => service.protocols.find(isJson);
const formProtocolOf = (service: ServiceDefinition): Protocol | undefined => service.protocols.find((p) => p === 'query' || p === 'ec2');

function unknownOperation(protocol: Protocol, operation: string, service?: ServiceDefinition): AwsError {
  const name = service ? service.signingName : 'this endpoint';
  if (isJson(protocol)) return new AwsError('UnknownOperationException', `Operation ${operation.slice(0, 100)} is not supported by ${name} in the ecskit local cloud.`);
  return new AwsError('InvalidAction', `The action ${operation.slice(0, 100)} is not valid for ${name} in the ecskit local cloud.`);
}

/** Creates the `node:http` request listener of the local cloud. */
export function createRequestListener(options: RequestListenerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const log = options.log ?? ((line: string) => console.error(line));
  const state = options.state;

  const send = (res: ServerResponse, wire: WireResponse, method?: string) => {
    if (res.headersSent || res.destroyed) return;
    const body = Buffer.from(wire.body, 'utf8');
    res.writeHead(wire.status, { ...wire.headers, 'content-length': String(body.length) });
    res.end(method === 'HEAD' ? undefined : body);
  };

  const fail = (res: ServerResponse, f: Failure, requestId: string) => {
    const queryCompatible = !!f.service && f.service.protocols.some(isJson) && f.service.protocols.includes('query');
    send(res, encodeError(f.protocol, f.error, requestId, { namespace: f.service?.xmlNamespace, queryCompatible }));
  };

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/_ecskit/')) return internal(req, res, url.pathname);

    const read = await readBody(req, limit);
    if (!read.ok) {
      if (read.reason === 'aborted') return;
      res.setHeader('connection', 'close');
      return fail(res, new Failure(guessProtocol(req), new AwsError(isJson(guessProtocol(req)) ? 'RequestEntityTooLargeException' : 'RequestEntityTooLarge', `Request body exceeds the limit of ${limit} bytes.`, 413)), requestId);
    }
    const raw = read.body;
    let body = raw;
    const encoding = (header(req, 'content-encoding') ?? '').trim().toLowerCase();
    if (encoding === 'gzip' || encoding === 'x-gzip') {
      try {
        body = gunzipSync(raw, { maxOutputLength: limit });
      } catch (error) {
        const tooBig = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || /larger than/i.test(String(error));
        const p = guessProtocol(req);
        if (tooBig) return fail(res, new Failure(p, new AwsError(isJson(p) ? 'RequestEntityTooLargeException' : 'RequestEntityTooLarge', `Decompressed request body exceeds the limit of ${limit} bytes.`, 413)), requestId);
        return fail(res, new Failure(p, new AwsError(isJson(p) ? 'SerializationException' : 'MalformedInput', 'Content-Encoding is gzip but the body is not valid gzip data.')), requestId);
      }
    } else if (encoding !== '' && encoding !== 'identity') {
      const p = guessProtocol(req);
      return fail(res, new Failure(p, new AwsError(isJson(p) ? 'SerializationException' : 'MalformedInput', `Unsupported Content-Encoding "${encoding.slice(0, 50)}"; use gzip or none.`, 415)), requestId);
    }

    // --- which service, which protocol -------------------------------------------------
    const target = header(req, 'x-amz-target');
    const scope = parseAuthorization(header(req, 'authorization'));
    let service: ServiceDefinition | undefined;
    let protocol: Protocol;
    let operation: string;
    let input: Record<string, unknown>;

    if (scope) {
      service = state.service(scope.service);
      if (!service) {
        const p = target ? guessProtocol(req) : scope.service === 'ec2' ? 'ec2' : 'query';
        return fail(res, new Failure(p, unknownOperation(p, target ?? 'request', undefined), undefined), requestId);
      }
    } else if (target) {
      const prefix = target.split('.')[0] ?? '';
      service = state.services.find((s) => s.targetPrefix === prefix);
    }

    if (target) {
      const jsonProtocol = service ? jsonProtocolOf(service) : undefined;
      protocol = jsonProtocol ?? guessProtocol(req);
      const dot = target.indexOf('.');
      operation = dot >= 0 ? target.slice(dot + 1) : '';
      const prefix = dot >= 0 ? target.slice(0, dot) : target;
      if (!service || !jsonProtocol || prefix !== service.targetPrefix || !Object.hasOwn(service.operations, operation)) {
        return fail(res, new Failure(protocol, unknownOperation(protocol, target, service), service), requestId);
      }
      if (options.credentials) {
        const bad = await verifySignature({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body: raw }, protocol, options.credentials);
        if (bad) return fail(res, new Failure(protocol, bad, service), requestId);
      }
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(body);
      } catch {
        return fail(res, new Failure(protocol, new AwsError('SerializationException', 'Request body is not valid UTF-8.'), service), requestId);
      }
      if (text.trim() === '') input = {};
      else {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (error) {
          return fail(res, new Failure(protocol, new AwsError('SerializationException', `Request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`), service), requestId);
        }
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
          return fail(res, new Failure(protocol, new AwsError('SerializationException', `Request body must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}.`), service), requestId);
        }
        input = parsed as Record<string, unknown>;
      }
    } else {
      // Query / EC2 form.
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(body);
      } catch {
        const p = service && formProtocolOf(service) ? formProtocolOf(service)! : guessProtocol(req);
        return fail(res, new Failure(p, new AwsError('MalformedQueryString', 'Request body is not valid UTF-8.'), service), requestId);
      }
      const params: [string, string][] = [...url.searchParams];
      const contentType = (header(req, 'content-type') ?? '').toLowerCase();
      if (text.length > 0) {
        if (contentType && !contentType.includes('x-www-form-urlencoded')) {
          const p = service && formProtocolOf(service) ? formProtocolOf(service)! : guessProtocol(req);
          return fail(res, new Failure(p, new AwsError(p === 'ec2' ? 'InvalidParameterValue' : 'MalformedInput', `Content-Type "${contentType.slice(0, 100)}" is not supported; send application/x-www-form-urlencoded (Query) or set X-Amz-Target (JSON).`, 415), service), requestId);
        }
        params.push(...new URLSearchParams(text));
      }
      const action = params.find(([k]) => k === 'Action')?.[1];
      if (!service && action) {
        const candidates = state.services.filter((s) => formProtocolOf(s) && Object.hasOwn(s.operations, action));
        if (candidates.length === 1) service = candidates[0];
      }
      protocol = (service && formProtocolOf(service)) ?? guessProtocol(req);
      if (!action) return fail(res, new Failure(protocol, new AwsError('MissingAction', 'The request must contain the parameter Action.'), service), requestId);
      operation = action;
      if (!service || !formProtocolOf(service) || !Object.hasOwn(service.operations, action)) {
        return fail(res, new Failure(protocol, unknownOperation(protocol, action, service), service), requestId);
      }
      if (options.credentials) {
        const bad = await verifySignature({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body: raw }, protocol, options.credentials);
        if (bad) return fail(res, new Failure(protocol, bad, service), requestId);
      }
      try {
        input = foldQueryParams(params);
      } catch (error) {
        if (!(error instanceof QueryDecodeError)) throw error;
        return fail(res, new Failure(protocol, new AwsError(protocol === 'ec2' ? 'InvalidParameterValue' : 'MalformedQueryString', error.message), service), requestId);
      }
    }

    // --- run ------------------------------------------------------------------------------
    const region = scope?.region ?? options.region;
    let output: unknown;
    try {
      output = await state.invoke(service.signingName, operation, input, { region, requestId });
    } catch (error) {
      if (error instanceof AwsError) return fail(res, new Failure(protocol, error, service), requestId);
      log(`[ecskit local] ${service.signingName}:${operation} (request ${requestId}) failed: ${(error as Error)?.stack ?? String(error)}`);
      const code = isJson(protocol) ? 'InternalFailure' : 'InternalError';
      return fail(res, new Failure(protocol, new AwsError(code, `The ecskit local cloud failed to process ${operation} (request ${requestId}); see its log.`, 500, 'Receiver'), service), requestId);
    }
    const ns = service.xmlNamespace ?? '';
    if (isJson(protocol)) return send(res, encodeJson(protocol, output, requestId));
    if (protocol === 'ec2') return send(res, encodeEc2(operation, ns, output, requestId));
    return send(res, encodeQuery(operation, ns, output, requestId));
  }

  function internal(req: IncomingMessage, res: ServerResponse, path: string): void {
    const json = (status: number, value: unknown) => send(res, { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
    req.resume();
    if (path === '/_ecskit/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      return json(200, {
        status: 'ok',
        services: state.services.map((s) => s.signingName),
        version: state.version,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        ...options.health?.(),
      });
    }
    if (path === '/_ecskit/reset' && req.method === 'POST') {
      state.reset();
      return json(200, { status: 'ok', reset: true });
    }
    return json(404, { status: 'error', message: `No ecskit endpoint ${req.method} ${path.slice(0, 100)}; try GET /_ecskit/health or POST /_ecskit/reset.` });
  }

  return (req, res) => {
    const requestId = uuid();
    handle(req, res, requestId).catch((error: unknown) => {
      log(`[ecskit local] request ${requestId} failed in the protocol layer: ${(error as Error)?.stack ?? String(error)}`);
      send(res, encodeError(guessProtocol(req), new AwsError('InternalFailure', 'The ecskit local cloud failed to process the request; see its log.', 500, 'Receiver'), requestId));
    });
  };
}
