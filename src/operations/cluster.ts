/**
 * `ensureCluster`: find the ECS cluster by name or create it, tagged with the stack.
 *
 * @module
 */
import {
  CreateClusterCommand,
  DescribeClustersCommand,
  TagResourceCommand,
  UpdateClusterSettingsCommand,
  type Cluster,
  type ClusterSetting,
  type CreateClusterCommandInput,
} from '@aws-sdk/client-ecs';
import type { Ensured } from './events.js';
import { call, emit, ensured, lowerKeyValueTags, notOwnedDetail, ownedBy, stackTags, tagRecord, type OperationContext } from './context.js';

/** What {@link ensureCluster} creates or checks. */
export interface ClusterOptions {
  /** Settings such as `{ name: 'containerInsights', value: 'enabled' }`; brought in line when they differ. */
  readonly settings?: readonly ClusterSetting[];
  /** Tags besides the stack tag. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Anything else of CreateCluster (capacity providers, configuration), used only when creating. */
  readonly create?: Omit<CreateClusterCommandInput, 'clusterName' | 'settings' | 'tags'>;
}

/**
 * Returns the ACTIVE cluster `name`, creating it (tagged with the stack) when
 * it does not exist. Settings that differ are updated; an owned cluster gets
 * missing tags added. Calling it twice changes nothing the second time.
 *
 * @example
 * ```ts
 * const { resource: cluster, action } = await ensureCluster(ctx, 'flask-inventory-cluster', {
 *   settings: [{ name: 'containerInsights', value: 'enabled' }],
 * });
 * // cluster.clusterArn → 'arn:aws:ecs:us-east-1:123456789012:cluster/flask-inventory-cluster', action → 'created'
 * ```
 */
export async function ensureCluster(ctx: OperationContext, name: string, options: ClusterOptions = {}): Promise<Ensured<Cluster>> {
  const { ecs } = ctx.clients;
  const described = await call(ctx, 'ecs:DescribeClusters', name, () =>
    ecs.send(new DescribeClustersCommand({ clusters: [name], include: ['SETTINGS', 'TAGS'] })),
  );
  const existing = described.clusters?.find((c) => c.status === 'ACTIVE' || c.status === 'PROVISIONING');
  const tags = stackTags(ctx, options.tags);
  if (!existing) {
    const out = await call(ctx, 'ecs:CreateCluster', name, () =>
      ecs.send(
        new CreateClusterCommand({
          ...options.create,
          clusterName: name,
          ...(options.settings && { settings: [...options.settings] }),
          tags: lowerKeyValueTags(tags),
        }),
      ),
    );
    return ensured(ctx, { action: 'created', kind: 'cluster', name }, out.cluster ?? { clusterName: name });
  }

  let cluster = existing;
  const current = new Map((existing.settings ?? []).map((s) => [s.name, s.value]));
  const differing = (options.settings ?? []).filter((s) => current.get(s.name) !== s.value);
  if (differing.length > 0) {
    const out = await call(ctx, 'ecs:UpdateClusterSettings', name, () =>
      ecs.send(new UpdateClusterSettingsCommand({ cluster: name, settings: differing })),
    );
    cluster = out.cluster ?? cluster;
    emit(ctx, { action: 'updated', kind: 'cluster', name, change: 'settings updated', detail: differing.map((s) => `${s.name}=${s.value}`).join(', ') });
  }
  const have = tagRecord(existing.tags);
  if (ownedBy(have, ctx.stack)) {
    const missing = Object.fromEntries(Object.entries(tags).filter(([k, v]) => have[k] !== v));
    if (Object.keys(missing).length > 0 && existing.clusterArn) {
      await call(ctx, 'ecs:TagResource', name, () =>
        ecs.send(new TagResourceCommand({ resourceArn: existing.clusterArn, tags: lowerKeyValueTags(missing) })),
      );
    }
  } else {
    emit(ctx, { action: 'unchanged', kind: 'cluster', name, owned: false, detail: notOwnedDetail(ctx) });
  }
  return { resource: cluster, action: differing.length > 0 ? 'updated' : 'unchanged' };
}
