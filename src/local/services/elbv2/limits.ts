/**
 * Elastic Load Balancing quotas (DescribeAccountLimits) with AWS's default
 * values, named as the API names them, and the few the local cloud
 * enforces: load balancers per region, listeners and rules per load
 * balancer, certificates per load balancer.
 *
 * @internal
 */
import type { OperationHandler } from '../../core/types.js';
import { page } from './input.js';

/**
 * AWS's default quotas, in the order DescribeAccountLimits lists them
 * (the AWS CLI reference shows this list for a new account).
 */
export const ACCOUNT_LIMITS: ReadonlyArray<readonly [name: string, max: number]> = [
  ['target-groups', 3000],
  ['targets-per-application-load-balancer', 1000],
  ['listeners-per-application-load-balancer', 50],
  ['rules-per-application-load-balancer', 100],
  ['network-load-balancers', 50],
  ['targets-per-network-load-balancer', 3000],
  ['targets-per-availability-zone-per-network-load-balancer', 500],
  ['listeners-per-network-load-balancer', 50],
  ['condition-values-per-alb-rule', 5],
  ['condition-wildcards-per-alb-rule', 5],
  ['target-groups-per-application-load-balancer', 100],
  ['target-groups-per-action-on-application-load-balancer', 5],
  ['target-groups-per-action-on-network-load-balancer', 1],
  ['certificates-per-application-load-balancer', 25],
  ['certificates-per-network-load-balancer', 25],
  ['targets-per-target-group', 1000],
  ['target-id-registrations-per-application-load-balancer', 1000],
  ['network-load-balancer-enis-per-vpc', 1200],
  ['application-load-balancers', 50],
  ['gateway-load-balancers', 100],
  ['gateway-load-balancers-per-vpc', 100],
  ['geneve-target-groups', 100],
  ['targets-per-availability-zone-per-gateway-load-balancer', 300],
];

const BY_NAME = new Map(ACCOUNT_LIMITS);

/** The default value of one quota (throws on a name that is not in {@link ACCOUNT_LIMITS}: a programming error). */
export function limit(name: string): number {
  const value = BY_NAME.get(name);
  if (value === undefined) throw new Error(`unknown ELBv2 limit ${name}`);
  return value;
}

/** DescribeAccountLimits: the quotas with their maxima (as strings, as AWS answers), `Marker`/`PageSize` pages. */
export const describeAccountLimits: OperationHandler = (input: Record<string, unknown>) => {
  const { items, NextMarker } = page(ACCOUNT_LIMITS, input);
  return { Limits: items.map(([Name, max]) => ({ Name, Max: String(max) })), ...(NextMarker ? { NextMarker } : {}) };
};
