/**
 * `listStackResources` and `destroy`: find every resource tagged
 * `ecskit:stack=<stack>` (plus the scaling policies of its scalable targets)
 * and remove them in reverse
 * dependency order. Missing resources are fine, so it is safe to run twice
 * and after a crashed run; a dry run calls no mutating API. Terminated EC2
 * instances, which EC2 lists for an hour, are not the stack's any more.
 *
 * @module
 */
import {
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  ListTagsForResourceCommand as ListScalingTagsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DeleteAlarmsCommand,
  DeleteDashboardsCommand,
  DescribeAlarmsCommand,
  ListDashboardsCommand,
  ListTagsForResourceCommand as ListCloudWatchTagsCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand as ListLogTagsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DeleteSecurityGroupCommand, DescribeInstancesCommand, DescribeSecurityGroupsCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import {
  DeleteClusterCommand,
  DeleteServiceCommand as DeleteEcsServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterContainerInstanceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServicesCommand as ListEcsServicesCommand,
  ListTaskDefinitionsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  DeleteNamespaceCommand,
  DeleteServiceCommand as DeleteDiscoveryServiceCommand,
  ListNamespacesCommand,
  ListServicesCommand as ListDiscoveryServicesCommand,
  ListTagsForResourceCommand as ListDiscoveryTagsCommand,
} from '@aws-sdk/client-servicediscovery';
import { poll } from '../waiters/poller.js';
import { call, callRetryingWhile, ownedBy, STACK_TAG, tagRecord, type OperationContext } from './context.js';
import { settleCloudMapOperation } from './discovery.js';
import { hasErrorCode, OperationError } from './errors.js';

/** The kinds of resource a stack can own, in the order `destroy()` removes them. */
export const DESTROY_ORDER = [
  'scaling-policy',
  'scalable-target',
  'alarm',
  'dashboard',
  'service',
  'discovery-service',
  'namespace',
  'listener-rule',
  'listener',
  'load-balancer',
  'target-group',
  'instance',
  'security-group',
  'task-definition',
  'log-group',
  'cluster',
] as const;

/** One kind of {@link DESTROY_ORDER}. */
export type StackResourceKind = (typeof DESTROY_ORDER)[number];

/** A resource that belongs to a stack. */
export interface StackResource {
  /** What it is. */
  readonly kind: StackResourceKind;
  /** The id `destroy()` deletes it by: an ARN, a Cloud Map/EC2 id (`sg-…`, `i-…`), or a name (dashboards, log groups). */
  readonly id: string;
  /** A readable name (`invsys-service`, `flask-inventory-invsys:2`). */
  readonly name: string;
  /** For services: their cluster; for scaling: namespace, resource id and dimension; for task definitions: the status. */
  readonly detail?: Readonly<Record<string, string>>;
}

/** One line of a {@link DestroyReport}. */
export interface DestroyStep {
  /** The resource. */
  readonly resource: StackResource;
  /** The AWS action(s) taken or planned, e.g. `ecs:UpdateService(desiredCount=0) + ecs:DeleteService`. */
  readonly action: string;
  /** `planned` (dry run), `removed`, or `gone` (it disappeared before we got to it). */
  readonly outcome: 'planned' | 'removed' | 'gone';
}

/** What {@link destroy} returns. */
export interface DestroyReport {
  /** The stack. */
  readonly stack: string;
  /** `true` when nothing was changed. */
  readonly dryRun: boolean;
  /** One step per resource, in the order taken. */
  readonly steps: readonly DestroyStep[];
  /** The resources removed (empty on a dry run). */
  readonly removed: readonly StackResource[];
  /** Seconds it took. */
  readonly elapsedSeconds: number;
}

/** Options of {@link destroy}. */
export interface DestroyOptions {
  /** Plan only: list and print what would be removed, call no mutating API. Default: the context's `dryRun`. */
  readonly dryRun?: boolean;
}

/** Reads every page of a paginated call. @internal */
async function pages<P>(fetch: (token: string | undefined) => Promise<P>, next: (page: P) => string | undefined): Promise<P[]> {
  const out: P[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    out.push(page);
    token = next(page);
  } while (token);
  return out;
}

/** Chunks of `size`. @internal */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Ignores "not found" answers (the resource is already gone); returns whether it was. @internal */
async function gone(action: () => Promise<unknown>, ...codes: string[]): Promise<boolean> {
  try {
    await action();
    return false;
  } catch (error) {
    if (hasErrorCode(error, ...codes)) return true;
    throw error;
  }
}

/** Auto Scaling: the stack's scalable targets and their policies. @internal */
async function scalingResources(ctx: OperationContext): Promise<StackResource[]> {
  const as = ctx.clients.autoScaling;
  const out: StackResource[] = [];
  const targets = (
    await pages(
      (NextToken) =>
        call(ctx, 'application-autoscaling:DescribeScalableTargets', 'ecs', () =>
          as.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', NextToken })),
        ),
      (p) => p.NextToken,
    )
  ).flatMap((p) => p.ScalableTargets ?? []);
  for (const t of targets) {
    if (!t.ScalableTargetARN) continue;
    const arn = t.ScalableTargetARN;
    const tags = await call(ctx, 'application-autoscaling:ListTagsForResource', arn, () => as.send(new ListScalingTagsCommand({ ResourceARN: arn })));
    if (!ownedBy(tags.Tags ?? {}, ctx.stack)) continue;
    const detail = { serviceNamespace: t.ServiceNamespace ?? 'ecs', resourceId: t.ResourceId ?? '', scalableDimension: t.ScalableDimension ?? '' };
    const policies = (
      await pages(
        (NextToken) =>
          call(ctx, 'application-autoscaling:DescribeScalingPolicies', detail.resourceId, () =>
            as.send(
              new DescribeScalingPoliciesCommand({
                ServiceNamespace: t.ServiceNamespace,
                ResourceId: t.ResourceId,
                ScalableDimension: t.ScalableDimension,
                NextToken,
              }),
            ),
          ),
        (p) => p.NextToken,
      )
    ).flatMap((p) => p.ScalingPolicies ?? []);
    for (const p of policies) {
      out.push({ kind: 'scaling-policy', id: p.PolicyARN ?? p.PolicyName ?? '', name: p.PolicyName ?? '', detail: { ...detail, policyName: p.PolicyName ?? '' } });
    }
    out.push({ kind: 'scalable-target', id: arn, name: detail.resourceId, detail });
  }
  return out;
}

/** CloudWatch: tagged alarms and tagged dashboards. @internal */
async function cloudWatchResources(ctx: OperationContext): Promise<StackResource[]> {
  const cw = ctx.clients.cloudWatch;
  const out: StackResource[] = [];
  const alarms = (
    await pages(
      (NextToken) => call(ctx, 'cloudwatch:DescribeAlarms', '*', () => cw.send(new DescribeAlarmsCommand({ NextToken, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }))),
      (p) => p.NextToken,
    )
  ).flatMap((p) => [...(p.MetricAlarms ?? []), ...(p.CompositeAlarms ?? [])]);
  for (const a of alarms) {
    if (!a.AlarmArn) continue;
    const arn = a.AlarmArn;
    const tags = await call(ctx, 'cloudwatch:ListTagsForResource', arn, () => cw.send(new ListCloudWatchTagsCommand({ ResourceARN: arn })));
    if (ownedBy(tagRecord(tags.Tags), ctx.stack)) out.push({ kind: 'alarm', id: a.AlarmName ?? arn, name: a.AlarmName ?? arn });
  }
  const dashboards = (
    await pages(
      (NextToken) => call(ctx, 'cloudwatch:ListDashboards', '*', () => cw.send(new ListDashboardsCommand({ NextToken }))),
      (p) => p.NextToken,
    )
  ).flatMap((p) => p.DashboardEntries ?? []);
  for (const d of dashboards) {
    const arn = d.DashboardArn;
    if (!arn || !d.DashboardName) continue;
    const name = d.DashboardName;
    const tags = await call(ctx, 'cloudwatch:ListTagsForResource', name, () => cw.send(new ListCloudWatchTagsCommand({ ResourceARN: arn }))).catch(
      (error: unknown) => {
        // Deleted between the listing and this call: nothing to remove.
        if (hasErrorCode(error, 'ResourceNotFound')) return undefined;
        throw error;
      },
    );
    if (tags && ownedBy(tagRecord(tags.Tags), ctx.stack)) out.push({ kind: 'dashboard', id: name, name });
  }
  return out;
}

/** ECS: tagged clusters, services (in any cluster) and task definitions (ACTIVE and INACTIVE). @internal */
async function ecsResources(ctx: OperationContext): Promise<StackResource[]> {
  const ecs = ctx.clients.ecs;
  const out: StackResource[] = [];
  const clusterArns = (
    await pages(
      (nextToken) => call(ctx, 'ecs:ListClusters', '*', () => ecs.send(new ListClustersCommand({ nextToken }))),
      (p) => p.nextToken,
    )
  ).flatMap((p) => p.clusterArns ?? []);
  const clusters: StackResource[] = [];
  for (const batch of chunks(clusterArns, 100)) {
    const described = await call(ctx, 'ecs:DescribeClusters', '*', () => ecs.send(new DescribeClustersCommand({ clusters: batch, include: ['TAGS'] })));
    for (const c of described.clusters ?? []) {
      if (c.clusterArn && c.status !== 'INACTIVE' && ownedBy(tagRecord(c.tags), ctx.stack)) {
        clusters.push({ kind: 'cluster', id: c.clusterArn, name: c.clusterName ?? c.clusterArn });
      }
    }
  }
  for (const clusterArn of clusterArns) {
    const serviceArns = (
      await pages(
        (nextToken) => call(ctx, 'ecs:ListServices', clusterArn, () => ecs.send(new ListEcsServicesCommand({ cluster: clusterArn, nextToken }))),
        (p) => p.nextToken,
      )
    ).flatMap((p) => p.serviceArns ?? []);
    for (const batch of chunks(serviceArns, 10)) {
      const described = await call(ctx, 'ecs:DescribeServices', clusterArn, () =>
        ecs.send(new DescribeServicesCommand({ cluster: clusterArn, services: batch, include: ['TAGS'] })),
      );
      for (const s of described.services ?? []) {
        if (s.serviceArn && s.status !== 'INACTIVE' && ownedBy(tagRecord(s.tags), ctx.stack)) {
          out.push({ kind: 'service', id: s.serviceArn, name: s.serviceName ?? s.serviceArn, detail: { cluster: clusterArn, status: s.status ?? '' } });
        }
      }
    }
  }
  for (const status of ['ACTIVE', 'INACTIVE'] as const) {
    const arns = (
      await pages(
        (nextToken) => call(ctx, 'ecs:ListTaskDefinitions', status, () => ecs.send(new ListTaskDefinitionsCommand({ status, nextToken }))),
        (p) => p.nextToken,
      )
    ).flatMap((p) => p.taskDefinitionArns ?? []);
    for (const arn of arns) {
      const d = await call(ctx, 'ecs:DescribeTaskDefinition', arn, () => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] })));
      if (ownedBy(tagRecord(d.tags), ctx.stack)) {
        out.push({ kind: 'task-definition', id: arn, name: arn.split('/').at(-1) ?? arn, detail: { status } });
      }
    }
  }
  return [...out, ...clusters];
}

