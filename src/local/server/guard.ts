/**
 * The request guard: the first thing the local cloud's listener runs, for
 * every path (AWS protocols, `/_ecskit/*`, and any route added later). It
 * stops the two ways a web page in the user's browser could reach the cloud:
 *
 * - **DNS rebinding**: a page on `attacker.example` whose name later resolves
 *   to 127.0.0.1 sends `Host: attacker.example`. Only loopback names and
 *   addresses (`localhost`, `*.localhost`, 127.0.0.0/8, `[::1]`) and the hosts
 *   explicitly allowed are served.
 * - **Cross-site requests** (CSRF): a browser names the page that sent a
 *   request in `Origin` (and `Sec-Fetch-Site`). Only the cloud's own origin
 *   (`http://<allowed host>:<its port>`) and explicitly allowed origins pass;
 *   `Origin: null` never does.
 *
 * @internal
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';

/** Options of {@link createRequestGuard}. */
export interface RequestGuardOptions {
  /**
   * Host names or addresses served besides the loopback ones (`--allow-host`,
   * and a non-loopback `--host`). Compared case-insensitively, without port.
   */
  allowedHosts?: readonly string[];
  /** Origins (`scheme://host[:port]`) whose pages may call the cloud besides its own (`--allow-origin`). */
  allowedOrigins?: readonly string[];
  /** The port the cloud listens on, once known; its own pages' origins use it. */
  port: () => number | undefined;
}

/** Why the guard refused a request: an HTTP status, an error code and a message that names the fix. */
export interface GuardRefusal {
  status: number;
  /** `ForbiddenHost` or `ForbiddenOrigin`. */
  reason: 'ForbiddenHost' | 'ForbiddenOrigin';
  message: string;
}

/** The parsed `Host` header. */
export interface HostHeader {
  /** Lower-case name or address, IPv6 without brackets. */
  hostname: string;
  port: number | undefined;
}

const MAX_HOST_LENGTH = 300;
const LOOPBACK_ADDRESSES = new BlockList();
LOOPBACK_ADDRESSES.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK_ADDRESSES.addAddress('::1', 'ipv6');
LOOPBACK_ADDRESSES.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');
const LOCALHOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*localhost$/;

/**
 * Parses a `Host` header strictly: `name[:port]`, `a.b.c.d[:port]` or
 * `[v6][:port]`; `undefined` for anything else (empty, userinfo, spaces,
 * percent-escapes, a bad port, over 300 characters).
 */
export function parseHostHeader(value: string | undefined): HostHeader | undefined {
  if (!value || value.length > MAX_HOST_LENGTH) return undefined;
  const m = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(value) ?? /^([A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(value);
  if (!m) return undefined;
  const hostname = m[1]!.toLowerCase();
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && port > 65535) return undefined;
  if (value.startsWith('[') && !isIPv6(hostname)) return undefined;
  return { hostname, port };
}

/** `true` for names and addresses that only ever mean this machine: `localhost`, `*.localhost`, 127.0.0.0/8, `::1`. */
export function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (isIPv4(name)) return LOOPBACK_ADDRESSES.check(name, 'ipv4');
  if (isIPv6(name)) return LOOPBACK_ADDRESSES.check(name, 'ipv6');
  return name.length <= 253 && LOCALHOST_NAME.test(name);
}

/**
 * The host names a cloud bound to `host` answers for besides the loopback
 * ones: `host` itself when it is not loopback, and every local interface
 * address when it is a wildcard (`0.0.0.0`, `::`).
 */
export function hostsForBindAddress(host: string): string[] {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === '0.0.0.0' || bare === '::') {
    return Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .map((i) => i.address.toLowerCase());
  }
  return isLoopbackName(bare) ? [] : [bare];
}

const normalizeHost = (h: string) => h.trim().toLowerCase().replace(/^\[|\]$/g, '');

function normalizeOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

const LOOPBACK_HINT = 'localhost, *.localhost, 127.0.0.0/8 and [::1]';

/**
 * Creates the guard. It returns a {@link GuardRefusal} for a request the
 * cloud must not serve, or `undefined`. It reads only headers, so it runs
 * before the body is read.
 *
 * @throws TypeError when an allowed host is not a name or address, or an allowed origin not a `scheme://host[:port]` URL.
 */
export function createRequestGuard(options: RequestGuardOptions): (req: IncomingMessage) => GuardRefusal | undefined {
  const hosts = new Set<string>();
  for (const host of options.allowedHosts ?? []) {
    const parsed = parseHostHeader(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
    if (!parsed || parsed.port !== undefined) throw new TypeError(`allowed host must be a host name or address without port, like dev.example or 192.168.1.5, got: ${JSON.stringify(host)}`);
    hosts.add(parsed.hostname);
  }
  const origins = new Set<string>();
  for (const origin of options.allowedOrigins ?? []) {
    const normal = normalizeOrigin(origin);
    if (!normal) throw new TypeError(`allowed origin must look like http://host:port, got: ${JSON.stringify(origin)}`);
    origins.add(normal);
  }
  const hostAllowed = (hostname: string) => isLoopbackName(hostname) || hosts.has(hostname);

  const checkHost = (req: IncomingMessage): GuardRefusal | undefined => {
    const raw = req.headers.host;
    const parsed = parseHostHeader(raw);
    if (parsed && hostAllowed(parsed.hostname)) return undefined;
    const shown = raw === undefined ? 'no Host header' : `Host ${JSON.stringify(raw.slice(0, 100))}`;
    return {
      status: 403,
      reason: 'ForbiddenHost',
      message:
        `The ecskit local cloud refused a request with ${shown}: it answers only for ${LOOPBACK_HINT}` +
        `${hosts.size ? ` and ${[...hosts].join(', ')}` : ''} (a foreign name may be a DNS-rebinding web page). ` +
        `Use http://127.0.0.1:<port>, or start it with --allow-host <name> (option allowedHosts) to serve that name.`,
    };
  };

  const ownOrigin = (origin: string): boolean => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    return url.protocol === 'http:' && port === options.port() && hostAllowed(normalizeHost(url.hostname)) && url.username === '' && url.pathname === '/';
  };

  const checkOrigin = (req: IncomingMessage): GuardRefusal | undefined => {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (origins.has(normalizeOrigin(origin) ?? '') || (origin !== 'null' && ownOrigin(origin))) return undefined;
      return {
        status: 403,
        reason: 'ForbiddenOrigin',
        message:
          `The ecskit local cloud refused a request from Origin ${JSON.stringify(origin.slice(0, 100))}: only its own pages may call it ` +
          `(a web page on another site must not change your local cloud). To allow that page, start it with --allow-origin <origin> (option allowedOrigins).`,
      };
    }
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') {
      return {
        status: 403,
        reason: 'ForbiddenOrigin',
        message: `The ecskit local cloud refused a ${site} browser request (Sec-Fetch-Site: ${site}): only its own pages may call it. To allow a page, start it with --allow-origin <origin>.`,
      };
    }
    return undefined;
  };

  return (req) => checkHost(req) ?? checkOrigin(req);
}
