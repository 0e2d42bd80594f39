/**
 * Task placement on EC2 container instances, as the ECS control plane does
 * it (RunTask, StartTask, a service's scheduler), in ECS's order:
 *
 * 1. the instance's agent is connected (else `AGENT`), and it has the CPU,
 *    memory, free host ports and — for awsvpc tasks on EC2-backed instances
 *    — a free network interface the task needs (`RESOURCE:MEMORY`,
 *    `RESOURCE:CPU`, `RESOURCE:PORTS`, `RESOURCE:ENI`);
 * 2. the placement constraints hold: every `memberOf` expression (the
 *    request's and the task definition's, in the cluster query language of
 *    `query-language.ts`) and `distinctInstance` (no other task of the same
 *    service or task group on it) — else "MemberOf placement constraint
 *    unsatisfied." / "DistinctInstance placement constraint unsatisfied.";
 * 3. among the instances left, the placement strategies pick one, in order:
 *    `spread` by `instanceId`/`host` or by an attribute such as
 *    `attribute:ecs.availability-zone` (fewest tasks of the service, or of
 *    the task group, per value), `binpack` on `cpu`/`memory` (least left),
 *    `random`; ties (and no strategy) go to the instance with the fewest
 *    tasks, then the most memory left.
 *
 * For a batch each placed task reserves its share before the next is
 * placed. What cannot be placed is named as ECS names it: one failure per
 * container instance (RunTask/StartTask) and "The closest matching …" for
 * service events. Constraint and strategy input is validated here too
 * ({@link validatePlacement}).
 *
 * @internal
 */
import { AwsError, type RegionState } from '../../core/types.js';
import { remainingResources } from './container-instances.js';
import { evaluateQuery, parseQuery, QueryLanguageError, type QueryNode, type QueryTarget } from './query-language.js';
import { ecsState, findTaskDefinition, shortName, taskResources, type ContainerInstanceRecord, type Json, type TaskDefinitionRecord, type TaskRecord } from './state.js';

/** What an instance has left, as {@link remainingResources} reports it. */
export interface Remaining {
  readonly cpu: number;
  readonly memory: number;
  readonly ports: readonly string[];
  readonly runningTasksCount: number;
  readonly pendingTasksCount: number;
  /** Free network interfaces for awsvpc tasks (undefined: no limit). */
  readonly enis?: number;
}

/** What a task needs. */
export interface Needs {
  readonly cpu: number;
  readonly memory: number;
  readonly ports: readonly number[];
  /** An awsvpc task takes a network interface of the instance. */
  readonly awsvpc?: boolean;
}

/** A resource an instance can lack. */
export type MissingResource = 'memory' | 'cpu' | 'ports' | 'eni';

/** Where a task goes, or why it cannot go anywhere. */
export type PlacementResult =
  | { readonly placed: true; readonly instance: ContainerInstanceRecord }
  | { readonly placed: false; readonly reason: string };

/** An ECS API failure (`Failure` in the SDK). */
export interface PlacementFailure {
  readonly arn: string;
  readonly reason: string;
  readonly detail?: string;
}

/** What a batch placement decided: one instance per placed task, in order, and the failures of the rest. */
export interface BatchPlacement {
  readonly instances: readonly ContainerInstanceRecord[];
  /** RunTask's `failures` (one per instance), empty when every task was placed. */
  readonly failures: readonly PlacementFailure[];
  /** The service-event explanation ("The closest matching …"), when a task was left unplaced. */
  readonly reason?: string;
}

/** Constraints, strategies and the task group a placement honours. */
export interface PlacementRules {
  /** `placementConstraints` of the request and the task definition (validated). */
  readonly constraints?: readonly Json[];
  /** `placementStrategy` (validated). */
  readonly strategy?: readonly Json[];
  /** The service whose tasks spread and `distinctInstance` count; else {@link PlacementRules.group}. */
  readonly serviceArn?: string;
  /** The task group (`family:…`, `service:…`, or RunTask's `group`). */
  readonly group?: string;
}

/** AWS's failure when an EC2 cluster has no ACTIVE container instance. */
export const NO_CONTAINER_INSTANCES = 'No Container Instances were found in your cluster.';
/** RunTask's failure reason when a `memberOf` expression excludes an instance. */
export const MEMBER_OF_UNSATISFIED = 'MemberOf placement constraint unsatisfied.';
/** RunTask's failure reason when `distinctInstance` excludes an instance. */
export const DISTINCT_INSTANCE_UNSATISFIED = 'DistinctInstance placement constraint unsatisfied.';
/** Most constraints per task (the request's and the task definition's together). */
export const MAX_CONSTRAINTS = 10;
/** Most strategy rules per task or service. */
export const MAX_STRATEGIES = 5;

