/**
 * `registerTaskDefinition`: register a revision only when it differs from the
 * latest ACTIVE one, after normalising the defaults AWS fills in.
 *
 * @module
 */
import { CreateLogGroupCommand, DescribeLogGroupsCommand, PutRetentionPolicyCommand, type LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { built, call, definitionTags, emit, lowerKeyValueTags, stackTags, type Buildable, type OperationContext } from './context.js';
import { hasErrorCode } from './errors.js';
import type { Ensured } from './events.js';

/** Options of {@link registerTaskDefinition}. */
export interface RegisterTaskDefinitionOptions {
  /**
   * Create (tagged with the stack) the log groups the containers' `awslogs`
   * options name, so `destroy()` removes them. Default `true`.
   */
  readonly createLogGroups?: boolean;
}

/**
 * What {@link registerTaskDefinition} returns: the revision now in use (the
 * new one, `created`, or the latest ACTIVE one it equals, `unchanged`) and its
 * `family:revision`.
 */
export type RegisterTaskDefinitionResult = Ensured<TaskDefinition> & {
  /** `family:revision`, ready for a service. */
  readonly familyRevision: string;
};

/** Fields DescribeTaskDefinition adds that are not part of the registration. */
const COMPUTED = new Set([
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
  'tags',
]);

/** Removes `undefined`, `null`, empty arrays and empty objects, recursively. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v) => v !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = prune((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value ?? undefined;
}

const byName = (a: { name?: string }, b: { name?: string }) => (a.name ?? '').localeCompare(b.name ?? '');

/**
 * The comparable form of a task definition: what RegisterTaskDefinition
 * would receive, with AWS's defaults applied and computed fields, empty
 * lists and `undefined`s dropped, so that an input and DescribeTaskDefinition's
 * echo of it compare equal. Defaults applied: `networkMode: bridge`,
 * container `essential: true`, `cpu: 0`, port protocol `tcp`, `hostPort`
 * = `containerPort` in `awsvpc`/`host` mode (and `0` in bridge mode),
 * health-check `interval: 30`, `timeout: 5`, `retries: 3`, `startPeriod: 0`;
 * task `cpu`/`memory` as strings; environment, secrets and compatibilities
 * sorted (their order has no meaning).
 *
 * @internal
 * @example
 * ```ts
 * normalizeTaskDefinition({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx', memory: 256,
 *   portMappings: [{ containerPort: 80 }] }] });
 * // { containerDefinitions: [{ cpu: 0, essential: true, image: 'nginx', memory: 256, name: 'web',
 * //   portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }] }], family: 'web', networkMode: 'bridge' }
 * ```
 */
export function normalizeTaskDefinition(input: RegisterTaskDefinitionCommandInput | TaskDefinition): Record<string, unknown> {
  const source = Object.fromEntries(Object.entries(input).filter(([k]) => !COMPUTED.has(k))) as Record<string, unknown> &
    RegisterTaskDefinitionCommandInput;
  const networkMode = source.networkMode ?? 'bridge';
  const containers = (source.containerDefinitions ?? []).map((c) => ({
    ...c,
    essential: c.essential ?? true,
    cpu: c.cpu ?? 0,
    portMappings: c.portMappings?.map((p) => ({
      ...p,
      protocol: p.protocol ?? 'tcp',
      hostPort:
        networkMode === 'awsvpc' || networkMode === 'host'
          ? (p.hostPort ?? p.containerPort)
          : p.hostPort ?? (p.containerPortRange === undefined ? 0 : undefined),
    })),
    environment: c.environment && [...c.environment].sort(byName),
    secrets: c.secrets && [...c.secrets].sort(byName),
    healthCheck: c.healthCheck && {
      ...c.healthCheck,
      interval: c.healthCheck.interval ?? 30,
      timeout: c.healthCheck.timeout ?? 5,
      retries: c.healthCheck.retries ?? 3,
      startPeriod: c.healthCheck.startPeriod || undefined,
    },
  }));
  const normalized = {
    ...source,
    networkMode,
    containerDefinitions: containers,
    cpu: source.cpu === undefined ? undefined : String(source.cpu),
    memory: source.memory === undefined ? undefined : String(source.memory),
    requiresCompatibilities: source.requiresCompatibilities && [...source.requiresCompatibilities].sort(),
  };
  return (prune(normalized) ?? {}) as Record<string, unknown>;
}

/** JSON of a normalised definition, for equality. @internal */
function fingerprint(td: RegisterTaskDefinitionCommandInput | TaskDefinition): string {
  return JSON.stringify(normalizeTaskDefinition(td));
}

/**
 * True when registering `input` would produce the same task definition as
 * `latest` (DescribeTaskDefinition's `taskDefinition`), ignoring AWS's
 * defaults, computed fields and tags.
 *
 * @example
 * ```ts
 * const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }));
 * sameTaskDefinition(webTd.build(), taskDefinition!); // true → no new revision needed
 * ```
 */
export function sameTaskDefinition(input: RegisterTaskDefinitionCommandInput, latest: TaskDefinition): boolean {
  return fingerprint(input) === fingerprint(latest);
}

/**
 * Registers a task definition (a builder or the SDK input) unless it equals
 * the latest ACTIVE revision of its family after normalisation (see
 * {@link sameTaskDefinition}); new revisions are tagged with the stack.
 * Also creates the `awslogs` log groups it names (tagged) unless told not to.
 *
 * @example
 * ```ts
 * const first = await registerTaskDefinition(ctx, invsysTd);  // { familyRevision: 'flask-inventory-invsys:1', action: 'created', resource: … }
 * const again = await registerTaskDefinition(ctx, invsysTd);  // { familyRevision: 'flask-inventory-invsys:1', action: 'unchanged', resource: … }
 * ```
 */
export async function registerTaskDefinition(
  ctx: OperationContext,
  definition: Buildable<RegisterTaskDefinitionCommandInput>,
  options: RegisterTaskDefinitionOptions = {},
): Promise<RegisterTaskDefinitionResult> {
  const input = built(definition);
  const family = input.family ?? '';
  const { ecs } = ctx.clients;
  if (options.createLogGroups !== false) await ensureLogGroupsOf(ctx, input);

  let latest: TaskDefinition | undefined;
  try {
    const out = await call(ctx, 'ecs:DescribeTaskDefinition', family, () =>
      ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family })),
    );
    latest = out.taskDefinition?.status === 'ACTIVE' ? out.taskDefinition : undefined;
  } catch (error) {
    // ECS answers ClientException "Unable to describe task definition." for an unknown family.
    if (!hasErrorCode(error, 'ClientException')) throw error;
  }
  if (latest && sameTaskDefinition(input, latest)) {
    emit(ctx, { action: 'unchanged', kind: 'task-definition', name: `${family}:${latest.revision}` });
    return { resource: latest, familyRevision: `${family}:${latest.revision}`, action: 'unchanged' };
  }
  const out = await call(ctx, 'ecs:RegisterTaskDefinition', family, () =>
    ecs.send(new RegisterTaskDefinitionCommand({ ...input, tags: lowerKeyValueTags(definitionTags(ctx, input.tags)) })),
  );
  const td = out.taskDefinition ?? { family };
  emit(ctx, { action: 'created', kind: 'task-definition', name: `${family}:${td.revision}` });
  return { resource: td, familyRevision: `${family}:${td.revision}`, action: 'created' };
}

