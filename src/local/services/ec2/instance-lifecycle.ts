/**
 * The lifecycle of a virtual EC2 instance, derived from its timestamps:
 * `pending` → `running`, and after TerminateInstances `shutting-down` →
 * `terminated`, then gone from DescribeInstances. Shared by the EC2
 * handlers, the network interfaces they show and the ECS agents that
 * register instances (`services/ecs/agent.ts`).
 *
 * @internal
 */
import type { Ec2State, StoredInstance } from './state.js';

/** AWS seconds a new instance stays `pending`. */
export const PENDING_SECONDS = 10;
/** AWS seconds a terminating instance stays `shutting-down`. */
export const SHUTDOWN_SECONDS = 10;
/** AWS seconds a terminated instance stays visible in DescribeInstances (about an hour on AWS). */
export const TERMINATED_VISIBLE_SECONDS = 3600;
/** AWS seconds a running instance's status checks stay `initializing`. */
export const STATUS_CHECK_SECONDS = 120;

/** EC2's instance state names (stop/start is not modelled: no `stopping`/`stopped`). */
export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated';

/** EC2's state codes (the low byte of `instanceState.code`). */
export const STATE_CODES: Record<InstanceStateName, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48 };

/** The instance's state at `now` (epoch ms). */
export function instanceState(instance: StoredInstance, now: number): InstanceStateName {
  if (instance.terminatedAt !== undefined && now >= instance.terminatedAt) return 'terminated';
  if (instance.terminateRequestedAt !== undefined) return 'shutting-down';
  return now >= instance.runningAt ? 'running' : 'pending';
}

/** An `InstanceState` (`{ code, name }`). */
export const stateOut = (name: InstanceStateName) => ({ code: STATE_CODES[name], name });

/** The instances of the region (terminated ones past their visibility removed first). */
export function instancesOf(state: Ec2State, now: number): StoredInstance[] {
  const all = state.instances ?? {};
  for (const [id, instance] of Object.entries(all)) {
    if (instance.visibleUntil !== undefined && now >= instance.visibleUntil) {
      delete all[id];
      delete state.tags[id];
      delete state.tags[instance.networkInterfaceId];
    }
  }
  return Object.values(all);
}

const dnsSuffix = (region: string) => (region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`);

/** `ip-172-31-0-4.ec2.internal`. */
export function privateDnsName(address: string, region: string): string {
  return `ip-${address.replaceAll('.', '-')}.${dnsSuffix(region)}`;
}

