import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate, SecureVersion, TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateListenerCommand, CreateLoadBalancerCommand, ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { createTargetGroup, dnsNameOf, get, startAlbCloud, startBackend, waitFor, waitHealthy, type AlbCloud, type Backend } from './harness.js';

const run = promisify(execFile);
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';

/** One HTTPS GET; never verifies unless `ca` is given. Answers with the TLS details of the connection. */
function getTls(
  url: string,
  options: { ca?: string; servername?: string; maxVersion?: SecureVersion; minVersion?: SecureVersion } = {},
): Promise<{ status: number; body: any; headers: Record<string, string | string[] | undefined>; protocol: string | null; cipher: string; peer: PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        agent: false,
        rejectUnauthorized: options.ca !== undefined,
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.servername ? { servername: options.servername } : {}),
        ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
        ...(options.minVersion ? { minVersion: options.minVersion } : {}),
      },
      (res) => {
        const socket = res.socket as TLSSocket;
        const details = { protocol: socket.getProtocol(), cipher: socket.getCipher().name, peer: socket.getPeerCertificate(true) };
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers, ...details });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const pem = (raw: Buffer) => `-----BEGIN CERTIFICATE-----\n${raw.toString('base64').match(/.{1,64}/g)?.join('\n')}\n-----END CERTIFICATE-----\n`;

