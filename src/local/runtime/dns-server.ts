/**
 * The local cloud's DNS server for Cloud Map private DNS namespaces: answers
 * A and SRV questions (UDP and TCP, loopback only) from a resolver callback
 * that reads Cloud Map's healthy instances. Names outside the private zones
 * get REFUSED (it is not a recursive resolver); unknown names inside a zone
 * get NXDOMAIN, like Route 53.
 *
 * @internal
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import * as packet from 'dns-packet';

/** One answer record. */
export type DnsRecord =
  | { readonly type: 'A'; readonly address: string; readonly ttl: number }
  | { readonly type: 'SRV'; readonly target: string; readonly port: number; readonly priority: number; readonly weight: number; readonly ttl: number };

/**
 * What the zone data says about a name: records (possibly empty = NODATA),
 * `nxdomain` (inside a zone, no such name) or `refused` (not our zone).
 */
export type DnsLookup = { readonly records: readonly DnsRecord[] } | 'nxdomain' | 'refused';

/** Reads the zone data for one question. */
export type DnsResolver = (name: string, type: 'A' | 'SRV' | 'AAAA' | 'OTHER') => DnsLookup;

/** A running DNS server. */
export interface DnsServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

const RCODE = { NOERROR: 0, NXDOMAIN: 3, REFUSED: 5, FORMERR: 1 } as const;

/** Builds the response bytes for one query (exported for tests). */
export function answer(query: Buffer, resolve: DnsResolver): Buffer | undefined {
  let request: packet.Packet;
  try {
    request = packet.decode(query);
  } catch {
    return undefined; // not DNS: drop, as resolvers do
  }
  const question = request.questions?.[0];
  const base = {
    id: request.id ?? 0,
    type: 'response' as const,
    flags: packet.RECURSION_DESIRED & (request.flags ?? 0),
    questions: request.questions ?? [],
  };
  if (!question) return packet.encode({ ...base, flags: base.flags | RCODE.FORMERR });
  const kind = question.type === 'A' || question.type === 'SRV' || question.type === 'AAAA' ? question.type : 'OTHER';
  const result = resolve(question.name.toLowerCase().replace(/\.$/, ''), kind);
  if (result === 'refused') return packet.encode({ ...base, flags: base.flags | RCODE.REFUSED });
  const authoritative = packet.AUTHORITATIVE_ANSWER;
  if (result === 'nxdomain') return packet.encode({ ...base, flags: base.flags | authoritative | RCODE.NXDOMAIN });
  const answers: packet.Answer[] = result.records.map((record) =>
    record.type === 'A'
      ? { type: 'A', name: question.name, class: 'IN', ttl: record.ttl, data: record.address }
      : {
          type: 'SRV',
          name: question.name,
          class: 'IN',
          ttl: record.ttl,
          data: { target: record.target, port: record.port, priority: record.priority, weight: record.weight },
        },
  );
  return packet.encode({ ...base, flags: base.flags | authoritative, answers });
}

/** Starts the server on `host` (loopback) and `port` (0 = any free; UDP and TCP share the number). */
export async function startDnsServer(options: { host?: string; port?: number; resolve: DnsResolver }): Promise<DnsServer> {
  const host = options.host ?? '127.0.0.1';
  const udp: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  udp.on('message', (message, remote) => {
    const response = answer(message, options.resolve);
    if (response) udp.send(response, remote.port, remote.address);
  });
  udp.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(options.port ?? 0, host, () => resolve());
  });
  const port = udp.address().port;

  // TCP: 2-byte length prefix per message (RFC 1035 §4.2.2).
  const tcp: Server = createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) break;
        const response = answer(buffered.subarray(2, 2 + length), options.resolve);
        buffered = buffered.subarray(2 + length);
        if (response) {
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(response.length);
          socket.write(Buffer.concat([prefix, response]));
        }
      }
      if (buffered.length > 65_537) socket.destroy();
    });
    socket.on('error', () => {});
    socket.setTimeout(10_000, () => socket.destroy());
  });
  await new Promise<void>((resolve) => {
    tcp.once('error', () => resolve()); // TCP is best effort: UDP is what resolvers use first
    tcp.listen(port, host, () => resolve());
  });

  return {
    host,
    port,
    close: async () => {
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => (tcp.listening ? tcp.close(() => resolve()) : resolve())),
      ]);
    },
  };
}
