/**
 * The `process` driver (the default): a container is a child process on
 * this machine, started through the shim, running a registered local image
 * (a Node module or a command). It needs no container engine. Health checks
 * run on the host; metrics are read from `/proc/<pid>`.
 *
 * @internal
 */
import { runProbe } from '../container-health.js';
import { ContainerProcess } from '../container-process.js';
import type { ImageRegistry, LocalImage } from '../images.js';
import type { ContainerSpec, DriverImage, HealthProbe, ImageResolution, RunningContainer, TaskDriver } from './driver.js';

/** ECS's reason when an image cannot be resolved. */
export function cannotPullReason(image: string): string {
  return `CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref ${image}: not found`;
}

/** A registered local image, resolved. */
export interface ProcessImage extends DriverImage {
  /** What the process runs. */
  readonly local: LocalImage;
}

/** PATH of a command image's process (the host's own is never passed on). */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The `process` driver over a registry of local images. */
export class ProcessDriver implements TaskDriver<ProcessImage> {
  readonly name = 'process';

  constructor(private readonly images: ImageRegistry) {}

  async resolveImage(reference: string): Promise<ImageResolution<ProcessImage>> {
    const local = this.images.resolve(reference);
    if (!local) return { ok: false, reason: cannotPullReason(reference) };
    const problem = local.kind === 'node' ? local.unavailable?.() : undefined;
    if (problem) return { ok: false, reason: `CannotStartContainerError: ${problem}` };
    return { ok: true, image: { reference, local } };
  }

  async start(spec: ContainerSpec<ProcessImage>): Promise<RunningContainer> {
    const image = spec.image.local;
    // The image's baked-in environment first; the task's declared variables win.
    const env: Record<string, string> = { ...(image.kind === 'command' ? { PATH: DEFAULT_PATH } : {}), ...image.env, ...spec.env };
    const process = new ContainerProcess({
      image,
      env,
      ...(spec.entryPoint ? { entryPoint: spec.entryPoint } : {}),
      ...(spec.command ? { command: spec.command } : {}),
      ...(spec.dns && spec.dns.suffixes.length > 0 ? { dns: spec.dns } : {}),
      onOutput: spec.logs,
    });
    return process;
  }

  healthProbe(): HealthProbe {
    return (argv, timeoutMs, signal) => runProbe(argv, timeoutMs, signal ? { signal } : {});
  }

  async close(): Promise<void> {}
}
