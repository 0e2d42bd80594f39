/**
 * Attributes of container instances: PutAttributes, ListAttributes,
 * DeleteAttributes. Built-in attributes (`ecs.*`, `com.amazonaws.ecs.*`)
 * come from registration and cannot be put or deleted; each container
 * instance takes up to {@link MAX_CUSTOM_ATTRIBUTES} custom ones
 * (`AttributeLimitExceededException`). `memberOf` placement constraints and
 * ListContainerInstances' filter see both kinds.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { paginate } from '../../core/util.js';
import { clean, findContainerInstance, requireCluster, stateOf, type ClusterRecord, type ContainerInstanceRecord, type Json } from './state.js';

/** Custom attributes one container instance can have. */
export const MAX_CUSTOM_ATTRIBUTES = 10;
/** Attributes one PutAttributes/DeleteAttributes call can name. */
export const MAX_ATTRIBUTES_PER_CALL = 10;

const NAME = /^[A-Za-z0-9_./\\-]{1,128}$/;
const VALUE = /^[A-Za-z0-9_.@/\\: -]{1,128}$/;

/** Whether an attribute is one ECS sets itself (`ecs.*`, `com.amazonaws.ecs.*`). */
export function isBuiltInAttribute(name: string): boolean {
  return name.startsWith('ecs.') || name.startsWith('com.amazonaws.ecs.');
}

function invalid(message: string): never {
  throw new AwsError('InvalidParameterException', message);
}

/** One `Attribute` of a request, validated; its target resolved in the cluster. */
function resolveAttribute(ctx: RequestContext, cluster: ClusterRecord, raw: unknown, forDelete: boolean): { name: string; value?: string; target: ContainerInstanceRecord; echo: Json } {
  if (typeof raw !== 'object' || raw === null) invalid('Each attribute is an object: { name, value?, targetType?, targetId }.');
  const a = raw as Json;
  const name = typeof a.name === 'string' ? a.name : '';
  if (!NAME.test(name)) {
    invalid(`Attribute name '${String(a.name ?? '')}' is not valid: 1-128 letters (uppercase and lowercase), numbers, hyphens, underscores, forward slashes, back slashes or periods.`);
  }
  if (isBuiltInAttribute(name)) invalid(`Attribute name '${name}' is reserved: the ecs. and com.amazonaws.ecs. prefixes belong to the attributes Amazon ECS sets.`);
  let value: string | undefined;
  if (a.value !== undefined && a.value !== null) {
    if (forDelete) invalid(`Attribute '${name}': do not specify a value when deleting an attribute (name and target only).`);
    value = String(a.value);
    if (!VALUE.test(value) || value !== value.trim()) {
      invalid(`Attribute '${name}' value '${value}' is not valid: 1-128 letters, numbers, hyphens, underscores, periods, at signs, forward slashes, back slashes, colons or spaces, without leading or trailing spaces.`);
    }
  }
  if (a.targetType !== undefined && a.targetType !== 'container-instance') invalid(`targetType must be container-instance, got: ${String(a.targetType)}`);
  const targetId = typeof a.targetId === 'string' ? a.targetId : '';
  if (!targetId) invalid(`Attribute '${name}' needs a targetId: the container instance's ARN, or its ID with targetType container-instance.`);
  if (!targetId.startsWith('arn:') && a.targetType === undefined) {
    invalid(`Attribute '${name}': targetType is required when targetId is the short form ID (${targetId}); pass targetType container-instance, or the full ARN.`);
  }
  const target = findContainerInstance(ctx.state, targetId, cluster.clusterArn);
  if (!target || target.status === 'INACTIVE') {
    throw new AwsError('TargetNotFoundException', `Could not find ${targetId} in cluster ${cluster.clusterName}. Container instances are cluster-specific and Region-specific: list them with ListContainerInstances.`);
  }
  return { name, ...(value !== undefined ? { value } : {}), target, echo: clean({ name, value, targetType: a.targetType, targetId }) };
}

function attributeList(input: Json): unknown[] {
  const attributes: unknown = input.attributes;
  if (!Array.isArray(attributes) || attributes.length === 0) invalid('attributes must not be null or empty.');
  if (attributes.length > MAX_ATTRIBUTES_PER_CALL) {
    throw new AwsError('AttributeLimitExceededException', `You can specify up to ${MAX_ATTRIBUTES_PER_CALL} attributes in one call, got: ${attributes.length}.`);
  }
  return attributes;
}

/**
 * ECS PutAttributes: custom attributes on container instances of a
 * cluster (by ARN, or ID with `targetType: container-instance`). Nothing
 * changes when one of them is invalid or would take an instance past
 * {@link MAX_CUSTOM_ATTRIBUTES} custom attributes.
 */
export const PutAttributes: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const resolved = attributeList(input).map((raw) => resolveAttribute(ctx, cluster, raw, false));
  const after = new Map<ContainerInstanceRecord, Set<string>>();
  for (const { name, target } of resolved) {
    const names = after.get(target) ?? new Set(target.attributes.filter((x) => !isBuiltInAttribute(x.name)).map((x) => x.name));
    names.add(name);
    after.set(target, names);
  }
  for (const [target, names] of after) {
    if (names.size > MAX_CUSTOM_ATTRIBUTES) {
      throw new AwsError(
        'AttributeLimitExceededException',
        `You can apply up to ${MAX_CUSTOM_ATTRIBUTES} custom attributes for each resource. You can view the attributes of a resource with ListAttributes. You can remove existing attributes on a resource with DeleteAttributes. (${target.containerInstanceArn} would have ${names.size}.)`,
      );
    }
  }
  for (const { name, value, target } of resolved) {
    const existing = target.attributes.find((x) => x.name === name);
    if (existing) {
      if (value === undefined) delete existing.value;
      else existing.value = value;
    } else target.attributes.push({ name, ...(value !== undefined ? { value } : {}) });
    target.version++;
  }
  return { attributes: resolved.map((r) => r.echo) };
};

/**
 * ECS ListAttributes: the attributes (built-in and custom) of the cluster's
 * container instances, by name and value (`attributeValue` only with
 * `attributeName`), paginated (1-100 per page).
 */
export const ListAttributes: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  if (input.targetType !== 'container-instance') invalid(`targetType must be container-instance, got: ${String(input.targetType)}`);
  if (input.attributeValue !== undefined && input.attributeName === undefined) invalid('attributeValue can only be specified together with attributeName.');
  const rows: Json[] = [];
  for (const ci of Object.values(stateOf(ctx).containerInstances)) {
    if (ci.clusterArn !== cluster.clusterArn || ci.status === 'INACTIVE') continue;
    for (const a of ci.attributes) {
      if (input.attributeName !== undefined && a.name !== input.attributeName) continue;
      if (input.attributeValue !== undefined && a.value !== input.attributeValue) continue;
      rows.push(clean({ name: a.name, value: a.value, targetId: ci.containerInstanceArn }));
    }
  }
  const { page, nextToken } = paginate(rows, input.nextToken, input.maxResults, { pageSize: 100, maxPageSize: 100 });
  return clean({ attributes: page, nextToken });
};

/** ECS DeleteAttributes: custom attributes off container instances (a name an instance does not have is no error). */
export const DeleteAttributes: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const resolved = attributeList(input).map((raw) => resolveAttribute(ctx, cluster, raw, true));
  for (const { name, target } of resolved) {
    const before = target.attributes.length;
    target.attributes = target.attributes.filter((x) => x.name !== name);
    if (target.attributes.length !== before) target.version++;
  }
  return { attributes: resolved.map((r) => r.echo) };
};
