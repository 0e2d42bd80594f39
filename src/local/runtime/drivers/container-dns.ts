/**
 * How containers resolve Cloud Map names. A container's `resolv.conf` can
 * only name a server on port 53 (`--dns <address>`), and the local DNS
 * server listens on a free port; so when this process may bind port 53
 * (root, as in CI) the same server also answers on a loopback address of
 * its own, `127.53.x.y:53`, and containers get `--dns 127.53.x.y`. Where it
 * may not, each container gets `--add-host` lines for the names registered
 * when it starts (a snapshot: an instance registered later is not seen, and
 * every name gets one address).
 *
 * @internal
 */
import type { RuntimeContext } from '../context.js';
import { startDnsServer, type DnsResolver, type DnsServer } from '../dns-server.js';
import type { ContainerDns } from './container-driver.js';

/** Every `service.namespace` name of the private DNS namespaces with a healthy instance's address. */
export function registeredHosts(context: Pick<RuntimeContext, 'regions' | 'controlPlane'>): Array<readonly [string, string]> {
  const port = context.controlPlane.cloudMap;
  const hosts: Array<readonly [string, string]> = [];
  for (const { state } of context.regions()) {
    const cloudMap = port.existing(state);
    if (!cloudMap) continue;
    for (const ns of Object.values(cloudMap.namespaces)) {
      if (ns.type !== 'DNS_PRIVATE') continue;
      for (const service of Object.values(cloudMap.services)) {
        if (service.namespaceId !== ns.id) continue;
        const address = port.listHealthyInstances(state, ns.name, service.name).find((i) => i.ipv4)?.ipv4;
        if (address) hosts.push([`${service.name}.${ns.name}`.toLowerCase(), address]);
      }
    }
  }
  return hosts;
}

/** A random loopback address in 127.53.0.0/16 (on Linux all of 127/8 answers). */
function dnsAddress(): string {
  return `127.53.${Math.floor(Math.random() * 256)}.${2 + Math.floor(Math.random() * 250)}`;
}

/** The containers' DNS, and the extra server to close with the driver (if one was started). */
export async function containerDns(context: Pick<RuntimeContext, 'regions' | 'controlPlane' | 'log'>, resolve: DnsResolver): Promise<{ dns: ContainerDns; server?: DnsServer }> {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && process.platform === 'linux') {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const server = await startDnsServer({ host: dnsAddress(), port: 53, resolve });
        return { dns: { kind: 'server', address: server.host }, server };
      } catch {
        // taken (another local cloud): try another address
      }
    }
    context.log('container driver: cannot serve DNS on a loopback port 53; containers get --add-host entries instead');
  }
  return { dns: { kind: 'hosts', hosts: () => registeredHosts(context) } };
}
