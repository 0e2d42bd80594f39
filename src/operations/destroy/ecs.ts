/**
 * The ECS kinds of `destroy()`: services (scaled to 0, deleted, waited until
 * INACTIVE), task definitions (deregistered and deleted) and clusters (once
 * the container instances of terminated EC2 instances deregistered).
 *
 * @internal
 * @module
 */
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterContainerInstanceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { poll } from '../../waiters/poller.js';
import { call, callRetryingWhile, ownedBy, tagRecord, type OperationContext } from '../context.js';
import { OperationError } from '../errors.js';
import type { ListScope, Removal, ResourceKindRecord, StackResource } from './types.js';
import { callPages, chunks } from '../pages.js';
import { gone, waitUntil } from './util.js';

/** Every cluster ARN, and the stack's clusters among them. @internal */
async function listClusters(ctx: OperationContext): Promise<{ arns: string[]; owned: StackResource[] }> {
  const { ecs } = ctx.clients;
  const arns = await callPages(ctx, 'ecs:ListClusters', '*', (nextToken) => ecs.send(new ListClustersCommand({ nextToken })), (p) => p.nextToken, (p) => p.clusterArns);
  const owned: StackResource[] = [];
  for (const batch of chunks(arns, 100)) {
    const described = await call(ctx, 'ecs:DescribeClusters', '*', () => ecs.send(new DescribeClustersCommand({ clusters: batch, include: ['TAGS'] })));
    for (const c of described.clusters ?? []) {
      if (c.clusterArn && c.status !== 'INACTIVE' && ownedBy(tagRecord(c.tags), ctx.stack)) owned.push({ kind: 'cluster', id: c.clusterArn, name: c.clusterName ?? c.clusterArn });
    }
  }
  return { arns, owned };
}

const clusters = (scope: ListScope) => scope.once('ecs-clusters', listClusters);

/** The stack's services, in any cluster. @internal */
async function listServices(scope: ListScope): Promise<StackResource[]> {
  const { ctx } = scope;
  const { ecs } = ctx.clients;
  const out: StackResource[] = [];
  for (const clusterArn of (await clusters(scope)).arns) {
    const serviceArns = await callPages(
      ctx, 'ecs:ListServices', clusterArn,
      (nextToken) => ecs.send(new ListServicesCommand({ cluster: clusterArn, nextToken })),
      (p) => p.nextToken, (p) => p.serviceArns,
    );
    for (const batch of chunks(serviceArns, 10)) {
      const described = await call(ctx, 'ecs:DescribeServices', clusterArn, () => ecs.send(new DescribeServicesCommand({ cluster: clusterArn, services: batch, include: ['TAGS'] })));
      for (const s of described.services ?? []) {
        if (s.serviceArn && s.status !== 'INACTIVE' && ownedBy(tagRecord(s.tags), ctx.stack)) {
          out.push({ kind: 'service', id: s.serviceArn, name: s.serviceName ?? s.serviceArn, detail: { cluster: clusterArn, status: s.status ?? '' } });
        }
      }
    }
  }
  return out;
}

/** A step's action. @internal */
const SERVICE_ACTION = 'ecs:UpdateService(desiredCount=0) + ecs:DeleteService + wait INACTIVE';

