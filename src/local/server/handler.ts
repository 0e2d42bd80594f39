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
import { checkAdminToken } from './admin-token.js';
import { conformanceHook } from '../models/conformance-log.js';
import { createRequestGuard, type GuardRefusal, type RequestGuardOptions } from './guard.js';
import { requireSignature, signatureScope, verifySignature, type LocalCredentials, type SigV4Authorization } from './sigv4.js';

/** Options of {@link createRequestListener}. */
export interface RequestListenerOptions {
  state: CloudState;
  /** Region used when a request carries no SigV4 scope. */
  region: string;
  /**
   * When set, every AWS request must be signed with these credentials (body
   * and clock verified). Without them a request must still be signed, with any key.
   */
  credentials?: LocalCredentials;
  /** The token every `/_ecskit/*` admin endpoint requires as `Authorization: Bearer <token>` (health stays open). */
  adminToken: string;
  /** Which `Host` and `Origin` headers are served; checked first, for every path. */
  guard: RequestGuardOptions;
  /** Largest accepted request body (compressed or not), bytes. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Where internal errors are logged. Default `console.error`. */
  log?: (line: string) => void;
  /** Extra fields for `GET /_ecskit/health`. */
  health?: () => Record<string, unknown>;
  /** Runs after `POST /_ecskit/reset` cleared the state, before it answers (re-applies the account preset). */
  afterReset?: () => Promise<void>;
  /** Called once per answered request (`ecskit local --verbose`). */
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Serves `/_ecskit/console*` (the console, which does its own token or
   * session check); `undefined` when the console is not mounted.
   */
  console?: (req: IncomingMessage, res: ServerResponse, url: URL) => void;
  /**
   * Listeners for other protocols on the same endpoint, behind the guard (the
   * local ECR's registry under `/v2/`): the first whose `handles(url)` is true
   * answers the request, and answers a refusal of the guard in its own error format.
   */
  mounts?: readonly MountedListener[];
}

/** A listener served on the cloud's endpoint behind the guard ({@link RequestListenerOptions.mounts}). */
export interface MountedListener {
  /** `true` for the request paths (with query) it answers. */
  handles(url: string): boolean;
  /** Answers a request that passed the guard. */
  listener(req: IncomingMessage, res: ServerResponse): void;
  /** Answers a request the guard refused (the body is not read). */
  refuse(req: IncomingMessage, res: ServerResponse, refusal: GuardRefusal): void;
}

/** One answered request, as the `onRequest` option of the cloud's request listener (the `--verbose` log) gets it. */
export interface RequestLogEntry {
  /** Signing name (`ecs`, `monitoring`, …), `ecskit` for `/_ecskit/*`, or `-` when unknown. */
  service: string;
  /** Operation (`DescribeServices`), the admin path, or `-`. */
  operation: string;
  /** HTTP status answered. */
  status: number;
  /** Milliseconds from the request's arrival to the end of its answer. */
  ms: number;
  /** The `x-amzn-RequestId` the answer carried. */
  requestId: string;
}

const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

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
  return scopeOf(req)?.service === 'ec2' ? 'ec2' : 'query';
}

/** The SigV4 credential scope of a request (header or presigned query). */
const scopeOf = (req: IncomingMessage): SigV4Authorization | undefined => signatureScope({ url: req.url ?? '/', headers: req.headers });

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

/** Error code for a body that is over the limit, in the protocol's naming. */
const tooLarge = (p: Protocol, message: string) => new AwsError(isJson(p) ? 'RequestEntityTooLargeException' : 'RequestEntityTooLarge', message, 413);
const malformed = (p: Protocol, message: string, status = 400) => new AwsError(isJson(p) ? 'SerializationException' : 'MalformedInput', message, status);

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

/** The body as UTF-8 text, or `undefined` when it is not valid UTF-8. */
function utf8(body: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}

/** The JSON-protocol input object, or the `SerializationException` to answer with. */
function parseJsonInput(text: string, protocol: Protocol, service: ServiceDefinition): Record<string, unknown> | Failure {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return new Failure(protocol, new AwsError('SerializationException', `Request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`), service);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return new Failure(protocol, new AwsError('SerializationException', `Request body must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}.`), service);
  }
  return parsed as Record<string, unknown>;
}

