/**
 * ECS services: `ensureService` (create or update), `deploy`, `rollback` and
 * `scale`. Each returns the deployment id to follow — the PRIMARY deployment
 * of the CreateService/UpdateService response — so a waiter follows that one
 * deployment rather than "the service".
 *
 * @module
 */
import {
  CreateServiceCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  UpdateServiceCommand,
  type CreateServiceCommandInput,
  type Service,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { call, definitionTags, emit, lowerKeyValueTags, type OperationContext } from './context.js';
import { OperationError } from './errors.js';
import type { Ensured, OperationEvent } from './events.js';
import { callPages } from './pages.js';

/** A service builder (`service(…)` with cluster and task definition) or the CreateService input. */
export type ServiceDefinitionInput =
  | CreateServiceCommandInput
  | {
      /** The CreateService input. */
      build(): CreateServiceCommandInput;
      /** The UpdateService input for the same service. */
      buildUpdate(options?: { forceNewDeployment?: boolean }): UpdateServiceCommandInput;
    };

/** Options of {@link ensureService}. */
export interface EnsureServiceOptions {
  /**
   * Leave an existing service's desired count alone (when Auto Scaling owns
   * it). Default `false`: the definition's count is applied.
   */
  readonly keepDesiredCount?: boolean;
  /** Start a new deployment even when nothing changed. */
  readonly forceNewDeployment?: boolean;
}

/** What {@link ensureService} returns: the service as the CreateService/UpdateService/DescribeServices response has it, what was done, and the deployment to follow. */
export type EnsureServiceResult = Ensured<Service> & {
  /** The PRIMARY deployment's id (`ecs-svc/…`): follow it with `waitForDeployment`. */
  readonly deploymentId: string;
};

/** What {@link deploy}, {@link rollback} and {@link scale} return. */
export interface DeployResult {
  /** The service after the update. */
  readonly service: Service;
  /** The PRIMARY deployment's id after the update. */
  readonly deploymentId: string;
  /** The task definition the PRIMARY deployment runs. */
  readonly taskDefinition: string;
}

/** The id of the PRIMARY deployment of a service. @internal */
function primaryId(service: Service | undefined): string {
  return service?.deployments?.find((d) => d.status === 'PRIMARY')?.id ?? '';
}

/** The `family:revision` of a task definition ARN (or the input unchanged). @internal */
function familyRevision(arnOrName: string | undefined): string {
  return (arnOrName ?? '').split('/').at(-1) ?? '';
}

/** The live (ACTIVE or DRAINING) service `name` of `cluster`, if any. @internal */
async function describeService(ctx: OperationContext, cluster: string, name: string): Promise<Service | undefined> {
  const out = await call(ctx, 'ecs:DescribeServices', name, () =>
    ctx.clients.ecs.send(new DescribeServicesCommand({ cluster, services: [name], include: ['TAGS'] })),
  );
  return out.services?.find((s) => s.status === 'ACTIVE');
}

/** UpdateService wrapped and reported (`how`: a deploy's task definition or a scale's count). @internal */
async function update(
  ctx: OperationContext,
  input: UpdateServiceCommandInput,
  how: Pick<OperationEvent, 'taskDefinition' | 'desiredCount'> = {},
): Promise<DeployResult> {
  const name = input.service ?? '';
  const out = await call(ctx, 'ecs:UpdateService', name, () => ctx.clients.ecs.send(new UpdateServiceCommand(input)));
  const service = out.service ?? { serviceName: name };
  const deploymentId = primaryId(service);
  emit(ctx, { action: 'updated', kind: 'service', name, ...how, ...(deploymentId && { detail: `deployment ${deploymentId}` }) });
  return { service, deploymentId, taskDefinition: service.taskDefinition ?? input.taskDefinition ?? '' };
}

/** UpdateService input derived from a CreateService input. @internal */
function updateFromCreate(input: CreateServiceCommandInput): UpdateServiceCommandInput {
  return Object.fromEntries(
    Object.entries({
      cluster: input.cluster,
      service: input.serviceName,
      taskDefinition: input.taskDefinition,
      desiredCount: input.desiredCount,
      deploymentConfiguration: input.deploymentConfiguration,
      networkConfiguration: input.networkConfiguration,
      healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds,
      capacityProviderStrategy: input.capacityProviderStrategy,
      placementConstraints: input.placementConstraints,
      placementStrategy: input.placementStrategy,
      enableExecuteCommand: input.enableExecuteCommand,
    }).filter(([, v]) => v !== undefined),
  ) as unknown as UpdateServiceCommandInput;
}

/** True when the update would change nothing the service already has. @internal */
function unchanged(service: Service, input: UpdateServiceCommandInput): boolean {
  if (input.taskDefinition !== undefined && familyRevision(service.taskDefinition) !== familyRevision(input.taskDefinition)) {
    // A bare family ("web") means "latest": compare families only when no revision was given.
    const [family, revision] = familyRevision(input.taskDefinition).split(':');
    if (revision !== undefined || familyRevision(service.taskDefinition).split(':')[0] !== family) return false;
  }
  if (input.desiredCount !== undefined && input.desiredCount !== service.desiredCount) return false;
  if (input.healthCheckGracePeriodSeconds !== undefined && input.healthCheckGracePeriodSeconds !== service.healthCheckGracePeriodSeconds) {
    return false;
  }
  const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const dc = input.deploymentConfiguration;
  if (dc) {
    const have = service.deploymentConfiguration ?? {};
    if (dc.maximumPercent !== undefined && dc.maximumPercent !== have.maximumPercent) return false;
    if (dc.minimumHealthyPercent !== undefined && dc.minimumHealthyPercent !== have.minimumHealthyPercent) return false;
    if (dc.deploymentCircuitBreaker && !sameJson(dc.deploymentCircuitBreaker, have.deploymentCircuitBreaker)) return false;
  }
  const net = input.networkConfiguration?.awsvpcConfiguration;
  if (net) {
    const have = service.networkConfiguration?.awsvpcConfiguration;
    const sorted = (xs: readonly string[] | undefined) => [...(xs ?? [])].sort();
    if (!sameJson(sorted(net.subnets), sorted(have?.subnets))) return false;
    if (!sameJson(sorted(net.securityGroups), sorted(have?.securityGroups))) return false;
    if ((net.assignPublicIp ?? 'DISABLED') !== (have?.assignPublicIp ?? 'DISABLED')) return false;
  }
  return true;
}

/**
 * Creates the service (tagged with the stack) or, when it exists, updates it
 * to the definition — skipping the update when nothing would change. Returns
 * the PRIMARY deployment id of the response, ready for a waiter.
 *
 * @example
 * ```ts
 * const { deploymentId, action } = await ensureService(ctx,
 *   service('invsys-service').cluster('flask-inventory-cluster').taskDefinition(invsys.familyRevision)
 *     .desiredCount(2).awsvpc({ subnets: net.subnetIds, securityGroups: [groupId] }));
 * // deploymentId → 'ecs-svc/1234567890123456789', action → 'created'
 * ```
 */
export async function ensureService(
  ctx: OperationContext,
  definition: ServiceDefinitionInput,
  options: EnsureServiceOptions = {},
): Promise<EnsureServiceResult> {
  const isBuilder = typeof (definition as { build?: unknown }).build === 'function';
  const input = isBuilder ? (definition as { build(): CreateServiceCommandInput }).build() : (definition as CreateServiceCommandInput);
  const name = input.serviceName ?? '';
  const cluster = input.cluster ?? 'default';
  const existing = await describeService(ctx, cluster, name);
  if (!existing) {
    const out = await call(ctx, 'ecs:CreateService', name, () =>
      ctx.clients.ecs.send(new CreateServiceCommand({ ...input, tags: lowerKeyValueTags(definitionTags(ctx, input.tags)), propagateTags: input.propagateTags ?? 'SERVICE' })),
    );
    const service = out.service ?? { serviceName: name };
    const deploymentId = primaryId(service);
    emit(ctx, { action: 'created', kind: 'service', name, detail: `deployment ${deploymentId}` });
    return { resource: service, deploymentId, action: 'created' };
  }
  const base = isBuilder
    ? (definition as { buildUpdate(o?: { forceNewDeployment?: boolean }): UpdateServiceCommandInput }).buildUpdate()
    : updateFromCreate(input);
  const { desiredCount, ...rest } = { ...base, cluster, service: name };
  const wanted: UpdateServiceCommandInput = options.keepDesiredCount || desiredCount === undefined ? rest : { ...rest, desiredCount };
  if (!options.forceNewDeployment && unchanged(existing, wanted)) {
    return { resource: existing, deploymentId: primaryId(existing), action: 'unchanged' };
  }
  const result = await update(ctx, { ...wanted, ...(options.forceNewDeployment && { forceNewDeployment: true }) });
  return { resource: result.service, deploymentId: result.deploymentId, action: 'updated' };
}

/** Which service an operation acts on. */
export interface ServiceRef {
  /** Cluster name or ARN. */
  readonly cluster: string;
  /** Service name or ARN. */
  readonly service: string;
}

/**
 * Rolls the service out to `taskDefinition` (`family:revision` or ARN) and
 * returns the new PRIMARY deployment's id.
 *
 * @example
 * ```ts
 * const v2 = await registerTaskDefinition(ctx, invsysV2);
 * const { deploymentId } = await deploy(ctx, { cluster: 'flask-inventory-cluster', service: 'invsys-service',
 *   taskDefinition: v2.familyRevision });
 * // deploymentId → 'ecs-svc/…' (follow it with waitForDeployment)
 * ```
 */
export function deploy(
  ctx: OperationContext,
  options: ServiceRef & { readonly taskDefinition: string; readonly forceNewDeployment?: boolean },
): Promise<DeployResult> {
  return update(
    ctx,
    {
      cluster: options.cluster,
      service: options.service,
      taskDefinition: options.taskDefinition,
      ...(options.forceNewDeployment && { forceNewDeployment: true }),
    },
    { taskDefinition: options.taskDefinition },
  );
}

/**
 * Rolls the service back: to `toTaskDefinition` when given, otherwise to the
 * task definition of the most recent SUCCESSFUL (completed) service
 * deployment that runs something other than what the service runs now.
 *
 * @throws {@link OperationError} when there is no earlier completed deployment to go back to.
 * @example
 * ```ts
 * const { taskDefinition, deploymentId } = await rollback(ctx, { cluster: 'flask-inventory-cluster', service: 'invsys-service' });
 * // taskDefinition → 'arn:aws:ecs:…:task-definition/flask-inventory-invsys:1'
 * ```
 */
export async function rollback(ctx: OperationContext, options: ServiceRef & { readonly toTaskDefinition?: string }): Promise<DeployResult> {
  if (options.toTaskDefinition !== undefined) {
    return deploy(ctx, { cluster: options.cluster, service: options.service, taskDefinition: options.toTaskDefinition });
  }
  const { ecs } = ctx.clients;
  const current = await describeService(ctx, options.cluster, options.service);
  if (!current) throw new OperationError('ecs:DescribeServices', options.service, `no ACTIVE service ${options.service} in cluster ${options.cluster}`);
  const now = familyRevision(current.taskDefinition);
  const deployments = await callPages(
    ctx, 'ecs:ListServiceDeployments', options.service,
    (nextToken) => ecs.send(new ListServiceDeploymentsCommand({ cluster: options.cluster, service: options.service, status: ['SUCCESSFUL'], nextToken })),
    (p) => p.nextToken, (p) => p.serviceDeployments,
  );
  const arns = deployments
    .flatMap((d) => (d.targetServiceRevisionArn ? [{ arn: d.targetServiceRevisionArn, finishedAt: (d.finishedAt ?? d.createdAt)?.getTime() ?? 0 }] : []))
    .sort((a, b) => b.finishedAt - a.finishedAt);
  for (let i = 0; i < arns.length; i += 20) {
    const batch = arns.slice(i, i + 20);
    const out = await call(ctx, 'ecs:DescribeServiceRevisions', options.service, () =>
      ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: batch.map((b) => b.arn) })),
    );
    const byArn = new Map((out.serviceRevisions ?? []).map((r) => [r.serviceRevisionArn, r.taskDefinition]));
    for (const b of batch) {
      const td = byArn.get(b.arn);
      if (td && familyRevision(td) !== now) {
        return deploy(ctx, { cluster: options.cluster, service: options.service, taskDefinition: td });
      }
    }
  }
  throw new OperationError(
    'ecs:ListServiceDeployments',
    options.service,
    `no earlier completed deployment runs anything but ${now}; pass toTaskDefinition: 'family:revision' to roll back to a named revision`,
  );
}

/**
 * Sets the service's desired count (the scheduler starts or stops tasks;
 * no new deployment is created).
 *
 * @example
 * ```ts
 * await scale(ctx, { cluster: 'flask-inventory-cluster', service: 'invsys-service', desiredCount: 4 });
 * ```
 */
export async function scale(ctx: OperationContext, options: ServiceRef & { readonly desiredCount: number }): Promise<DeployResult> {
  if (!Number.isInteger(options.desiredCount) || options.desiredCount < 0) {
    throw new OperationError('ecs:UpdateService', options.service, `desiredCount must be a whole number ≥ 0, got: ${options.desiredCount}`);
  }
  return update(ctx, { cluster: options.cluster, service: options.service, desiredCount: options.desiredCount }, { desiredCount: options.desiredCount });
}
