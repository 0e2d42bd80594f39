/**
 * The plumbing both apps share, as one Elysia plugin: request ids, one JSON
 * log line per request, the 64 KiB body limit, and JSON for every error
 * (404, 405, 413, 500) — never an HTML page or a stack trace.
 *
 * @internal
 * @module
 */
import { randomUUID } from 'node:crypto';
import { Elysia } from 'elysia';
import type { Lifecycle } from './lifecycle.js';
import { BODY_LIMIT_BYTES, HttpError, jsonResponse, payloadTooLarge, routesAsItReads } from './http.js';

/** One route of an app: its path (`:param` segments allowed) and methods. @internal */
export interface RouteSpec {
  /** Path such as `/items/:id`. */
  readonly path: string;
  /** Methods the path answers, upper case. */
  readonly methods: readonly string[];
}

/** The fields of one request log line. @internal */
export interface RequestLogLine {
  /** ISO time the request arrived. */
  time: string;
  /** Service name. */
  service: string;
  /** The `x-request-id` received, or the one generated. */
  requestId: string;
  /** HTTP method. */
  method: string;
  /** Path without the query string. */
  path: string;
  /** Status answered. */
  status: number;
  /** Time from arrival to response, in milliseconds. */
  durationMs: number;
}

/** Options of {@link httpBasics}. @internal */
export interface HttpBasicsOptions {
  /** Service name written in each log line. */
  service: string;
  /** The app's routes, used to tell 405 from 404. */
  routes: readonly RouteSpec[];
  /** Where each JSON log line goes (one call per line, no newline). */
  log: (line: string) => void;
  /** Clock, in milliseconds since the epoch. */
  now: () => number;
  /** While draining, responses carry `Connection: close` so clients stop reusing connections. */
  lifecycle?: Lifecycle;
}

/**
 * Arrival time and request id, kept on the request object itself between
 * the hooks (a `WeakMap` entry per request cost more, in the profile and in
 * the garbage collector).
 */
const STARTED_AT = Symbol('ecskit.startedAt');
const REQUEST_ID = Symbol('ecskit.requestId');

interface Stamped {
  [STARTED_AT]?: number;
  [REQUEST_ID]?: string;
}

let isoMs = Number.NaN;
let isoText = '';

/** `new Date(ms).toISOString()`, computed once per millisecond. */
function isoTime(ms: number): string {
  if (ms !== isoMs) {
    isoText = new Date(ms).toISOString();
    isoMs = ms;
  }
  return isoText;
}

/**
 * One {@link RequestLogLine} as JSON: the same text `JSON.stringify` gives
 * for it, built without the intermediate object (the log line is written for
 * every request).
 *
 * @internal
 */
export function requestLogLine(
  serviceJson: string,
  start: number,
  requestId: string,
  method: string,
  path: string,
  status: number,
  durationMs: number,
): string {
  return `{"time":"${isoTime(start)}","service":${serviceJson},"requestId":${JSON.stringify(requestId)},"method":${JSON.stringify(
    method,
  )},"path":${JSON.stringify(path)},"status":${JSON.stringify(status)},"durationMs":${JSON.stringify(durationMs)}}`;
}

function compile(routes: readonly RouteSpec[]): { re: RegExp; methods: readonly string[] }[] {
  return routes.map((route) => ({
    re: new RegExp(
      `^${route.path
        .split('/')
        .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/')}/?$`,
    ),
    methods: route.methods,
  }));
}

let pendingLines: string[] = [];
let flushScheduled = false;
let exitHookInstalled = false;
/** Longest a log line waits in the queue. */
const LOG_FLUSH_MS = 5;
/** Queue length that triggers a write at once. */
const LOG_FLUSH_LINES = 512;

/**
 * Writes the log lines queued by {@link stdoutLog} to stdout now, in one
 * write. Runs by itself every few milliseconds while lines are queued, and
 * on process exit.
 *
 * @internal
 */
export function flushStdoutLog(): void {
  flushScheduled = false;
  if (pendingLines.length === 0) return;
  const text = `${pendingLines.join('\n')}\n`;
  pendingLines = [];
  process.stdout.write(text);
}

