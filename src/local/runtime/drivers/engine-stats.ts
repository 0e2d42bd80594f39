/**
 * Container CPU and memory from the engine's `stats`, for the `AWS/ECS`
 * metrics: one `stats --no-stream` call per sampling round for every
 * container asked about in the same turn of the event loop.
 *
 * podman reports the cumulative CPU time (`cpu_time`, a Go duration) and
 * `mem_usage` (`"7.5MB / 25GB"`); docker reports `CPUPerc` over its own
 * interval and `MemUsage` (`"7.5MiB / 25GiB"`), so for docker the CPU time
 * is integrated from the percentages.
 *
 * @internal
 */
import type { ContainerSample } from './driver.js';

const SIZE_UNITS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

/** Bytes in a size such as `7.508MB` or `6.05MiB`, or undefined. */
export function parseSize(text: string): number | undefined {
  const match = /^\s*([\d.]+)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = SIZE_UNITS[(match[2] || 'b').toLowerCase()];
  const value = Number(match[1]);
  return unit === undefined || !Number.isFinite(value) ? undefined : value * unit;
}

const DURATION_UNITS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, μs: 1e-6, ns: 1e-9 };

/** Seconds in a Go duration such as `1m2.5s` or `63.405081ms`, or undefined. */
export function parseGoDuration(text: string): number | undefined {
  const parts = [...text.trim().matchAll(/([\d.]+)(h|ms|us|µs|μs|ns|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS[p[2]!]!, 0);
}

/** One container's line of `stats` output, read. */
export interface StatsRow {
  /** Container id as the engine printed it (maybe shortened) or its name. */
  readonly id: string;
  readonly name?: string;
  /** Cumulative CPU seconds (podman). */
  readonly cpuSeconds?: number;
  /** CPU percent of one CPU over the engine's interval (docker). */
  readonly cpuPercent?: number;
  readonly memoryBytes?: number;
}

/** Reads `stats --no-stream --format json` (podman: an array) or `--format '{{json .}}'` (docker: one object a line). */
export function parseStats(output: string): StatsRow[] {
  const text = output.trim();
  if (!text) return [];
  let objects: Array<Record<string, unknown>>;
  try {
    const parsed = JSON.parse(text) as unknown;
    objects = Array.isArray(parsed) ? (parsed as Array<Record<string, unknown>>) : [parsed as Record<string, unknown>];
  } catch {
    objects = text.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }
  return objects.map((o) => {
    const memory = String(o.mem_usage ?? o.MemUsage ?? '').split('/')[0] ?? '';
    const cpuTime = o.cpu_time === undefined ? undefined : parseGoDuration(String(o.cpu_time));
    const percent = o.CPUPerc === undefined ? undefined : Number(String(o.CPUPerc).replace('%', ''));
    const memoryBytes = parseSize(memory);
    return {
      id: String(o.id ?? o.ID ?? o.Container ?? ''),
      ...(o.name ?? o.Name ? { name: String(o.name ?? o.Name) } : {}),
      ...(cpuTime !== undefined ? { cpuSeconds: cpuTime } : {}),
      ...(percent !== undefined && Number.isFinite(percent) ? { cpuPercent: percent } : {}),
      ...(memoryBytes !== undefined ? { memoryBytes } : {}),
    };
  });
}

/** Batches `stats` questions asked in one turn of the event loop into one engine call. */
export class StatsBatcher {
  #pending = new Map<string, Array<(row: StatsRow | undefined) => void>>();
  #scheduled = false;
  /** Integrated CPU seconds per container, where the engine reports only percentages. */
  readonly #integrated = new Map<string, { cpuSeconds: number; atMs: number }>();

  constructor(private readonly query: (names: readonly string[]) => Promise<string>) {}

  /** The sample of container `name` (the name the driver gave it), or undefined when the engine has none. */
  async sample(name: string): Promise<ContainerSample | undefined> {
    const row = await new Promise<StatsRow | undefined>((resolve) => {
      const waiting = this.#pending.get(name) ?? [];
      waiting.push(resolve);
      this.#pending.set(name, waiting);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
    if (!row) return undefined;
    const atMs = Date.now();
    const memoryMiB = (row.memoryBytes ?? 0) / 1024 ** 2;
    if (row.cpuSeconds !== undefined) return { cpuSeconds: row.cpuSeconds, memoryMiB, atMs };
    const before = this.#integrated.get(name);
    const cpuSeconds = (before?.cpuSeconds ?? 0) + (before ? ((row.cpuPercent ?? 0) / 100) * ((atMs - before.atMs) / 1000) : 0);
    this.#integrated.set(name, { cpuSeconds, atMs });
    return { cpuSeconds, memoryMiB, atMs };
  }

  /** Forgets a container. */
  forget(name: string): void {
    this.#integrated.delete(name);
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = new Map();
    this.#scheduled = false;
    let rows: StatsRow[] = [];
    try {
      rows = parseStats(await this.query([...batch.keys()]));
    } catch {
      rows = [];
    }
    for (const [name, waiting] of batch) {
      const row = rows.find((r) => r.name === name || r.id === name);
      for (const resolve of waiting) resolve(row);
    }
  }
}
