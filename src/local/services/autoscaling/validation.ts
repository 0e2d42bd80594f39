/**
 * Input checks shared by the Application Auto Scaling operations.
 *
 * @internal
 */
import { AwsError } from '../../core/types.js';

/** Namespaces the local cloud scales (ECS services). */
export const SERVICE_NAMESPACES = ['ecs'] as const;

/** A required parameter or AWS's `ValidationException`. */
export function need<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null || value === '') {
    throw new AwsError('ValidationException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

/** A service namespace the local cloud supports. */
export function readNamespace(value: unknown): string {
  const ns = String(need(value, 'serviceNamespace'));
  if (!(SERVICE_NAMESPACES as readonly string[]).includes(ns)) {
    const known = ['ecs', 'elasticmapreduce', 'ec2', 'appstream', 'dynamodb', 'rds', 'sagemaker', 'custom-resource', 'comprehend', 'lambda', 'cassandra', 'kafka', 'elasticache', 'neptune', 'workspaces'];
    if (!known.includes(ns)) {
      throw new AwsError('ValidationException', `1 validation error detected: Value '${ns}' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: [${known.join(', ')}]`);
    }
    throw new AwsError('ValidationException', `The ecskit local cloud scales ECS services only (serviceNamespace ecs), got: ${ns}`);
  }
  return ns;
}

/** Checks an ECS resource id (`service/<cluster>/<service>`) and dimension. */
export function readTarget(input: any): { ServiceNamespace: string; ResourceId: string; ScalableDimension: string } {
  const ServiceNamespace = readNamespace(input.ServiceNamespace);
  const ResourceId = String(need(input.ResourceId, 'resourceId'));
  const ScalableDimension = String(need(input.ScalableDimension, 'scalableDimension'));
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
