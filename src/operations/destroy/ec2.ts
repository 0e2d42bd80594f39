/**
 * The EC2 and Logs kinds of `destroy()`: instances (terminated, waited until
 * terminated; terminated ones, which EC2 lists for an hour, are not the
 * stack's any more), security groups (retried while in use) and log groups.
 *
 * @internal
 * @module
 */
import { DeleteLogGroupCommand, DescribeLogGroupsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteSecurityGroupCommand, DescribeInstancesCommand, DescribeSecurityGroupsCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { call, ownedBy, STACK_TAG, tagRecord, type OperationContext } from '../context.js';
import { hasErrorCode } from '../errors.js';
import type { ListScope, Removal, ResourceKindRecord, StackResource } from './types.js';
import { callPages } from '../pages.js';
import { deleteOnce, deletedByOneCall, waitUntil } from './util.js';

/** The stack tag as an EC2 filter. @internal */
const stackFilter = (ctx: OperationContext) => ({ Name: `tag:${STACK_TAG}`, Values: [ctx.stack] });

/** The stack's instances that are not terminated. @internal */
async function listInstances({ ctx }: ListScope): Promise<StackResource[]> {
  const states = { Name: 'instance-state-name', Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] };
  const reservations = await callPages(
    ctx, 'ec2:DescribeInstances', ctx.stack,
    (NextToken) => ctx.clients.ec2.send(new DescribeInstancesCommand({ Filters: [stackFilter(ctx), states], NextToken })),
    (p) => p.NextToken, (p) => p.Reservations,
  );
  return reservations
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.InstanceId && ownedBy(tagRecord(i.Tags), ctx.stack))
    .map((i) => {
      const name = tagRecord(i.Tags).Name;
      return { kind: 'instance', id: i.InstanceId ?? '', name: name ? `${i.InstanceId} (${name})` : (i.InstanceId ?? ''), detail: { instanceType: i.InstanceType ?? '' } };
    });
}

/** The state of an instance (`terminated` once EC2 no longer knows it). @internal */
async function instanceState(ctx: OperationContext, r: StackResource): Promise<string> {
  try {
    const out = await call(ctx, 'ec2:DescribeInstances', r.name, () => ctx.clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [r.id] })));
    return out.Reservations?.[0]?.Instances?.[0]?.State?.Name ?? 'terminated';
  } catch (error) {
    if (hasErrorCode(error, 'InvalidInstanceID.NotFound')) return 'terminated';
    throw error;
  }
}

/** A step's action. @internal */
const INSTANCE_ACTION = 'ec2:TerminateInstances + wait terminated';

/** Terminates an instance and waits until it is terminated. @internal */
async function removeInstance(ctx: OperationContext, r: StackResource): Promise<Removal> {
  const wasGone = await deleteOnce(ctx, r, {
    operation: 'ec2:TerminateInstances',
    notFound: ['InvalidInstanceID.NotFound'],
    send: () => ctx.clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [r.id] })),
  });
  if (!wasGone) {
    await waitUntil(
      ctx,
      { operation: 'ec2:DescribeInstances', resource: r.name, failure: 'instance did not terminate' },
      () => instanceState(ctx, r),
      (state) => (state === 'terminated' ? { state: 'done', value: true } : { state: 'pending', reason: state }),
    );
  }
  return { action: INSTANCE_ACTION, wasGone };
}

/** Tagged EC2 instances. @internal */
export const instance: ResourceKindRecord<'instance'> = { kind: 'instance', planned: INSTANCE_ACTION, list: listInstances, remove: removeInstance };

/** Tagged security groups. @internal */
export const securityGroup: ResourceKindRecord<'security-group'> = deletedByOneCall(
  'security-group',
  async ({ ctx }) => {
    const groups = await callPages(
      ctx, 'ec2:DescribeSecurityGroups', ctx.stack,
      (NextToken) => ctx.clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [stackFilter(ctx)], NextToken })),
      (p) => p.NextToken, (p) => p.SecurityGroups,
    );
    return groups.filter((g) => g.GroupId && ownedBy(tagRecord(g.Tags), ctx.stack)).map((g) => ({ kind: 'security-group', id: g.GroupId ?? '', name: g.GroupName ?? '' }));
  },
  {
    operation: 'ec2:DeleteSecurityGroup',
    planned: 'ec2:DeleteSecurityGroup (retried while in use)',
    notFound: ['InvalidGroup.NotFound', 'InvalidGroupId.NotFound'],
    retryWhile: ['DependencyViolation'],
    send: (ctx, r) => ctx.clients.ec2.send(new DeleteSecurityGroupCommand({ GroupId: r.id })),
  },
);

/** Tagged log groups. @internal */
export const logGroup: ResourceKindRecord<'log-group'> = deletedByOneCall(
  'log-group',
  async ({ ctx }) => {
    const { logs } = ctx.clients;
    const groups = await callPages(
      ctx, 'logs:DescribeLogGroups', '*',
      (nextToken) => logs.send(new DescribeLogGroupsCommand({ nextToken })),
      (p) => p.nextToken, (p) => p.logGroups,
    );
    const out: StackResource[] = [];
    for (const g of groups) {
      const arn = g.logGroupArn ?? g.arn?.replace(/:\*$/, '');
      const name = g.logGroupName;
      if (!arn || !name) continue;
      const tags = await call(ctx, 'logs:ListTagsForResource', name, () => logs.send(new ListTagsForResourceCommand({ resourceArn: arn })));
      if (ownedBy(tags.tags ?? {}, ctx.stack)) out.push({ kind: 'log-group', id: name, name });
    }
    return out;
  },
  {
    operation: 'logs:DeleteLogGroup',
    notFound: ['ResourceNotFoundException'],
    send: (ctx, r) => ctx.clients.logs.send(new DeleteLogGroupCommand({ logGroupName: r.id })),
  },
);
