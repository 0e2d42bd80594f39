/**
 * Amazon ECS service quotas and task-size limits, checked with AWS's errors
 * before any state changes: tasks per service (the desired count), tasks per
 * RunTask, and the task-level and container-level CPU and memory a task
 * definition may ask for.
 *
 * Sources: "Amazon ECS service quotas" (tasks per service 5,000, or 1,000
 * with service discovery; RunTask `count` 1–10, not adjustable) and the
 * RegisterTaskDefinition reference (EC2/EXTERNAL task `cpu` 128–196,608 CPU
 * units; Fargate: the CPU/memory table in `task-definitions.ts`). AWS answers
 * `InvalidParameterException: Desired count exceeds limit.`, `Task count can
 * not be greater than 10` and `ClientException: Invalid 'cpu' setting for
 * task.`; the messages here start with AWS's words and add the field, the
 * value and the fix.
 *
 * @internal
 */
import { AwsError } from '../../core/types.js';

/** Amazon ECS's default service quotas the local cloud enforces. */
export const ECS_QUOTAS = {
  /** Tasks per service (the desired count). */
  tasksPerService: 5000,
  /** Tasks per service that uses service discovery (the Cloud Map instances-per-service quota). */
  tasksPerServiceWithServiceDiscovery: 1000,
  /** Tasks one RunTask call launches (`count`). */
  tasksPerRunTask: 10,
} as const;

/**
 * Task-size bounds. `cpu` is AWS's documented range for EC2/EXTERNAL tasks
 * (0.125–192 vCPUs). Memory has no documented upper bound; the local cloud
 * refuses more than the largest EC2 instance has (32 TiB, u7in-32tb), which no
 * container instance could ever place, and less than the 6 MiB a container
 * needs at least.
 */
export const TASK_SIZE_LIMITS = {
  /** Smallest task-level CPU units (EC2/EXTERNAL). */
  minTaskCpu: 128,
  /** Largest task-level CPU units (EC2/EXTERNAL), and largest container `cpu`. */
  maxCpu: 196_608,
  /** Smallest task-level or container memory, MiB. */
  minMemoryMiB: 6,
  /** Largest task-level or container memory, MiB (32 TiB). */
  maxMemoryMiB: 33_554_432,
} as const;

function invalidParameter(message: string): never {
  throw new AwsError('InvalidParameterException', message);
}

function clientError(message: string): never {
  throw new AwsError('ClientException', message);
}

/**
 * A service's desired count: a non-negative integer within the tasks-per-service
 * quota (1,000 when the service registers with Cloud Map).
 */
export function checkDesiredCount(desiredCount: unknown, serviceRegistries: readonly unknown[] = []): number {
  if (typeof desiredCount !== 'number' || !Number.isInteger(desiredCount) || desiredCount < 0) {
    invalidParameter(`desiredCount must be a non-negative integer, got: ${String(desiredCount)}`);
  }
  const discovery = serviceRegistries.length > 0;
  const limit = discovery ? ECS_QUOTAS.tasksPerServiceWithServiceDiscovery : ECS_QUOTAS.tasksPerService;
  if (desiredCount > limit) {
    invalidParameter(
      `Desired count exceeds limit. desiredCount is ${desiredCount}; a service${discovery ? ' with service discovery' : ''} can have at most ${limit} tasks ` +
        `(Amazon ECS quota "Tasks per service"). Set desiredCount to ${limit} or less, or split the work over several services.`,
    );
  }
  return desiredCount;
}

/** RunTask's `count` (default 1): an integer 1–10. */
export function checkRunTaskCount(count: unknown): number {
  const value = count ?? 1;
  const max = ECS_QUOTAS.tasksPerRunTask;
  if (typeof value === 'number' && Number.isInteger(value) && value > max) {
    invalidParameter(`Task count can not be greater than ${max}. count must be between 1 and ${max}, got: ${value}; call RunTask again for more tasks, or use a service.`);
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    invalidParameter(`count must be between 1 and ${max}, got: ${String(value)}`);
  }
  return value;
}

/**
 * Task-level `cpu` (CPU units) and `memory` (MiB), already normalised, for a
 * task definition that is not Fargate-only (Fargate pairs are checked against
 * AWS's table).
 */
export function checkTaskSize(cpu: string | undefined, memory: string | undefined, fargate: boolean): void {
  const { minTaskCpu, maxCpu, minMemoryMiB, maxMemoryMiB } = TASK_SIZE_LIMITS;
  if (cpu !== undefined && !fargate) {
    const units = Number(cpu);
    if (units < minTaskCpu || units > maxCpu) {
      clientError(
        `Invalid 'cpu' setting for task. cpu is ${cpu}; tasks on EC2 or external instances take ${minTaskCpu}-${maxCpu} CPU units (0.125-192 vCPUs). ` +
          `Use e.g. "256" or "1 vCPU", or leave it out.`,
      );
    }
  }
  if (memory !== undefined) {
    const mib = Number(memory);
    if (mib < minMemoryMiB || mib > maxMemoryMiB) {
      clientError(
        `Invalid 'memory' setting for task. memory is ${memory} MiB; it must be ${minMemoryMiB}-${maxMemoryMiB} MiB (no EC2 instance has more than 32 TiB). ` +
          `Use e.g. "512" or "1 GB".`,
      );
    }
  }
}

/** A container's `cpu`, `memory` and `memoryReservation`: integers within the bounds a task can have. */
export function checkContainerSize(name: string, sizes: { cpu?: unknown; memory?: unknown; memoryReservation?: unknown }): void {
  const { maxCpu, minMemoryMiB, maxMemoryMiB } = TASK_SIZE_LIMITS;
  const cpu = sizes.cpu;
  if (cpu !== undefined && cpu !== null && (!Number.isInteger(Number(cpu)) || Number(cpu) < 0 || Number(cpu) > maxCpu)) {
    clientError(`Invalid 'cpu' setting for container '${name}'. cpu must be an integer 0-${maxCpu} (CPU units; 1024 = 1 vCPU), got: ${String(cpu)}.`);
  }
  for (const key of ['memory', 'memoryReservation'] as const) {
    const value = sizes[key];
    if (value === undefined || value === null) continue;
    const mib = Number(value);
    if (!Number.isInteger(mib) || mib < minMemoryMiB || mib > maxMemoryMiB) {
      clientError(`Invalid '${key}' setting for container '${name}'. ${key} must be an integer ${minMemoryMiB}-${maxMemoryMiB} MiB, got: ${String(value)}.`);
    }
  }
}
