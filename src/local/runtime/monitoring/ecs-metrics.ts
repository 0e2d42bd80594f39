/**
 * The `AWS/ECS` metrics of live tasks: each sampling round reads every
 * container's CPU time and memory (a process's from `/proc`, a
 * container's from its engine's stats), turns them into a
 * percentage of what the task reserves (CPU units, MiB) and publishes
 * `CPUUtilization` / `MemoryUtilization` (unit `Percent`) per
 * ClusterName+ServiceName (service tasks; one value per task, so Average is
 * the service average and Minimum/Maximum the extreme tasks) and per
 * ClusterName (every task of the cluster). Clusters whose `containerInsights`
 * setting is `enabled` or `enhanced` also get the `ECS/ContainerInsights`
 * service metrics (`RunningTaskCount`, `PendingTaskCount`,
 * `DesiredTaskCount`, `CpuUtilized`, `MemoryUtilized`).
 *
 * A task with no CPU reservation (EC2 launch type without `cpu`) is
 * measured against one vCPU (1024 units); one without a memory reservation
 * publishes no memory value.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import type { LiveTask, RuntimeContext } from '../context.js';
import type { Dimension } from '../control-plane.js';
import type { ContainerSample } from '../drivers/driver.js';
import { cpuUnitsBetween, sampleProcess } from '../process-stats.js';

/** One task's utilisation over the last sampling interval. */
export interface TaskUtilization {
  readonly task: LiveTask;
  /** CPU units used (1024 = one vCPU busy). */
  readonly cpuUnits: number;
  /** Percent of the task's reserved CPU units. */
  readonly cpuPercent: number;
  /** Resident MiB of all its containers. */
  readonly memoryMiB: number;
  /** Percent of the task's reserved memory (undefined without a reservation). */
  readonly memoryPercent?: number;
}

/**
 * Tasks sampled per turn of the event loop. Reading every task's `/proc`
 * files in one go put the whole round into one scheduler tick (15–25 ms at
 * 600 tasks) and ahead of API requests; 16 workers that yield after each task
 * read ~16 tasks (a fraction of a millisecond) per turn. Where sampling runs
 * `ps` (not Linux), 16 run at once.
 */
const SAMPLE_CONCURRENCY = 16;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Samples processes and publishes the metrics; one instance per runtime. */
export class EcsMetricsPublisher {
  readonly #context: RuntimeContext;
  /** Previous sample per container process (`taskArn \0 container \0 pid`). */
  readonly #previous = new Map<string, ContainerSample>();

  constructor(context: RuntimeContext) {
    this.#context = context;
  }

  /** Samples every live task once; tasks seen for the first time yield no CPU value yet. */
  async sampleTasks(): Promise<TaskUtilization[]> {
    const seen = new Set<string>();
    const tasks = [...this.#context.tasks.values()];
    const sampleTask = async (task: LiveTask): Promise<TaskUtilization | undefined> => {
      let units = 0;
      let memory = 0;
      let measured = 0;
      let complete = true;
      for (const container of task.containers) {
        const running = container.process;
        const pid = running.pid;
        // The driver's own measure (the container driver: the engine's stats), else /proc of the process.
        if (running.exit || (pid === undefined && !running.stats)) continue;
        const key = `${task.taskArn}\u0000${container.name}\u0000${pid ?? 'driver'}`;
        seen.add(key);
        const sample = running.stats ? await running.stats() : await sampleProcess(pid!);
        if (!sample) {
          this.#previous.delete(key);
          continue;
        }
        const before = this.#previous.get(key);
        this.#previous.set(key, sample);
        measured++;
        memory += sample.memoryMiB;
        if (before) units += cpuUnitsBetween(before, sample);
        else complete = false;
      }
      if (measured === 0 || !complete) return undefined;
      const reservedCpu = task.cpuUnits > 0 ? task.cpuUnits : 1024;
      return {
        task,
        cpuUnits: units,
        cpuPercent: (units / reservedCpu) * 100,
        memoryMiB: memory,
        ...(task.memoryMiB > 0 ? { memoryPercent: (memory / task.memoryMiB) * 100 } : {}),
      };
    };
    // In task order, a few tasks per turn of the event loop.
    const results: (TaskUtilization | undefined)[] = new Array(tasks.length);
    let next = 0;
    const worker = async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await sampleTask(tasks[i]!);
        await nextTurn();
      }
    };
    await Promise.all(Array.from({ length: Math.min(SAMPLE_CONCURRENCY, tasks.length) }, worker));
    for (const key of this.#previous.keys()) if (!seen.has(key)) this.#previous.delete(key);
    return results.filter((r): r is TaskUtilization => r !== undefined);
  }