/** A request whose service, protocol and operation are known (the operation may still be unknown to the service). */
interface Route {
  service: ServiceDefinition | undefined;
  protocol: Protocol;
  operation: string;
}

/** Creates the `node:http` request listener of the local cloud. */
export function createRequestListener(options: RequestListenerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const log = options.log ?? ((line: string) => console.error(line));
  const state = options.state;
  const startedAt = Date.now();
  const guard = createRequestGuard(options.guard);
  /** What each request turned out to be, for the request log. */
  const routes = new WeakMap<ServerResponse, { service: string; operation: string }>();
  /** `ECSKIT_CONFORMANCE_LOG`: every AWS response is checked against its model (undefined, and free, when unset). */
  const conformance = conformanceHook();

  const send = (res: ServerResponse, wire: WireResponse, method?: string) => {
    if (res.headersSent || res.destroyed) return;
    const body = Buffer.from(wire.body, 'utf8');
    res.writeHead(wire.status, { ...wire.headers, 'content-length': String(body.length) });
    res.end(method === 'HEAD' ? undefined : body);
    const route = conformance ? routes.get(res) : undefined;
    if (conformance && route) conformance({ ...route, ...wire });
  };

  const fail = (res: ServerResponse, f: Failure, requestId: string) => {
    const queryCompatible = !!f.service && f.service.protocols.some(isJson) && f.service.protocols.includes('query');
    send(res, encodeError(f.protocol, f.error, requestId, { namespace: f.service?.xmlNamespace, queryCompatible }));
  };

  const adminJson = (res: ServerResponse, status: number, value: unknown, method?: string, headers: Record<string, string> = {}) =>
    send(res, { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) }, method);

  /** Answers a request the guard refused: JSON on `/_ecskit/*`, the AWS error shape elsewhere. */
  const refuse = (req: IncomingMessage, res: ServerResponse, refusal: GuardRefusal, requestId: string) => {
    req.resume();
    res.setHeader('connection', 'close');
    if ((req.url ?? '').startsWith('/_ecskit')) return adminJson(res, refusal.status, { status: 'error', code: refusal.reason, message: refusal.message }, req.method);
    const p = guessProtocol(req);
    send(res, encodeError(p, new AwsError(isJson(p) ? 'AccessDeniedException' : 'AccessDenied', refusal.message, refusal.status), requestId), req.method);
  };

  /** The signature check: present (no credentials configured) or verified (credentials). */
  const authenticate = async (req: IncomingMessage, raw: Buffer, protocol: Protocol): Promise<AwsError | undefined> => {
    const request = { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body: raw };
    return options.credentials ? verifySignature(request, protocol, options.credentials) : requireSignature(request, protocol);
  };

  /** Service of a scope that names one we do not serve: the failure to answer with. */
  const scopeService = (req: IncomingMessage, scope: SigV4Authorization | undefined, target: string | undefined): ServiceDefinition | Failure | undefined => {
    if (!scope) return undefined;
    const service = state.service(scope.service);
    if (service) return service;
    const p = target ? guessProtocol(req) : scope.service === 'ec2' ? 'ec2' : 'query';
    return new Failure(p, unknownOperation(p, target ?? 'request', undefined));
  };

  function jsonRoute(req: IncomingMessage, target: string, scoped: ServiceDefinition | undefined): Route {
    const dot = target.indexOf('.');
    const prefix = dot >= 0 ? target.slice(0, dot) : target;
    const service = scoped ?? state.services.find((s) => s.targetPrefix === prefix);
    const jsonProtocol = service ? jsonProtocolOf(service) : undefined;
    const known = !!service && !!jsonProtocol && prefix === service.targetPrefix;
    return { service, protocol: jsonProtocol ?? guessProtocol(req), operation: known ? (dot >= 0 ? target.slice(dot + 1) : '') : '' };
  }

  function formRoute(req: IncomingMessage, params: [string, string][], scoped: ServiceDefinition | undefined): Route {
    const action = params.find(([k]) => k === 'Action')?.[1] ?? '';
    let service = scoped;
    if (!service && action) {
      const candidates = state.services.filter((s) => formProtocolOf(s) && Object.hasOwn(s.operations, action));
      if (candidates.length === 1) service = candidates[0];
    }
    return { service, protocol: (service && formProtocolOf(service)) ?? guessProtocol(req), operation: action };
  }

  /** Query/EC2 parameters from the URL and a form body; a failure for a body that is not a form. */
  function formParams(req: IncomingMessage, url: URL, text: string, scoped: ServiceDefinition | undefined): [string, string][] | Failure {
    const params: [string, string][] = [...url.searchParams];
    const contentType = (header(req, 'content-type') ?? '').toLowerCase();
    if (text.length === 0) return params;
    if (contentType && !contentType.includes('x-www-form-urlencoded')) {
      const p = (scoped && formProtocolOf(scoped)) ?? guessProtocol(req);
      const message = `Content-Type "${contentType.slice(0, 100)}" is not supported; send application/x-www-form-urlencoded (Query) or set X-Amz-Target (JSON).`;
      return new Failure(p, new AwsError(p === 'ec2' ? 'InvalidParameterValue' : 'MalformedInput', message, 415), scoped);
    }
    params.push(...new URLSearchParams(text));
    return params;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/_ecskit/console' || url.pathname.startsWith('/_ecskit/console/')) {
      routes.set(res, { service: 'ecskit', operation: url.pathname });
      if (options.console) return options.console(req, res, url);
    }
    if (url.pathname.startsWith('/_ecskit/')) {
      routes.set(res, { service: 'ecskit', operation: url.pathname });
      return internal(req, res, url.pathname);
    }
    // A person opening the endpoint (no Action, no signature): say what this is, not an XML MissingAction.
    if (url.pathname === '/' && !url.search && !req.headers.authorization && (req.method === 'GET' || req.method === 'HEAD')) {
      routes.set(res, { service: 'ecskit', operation: '/' });
      req.resume();
      return landingPage(req, res);
    }

    const read = await readBody(req, limit);
    if (!read.ok) {
      if (read.reason === 'aborted') return;
      res.setHeader('connection', 'close');
      return fail(res, new Failure(guessProtocol(req), tooLarge(guessProtocol(req), `Request body exceeds the limit of ${limit} bytes.`)), requestId);
    }
    const body = decodeContent(req, read.body, limit);
    if (body instanceof Failure) return fail(res, body, requestId);
    const text = utf8(body);

    // --- which service, which protocol -------------------------------------------------
    const target = header(req, 'x-amz-target');
    const scope = scopeOf(req);
    const scoped = scopeService(req, scope, target);
    if (scoped instanceof Failure) return fail(res, scoped, requestId);
    let route: Route;
    let params: [string, string][] = [];
    if (target) route = jsonRoute(req, target, scoped);
    else {
      if (text === undefined) {
        const p = (scoped && formProtocolOf(scoped)) ?? guessProtocol(req);
        return fail(res, new Failure(p, new AwsError('MalformedQueryString', 'Request body is not valid UTF-8.'), scoped), requestId);
      }
      const found = formParams(req, url, text, scoped);
      if (found instanceof Failure) return fail(res, found, requestId);
      params = found;
      route = formRoute(req, params, scoped);
    }
    const { service, protocol, operation } = route;
    routes.set(res, { service: service?.signingName ?? '-', operation: operation || '-' });

    // --- who: a signed request (verified when credentials are configured) ---------------
    const denied = await authenticate(req, read.body, protocol);
    if (denied) return fail(res, new Failure(protocol, denied, service), requestId);

    // --- what --------------------------------------------------------------------------
    if (!target && !operation) return fail(res, new Failure(protocol, new AwsError('MissingAction', 'The request must contain the parameter Action.'), service), requestId);
    const protocolFits = !!service && (target ? !!jsonProtocolOf(service) : !!formProtocolOf(service));
    if (!service || !protocolFits || !operation || !Object.hasOwn(service.operations, operation)) {
      return fail(res, new Failure(protocol, unknownOperation(protocol, target ?? operation, service), service), requestId);
    }
    let input: Record<string, unknown>;
    if (target) {
      if (text === undefined) return fail(res, new Failure(protocol, new AwsError('SerializationException', 'Request body is not valid UTF-8.'), service), requestId);
      const parsed = parseJsonInput(text, protocol, service);
      if (parsed instanceof Failure) return fail(res, parsed, requestId);
      input = parsed;
    } else {
      try {
        input = foldQueryParams(params);
      } catch (error) {
        if (!(error instanceof QueryDecodeError)) throw error;
        return fail(res, new Failure(protocol, new AwsError(protocol === 'ec2' ? 'InvalidParameterValue' : 'MalformedQueryString', error.message), service), requestId);
      }
    }
    return run(res, requestId, { service, protocol, operation }, input, scope?.region ?? options.region);
  }

  async function run(res: ServerResponse, requestId: string, route: Route & { service: ServiceDefinition }, input: Record<string, unknown>, region: string): Promise<void> {
    const { service, protocol, operation } = route;
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

  /** `GET /` for a person: what this endpoint is and where to go (HTML for browsers, text otherwise); no secret in it. */
  function landingPage(req: IncomingMessage, res: ServerResponse): void {
    const endpoint = `http://${req.headers.host ?? 'localhost'}`;
    const lines = [
      'ecskit local cloud',
      '',
      `This is the endpoint AWS SDKs and CLIs talk to: AWS_ENDPOINT_URL=${endpoint} (or --endpoint-url ${endpoint}).`,
      `Services: ${state.services.map((s) => s.signingName).join(', ')}.`,
      'Console: /_ecskit/console, opened with the URL in the banner of `ecskit local` (it carries the admin token), or `npx ecskit console`.',
      'Health: /_ecskit/health',
    ];
    const html = /\btext\/html\b/.test(String(req.headers.accept ?? ''));
    const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
    const body = html
      ? `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>ecskit local cloud</title></head><body><main><h1>ecskit local cloud</h1>` +
        lines.slice(2).map((line) => `<p>${escape(line).replace(/(\/_ecskit\/(?:console|health))/g, '<a href="$1">$1</a>')}</p>`).join('') +
        '</main></body></html>\n'
      : `${lines.join('\n')}\n`;
    res.writeHead(200, {
      'content-type': html ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** `/_ecskit/*`: health is open (read-only, no secret); every other endpoint needs the admin token. */
  function internal(req: IncomingMessage, res: ServerResponse, path: string): void {
    req.resume();
    if (path === '/_ecskit/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      return adminJson(
        res,
        200,
        { status: 'ok', services: state.services.map((s) => s.signingName), version: state.version, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), ...options.health?.() },
        req.method,
      );
    }
    const refused = checkAdminToken(req.headers.authorization, options.adminToken);
    if (refused) {
      return adminJson(res, refused.status, { status: 'error', code: refused.code, message: refused.message }, req.method, refused.status === 401 ? { 'www-authenticate': 'Bearer realm="ecskit-admin"' } : {});
    }
    if (path === '/_ecskit/reset' && req.method === 'POST') {
      state.reset();
      const done = () => adminJson(res, 200, { status: 'ok', reset: true });
      if (!options.afterReset) return done();
      options.afterReset().then(done, (error: Error) => {
        log(`reset: ${error.message}`);
        adminJson(res, 500, { status: 'error', message: `the state was reset, but re-applying the account preset failed: ${error.message}` });
      });
      return;
    }
    return adminJson(res, 404, { status: 'error', message: `No ecskit endpoint ${req.method} ${path.slice(0, 100)}; try GET /_ecskit/health or POST /_ecskit/reset.` }, req.method);
  }

  return (req, res) => {
    const requestId = uuid();
    if (options.onRequest) {
      const started = performance.now();
      const onRequest = options.onRequest;
      res.once('finish', () => {
        const route = routes.get(res) ?? { service: '-', operation: '-' };
        try {
          onRequest({ ...route, status: res.statusCode, ms: performance.now() - started, requestId });
        } catch {
          // a failing log sink must not break the server
        }
      });
    }
    // The guard runs first, for every path: nothing below it sees a foreign Host or Origin.
    const refusal = guard(req);
    const mount = options.mounts?.find((m) => m.handles(req.url ?? '/'));
    if (mount) return refusal ? mount.refuse(req, res, refusal) : mount.listener(req, res);
    if (refusal) return refuse(req, res, refusal, requestId);
    handle(req, res, requestId).catch((error: unknown) => {
      log(`[ecskit local] request ${requestId} failed in the protocol layer: ${(error as Error)?.stack ?? String(error)}`);
      send(res, encodeError(guessProtocol(req), new AwsError('InternalFailure', 'The ecskit local cloud failed to process the request; see its log.', 500, 'Receiver'), requestId));
    });
  };
}