/** The first resource an instance lacks for a task, in ECS's order (memory, CPU, ports, ENI), or undefined when it fits. */
export function missingResource(remaining: Remaining, needs: Needs): MissingResource | undefined {
  if (remaining.memory < needs.memory) return 'memory';
  if (remaining.cpu < needs.cpu) return 'cpu';
  if (needs.ports.some((p) => remaining.ports.includes(String(p)))) return 'ports';
  if (needs.awsvpc && remaining.enis !== undefined && remaining.enis < 1) return 'eni';
  return undefined;
}

/** RunTask's failure reason for a missing resource: `RESOURCE:MEMORY`, `RESOURCE:CPU`, `RESOURCE:PORTS`, `RESOURCE:ENI`. */
export function resourceFailureReason(missing: MissingResource): string {
  return `RESOURCE:${missing.toUpperCase()}`;
}

/** ECS's explanation for the closest matching instance. */
export function closestMatchReason(instanceId: string, missing: MissingResource): string {
  if (missing === 'eni') return closestMatchError(instanceId, resourceFailureReason('eni'));
  const what =
    missing === 'memory'
      ? 'has insufficient memory available'
      : missing === 'cpu'
        ? 'has insufficient CPU units available'
        : 'is already using a port required by your task';
  return `The closest matching (container-instance ${instanceId}) ${what}. For more information, see the Troubleshooting section.`;
}

/** ECS's explanation when the closest matching instance failed a constraint (or its agent is disconnected). */
function closestMatchError(instanceId: string, error: string): string {
  return `The closest matching container-instance ${instanceId} encountered error "${error}". For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`;
}

// ---------------------------------------------------------------------------
// validation

function invalid(message: string, code = 'InvalidParameterException'): never {
  throw new AwsError(code, message);
}

/** The parsed `memberOf` expression, or the service's error naming what is wrong. */
export function parseConstraintExpression(expression: string, code = 'InvalidParameterException'): QueryNode {
  try {
    return parseQuery(expression);
  } catch (error) {
    if (error instanceof QueryLanguageError) invalid(`Invalid constraint expression '${expression.slice(0, 200)}': ${error.message}.`, code);
    throw error;
  }
}

/**
 * Validates `placementConstraints` and `placementStrategy` of RunTask,
 * CreateService or UpdateService (not for Fargate; at most
 * {@link MAX_CONSTRAINTS} constraints counting the task definition's and
 * {@link MAX_STRATEGIES} strategy rules; `memberOf` needs a valid
 * expression, `distinctInstance` takes none; `spread` needs a field,
 * `binpack` `cpu` or `memory`, `random` none). Returns them as stored.
 */
export function validatePlacement(input: { placementConstraints?: unknown; placementStrategy?: unknown }, launchType: string | undefined, td?: TaskDefinitionRecord): { constraints: Json[]; strategy: Json[] } {
  const constraints = input.placementConstraints ?? [];
  const strategy = input.placementStrategy ?? [];
  if (!Array.isArray(constraints)) invalid('placementConstraints must be a list of { type, expression }.');
  if (!Array.isArray(strategy)) invalid('placementStrategy must be a list of { type, field }.');
  if (launchType === 'FARGATE' && (constraints.length > 0 || strategy.length > 0)) {
    invalid('Task placement constraints and strategies are not supported with the FARGATE launch type; Fargate spreads tasks across Availability Zones by itself.');
  }
  const fromDefinition = ((td?.extra.placementConstraints ?? []) as Json[]).length;
  if (constraints.length + fromDefinition > MAX_CONSTRAINTS) {
    invalid(`You can specify a maximum of ${MAX_CONSTRAINTS} placement constraints for each task (the task definition's included); got ${constraints.length + fromDefinition}.`);
  }
  if (strategy.length > MAX_STRATEGIES) invalid(`You can specify a maximum of ${MAX_STRATEGIES} placement strategy rules, got ${strategy.length}.`);
  const outConstraints = constraints.map((c: Json) => {
    if (typeof c !== 'object' || c === null) invalid('Each placement constraint is an object: { type, expression }.');
    if (c.type === 'distinctInstance') {
      if (c.expression !== undefined && c.expression !== null) invalid('distinctInstance expression should not be specified.');
      return { type: 'distinctInstance' };
    }
    if (c.type === 'memberOf') {
      if (typeof c.expression !== 'string' || c.expression.trim() === '') invalid('memberOf expression must be specified.');
      parseConstraintExpression(c.expression);
      return { type: 'memberOf', expression: c.expression };
    }
    return invalid(`placement constraint type must be memberOf or distinctInstance, got: ${String(c.type)}`);
  });
  const outStrategy = strategy.map((s: Json) => {
    if (typeof s !== 'object' || s === null) invalid('Each placement strategy is an object: { type, field }.');
    const field = s.field === undefined || s.field === null ? undefined : String(s.field);
    switch (s.type) {
      case 'random':
        if (field !== undefined) invalid('random strategy field should not be specified.');
        return { type: 'random' };
      case 'binpack':
        if (field === undefined || !['cpu', 'memory'].includes(field.toLowerCase())) invalid(`binpack strategy field must be cpu or memory, got: ${field ?? 'nothing'}.`);
        return { type: 'binpack', field };
      case 'spread':
        if (field === undefined || field === '') invalid('spread strategy field must be specified: instanceId, host, or attribute:<name> (e.g. attribute:ecs.availability-zone).');
        if (!['instanceId', 'host'].includes(field) && !/^attribute:[A-Za-z0-9_./\\-]{1,128}$/.test(field)) {
          invalid(`spread strategy field must be instanceId, host or attribute:<name>, got: ${field}.`);
        }
        return { type: 'spread', field };
      default:
        return invalid(`placement strategy type must be random, spread or binpack, got: ${String(s.type)}`);
    }
  });
  return { constraints: outConstraints, strategy: outStrategy };
}

