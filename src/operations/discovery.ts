/**
 * Cloud Map: `ensureNamespace` (find by name, or create and wait on the
 * operation — ERRATA 3.1) and `ensureDiscoveryService`.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  CreatePrivateDnsNamespaceCommand,
  CreateServiceCommand,
  GetNamespaceCommand,
  GetOperationCommand,
  ListNamespacesCommand,
  ListServicesCommand,
  type CreatePrivateDnsNamespaceCommandInput,
  type CreateServiceCommandInput,
  type Namespace,
  type NamespaceSummary,
  type Operation,
  type Service,
  type ServiceSummary,
} from '@aws-sdk/client-servicediscovery';
import { poll } from '../waiters/poller.js';
import { built, call, definitionTags, ensured, keyValueTags, type Buildable, type OperationContext, type OperationSettings } from './context.js';
import { OperationError } from './errors.js';
import type { Ensured } from './events.js';
import { callPages } from './pages.js';

/** Every namespace of the account and region. @internal */
async function listNamespaces(ctx: OperationContext): Promise<NamespaceSummary[]> {
  return callPages(
    ctx, 'servicediscovery:ListNamespaces', '*',
    (NextToken) => ctx.clients.serviceDiscovery.send(new ListNamespacesCommand({ NextToken })),
    (p) => p.NextToken, (p) => p.Namespaces,
  );
}

/**
 * Polls a Cloud Map operation until SUCCESS (returns it) or FAIL (throws an
 * {@link OperationError} with Cloud Map's reason). The public, outcome-typed
 * form is the waiters' `waitForCloudMapOperation`.
 *
 * @internal
 */
export async function settleCloudMapOperation(ctx: OperationContext & OperationSettings, operationId: string, resource: string): Promise<Operation> {
  const result = await poll({
    observe: () =>
      call(ctx, 'servicediscovery:GetOperation', operationId, () =>
        ctx.clients.serviceDiscovery.send(new GetOperationCommand({ OperationId: operationId })),
      ),
    accept: (out) =>
      out.Operation?.Status === 'SUCCESS' || out.Operation?.Status === 'FAIL'
        ? { state: 'done', value: out.Operation }
        : { state: 'pending', reason: `operation ${operationId} is ${out.Operation?.Status ?? 'unknown'}` },
    intervalSeconds: ctx.pollIntervalSeconds ?? 2,
    timeoutSeconds: ctx.waitTimeoutSeconds ?? 600,
  });
  if (result.state !== 'done') {
    throw new OperationError('servicediscovery:GetOperation', resource, `operation ${operationId} did not finish: ${result.state} (${result.reason ?? 'no status'})`);
  }
  if (result.value.Status === 'FAIL') {
    throw new OperationError(`servicediscovery:${result.value.Type ?? 'Operation'}`, resource, result.value.ErrorMessage ?? 'the operation failed', {
      ...(result.value.ErrorCode !== undefined && { code: result.value.ErrorCode }),
    });
  }
  return result.value;
}

/**
 * Returns the private DNS namespace with the input's name, or creates it
 * (tagged with the stack) and waits on its Cloud Map operation until SUCCESS
 * or FAIL — never a fixed sleep (ERRATA 3.1).
 *
 * @example
 * ```ts
 * const { resource: namespace } = await ensureNamespace(ctx, privateDnsNamespace('local').vpc(vpcId));
 * // namespace.Id → 'ns-abcd1234efgh5678', namespace.Name → 'local'
 * ```
 */
export async function ensureNamespace(
  ctx: OperationContext,
  definition: Buildable<CreatePrivateDnsNamespaceCommandInput>,
): Promise<Ensured<Namespace | NamespaceSummary>> {
  const input = built(definition);
  const name = input.Name ?? '';
  const existing = (await listNamespaces(ctx)).find((n) => n.Name === name && n.Type === 'DNS_PRIVATE');
  if (existing) return { resource: existing, action: 'unchanged' };
  const out = await call(ctx, 'servicediscovery:CreatePrivateDnsNamespace', name, () =>
    ctx.clients.serviceDiscovery.send(
      new CreatePrivateDnsNamespaceCommand({ ...input, CreatorRequestId: input.CreatorRequestId ?? randomUUID(), Tags: keyValueTags(definitionTags(ctx, input.Tags)) }),
    ),
  );
  const operation = await settleCloudMapOperation(ctx, out.OperationId ?? '', name);
  const id = operation.Targets?.NAMESPACE;
  const namespace = id
    ? ((await call(ctx, 'servicediscovery:GetNamespace', id, () => ctx.clients.serviceDiscovery.send(new GetNamespaceCommand({ Id: id }))))
        .Namespace ?? { Id: id, Name: name })
    : ((await listNamespaces(ctx)).find((n) => n.Name === name) ?? { Name: name });
  return ensured(ctx, { action: 'created', kind: 'namespace', name, detail: String(namespace.Id) }, namespace);
}

/**
 * Returns the Cloud Map service with the input's name in its namespace, or
 * creates it tagged with the stack.
 *
 * @example
 * ```ts
 * const { resource: service } = await ensureDiscoveryService(ctx, discoveryService('invsys').namespaceId(namespace.Id!).dnsRecord('A', 60));
 * // service.Arn → 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-…'
 * ```
 */
export async function ensureDiscoveryService(
  ctx: OperationContext,
  definition: Buildable<CreateServiceCommandInput>,
): Promise<Ensured<Service | ServiceSummary>> {
  const input = built(definition);
  const name = input.Name ?? '';
  const sd = ctx.clients.serviceDiscovery;
  let NextToken: string | undefined;
  do {
    const page = await call(ctx, 'servicediscovery:ListServices', name, () =>
      sd.send(
        new ListServicesCommand({
          NextToken,
          ...(input.NamespaceId !== undefined && { Filters: [{ Name: 'NAMESPACE_ID', Values: [input.NamespaceId], Condition: 'EQ' }] }),
        }),
      ),
    );
    const found = page.Services?.find((s) => s.Name === name);
    if (found) return { resource: found, action: 'unchanged' };
    NextToken = page.NextToken;
  } while (NextToken);
  const out = await call(ctx, 'servicediscovery:CreateService', name, () =>
    sd.send(new CreateServiceCommand({ ...input, CreatorRequestId: input.CreatorRequestId ?? randomUUID(), Tags: keyValueTags(definitionTags(ctx, input.Tags)) })),
  );
  return ensured(ctx, { action: 'created', kind: 'discovery-service', name }, out.Service ?? { Name: name });
}
