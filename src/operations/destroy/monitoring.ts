/**
 * The monitoring kinds of `destroy()`: Auto Scaling policies and scalable
 * targets (policies are found through their stack-tagged targets), CloudWatch
 * alarms and dashboards.
 *
 * @internal
 * @module
 */
import {
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  ListTagsForResourceCommand as ListScalingTagsCommand,
  type ScalableTarget,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DeleteAlarmsCommand,
  DeleteDashboardsCommand,
  DescribeAlarmsCommand,
  ListDashboardsCommand,
  ListTagsForResourceCommand as ListCloudWatchTagsCommand,
} from '@aws-sdk/client-cloudwatch';
import { call, ownedBy, tagRecord, type OperationContext } from '../context.js';
import { hasErrorCode } from '../errors.js';
import type { ListScope, ResourceKindRecord, StackResource } from './types.js';
import { callPages } from '../pages.js';
import { deletedByOneCall, ofKind } from './util.js';

/** The scaling policies of one scalable target (`detail`: the target's namespace, resource id, dimension). @internal */
async function policiesOf(ctx: OperationContext, t: ScalableTarget, detail: Record<string, string>): Promise<StackResource[]> {
  const policies = await callPages(
    ctx, 'application-autoscaling:DescribeScalingPolicies', detail.resourceId ?? '',
    (NextToken) => ctx.clients.autoScaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: t.ServiceNamespace, ResourceId: t.ResourceId, ScalableDimension: t.ScalableDimension, NextToken })),
    (p) => p.NextToken, (p) => p.ScalingPolicies,
  );
  return policies.map((p) => ({ kind: 'scaling-policy', id: p.PolicyARN ?? p.PolicyName ?? '', name: p.PolicyName ?? '', detail: { ...detail, policyName: p.PolicyName ?? '' } }));
}

/** Auto Scaling: the stack's scalable targets and their policies. @internal */
async function listScaling(ctx: OperationContext): Promise<StackResource[]> {
  const as = ctx.clients.autoScaling;
  const out: StackResource[] = [];
  const targets = await callPages(
    ctx, 'application-autoscaling:DescribeScalableTargets', 'ecs',
    (NextToken) => as.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', NextToken })),
    (p) => p.NextToken, (p) => p.ScalableTargets,
  );
  for (const t of targets) {
    if (!t.ScalableTargetARN) continue;
    const arn = t.ScalableTargetARN;
    const tags = await call(ctx, 'application-autoscaling:ListTagsForResource', arn, () => as.send(new ListScalingTagsCommand({ ResourceARN: arn })));
    if (!ownedBy(tags.Tags ?? {}, ctx.stack)) continue;
    const detail = { serviceNamespace: t.ServiceNamespace ?? 'ecs', resourceId: t.ResourceId ?? '', scalableDimension: t.ScalableDimension ?? '' };
    out.push(...(await policiesOf(ctx, t, detail)));
    out.push({ kind: 'scalable-target', id: arn, name: detail.resourceId, detail });
  }
  return out;
}

/** The scalable target fields of a resource's detail. @internal */
function targetOf(r: StackResource) {
  const d = r.detail ?? {};
  return { ServiceNamespace: d.serviceNamespace as 'ecs', ResourceId: d.resourceId, ScalableDimension: d.scalableDimension as 'ecs:service:DesiredCount' };
}

const scaling = (scope: ListScope) => scope.once('scaling', listScaling);

/** Scaling policies (no tags of their own: found through their target). @internal */
export const scalingPolicy: ResourceKindRecord<'scaling-policy'> = deletedByOneCall('scaling-policy', async (s) => ofKind('scaling-policy', await scaling(s)), {
  operation: 'application-autoscaling:DeleteScalingPolicy',
  notFound: ['ObjectNotFoundException'],
  send: (ctx, r) => ctx.clients.autoScaling.send(new DeleteScalingPolicyCommand({ PolicyName: r.detail?.policyName ?? r.name, ...targetOf(r) })),
});

/** Tagged scalable targets. @internal */
export const scalableTarget: ResourceKindRecord<'scalable-target'> = deletedByOneCall('scalable-target', async (s) => ofKind('scalable-target', await scaling(s)), {
  operation: 'application-autoscaling:DeregisterScalableTarget',
  notFound: ['ObjectNotFoundException'],
  send: (ctx, r) => ctx.clients.autoScaling.send(new DeregisterScalableTargetCommand(targetOf(r))),
});

/** The CloudWatch tags of `arn` as a record; `undefined` when it was deleted meanwhile and `missing` says so. @internal */
async function cloudWatchTags(ctx: OperationContext, arn: string, resource: string, missing: boolean): Promise<Record<string, string> | undefined> {
  try {
    const out = await call(ctx, 'cloudwatch:ListTagsForResource', resource, () => ctx.clients.cloudWatch.send(new ListCloudWatchTagsCommand({ ResourceARN: arn })));
    return tagRecord(out.Tags);
  } catch (error) {
    // Deleted between the listing and this call: nothing to remove.
    if (missing && hasErrorCode(error, 'ResourceNotFound')) return undefined;
    throw error;
  }
}

/** Tagged alarms (metric and composite). @internal */
async function listAlarms({ ctx }: ListScope): Promise<StackResource[]> {
  const alarms = await callPages(
    ctx, 'cloudwatch:DescribeAlarms', '*',
    (NextToken) => ctx.clients.cloudWatch.send(new DescribeAlarmsCommand({ NextToken, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] })),
    (p) => p.NextToken, (p) => [...(p.MetricAlarms ?? []), ...(p.CompositeAlarms ?? [])],
  );
  const out: StackResource[] = [];
  for (const a of alarms) {
    if (!a.AlarmArn) continue;
    const tags = await cloudWatchTags(ctx, a.AlarmArn, a.AlarmArn, false);
    if (tags && ownedBy(tags, ctx.stack)) out.push({ kind: 'alarm', id: a.AlarmName ?? a.AlarmArn, name: a.AlarmName ?? a.AlarmArn });
  }
  return out;
}

/** Tagged dashboards. @internal */
async function listDashboards({ ctx }: ListScope): Promise<StackResource[]> {
  const dashboards = await callPages(
    ctx, 'cloudwatch:ListDashboards', '*',
    (NextToken) => ctx.clients.cloudWatch.send(new ListDashboardsCommand({ NextToken })),
    (p) => p.NextToken, (p) => p.DashboardEntries,
  );
  const out: StackResource[] = [];
  for (const d of dashboards) {
    if (!d.DashboardArn || !d.DashboardName) continue;
    const tags = await cloudWatchTags(ctx, d.DashboardArn, d.DashboardName, true);
    if (tags && ownedBy(tags, ctx.stack)) out.push({ kind: 'dashboard', id: d.DashboardName, name: d.DashboardName });
  }
  return out;
}

/** Tagged alarms. @internal */
export const alarm: ResourceKindRecord<'alarm'> = deletedByOneCall('alarm', listAlarms, {
  operation: 'cloudwatch:DeleteAlarms',
  notFound: ['ResourceNotFound'],
  send: (ctx, r) => ctx.clients.cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: [r.id] })),
});

/** Tagged dashboards. @internal */
export const dashboard: ResourceKindRecord<'dashboard'> = deletedByOneCall('dashboard', listDashboards, {
  operation: 'cloudwatch:DeleteDashboards',
  notFound: ['ResourceNotFound', 'DashboardNotFoundError'],
  send: (ctx, r) => ctx.clients.cloudWatch.send(new DeleteDashboardsCommand({ DashboardNames: [r.id] })),
});