/** Cloud Map: tagged namespaces and services. @internal */
async function cloudMapResources(ctx: OperationContext): Promise<StackResource[]> {
  const sd = ctx.clients.serviceDiscovery;
  const out: StackResource[] = [];
  const tagged = async (arn: string) =>
    ownedBy(tagRecord((await call(ctx, 'servicediscovery:ListTagsForResource', arn, () => sd.send(new ListDiscoveryTagsCommand({ ResourceARN: arn })))).Tags), ctx.stack);
  const services = (
    await pages(
      (NextToken) => call(ctx, 'servicediscovery:ListServices', '*', () => sd.send(new ListDiscoveryServicesCommand({ NextToken }))),
      (p) => p.NextToken,
    )
  ).flatMap((p) => p.Services ?? []);
  for (const s of services) {
    if (s.Arn && s.Id && (await tagged(s.Arn))) out.push({ kind: 'discovery-service', id: s.Id, name: s.Name ?? s.Id });
  }
  const namespaces = (
    await pages(
      (NextToken) => call(ctx, 'servicediscovery:ListNamespaces', '*', () => sd.send(new ListNamespacesCommand({ NextToken }))),
      (p) => p.NextToken,
    )
  ).flatMap((p) => p.Namespaces ?? []);
  for (const n of namespaces) {
    if (n.Arn && n.Id && (await tagged(n.Arn))) out.push({ kind: 'namespace', id: n.Id, name: n.Name ?? n.Id });
  }
  return out;
}