/** Scales the service to 0, deletes it (unless already DRAINING) and waits until it is INACTIVE. @internal */
async function removeService(ctx: OperationContext, r: StackResource): Promise<Removal> {
  const { ecs } = ctx.clients;
  const cluster = r.detail?.cluster ?? '';
  const missing = ['ServiceNotFoundException', 'ServiceNotActiveException', 'ClusterNotFoundException'];
  let wasGone = false;
  if (r.detail?.status !== 'DRAINING') {
    wasGone = await gone(() => call(ctx, 'ecs:UpdateService', r.name, () => ecs.send(new UpdateServiceCommand({ cluster, service: r.id, desiredCount: 0 }))), ...missing);
    if (!wasGone) {
      wasGone = await gone(() => call(ctx, 'ecs:DeleteService', r.name, () => ecs.send(new DeleteServiceCommand({ cluster, service: r.id, force: true }))), ...missing);
    }
  }
  await waitUntil(
    ctx,
    { operation: 'ecs:DescribeServices', resource: r.name, failure: 'service did not become INACTIVE' },
    () => call(ctx, 'ecs:DescribeServices', r.name, () => ecs.send(new DescribeServicesCommand({ cluster, services: [r.id] }))),
    (out) => {
      const s = out.services?.[0];
      return !s || s.status === 'INACTIVE' ? { state: 'done', value: true } : { state: 'pending', reason: `${s.status}, ${s.runningCount ?? 0} running` };
    },
  );
  return { action: SERVICE_ACTION, wasGone };
}

/** Tagged services. @internal */
export const service: ResourceKindRecord<'service'> = { kind: 'service', planned: SERVICE_ACTION, list: listServices, remove: removeService };

/** The stack's task definitions, ACTIVE and INACTIVE. @internal */
async function listTaskDefinitions({ ctx }: ListScope): Promise<StackResource[]> {
  const { ecs } = ctx.clients;
  const out: StackResource[] = [];
  for (const status of ['ACTIVE', 'INACTIVE'] as const) {
    const arns = await callPages(
      ctx, 'ecs:ListTaskDefinitions', status,
      (nextToken) => ecs.send(new ListTaskDefinitionsCommand({ status, nextToken })),
      (p) => p.nextToken, (p) => p.taskDefinitionArns,
    );
    for (const arn of arns) {
      const d = await call(ctx, 'ecs:DescribeTaskDefinition', arn, () => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] })));
      if (ownedBy(tagRecord(d.tags), ctx.stack)) out.push({ kind: 'task-definition', id: arn, name: arn.split('/').at(-1) ?? arn, detail: { status } });
    }
  }
  return out;
}

/** A step's action. @internal */
const TASK_DEFINITION_ACTION = 'ecs:DeregisterTaskDefinition + ecs:DeleteTaskDefinitions';

/** Deregisters (unless INACTIVE) and deletes a task definition. @internal */
async function removeTaskDefinition(ctx: OperationContext, r: StackResource): Promise<Removal> {
  const { ecs } = ctx.clients;
  const inactive = r.detail?.status === 'INACTIVE';
  if (!inactive) {
    // Already INACTIVE after a crashed run: ECS answers ClientException; deleting still works.
    await gone(() => call(ctx, 'ecs:DeregisterTaskDefinition', r.name, () => ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: r.id }))), 'ClientException');
  }
  const out = await call(ctx, 'ecs:DeleteTaskDefinitions', r.name, () => ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: [r.id] })));
  const failure = out.failures?.[0];
  if (failure && !/DELETE_IN_PROGRESS|not found|does not exist/i.test(failure.reason ?? '')) {
    throw new OperationError('ecs:DeleteTaskDefinitions', r.name, failure.reason ?? 'failed', { ...(failure.reason !== undefined && { code: 'DeleteFailure' }) });
  }
  return { action: inactive ? 'ecs:DeleteTaskDefinitions' : TASK_DEFINITION_ACTION, wasGone: false };
}

/** Tagged task definitions. @internal */
export const taskDefinition: ResourceKindRecord<'task-definition'> = {
  kind: 'task-definition',
  planned: TASK_DEFINITION_ACTION,
  list: listTaskDefinitions,
  remove: removeTaskDefinition,
};

