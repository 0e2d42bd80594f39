/**
 * An Application Load Balancer listener as a real HTTP(S) reverse proxy on
 * loopback. It knows nothing of ELBv2 state: the runtime passes a `routing`
 * callback that returns the listener's rules and the healthy targets of a
 * target group, read fresh on every request, so rule and health changes
 * apply at once.
 *
 * Behaviour follows ALB: rules by ascending priority (path-pattern,
 * host-header, http-header, http-request-method, query-string and source-ip
 * conditions, `*` and `?` wildcards, case-insensitive hosts), redirects
 * with their placeholders, fixed responses,
 * weighted forward to target groups, round robin over healthy targets, fail
 * open to the unhealthy targets when none is healthy, 503 while no target has
 * passed a health check (all `initial`) or a group has none, 502 when the target refuses or resets, 504 on timeout.
 *
 * **HTTPS.** One port serves plain HTTP and, once {@link AlbListener.setTls}
 * gave it a certificate, TLS: the first byte of a connection tells them
 * apart (a TLS ClientHello starts with 0x16). A plain request for a
 * load balancer whose listener on the port is HTTPS gets ALB's
 * `400 The plain HTTP request was sent to HTTPS port`. The TLS settings
 * (protocol versions, ciphers in server order) are those of the listener's
 * security policy.
 *
 * **Stickiness**, as ALB does it with encrypted cookies (AES-256-GCM under a
 * key made per listener run, so they are opaque and cannot be forged to
 * reach another host): `lb_cookie` sets `AWSALB` (and `AWSALBCORS`) on every
 * response and routes a request carrying a valid one to the same target;
 * `app_cookie` sets `AWSALBAPP-0` when the target's response sets the
 * application cookie the group names; target-group stickiness of a weighted
 * forward sets `AWSALBTG` (and `AWSALBTGCORS`). A cookie whose time is up,
 * that names another group, or whose target is no longer routable is
 * ignored and replaced.
 *
 * @internal
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { SecureVersion, TLSSocket } from 'node:tls';

/** A condition of a listener rule (ELBv2 `RuleCondition`, reduced). */
export interface ProxyCondition {
  readonly field: 'path-pattern' | 'host-header' | 'http-header' | 'http-request-method' | 'query-string' | 'source-ip' | string;
  /** Patterns (path, host, header value), methods or CIDR blocks. */
  readonly values: readonly string[];
  /** `http-header`: the header's name. */
  readonly headerName?: string;
  /** `query-string`: key/value patterns (no key: any parameter). */
  readonly query?: ReadonlyArray<{ readonly key?: string; readonly value: string }>;
}

/** A redirect action's target, with ALB's `#{protocol}`, `#{host}`, `#{port}`, `#{path}` and `#{query}` placeholders. */
export interface ProxyRedirect {
  readonly protocol: string;
  readonly host: string;
  readonly port: string;
  readonly path: string;
  readonly query: string;
  readonly statusCode: 301 | 302;
}

/** An action of a listener rule. */
export type ProxyAction =
  | {
      readonly type: 'forward';
      readonly targetGroups: ReadonlyArray<{ readonly arn: string; readonly weight: number }>;
      /** Target group stickiness (`ForwardConfig.TargetGroupStickinessConfig`): how long (real ms) a client stays with the group it got. */
      readonly stickiness?: { readonly durationMs: number };
    }
  | { readonly type: 'fixed-response'; readonly statusCode: number; readonly contentType?: string; readonly body?: string }
  | ({ readonly type: 'redirect' } & ProxyRedirect);

/** What a rule's conditions look at in a request. */
export interface ProxyRequest {
  readonly host: string;
  readonly path: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw query string (without `?`). */
  readonly query?: string;
  /** The client's address. */
  readonly sourceIp?: string;
}

/** A rule; the default rule has no conditions and the lowest precedence. */
export interface ProxyRule {
  readonly priority: number;
  readonly conditions: readonly ProxyCondition[];
  readonly action: ProxyAction;
}

/** One target as the proxy reaches it. */
export interface ProxyTarget {
  readonly host: string;
  readonly port: number;
}

/** A target group's stickiness (its `stickiness.*` attributes, durations in real ms). */
export interface ProxyStickiness {
  readonly type: 'lb_cookie' | 'app_cookie';
  readonly durationMs: number;
  /** `app_cookie`: the application's cookie name. */
  readonly cookieName?: string;
}