/** ELBv2: tagged listener rules, listeners, load balancers and target groups. @internal */
async function elbResources(ctx: OperationContext): Promise<StackResource[]> {
  const elb = ctx.clients.elbv2;
  const owned = async (arns: string[]): Promise<Set<string>> => {
    const set = new Set<string>();
    for (const batch of chunks(arns, 20)) {
      const out = await call(ctx, 'elasticloadbalancing:DescribeTags', '*', () => elb.send(new DescribeTagsCommand({ ResourceArns: batch })));
      for (const d of out.TagDescriptions ?? []) if (d.ResourceArn && ownedBy(tagRecord(d.Tags), ctx.stack)) set.add(d.ResourceArn);
    }
    return set;
  };
  const lbs = (
    await pages(
      (Marker) => call(ctx, 'elasticloadbalancing:DescribeLoadBalancers', '*', () => elb.send(new DescribeLoadBalancersCommand({ Marker }))),
      (p) => p.NextMarker,
    )
  ).flatMap((p) => p.LoadBalancers ?? []);
  const rules: StackResource[] = [];
  const listeners: StackResource[] = [];
  for (const lb of lbs) {
    const lbArn = lb.LoadBalancerArn ?? '';
    const ls = (
      await pages(
        (Marker) => call(ctx, 'elasticloadbalancing:DescribeListeners', lbArn, () => elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn, Marker }))),
        (p) => p.NextMarker,
      )
    ).flatMap((p) => p.Listeners ?? []);
    const ownedListeners = await owned(ls.map((l) => l.ListenerArn ?? '').filter(Boolean));
    for (const l of ls) {
      const listenerArn = l.ListenerArn ?? '';
      const rs = (
        await pages(
          (Marker) => call(ctx, 'elasticloadbalancing:DescribeRules', listenerArn, () => elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn, Marker }))),
          (p) => p.NextMarker,
        )
      )
        .flatMap((p) => p.Rules ?? [])
        .filter((r) => !r.IsDefault && r.RuleArn);
      const ownedRules = await owned(rs.map((r) => r.RuleArn ?? ''));
      for (const r of rs) {
        if (ownedRules.has(r.RuleArn ?? '')) {
          rules.push({ kind: 'listener-rule', id: r.RuleArn ?? '', name: `${lb.LoadBalancerName}:${l.Port} priority ${r.Priority}` });
        }
      }
      if (ownedListeners.has(listenerArn)) listeners.push({ kind: 'listener', id: listenerArn, name: `${lb.LoadBalancerName}:${l.Port}` });
    }
  }
  const ownedLbs = await owned(lbs.map((l) => l.LoadBalancerArn ?? '').filter(Boolean));
  const tgs = (
    await pages(
      (Marker) => call(ctx, 'elasticloadbalancing:DescribeTargetGroups', '*', () => elb.send(new DescribeTargetGroupsCommand({ Marker }))),
      (p) => p.NextMarker,
    )
  ).flatMap((p) => p.TargetGroups ?? []);
  const ownedTgs = await owned(tgs.map((t) => t.TargetGroupArn ?? '').filter(Boolean));
  return [
    ...rules,
    ...listeners,
    ...lbs.filter((l) => ownedLbs.has(l.LoadBalancerArn ?? '')).map((l) => ({ kind: 'load-balancer' as const, id: l.LoadBalancerArn ?? '', name: l.LoadBalancerName ?? '' })),
    ...tgs.filter((t) => ownedTgs.has(t.TargetGroupArn ?? '')).map((t) => ({ kind: 'target-group' as const, id: t.TargetGroupArn ?? '', name: t.TargetGroupName ?? '' })),
  ];
}