/**
 * Validates a task definition's `placementConstraints` (RegisterTaskDefinition):
 * only `memberOf`, with a valid expression (`ClientException` otherwise).
 */
export function validateTaskDefinitionConstraints(constraints: unknown): Json[] {
  if (constraints === undefined || constraints === null) return [];
  if (!Array.isArray(constraints)) invalid('placementConstraints must be a list of { type, expression }.', 'ClientException');
  if (constraints.length > MAX_CONSTRAINTS) invalid(`A task definition can have at most ${MAX_CONSTRAINTS} placement constraints, got ${constraints.length}.`, 'ClientException');
  return constraints.map((c: Json) => {
    if (c?.type !== 'memberOf') invalid(`constraint.type '${String(c?.type)}' is not supported.`, 'ClientException');
    if (typeof c.expression !== 'string' || c.expression.trim() === '') invalid('memberOf expression must be specified.', 'ClientException');
    parseConstraintExpression(c.expression, 'ClientException');
    return { type: 'memberOf', expression: c.expression };
  });
}

// ---------------------------------------------------------------------------
// placement

interface Candidate {
  instance: ContainerInstanceRecord;
  remaining: Remaining;
  /** Live tasks (not STOPPED) on it: how many, and their groups. */
  groups: string[];
  /** Live tasks of the same service / task group on it. */
  peers: number;
}

/** The ACTIVE container instances of a cluster with what each has left and the tasks on it. */
function candidates(regionState: RegionState, clusterArn: string, rules: PlacementRules): Candidate[] {
  const s = ecsState(regionState);
  const isPeer = (t: TaskRecord) => (rules.serviceArn ? t.serviceArn === rules.serviceArn : rules.group !== undefined && t.group === rules.group);
  return Object.values(s.containerInstances)
    .filter((c) => c.clusterArn === clusterArn && c.status === 'ACTIVE')
    .map((instance) => {
      const tasks = Object.values(s.tasks).filter((t) => t.containerInstanceArn === instance.containerInstanceArn && t.lastStatus !== 'STOPPED');
      return { instance, remaining: remainingResources(regionState, instance), groups: tasks.map((t) => t.group), peers: tasks.filter(isPeer).length };
    });
}

/** What the query language sees of a candidate. */
function queryTarget(c: Candidate): QueryTarget {
  return {
    attributes: new Map(c.instance.attributes.map((a) => [a.name, a.value])),
    ec2InstanceId: c.instance.ec2InstanceId,
    agentConnected: c.instance.agentConnected,
    agentVersion: String(c.instance.versionInfo?.agentVersion ?? ''),
    registeredAt: c.instance.registeredAt,
    runningTasksCount: c.remaining.runningTasksCount,
    taskGroups: c.groups,
  };
}

