/**
 * The deployment waiters: {@link waitForDeployment} (a typed outcome),
 * {@link waitUntilDeploymentCompleted} (throws a {@link DeploymentError}
 * unless completed) and {@link followDeployment} (the events as an async
 * iterable).
 *
 * @module
 */
import { systemClock } from '../clock.js';
import { WaiterError, lastSegment, pollWaiter, type WaiterOptions } from '../common.js';
import { linkedController } from '../poller.js';
import { deploymentEvents, type DeploymentEvent } from './events.js';
import type { DeploymentObservation, DeploymentRef, WaiterClients } from './observation.js';
import { DeploymentObserver, type DeploymentNotFoundError } from './observer.js';
import { acceptDeployment, DEFAULT_DEPLOYMENT_RULES, type DeploymentAcceptorOptions, type DeploymentCompleted, type DeploymentOutcome } from './outcome.js';

/** Options of {@link waitForDeployment}. */
export interface DeploymentWaiterOptions extends WaiterOptions, Partial<DeploymentAcceptorOptions> {
  /** Called with every progress event, the outcome last. */
  readonly onEvent?: (event: DeploymentEvent) => void;
}

/**
 * Thrown by {@link waitUntilDeploymentCompleted} for any outcome but
 * `completed`; `outcome` is what {@link waitForDeployment} would have returned.
 *
 * @example
 * ```ts
 * try {
 *   await waitUntilDeploymentCompleted(aws, ref);
 * } catch (error) {
 *   if (error instanceof DeploymentError && error.outcome.outcome === 'rolledBack') {
 *     console.error(error.message);
 *     // [waitUntilDeploymentCompleted] lab/invsys-service deployment ecs-svc/123… rolledBack: ECS deployment circuit breaker: tasks failed to start.
 *   }
 * }
 * ```
 */
export class DeploymentError extends WaiterError<DeploymentOutcome> {
  /** Always `DeploymentError`. */
  override readonly name = 'DeploymentError';
  /** Always `'DeploymentError'`. */
  override readonly code = 'DeploymentError';
}

/**
 * Follows one deployment to a typed {@link DeploymentOutcome}. Polls at once,
 * then every `intervalSeconds` (default 2) with jitter; backs off only while
 * throttled; no hidden cap (set `timeoutSeconds`). Each poll costs
 * DescribeServices, two ListTasks (running and stopped, `startedBy` = the
 * deployment), DescribeTasks for tasks not yet known to be stopped, and —
 * once new tasks run — DescribeTargetHealth per target group and
 * ListInstances per Cloud Map service.
 *
 * @throws {@link DeploymentNotFoundError} when the service or the deployment does not exist at the first poll.
 * @example
 * ```ts
 * const { service } = await aws.ecs.send(new UpdateServiceCommand({ cluster: 'lab', service: 'invsys-service', taskDefinition: 'invsys:2' }));
 * const result = await waitForDeployment(aws, { cluster: 'lab', service: 'invsys-service', deploymentId: service!.deployments![0]!.id! }, {
 *   timeoutSeconds: 900,
 *   stalledAfterSeconds: 300,
 *   onEvent: tableRenderer(process.stdout),
 * });
 * // → { outcome: 'completed', deploymentId: 'ecs-svc/…', taskDefinition: '…:task-definition/invsys:2', runningCount: 2, elapsedSeconds: 84.2, apiCalls: 212, … }
 * ```
 */
export async function waitForDeployment(clients: WaiterClients, ref: DeploymentRef, options: DeploymentWaiterOptions = {}): Promise<DeploymentOutcome> {
  const clock = options.clock ?? systemClock;
  const rules: DeploymentAcceptorOptions = {
    stalledAfterSeconds: options.stalledAfterSeconds ?? DEFAULT_DEPLOYMENT_RULES.stalledAfterSeconds,
    requireTargetHealth: options.requireTargetHealth ?? DEFAULT_DEPLOYMENT_RULES.requireTargetHealth,
    requireServiceDiscovery: options.requireServiceDiscovery ?? DEFAULT_DEPLOYMENT_RULES.requireServiceDiscovery,
  };
  const observer = new DeploymentObserver(clients, ref, () => clock.now());
  let previous: DeploymentObservation | undefined;
  const result = await pollWaiter(
    options,
    observer.api,
    (signal) => observer.observe(signal),
    (o) => acceptDeployment(o, rules),
    (o) => {
      const events = deploymentEvents(previous, o);
      previous = o;
      for (const event of events) options.onEvent?.(event);
    },
  );
  const { elapsedSeconds, apiCalls } = result;
  const outcome: DeploymentOutcome =
    result.state === 'done'
      ? { ...result.value, elapsedSeconds, apiCalls, last: result.last }
      : { outcome: result.state, deploymentId: ref.deploymentId, reason: result.reason, elapsedSeconds, apiCalls, last: result.last };
  options.onEvent?.({ type: 'outcome', at: clock.now(), deploymentId: ref.deploymentId, outcome });
  return outcome;
}

/**
 * Like {@link waitForDeployment}, but resolves only on `completed` and
 * throws a {@link DeploymentError} carrying the outcome otherwise.
 *
 * @example
 * ```ts
 * const done = await waitUntilDeploymentCompleted(aws, { cluster: 'lab', service: 'invsys-service', deploymentId }, { timeoutSeconds: 900 });
 * done.runningCount; // 2
 * ```
 */
export async function waitUntilDeploymentCompleted(
  clients: WaiterClients,
  ref: DeploymentRef,
  options: DeploymentWaiterOptions = {},
): Promise<DeploymentCompleted> {
  const outcome = await waitForDeployment(clients, ref, options);
  if (outcome.outcome === 'completed') return outcome;
  throw new DeploymentError(
    'waitUntilDeploymentCompleted',
    outcome,
    `${lastSegment(ref.cluster)}/${lastSegment(ref.service)} deployment ${ref.deploymentId} ${outcome.outcome}: ${outcome.reason}`,
  );
}

/**
 * The progress of one deployment as an async iterable of events, ending
 * with the `outcome` event (the generator's return value is the outcome).
 * Breaking out of the loop stops polling.
 *
 * @example
 * ```ts
 * for await (const event of followDeployment(aws, { cluster: 'lab', service: 'invsys-service', deploymentId })) {
 *   if (event.type === 'serviceEvent') console.log(event.event.message);
 *   if (event.type === 'outcome') console.log(event.outcome.outcome); // 'completed'
 * }
 * ```
 */
export async function* followDeployment(
  clients: WaiterClients,
  ref: DeploymentRef,
  options: DeploymentWaiterOptions = {},
): AsyncGenerator<DeploymentEvent, DeploymentOutcome | undefined, undefined> {
  const { controller, unlink } = linkedController(options.signal);
  const queue: DeploymentEvent[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: { error: unknown } | undefined;
  let outcome: DeploymentOutcome | undefined;
  const run = waitForDeployment(clients, ref, {
    ...options,
    signal: controller.signal,
    onEvent: (event) => {
      options.onEvent?.(event);
      queue.push(event);
      wake?.();
    },
  }).then(
    (o) => {
      outcome = o;
      finished = true;
      wake?.();
    },
    (error: unknown) => {
      failure = { error };
      finished = true;
      wake?.();
    },
  );
  try {
    for (;;) {
      while (queue.length) yield queue.shift()!;
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    if (failure) throw failure.error;
    return outcome;
  } finally {
    controller.abort(new Error('followDeployment: the consumer stopped iterating'));
    await run;
    unlink();
  }
}