/** EC2: tagged instances that are not terminated (terminated ones stay visible for an hour) and tagged security groups. @internal */
async function ec2Resources(ctx: OperationContext): Promise<StackResource[]> {
  const reservations = await pages(
    (NextToken) =>
      call(ctx, 'ec2:DescribeInstances', ctx.stack, () =>
        ctx.clients.ec2.send(
          new DescribeInstancesCommand({
            Filters: [
              { Name: `tag:${STACK_TAG}`, Values: [ctx.stack] },
              { Name: 'instance-state-name', Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] },
            ],
            NextToken,
          }),
        ),
      ),
    (p) => p.NextToken,
  );
  const instances = reservations
    .flatMap((p) => p.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.InstanceId && ownedBy(tagRecord(i.Tags), ctx.stack))
    .map((i) => {
      const name = tagRecord(i.Tags).Name;
      return { kind: 'instance' as const, id: i.InstanceId ?? '', name: name ? `${i.InstanceId} (${name})` : (i.InstanceId ?? ''), detail: { instanceType: i.InstanceType ?? '' } };
    });
  const groups = await pages(
    (NextToken) =>
      call(ctx, 'ec2:DescribeSecurityGroups', ctx.stack, () =>
        ctx.clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: `tag:${STACK_TAG}`, Values: [ctx.stack] }], NextToken })),
      ),
    (p) => p.NextToken,
  );
  return [
    ...instances,
    ...groups
      .flatMap((p) => p.SecurityGroups ?? [])
      .filter((g) => g.GroupId && ownedBy(tagRecord(g.Tags), ctx.stack))
      .map((g) => ({ kind: 'security-group' as const, id: g.GroupId ?? '', name: g.GroupName ?? '' })),
  ];
}