  /** Publishes one round of readings (plus Container Insights counts) at `nowMs`. Returns how many data were put. */
  publish(readings: readonly TaskUtilization[], nowMs: number): number {
    const { cloudWatch, ecs } = this.#context.controlPlane;
    let put = 0;
    const groups = new Map<string, { regionState: RegionState; dimensions: Dimension[]; readings: TaskUtilization[] }>();
    const add = (task: LiveTask, dimensions: Dimension[], reading: TaskUtilization) => {
      const key = [task.accountId, task.region, ...dimensions.map((d) => `${d.Name}=${d.Value}`)].join('\u0000');
      let group = groups.get(key);
      if (!group) {
        group = { regionState: this.#context.cloud.region(task.region, task.accountId), dimensions, readings: [] };
        groups.set(key, group);
      }
      group.readings.push(reading);
    };
    for (const reading of readings) {
      const clusterName = ecs.shortName(reading.task.clusterArn);
      add(reading.task, [{ Name: 'ClusterName', Value: clusterName }], reading);
      if (reading.task.serviceArn) {
        add(reading.task, [{ Name: 'ClusterName', Value: clusterName }, { Name: 'ServiceName', Value: ecs.shortName(reading.task.serviceArn) }], reading);
      }
    }
    for (const group of groups.values()) {
      const cpu = group.readings.map((r) => round(r.cpuPercent));
      cloudWatch.putMetricDatum(group.regionState, { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: group.dimensions, timestamp: nowMs, unit: 'Percent', values: cpu }, nowMs);
      put++;
      const memory = group.readings.flatMap((r) => (r.memoryPercent === undefined ? [] : [round(r.memoryPercent)]));
      if (memory.length > 0) {
        cloudWatch.putMetricDatum(group.regionState, { namespace: 'AWS/ECS', metricName: 'MemoryUtilization', dimensions: group.dimensions, timestamp: nowMs, unit: 'Percent', values: memory }, nowMs);
        put++;
      }
    }
    put += this.#publishContainerInsights(readings, nowMs);
    return put;
  }

  /** `ECS/ContainerInsights` per service of clusters with the setting on. */
  #publishContainerInsights(readings: readonly TaskUtilization[], nowMs: number): number {
    const { cloudWatch, ecs: ecsPort } = this.#context.controlPlane;
    let put = 0;
    /** Readings by account, region and service, in reading order (built on first use: one pass, not one per service). */
    let byService: Map<string, TaskUtilization[]> | undefined;
    const serviceKey = (accountId: string, region: string, serviceArn: string) => `${accountId}\u0000${region}\u0000${serviceArn}`;
    const readingsOf = (accountId: string, region: string, serviceArn: string): readonly TaskUtilization[] => {
      if (!byService) {
        byService = new Map();
        for (const r of readings) {
          if (r.task.serviceArn === undefined) continue;
          const key = serviceKey(r.task.accountId, r.task.region, r.task.serviceArn);
          const list = byService.get(key);
          if (list) list.push(r);
          else byService.set(key, [r]);
        }
      }
      return byService.get(serviceKey(accountId, region, serviceArn)) ?? [];
    };
    for (const { accountId, region, state } of this.#context.regions()) {
      const ecs = ecsPort.existing(state);
      if (!ecs) continue;
      for (const cluster of Object.values(ecs.clusters)) {
        if (cluster.status !== 'ACTIVE') continue;
        const insights = cluster.settings.find((s) => s.name === 'containerInsights')?.value;
        if (insights !== 'enabled' && insights !== 'enhanced') continue;
        for (const service of Object.values(ecs.services)) {
          if (service.clusterArn !== cluster.clusterArn || service.status !== 'ACTIVE') continue;
          const dimensions = [
            { Name: 'ClusterName', Value: cluster.clusterName },
            { Name: 'ServiceName', Value: service.serviceName },
          ];
          const counts = ecsPort.serviceCounts(service);
          const mine = readingsOf(accountId, region, service.serviceArn);
          const data: Array<[string, number, string]> = [
            ['RunningTaskCount', counts.runningCount, 'Count'],
            ['PendingTaskCount', counts.pendingCount, 'Count'],
            ['DesiredTaskCount', service.desiredCount, 'Count'],
            ['CpuUtilized', round(mine.reduce((sum, r) => sum + r.cpuUnits, 0)), 'None'],
            ['MemoryUtilized', round(mine.reduce((sum, r) => sum + r.memoryMiB, 0)), 'Megabytes'],
          ];
          for (const [metricName, value, unit] of data) {
            cloudWatch.putMetricDatum(state, { namespace: 'ECS/ContainerInsights', metricName, dimensions, timestamp: nowMs, unit, value }, nowMs);
            put++;
          }
        }
      }
    }
    return put;
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
