/**
 * ECS clusters: CreateCluster, DescribeClusters, ListClusters,
 * DeleteCluster, UpdateCluster, UpdateClusterSettings,
 * PutClusterCapacityProviders.
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { arn, own, paginate } from '../../core/util.js';
import { clean, ecsState, requireCluster, stateOf, type ClusterRecord, type EcsState, type Json } from './state.js';
import { putTags, tagsOf, validateTags } from './tags.js';
import { findCapacityProvider } from './capacity-providers.js';

/** Capacity providers every cluster may use without creating them. */

const CLUSTER_NAME = /^[a-zA-Z0-9_-]{1,255}$/;

/** Live counts of a cluster. */
export function clusterCounts(s: EcsState, clusterArn: string) {
  const tasks = Object.values(s.tasks).filter((t) => t.clusterArn === clusterArn);
  const services = Object.values(s.services).filter((x) => x.clusterArn === clusterArn);
  const instances = Object.values(s.containerInstances).filter((c) => c.clusterArn === clusterArn && c.status !== 'INACTIVE');
  const isFargate = (lt: string | undefined) => lt === 'FARGATE';
  const running = tasks.filter((t) => t.lastStatus === 'RUNNING');
  const pending = tasks.filter((t) => t.lastStatus !== 'RUNNING' && t.lastStatus !== 'STOPPED' && t.desiredStatus === 'RUNNING');
  const active = services.filter((x) => x.status === 'ACTIVE');
  const draining = services.filter((x) => x.status === 'DRAINING');
  return {
    registeredContainerInstancesCount: instances.length,
    runningTasksCount: running.length,
    pendingTasksCount: pending.length,
    activeServicesCount: active.length,
    statistics: [
      { name: 'runningEC2TasksCount', value: String(running.filter((t) => !isFargate(t.launchType)).length) },
      { name: 'runningFargateTasksCount', value: String(running.filter((t) => isFargate(t.launchType)).length) },
      { name: 'pendingEC2TasksCount', value: String(pending.filter((t) => !isFargate(t.launchType)).length) },
      { name: 'pendingFargateTasksCount', value: String(pending.filter((t) => isFargate(t.launchType)).length) },
      { name: 'activeEC2ServiceCount', value: String(active.filter((x) => !isFargate(x.launchType)).length) },
      { name: 'activeFargateServiceCount', value: String(active.filter((x) => isFargate(x.launchType)).length) },
      { name: 'drainingEC2ServiceCount', value: String(draining.filter((x) => !isFargate(x.launchType)).length) },
      { name: 'drainingFargateServiceCount', value: String(draining.filter((x) => isFargate(x.launchType)).length) },
    ],
  };
}

/** The SDK `Cluster` shape of a record; `include` as in DescribeClusters. */
export function clusterOut(s: EcsState, c: ClusterRecord, include: readonly string[] = ['SETTINGS', 'TAGS']): Json {
  const { statistics, ...counts } = clusterCounts(s, c.clusterArn);
  return clean({
    clusterArn: c.clusterArn,
    clusterName: c.clusterName,
    status: c.status,
    ...counts,
    statistics: include.includes('STATISTICS') ? statistics : [],
    tags: include.includes('TAGS') ? tagsOf(s, c.clusterArn) : [],
    settings: include.includes('SETTINGS') ? c.settings : undefined,
    configuration: include.includes('CONFIGURATIONS') ? c.configuration : undefined,
    capacityProviders: c.capacityProviders,
    defaultCapacityProviderStrategy: c.defaultCapacityProviderStrategy,
    serviceConnectDefaults: c.serviceConnectDefaults,
    attachments: include.includes('ATTACHMENTS') ? [] : undefined,
  });
}

function validateSettings(settings: unknown): { name: string; value: string }[] | undefined {
  if (settings === undefined) return undefined;
  if (!Array.isArray(settings)) throw new AwsError('InvalidParameterException', 'settings must be a list of { name, value }.');
  return settings.map((x: { name?: unknown; value?: unknown }) => {
    if (x?.name !== 'containerInsights') {
      throw new AwsError('InvalidParameterException', `Unknown cluster setting name: ${String(x?.name)}. The only cluster setting is containerInsights.`);
    }
    if (!['enabled', 'disabled', 'enhanced'].includes(String(x.value))) {
      throw new AwsError('InvalidParameterException', `containerInsights must be one of enabled, disabled, enhanced, got: ${String(x.value)}`);
    }
    return { name: 'containerInsights', value: String(x.value) };
  });
}