/** The cluster's container instances, and how many of them run on EC2 instances that are terminating. @internal */
async function observeContainerInstances(ctx: OperationContext, r: StackResource): Promise<{ arns: string[]; terminating: number }> {
  const { ecs, ec2 } = ctx.clients;
  const arns = await callPages(
    ctx, 'ecs:ListContainerInstances', r.name,
    (nextToken) => ecs.send(new ListContainerInstancesCommand({ cluster: r.id, nextToken })),
    (p) => p.nextToken, (p) => p.containerInstanceArns,
  );
  const described = [];
  for (const batch of chunks(arns, 100)) {
    const out = await call(ctx, 'ecs:DescribeContainerInstances', r.name, () => ecs.send(new DescribeContainerInstancesCommand({ cluster: r.id, containerInstances: batch })));
    described.push(...(out.containerInstances ?? []));
  }
  const ec2Ids = described.map((ci) => ci.ec2InstanceId ?? '').filter(Boolean);
  const ending = new Set<string>();
  for (const batch of chunks(ec2Ids, 200)) {
    const filters = [{ Name: 'instance-id', Values: batch }, { Name: 'instance-state-name', Values: ['shutting-down', 'terminated'] }];
    const out = await call(ctx, 'ec2:DescribeInstances', r.name, () => ec2.send(new DescribeInstancesCommand({ Filters: filters })));
    for (const i of (out.Reservations ?? []).flatMap((x) => x.Instances ?? [])) if (i.InstanceId) ending.add(i.InstanceId);
  }
  return { arns: described.map((ci) => ci.containerInstanceArn ?? '').filter(Boolean), terminating: described.filter((ci) => ending.has(ci.ec2InstanceId ?? '')).length };
}

/**
 * Container instances of EC2 instances being terminated (the stack's, removed
 * just before) deregister by themselves, as ECS deregisters a terminated
 * instance: waits for that; then deregisters what is left.
 *
 * @internal
 */
async function deregisterContainerInstances(ctx: OperationContext, r: StackResource): Promise<void> {
  const waited = await poll({
    observe: () => observeContainerInstances(ctx, r),
    accept: (o) =>
      o.terminating === 0 ? { state: 'done', value: o.arns } : { state: 'pending', reason: `${o.terminating} container instance(s) of terminated EC2 instances not deregistered yet` },
    intervalSeconds: ctx.pollIntervalSeconds ?? 2,
    timeoutSeconds: ctx.waitTimeoutSeconds ?? 600,
  });
  const left = waited.state === 'done' ? waited.value : (waited.last?.arns ?? []);
  for (const arn of left) {
    await call(ctx, 'ecs:DeregisterContainerInstance', r.name, () =>
      ctx.clients.ecs.send(new DeregisterContainerInstanceCommand({ cluster: r.id, containerInstance: arn, force: true })),
    );
  }
}

/** What ECS answers while a cluster still has something in it. @internal */
const CLUSTER_BUSY = ['ClusterContainsServicesException', 'ClusterContainsTasksException', 'ClusterContainsContainerInstancesException', 'UpdateInProgressException'];

/** A step's action. @internal */
const CLUSTER_ACTION = 'wait for terminated instances to deregister + ecs:DeregisterContainerInstance (each left) + ecs:DeleteCluster';

/** Deregisters what is left in the cluster, then deletes it (retried while it still holds something). @internal */
async function removeCluster(ctx: OperationContext, r: StackResource): Promise<Removal> {
  const wasGone =
    (await gone(() => deregisterContainerInstances(ctx, r), 'ClusterNotFoundException')) ||
    (await gone(
      () => callRetryingWhile(ctx, CLUSTER_BUSY, 'ecs:DeleteCluster', r.name, () => ctx.clients.ecs.send(new DeleteClusterCommand({ cluster: r.id }))),
      'ClusterNotFoundException',
    ));
  return { action: CLUSTER_ACTION, wasGone };
}

/** Tagged clusters. @internal */
export const cluster: ResourceKindRecord<'cluster'> = {
  kind: 'cluster',
  planned: CLUSTER_ACTION,
  list: async (scope) => (await clusters(scope)).owned,
  remove: removeCluster,
};