/** The TLS side of a listener: certificate and the security policy's protocols and ciphers. */
export interface ProxyTls {
  /** PEM private key. */
  readonly key: string;
  /** PEM certificate. */
  readonly cert: string;
  readonly minVersion?: SecureVersion;
  readonly maxVersion?: SecureVersion;
  /** OpenSSL cipher list (TLS 1.3 suites included), in the policy's priority order. */
  readonly ciphers?: string;
}

/** What the proxy asks the runtime on every request. */
export interface ProxyRouting {
  /**
   * Rules by any order (sorted here), the default rule last with priority Infinity.
   * `request` carries the request's Host header and path, so one listener can
   * serve several load balancers by host name. `undefined` when no load
   * balancer on this listener answers to that host (another load balancer's
   * DNS name, e.g. one of another local cloud that holds the same port): the
   * proxy answers 421 Misdirected Request naming the host, never a 503 that
   * looks like the load balancer's own.
   */
  rules(request: { readonly host: string; readonly path: string }): readonly ProxyRule[] | undefined;
  /** Targets of a target group: healthy ones, and the unhealthy ones an ALB fails open to when none is healthy; its stickiness when enabled. */
  targets(targetGroupArn: string): { readonly healthy: readonly ProxyTarget[]; readonly failOpen: readonly ProxyTarget[]; readonly stickiness?: ProxyStickiness };
  /** The protocol of the listener that serves `host` on this port: plain requests to `HTTPS` and TLS requests to `HTTP` get 400. Absent: no check. */
  protocol?(request: { readonly host: string }): 'HTTP' | 'HTTPS' | undefined;
  /**
   * Where another listener port of the load balancer serving `host` is
   * really served (a port that could not be bound is served on a free one),
   * so a redirect to `HTTPS:443` points where the HTTPS listener listens.
   */
  servedPort?(request: { readonly host: string }, port: number): number | undefined;
}

/** One proxied request, for CloudWatch metrics (RequestCount, TargetResponseTime, HTTPCode_*). */
export interface ProxyRequestRecord {
  readonly targetGroupArn?: string;
  readonly target?: ProxyTarget;
  readonly status: number;
  /** Seconds from forwarding to the target's response headers (TargetResponseTime). */
  readonly targetResponseSeconds?: number;
  /** Who answered: the target, or the load balancer itself (ELB 5XX / fixed response). */
  readonly source: 'target' | 'elb';
  /** The request's Host header (which load balancer it was for, when a listener serves several). */
  readonly host?: string;
}

/** Options of {@link startAlbListener}. */
export interface AlbListenerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly routing: ProxyRouting;
  /** Called after each request. */
  readonly onRequest?: (record: ProxyRequestRecord) => void;
  /**
   * Idle timeout in ms before a 504 (ALB default 60 s, time-scaled by the
   * caller). A function is read at each request and each new connection, so
   * a changed `idle_timeout.timeout_seconds` or time scale applies from then on.
   */
  readonly timeoutMs?: number | (() => number);
  /** Serve TLS from the start (see {@link AlbListener.setTls}). */
  readonly tls?: ProxyTls;
  /** `Expires` of the stickiness cookies, ms from now (ALB: 7 days, which the caller may time-scale); a function is read at each cookie. */
  readonly cookieLifetimeMs?: number | (() => number);
}

/** A running listener. */
export interface AlbListener {
  readonly host: string;
  readonly port: number;
  /** Serves TLS with these settings from the next connection on (replacing earlier ones); `undefined` stops serving TLS. */
  setTls(tls: ProxyTls | undefined): void;
  close(): Promise<void>;
}