function validateCapacityProviders(s: EcsState, providers: unknown, strategy: unknown): { providers: string[]; strategy: Json[] } {
  const list = (providers ?? []) as unknown[];
  const strat = (strategy ?? []) as Json[];
  if (!Array.isArray(list) || !Array.isArray(strat)) {
    throw new AwsError('InvalidParameterException', 'capacityProviders and defaultCapacityProviderStrategy must be lists.');
  }
  for (const p of list) {
    if (typeof p !== 'string' || !findCapacityProvider(s, p)) {
      throw new AwsError('InvalidParameterException', `The specified capacity provider '${String(p)}' was not found. Use FARGATE, FARGATE_SPOT or one made with CreateCapacityProvider.`);
    }
  }
  for (const item of strat) {
    if (!list.includes(item?.capacityProvider)) {
      throw new AwsError(
        'InvalidParameterException',
        'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
      );
    }
    if (item.weight !== undefined && (item.weight < 0 || item.weight > 1000)) {
      throw new AwsError('InvalidParameterException', `capacityProviderStrategy weight must be 0-1000, got: ${item.weight}`);
    }
    if (item.base !== undefined && (item.base < 0 || item.base > 100000)) {
      throw new AwsError('InvalidParameterException', `capacityProviderStrategy base must be 0-100000, got: ${item.base}`);
    }
  }
  if (strat.filter((x) => (x.base ?? 0) > 0).length > 1) {
    throw new AwsError('InvalidParameterException', 'Only one capacity provider in a capacity provider strategy can have a base defined.');
  }
  return { providers: list as string[], strategy: strat.map((x) => ({ capacityProvider: x.capacityProvider, weight: x.weight ?? 0, base: x.base ?? 0 })) };
}

/** ECS CreateCluster (idempotent for an ACTIVE cluster of the same name). */
export const CreateCluster: OperationHandler = (input, ctx) => {
  const s = stateOf(ctx);
  const name: string = input.clusterName ?? 'default';
  if (!CLUSTER_NAME.test(name)) {
    throw new AwsError(
      'InvalidParameterException',
      `Invalid cluster name '${name}': up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.`,
    );
  }
  const clusterArn = arn(ctx, 'ecs', `cluster/${name}`);
  const tags = validateTags(input.tags);
  const settings = validateSettings(input.settings) ?? [{ name: 'containerInsights', value: 'disabled' }];
  const cp = validateCapacityProviders(s, input.capacityProviders, input.defaultCapacityProviderStrategy);
  const existing = own(s.clusters, clusterArn);
  if (existing?.status === 'ACTIVE') return { cluster: clusterOut(s, existing) };
  const record: ClusterRecord = clean({
    clusterArn,
    clusterName: name,
    status: 'ACTIVE' as const,
    settings,
    configuration: input.configuration,
    capacityProviders: cp.providers,
    defaultCapacityProviderStrategy: cp.strategy,
    serviceConnectDefaults: input.serviceConnectDefaults?.namespace ? { namespace: String(input.serviceConnectDefaults.namespace) } : undefined,
    createdAt: ctx.now().getTime(),
  });
  s.clusters[clusterArn] = record;
  delete s.tags[clusterArn];
  putTags(s, clusterArn, tags);
  return { cluster: clusterOut(s, record) };
};

/** ECS DescribeClusters (`failures` with reason MISSING for unknown names). */
export const DescribeClusters: OperationHandler = (input, ctx) => {
  const s = stateOf(ctx);
  const refs: string[] = input.clusters?.length ? input.clusters : ['default'];
  const include: string[] = input.include ?? [];
  const clusters: Json[] = [];
  const failures: Json[] = [];
  for (const ref of refs) {
    const clusterArn = ref.startsWith('arn:') ? ref : arn(ctx, 'ecs', `cluster/${ref}`);
    const c = own(s.clusters, clusterArn);
    if (c) clusters.push(clusterOut(s, c, include));
    else failures.push({ arn: clusterArn, reason: 'MISSING' });
  }
  return { clusters, failures };
};

