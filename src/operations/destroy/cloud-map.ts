/**
 * The Cloud Map kinds of `destroy()`: discovery services (retried while
 * instances are still registered) and namespaces (waiting on the operation).
 *
 * @internal
 * @module
 */
import {
  DeleteNamespaceCommand,
  DeleteServiceCommand,
  ListNamespacesCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-servicediscovery';
import { call, callRetryingWhile, ownedBy, tagRecord, type OperationContext } from '../context.js';
import { settleCloudMapOperation } from '../discovery.js';
import type { ListScope, Removal, ResourceKindRecord, StackResource } from './types.js';
import { callPages } from '../pages.js';
import { deletedByOneCall, gone } from './util.js';

/** True when the Cloud Map resource `arn` carries the stack tag. @internal */
async function tagged(ctx: OperationContext, arn: string): Promise<boolean> {
  const out = await call(ctx, 'servicediscovery:ListTagsForResource', arn, () => ctx.clients.serviceDiscovery.send(new ListTagsForResourceCommand({ ResourceARN: arn })));
  return ownedBy(tagRecord(out.Tags), ctx.stack);
}

/** A Cloud Map resource as its listings describe it. @internal */
interface Listed {
  readonly Arn?: string;
  readonly Id?: string;
  readonly Name?: string;
}

/** The stack's Cloud Map resources of `kind` among every page of a listing (services or namespaces). @internal */
async function listOwned<P>(
  ctx: OperationContext,
  kind: 'discovery-service' | 'namespace',
  operation: string,
  send: (NextToken: string | undefined) => Promise<P & { NextToken?: string }>,
  items: (page: P) => readonly Listed[] | undefined,
): Promise<StackResource[]> {
  const listed = await callPages(ctx, operation, '*', send, (p) => p.NextToken, items);
  const out: StackResource[] = [];
  for (const s of listed) if (s.Arn && s.Id && (await tagged(ctx, s.Arn))) out.push({ kind, id: s.Id, name: s.Name ?? s.Id });
  return out;
}

/** Tagged discovery services. @internal */
export const discoveryService: ResourceKindRecord<'discovery-service'> = deletedByOneCall(
  'discovery-service',
  ({ ctx }: ListScope) =>
    listOwned(ctx, 'discovery-service', 'servicediscovery:ListServices', (NextToken) => ctx.clients.serviceDiscovery.send(new ListServicesCommand({ NextToken })), (p) => p.Services),
  {
    operation: 'servicediscovery:DeleteService',
    planned: 'servicediscovery:DeleteService (retried while instances are registered)',
    notFound: ['ServiceNotFound'],
    retryWhile: ['ResourceInUse'],
    send: (ctx, r) => ctx.clients.serviceDiscovery.send(new DeleteServiceCommand({ Id: r.id })),
  },
);

/** A step's action. @internal */
const NAMESPACE_ACTION = 'servicediscovery:DeleteNamespace + wait for the operation';

/** Deletes a namespace and waits on the Cloud Map operation. @internal */
async function removeNamespace(ctx: OperationContext, r: StackResource): Promise<Removal> {
  let operationId: string | undefined;
  const wasGone = await gone(async () => {
    const out = await callRetryingWhile(ctx, ['ResourceInUse'], 'servicediscovery:DeleteNamespace', r.name, () =>
      ctx.clients.serviceDiscovery.send(new DeleteNamespaceCommand({ Id: r.id })),
    );
    operationId = out.OperationId;
  }, 'NamespaceNotFound');
  if (operationId) await settleCloudMapOperation(ctx, operationId, r.name);
  return { action: NAMESPACE_ACTION, wasGone };
}

/** Tagged namespaces. @internal */
export const namespace: ResourceKindRecord<'namespace'> = {
  kind: 'namespace',
  planned: NAMESPACE_ACTION,
  list: ({ ctx }) =>
    listOwned(ctx, 'namespace', 'servicediscovery:ListNamespaces', (NextToken) => ctx.clients.serviceDiscovery.send(new ListNamespacesCommand({ NextToken })), (p) => p.Namespaces),
  remove: removeNamespace,
};
