/**
 * `*.localhost` name resolution for the current Node.js process.
 *
 * The local cloud names load balancers `<name>-<digits>.<region>.elb.localhost`.
 * RFC 6761 reserves `.localhost` for the loopback interface, and curl and
 * browsers resolve every `*.localhost` name to 127.0.0.1 by themselves, so
 * `curl http://$ALB_DNS/items` works as in the lab. Node.js asks the system
 * resolver instead (glibc's `getaddrinfo`), which knows only `localhost`
 * itself; {@link installLocalhostResolution} closes that gap for the current
 * process.
 *
 * @module
 */
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';

/** `true` for `localhost` and every name under `.localhost` (RFC 6761 §6.3), with or without a trailing dot. */
export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

let installed: { lookup: typeof dns.lookup; promisesLookup: typeof dns.promises.lookup } | undefined;

/** The answer for a `*.localhost` name: 127.0.0.1, or ::1 when only IPv6 is asked for. */
function loopbackFor(options: unknown): { address: string; family: 4 | 6 } {
  const family = typeof options === 'number' ? options : (options as { family?: number | string } | undefined)?.family;
  return family === 6 || family === 'IPv6' ? { address: '::1', family: 6 } : { address: '127.0.0.1', family: 4 };
}

/**
 * Makes `dns.lookup` (and `dns.promises.lookup`) in the current process
 * answer every `*.localhost` name with the loopback address (127.0.0.1, or
 * ::1 when only IPv6 is asked for), as RFC 6761 asks and as curl does.
 * Everything else goes to the system resolver unchanged.
 *
 * `net`, `http`, `fetch` (undici) and the AWS SDK all resolve through
 * `dns.lookup`, so after this call
 * `fetch(\`http://${loadBalancer.DNSName}/items\`)` reaches the local
 * load balancer. The local runtime calls it when it starts in-process;
 * scripts that talk to a local cloud running in another process call it
 * themselves:
 *
 * ```ts
 * import { installLocalhostResolution } from 'ecskit/local';
 * installLocalhostResolution();
 * const items = await (await fetch(`http://${albDnsName}/items`)).json();
 * ```
 *
 * Idempotent. Child processes are not affected.
 *
 * @returns a function that restores the original resolver.
 */
export function installLocalhostResolution(): () => void {
  if (installed) return uninstallLocalhostResolution;
  const original = { lookup: dns.lookup, promisesLookup: dns.promises.lookup };
  installed = original;

  const lookup = function (hostname: string, options: unknown, callback?: unknown): void {
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
    const opts = typeof options === 'function' ? undefined : options;
    if (typeof hostname === 'string' && isLocalhostName(hostname) && typeof cb === 'function') {
      const { address, family } = loopbackFor(opts);
      const all = typeof opts === 'object' && opts !== null && (opts as { all?: boolean }).all === true;
      process.nextTick(() => (all ? cb(null, [{ address, family }]) : cb(null, address, family)));
      return;
    }
    (original.lookup as (...args: unknown[]) => void).call(dns, hostname, options, ...(callback === undefined ? [] : [callback]));
  } as unknown as typeof dns.lookup;

  const promisesLookup = async function (hostname: string, options?: unknown) {
    if (typeof hostname === 'string' && isLocalhostName(hostname)) {
      const { address, family } = loopbackFor(options);
      const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
      return all ? [{ address, family }] : { address, family };
    }
    return (original.promisesLookup as (...args: unknown[]) => Promise<unknown>).call(dns.promises, hostname, options);
  } as unknown as typeof dns.promises.lookup;

  dns.lookup = lookup;
  dns.promises.lookup = promisesLookup;
  syncBuiltinESMExports();
  return uninstallLocalhostResolution;
}

/** Restores the resolver {@link installLocalhostResolution} replaced (no-op when not installed). */
export function uninstallLocalhostResolution(): void {
  if (!installed) return;
  dns.lookup = installed.lookup;
  dns.promises.lookup = installed.promisesLookup;
  installed = undefined;
  syncBuiltinESMExports();
}