/** Creates (tagged) the awslogs groups a task definition names, when missing. @internal */
async function ensureLogGroupsOf(ctx: OperationContext, input: RegisterTaskDefinitionCommandInput): Promise<void> {
  const groups = new Set<string>();
  for (const c of input.containerDefinitions ?? []) {
    const options = c.logConfiguration?.logDriver === 'awslogs' ? c.logConfiguration.options : undefined;
    const group = options?.['awslogs-group'];
    if (group) groups.add(group);
  }
  for (const group of groups) await ensureLogGroup(ctx, group);
}

/**
 * Creates the CloudWatch Logs group `name`, tagged with the stack, unless it
 * exists; sets its retention when given (on creation).
 *
 * @example
 * ```ts
 * await ensureLogGroup(ctx, '/ecs/flask-inventory', { retentionDays: 7 }); // { resource: { logGroupName: '/ecs/flask-inventory', … }, action: 'created' }
 * ```
 */
export async function ensureLogGroup(
  ctx: OperationContext,
  name: string,
  options: { readonly retentionDays?: number } = {},
): Promise<Ensured<LogGroup>> {
  const { logs } = ctx.clients;
  const out = await call(ctx, 'logs:DescribeLogGroups', name, () =>
    logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name })),
  );
  const existing = out.logGroups?.find((g) => g.logGroupName === name);
  if (existing) return { resource: existing, action: 'unchanged' };
  try {
    await call(ctx, 'logs:CreateLogGroup', name, () => logs.send(new CreateLogGroupCommand({ logGroupName: name, tags: stackTags(ctx) })));
  } catch (error) {
    if (!hasErrorCode(error, 'ResourceAlreadyExistsException')) throw error;
    return { resource: { logGroupName: name }, action: 'unchanged' };
  }
  if (options.retentionDays !== undefined) {
    await call(ctx, 'logs:PutRetentionPolicy', name, () =>
      logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: options.retentionDays })),
    );
  }
  emit(ctx, { action: 'created', kind: 'log-group', name });
  return { resource: { logGroupName: name }, action: 'created' };
}
