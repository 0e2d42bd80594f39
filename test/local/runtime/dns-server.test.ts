import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { startDnsServer, type DnsResolver } from '../../../src/local/runtime/dns-server.js';

const zone: DnsResolver = (name, type) => {
  if (!name.endsWith('.local') && name !== 'local') return 'refused';
  if (name === 'invsys.local' && type === 'A') {
    return {
      records: [
        { type: 'A', address: '127.0.1.2', ttl: 60 },
        { type: 'A', address: '127.0.1.3', ttl: 60 },
      ],
    };
  }
  if (name === 'invsys.local' && type === 'SRV') {
    return { records: [{ type: 'SRV', target: 'task-1.invsys.local', port: 5000, priority: 1, weight: 1, ttl: 60 }] };
  }
  if (name === 'invsys.local') return { records: [] };
  return 'nxdomain';
};

async function withServer(fn: (resolver: Resolver) => Promise<void>) {
  const server = await startDnsServer({ resolve: zone });
  const resolver = new Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([`127.0.0.1:${server.port}`]);
  try {
    await fn(resolver);
  } finally {
    await server.close();
  }
}

test('A questions get every healthy address with the record TTL', async () => {
  await withServer(async (resolver) => {
    const answers = await resolver.resolve4('invsys.local', { ttl: true });
    assert.deepEqual(answers, [
      { address: '127.0.1.2', ttl: 60 },
      { address: '127.0.1.3', ttl: 60 },
    ]);
  });
});

test('SRV questions get target, port, priority and weight', async () => {
  await withServer(async (resolver) => {
    assert.deepEqual(await resolver.resolveSrv('invsys.local'), [
      { name: 'task-1.invsys.local', port: 5000, priority: 1, weight: 1 },
    ]);
  });
});

test('an unknown name in a private zone is NXDOMAIN; a name outside is refused', async () => {
  await withServer(async (resolver) => {
    await assert.rejects(resolver.resolve4('nope.local'), { code: 'ENOTFOUND' });
    await assert.rejects(resolver.resolve4('example.com'), { code: 'EREFUSED' });
  });
});

test('garbage datagrams are dropped and the server keeps answering', async () => {
  const server = await startDnsServer({ resolve: zone });
  try {
    const { createSocket } = await import('node:dgram');
    const socket = createSocket('udp4');
    // Every garbage datagram handed to the kernel before the real query (the send callbacks), not a fixed pause.
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => new Promise<void>((resolve, reject) => socket.send(Buffer.from(`not dns ${i}`), server.port, '127.0.0.1', (error) => (error ? reject(error) : resolve())))),
    );
    socket.close();
    const resolver = new Resolver({ timeout: 500, tries: 1 });
    resolver.setServers([`127.0.0.1:${server.port}`]);
    assert.equal((await resolver.resolve4('invsys.local')).length, 2);
  } finally {
    await server.close();
  }
});
