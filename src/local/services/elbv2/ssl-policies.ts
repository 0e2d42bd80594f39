/**
 * DescribeSSLPolicies and the `SSLPolicyNotFound` check of the listener
 * operations, over the predefined policies in `models/ssl-policies.ts`.
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { DEFAULT_SSL_POLICY, findSslPolicy, SSL_POLICIES, type SslPolicyDefinition } from '../../models/ssl-policies.js';
import { page, strings, validation } from './input.js';

export { DEFAULT_SSL_POLICY, findSslPolicy, SSL_POLICIES, type SslPolicyDefinition };

/** The policy with this name, or ELBv2's `SSLPolicyNotFound`. */
export function requireSslPolicy(name: string): SslPolicyDefinition {
  const found = findSslPolicy(name);
  if (!found) throw new AwsError('SSLPolicyNotFound', `SSL policy '${name}' not found; DescribeSSLPolicies lists the predefined policies (the default is ${DEFAULT_SSL_POLICY}).`);
  return found;
}

/** The SDK's `SslPolicy` shape. */
export function sslPolicyShape(p: SslPolicyDefinition) {
  return {
    SslProtocols: [...p.protocols],
    Ciphers: p.ciphers.map((Name, i) => ({ Name, Priority: i + 1 })),
    Name: p.name,
    SupportedLoadBalancerTypes: ['application', 'network'],
  };
}

/** DescribeSSLPolicies: all, or by `Names` (`SSLPolicyNotFound` for any unknown), or by `LoadBalancerType`; `Marker`/`PageSize` pages. */
export const describeSslPolicies: OperationHandler = (input: Record<string, unknown>) => {
  const names = strings(input['Names']);
  const type = input['LoadBalancerType'] as string | undefined;
  if (type !== undefined && !['application', 'network', 'gateway'].includes(type)) {
    throw validation(`1 validation error detected: Value '${type}' at 'loadBalancerType' failed to satisfy constraint: Member must satisfy enum value set: [application, network, gateway]`);
  }
  const policies = names.length ? [...new Set(names)].map(requireSslPolicy) : [...SSL_POLICIES];
  // Gateway Load Balancers have no TLS listeners: no policy supports them.
  const listed = type === 'gateway' ? [] : policies;
  const { items, NextMarker } = page(listed, input);
  return { SslPolicies: items.map(sslPolicyShape), ...(NextMarker ? { NextMarker } : {}) };
};
