/**
 * Cloud Map in the runtime: the DNS server's zone data comes from the
 * private DNS namespaces and their healthy instances (Route 53 answers
 * MULTIVALUE records only for healthy instances, and all of them when none
 * is healthy).
 *
 * @internal
 */
import type { ControlPlane } from './control-plane.js';
import type { RuntimeContext } from './context.js';
import type { DnsRecord, DnsResolver } from './dns-server.js';

/** A {@link DnsResolver} over every region's private DNS namespaces. */
export function cloudMapResolver(context: Pick<RuntimeContext, 'regions' | 'controlPlane'>): DnsResolver {
  const { cloudMap: port } = context.controlPlane;
  return (name, type) => {
    for (const { state } of context.regions()) {
      const cloudMap = port.state(state);
      for (const ns of Object.values(cloudMap.namespaces)) {
        if (ns.type !== 'DNS_PRIVATE') continue;
        const zone = ns.name.toLowerCase().replace(/\.$/, '');
        if (name !== zone && !name.endsWith(`.${zone}`)) continue;
        if (name === zone) return { records: [] };
        const serviceName = name.slice(0, -zone.length - 1);
        const service = Object.values(cloudMap.services).find(
          (s) => s.namespaceId === ns.id && s.name.toLowerCase() === serviceName,
        );
        if (!service) return instanceRecord(port, state, ns.name, serviceName, type);
        const instances = port.listHealthyInstances(state, ns.name, service.name);
        if (instances.length === 0) return 'nxdomain';
        const template = (kind: string) => service.dnsRecords.find((r) => r.Type === kind);
        const records: DnsRecord[] = [];
        const a = template('A');
        const srv = template('SRV');
        for (const instance of instances) {
          if (type === 'A' && a && instance.ipv4) records.push({ type: 'A', address: instance.ipv4, ttl: a.TTL ?? instance.ttl });
          if (type === 'SRV' && srv && instance.port !== undefined) {
            // Route 53 SRV answers name each instance by its id under the service name.
            records.push({
              type: 'SRV',
              target: `${instance.instanceId}.${serviceName}.${zone}`,
              port: instance.port,
              priority: 1,
              weight: 1,
              ttl: srv.TTL ?? instance.ttl,
            });
          }
        }
        // Shuffle like Route 53 multivalue answers, so clients spread their connections.
        for (let i = records.length - 1; i > 0; i--) {
          const j = Math.floor(Math.random() * (i + 1));
          [records[i], records[j]] = [records[j]!, records[i]!];
        }
        return { records };
      }
    }
    return 'refused';
  };
}

/** `<instance-id>.<service>.<zone>`: the A record an SRV answer points at. */
function instanceRecord(port: ControlPlane['cloudMap'], state: Parameters<ControlPlane['cloudMap']['listHealthyInstances']>[0], namespace: string, name: string, type: string) {
  const dot = name.indexOf('.');
  if (dot <= 0) return 'nxdomain' as const;
  const instanceId = name.slice(0, dot);
  const instance = port.listHealthyInstances(state, namespace, name.slice(dot + 1)).find((i) => i.instanceId.toLowerCase() === instanceId);
  if (!instance?.ipv4) return 'nxdomain' as const;
  return { records: type === 'A' ? [{ type: 'A' as const, address: instance.ipv4, ttl: instance.ttl }] : [] };
}