/** Logs: tagged log groups. @internal */
async function logResources(ctx: OperationContext): Promise<StackResource[]> {
  const logs = ctx.clients.logs;
  const groups = (
    await pages(
      (nextToken) => call(ctx, 'logs:DescribeLogGroups', '*', () => logs.send(new DescribeLogGroupsCommand({ nextToken }))),
      (p) => p.nextToken,
    )
  ).flatMap((p) => p.logGroups ?? []);
  const out: StackResource[] = [];
  for (const g of groups) {
    const arn = g.logGroupArn ?? g.arn?.replace(/:\*$/, '');
    if (!arn || !g.logGroupName) continue;
    const tags = await call(ctx, 'logs:ListTagsForResource', g.logGroupName, () => logs.send(new ListLogTagsCommand({ resourceArn: arn })));
    if (ownedBy(tags.tags ?? {}, ctx.stack)) out.push({ kind: 'log-group', id: g.logGroupName, name: g.logGroupName });
  }
  return out;
}

/**
 * Every resource of the context's stack, in the order `destroy()` would
 * remove them: the tagged ones (ECS, ELBv2, Cloud Map, CloudWatch alarms and
 * dashboards, Auto Scaling, EC2, Logs) and the scaling policies of tagged
 * scalable targets. Empty after a successful destroy.
 *
 * @example
 * ```ts
 * const left = await listStackResources(ctx);
 * // [] after destroy(); before: [{ kind: 'service', id: 'arn:aws:ecs:…:service/…/invsys-service', name: 'invsys-service', … }, …]
 * ```
 */
export async function listStackResources(ctx: OperationContext): Promise<StackResource[]> {
  const found = (
    await Promise.all([scalingResources(ctx), cloudWatchResources(ctx), ecsResources(ctx), cloudMapResources(ctx), elbResources(ctx), ec2Resources(ctx), logResources(ctx)])
  ).flat();
  const rank = (k: StackResourceKind) => DESTROY_ORDER.indexOf(k);
  return found.sort((a, b) => rank(a.kind) - rank(b.kind));
}

