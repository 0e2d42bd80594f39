/**
 * The predefined security policies of Application and Network Load
 * Balancers (DescribeSSLPolicies), as AWS documents them in "Security
 * policies for your Application Load Balancer": the TLS protocols each
 * policy allows and its ciphers in AWS's priority order (OpenSSL names, so
 * the local HTTPS listener can hand them to Node's TLS stack as they are).
 *
 * Listed: the default `ELBSecurityPolicy-2016-08` (and its twin
 * `ELBSecurityPolicy-2015-05`), the `ELBSecurityPolicy-TLS-*` and
 * `ELBSecurityPolicy-FS-*` families, the TLS 1.3 policies of 2021-06, and
 * the hybrid post-quantum `…-PQ-2025-09` variants of the TLS 1.3 policies
 * (same protocols and ciphers as their counterparts; they add ML-KEM key
 * exchange groups, which the local listener does not model). The FIPS
 * policies are not listed.
 *
 * Reference data: the listener code (`services/elbv2`) and the HTTPS proxy
 * (`runtime/load-balancing/tls.ts`) both read it.
 *
 * @internal
 */

/**
 * The security policy an HTTPS or TLS listener gets when the request names
 * none. AWS documents two defaults: the console picks a TLS 1.3 policy, every
 * other way of creating a listener (the API, the CLI, CloudFormation, the
 * CDK) gets `ELBSecurityPolicy-2016-08`; the local cloud is an API.
 */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

/** One predefined policy. */
export interface SslPolicyDefinition {
  readonly name: string;
  /** `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`, oldest first (as DescribeSSLPolicies lists them). */
  readonly protocols: readonly string[];
  /** Cipher names in priority order (priority 1 first). */
  readonly ciphers: readonly string[];
}

/** TLS 1.3 suites, in AWS's order. */
const TLS13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

/** Every TLS 1.2-and-older cipher of the policy tables, in AWS's priority order. */
const TABLE = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'AES128-GCM-SHA256',
  'AES128-SHA256',
  'AES128-SHA',
  'AES256-GCM-SHA384',
  'AES256-SHA256',
  'AES256-SHA',
] as const;

/** The table's ciphers that pass `keep`, in table order. */
const pick = (keep: (cipher: string) => boolean) => TABLE.filter(keep);
/** CBC ciphers with SHA-1 MACs (the `-SHA` suffix). */
const sha1 = (c: string) => c.endsWith('-SHA');
/** Forward secrecy: ECDHE key exchange. */
const ecdhe = (c: string) => c.startsWith('ECDHE-');
/** AES-GCM only. */
const gcm = (c: string) => c.includes('-GCM-');

const ALL = pick(() => true);
const NO_SHA1 = pick((c) => !sha1(c));
const FS = pick(ecdhe);
const FS_NO_SHA1 = pick((c) => ecdhe(c) && !sha1(c));
const FS_GCM = pick((c) => ecdhe(c) && gcm(c));

const policy = (name: string, protocols: string[], ciphers: readonly string[]): SslPolicyDefinition => ({ name, protocols, ciphers });
const V10 = ['TLSv1', 'TLSv1.1', 'TLSv1.2'];
const V11 = ['TLSv1.1', 'TLSv1.2'];
const V12 = ['TLSv1.2'];

const TLS13_POLICIES: Array<[string, string[], readonly string[]]> = [
  ['TLS13-1-3', ['TLSv1.3'], TLS13],
  ['TLS13-1-2', ['TLSv1.2', 'TLSv1.3'], [...TLS13, ...FS_NO_SHA1]],
  ['TLS13-1-2-Res', ['TLSv1.2', 'TLSv1.3'], [...TLS13, ...FS_GCM]],
  ['TLS13-1-2-Ext1', ['TLSv1.2', 'TLSv1.3'], [...TLS13, ...NO_SHA1]],
  ['TLS13-1-2-Ext2', ['TLSv1.2', 'TLSv1.3'], [...TLS13, ...ALL]],
  ['TLS13-1-1', ['TLSv1.1', 'TLSv1.2', 'TLSv1.3'], [...TLS13, ...ALL]],
  ['TLS13-1-0', ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'], [...TLS13, ...ALL]],
];

/** Post-quantum variants AWS publishes (2025-09). */
const PQ_VARIANTS = new Set(['TLS13-1-3', 'TLS13-1-2', 'TLS13-1-2-Res', 'TLS13-1-2-Ext1', 'TLS13-1-2-Ext2', 'TLS13-1-0']);

/** Every predefined policy, in the order DescribeSSLPolicies lists them. */
export const SSL_POLICIES: readonly SslPolicyDefinition[] = [
  policy('ELBSecurityPolicy-2016-08', V10, ALL),
  ...TLS13_POLICIES.map(([suffix, protocols, ciphers]) => policy(`ELBSecurityPolicy-${suffix}-2021-06`, protocols, ciphers)),
  ...TLS13_POLICIES.filter(([suffix]) => PQ_VARIANTS.has(suffix)).map(([suffix, protocols, ciphers]) => policy(`ELBSecurityPolicy-${suffix}-PQ-2025-09`, protocols, ciphers)),
  policy('ELBSecurityPolicy-TLS-1-0-2015-04', V10, [...ALL, 'DES-CBC3-SHA']),
  policy('ELBSecurityPolicy-TLS-1-1-2017-01', V11, ALL),
  policy('ELBSecurityPolicy-TLS-1-2-2017-01', V12, NO_SHA1),
  policy('ELBSecurityPolicy-TLS-1-2-Ext-2018-06', V12, ALL),
  policy('ELBSecurityPolicy-FS-2018-06', V10, FS),
  policy('ELBSecurityPolicy-FS-1-1-2019-08', V11, FS),
  policy('ELBSecurityPolicy-FS-1-2-2019-08', V12, FS),
  policy('ELBSecurityPolicy-FS-1-2-Res-2019-08', V12, FS_NO_SHA1),
  policy('ELBSecurityPolicy-FS-1-2-Res-2020-10', V12, FS_GCM),
  policy('ELBSecurityPolicy-2015-05', V10, ALL),
];

const BY_NAME = new Map(SSL_POLICIES.map((p) => [p.name, p]));

/** The predefined policy with this name, or undefined. */
export function findSslPolicy(name: string): SslPolicyDefinition | undefined {
  return BY_NAME.get(name);
}
