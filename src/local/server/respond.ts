/**
 * What one request listener (one local cloud) keeps for all its requests,
 * and the ways it answers: an AWS wire response, an AWS error, or the JSON
 * of the `/_ecskit/*` endpoints.
 *
 * @internal
 */
import type { ServerResponse } from 'node:http';
import type { CloudState } from '../core/cloud-state.js';
import { conformanceHook } from '../models/conformance-log.js';
import { encodeError, type WireResponse } from './codecs.js';
import type { RequestListenerOptions } from './listener-options.js';
import { isJson, type Failure } from './incoming.js';

const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

/** What a request turned out to be, for the request log. */
export interface RouteLabel {
  service: string;
  operation: string;
}

/** The state of one request listener, shared by all its requests. */
export interface ListenerContext {
  readonly options: RequestListenerOptions;
  readonly state: CloudState;
  /** Largest accepted request body, bytes. */
  readonly limit: number;
  readonly log: (line: string) => void;
  /** When this listener was created: `uptimeSeconds` of the health counts from it, so each cloud has its own. */
  readonly startedAt: number;
  /** What each request turned out to be, for the request log. */
  readonly routes: WeakMap<ServerResponse, RouteLabel>;
  /** `ECSKIT_CONFORMANCE_LOG`: every AWS response is checked against its model (undefined, and free, when unset). */
  readonly conformance: ReturnType<typeof conformanceHook>;
}

/** A new listener's context, its clock started now. */
export function listenerContext(options: RequestListenerOptions): ListenerContext {
  return {
    options,
    state: options.state,
    limit: options.maxBodyBytes ?? DEFAULT_MAX_BODY,
    log: options.log ?? ((line: string) => console.error(line)),
    startedAt: Date.now(),
    routes: new WeakMap(),
    conformance: conformanceHook(),
  };
}

/** Writes a wire response (no body for `HEAD`), unless the response already started or its socket is gone. */
export function send(l: ListenerContext, res: ServerResponse, wire: WireResponse, method?: string): void {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(wire.body, 'utf8');
  res.writeHead(wire.status, { ...wire.headers, 'content-length': String(body.length) });
  res.end(method === 'HEAD' ? undefined : body);
  const route = l.conformance ? l.routes.get(res) : undefined;
  if (l.conformance && route) l.conformance({ ...route, ...wire });
}

/** Answers a failure in its protocol's error shape. */
export function fail(l: ListenerContext, res: ServerResponse, f: Failure, requestId: string): void {
  if (f.closeConnection) res.setHeader('connection', 'close');
  const queryCompatible = !!f.service && f.service.protocols.some(isJson) && f.service.protocols.includes('query');
  send(l, res, encodeError(f.protocol, f.error, requestId, { namespace: f.service?.xmlNamespace, queryCompatible }));
}

/** Answers JSON (the `/_ecskit/*` endpoints). */
export function adminJson(l: ListenerContext, res: ServerResponse, status: number, value: unknown, method?: string, headers: Record<string, string> = {}): void {
  send(l, res, { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) }, method);
}
