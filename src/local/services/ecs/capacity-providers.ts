/**
 * ECS capacity providers: CreateCapacityProvider, DescribeCapacityProviders,
 * UpdateCapacityProvider, DeleteCapacityProvider. `FARGATE` and
 * `FARGATE_SPOT` exist in every account; the ones a user creates name an
 * Auto Scaling group (stored: the local cloud runs no ASG, and tasks placed
 * through such a provider go to the cluster's container instances, as EC2
 * tasks do).
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn, own, paginate, setOwn } from '../../core/util.js';
import { stateOf, type CapacityProviderRecord, type EcsState } from './state.js';

export type { CapacityProviderRecord };
import { putTags, tagsOf, validateTags } from './tags.js';

/** The capacity providers every account has. */
export const BUILT_IN_CAPACITY_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'] as const;


type Json = Record<string, any>;

const NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const ASG_ARN = /^arn:aws[\w-]*:autoscaling:[a-z0-9-]+:\d{12}:autoScalingGroup:[0-9a-f-]+:autoScalingGroupName\/[\x21-\x7e]{1,255}$/;

const providers = (s: EcsState): Record<string, CapacityProviderRecord> => (s.capacityProviders ??= {});

/** The ACTIVE provider named by `ref` (name or ARN), built-ins included; undefined when there is none. */
export function findCapacityProvider(s: EcsState, ref: string): CapacityProviderRecord | (typeof BUILT_IN_CAPACITY_PROVIDERS)[number] | undefined {
  const name = ref.includes(':capacity-provider/') ? ref.slice(ref.indexOf(':capacity-provider/') + ':capacity-provider/'.length) : ref;
  if ((BUILT_IN_CAPACITY_PROVIDERS as readonly string[]).includes(name)) return name as (typeof BUILT_IN_CAPACITY_PROVIDERS)[number];
  const record = own(providers(s), name);
  return record?.status === 'ACTIVE' ? record : undefined;
}

function readManagedScaling(input: Json | undefined, previous?: CapacityProviderRecord['autoScalingGroupProvider']['managedScaling']) {
  const base = previous ?? { status: 'DISABLED', targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10_000, instanceWarmupPeriod: 300 };
  if (input === undefined) return base;
  const next = { ...base, ...(input.status !== undefined ? { status: String(input.status) } : previous ? {} : { status: 'ENABLED' }) };
  for (const [field, low, high] of [
    ['targetCapacity', 1, 100],
    ['minimumScalingStepSize', 1, 10_000],
    ['maximumScalingStepSize', 1, 10_000],
    ['instanceWarmupPeriod', 0, 10_000],
  ] as const) {
    if (input[field] === undefined) continue;
    const value = Number(input[field]);
    if (!Number.isInteger(value) || value < low || value > high) {
      throw new AwsError('ClientException', `managedScaling.${field} must be an integer ${low}-${high}, got: ${String(input[field])}.`);
    }
    next[field] = value;
  }
  if (next.minimumScalingStepSize > next.maximumScalingStepSize) {
    throw new AwsError('ClientException', `managedScaling.minimumScalingStepSize (${next.minimumScalingStepSize}) must not exceed maximumScalingStepSize (${next.maximumScalingStepSize}).`);
  }
  return next;
}

function providerOut(s: EcsState, p: CapacityProviderRecord, withTags: boolean): Json {
  return {
    capacityProviderArn: p.capacityProviderArn,
    name: p.name,
    status: p.status,
    autoScalingGroupProvider: { ...p.autoScalingGroupProvider, managedScaling: { ...p.autoScalingGroupProvider.managedScaling } },
    ...(p.updateStatus ? { updateStatus: p.updateStatus } : {}),
    ...(withTags ? { tags: tagsOf(s, p.capacityProviderArn) } : {}),
  };
}

const builtInOut = (ctx: RequestContext, name: string, withTags: boolean): Json => ({
  capacityProviderArn: arn(ctx, 'ecs', `capacity-provider/${name}`),
  name,
  status: 'ACTIVE',
  ...(withTags ? { tags: [] } : {}),
});

/** ECS CreateCapacityProvider (an Auto Scaling group provider). */
export const CreateCapacityProvider: OperationHandler = (input, ctx) => {
  const s = stateOf(ctx);
  const name = String(input.name ?? '');
  if (!NAME.test(name)) throw new AwsError('ClientException', `Invalid capacity provider name '${name}': up to 255 letters, numbers, underscores and hyphens.`);
  if (/^(aws|ecs|fargate)/i.test(name)) throw new AwsError('ClientException', `Invalid capacity provider name '${name}': a name can't begin with "aws", "ecs" or "fargate".`);
  if (own(providers(s), name)?.status === 'ACTIVE') {
    throw new AwsError('ClientException', `The specified capacity provider ${name} already exists. To change the configuration of an existing capacity provider, update the capacity provider.`);
  }
  const asg = input.autoScalingGroupProvider as Json | undefined;
  if (!asg || typeof asg !== 'object') throw new AwsError('ClientException', 'autoScalingGroupProvider is required: the local cloud creates Auto Scaling group capacity providers.');
  const asgArn = String(asg.autoScalingGroupArn ?? '');
  if (!ASG_ARN.test(asgArn)) {
    throw new AwsError('ClientException', `autoScalingGroupArn ${asgArn || '(none)'} is not an Auto Scaling group ARN (arn:aws:autoscaling:<region>:<account>:autoScalingGroup:<uuid>:autoScalingGroupName/<name>).`);
  }
  const taken = Object.values(providers(s)).find((p) => p.status === 'ACTIVE' && p.autoScalingGroupProvider.autoScalingGroupArn === asgArn);
  if (taken) throw new AwsError('ClientException', `The Auto Scaling group is already used by capacity provider ${taken.name}; an Auto Scaling group can back one capacity provider.`);
  const tags = validateTags(input.tags);
  const record: CapacityProviderRecord = {
    capacityProviderArn: arn(ctx, 'ecs', `capacity-provider/${name}`),
    name,
    status: 'ACTIVE',
    autoScalingGroupProvider: {
      autoScalingGroupArn: asgArn,
      managedScaling: readManagedScaling(asg.managedScaling as Json | undefined),
      managedTerminationProtection: String(asg.managedTerminationProtection ?? 'DISABLED'),
      managedDraining: String(asg.managedDraining ?? 'ENABLED'),
    },
  };
  setOwn(providers(s), name, record);
  putTags(s, record.capacityProviderArn, tags);
  return { capacityProvider: providerOut(s, record, true) };
};