/** ALB wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

/** Whether `ip` is in the IPv4 or IPv6 CIDR block `cidr`. */
export function inCidr(ip: string, cidr: string): boolean {
  const [block = '', bitsText] = cidr.split('/');
  const toBits = (address: string): bigint | undefined => {
    const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/i.exec(address);
    if (v4) return v4.slice(1).reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet) & 255), 0n) | (0xffffn << 32n);
    if (!address.includes(':')) return undefined;
    const [head = '', tail = ''] = address.split('::');
    const parts = (text: string) => (text ? text.split(':') : []);
    const groups = address.includes('::') ? [...parts(head), ...Array(8 - parts(head).length - parts(tail).length).fill('0'), ...parts(tail)] : parts(address);
    if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
    return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  };
  const a = toBits(ip);
  const b = toBits(block);
  if (a === undefined || b === undefined) return false;
  // IPv4 addresses live in the IPv4-mapped range (::ffff:0:0/96): a v4 prefix length counts from bit 96.
  const v4Block = !block.includes(':');
  const bits = Number(bitsText ?? (v4Block ? 32 : 128)) + (v4Block ? 96 : 0);
  const shift = BigInt(128 - bits);
  return a >> shift === b >> shift;
}

function conditionMatches(condition: ProxyCondition, request: ProxyRequest, hostname: string): boolean {
  switch (condition.field) {
    case 'path-pattern':
      return condition.values.some((v) => wildcardMatch(v, request.path));
    case 'host-header':
      return condition.values.some((v) => wildcardMatch(v, hostname, true));
    case 'http-header': {
      const raw = request.headers?.[String(condition.headerName).toLowerCase()];
      const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      return values.some((value) => condition.values.some((v) => wildcardMatch(v, value, true)));
    }
    case 'http-request-method':
      return condition.values.includes(request.method ?? 'GET');
    case 'query-string': {
      const params = [...new URLSearchParams(request.query ?? '')];
      return (condition.query ?? []).some((pair) =>
        params.some(([key, value]) => (pair.key === undefined || wildcardMatch(pair.key, key, true)) && wildcardMatch(pair.value, value, true)),
      );
    }
    case 'source-ip':
      return request.sourceIp !== undefined && condition.values.some((cidr) => inCidr(request.sourceIp!, cidr));
    default:
      return false;
  }
}

/**
 * The rule that matches a request, by ascending priority: every condition
 * of the rule must match (path-pattern, host-header, http-header,
 * http-request-method, query-string, source-ip, as ALB evaluates them).
 */
export function matchRule(rules: readonly ProxyRule[], hostOrRequest: string | ProxyRequest, path?: string): ProxyRule | undefined {
  const request: ProxyRequest = typeof hostOrRequest === 'string' ? { host: hostOrRequest, path: path ?? '/' } : hostOrRequest;
  const hostname = request.host.replace(/:\d+$/, '');
  return [...rules].sort((a, b) => a.priority - b.priority).find((rule) => rule.conditions.every((condition) => conditionMatches(condition, request, hostname)));
}

/**
 * The `Location` of a redirect for a request, ALB's placeholders filled in;
 * the port is left out when it is the protocol's default. `servedPort` maps
 * a listener port to where it is really served (it may differ locally).
 */
export function redirectLocation(
  redirect: ProxyRedirect,
  request: { protocol: string; host: string; port: number; path: string; query: string },
  servedPort?: (port: number) => number | undefined,
): string {
  const fill = (template: string) =>
    template
      .replaceAll('#{protocol}', request.protocol)
      .replaceAll('#{host}', request.host.replace(/:\d+$/, ''))
      .replaceAll('#{port}', String(request.port))
      .replaceAll('#{path}', request.path.replace(/^\//, ''))
      .replaceAll('#{query}', request.query);
  const protocol = fill(redirect.protocol).toLowerCase();
  const configured = fill(redirect.port);
  const served = /^\d+$/.test(configured) && redirect.port !== '#{port}' ? servedPort?.(Number(configured)) : undefined;
  const port = served !== undefined ? String(served) : configured;
  const defaultPort = (protocol === 'https' && port === '443') || (protocol === 'http' && port === '80');
  const path = fill(redirect.path);
  const query = fill(redirect.query);
  return `${protocol}://${fill(redirect.host)}${defaultPort ? '' : `:${port}`}${path.startsWith('/') ? path : `/${path}`}${query ? `?${query}` : ''}`;
}

/** Picks a target group by weight (weights of 0 never chosen). */
export function pickWeighted<T extends { weight: number }>(items: readonly T[], random = Math.random): T | undefined {
  const total = items.reduce((sum, i) => sum + Math.max(0, i.weight), 0);
  if (total <= 0) return items.length === 1 ? items[0] : undefined;
  let r = random() * total;
  for (const item of items) {
    r -= Math.max(0, item.weight);
    if (r < 0) return item;
  }
  return items[items.length - 1];
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function json(res: ServerResponse, status: number, body: string, contentType = 'text/html') {
  if (res.headersSent) return res.destroy();
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), server: 'awselb/2.0' });
  res.end(body);
}

