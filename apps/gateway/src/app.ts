/**
 * The gateway as an Elysia app: forwards `/items` routes to the inventory and
 * passes status, body and content type through unchanged.
 *
 * @internal
 * @module
 */
import { randomUUID } from 'node:crypto';
import { Elysia } from 'elysia';
import { node } from '@elysiajs/node';
import { httpBasics, stdoutLog, type RouteSpec } from '../../shared/src/basics.js';
import { jsonResponse, pathStartOf, readBodyLimited, ROUTER_OPTIONS } from '../../shared/src/http.js';
import { createLifecycle, type Lifecycle } from '../../shared/src/lifecycle.js';
import { UpstreamTimeoutError, UpstreamUnavailableError, type Upstream } from './upstream.js';

/** Service name reported by `/version`. @internal */
export const GATEWAY_SERVICE = 'gateway';

/**
 * The path and query of an absolute request URL, as the router saw them.
 * `request.url` is already normalized (dot segments resolved), so slicing it
 * forwards exactly what `new URL()` would give, without parsing a URL per
 * request (a percent of the gateway's CPU under load).
 *
 * @internal
 */
export function pathAndQueryOf(url: string): string {
  const start = pathStartOf(url);
  if (start === -1) return '/';
  // `new URL()` drops an empty query (`/items?` → `/items`).
  return url.indexOf('?', start) === url.length - 1 ? url.slice(start, -1) : url.slice(start);
}

/** Every gateway route, for 404 vs 405. @internal */
export const GATEWAY_ROUTES: readonly RouteSpec[] = [
  { path: '/', methods: ['GET'] },
  { path: '/items', methods: ['GET', 'POST'] },
  { path: '/items/:id', methods: ['GET', 'PUT', 'DELETE'] },
  { path: '/version', methods: ['GET'] },
  { path: '/health', methods: ['GET'] },
  { path: '/health/ready', methods: ['GET'] },
  { path: '/health/live', methods: ['GET'] },
];

/** Dependencies of {@link createGatewayApp}. @internal */
export interface GatewayDeps {
  /** Calls the inventory (see `createUpstream`). */
  upstream: Upstream;
  /** Reported by `/version`. */
  version: string;
  /** Readiness state; default: always ready. */
  lifecycle?: Lifecycle;
  /** Request log sink; default stdout. */
  log?: (line: string) => void;
  /** Clock in epoch milliseconds; default `Date.now`. */
  now?: () => number;
}

/**
 * Builds the gateway app. It never listens: tests call `app.handle()`,
 * `main.ts` calls `serveApp()`.
 *
 * @internal
 */
export function createGatewayApp(deps: GatewayDeps) {
  const { upstream, version } = deps;
  const lifecycle = deps.lifecycle ?? createLifecycle();

  // Answers with the upstream bytes and `set.status`/`set.headers`, not a Web
  // `Response`: the Elysia Node adapter writes bytes straight to the socket,
  // while a `Response` it re-reads through a `ReadableStream` (a tenth of the
  // gateway's CPU under load).
  const forward = async ({
    request,
    set,
  }: {
    request: Request;
    set: { status?: number | string; headers: Record<string, string | number> };
  }) => {
    // The shared plugin's onRequest hook already took the client's id or
    // generated one: forward and answer that same id (the one logged).
    const id = set.headers['x-request-id'];
    const headers: Record<string, string> = {
      'x-request-id': typeof id === 'string' && id !== '' ? id : request.headers.get('x-request-id') || randomUUID(),
    };
    let body: Uint8Array | undefined;
    if (request.method === 'POST' || request.method === 'PUT') {
      body = await readBodyLimited(request);
      headers['content-type'] = request.headers.get('content-type') || 'application/json';
    }
    try {
      const answer = await upstream({ method: request.method, pathAndQuery: pathAndQueryOf(request.url), headers, body });
      set.status = answer.status;
      set.headers['x-request-id'] = headers['x-request-id'] ?? '';
      if (answer.contentType) set.headers['content-type'] = answer.contentType;
      else delete set.headers['content-type'];
      const bytes = answer.body;
      return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      const id = { 'x-request-id': headers['x-request-id'] ?? '' };
      if (error instanceof UpstreamTimeoutError) {
        set.status = 504;
        return jsonResponse(504, { message: 'Inventory service timed out' }, id);
      }
      if (error instanceof UpstreamUnavailableError) {
        set.status = 502;
        return jsonResponse(502, { message: 'Inventory service unavailable' }, id);
      }
      throw error;
    }
  };

  return new Elysia({ adapter: node(), ...ROUTER_OPTIONS })
    .use(
      httpBasics({
        service: GATEWAY_SERVICE,
        routes: GATEWAY_ROUTES,
        log: deps.log ?? stdoutLog,
        now: deps.now ?? Date.now,
        lifecycle,
      }),
    )
    .get(
      '/',
      () => new Response('Hello from Gateway!', { headers: { 'content-type': 'text/plain; charset=utf-8' } }),
    )
    .get('/items', forward)
    .post('/items', forward)
    .get('/items/:id', forward)
    .put('/items/:id', forward)
    .delete('/items/:id', forward)
    .get('/health', () => ({ status: 'healthy' }))
    .get('/health/ready', ({ set }) => {
      if (lifecycle.draining) {
        set.status = 503;
        return { ready: false };
      }
      return { ready: true };
    })
    .get('/health/live', () => ({ alive: true }))
    .get('/version', () => ({ version, service: GATEWAY_SERVICE }));
}

/** The gateway app's type. @internal */
export type GatewayApp = ReturnType<typeof createGatewayApp>;
