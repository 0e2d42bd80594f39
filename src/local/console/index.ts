/**
 * The local cloud's web console at `/_ecskit/console`: overview, task pages,
 * CloudWatch dashboards, a log tail. Pages are rendered on the server (they
 * read without JavaScript); `console.js` keeps them live (server-sent events
 * on every state change, plus a poll for metrics and logs) and draws the
 * dashboards' charts with uPlot. Everything is served from the package.
 *
 * Access: like the other admin endpoints, it needs the admin token — as
 * `Authorization: Bearer <token>`, or once in the URL (`?token=…`, the URL the
 * banner and `cloud.consoleUrl` print, as Jupyter does), which is then swapped
 * for a session cookie (HttpOnly, SameSite=Strict, path `/_ecskit/console`)
 * and redirected away so the token leaves the address bar.
 *
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CloudState } from '../core/cloud-state.js';
import { adminTokenMatches, checkAdminToken } from '../server/admin-token.js';
import { RANGES, dashboardBody, dashboardsBody } from './dashboard.js';
import { errorBody, html, page, type Raw } from './html.js';
import { logsBody } from './logs.js';
import { invoker, noTask, overviewBody, taskBody } from './overview.js';

/** The console's base path. */
export const CONSOLE_PATH = '/_ecskit/console';

/** Options of {@link createConsole}. */
export interface ConsoleOptions {
  state: CloudState;
  /** The region pages show by default (`?region=` picks another). */
  region: string;
  adminToken: string;
  /** The port the cloud listens on (names the session cookie: cookies are not per-port). */
  port: () => number | undefined;
  log: (line: string) => void;
}

const ASSETS: Record<string, { file: string; type: string }> = {
  'console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  'console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
  'uPlot.iife.min.js': { file: 'uPlot.iife.min.js', type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { file: 'uPlot.min.css', type: 'text/css; charset=utf-8' },
};

/** Where an asset is: next to the bundle (dist/local/console-assets), in the source tree, or (uPlot) in node_modules. */
function assetPath(file: string): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'console-assets', file), join(here, 'assets', file), join(here, 'local', 'console-assets', file)];
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  if (file.startsWith('uPlot')) {
    try {
      return join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist', file);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/** What one console keeps across requests: its options, the sessions its token URL opened, the assets read so far. */
interface ConsoleContext {
  readonly options: ConsoleOptions;
  /** Session id → when it was opened (the oldest dropped past 200). */
  readonly sessions: Map<string, number>;
  readonly assetCache: Map<string, Buffer>;
}

type Nav = Parameters<typeof page>[0]['nav'];

/** The session cookie's name: cookies are not per port, so the port is in it. */
const cookieName = (c: ConsoleContext) => `ecskit_console_${c.options.port() ?? 0}`;

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}, method?: string): void {
  if (res.headersSent || res.destroyed) return;
  const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': String(buffer.length), ...headers });
  res.end(method === 'HEAD' ? undefined : buffer);
}

/** A page, or only its body for the live updates of `console.js` (`x-ecskit-fragment: 1`). */
function sendPage(req: IncomingMessage, res: ServerResponse, status: number, title: string, body: Raw, nav: Nav, live = true): void {
  if (req.headers['x-ecskit-fragment'] === '1') return send(res, status, 'text/html; charset=utf-8', body.html, { 'x-ecskit-title': encodeURIComponent(title) }, req.method);
  send(res, status, 'text/html; charset=utf-8', page({ title, base: CONSOLE_PATH, body, nav, live }), {}, req.method);
}

