/**
 * The `monitoring` part of the runtime (see `../runtime.ts`): samples live
 * tasks' processes into `AWS/ECS` metrics, evaluates CloudWatch metric
 * alarms and runs the Application Auto Scaling policies their actions name,
 * and the scheduled actions that come due.
 *
 * Rates (real time): processes are sampled every `sampleIntervalMs`
 * (default: a quarter of a scaled minute, between 150 ms and 1 s, so every
 * scaled metric period holds a few datapoints); alarms are evaluated every
 * `evaluateIntervalMs` (default: a sixth of a scaled minute, between 100 ms
 * and 10 s).
 *
 * @internal
 */
import type { RuntimeComponent, RuntimeContext } from '../context.js';
import { AlarmEvaluator } from './alarms.js';
import { EcsMetricsPublisher } from './ecs-metrics.js';
import type { PolicyOutcome } from './scaling.js';
import { runScheduledActions, type ScheduledOutcome } from './scheduled.js';

export type { PolicyOutcome } from './scaling.js';

/** Options of {@link monitoringComponent}. */
export interface MonitoringOptions {
  /** Real milliseconds between process samples (and `AWS/ECS` datapoints). */
  readonly sampleIntervalMs?: number;
  /** Real milliseconds between alarm evaluation rounds. */
  readonly evaluateIntervalMs?: number;
  /** Called after every scaling policy run, with what it did (diagnostics, tests). */
  readonly onPolicy?: (outcome: PolicyOutcome) => void;
  /** Called after every scheduled action that came due, with what it did (diagnostics, tests). */
  readonly onScheduledAction?: (outcome: ScheduledOutcome) => void;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** The `monitoring` part of the runtime: ECS metrics, alarm evaluation, Application Auto Scaling. */
export function monitoringComponent(context: RuntimeContext, options: MonitoringOptions = {}): RuntimeComponent {
  // Read at each tick: the cloud's time scale can change while it runs.
  const sampleEveryMs = () => options.sampleIntervalMs ?? clamp(context.scaledMs(60) / 4, 150, 1000);
  const evaluateEveryMs = () => options.evaluateIntervalMs ?? clamp(context.scaledMs(60) / 6, 100, 10_000);
  const metrics = new EcsMetricsPublisher(context);
  const alarms = new AlarmEvaluator(context, options.onPolicy);
  let lastSample = -Infinity;
  let lastEvaluation = -Infinity;
  let sampling: Promise<void> | undefined;
  let stopped = false;

  const sample = async () => {
    try {
      const readings = await metrics.sampleTasks();
      if (stopped) return;
      const now = Date.now();
      if (metrics.publish(readings, now) > 0) context.cloud.touch();
    } catch (error) {
      context.log(`monitoring: sampling failed: ${(error as Error).stack ?? String(error)}`);
    } finally {
      sampling = undefined;
    }
  };

  return {
    name: 'monitoring',
    tick(nowMs) {
      if (stopped) return;
      // Sampling reads /proc (or runs ps): keep it off the tick loop's critical path.
      if (!sampling && nowMs - lastSample >= sampleEveryMs()) {
        lastSample = nowMs;
        sampling = sample();
      }
      if (nowMs - lastEvaluation >= evaluateEveryMs()) {
        lastEvaluation = nowMs;
        if (alarms.evaluate(nowMs)) context.cloud.touch();
        if (runScheduledActions(context, nowMs, options.onScheduledAction)) context.cloud.touch();
      }
    },
    async stop() {
      stopped = true;
      await sampling;
    },
  };
}
