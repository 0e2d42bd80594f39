/**
 * What the local cloud's endpoint answers besides the AWS protocols: the
 * console (`/_ecskit/console*`, mounted), the `/_ecskit/*` admin endpoints
 * (health open, the rest behind the admin token) and a page for a person
 * opening `GET /`; and the answer to a request the guard refused.
 *
 * @internal
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError } from '../core/types.js';
import { checkAdminToken } from './admin-token.js';
import { encodeError } from './codecs.js';
import type { GuardRefusal } from './guard.js';
import { guessProtocol, isJson } from './incoming.js';
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

/** `/_ecskit/*`: health is open (read-only, no secret); every other endpoint needs the admin token. */
function internal(l: ListenerContext, req: IncomingMessage, res: ServerResponse, path: string): void {
  req.resume();
  if (path === '/_ecskit/health' && (req.method === 'GET' || req.method === 'HEAD')) return health(l, req, res);
  const refused = checkAdminToken(req.headers.authorization, l.options.adminToken);
  if (refused) {
    return adminJson(l, res, refused.status, { status: 'error', code: refused.code, message: refused.message }, req.method, refused.status === 401 ? { 'www-authenticate': 'Bearer realm="ecskit-admin"' } : {});
  }
  if (path === '/_ecskit/reset' && req.method === 'POST') return reset(l, res);
  return adminJson(l, res, 404, { status: 'error', message: `No ecskit endpoint ${req.method} ${path.slice(0, 100)}; try GET /_ecskit/health or POST /_ecskit/reset.` }, req.method);
}
