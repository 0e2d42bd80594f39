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
import type { CloudState } from '../core/cloud-state.js';
import { AwsError, type Protocol } from '../core/types.js';
import type { MountedListener, RequestListenerOptions, RequestLogEntry } from './listener-options.js';
import { uuid } from '../core/util.js';
import { hasOutputShape } from '../models/index.js';
import { encodeEc2, encodeError, encodeJson, encodeQuery } from './codecs.js';
import { createRequestGuard, type GuardRefusal, type RequestGuardOptions } from './guard.js';
import { requireSignature, verifySignature, type LocalCredentials } from './sigv4.js';
import { refuse, serveLocalPath } from './admin-endpoints.js';
import { Failure, guessProtocol, isJson, receiveBody } from './incoming.js';
import { fail, listenerContext, send, type ListenerContext } from './respond.js';
import { operationCall, routeRequest, type OperationCall } from './routing.js';

export type { MountedListener, RequestListenerOptions, RequestLogEntry } from './listener-options.js';

/** The signature check: present (no credentials configured) or verified (credentials); the failure when it does not pass. */
async function authenticate(l: ListenerContext, req: IncomingMessage, raw: Buffer, protocol: Protocol): Promise<AwsError | undefined> {
  const request = { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body: raw };
  return l.options.credentials ? verifySignature(request, protocol, l.options.credentials) : requireSignature(request, protocol);
}

/** An AWS request: body → route → signature → operation and input → run. */
async function handle(l: ListenerContext, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (serveLocalPath(l, req, res, url)) return;
  const received = await receiveBody(req, l.limit);
  if (!received) return; // the client went away
  if (received instanceof Failure) return fail(l, res, received, requestId);
  const request = routeRequest(l.state, req, url, received.body);
  if (request instanceof Failure) return fail(l, res, request, requestId);
  l.routes.set(res, { service: request.service?.signingName ?? '-', operation: request.operation || '-' });
  const denied = await authenticate(l, req, received.raw, request.protocol);
  if (denied) return fail(l, res, new Failure(request.protocol, denied, request.service), requestId);
  const call = operationCall(request, received.body);
  if (call instanceof Failure) return fail(l, res, call, requestId);
  return run(l, res, requestId, call, request.scope?.region ?? l.options.region);
}

/** Runs the operation and answers its output, or its error, in the protocol's shape. */
async function run(l: ListenerContext, res: ServerResponse, requestId: string, call: OperationCall, region: string): Promise<void> {
  const { service, protocol, operation } = call.route;
  let output: unknown;
  try {
    output = await l.state.invoke(service.signingName, operation, call.input, { region, requestId });
  } catch (error) {
    if (error instanceof AwsError) return fail(l, res, new Failure(protocol, error, service), requestId);
    l.log(`[ecskit local] ${service.signingName}:${operation} (request ${requestId}) failed: ${(error as Error)?.stack ?? String(error)}`);
    const code = isJson(protocol) ? 'InternalFailure' : 'InternalError';
    return fail(l, res, new Failure(protocol, new AwsError(code, `The ecskit local cloud failed to process ${operation} (request ${requestId}); see its log.`, 500, 'Receiver'), service), requestId);
  }
  const ns = service.xmlNamespace ?? '';
  if (isJson(protocol)) return send(l, res, encodeJson(protocol, output, requestId));
  if (protocol === 'ec2') return send(l, res, encodeEc2(operation, ns, output, requestId));
  return send(l, res, encodeQuery(operation, ns, output, requestId, hasOutputShape(service.signingName, operation)));
}

/** Calls `onRequest` once the answer to `res` is sent (a failing log sink does not break the server). */
function logWhenAnswered(l: ListenerContext, onRequest: (entry: RequestLogEntry) => void, res: ServerResponse, requestId: string): void {
  const started = performance.now();
  res.once('finish', () => {
    const route = l.routes.get(res) ?? { service: '-', operation: '-' };
    try {
      onRequest({ ...route, status: res.statusCode, ms: performance.now() - started, requestId });
    } catch {
      // a failing log sink must not break the server
    }
  });
}

/** Creates the `node:http` request listener of the local cloud (one per cloud: its health's uptime counts from here). */
export function createRequestListener(options: RequestListenerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const l = listenerContext(options);
  const guard = createRequestGuard(options.guard);
  return (req, res) => {
    const requestId = uuid();
    if (options.onRequest) logWhenAnswered(l, options.onRequest, res, requestId);
    // The guard runs first, for every path: nothing below it sees a foreign Host or Origin.
    const refusal = guard(req);
    const mount = options.mounts?.find((m) => m.handles(req.url ?? '/'));
    if (mount) return refusal ? mount.refuse(req, res, refusal) : mount.listener(req, res);
    if (refusal) return refuse(l, req, res, refusal, requestId);
    handle(l, req, res, requestId).catch((error: unknown) => {
      l.log(`[ecskit local] request ${requestId} failed in the protocol layer: ${(error as Error)?.stack ?? String(error)}`);
      send(l, res, encodeError(guessProtocol(req), new AwsError('InternalFailure', 'The ecskit local cloud failed to process the request; see its log.', 500, 'Receiver'), requestId));
    });
  };
}
