/**
 * Leaf helpers for container definitions: side-effect-free functions that
 * return the plain SDK objects, usable with the {@link container} builder or
 * in hand-written container definitions.
 *
 * @module
 */
import type { HealthCheck, LogConfiguration, PortMapping, TransportProtocol, ApplicationProtocol } from '@aws-sdk/client-ecs';
import type { CfnValue } from '../shared/cfn-value.js';
import { rules } from './ecs-rules.js';
import { checkInt, compact } from '../shared/validation.js';

/** Options of {@link portMapping} (everything but the container port). */
export interface PortMappingOptions {
  /** Host port; omit it under awsvpc, `0` asks bridge mode for a dynamic port. */
  readonly hostPort?: number;
  /** `tcp` (default) or `udp`. */
  readonly protocol?: TransportProtocol;
  /** Name of the mapping, used by Service Connect. */
  readonly name?: string;
  /** Application protocol for Service Connect. */
  readonly appProtocol?: ApplicationProtocol;
}

/**
 * One port mapping; the protocol defaults to `tcp`.
 *
 * @example
 * ```ts
 * portMapping(5000);                 // { "containerPort": 5000, "protocol": "tcp" }
 * portMapping(5000, { hostPort: 0 }); // { "containerPort": 5000, "hostPort": 0, "protocol": "tcp" }
 * ```
 * @throws {@link ValidationError} when a port is outside 1-65535 (hostPort: 0-65535).
 */
export function portMapping(containerPort: number, options: PortMappingOptions = {}): PortMapping {
  return portMappingAt('portMapping', 'portMappings[0]', containerPort, options);
}

/** @internal */
export function portMappingAt(
  subject: string,
  path: string,
  containerPort: number,
  options: PortMappingOptions,
): PortMapping {
  checkInt(subject, `${path}.containerPort`, containerPort, rules.containerPort);
  if (options.hostPort !== undefined) checkInt(subject, `${path}.hostPort`, options.hostPort, rules.hostPort);
  return compact({
    containerPort,
    hostPort: options.hostPort,
    protocol: options.protocol ?? 'tcp',
    name: options.name,
    appProtocol: options.appProtocol,
  });
}

/** Options of {@link healthCheck}; durations are in seconds, as named. */
export interface HealthCheckOptions {
  /** A shell command (run as `["CMD-SHELL", command]`) or the exec form (`["CMD", "curl", …]`). */
  readonly command: string | readonly string[];
  /** Seconds between checks, 5-300 (AWS default 30). */
  readonly intervalSeconds?: number;
  /** Seconds before a check counts as failed, 2-120 (AWS default 5); must be below the interval. */
  readonly timeoutSeconds?: number;
  /** Consecutive failures before the container is unhealthy, 1-10 (AWS default 3). */
  readonly retries?: number;
  /** Grace seconds after start when failures do not count, 0-300 (AWS default 0). */
  readonly startPeriodSeconds?: number;
}

/**
 * A container health check. A string command becomes `["CMD-SHELL", command]`.
 *
 * @example
 * ```ts
 * healthCheck({
 *   command: 'curl -f http://localhost:5000/items || exit 1',
 *   intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 60,
 * });
 * // { "command": ["CMD-SHELL", "curl -f http://localhost:5000/items || exit 1"],
 * //   "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 60 }
 * ```
 * @throws {@link ValidationError} when a bound is out of range (interval 5-300,
 * timeout 2-120, retries 1-10, start period 0-300).
 */
export function healthCheck(options: HealthCheckOptions): HealthCheck {
  return healthCheckAt('healthCheck', 'healthCheck', options);
}

/** @internal */
export function healthCheckAt(subject: string, path: string, options: HealthCheckOptions): HealthCheck {
  const { intervalSeconds, timeoutSeconds, retries, startPeriodSeconds } = options;
  if (intervalSeconds !== undefined) checkInt(subject, `${path}.interval`, intervalSeconds, rules.interval);
  if (timeoutSeconds !== undefined) checkInt(subject, `${path}.timeout`, timeoutSeconds, rules.timeout);
  if (retries !== undefined) checkInt(subject, `${path}.retries`, retries, rules.retries);
  if (startPeriodSeconds !== undefined) {
    checkInt(subject, `${path}.startPeriod`, startPeriodSeconds, rules.startPeriod);
  }
  const command = typeof options.command === 'string' ? ['CMD-SHELL', options.command] : [...options.command];
  return compact({
    command,
    interval: intervalSeconds,
    timeout: timeoutSeconds,
    retries,
    startPeriod: startPeriodSeconds,
  });
}

/** Options of {@link awsLogs}: where the `awslogs` driver sends a container's output. */
export interface AwsLogsOptions {
  /** CloudWatch Logs group, e.g. `/ecs/flask-inventory-invsys`. */
  readonly group: CfnValue;
  /** Region of the log group (in a template, `cfnRef('AWS::Region')`). */
  readonly region: CfnValue;
  /** Stream name prefix; streams are named `prefix/container/taskId`. */
  readonly streamPrefix?: string;
  /** Create the group when missing (needs `logs:CreateLogGroup` on the execution role). */
  readonly createGroup?: boolean;
  /** `blocking` (default) or `non-blocking` delivery. */
  readonly mode?: 'blocking' | 'non-blocking';
}

/** A log configuration whose option values may be CloudFormation intrinsics. */
export type LogConfigurationSpec = Omit<LogConfiguration, 'options'> & {
  /** Driver options; values may be intrinsics inside a template. */
  options?: Record<string, CfnValue>;
};

/**
 * An `awslogs` log configuration.
 *
 * @example
 * ```ts
 * awsLogs({ group: '/ecs/flask-inventory-invsys', region: 'us-east-1', streamPrefix: 'ecs', createGroup: true });
 * // { "logDriver": "awslogs",
 * //   "options": { "awslogs-group": "/ecs/flask-inventory-invsys", "awslogs-region": "us-east-1",
 * //                "awslogs-stream-prefix": "ecs", "awslogs-create-group": "true" } }
 * ```
 */
export function awsLogs(options: AwsLogsOptions): LogConfigurationSpec {
  const out: Record<string, CfnValue> = {
    'awslogs-group': options.group,
    'awslogs-region': options.region,
  };
  if (options.streamPrefix !== undefined) out['awslogs-stream-prefix'] = options.streamPrefix;
  if (options.createGroup !== undefined) out['awslogs-create-group'] = String(options.createGroup);
  if (options.mode !== undefined) out['mode'] = options.mode;
  return { logDriver: 'awslogs', options: out };
}
