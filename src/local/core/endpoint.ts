/**
 * Where a local cloud's HTTP endpoint is, for the few handlers whose
 * answers name it (ECS DiscoverPollEndpoint). Keyed by the cloud's event
 * bus, which every {@link RequestContext} of one cloud carries; unknown
 * while the cloud is used in process only.
 *
 * @internal
 */
import type { EventEmitter } from 'node:events';

const endpoints = new WeakMap<EventEmitter, string>();

/** Records the endpoint (`http://127.0.0.1:4566`) of the cloud whose event bus is `events`. */
export function setCloudEndpoint(events: EventEmitter, endpoint: string): void {
  endpoints.set(events, endpoint.replace(/\/+$/, ''));
}

/** The endpoint of the cloud whose event bus is `events`, once its server listens. */
export function cloudEndpoint(events: EventEmitter): string | undefined {
  return endpoints.get(events);
}
