import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddListenerCertificatesCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeListenerCertificatesCommand,
  DescribeListenersCommand,
  DescribeSSLPoliciesCommand,
  ModifyListenerCommand,
  RemoveListenerCertificatesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { rejection, startTestCloud, type TestCloud } from '../../helpers.js';
import { defaultNetwork } from './network.js';

const ACCOUNT = '123456789012';
const cert = (id: string, region = 'us-east-1', account = ACCOUNT) => `arn:aws:acm:${region}:${account}:certificate/${id}`;

describe('ELBv2 HTTPS listeners, their certificates and the SSL policies', () => {
  let t: TestCloud;
  let lbArn: string;
  let tgArn: string;
  let httpsArn: string;
  const forward = () => [{ Type: 'forward' as const, TargetGroupArn: tgArn }];

  before(async () => {
    t = await startTestCloud({ timeScale: 0.002 });
    const { vpcId, subnetIds } = await defaultNetwork(t);
    lbArn = (await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'tls-alb', Subnets: subnetIds.slice(0, 2) }))).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    tgArn = (await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'tls-tg', Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'ip' }))).TargetGroups?.[0]?.TargetGroupArn ?? '';
  });
  after(() => t?.stop());

  test('DescribeSSLPolicies lists the predefined policies with their protocols and ciphers in priority order', async () => {
    const { SslPolicies } = await t.clients.elbv2.send(new DescribeSSLPoliciesCommand({}));
    const byName = new Map((SslPolicies ?? []).map((p) => [p.Name, p]));
    for (const name of [
      'ELBSecurityPolicy-2016-08',
      'ELBSecurityPolicy-TLS13-1-2-2021-06',
      'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
      'ELBSecurityPolicy-TLS13-1-3-2021-06',
      'ELBSecurityPolicy-TLS-1-2-2017-01',
      'ELBSecurityPolicy-TLS-1-2-Ext-2018-06',
      'ELBSecurityPolicy-FS-1-2-Res-2020-10',
      'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
    ]) {
      assert.ok(byName.has(name), `${name} is listed`);
    }
    const legacy = byName.get('ELBSecurityPolicy-2016-08');
    assert.deepEqual(legacy?.SslProtocols, ['TLSv1', 'TLSv1.1', 'TLSv1.2']);
    assert.equal(legacy?.Ciphers?.length, 18);
    assert.deepEqual(legacy?.Ciphers?.[0], { Name: 'ECDHE-ECDSA-AES128-GCM-SHA256', Priority: 1 });
    assert.deepEqual(legacy?.Ciphers?.[17], { Name: 'AES256-SHA', Priority: 18 });
    assert.deepEqual(legacy?.SupportedLoadBalancerTypes, ['application', 'network']);
    const tls13 = byName.get('ELBSecurityPolicy-TLS13-1-2-2021-06');
    assert.deepEqual(tls13?.SslProtocols, ['TLSv1.2', 'TLSv1.3']);
    assert.deepEqual(
      tls13?.Ciphers?.map((c) => c.Name),
      [
        'TLS_AES_128_GCM_SHA256',
        'TLS_AES_256_GCM_SHA384',
        'TLS_CHACHA20_POLY1305_SHA256',
        'ECDHE-ECDSA-AES128-GCM-SHA256',
        'ECDHE-RSA-AES128-GCM-SHA256',
        'ECDHE-ECDSA-AES128-SHA256',
        'ECDHE-RSA-AES128-SHA256',
        'ECDHE-ECDSA-AES256-GCM-SHA384',
        'ECDHE-RSA-AES256-GCM-SHA384',
        'ECDHE-ECDSA-AES256-SHA384',
        'ECDHE-RSA-AES256-SHA384',
      ],
    );
    assert.deepEqual(byName.get('ELBSecurityPolicy-TLS-1-2-2017-01')?.SslProtocols, ['TLSv1.2']);
    assert.ok(!byName.get('ELBSecurityPolicy-TLS-1-2-2017-01')?.Ciphers?.some((c) => c.Name?.endsWith('-SHA')), 'no SHA-1 ciphers in TLS-1-2-2017-01');
    assert.deepEqual(byName.get('ELBSecurityPolicy-TLS-1-0-2015-04')?.Ciphers?.at(-1), { Name: 'DES-CBC3-SHA', Priority: 19 });
  });

  test('DescribeSSLPolicies filters by name (SSLPolicyNotFound for an unknown one), by load balancer type, and pages', async () => {
    const named = await t.clients.elbv2.send(new DescribeSSLPoliciesCommand({ Names: ['ELBSecurityPolicy-TLS13-1-3-2021-06', 'ELBSecurityPolicy-2016-08'] }));
    assert.deepEqual(
      named.SslPolicies?.map((p) => p.Name),
      ['ELBSecurityPolicy-TLS13-1-3-2021-06', 'ELBSecurityPolicy-2016-08'],
    );
    assert.deepEqual(named.SslPolicies?.[0]?.SslProtocols, ['TLSv1.3']);
    const unknown = await rejection(t.clients.elbv2.send(new DescribeSSLPoliciesCommand({ Names: ['ELBSecurityPolicy-2016-08', 'ELBSecurityPolicy-Nope'] })));
    assert.equal(unknown.name, 'SSLPolicyNotFoundException');
    assert.match(unknown.message, /ELBSecurityPolicy-Nope/);
    assert.deepEqual((await t.clients.elbv2.send(new DescribeSSLPoliciesCommand({ LoadBalancerType: 'gateway' }))).SslPolicies, []);
    const all = (await t.clients.elbv2.send(new DescribeSSLPoliciesCommand({ LoadBalancerType: 'application' }))).SslPolicies ?? [];
    const paged: string[] = [];
    let marker: string | undefined;
    do {
      const page = await t.clients.elbv2.send(new DescribeSSLPoliciesCommand({ PageSize: 4, ...(marker ? { Marker: marker } : {}) }));
      assert.ok((page.SslPolicies?.length ?? 0) <= 4);
      paged.push(...(page.SslPolicies ?? []).map((p) => p.Name ?? ''));
      marker = page.NextMarker;
    } while (marker);
    assert.deepEqual(paged, all.map((p) => p.Name));
  });

  test('an HTTPS listener gets the default policy ELBSecurityPolicy-2016-08 and reports its certificate without IsDefault', async () => {
    const { Listeners } = await t.clients.elbv2.send(
      new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: cert('default-cert') }], DefaultActions: forward() }),
    );
    const listener = Listeners?.[0];
    httpsArn = listener?.ListenerArn ?? '';
    assert.equal(listener?.Protocol, 'HTTPS');
    assert.equal(listener?.SslPolicy, 'ELBSecurityPolicy-2016-08');
    assert.deepEqual(listener?.Certificates, [{ CertificateArn: cert('default-cert') }]);
    const again = await t.clients.elbv2.send(
      new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: cert('default-cert') }], DefaultActions: forward() }),
    );
    assert.equal(again.Listeners?.[0]?.ListenerArn, httpsArn, 'creating the same listener again returns it');
  });

  test('HTTPS without a certificate, with two, with IsDefault set, with an unknown policy, or with a certificate of another region or account is refused', async () => {
    const create = (input: Partial<ConstructorParameters<typeof CreateListenerCommand>[0]>) =>
      rejection(t.clients.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTPS', Port: 8443, DefaultActions: forward(), ...input })));
    const none = await create({});
    assert.equal(none.name, 'ValidationError');
    assert.equal(none.message, 'A certificate must be specified for HTTPS listeners');
    assert.equal((await create({ Certificates: [{ CertificateArn: cert('a') }, { CertificateArn: cert('b') }] })).name, 'ValidationError');
    const isDefault = await create({ Certificates: [{ CertificateArn: cert('a'), IsDefault: true }] });
    assert.equal(isDefault.message, 'You cannot set the isDefault parameter for a certificate.');
    assert.equal((await create({ Certificates: [{ CertificateArn: cert('a') }], SslPolicy: 'ELBSecurityPolicy-1999' })).name, 'SSLPolicyNotFoundException');
    assert.equal((await create({ Certificates: [{ CertificateArn: cert('a', 'eu-west-1') }] })).name, 'CertificateNotFoundException');
    assert.equal((await create({ Certificates: [{ CertificateArn: cert('a', 'us-east-1', '999999999999') }] })).name, 'CertificateNotFoundException');
    assert.equal((await create({ Certificates: [{ CertificateArn: 'not-an-arn' }] })).name, 'CertificateNotFoundException');
    const http = await rejection(
      t.clients.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 8080, Certificates: [{ CertificateArn: cert('a') }], DefaultActions: forward() })),
    );
    assert.equal(http.message, 'A certificate cannot be specified for HTTP listeners');
    const httpPolicy = await rejection(
      t.clients.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 8080, SslPolicy: 'ELBSecurityPolicy-2016-08', DefaultActions: forward() })),
    );
    assert.equal(httpPolicy.name, 'ValidationError');
    const iam = await t.clients.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lbArn,
        Protocol: 'HTTPS',
        Port: 8443,
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        Certificates: [{ CertificateArn: `arn:aws:iam::${ACCOUNT}:server-certificate/local/site` }],
        DefaultActions: forward(),
      }),
    );
    assert.equal(iam.Listeners?.[0]?.SslPolicy, 'ELBSecurityPolicy-TLS13-1-2-2021-06', 'an IAM server certificate of the account is accepted');
  });

  test('ModifyListener: HTTP to HTTPS needs a certificate; HTTPS to HTTP drops the certificate and the policy; the policy can change alone', async () => {
    const { Listeners } = await t.clients.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 8081, DefaultActions: forward() }));
    const arn = Listeners?.[0]?.ListenerArn ?? '';
    const noCert = await rejection(t.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: arn, Protocol: 'HTTPS' })));
    assert.equal(noCert.message, 'A certificate must be specified for HTTPS listeners');
    const secured = await t.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: arn, Protocol: 'HTTPS', Certificates: [{ CertificateArn: cert('moved') }] }));
    assert.equal(secured.Listeners?.[0]?.SslPolicy, 'ELBSecurityPolicy-2016-08');
    const policy = await t.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: arn, SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06' }));
    assert.equal(policy.Listeners?.[0]?.SslPolicy, 'ELBSecurityPolicy-TLS13-1-3-2021-06');
    assert.deepEqual(policy.Listeners?.[0]?.Certificates, [{ CertificateArn: cert('moved') }], 'the certificate stays');
    const badPolicy = await rejection(t.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: arn, SslPolicy: 'ELBSecurityPolicy-Nope' })));
    assert.equal(badPolicy.name, 'SSLPolicyNotFoundException');
    await t.clients.elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: arn, Certificates: [{ CertificateArn: cert('sni') }] }));
    const plain = await t.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: arn, Protocol: 'HTTP' }));
    assert.equal(plain.Listeners?.[0]?.SslPolicy, undefined);
    assert.equal(plain.Listeners?.[0]?.Certificates, undefined);
    assert.deepEqual((await t.clients.elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: arn }))).Certificates, [], 'the certificate list goes too');
    const described = await t.clients.elbv2.send(new DescribeListenersCommand({ ListenerArns: [arn] }));
    assert.equal(described.Listeners?.[0]?.Protocol, 'HTTP');
  });

  test('Add/Remove/DescribeListenerCertificates keep the certificate list; the default certificate cannot be removed', async () => {
    const added = await t.clients.elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: httpsArn, Certificates: [{ CertificateArn: cert('sni-1') }] }));
    assert.deepEqual(added.Certificates, [{ CertificateArn: cert('sni-1') }]);
    await t.clients.elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: httpsArn, Certificates: [{ CertificateArn: cert('sni-2') }] }));
    await t.clients.elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: httpsArn, Certificates: [{ CertificateArn: cert('sni-1') }] }));
    const described = await t.clients.elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: httpsArn }));
    assert.deepEqual(described.Certificates, [
      { CertificateArn: cert('default-cert'), IsDefault: true },
      { CertificateArn: cert('sni-1'), IsDefault: false },
      { CertificateArn: cert('sni-2'), IsDefault: false },
    ]);
    const page = await t.clients.elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: httpsArn, PageSize: 2 }));
    assert.equal(page.Certificates?.length, 2);
    assert.ok(page.NextMarker);
    const rest = await t.clients.elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: httpsArn, PageSize: 2, Marker: page.NextMarker }));
    assert.deepEqual(rest.Certificates?.map((c) => c.CertificateArn), [cert('sni-2')]);
    assert.equal(rest.NextMarker, undefined);

    await t.clients.elbv2.send(new RemoveListenerCertificatesCommand({ ListenerArn: httpsArn, Certificates: [{ CertificateArn: cert('sni-1') }] }));
    await t.clients.elbv2.send(new RemoveListenerCertificatesCommand({ ListenerArn: httpsArn, Certificates: [{ CertificateArn: cert('never-added') }] }));
    const removeDefault = await rejection(t.clients.elbv2.send(new RemoveListenerCertificatesCommand({ ListenerArn: httpsArn, Certificates: [{ CertificateArn: cert('default-cert') }] })));
    assert.equal(removeDefault.name, 'OperationNotPermittedException');
    assert.deepEqual(
      (await t.clients.elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: httpsArn }))).Certificates?.map((c) => [c.CertificateArn, c.IsDefault]),
      [
        [cert('default-cert'), true],
        [cert('sni-2'), false],
      ],
    );
    assert.deepEqual((await t.clients.elbv2.send(new DescribeListenersCommand({ ListenerArns: [httpsArn] }))).Listeners?.[0]?.Certificates, [{ CertificateArn: cert('default-cert') }]);
  });

  test('certificate operations refuse unknown listeners, HTTP listeners, IsDefault, unknown certificates and more than 25 listed certificates', async () => {
    const ghost = `${httpsArn.slice(0, -16)}0000000000000000`;
    assert.equal((await rejection(t.clients.elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: ghost })))).name, 'ListenerNotFoundException');
    assert.equal((await rejection(t.clients.elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: ghost, Certificates: [{ CertificateArn: cert('x') }] })))).name, 'ListenerNotFoundException');
    assert.equal((await rejection(t.clients.elbv2.send(new RemoveListenerCertificatesCommand({ ListenerArn: ghost, Certificates: [{ CertificateArn: cert('x') }] })))).name, 'ListenerNotFoundException');
    const { Listeners } = await t.clients.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 8082, DefaultActions: forward() }));
    const http = Listeners?.[0]?.ListenerArn ?? '';
    assert.equal((await rejection(t.clients.elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: http, Certificates: [{ CertificateArn: cert('x') }] })))).name, 'ValidationError');
    assert.deepEqual((await t.clients.elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: http }))).Certificates, []);
    const isDefault = await rejection(t.clients.elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: httpsArn, Certificates: [{ CertificateArn: cert('x'), IsDefault: false }] })));
    assert.equal(isDefault.name, 'ValidationError');
    assert.equal((await rejection(t.clients.elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: httpsArn, Certificates: [{ CertificateArn: cert('x', 'ap-south-1') }] })))).name, 'CertificateNotFoundException');
    // sni-2 is listed already; 24 more reach the quota of 25 (default certificates not counted), the 26th is refused.
    for (let i = 0; i < 24; i++) await t.clients.elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: httpsArn, Certificates: [{ CertificateArn: cert(`bulk-${i}`) }] }));
    const tooMany = await rejection(t.clients.elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: httpsArn, Certificates: [{ CertificateArn: cert('one-too-many') }] })));
    assert.equal(tooMany.name, 'TooManyCertificatesException');
    assert.equal((await t.clients.elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: httpsArn }))).Certificates?.length, 26);
  });
});