/** The first reason an instance cannot take the task, in ECS's order, or undefined. */
function failureOf(c: Candidate, needs: Needs, expressions: readonly QueryNode[], distinct: boolean): { reason: string; missing?: MissingResource } | undefined {
  if (!c.instance.agentConnected) return { reason: 'AGENT' };
  const missing = missingResource(c.remaining, needs);
  if (missing) return { reason: resourceFailureReason(missing), missing };
  if (expressions.length > 0) {
    const target = queryTarget(c);
    if (!expressions.every((e) => evaluateQuery(e, target))) return { reason: MEMBER_OF_UNSATISFIED };
  }
  if (distinct && c.peers > 0) return { reason: DISTINCT_INSTANCE_UNSATISFIED };
  return undefined;
}

function attributeValue(instance: ContainerInstanceRecord, field: string): string {
  return instance.attributes.find((a) => a.name === field.slice('attribute:'.length))?.value ?? '';
}

/**
 * Chooses among candidates that fit, by the strategy rules in order (see
 * the module docs). `all` are every candidate of the cluster, which spread
 * by an attribute counts tasks over.
 */
export function chooseInstance<T extends { remaining: Remaining; instance?: ContainerInstanceRecord; peers?: number }>(fits: readonly T[], strategy: readonly Json[], all: readonly T[] = fits): T | undefined {
  if (fits.length === 0) return undefined;
  const keys = new Map<T, number[]>();
  for (const c of fits) keys.set(c, []);
  for (const rule of strategy) {
    const field = String(rule.field ?? '');
    for (const c of fits) {
      let key = 0;
      if (rule.type === 'binpack') key = c.remaining[field.toLowerCase() === 'cpu' ? 'cpu' : 'memory'];
      else if (rule.type === 'random') key = Math.random();
      else if (rule.type === 'spread') {
        if (field.startsWith('attribute:') && c.instance) {
          const value = attributeValue(c.instance, field);
          key = all.filter((o) => o.instance && attributeValue(o.instance, field) === value).reduce((n, o) => n + (o.peers ?? 0), 0);
        } else key = c.peers ?? c.remaining.runningTasksCount + c.remaining.pendingTasksCount;
      }
      keys.get(c)!.push(key);
    }
  }
  const load = (r: Remaining) => r.runningTasksCount + r.pendingTasksCount;
  return [...fits].sort((a, b) => {
    const ka = keys.get(a)!;
    const kb = keys.get(b)!;
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return load(a.remaining) - load(b.remaining) || b.remaining.memory - a.remaining.memory;
  })[0];
}

/** What a task of this definition (with RunTask `overrides`) reserves. */
export function definitionNeeds(regionState: RegionState, td: TaskDefinitionRecord, overrides: Json = {}): Needs {
  const r = taskResources(regionState, {
    taskDefinitionArn: td.taskDefinitionArn,
    cpu: (overrides?.cpu as string | undefined) ?? td.cpu,
    memory: (overrides?.memory as string | undefined) ?? td.memory,
    containers: [],
  });
  return { cpu: r.cpu, memory: r.memory, ports: r.ports, awsvpc: td.networkMode === 'awsvpc' };
}

/** The constraints a task of `td` must meet: the request's (or service's) and the task definition's. */
function expressionsOf(rules: PlacementRules, td: TaskDefinitionRecord | undefined): { expressions: QueryNode[]; distinct: boolean } {
  const all = [...(rules.constraints ?? []), ...((td?.extra.placementConstraints ?? []) as Json[])];
  const expressions: QueryNode[] = [];
  let distinct = false;
  for (const c of all) {
    if (c?.type === 'distinctInstance') distinct = true;
    else if (c?.type === 'memberOf' && typeof c.expression === 'string') {
      try {
        expressions.push(parseQuery(c.expression));
      } catch {
        // Validated when it was stored; an unparsable one (older state) excludes every instance.
        expressions.push({ kind: 'not', operand: { kind: 'compare', subject: 'ec2InstanceId', operator: '!=', argument: '' } });
      }
    }
  }
  return { expressions, distinct };
}

/**
 * The constraint an instance fails for a task of `td` under `rules`
 * (`MemberOf …` or `DistinctInstance …`), or undefined when it meets them
 * all. Resources are not considered (StartTask checks them itself).
 */
export function constraintFailure(regionState: RegionState, instance: ContainerInstanceRecord, td: TaskDefinitionRecord | undefined, rules: PlacementRules): string | undefined {
  const candidate = candidates(regionState, instance.clusterArn, rules).find((c) => c.instance.containerInstanceArn === instance.containerInstanceArn);
  if (!candidate) return undefined;
  const { expressions, distinct } = expressionsOf(rules, td);
  if (expressions.length > 0 && !expressions.every((e) => evaluateQuery(e, queryTarget(candidate)))) return MEMBER_OF_UNSATISFIED;
  if (distinct && candidate.peers > 0) return DISTINCT_INSTANCE_UNSATISFIED;
  return undefined;
}

