/**
 * Where the container driver finds a task definition's `image`: in the
 * local ECR registry (when one is configured and the reference names an ECR
 * host), then in the engine's own store as written, then as a locally built
 * image of the same repository and tag (`localhost/<repository>:<tag>`, how
 * podman names `podman build -t <repository>:<tag>`). Nothing is pulled from
 * the internet: a reference found nowhere fails the task as ECS does, with
 * `CannotPullContainerError`.
 *
 * @internal
 */
import { parseImage } from '../images.js';
import type { DriverImage, ImageResolution } from './driver.js';

/** An image the engine has (or pulled), by the reference the engine knows it under. */
export interface ContainerImage extends DriverImage {
  /** The reference to run (present in the engine's store). */
  readonly engineReference: string;
}

/** What resolution needs from the engine. */
export interface ImageStore {
  /** Whether the engine's store has `reference`. */
  exists(reference: string): Promise<boolean>;
  /** Pulls `reference` into the store (from the local registry); rejects when it cannot. */
  pull(reference: string): Promise<void>;
}

/** A local OCI registry (the local cloud's ECR) images can be pulled from. */
export interface LocalRegistry {
  /** `host:port` the engine pulls from. */
  readonly host: string;
}

/** Whether a registry host is an ECR registry (`<account>.dkr.ecr.<region>.amazonaws.com`, or the local cloud's `….localhost`). */
export function isEcrHost(host: string): boolean {
  return /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.(amazonaws\.com(\.cn)?|localhost)(:\d+)?$/i.test(host);
}

/** ECS's reason when no registry and no store has the image. */
export function cannotPullContainerReason(reference: string, detail = 'not found'): string {
  return `CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref ${reference}: ${detail}`;
}

/** The references to try for `reference`, in order: the local registry's copy, the reference itself, the locally built name. */
export function imageCandidates(reference: string, registry?: LocalRegistry): Array<{ readonly reference: string; readonly pull: boolean }> {
  const ref = parseImage(reference);
  const suffix = ref.digest ? `@${ref.digest}` : `:${ref.tag}`;
  const candidates: Array<{ reference: string; pull: boolean }> = [];
  if (registry && (ref.registry === undefined || isEcrHost(ref.registry) || ref.registry === registry.host)) {
    candidates.push({ reference: `${registry.host}/${ref.repository}${suffix}`, pull: true });
  }
  candidates.push({ reference: reference.trim(), pull: false });
  if (ref.registry !== 'localhost') candidates.push({ reference: `localhost/${ref.repository}${suffix}`, pull: false });
  return candidates.filter((c, i) => candidates.findIndex((d) => d.reference === c.reference) === i);
}

/**
 * Resolves `reference` to an image the engine has: pulls it from the local
 * registry when that has it, else finds it in the store.
 */
export async function resolveContainerImage(reference: string, store: ImageStore, registry?: LocalRegistry): Promise<ImageResolution<ContainerImage>> {
  if (!reference.trim()) return { ok: false, reason: cannotPullContainerReason(reference, 'invalid reference format') };
  for (const candidate of imageCandidates(reference, registry)) {
    if (candidate.pull) {
      try {
        await store.pull(candidate.reference);
        return { ok: true, image: { reference, engineReference: candidate.reference } };
      } catch {
        continue; // not in the registry: try the store
      }
    }
    if (await store.exists(candidate.reference)) return { ok: true, image: { reference, engineReference: candidate.reference } };
  }
  return { ok: false, reason: cannotPullContainerReason(reference) };
}
