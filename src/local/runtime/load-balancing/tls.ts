/**
 * TLS for HTTPS listeners. The local cloud has no ACM, so whatever
 * certificate ARN a listener names, it serves one self-signed certificate
 * made for this run: a 2048-bit RSA key generated once (kept in memory
 * only, never written to the state or to disk), and a certificate for
 * `localhost`, 127.0.0.1, ::1, `*.<region>.elb.localhost` and the exact
 * DNS names of the load balancers with an HTTPS listener, re-issued with
 * the same key when a new name appears. Clients trust it (`--cacert`) or
 * skip verification (`curl -k`); see docs/local-cloud.md.
 *
 * The security policy of a listener becomes Node's TLS settings: its
 * lowest and highest protocol and its ciphers in priority order (the server
 * picks, as ALB does).
 *
 * @internal
 */
import type { SecureVersion } from 'node:tls';
import { generate } from 'selfsigned';
import { DEFAULT_SSL_POLICY, findSslPolicy } from '../../models/ssl-policies.js';
import type { ProxyTls } from '../alb-proxy.js';

/** Subject of the local certificate. */
export const LOCAL_CERTIFICATE_SUBJECT = { commonName: 'ecskit local ALB', organizationName: 'ecskit local cloud' } as const;

const ORDER: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Node's TLS settings for an ELB security policy (the default policy for an unknown name). */
export function policyTls(policyName: string | undefined): Pick<ProxyTls, 'minVersion' | 'maxVersion' | 'ciphers'> {
  const policy = findSslPolicy(policyName ?? DEFAULT_SSL_POLICY) ?? findSslPolicy(DEFAULT_SSL_POLICY);
  const versions = (policy?.protocols ?? ['TLSv1.2']).map((p) => p as SecureVersion).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  const minVersion = versions[0] ?? 'TLSv1.2';
  const maxVersion = versions[versions.length - 1] ?? 'TLSv1.2';
  // OpenSSL 3 refuses TLS 1.0/1.1 and SHA-1 signatures at its default security level; a policy that allows them asks for level 0.
  const legacy = ORDER.indexOf(minVersion) < ORDER.indexOf('TLSv1.2');
  const ciphers = [...(policy?.ciphers ?? []), ...(legacy ? ['@SECLEVEL=0'] : [])].join(':');
  return { minVersion, maxVersion, ciphers };
}

/** The names a certificate for these load balancer DNS names must cover. */
function namesFor(dnsNames: readonly string[]): string[] {
  const names = new Set(['localhost']);
  for (const name of dnsNames) {
    const bare = name.toLowerCase().replace(/:\d+$/, '');
    names.add(bare);
    const region = /\.([a-z0-9-]+)\.elb\.localhost$/.exec(bare)?.[1];
    if (region) names.add(`*.${region}.elb.localhost`);
  }
  return [...names].sort();
}

/** The local certificate of one runtime: one key, a certificate re-issued when it must cover more names. */
export class LocalCertificates {
  #keys: { privateKey: string; publicKey: string } | undefined;
  #issued: { names: Set<string>; key: string; cert: string } | undefined;
  #issuing: Promise<unknown> = Promise.resolve();

  /** The key and a certificate covering `dnsNames` (and localhost), issuing one when needed. */
  async for(dnsNames: readonly string[]): Promise<{ key: string; cert: string }> {
    const wanted = namesFor(dnsNames);
    const run = this.#issuing.then(async () => {
      const issued = this.#issued;
      if (issued && wanted.every((n) => issued.names.has(n))) return issued;
      const names = [...new Set([...(issued?.names ?? []), ...wanted])].sort();
      const notBeforeDate = new Date(Date.now() - 24 * 3600 * 1000);
      const pems = await generate(
        [
          { name: 'commonName', value: LOCAL_CERTIFICATE_SUBJECT.commonName },
          { name: 'organizationName', value: LOCAL_CERTIFICATE_SUBJECT.organizationName },
        ],
        {
          keySize: 2048,
          algorithm: 'sha256',
          notBeforeDate,
          notAfterDate: new Date(notBeforeDate.getTime() + 366 * 24 * 3600 * 1000),
          ...(this.#keys ? { keyPair: this.#keys } : {}),
          extensions: [
            // A CA flag lets clients trust this self-signed certificate directly (curl --cacert, Node's `ca`).
            { name: 'basicConstraints', cA: true, critical: true },
            { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
            { name: 'extKeyUsage', serverAuth: true },
            {
              name: 'subjectAltName',
              altNames: [...names.map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: '127.0.0.1' }, { type: 7 as const, ip: '::1' }],
            },
          ],
        },
      );
      this.#keys ??= { privateKey: pems.private, publicKey: pems.public };
      this.#issued = { names: new Set(names), key: this.#keys.privateKey, cert: pems.cert };
      return this.#issued;
    });
    this.#issuing = run.catch(() => undefined);
    const { key, cert } = await run;
    return { key, cert };
  }
}