const errorPage = (status: number, text: string) =>
  `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n</body>\r\n</html>\r\n`;

/** ALB's answer to a plain HTTP request on an HTTPS listener. */
const PLAIN_ON_HTTPS =
  '<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>The plain HTTP request was sent to HTTPS port</center>\r\n</body>\r\n</html>\r\n';

/** ALB's cookie lifetime: 7 days, not configurable. */
const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000;

/** The cookies of a request (the first value of each name). */
export function parseCookies(header: string | string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of header === undefined ? [] : Array.isArray(header) ? header : [header]) {
    for (const part of line.split(';')) {
      const at = part.indexOf('=');
      if (at <= 0) continue;
      const name = part.slice(0, at).trim();
      if (name && !out.has(name)) out.set(name, part.slice(at + 1).trim());
    }
  }
  return out;
}

/** What a stickiness cookie carries: which cookie it is, the target group, the target (for target stickiness), until when. */
interface StickyPayload {
  /** `AWSALB`, `AWSALBAPP` or `AWSALBTG`: a value is only good for the cookie it was made for. */
  readonly k: string;
  /** Target group ARN. */
  readonly g: string;
  readonly h?: string;
  readonly p?: number;
  /** Epoch ms when stickiness ends. */
  readonly x: number;
}

/** Seals and opens stickiness cookie values (AES-256-GCM, base64url: IV, tag, ciphertext). */
class CookieJar {
  readonly #key = randomBytes(32);

  seal(payload: StickyPayload): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The payload of a value this jar sealed for cookie `kind`, still in time; undefined for anything else. */
  open(value: string | undefined, kind: string, nowMs: number): StickyPayload | undefined {
    if (!value || value.length > 4096) return undefined;
    try {
      const raw = Buffer.from(value, 'base64url');
      if (raw.length < 29) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const payload = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as StickyPayload;
      return payload.k === kind && typeof payload.g === 'string' && typeof payload.x === 'number' && payload.x > nowMs ? payload : undefined;
    } catch {
      return undefined;
    }
  }
}

/** `Set-Cookie` lines for one stickiness cookie and its `…CORS` twin (SameSite=None; Secure on HTTPS, as ALB sets them). */
function stickyCookies(name: string, value: string, expires: Date, secure: boolean, cors: boolean): string[] {
  const base = `${name}=${value}; Expires=${expires.toUTCString()}; Path=/`;
  return cors ? [base, `${name}CORS=${value}; Expires=${expires.toUTCString()}; Path=/; SameSite=None${secure ? '; Secure' : ''}`] : [base];
}

/** Whether a response's `Set-Cookie` headers set the cookie `name`. */
function setsCookie(header: string | string[] | undefined, name: string): boolean {
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return lines.some((line) => line.slice(0, line.indexOf('=')).trim() === name);
}

/** What every request of one listener shares. */
interface ListenerShared {
  readonly options: AlbListenerOptions;
  readonly agent: Agent;
  /** Round-robin position per target group. */
  readonly cursors: Map<string, number>;
  /** The idle timeout in force, ms. */
  timeoutMs(): number;
  /** The stickiness cookies' lifetime in force, ms. */
  cookieLifetimeMs(): number;
  readonly jar: CookieJar;
  /** The port the listener is bound to (known once it listens). */
  port(): number;
}

/** One request as the proxy sees it. */
interface Incoming {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly path: string;
  readonly query: string;
  readonly host: string;
  readonly encrypted: boolean;
  readonly scheme: 'http' | 'https';
  /** Reports the request for metrics (with its Host), when the listener has `onRequest`. */
  readonly onRequest: ((record: ProxyRequestRecord) => void) | undefined;
}

type ForwardAction = Extract<ProxyAction, { type: 'forward' }>;

/** Where a forwarded request goes. */
interface Destination {
  readonly group: { readonly arn: string };
  readonly target: ProxyTarget;
  readonly stickiness: ProxyStickiness | undefined;
}