describe('HTTPS listeners are served with TLS, the local certificate and the listener security policy', () => {
  let c: AlbCloud;
  let backend: Backend;
  let lbArn: string;
  let httpsListener: string;
  let dnsName: string;
  /** `https://<DNSName>[:<port the HTTPS listener is served on>]`, as the HTTP listener's redirect says. */
  let secureBase: string;

  before(async () => {
    c = await startAlbCloud();
    backend = await startBackend('secure-app');
    const tgArn = await createTargetGroup(c, 'secure-tg', [backend]);
    lbArn = (await c.t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'secure-alb', Subnets: c.subnetIds.slice(0, 2) }))).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    httpsListener =
      (
        await c.t.clients.elbv2.send(
          new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: CERT }], DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] }),
        )
      ).Listeners?.[0]?.ListenerArn ?? '';
    await c.t.clients.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lbArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
      }),
    );
    await waitHealthy(c, tgArn, [backend]);
    // The HTTP listener's redirect names where the HTTPS listener is served (443, or the free port it moved to).
    const location = await waitFor('the HTTP listener to redirect', async () => {
      dnsName = await dnsNameOf(c, lbArn);
      const response = await get(`http://${dnsName}/start`).catch(() => undefined);
      return response?.status === 301 ? String(response.headers.location) : undefined;
    });
    secureBase = location.replace(/\/start$/, '');
    await waitFor('the HTTPS listener to be served', async () => (await getTls(`${secureBase}/`).catch(() => undefined))?.status === 200);
  });
  after(async () => {
    await c?.stop();
    await backend?.close();
  });

  test('HTTP → HTTPS: the HTTP listener answers 301 with an https Location for the same host and path', async () => {
    const response = await get(`http://${dnsName}/items?id=7`);
    assert.equal(response.status, 301);
    const location = new URL(String(response.headers.location));
    assert.equal(location.protocol, 'https:');
    assert.equal(location.hostname, dnsName.replace(/:\d+$/, ''));
    assert.equal(`${location.pathname}${location.search}`, '/items?id=7');
    if (location.port) assert.notEqual(location.port, '443', 'a port is shown only when 443 could not be bound');
  });

  test('the served certificate is the local self-signed one: its subject, and names for the DNS name, localhost and 127.0.0.1', async () => {
    const response = await getTls(`${secureBase}/hello`, { servername: dnsName.replace(/:\d+$/, '') });
    assert.equal(response.status, 200);
    assert.equal(response.body.from, 'secure-app');
    assert.equal(response.body.forwardedProto, 'https', 'X-Forwarded-Proto tells the target the client used HTTPS');
    assert.deepEqual([response.peer.subject.CN, response.peer.subject.O], ['ecskit local ALB', 'ecskit local cloud']);
    assert.deepEqual([response.peer.issuer.CN, response.peer.issuer.O], ['ecskit local ALB', 'ecskit local cloud'], 'self-signed');
    const x509 = new X509Certificate(response.peer.raw);
    const bare = dnsName.replace(/:\d+$/, '');
    assert.ok(x509.subjectAltName?.split(', ').includes(`DNS:${bare}`), `${bare} is named: ${x509.subjectAltName}`);
    assert.ok(x509.checkHost(bare));
    assert.equal(x509.checkHost('localhost'), 'localhost');
    assert.equal(x509.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(x509.checkHost('other-123.us-east-1.elb.localhost'), '*.us-east-1.elb.localhost', 'a wildcard covers the other load balancers of the Region');
    assert.equal(x509.checkHost('example.com'), undefined);
  });

  test('a client that trusts the certificate verifies it (Node with ca, curl --cacert), and curl -k skips verification', async () => {
    const first = await getTls(`${secureBase}/`);
    const trusted = pem(first.peer.raw);
    const verified = await getTls(`${secureBase}/verified`, { ca: trusted, servername: dnsName.replace(/:\d+$/, '') });
    assert.equal(verified.body.path, '/verified');
    await assert.rejects(getTls(`${secureBase}/`, { ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' }).catch((error: Error) => Promise.reject(error)));
    const dir = await mkdtemp(join(tmpdir(), 'alb-cert-'));
    try {
      await writeFile(join(dir, 'alb.pem'), trusted);
      const { stdout } = await run('curl', ['-sS', '--max-time', '5', '--cacert', join(dir, 'alb.pem'), `${secureBase}/curl-verified`]);
      assert.equal(JSON.parse(stdout).path, '/curl-verified');
      const insecure = await run('curl', ['-sS', '-k', '--max-time', '5', `${secureBase}/curl-k`]);
      assert.equal(JSON.parse(insecure.stdout).path, '/curl-k');
      const refused = await run('curl', ['-sS', '--max-time', '5', `${secureBase}/unverified`]).then(
        () => 'accepted',
        (error: { code?: number }) => `curl exit ${error.code}`,
      );
      assert.equal(refused, 'curl exit 60', 'without -k or --cacert curl refuses the self-signed certificate');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("plain HTTP sent to the HTTPS listener's port gets ALB's 400", async () => {
    const { hostname, port } = new URL(secureBase);
    const response = await get(`http://${hostname}:${port || '443'}/plain`);
    assert.equal(response.status, 400);
    assert.match(String(response.body), /The plain HTTP request was sent to HTTPS port/);
    assert.equal(backend.seen.includes('GET /plain'), false);
  });

  test('the security policy decides the protocols: 2016-08 negotiates TLS 1.2, TLS13-1-2 TLS 1.3, TLS13-1-3 refuses a TLS 1.2 client', async () => {
    const legacy = await getTls(`${secureBase}/`);
    assert.equal(legacy.protocol, 'TLSv1.2', 'ELBSecurityPolicy-2016-08 has no TLS 1.3');
    assert.match(legacy.cipher, /^ECDHE-RSA-AES128-GCM-SHA256$/, 'the first cipher of the policy the RSA certificate can use');
    await c.t.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: httpsListener, SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }));
    await waitFor('TLS 1.3 after the policy change', async () => (await getTls(`${secureBase}/`)).protocol === 'TLSv1.3');
    assert.equal((await getTls(`${secureBase}/`, { maxVersion: 'TLSv1.2' })).protocol, 'TLSv1.2', 'TLS13-1-2 still takes TLS 1.2 clients');
    await c.t.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: httpsListener, SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06' }));
    await waitFor('TLS 1.2 clients to be refused', async () => (await getTls(`${secureBase}/`, { maxVersion: 'TLSv1.2' }).then(() => 'served', () => 'refused')) === 'refused');
    assert.equal((await getTls(`${secureBase}/`)).protocol, 'TLSv1.3');
    await c.t.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: httpsListener, SslPolicy: 'ELBSecurityPolicy-2016-08' }));
    await waitFor('TLS 1.2 again', async () => (await getTls(`${secureBase}/`)).protocol === 'TLSv1.2');
  });

  test('one key per run: a second HTTPS load balancer gets a certificate with the same key that names it too, and the key is in no state', async () => {
    const first = await getTls(`${secureBase}/`);
    const tgArn = await createTargetGroup(c, 'secure-tg-2', [backend]);
    const other = (await c.t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'secure-alb-2', Subnets: c.subnetIds.slice(0, 2) }))).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    await c.t.clients.elbv2.send(
      new CreateListenerCommand({ LoadBalancerArn: other, Protocol: 'HTTPS', Port: 8443, Certificates: [{ CertificateArn: CERT }], DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] }),
    );
    await waitHealthy(c, tgArn, [backend]);
    const otherName = await dnsNameOf(c, other);
    const served = await waitFor('the second HTTPS listener', async () => {
      const name = await dnsNameOf(c, other);
      const url = name.includes(':') ? `https://${name}/` : `https://${name}:8443/`;
      const response = await getTls(url).catch(() => undefined);
      return response?.status === 200 ? response : undefined;
    });
    const x509 = new X509Certificate(served.peer.raw);
    assert.ok(x509.subjectAltName?.split(', ').includes(`DNS:${otherName.replace(/:\d+$/, '')}`), `re-issued to name ${otherName}: ${x509.subjectAltName}`);
    assert.equal(x509.publicKey.export({ type: 'spki', format: 'pem' }), new X509Certificate(first.peer.raw).publicKey.export({ type: 'spki', format: 'pem' }), 'the same key');
    const state = JSON.stringify(c.t.cloud.state.snapshot());
    assert.equal(state.includes('PRIVATE KEY'), false, 'the key stays in memory');
    assert.equal(state.includes('BEGIN CERTIFICATE'), false);
  });
});