/** Places one existing task of its cluster (the task's own CPU/memory/host ports). */
export function placeTask(regionState: RegionState, task: TaskRecord, strategy: readonly Json[] = [], rules: PlacementRules = {}): PlacementResult {
  const td = findTaskDefinition(regionState, task.taskDefinitionArn);
  const needs: Needs = { ...taskResources(regionState, task), awsvpc: td?.networkMode === 'awsvpc' };
  const batch = placeWith(regionState, task.clusterArn, needs, 1, { ...rules, strategy: rules.strategy ?? strategy, group: rules.group ?? task.group, ...(task.serviceArn ? { serviceArn: task.serviceArn } : {}) }, td);
  const instance = batch.instances[0];
  return instance ? { placed: true, instance } : { placed: false, reason: batch.reason ?? NO_CONTAINER_INSTANCES };
}

/**
 * Places up to `count` tasks that each need `needs` on the cluster's ACTIVE
 * instances by the rules, each placed task reserving its share before the
 * next is placed. The tasks that do not fit get ECS's failures: one per
 * instance with the first reason it cannot take one, or "No Container
 * Instances were found in your cluster." when it has none.
 */
export function placeBatch(regionState: RegionState, clusterArn: string, needs: Needs, count: number, strategyOrRules: readonly Json[] | PlacementRules = [], td?: TaskDefinitionRecord): BatchPlacement {
  const rules: PlacementRules = Array.isArray(strategyOrRules) ? { strategy: strategyOrRules as readonly Json[] } : (strategyOrRules as PlacementRules);
  return placeWith(regionState, clusterArn, needs, count, rules, td);
}

function placeWith(regionState: RegionState, clusterArn: string, needs: Needs, count: number, rules: PlacementRules, td: TaskDefinitionRecord | undefined): BatchPlacement {
  const all = candidates(regionState, clusterArn, rules);
  if (all.length === 0) return { instances: [], failures: [{ arn: clusterArn, reason: NO_CONTAINER_INSTANCES }], reason: NO_CONTAINER_INSTANCES };
  const { expressions, distinct } = expressionsOf(rules, td);
  const strategy = rules.strategy ?? [];
  const instances: ContainerInstanceRecord[] = [];
  for (let i = 0; i < count; i++) {
    const verdicts = all.map((c) => ({ c, failure: failureOf(c, needs, expressions, distinct) }));
    const chosen = chooseInstance(
      verdicts.filter((v) => !v.failure).map((v) => v.c),
      strategy,
      all,
    );
    if (!chosen) {
      const failures = verdicts.map((v) => ({ arn: v.c.instance.containerInstanceArn, reason: v.failure!.reason }));
      return { instances, failures, reason: closest(verdicts.map((v) => ({ ...v.c, failure: v.failure! }))) };
    }
    instances.push(chosen.instance);
    chosen.remaining = {
      cpu: chosen.remaining.cpu - needs.cpu,
      memory: chosen.remaining.memory - needs.memory,
      ports: [...chosen.remaining.ports, ...needs.ports.map(String)],
      runningTasksCount: chosen.remaining.runningTasksCount,
      pendingTasksCount: chosen.remaining.pendingTasksCount + 1,
      ...(chosen.remaining.enis !== undefined ? { enis: chosen.remaining.enis - (needs.awsvpc ? 1 : 0) } : {}),
    };
    chosen.peers++;
    if (rules.group) chosen.groups.push(rules.group);
  }
  return { instances, failures: [] };
}

/**
 * The closest match among instances none of which can take the task: those
 * failing on resources only are closest (the most memory left, then CPU),
 * then those failing a constraint, then disconnected agents.
 */
function closest(all: readonly (Candidate & { failure: { reason: string; missing?: MissingResource } })[]): string {
  const rank = (c: (typeof all)[number]) => (c.failure.missing ? 0 : c.failure.reason === 'AGENT' ? 2 : 1);
  const best = [...all].sort((a, b) => rank(a) - rank(b) || b.remaining.memory - a.remaining.memory || b.remaining.cpu - a.remaining.cpu)[0]!;
  const id = shortName(best.instance.containerInstanceArn);
  return best.failure.missing ? closestMatchReason(id, best.failure.missing) : closestMatchError(id, best.failure.reason);
}