function incoming(shared: ListenerShared, req: IncomingMessage, res: ServerResponse): Incoming {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const host = req.headers.host ?? '';
  const encrypted = (req.socket as Partial<TLSSocket>).encrypted === true;
  const { onRequest } = shared.options;
  return {
    req,
    res,
    path: queryAt === -1 ? url : url.slice(0, queryAt),
    query: queryAt === -1 ? '' : url.slice(queryAt + 1),
    host,
    encrypted,
    scheme: encrypted ? 'https' : 'http',
    onRequest: onRequest && ((record: ProxyRequestRecord) => onRequest({ ...record, host })),
  };
}

/**
 * Answers what the load balancer answers itself (no load balancer for the
 * Host, wrong protocol, no rule, fixed responses, redirects); returns the
 * forward action otherwise.
 */
function answerOrForward(shared: ListenerShared, request: Incoming): ForwardAction | undefined {
  const { options } = shared;
  const { req, res, host, path, query, encrypted, onRequest } = request;
  const rules = options.routing.rules({ host, path });
  if (rules === undefined) {
    const text = `No load balancer of this local cloud listens on port ${req.socket.localPort} for host ${JSON.stringify(host)}; read the load balancer's DNSName again (it carries a port when the listener port was taken)`;
    res.writeHead(421, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text), server: 'awselb/2.0' });
    res.end(text);
    return undefined;
  }
  // Without a `protocol` callback every request is served on the protocol it came in.
  const listenerProtocol = options.routing.protocol?.({ host });
  if (listenerProtocol === 'HTTPS' && !encrypted) {
    onRequest?.({ status: 400, source: 'elb' });
    json(res, 400, PLAIN_ON_HTTPS);
    return undefined;
  }
  if (listenerProtocol === 'HTTP' && encrypted) {
    // Only when another load balancer's HTTPS listener shares the port: this one speaks plain HTTP.
    onRequest?.({ status: 400, source: 'elb' });
    json(res, 400, errorPage(400, 'Bad Request'));
    return undefined;
  }
  const rule = matchRule(rules, { host, path, method: req.method ?? 'GET', headers: req.headers, query, sourceIp: req.socket.remoteAddress ?? '' });
  if (!rule) {
    onRequest?.({ status: 503, source: 'elb' });
    json(res, 503, errorPage(503, 'Service Temporarily Unavailable'));
    return undefined;
  }
  const action = rule.action;
  if (action.type === 'fixed-response') {
    onRequest?.({ status: action.statusCode, source: 'elb' });
    json(res, action.statusCode, action.body ?? '', action.contentType ?? 'text/plain');
    return undefined;
  }
  if (action.type === 'redirect') {
    redirect(shared, request, action);
    return undefined;
  }
  return action;
}

function redirect(shared: ListenerShared, request: Incoming, action: Extract<ProxyAction, { type: 'redirect' }>): void {
  const { res, host, path, query, scheme, onRequest } = request;
  onRequest?.({ status: action.statusCode, source: 'elb' });
  const location = redirectLocation(action, { protocol: scheme, host, port: shared.port(), path, query }, (port) => shared.options.routing.servedPort?.({ host }, port));
  const text = action.statusCode === 301 ? 'Moved Permanently' : 'Moved Temporarily';
  const body = errorPage(action.statusCode, text);
  res.writeHead(action.statusCode, { location, 'content-type': 'text/html', 'content-length': Buffer.byteLength(body), server: 'awselb/2.0' });
  res.end(body);
}