/** What deleting one resource takes, and whether it was already gone. @internal */
async function remove(ctx: OperationContext, r: StackResource): Promise<{ action: string; wasGone: boolean }> {
  const c = ctx.clients;
  const d = r.detail ?? {};
  switch (r.kind) {
    case 'scaling-policy':
      return {
        action: 'application-autoscaling:DeleteScalingPolicy',
        wasGone: await gone(
          () =>
            call(ctx, 'application-autoscaling:DeleteScalingPolicy', r.name, () =>
              c.autoScaling.send(
                new DeleteScalingPolicyCommand({
                  PolicyName: d.policyName ?? r.name,
                  ServiceNamespace: d.serviceNamespace as 'ecs',
                  ResourceId: d.resourceId,
                  ScalableDimension: d.scalableDimension as 'ecs:service:DesiredCount',
                }),
              ),
            ),
          'ObjectNotFoundException',
        ),
      };
    case 'scalable-target':
      return {
        action: 'application-autoscaling:DeregisterScalableTarget',
        wasGone: await gone(
          () =>
            call(ctx, 'application-autoscaling:DeregisterScalableTarget', r.name, () =>
              c.autoScaling.send(
                new DeregisterScalableTargetCommand({
                  ServiceNamespace: d.serviceNamespace as 'ecs',
                  ResourceId: d.resourceId,
                  ScalableDimension: d.scalableDimension as 'ecs:service:DesiredCount',
                }),
              ),
            ),
          'ObjectNotFoundException',
        ),
      };
    case 'alarm':
      return {
        action: 'cloudwatch:DeleteAlarms',
        wasGone: await gone(() => call(ctx, 'cloudwatch:DeleteAlarms', r.name, () => c.cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: [r.id] }))), 'ResourceNotFound'),
      };
    case 'dashboard':
      return {
        action: 'cloudwatch:DeleteDashboards',
        wasGone: await gone(
          () => call(ctx, 'cloudwatch:DeleteDashboards', r.name, () => c.cloudWatch.send(new DeleteDashboardsCommand({ DashboardNames: [r.id] }))),
          'ResourceNotFound',
          'DashboardNotFoundError',
        ),
      };
    case 'service': {
      const cluster = d.cluster ?? '';
      const missing = ['ServiceNotFoundException', 'ServiceNotActiveException', 'ClusterNotFoundException'];
      let wasGone = false;
      if (d.status !== 'DRAINING') {
        wasGone = await gone(
          () => call(ctx, 'ecs:UpdateService', r.name, () => c.ecs.send(new UpdateServiceCommand({ cluster, service: r.id, desiredCount: 0 }))),
          ...missing,
        );
        if (!wasGone) {
          wasGone = await gone(() => call(ctx, 'ecs:DeleteService', r.name, () => c.ecs.send(new DeleteEcsServiceCommand({ cluster, service: r.id, force: true }))), ...missing);
        }
      }
      const result = await poll({
        observe: () => call(ctx, 'ecs:DescribeServices', r.name, () => c.ecs.send(new DescribeServicesCommand({ cluster, services: [r.id] }))),
        accept: (out) => {
          const s = out.services?.[0];
          return !s || s.status === 'INACTIVE' ? { state: 'done', value: true } : { state: 'pending', reason: `${s.status}, ${s.runningCount ?? 0} running` };
        },
        intervalSeconds: ctx.pollIntervalSeconds ?? 2,
        timeoutSeconds: ctx.waitTimeoutSeconds ?? 600,
      });
      if (result.state !== 'done') {
        throw new OperationError('ecs:DescribeServices', r.name, `service did not become INACTIVE: ${result.state} (${result.reason ?? ''})`);
      }
      return { action: 'ecs:UpdateService(desiredCount=0) + ecs:DeleteService + wait INACTIVE', wasGone };
    }
    case 'discovery-service':
      return {
        action: 'servicediscovery:DeleteService',
        wasGone: await gone(
          () => callRetryingWhile(ctx, ['ResourceInUse'], 'servicediscovery:DeleteService', r.name, () => c.serviceDiscovery.send(new DeleteDiscoveryServiceCommand({ Id: r.id }))),
          'ServiceNotFound',
        ),
      };
    case 'namespace': {
      let operationId: string | undefined;
      const wasGone = await gone(async () => {
        const out = await callRetryingWhile(ctx, ['ResourceInUse'], 'servicediscovery:DeleteNamespace', r.name, () =>
          c.serviceDiscovery.send(new DeleteNamespaceCommand({ Id: r.id })),
        );
        operationId = out.OperationId;
      }, 'NamespaceNotFound');
      if (operationId) await settleCloudMapOperation(ctx, operationId, r.name);
      return { action: 'servicediscovery:DeleteNamespace + wait for the operation', wasGone };
    }
    case 'listener-rule':
      return {
        action: 'elasticloadbalancing:DeleteRule',
        wasGone: await gone(() => call(ctx, 'elasticloadbalancing:DeleteRule', r.name, () => c.elbv2.send(new DeleteRuleCommand({ RuleArn: r.id }))), 'RuleNotFound'),
      };
    case 'listener':
      return {
        action: 'elasticloadbalancing:DeleteListener',
        wasGone: await gone(() => call(ctx, 'elasticloadbalancing:DeleteListener', r.name, () => c.elbv2.send(new DeleteListenerCommand({ ListenerArn: r.id }))), 'ListenerNotFound'),
      };
    case 'load-balancer':
      return {
        action: 'elasticloadbalancing:DeleteLoadBalancer',
        wasGone: await gone(
          () => call(ctx, 'elasticloadbalancing:DeleteLoadBalancer', r.name, () => c.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: r.id }))),
          'LoadBalancerNotFound',
        ),
      };
    case 'target-group':
      return {
        action: 'elasticloadbalancing:DeleteTargetGroup',
        wasGone: await gone(
          () =>
            callRetryingWhile(ctx, ['ResourceInUse'], 'elasticloadbalancing:DeleteTargetGroup', r.name, () =>
              c.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: r.id })),
            ),
          'TargetGroupNotFound',
        ),
      };
    case 'instance': {
      const wasGone = await gone(
        () => call(ctx, 'ec2:TerminateInstances', r.name, () => c.ec2.send(new TerminateInstancesCommand({ InstanceIds: [r.id] }))),
        'InvalidInstanceID.NotFound',
      );
      if (!wasGone) {
        const result = await poll({
          observe: async () => {
            try {
              const out = await call(ctx, 'ec2:DescribeInstances', r.name, () => c.ec2.send(new DescribeInstancesCommand({ InstanceIds: [r.id] })));
              return out.Reservations?.[0]?.Instances?.[0]?.State?.Name ?? 'terminated';
            } catch (error) {
              if (hasErrorCode(error, 'InvalidInstanceID.NotFound')) return 'terminated';
              throw error;
            }
          },
          accept: (state) => (state === 'terminated' ? { state: 'done', value: true } : { state: 'pending', reason: state }),
          intervalSeconds: ctx.pollIntervalSeconds ?? 2,
          timeoutSeconds: ctx.waitTimeoutSeconds ?? 600,
        });
        if (result.state !== 'done') {
          throw new OperationError('ec2:DescribeInstances', r.name, `instance did not terminate: ${result.state} (${result.reason ?? ''})`);
        }
      }
      return { action: 'ec2:TerminateInstances + wait terminated', wasGone };
    }
    case 'security-group':
      return {
        action: 'ec2:DeleteSecurityGroup',
        wasGone: await gone(
          () => callRetryingWhile(ctx, ['DependencyViolation'], 'ec2:DeleteSecurityGroup', r.name, () => c.ec2.send(new DeleteSecurityGroupCommand({ GroupId: r.id }))),
          'InvalidGroup.NotFound',
          'InvalidGroupId.NotFound',
        ),
      };
    case 'task-definition': {
      if (d.status !== 'INACTIVE') {
        // Already INACTIVE after a crashed run: ECS answers ClientException; deleting still works.
        await gone(
          () => call(ctx, 'ecs:DeregisterTaskDefinition', r.name, () => c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: r.id }))),
          'ClientException',
        );
      }
      const out = await call(ctx, 'ecs:DeleteTaskDefinitions', r.name, () => c.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: [r.id] })));
      const failure = out.failures?.[0];
      if (failure && !/DELETE_IN_PROGRESS|not found|does not exist/i.test(failure.reason ?? '')) {
        throw new OperationError('ecs:DeleteTaskDefinitions', r.name, failure.reason ?? 'failed', { ...(failure.reason !== undefined && { code: 'DeleteFailure' }) });
      }
      return { action: d.status === 'INACTIVE' ? 'ecs:DeleteTaskDefinitions' : 'ecs:DeregisterTaskDefinition + ecs:DeleteTaskDefinitions', wasGone: false };
    }
    case 'log-group':
      return {
        action: 'logs:DeleteLogGroup',
        wasGone: await gone(() => call(ctx, 'logs:DeleteLogGroup', r.name, () => c.logs.send(new DeleteLogGroupCommand({ logGroupName: r.id }))), 'ResourceNotFoundException'),
      };
    case 'cluster': {
      const instances = await gone(async () => {
        // Container instances of EC2 instances being terminated (the stack's, removed just before) deregister by
        // themselves, as ECS deregisters a terminated instance: wait for that; then deregister what is left.
        const waited = await poll({
          observe: async () => {
            const arns = (
              await pages(
                (nextToken) => call(ctx, 'ecs:ListContainerInstances', r.name, () => c.ecs.send(new ListContainerInstancesCommand({ cluster: r.id, nextToken }))),
                (p) => p.nextToken,
              )
            ).flatMap((p) => p.containerInstanceArns ?? []);
            const described = [];
            for (const batch of chunks(arns, 100)) {
              const out = await call(ctx, 'ecs:DescribeContainerInstances', r.name, () => c.ecs.send(new DescribeContainerInstancesCommand({ cluster: r.id, containerInstances: batch })));
              described.push(...(out.containerInstances ?? []));
            }
            const ec2Ids = described.map((ci) => ci.ec2InstanceId ?? '').filter(Boolean);
            const ending = new Set<string>();
            for (const batch of chunks(ec2Ids, 200)) {
              const out = await call(ctx, 'ec2:DescribeInstances', r.name, () =>
                c.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: batch }, { Name: 'instance-state-name', Values: ['shutting-down', 'terminated'] }] })),
              );
              for (const i of (out.Reservations ?? []).flatMap((x) => x.Instances ?? [])) if (i.InstanceId) ending.add(i.InstanceId);
            }
            return { arns: described.map((ci) => ci.containerInstanceArn ?? '').filter(Boolean), terminating: described.filter((ci) => ending.has(ci.ec2InstanceId ?? '')).length };
          },
          accept: (o) => (o.terminating === 0 ? { state: 'done', value: o.arns } : { state: 'pending', reason: `${o.terminating} container instance(s) of terminated EC2 instances not deregistered yet` }),
          intervalSeconds: ctx.pollIntervalSeconds ?? 2,
          timeoutSeconds: ctx.waitTimeoutSeconds ?? 600,
        });
        const left = waited.state === 'done' ? waited.value : (waited.last?.arns ?? []);
        for (const arn of left) {
          await call(ctx, 'ecs:DeregisterContainerInstance', r.name, () =>
            c.ecs.send(new DeregisterContainerInstanceCommand({ cluster: r.id, containerInstance: arn, force: true })),
          );
        }
      }, 'ClusterNotFoundException');
      const wasGone =
        instances ||
        (await gone(
          () =>
            callRetryingWhile(
              ctx,
              ['ClusterContainsServicesException', 'ClusterContainsTasksException', 'ClusterContainsContainerInstancesException', 'UpdateInProgressException'],
              'ecs:DeleteCluster',
              r.name,
              () => c.ecs.send(new DeleteClusterCommand({ cluster: r.id })),
            ),
          'ClusterNotFoundException',
        ));
      return { action: 'wait for terminated instances to deregister + ecs:DeregisterContainerInstance (each left) + ecs:DeleteCluster', wasGone };
    }
  }
}

