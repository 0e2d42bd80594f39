/**
 * What EC2 sees of the load balancers in its VPCs: their subnets and
 * security groups (DeleteSecurityGroup refuses a group a load balancer uses;
 * DescribeNetworkInterfaces shows one `ELB …` interface per load balancer and
 * subnet). ELBv2 owns the records (`elbv2/state.ts`, whose stored load
 * balancer extends {@link LoadBalancerNetwork}); both services import this
 * module, so neither imports the other's in that direction.
 *
 * @internal
 */
import type { RegionState } from '../core/types.js';

/** `elasticloadbalancing` key of the region state. */
export const ELBV2_SLICE = 'elbv2';

/** The network side of a stored load balancer. */
export interface LoadBalancerNetwork {
  LoadBalancerArn: string;
  LoadBalancerName: string;
  CreatedTime: number;
  AvailabilityZones: { ZoneName: string; SubnetId: string }[];
  SecurityGroups: string[];
}

/** The region's load balancers, read without creating the ELBv2 slice (a read must not add an empty one). */
export function loadBalancerNetworks(regionState: RegionState): LoadBalancerNetwork[] {
  const state = regionState[ELBV2_SLICE] as { loadBalancers: Record<string, LoadBalancerNetwork> } | undefined;
  return state ? Object.values(state.loadBalancers) : [];
}

/** The load balancers that use this security group. */
export function loadBalancersUsingSecurityGroup(regionState: RegionState, groupId: string): LoadBalancerNetwork[] {
  return loadBalancerNetworks(regionState).filter((lb) => lb.SecurityGroups.includes(groupId));
}
