/**
 * What the local cloud's endpoint answers besides the AWS protocols: the
 * console (`/_ecskit/console*`, mounted), the `/_ecskit/*` admin endpoints
 * (health open, the rest behind the admin token) and a page for a person
 * opening `GET /`; and the answer to a request the guard refused.
 *
 * @internal
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkTimeScale } from '../../time-scale.js';
import { AwsError } from '../core/types.js';
import { checkAdminToken } from './admin-token.js';
import { encodeError } from './codecs.js';
import type { GuardRefusal } from './guard.js';
import { guessProtocol, header, isJson, readBody } from './incoming.js';
import { adminJson, send, type ListenerContext } from './respond.js';

/**
 * Answers the console, `/_ecskit/*` and the landing page; `false` (nothing
 * answered) for a request of the AWS protocols.
 */
export function serveLocalPath(l: ListenerContext, req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  if (url.pathname === '/_ecskit/console' || url.pathname.startsWith('/_ecskit/console/')) {
    l.routes.set(res, { service: 'ecskit', operation: url.pathname });
    if (l.options.console) {
      l.options.console(req, res, url);
      return true;
    }
  }
  if (url.pathname.startsWith('/_ecskit/')) {
    l.routes.set(res, { service: 'ecskit', operation: url.pathname });
    internal(l, req, res, url.pathname);
    return true;
  }
  // A person opening the endpoint (no Action, no signature): say what this is, not an XML MissingAction.
  if (url.pathname === '/' && !url.search && !req.headers.authorization && (req.method === 'GET' || req.method === 'HEAD')) {
    l.routes.set(res, { service: 'ecskit', operation: '/' });
    req.resume();
    landingPage(l, req, res);
    return true;
  }
  return false;
}

/** Answers a request the guard refused: JSON on `/_ecskit/*`, the AWS error shape elsewhere. */
export function refuse(l: ListenerContext, req: IncomingMessage, res: ServerResponse, refusal: GuardRefusal, requestId: string): void {
  req.resume();
  res.setHeader('connection', 'close');
  if ((req.url ?? '').startsWith('/_ecskit')) return adminJson(l, res, refusal.status, { status: 'error', code: refusal.reason, message: refusal.message }, req.method);
  const p = guessProtocol(req);
  send(l, res, encodeError(p, new AwsError(isJson(p) ? 'AccessDeniedException' : 'AccessDenied', refusal.message, refusal.status), requestId), req.method);
}