/** ECS DescribeCapacityProviders (all, built-ins first, when none are named; MISSING failures). */
export const DescribeCapacityProviders: OperationHandler = (input, ctx) => {
  const s = stateOf(ctx);
  const withTags = Array.isArray(input.include) && input.include.includes('TAGS');
  const all = [
    ...BUILT_IN_CAPACITY_PROVIDERS.map((name) => builtInOut(ctx, name, withTags)),
    ...Object.values(providers(s))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((p) => providerOut(s, p, withTags)),
  ];
  if (!Array.isArray(input.capacityProviders) || input.capacityProviders.length === 0) {
    const { page, nextToken } = paginate(all, input.nextToken, input.maxResults, {
      pageSize: 100,
      maxPageSize: 100,
      invalidToken: () => new AwsError('InvalidParameterException', 'The specified nextToken is invalid.'),
    });
    return { capacityProviders: page, failures: [], ...(nextToken ? { nextToken } : {}) };
  }
  const found: Json[] = [];
  const failures: Json[] = [];
  for (const ref of (input.capacityProviders as unknown[]).map(String)) {
    const hit = all.find((p) => p.name === ref || p.capacityProviderArn === ref);
    if (hit) found.push(hit);
    else failures.push({ arn: ref.startsWith('arn:') ? ref : arn(ctx, 'ecs', `capacity-provider/${ref}`), reason: 'MISSING' });
  }
  return { capacityProviders: found, failures };
};

function requireCustom(s: EcsState, ref: unknown, action: string): CapacityProviderRecord {
  const name = String(ref ?? '');
  const hit = findCapacityProvider(s, name);
  if (typeof hit === 'string') throw new AwsError('InvalidParameterException', `The ${hit} capacity provider is reserved and can't be ${action}.`);
  if (!hit) throw new AwsError('InvalidParameterException', `The specified capacity provider does not exist: ${name}.`);
  return hit;
}

/** ECS UpdateCapacityProvider (managed scaling, termination protection, draining). */
export const UpdateCapacityProvider: OperationHandler = (input, ctx) => {
  const s = stateOf(ctx);
  const p = requireCustom(s, input.name, 'updated');
  const change = input.autoScalingGroupProvider as Json | undefined;
  if (!change || typeof change !== 'object') throw new AwsError('ClientException', 'autoScalingGroupProvider is required.');
  p.autoScalingGroupProvider.managedScaling = readManagedScaling(change.managedScaling as Json | undefined, p.autoScalingGroupProvider.managedScaling);
  if (change.managedTerminationProtection !== undefined) p.autoScalingGroupProvider.managedTerminationProtection = String(change.managedTerminationProtection);
  if (change.managedDraining !== undefined) p.autoScalingGroupProvider.managedDraining = String(change.managedDraining);
  p.updateStatus = 'UPDATE_COMPLETE';
  return { capacityProvider: providerOut(s, p, false) };
};

/** ECS DeleteCapacityProvider: only when no cluster has it and no service's strategy names it. */
export const DeleteCapacityProvider: OperationHandler = (input, ctx) => {
  const s = stateOf(ctx);
  const p = requireCustom(s, input.capacityProvider, 'deleted');
  const cluster = Object.values(s.clusters).find((c) => c.status !== 'INACTIVE' && (c.capacityProviders ?? []).includes(p.name));
  if (cluster) {
    throw new AwsError(
      'ResourceInUseException',
      `The capacity provider ${p.name} is associated with cluster ${cluster.clusterName}; remove it with PutClusterCapacityProviders (or delete the cluster) first.`,
    );
  }
  const service = Object.values(s.services).find((x) => x.status !== 'INACTIVE' && (x.capacityProviderStrategy ?? []).some((i) => i.capacityProvider === p.name));
  if (service) throw new AwsError('ResourceInUseException', `The capacity provider ${p.name} is in the strategy of service ${service.serviceName}; update the service first.`);
  const answer = { ...providerOut(s, p, false), updateStatus: 'DELETE_IN_PROGRESS' };
  p.status = 'INACTIVE';
  p.updateStatus = 'DELETE_COMPLETE';
  return { capacityProvider: answer };
};