/** The target group and target of a forward (stickiness cookies first, then weights and round robin); answers 503 when there is none. */
function chooseDestination(shared: ListenerShared, request: Incoming, action: ForwardAction): Destination | undefined {
  const { jar, cursors } = shared;
  const { res, onRequest } = request;
  const nowMs = Date.now();
  const cookies = parseCookies(request.req.headers.cookie);
  // Target group stickiness: a valid AWSALBTG naming one of this action's groups wins over the weights.
  const pinnedGroup = action.stickiness ? jar.open(cookies.get('AWSALBTG'), 'AWSALBTG', nowMs) : undefined;
  const group = (pinnedGroup && action.targetGroups.find((g) => g.arn === pinnedGroup.g)) || pickWeighted(action.targetGroups);
  if (!group) {
    onRequest?.({ status: 503, source: 'elb' });
    json(res, 503, errorPage(503, 'Service Temporarily Unavailable'));
    return undefined;
  }
  const { healthy, failOpen, stickiness } = shared.options.routing.targets(group.arn);
  const pool = healthy.length > 0 ? healthy : failOpen; // ALB fails open to unhealthy targets when none is healthy; `initial` ones get nothing
  if (pool.length === 0) {
    onRequest?.({ targetGroupArn: group.arn, status: 503, source: 'elb' });
    json(res, 503, errorPage(503, 'Service Temporarily Unavailable'));
    return undefined;
  }
  const stickyKind = stickiness?.type === 'lb_cookie' ? 'AWSALB' : stickiness?.type === 'app_cookie' ? 'AWSALBAPP' : undefined;
  const stuck = stickyKind ? jar.open(cookies.get(stickyKind === 'AWSALB' ? 'AWSALB' : 'AWSALBAPP-0'), stickyKind, nowMs) : undefined;
  let target = stuck && stuck.g === group.arn ? pool.find((t) => t.host === stuck.h && t.port === stuck.p) : undefined;
  if (!target) {
    const cursor = cursors.get(group.arn) ?? 0;
    cursors.set(group.arn, cursor + 1);
    target = pool[cursor % pool.length]!;
  }
  return { group, target, stickiness };
}

/** The stickiness cookies a forwarded response carries. */
function stickyHeaders(shared: ListenerShared, action: ForwardAction, to: Destination, encrypted: boolean, targetSetCookie: string | string[] | undefined): string[] {
  const { jar } = shared;
  const { group, target, stickiness } = to;
  const out: string[] = [];
  const expires = new Date(Date.now() + shared.cookieLifetimeMs());
  if (action.stickiness) {
    const value = jar.seal({ k: 'AWSALBTG', g: group.arn, x: Date.now() + action.stickiness.durationMs });
    out.push(...stickyCookies('AWSALBTG', value, expires, encrypted, true));
  }
  if (stickiness?.type === 'lb_cookie') {
    const value = jar.seal({ k: 'AWSALB', g: group.arn, h: target.host, p: target.port, x: Date.now() + stickiness.durationMs });
    out.push(...stickyCookies('AWSALB', value, expires, encrypted, true));
  } else if (stickiness?.type === 'app_cookie' && stickiness.cookieName && setsCookie(targetSetCookie, stickiness.cookieName)) {
    // The application (re)issued its cookie: stickiness (re)starts, with the group's app_cookie duration.
    const value = jar.seal({ k: 'AWSALBAPP', g: group.arn, h: target.host, p: target.port, x: Date.now() + stickiness.durationMs });
    out.push(...stickyCookies('AWSALBAPP-0', value, expires, encrypted, false));
    for (const n of [1, 2, 3]) out.push(`AWSALBAPP-${n}=_remove_; Expires=${expires.toUTCString()}; Path=/`);
  }
  return out;
}