/** ECS ListClusters (ACTIVE clusters, paginated, max 100 per page). */
export const ListClusters: OperationHandler = (input, ctx) => {
  const s = stateOf(ctx);
  const arns = Object.values(s.clusters)
    .filter((c) => c.status === 'ACTIVE')
    .map((c) => c.clusterArn);
  const { page, nextToken } = paginate(arns, input.nextToken, input.maxResults, { pageSize: 100, maxPageSize: 100 });
  return clean({ clusterArns: page, nextToken });
};

/** ECS DeleteCluster: refuses while services, tasks or container instances remain. */
export const DeleteCluster: OperationHandler = (input, ctx) => {
  const s = stateOf(ctx);
  if (!input.cluster) throw new AwsError('InvalidParameterException', 'cluster must not be null or empty.');
  const c = requireCluster(ctx, input.cluster);
  if (Object.values(s.services).some((x) => x.clusterArn === c.clusterArn && x.status !== 'INACTIVE')) {
    throw new AwsError('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.');
  }
  if (Object.values(s.tasks).some((t) => t.clusterArn === c.clusterArn && t.lastStatus !== 'STOPPED')) {
    throw new AwsError('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.');
  }
  if (Object.values(s.containerInstances).some((ci) => ci.clusterArn === c.clusterArn && ci.status !== 'INACTIVE')) {
    throw new AwsError('ClusterContainsContainerInstancesException', 'The Cluster cannot be deleted while Container Instances are active or draining.');
  }
  c.status = 'INACTIVE';
  return { cluster: clusterOut(s, c) };
};

/** ECS UpdateClusterSettings. */
export const UpdateClusterSettings: OperationHandler = (input, ctx) => {
  const c = requireCluster(ctx, input.cluster);
  const settings = validateSettings(input.settings);
  if (!settings?.length) throw new AwsError('InvalidParameterException', 'settings must not be empty.');
  c.settings = settings;
  return { cluster: clusterOut(stateOf(ctx), c) };
};

/** ECS UpdateCluster (settings, configuration, serviceConnectDefaults). */
export const UpdateCluster: OperationHandler = (input, ctx) => {
  const c = requireCluster(ctx, input.cluster);
  const settings = validateSettings(input.settings);
  if (settings) c.settings = settings;
  if (input.configuration) c.configuration = input.configuration;
  if (input.serviceConnectDefaults?.namespace) c.serviceConnectDefaults = { namespace: String(input.serviceConnectDefaults.namespace) };
  return { cluster: clusterOut(stateOf(ctx), c) };
};

/** ECS PutClusterCapacityProviders (FARGATE, FARGATE_SPOT and the account's own capacity providers). */
export const PutClusterCapacityProviders: OperationHandler = (input, ctx) => {
  const c = requireCluster(ctx, input.cluster);
  if (!Array.isArray(input.capacityProviders)) throw new AwsError('InvalidParameterException', 'capacityProviders must not be null.');
  if (!Array.isArray(input.defaultCapacityProviderStrategy)) {
    throw new AwsError('InvalidParameterException', 'defaultCapacityProviderStrategy must not be null.');
  }
  const s = ecsState(ctx.state);
  const cp = validateCapacityProviders(s, input.capacityProviders, input.defaultCapacityProviderStrategy);
  const removed = c.capacityProviders.filter((p) => !cp.providers.includes(p));
  for (const p of removed) {
    const inUse = Object.values(s.services).some(
      (x) => x.clusterArn === c.clusterArn && x.status !== 'INACTIVE' && (x.capacityProviderStrategy ?? []).some((i) => i.capacityProvider === p),
    );
    if (inUse) throw new AwsError('ResourceInUseException', `The specified capacity provider ${p} is in use and cannot be removed.`);
  }
  c.capacityProviders = cp.providers;
  c.defaultCapacityProviderStrategy = cp.strategy;
  return { cluster: clusterOut(s, c) };
};