/** The action a dry run reports for a resource. @internal */
const PLANNED: Record<StackResourceKind, string> = {
  'scaling-policy': 'application-autoscaling:DeleteScalingPolicy',
  'scalable-target': 'application-autoscaling:DeregisterScalableTarget',
  alarm: 'cloudwatch:DeleteAlarms',
  dashboard: 'cloudwatch:DeleteDashboards',
  service: 'ecs:UpdateService(desiredCount=0) + ecs:DeleteService + wait INACTIVE',
  'discovery-service': 'servicediscovery:DeleteService (retried while instances are registered)',
  namespace: 'servicediscovery:DeleteNamespace + wait for the operation',
  'listener-rule': 'elasticloadbalancing:DeleteRule',
  listener: 'elasticloadbalancing:DeleteListener',
  'load-balancer': 'elasticloadbalancing:DeleteLoadBalancer',
  'target-group': 'elasticloadbalancing:DeleteTargetGroup (retried while in use)',
  instance: 'ec2:TerminateInstances + wait terminated',
  'security-group': 'ec2:DeleteSecurityGroup (retried while in use)',
  'task-definition': 'ecs:DeregisterTaskDefinition + ecs:DeleteTaskDefinitions',
  'log-group': 'logs:DeleteLogGroup',
  cluster: 'wait for terminated instances to deregister + ecs:DeregisterContainerInstance (each left) + ecs:DeleteCluster',
};

