/**
 * An Application Load Balancer listener as a real HTTP reverse proxy on
 * loopback. It knows nothing of ELBv2 state: the runtime passes a `routing`
 * callback that returns the listener's rules and the healthy targets of a
 * target group, read fresh on every request, so rule and health changes
 * apply at once.
 *
 * Behaviour follows ALB: rules by ascending priority (path-pattern and
 * host-header conditions, `*` and `?` wildcards, case-insensitive hosts),
 * weighted forward to target groups, round robin over healthy targets, fail
 * open to the unhealthy targets when none is healthy, 503 while no target has
 * passed a health check (all `initial`) or a group has none, 502 when the target refuses or resets, 504 on timeout.
 *
 * @internal
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

/** A condition of a listener rule (ELBv2 `RuleCondition`, reduced). */
export interface ProxyCondition {
  readonly field: 'path-pattern' | 'host-header' | string;
  readonly values: readonly string[];
}

/** An action of a listener rule. */
export type ProxyAction =
  | { readonly type: 'forward'; readonly targetGroups: ReadonlyArray<{ readonly arn: string; readonly weight: number }> }
  | { readonly type: 'fixed-response'; readonly statusCode: number; readonly contentType?: string; readonly body?: string };

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

/** What the proxy asks the runtime on every request. */
export interface ProxyRouting {
  /**
   * Rules by any order (sorted here), the default rule last with priority Infinity.
   * `request` carries the request's Host header and path, so one listener can
   * serve several load balancers by host name.
   */
  rules(request: { readonly host: string; readonly path: string }): readonly ProxyRule[];
  /** Targets of a target group: healthy ones, and the unhealthy ones an ALB fails open to when none is healthy. */
  targets(targetGroupArn: string): { readonly healthy: readonly ProxyTarget[]; readonly failOpen: readonly ProxyTarget[] };
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
  /** Idle timeout in ms before a 504 (ALB default 60 s, time-scaled by the caller). */
  readonly timeoutMs?: number;
}

/** A running listener. */
export interface AlbListener {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** ALB wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

/** The rule that matches a request, by ascending priority. */
export function matchRule(rules: readonly ProxyRule[], host: string, path: string): ProxyRule | undefined {
  const hostname = host.replace(/:\d+$/, '');
  return [...rules]
    .sort((a, b) => a.priority - b.priority)
    .find((rule) =>
      rule.conditions.every((condition) => {
        if (condition.field === 'path-pattern') return condition.values.some((v) => wildcardMatch(v, path));
        if (condition.field === 'host-header') return condition.values.some((v) => wildcardMatch(v, hostname, true));
        return false;
      }),
    );
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

/** Starts one listener. */
export async function startAlbListener(options: AlbListenerOptions): Promise<AlbListener> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 1000 });
  const cursors = new Map<string, number>();
  const timeoutMs = options.timeoutMs ?? 60_000;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const host = req.headers.host ?? '';
    const onRequest = options.onRequest && ((record: ProxyRequestRecord) => options.onRequest?.({ ...record, host }));
    const rule = matchRule(options.routing.rules({ host, path }), host, path);
    if (!rule) {
      onRequest?.({ status: 503, source: 'elb' });
      return json(res, 503, errorPage(503, 'Service Temporarily Unavailable'));
    }
    const action = rule.action;
    if (action.type === 'fixed-response') {
      onRequest?.({ status: action.statusCode, source: 'elb' });
      return json(res, action.statusCode, action.body ?? '', action.contentType ?? 'text/plain');
    }
    const group = pickWeighted(action.targetGroups);
    if (!group) {
      onRequest?.({ status: 503, source: 'elb' });
      return json(res, 503, errorPage(503, 'Service Temporarily Unavailable'));
    }
    const { healthy, failOpen } = options.routing.targets(group.arn);
    const pool = healthy.length > 0 ? healthy : failOpen; // ALB fails open to unhealthy targets when none is healthy; `initial` ones get nothing
    if (pool.length === 0) {
      onRequest?.({ targetGroupArn: group.arn, status: 503, source: 'elb' });
      return json(res, 503, errorPage(503, 'Service Temporarily Unavailable'));
    }
    const cursor = cursors.get(group.arn) ?? 0;
    cursors.set(group.arn, cursor + 1);
    const target = pool[cursor % pool.length]!;

    const headers: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(key)) headers[key] = value;
    const client = req.socket.remoteAddress ?? '127.0.0.1';
    headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${client}` : client;
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-port'] = String(listener.port);
    headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

    const started = process.hrtime.bigint();
    let settled = false;
    const finish = (status: number, source: 'target' | 'elb', responded: boolean) => {
      if (settled) return;
      settled = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      onRequest?.({
        targetGroupArn: group.arn,
        target,
        status,
        source,
        ...(responded ? { targetResponseSeconds: seconds } : {}),
      });
    };
    const upstream = httpRequest(
      { host: target.host, port: target.port, method: req.method, path: req.url, headers, agent, timeout: timeoutMs },
      (response) => {
        const out: Record<string, string | string[]> = {};
        for (const [key, value] of Object.entries(response.headers)) if (value !== undefined && !HOP_BY_HOP.has(key)) out[key] = value;
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
  };

  const server: Server = createServer(handle);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as { port: number };
  const listener: AlbListener = {
    host: options.host,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
  return listener;
}