/** `GET /` for a person: what this endpoint is and where to go (HTML for browsers, text otherwise); no secret in it. */
function landingPage(l: ListenerContext, req: IncomingMessage, res: ServerResponse): void {
  const endpoint = `http://${req.headers.host ?? 'localhost'}`;
  const lines = [
    'ecskit local cloud',
    '',
    `This is the endpoint AWS SDKs and CLIs talk to: AWS_ENDPOINT_URL=${endpoint} (or --endpoint-url ${endpoint}).`,
    `Services: ${l.state.services.map((s) => s.signingName).join(', ')}.`,
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

/** `GET /_ecskit/health`: open (read-only, no secret); its uptime counts from this cloud's start, not the process's. */
function health(l: ListenerContext, req: IncomingMessage, res: ServerResponse): void {
  const { state, options } = l;
  const uptimeSeconds = Math.round((Date.now() - l.startedAt) / 1000);
  adminJson(l, res, 200, { status: 'ok', services: state.services.map((s) => s.signingName), version: state.version, uptimeSeconds, ...options.health?.() }, req.method);
}

/** `POST /_ecskit/reset`: clears the state, then runs `afterReset` (the account preset) before it answers. */
function reset(l: ListenerContext, res: ServerResponse): void {
  l.state.reset();
  const done = () => adminJson(l, res, 200, { status: 'ok', reset: true });
  if (!l.options.afterReset) return done();
  l.options.afterReset().then(done, (error: Error) => {
    l.log(`reset: ${error.message}`);
    adminJson(l, res, 500, { status: 'error', message: `the state was reset, but re-applying the account preset failed: ${error.message}` });
  });
}

/** The largest `PUT /_ecskit/time-scale` body: `{"timeScale": …}` is a few dozen bytes. */
const TIME_SCALE_BODY_LIMIT = 1024;

/**
 * `GET /_ecskit/time-scale` answers the factor in force; `PUT` with
 * `{"timeScale": 0.05}` changes it on the running cloud (`CloudState.setTimeScale`)
 * and answers `{ status, timeScale, previous }`. What recurs follows the new
 * pace from its next round.
 */
function timeScale(l: ListenerContext, req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    req.resume();
    return adminJson(l, res, 200, { status: 'ok', timeScale: l.state.timeScale }, req.method);
  }
  if (req.method !== 'PUT') {
    req.resume();
    return adminJson(l, res, 405, { status: 'error', code: 'MethodNotAllowed', message: `${req.method} /_ecskit/time-scale is not served; GET reads the time scale, PUT {"timeScale": 0.05} changes it.` }, req.method, { allow: 'GET, HEAD, PUT' });
  }
  const refuse = (status: number, code: string, message: string) => adminJson(l, res, status, { status: 'error', code, message });
  const type = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    return refuse(415, 'UnsupportedMediaType', `PUT /_ecskit/time-scale takes Content-Type: application/json, got: ${JSON.stringify(type.slice(0, 100))}; send {"timeScale": 0.05}.`);
  }
  void readBody(req, TIME_SCALE_BODY_LIMIT).then((read) => {
    if (!read.ok) {
      if (read.reason === 'too-large') res.setHeader('connection', 'close');
      return refuse(read.reason === 'too-large' ? 413 : 400, read.reason === 'too-large' ? 'RequestEntityTooLarge' : 'IncompleteBody', read.reason === 'too-large' ? `The body is over ${TIME_SCALE_BODY_LIMIT} bytes; send {"timeScale": 0.05}.` : 'The body ended early; send {"timeScale": 0.05}.');
    }
    let value: unknown;
    try {
      value = JSON.parse(read.body.toString('utf8'));
    } catch {
      return refuse(400, 'InvalidJson', 'The body is not JSON; send {"timeScale": 0.05}.');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse(400, 'InvalidBody', `The body must be a JSON object, got: ${Array.isArray(value) ? 'an array' : JSON.stringify(value)?.slice(0, 100)}; send {"timeScale": 0.05}.`);
    const unknown = Object.keys(value).filter((key) => key !== 'timeScale');
    if (unknown.length > 0) return refuse(400, 'UnknownField', `Unknown field ${JSON.stringify(unknown[0]!.slice(0, 100))} in the body; the only field is "timeScale".`);
    if (!Object.hasOwn(value, 'timeScale')) return refuse(400, 'MissingField', 'The body has no "timeScale"; send {"timeScale": 0.05}.');
    const previous = l.state.timeScale;
    try {
      l.state.setTimeScale(checkTimeScale((value as { timeScale: unknown }).timeScale));
    } catch (error) {
      return refuse(400, 'InvalidTimeScale', (error as Error).message);
    }
    l.log(`time scale: ${previous} → ${l.state.timeScale} (PUT /_ecskit/time-scale)`);
    return adminJson(l, res, 200, { status: 'ok', timeScale: l.state.timeScale, previous });
  });
}

/** `/_ecskit/*`: health is open (read-only, no secret); every other endpoint needs the admin token, checked before any body is read. */
function internal(l: ListenerContext, req: IncomingMessage, res: ServerResponse, path: string): void {
  if (path === '/_ecskit/health' && (req.method === 'GET' || req.method === 'HEAD')) {
    req.resume();
    return health(l, req, res);
  }
  const refused = checkAdminToken(req.headers.authorization, l.options.adminToken);
  if (refused) {
    req.resume();
    return adminJson(l, res, refused.status, { status: 'error', code: refused.code, message: refused.message }, req.method, refused.status === 401 ? { 'www-authenticate': 'Bearer realm="ecskit-admin"' } : {});
  }
  if (path === '/_ecskit/time-scale') return timeScale(l, req, res);
  req.resume();
  if (path === '/_ecskit/reset' && req.method === 'POST') return reset(l, res);
  return adminJson(l, res, 404, { status: 'error', message: `No ecskit endpoint ${req.method} ${path.slice(0, 100)}; try GET /_ecskit/health, POST /_ecskit/reset or GET/PUT /_ecskit/time-scale.` }, req.method);
}
