/**
 * Input checks shared by the Application Auto Scaling operations.
 *
 * @internal
 */
import { AwsError } from '../../core/types.js';
import { paginate } from '../../core/util.js';

/** Service namespaces of the API (the model's enum). Only `ecs` scales anything here; the others are stored. */
export const SERVICE_NAMESPACES = ['ecs', 'elasticmapreduce', 'ec2', 'appstream', 'dynamodb', 'rds', 'sagemaker', 'custom-resource', 'comprehend', 'lambda', 'cassandra', 'kafka', 'elasticache', 'neptune', 'workspaces'] as const;

/** A required parameter or AWS's `ValidationException`. */
export function need<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null || value === '') {
    throw new AwsError('ValidationException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

/** A service namespace of the API. */
export function readNamespace(value: unknown): string {
  const ns = String(need(value, 'serviceNamespace'));
  if (!(SERVICE_NAMESPACES as readonly string[]).includes(ns)) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${ns}' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: [${SERVICE_NAMESPACES.join(', ')}]`);
  }
  return ns;
}

/**
 * Checks a target's identity: for ECS a `service/<cluster>/<service>` id and
 * `ecs:service:DesiredCount`; for the other namespaces (stored, acting on
 * nothing) a dimension of that namespace and a non-empty resource id.
 */
export function readTarget(input: any): { ServiceNamespace: string; ResourceId: string; ScalableDimension: string } {
  const ServiceNamespace = readNamespace(input.ServiceNamespace);
  const ResourceId = String(need(input.ResourceId, 'resourceId'));
  const ScalableDimension = String(need(input.ScalableDimension, 'scalableDimension'));
  if (ServiceNamespace !== 'ecs') {
    if (!ScalableDimension.startsWith(`${ServiceNamespace}:`)) {
      throw new AwsError('ValidationException', `Unsupported service namespace, resource type or scalable dimension: ${ScalableDimension} is not a dimension of ${ServiceNamespace}`);
    }
    return { ServiceNamespace, ResourceId, ScalableDimension };
  }
  if (ScalableDimension !== 'ecs:service:DesiredCount') {
    throw new AwsError('ValidationException', `Unsupported service namespace, resource type or scalable dimension: ${ScalableDimension} (ECS services scale ecs:service:DesiredCount)`);
  }
  if (!/^service\/[A-Za-z0-9_-]{1,255}\/[A-Za-z0-9_-]{1,255}$/.test(ResourceId)) {
    throw new AwsError('ValidationException', `Unsupported service namespace, resource type or scalable dimension: resource ID ${ResourceId} must be service/<cluster-name>/<service-name>`);
  }
  return { ServiceNamespace, ResourceId, ScalableDimension };
}

/** Cluster and service names of an ECS resource id. */
export function ecsNames(resourceId: string): { cluster: string; service: string } {
  const [, cluster = '', service = ''] = resourceId.split('/');
  return { cluster, service };
}

/** `MaxResults` of a Describe* call: 1–50, 50 when absent; else `ValidationException`. */
export function readMaxResults(input: { MaxResults?: unknown }): number {
  const max = input.MaxResults === undefined ? 50 : Number(input.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 50) throw new AwsError('ValidationException', `MaxResults must be between 1 and 50, got: ${String(input.MaxResults)}`);
  return max;
}

/** One page of a Describe* answer, `max` items at most; a token this cloud did not issue is `InvalidNextTokenException`. */
export function page<T>(items: readonly T[], nextToken: string | undefined, max: number): { page: T[]; nextToken?: string } {
  return paginate(items, nextToken, max, {
    pageSize: 50,
    invalidToken: () => new AwsError('InvalidNextTokenException', 'The next token is invalid.'),
  });
}
