/**
 * Whether a runtime runs this cloud's tasks. With one attached, StopTask,
 * a service scale-in or deletion and a terminated container instance only
 * *request* the stop (desiredStatus STOPPED) and the runtime finishes it;
 * with none (control plane only) the tasks stop at once, so the state stays
 * consistent on its own.
 *
 * The runtime says so explicitly ({@link attachRuntime} when its task
 * component starts, {@link detachRuntime} when it stops), keyed by the
 * cloud's event bus as the local task cap is.
 *
 * @internal
 */
import type { EventEmitter } from 'node:events';

const attached = new WeakSet<EventEmitter>();

/** Marks the cloud whose event bus this is as run by a runtime. */
export function attachRuntime(events: EventEmitter): void {
  attached.add(events);
}

/** The runtime of this cloud stopped: tasks stop at once again. */
export function detachRuntime(events: EventEmitter): void {
  attached.delete(events);
}

/** Whether a runtime runs this cloud's tasks (and so finishes the stops the control plane requests). */
export function runtimeAttached(events: EventEmitter): boolean {
  return attached.has(events);
}
