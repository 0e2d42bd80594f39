import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import dns from 'node:dns';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { DeleteLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  installLocalhostResolution,
  isLocalhostName,
  uninstallLocalhostResolution,
} from '../../../../src/local/runtime/load-balancing/localhost-dns.js';
import {
  createListener,
  createLoadBalancer,
  createTargetGroup,
  dnsNameOf,
  get,
  startAlbCloud,
  startBackend,
  waitFor,
  waitHealthy,
  waitServed,
  type AlbCloud,
  type Backend,
} from './harness.js';

const run = promisify(execFile);

test('*.localhost names resolve to loopback after installLocalhostResolution, and only those', async () => {
  uninstallLocalhostResolution();
  const original = dns.lookup;
  try {
    assert.equal(isLocalhostName('flask-alb-123.us-east-1.elb.localhost'), true);
    assert.equal(isLocalhostName('LOCALHOST.'), true);
    assert.equal(isLocalhostName('localhost.example.com'), false);
    const restore = installLocalhostResolution();
    assert.deepEqual(await dns.promises.lookup('a-1.us-east-1.elb.localhost'), { address: '127.0.0.1', family: 4 });
    assert.deepEqual(await dns.promises.lookup('x.localhost', { all: true }), [{ address: '127.0.0.1', family: 4 }]);
    const viaCallback = await new Promise((resolve, reject) => dns.lookup('x.localhost', (error, address, family) => (error ? reject(error) : resolve([address, family]))));
    assert.deepEqual(viaCallback, ['127.0.0.1', 4]);
    assert.notEqual((await dns.promises.lookup('localhost.example.invalid').catch((e: NodeJS.ErrnoException) => ({ address: e.code }))).address, '127.0.0.1', 'other names go to the system resolver');
    restore();
    assert.equal(dns.lookup, original, 'restoring puts the original resolver back');
  } finally {
    installLocalhostResolution();
  }
});

describe("a load balancer's DNSName reaches its listener", () => {
  let c: AlbCloud;
  let blue: Backend;
  let green: Backend;
  let blocker: Server;
  let blockedPort: number;
  let blueLb: string;
  let greenLb: string;

  before(async () => {
    c = await startAlbCloud();
    blue = await startBackend('blue');
    green = await startBackend('green');
    const blueTg = await createTargetGroup(c, 'blue-tg', [blue]);
    const greenTg = await createTargetGroup(c, 'green-tg', [green]);
    // A port someone else already holds on 127.0.0.1.
    blocker = createServer((_req, res) => res.end('not the ALB'));
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    blockedPort = (blocker.address() as { port: number }).port;
    ({ arn: blueLb } = await createLoadBalancer(c, 'blue-alb'));
    ({ arn: greenLb } = await createLoadBalancer(c, 'green-alb'));
    await createListener(c, blueLb, blockedPort, blueTg);
    await createListener(c, greenLb, blockedPort, greenTg);
    await waitHealthy(c, blueTg, [blue]);
    await waitHealthy(c, greenTg, [green]);
  });
  after(async () => {
    await c?.stop();
    await blue?.close();
    await green?.close();
    await new Promise((resolve) => blocker?.close(resolve));
  });

  test('a listener port that is taken is served on a free port, and DNSName carries it', async () => {
    const dnsName = await waitServed(c, blueLb);
    const match = /^blue-alb-\d{10}\.us-east-1\.elb\.localhost:(\d+)$/.exec(dnsName);
    assert.ok(match, `DNSName ${dnsName} names the load balancer and the port it is served on`);
    assert.notEqual(Number(match[1]), blockedPort);
    assert.ok(c.logs.some((line) => line.includes(`listener port ${blockedPort} is in use`)), 'the mapping is logged');
    assert.equal(c.logs.filter((line) => line.includes(`DNSName is ${dnsName}`)).length, 1, 'once');
  });

  test('curl http://$DNSName/… works with the real curl binary', async () => {
    const dnsName = await waitServed(c, blueLb);
    const { stdout } = await run('curl', ['-sS', '--max-time', '5', `http://${dnsName}/items`]);
    assert.deepEqual(JSON.parse(stdout).from, 'blue');
  });

  test('fetch reaches the load balancer by its DNSName', async () => {
    const dnsName = await waitServed(c, greenLb);
    const response = await fetch(`http://${dnsName}/items`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { from: string }).from, 'green');
  });

  test('load balancers sharing a listener port are told apart by the Host header', async () => {
    const blueName = await waitServed(c, blueLb);
    const greenName = await waitServed(c, greenLb);
    assert.equal(blueName.split(':')[1], greenName.split(':')[1], 'one proxy serves the port for both');
    for (let i = 0; i < 3; i++) {
      assert.equal((await get(`http://${blueName}/`)).body.from, 'blue');
      assert.equal((await get(`http://${greenName}/`)).body.from, 'green');
    }
    const unknown = await get(`http://${blueName}/`, 'nobody-1234567890.us-east-1.elb.localhost');
    assert.equal(unknown.status, 421, 'a load balancer name this cloud does not have is not routed to another');
    assert.match(String(unknown.body), /No load balancer of this local cloud listens on port \d+ for host "nobody-1234567890\.us-east-1\.elb\.localhost"/);
  });

  test('deleting a load balancer stops routing to it; the last one on a port closes the port', async () => {
    const blueName = await waitServed(c, blueLb);
    const greenName = await waitServed(c, greenLb);
    await c.t.clients.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: greenLb }));
    await waitFor('green to be gone', async () => (await get(`http://${greenName}/`)).status === 421);
    assert.equal((await get(`http://${greenName}/`, '127.0.0.1')).body.from, 'blue', 'with one load balancer left on the port, other hosts reach it');
    assert.equal((await get(`http://${blueName}/`)).body.from, 'blue');
    await c.t.clients.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: blueLb }));
    await waitFor('the port to close', async () => {
      try {
        await get(`http://${blueName}/`);
        return false;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
      }
    });
  });

  test('stopping the runtime restores the DNSName the API created', async () => {
    const other = await startAlbCloud();
    try {
      const tg = await createTargetGroup(other, 'restore-tg', [blue]);
      const { arn, dnsName: created } = await createLoadBalancer(other, 'restore-alb');
      await createListener(other, arn, blockedPort, tg);
      await waitFor('the port in DNSName', async () => (await dnsNameOf(other, arn)).includes(':'));
      await other.runtime.stop();
      assert.equal(await dnsNameOf(other, arn), created);
    } finally {
      await other.stop();
    }
  });
});
