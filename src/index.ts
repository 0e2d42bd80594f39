/**
 * ecskit — script Amazon ECS from TypeScript: immutable, validated builders
 * that produce the exact `@aws-sdk` command inputs, the typed client bundle,
 * idempotent operations and deployment-aware waiters.
 *
 * @packageDocumentation
 */
// The base of every ecskit error, recognisable across copies of the package.
export { EcskitError } from './errors.js';
export { ValidationError, type Problem } from './builders/validation-error.js';
// Task definitions, containers, services.
export * from './builders/ecs/index.js';
// Cloud Map, load balancers, target groups, listeners, rules.
export * from './builders/networking/index.js';
// Application Auto Scaling: scalable targets, scaling policies, resource labels.
export * from './builders/scaling/index.js';
// CloudWatch metrics, alarms and dashboards.
export * from './builders/monitoring/index.js';
// The typed bundle of SDK clients.
export * from './clients.js';
// Where a script's calls go: real AWS or the in-process local cloud.
export { openTarget, TargetError, type Target, type TargetKind, type TargetOptions } from './target.js';
// Shared flags and step output for Deno-style scripts.
export * from './script/index.js';
// Deployment-aware waiters, acceptors and progress renderers.
export * from './waiters/index.js';
export * from './operations/index.js';
// The container engine (docker or podman) and image operations.
export * from './containers/index.js';
// How fast AWS durations pass on a target: the one validated factor and its conversions.
export { LOCAL_SCRIPT_TIME_SCALE, REAL_TIME, TimeScale, type WaiterTiming } from './time-scale.js';