function sessionOf(c: ConsoleContext, req: IncomingMessage): string | undefined {
  const cookies = req.headers.cookie ?? '';
  const name = cookieName(c);
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The admin token as a bearer header, or else a session the token URL opened. */
function authorized(c: ConsoleContext, req: IncomingMessage): boolean {
  if (req.headers.authorization !== undefined) return checkAdminToken(req.headers.authorization, c.options.adminToken) === undefined;
  const session = sessionOf(c, req);
  return session !== undefined && c.sessions.has(session);
}

function denied(req: IncomingMessage, res: ServerResponse, status: 401 | 403, reason: string): void {
  sendPage(
    req,
    res,
    status,
    'Sign-in needed',
    errorBody(
      status === 401 ? 'This console needs the admin token' : 'Wrong admin token',
      reason,
      html`Open the console URL the <code>ecskit local</code> banner prints (<code>console: http://…/_ecskit/console?token=…</code>), run <code>npx ecskit console</code>, or read <code>cloud.consoleUrl</code> in code. The token changes on every start.`,
    ),
    'overview',
    false,
  );
}

/** Static, public files of the package (no state): served without the token, like any asset. */
function serveAsset(c: ConsoleContext, req: IncomingMessage, res: ServerResponse, sub: string): void {
  const asset = ASSETS[sub.slice('/assets/'.length)];
  const file = asset && assetPath(asset.file);
  if (!asset || !file) return send(res, 404, 'text/plain; charset=utf-8', `No console asset ${sub.slice(0, 100)}.\n`);
  let body = c.assetCache.get(file);
  if (!body) c.assetCache.set(file, (body = readFileSync(file)));
  send(res, 200, asset.type, body, { 'cache-control': 'no-cache' }, req.method);
}

/** `?token=…`: swaps a right token for a session cookie and redirects to the same URL without it. */
function signIn(c: ConsoleContext, req: IncomingMessage, res: ServerResponse, url: URL, token: string): void {
  if (!adminTokenMatches(token, c.options.adminToken)) return denied(req, res, 403, 'The token in this URL is not this local cloud\'s admin token (a stopped cloud\'s URL, or a typo).');
  const session = randomBytes(32).toString('base64url');
  c.sessions.set(session, Date.now());
  if (c.sessions.size > 200) c.sessions.delete(c.sessions.keys().next().value!);
  url.searchParams.delete('token');
  const location = `${url.pathname}${url.searchParams.size ? `?${url.searchParams}` : ''}`;
  res.writeHead(303, { ...SECURITY_HEADERS, location, 'set-cookie': `${cookieName(c)}=${session}; Path=${CONSOLE_PATH}; HttpOnly; SameSite=Strict`, 'content-length': '0' });
  res.end();
}

async function route(c: ConsoleContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const sub = path.slice(CONSOLE_PATH.length) || '/';
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    req.resume();
    return send(res, 405, 'text/plain; charset=utf-8', `The console only answers GET; ${req.method} is not allowed.\n`, { allow: 'GET, HEAD' });
  }
  req.resume();
  if (sub.startsWith('/assets/')) return serveAsset(c, req, res, sub);
  const token = url.searchParams.get('token');
  if (token !== null) return signIn(c, req, res, url, token);
  if (!authorized(c, req)) {
    return req.headers.authorization !== undefined ? denied(req, res, 403, 'The bearer token is wrong.') : denied(req, res, 401, 'No admin token or console session came with this request.');
  }
  const region = url.searchParams.get('region') ?? c.options.region;
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) return sendPage(req, res, 400, 'Bad region', errorBody('Bad region', `region must look like us-east-1, got: ${region.slice(0, 60)}`), 'overview');
  if (sub === '/events') return events(c, res);
  return servePage(req, res, url, sub, invoker(c.options.state, region), region);
}

