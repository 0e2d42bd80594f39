/**
 * ECS control-plane state: the plain-data records the ECS handlers keep in
 * their slice of a region's state, the lookups they share, and the typed
 * accessors and mutators the local runtime (scheduler, task processes,
 * health checks) calls directly, in-process, to make tasks real.
 *
 * Everything here is JSON-serialisable: times are epoch milliseconds, no
 * Maps, Dates or classes. See `README.md` beside this file for the runtime
 * contract.
 *
 * The code lives in `state/`: `records.ts` (the records and the slice),
 * `ids.ts` (ids and ARNs), `lookups.ts` (lookups, handler helpers, events,
 * task resources), `tasks.ts` (task and service-event mutators),
 * `deployments.ts` (deployment mutators); this module re-exports them.
 *
 * @internal
 */
export type { MutationOptions } from './state/access.js';
export * from './state/deployments.js';
export * from './state/ids.js';
export * from './state/lookups.js';
export * from './state/records.js';
export * from './state/tasks.js';