/** The request headers a target gets: the client's without hop-by-hop ones, plus ALB's `X-Forwarded-*` and trace id. */
function forwardedHeaders(req: IncomingMessage, scheme: string, port: number): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(key)) headers[key] = value;
  const client = req.socket.remoteAddress ?? '127.0.0.1';
  headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${client}` : client;
  headers['x-forwarded-proto'] = scheme;
  headers['x-forwarded-port'] = String(port);
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  return headers;
}

/** Forwards the request to the chosen target and streams its response back (502/504 from the load balancer when it fails). */
function forward(shared: ListenerShared, request: Incoming, action: ForwardAction, to: Destination): void {
  const { req, res, onRequest } = request;
  const headers = forwardedHeaders(req, request.scheme, shared.port());
  const started = process.hrtime.bigint();
  let settled = false;
  const finish = (status: number, source: 'target' | 'elb', responded: boolean) => {
    if (settled) return;
    settled = true;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    onRequest?.({ targetGroupArn: to.group.arn, target: to.target, status, source, ...(responded ? { targetResponseSeconds: seconds } : {}) });
  };
  const upstream = httpRequest(
    { host: to.target.host, port: to.target.port, method: req.method, path: req.url, headers, agent: shared.agent, timeout: shared.timeoutMs() },
    (response) => {
      const out: Record<string, string | string[]> = {};
      for (const [key, value] of Object.entries(response.headers)) if (value !== undefined && !HOP_BY_HOP.has(key)) out[key] = value;
      const sticky = stickyHeaders(shared, action, to, request.encrypted, response.headers['set-cookie']);
      if (sticky.length) out['set-cookie'] = [...(response.headers['set-cookie'] ?? []), ...sticky];
      res.writeHead(response.statusCode ?? 502, out);
      response.pipe(res);
      response.on('end', () => finish(response.statusCode ?? 502, 'target', true));
      response.on('error', () => res.destroy());
    },
  );
  upstream.on('timeout', () => {
    upstream.destroy();
    finish(504, 'elb', false);
    json(res, 504, errorPage(504, 'Gateway Time-out'));
  });
  upstream.on('error', () => {
    finish(502, 'elb', false);
    json(res, 502, errorPage(502, 'Bad Gateway'));
  });
  req.pipe(upstream);
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
}

/** Node's TLS server options for a listener's TLS settings. */
const tlsOptions = (tls: ProxyTls) => ({
  key: tls.key,
  cert: tls.cert,
  honorCipherOrder: true,
  ...(tls.minVersion ? { minVersion: tls.minVersion } : {}),
  ...(tls.maxVersion ? { maxVersion: tls.maxVersion } : {}),
  ...(tls.ciphers ? { ciphers: tls.ciphers } : {}),
});

/** The HTTPS side of a listener: made on the first TLS settings, given new ones in place, dropped with none. */
function tlsServer(handle: (req: IncomingMessage, res: ServerResponse) => void): { current(): HttpsServer | undefined; set(tls: ProxyTls | undefined): void } {
  let secure: HttpsServer | undefined;
  return {
    current: () => secure,
    set: (tls) => {
      if (!tls) {
        secure = undefined;
        return;
      }
      if (secure) {
        secure.setSecureContext(tlsOptions(tls));
        return;
      }
      secure = createHttpsServer(tlsOptions(tls), handle);
      secure.keepAliveTimeout = 60_000;
      // A failed handshake only ends that connection.
      secure.on('tlsClientError', () => undefined);
    },
  };
}

/** One port, both protocols: the first byte of a connection says which (0x16 = a TLS handshake record). */
function protocolSniffer(plain: Server, secure: () => HttpsServer | undefined, timeoutMs: () => number, sockets: Set<Socket>): NetServer {
  return createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const onError = () => socket.destroy();
    socket.on('error', onError);
    socket.setTimeout(Math.max(timeoutMs(), 10_000), () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0);
      socket.removeListener('error', onError);
      socket.pause();
      socket.unshift(chunk);
      const tls = secure();
      (chunk[0] === 0x16 && tls ? tls : plain).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
}

/** A setting given as a value or a function, read as a function (the default when not given). */
const reader = (value: number | (() => number) | undefined, fallback: number): (() => number) => (typeof value === 'function' ? value : () => value ?? fallback);

/** Starts one listener. */
export async function startAlbListener(options: AlbListenerOptions): Promise<AlbListener> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 1000 });
  let boundPort = 0;
  const shared: ListenerShared = {
    options,
    agent,
    cursors: new Map(),
    timeoutMs: reader(options.timeoutMs, 60_000),
    cookieLifetimeMs: reader(options.cookieLifetimeMs, SEVEN_DAYS_MS),
    jar: new CookieJar(),
    port: () => boundPort,
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const request = incoming(shared, req, res);
    const action = answerOrForward(shared, request);
    if (!action) return;
    const to = chooseDestination(shared, request, action);
    if (to) forward(shared, request, action, to);
  };
  const plain: Server = createServer(handle);
  plain.keepAliveTimeout = 60_000;
  const tls = tlsServer(handle);
  if (options.tls) tls.set(options.tls);
  const sockets = new Set<Socket>();
  const front = protocolSniffer(plain, () => tls.current(), () => shared.timeoutMs(), sockets);
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(options.port, options.host, () => resolve());
  });
  boundPort = (front.address() as { port: number }).port;
  return {
    host: options.host,
    port: boundPort,
    setTls: (settings) => tls.set(settings),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        front.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      }),
  };
}