/** The console's pages (the caller checked access and the region). */
async function servePage(req: IncomingMessage, res: ServerResponse, url: URL, sub: string, invoke: ReturnType<typeof invoker>, region: string): Promise<void> {
  const base = CONSOLE_PATH;
  switch (sub) {
    case '/':
      return sendPage(req, res, 200, 'Overview', await overviewBody(invoke, base, region), 'overview');
    case '/task': {
      const cluster = url.searchParams.get('cluster') ?? '';
      const task = url.searchParams.get('task') ?? '';
      if (!cluster || !task) return sendPage(req, res, 400, 'Task', errorBody('Which task?', 'This page needs ?cluster=<name>&task=<task id or ARN>.'), 'task');
      const body = await taskBody(invoke, base, cluster, task);
      return body ? sendPage(req, res, 200, `Task ${task.split('/').at(-1)}`, body, 'task') : sendPage(req, res, 404, 'Task not found', noTask(cluster, task), 'task');
    }
    case '/dashboards':
      return sendPage(req, res, 200, 'Dashboards', await dashboardsBody(invoke, base), 'dashboards');
    case '/dashboard':
      return dashboardPage(req, res, url, invoke, region);
    case '/logs': {
      const q = (k: string) => url.searchParams.get(k) ?? undefined;
      const { body, status } = await logsBody(invoke, base, { group: q('group'), stream: q('stream'), filter: q('filter'), since: q('since') } as never);
      return sendPage(req, res, status, q('group') ? `Logs ${q('group')}` : 'Logs', body, 'logs');
    }
    default:
      return sendPage(req, res, 404, 'Not found', errorBody('No such console page', `The console has no page ${sub.slice(0, 100)}.`, html`Go to the <a href="${base}">overview</a>.`), 'overview');
  }
}

/** `/dashboard?name=…&range=…`: one CloudWatch dashboard. */
async function dashboardPage(req: IncomingMessage, res: ServerResponse, url: URL, invoke: ReturnType<typeof invoker>, region: string): Promise<void> {
  const base = CONSOLE_PATH;
  const name = url.searchParams.get('name') ?? '';
  if (!name) return sendPage(req, res, 400, 'Dashboard', errorBody('Which dashboard?', 'This page needs ?name=<dashboard name>.', html`Pick one of the <a href="${base}/dashboards">dashboards</a>.`), 'dashboards');
  const rangeKey = url.searchParams.get('range');
  if (rangeKey !== null && RANGES[rangeKey] === undefined) {
    return sendPage(req, res, 400, 'Dashboard', errorBody('Bad time range', `range must be one of ${Object.keys(RANGES).join(', ')}, got: ${rangeKey.slice(0, 40)}`), 'dashboards');
  }
  const body = await dashboardBody(invoke, base, name, rangeKey === null ? undefined : RANGES[rangeKey]);
  if (!body) return sendPage(req, res, 404, 'Dashboard not found', errorBody('Dashboard not found', `There is no dashboard ${name} in ${region}.`, html`Pick one of the <a href="${base}/dashboards">dashboards</a> (the lab's Task 9 creates FlaskInventoryMonitoring).`), 'dashboards');
  return sendPage(req, res, 200, `Dashboard ${name}`, body, 'dashboards');
}

/** Server-sent events: `changed` after state changes (at most every 200 ms), a comment every 15 s to keep the stream open. */
function events(c: ConsoleContext, res: ServerResponse): void {
  const { state } = c.options;
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
  res.write('retry: 1000\n\n');
  let timer: NodeJS.Timeout | undefined;
  const onChange = (version: number) => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (!res.destroyed) res.write(`event: changed\ndata: ${version}\n\n`);
    }, 200);
  };
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  state.events.on('state:changed', onChange);
  const done = () => {
    state.events.off('state:changed', onChange);
    clearInterval(heartbeat);
    if (timer) clearTimeout(timer);
  };
  // Not req's 'close': it fires once the (empty) request body is read, not when the client leaves.
  res.on('close', done);
}

/** Creates the console's request handler (mounted by the listener on `/_ecskit/console*`). */
export function createConsole(options: ConsoleOptions): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  const c: ConsoleContext = { options, sessions: new Map(), assetCache: new Map() };
  return (req, res, url) => {
    route(c, req, res, url).catch((error: unknown) => {
      options.log(`[ecskit console] ${req.method} ${url.pathname} failed: ${(error as Error)?.stack ?? String(error)}`);
      sendPage(req, res, 500, 'Error', errorBody('The console failed to draw this page', `${(error as Error)?.message ?? String(error)}`, 'The local cloud\'s log has the details.'), 'overview');
    });
  };
}