/**
 * Removes every resource of the context's stack in reverse dependency order
 * (see {@link DESTROY_ORDER}): scaling policies and targets, alarms,
 * dashboards, services (scaled to 0, deleted, waited until INACTIVE),
 * discovery services (retried while instances are still registered),
 * namespaces (waiting on the operation), listener rules, listeners, load
 * balancers, target groups (retried while in use), EC2 instances
 * (terminated, waited until terminated), security groups (retried while in
 * use), task definitions (deregistered and deleted), log groups, clusters
 * (once the container instances of terminated EC2 instances deregistered;
 * any left are deregistered). Resources that
 * are already gone are fine, so it is safe to run twice or after a crashed run.
 * With `dryRun` it lists and logs the plan and calls no mutating API.
 *
 * @example
 * ```ts
 * const plan = await destroy(ctx, { dryRun: true });
 * // plan.steps → [{ resource: { kind: 'service', name: 'invsys-service', … }, action: 'ecs:UpdateService(…) + …', outcome: 'planned' }, …]
 * const report = await destroy(ctx);
 * report.removed.length;              // 17
 * (await listStackResources(ctx)).length; // 0
 * ```
 */
export async function destroy(ctx: OperationContext, options: DestroyOptions = {}): Promise<DestroyReport> {
  const started = Date.now();
  const dryRun = options.dryRun ?? ctx.dryRun ?? false;
  const resources = await listStackResources(ctx);
  const steps: DestroyStep[] = [];
  const removed: StackResource[] = [];
  if (dryRun) {
    for (const resource of resources) {
      steps.push({ resource, action: PLANNED[resource.kind], outcome: 'planned' });
      ctx.log?.(`would remove ${resource.kind} ${resource.name}: ${PLANNED[resource.kind]}`);
    }
    if (resources.length === 0) ctx.log?.(`stack ${ctx.stack}: nothing to remove`);
    return { stack: ctx.stack, dryRun, steps, removed, elapsedSeconds: (Date.now() - started) / 1000 };
  }
  for (const kind of DESTROY_ORDER) {
    const batch = resources.filter((r) => r.kind === kind);
    // Resources of one kind do not depend on each other: remove them together.
    const results = await Promise.all(batch.map(async (resource) => ({ resource, ...(await remove(ctx, resource)) })));
    for (const { resource, action, wasGone } of results) {
      steps.push({ resource, action, outcome: wasGone ? 'gone' : 'removed' });
      if (!wasGone) removed.push(resource);
      ctx.log?.(`${wasGone ? 'already gone' : 'removed'}: ${resource.kind} ${resource.name}`);
    }
  }
  return { stack: ctx.stack, dryRun, steps, removed, elapsedSeconds: (Date.now() - started) / 1000 };
}