/**
 * Queues one JSON line for stdout. Queued lines go out together in one
 * write at most 5 ms later (at once past 512 lines), and whatever is queued
 * is written on process exit. Writing to a pipe is synchronous on Linux, so
 * one `write` per request log line was a tenth of the gateway's CPU under
 * load; batching keeps one line per request and their order (lines still
 * queued when the process is SIGKILLed are lost).
 *
 * @internal
 */
export function stdoutLog(line: string): void {
  pendingLines.push(line);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', flushStdoutLog);
  }
  if (pendingLines.length >= LOG_FLUSH_LINES) {
    flushStdoutLog();
  } else if (!flushScheduled) {
    flushScheduled = true;
    setTimeout(flushStdoutLog, LOG_FLUSH_MS).unref();
  }
}

/**
 * The shared plugin. Register it first so its hooks cover every route.
 *
 * @internal
 */
export function httpBasics(options: HttpBasicsOptions) {
  const { service, log, now } = options;
  const compiled = compile(options.routes);
  const serviceJson = JSON.stringify(service);

  const allowedFor = (path: string): readonly string[] | undefined =>
    compiled.find((route) => route.re.test(path))?.methods;

  return new Elysia({ name: `ecskit-http-basics:${service}` })
    .onRequest((context) => {
      const { request, set } = context;
      const id = request.headers.get('x-request-id') || randomUUID();
      const stamped = request as Request & Stamped;
      stamped[STARTED_AT] = now();
      stamped[REQUEST_ID] = id;
      set.headers['x-request-id'] = id;
      if (options.lifecycle?.draining) set.headers.connection = 'close';
      // Route only on the path that is forwarded and logged (issue #12.8).
      const routed = (context as { path?: unknown }).path;
      if (typeof routed !== 'string' || !routesAsItReads(request.url, routed)) {
        set.status = 400;
        return jsonResponse(400, { message: 'Bad request target: the path cannot be read from this Host and request line' }, { 'x-request-id': id });
      }
      const declared = Number(request.headers.get('content-length') ?? '0');
      if (declared > BODY_LIMIT_BYTES) {
        const error = payloadTooLarge();
        set.status = error.status;
        return jsonResponse(error.status, error.body, { 'x-request-id': id });
      }
      return undefined;
    })
    .onError({ as: 'global' }, ({ code, error, request, set, path }) => {
      const id = (request as Request & Stamped)[REQUEST_ID] ?? '';
      const headers: Record<string, string> = id ? { 'x-request-id': id } : {};
      if (error instanceof HttpError) {
        set.status = error.status;
        return jsonResponse(error.status, error.body, headers);
      }
      if (code === 'NOT_FOUND') {
        const allowed = allowedFor(path);
        if (allowed) {
          set.status = 405;
          return jsonResponse(405, { message: 'Method not allowed' }, { ...headers, allow: allowed.join(', ') });
        }
        set.status = 404;
        return jsonResponse(404, { message: 'Not found' }, headers);
      }
      if (code === 'PARSE') {
        set.status = 400;
        return jsonResponse(400, { _schema: ['Invalid JSON.'] }, headers);
      }
      if (error instanceof URIError) {
        set.status = 400;
        return jsonResponse(400, { message: 'Malformed percent-encoding in the URL' }, headers);
      }
      // Anything else is our bug: log it with its stack, answer without one.
      process.stderr.write(
        `${JSON.stringify({
          time: new Date(now()).toISOString(),
          service,
          requestId: id,
          level: 'error',
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        })}\n`,
      );
      set.status = 500;
      return jsonResponse(500, { message: 'Internal server error' }, headers);
    })
    .onAfterResponse({ as: 'global' }, ({ request, set, path, responseValue }) => {
      const stamped = request as Request & Stamped;
      const start = stamped[STARTED_AT];
      const end = now();
      const status =
        responseValue instanceof Response
          ? responseValue.status
          : typeof set.status === 'number'
            ? set.status
            : Number(set.status) || 200;
      log(
        requestLogLine(
          serviceJson,
          start ?? end,
          stamped[REQUEST_ID] ?? '',
          request.method,
          path,
          status,
          start === undefined ? 0 : end - start,
        ),
      );
    });
}
