/**
 * CPU and memory of a container process, for the `AWS/ECS` metrics. On
 * Linux it reads `/proc/<pid>/stat` and `/proc/<pid>/status`; elsewhere it
 * asks `ps`. CPU is reported in ECS CPU units (1024 = one vCPU) so the
 * runtime can divide by the task's reservation, as CloudWatch does.
 *
 * @internal
 */
import { execFile } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';

/** One reading of a process. */
export interface ProcessSample {
  /** Total CPU time used so far, in seconds. */
  readonly cpuSeconds: number;
  /** Resident memory in MiB. */
  readonly memoryMiB: number;
  /** When it was taken (ms since epoch). */
  readonly atMs: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on every Linux architecture Node supports

let procBuffer = Buffer.allocUnsafe(16 * 1024);

/**
 * Reads a `/proc` file synchronously. procfs files are generated in memory,
 * never wait on a disk, and are a few hundred bytes: a synchronous read costs
 * ~10 µs, while `fs/promises` `readFile` (open, fstat, read, read, close
 * through the thread pool, a 64 KiB buffer) cost ~100 µs of this thread's
 * time per file — most of the runtime's work with hundreds of tasks.
 */
function readProcFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === procBuffer.length) {
        const bigger = Buffer.allocUnsafe(procBuffer.length * 2);
        procBuffer.copy(bigger, 0, 0, length);
        procBuffer = bigger;
      }
      const n = readSync(fd, procBuffer, length, procBuffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return procBuffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** Reads one sample, or undefined when the process is gone. */
export async function sampleProcess(pid: number): Promise<ProcessSample | undefined> {
  if (process.platform === 'linux') {
    try {
      const stat = readProcFile(`/proc/${pid}/stat`);
      const status = readProcFile(`/proc/${pid}/status`);
      // Fields after the command name (which may contain spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const utime = Number(fields[11]);
      const stime = Number(fields[12]);
      const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return { cpuSeconds: (utime + stime) / TICKS_PER_SECOND, memoryMiB: rssKiB / 1024, atMs: Date.now() };
    } catch {
      return undefined;
    }
  }
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'rss=,time=', '-p', String(pid)], (error, stdout) => {
      if (error) return resolve(undefined);
      const [rss, time] = stdout.trim().split(/\s+/);
      if (!rss || !time) return resolve(undefined);
      const parts = time.split(/[:.-]/).map(Number);
      let seconds = 0;
      for (const part of parts.slice(0, 3)) seconds = seconds * 60 + part;
      resolve({ cpuSeconds: seconds, memoryMiB: Number(rss) / 1024, atMs: Date.now() });
    });
  });
}

/**
 * CPU use between two samples in ECS CPU units (1024 = one vCPU fully busy).
 * Divide by the task's reserved units and multiply by 100 for CPUUtilization.
 */
export function cpuUnitsBetween(before: ProcessSample, after: ProcessSample): number {
  const wallSeconds = (after.atMs - before.atMs) / 1000;
  if (wallSeconds <= 0) return 0;
  return (Math.max(0, after.cpuSeconds - before.cpuSeconds) / wallSeconds) * 1024;
}
