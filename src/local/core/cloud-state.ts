/**
 * The local cloud's in-memory state (accounts → regions → service slices)
 * and the in-process dispatcher that runs one operation against it. The HTTP
 * server decodes a request and calls {@link CloudState.invoke}; tests can call
 * it directly.
 *
 * @internal
 */
import { EventEmitter } from 'node:events';
import { checkInput } from '../models/index.js';
import { AwsError, type Protocol, type RegionState, type RequestContext, type ServiceDefinition } from './types.js';
import { ChangeTracker, type ChangeRecorder } from './change-tracker.js';
import { uuid } from './util.js';
import { REAL_TIME, TimeScale } from '../../time-scale.js';

/** Options of {@link CloudState}. */
export interface CloudStateOptions {
  /** Default account id (the lab's `123456789012`). */
  accountId?: string;
  /** Multiplies every AWS duration the local cloud honours. Default 1 ({@link REAL_TIME}); validated by {@link TimeScale}. */
  timeScale?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /** Services to serve. Default: all of them (the {@link CloudState} of `ecskit/local` fills them in; core knows none). */
  services?: readonly ServiceDefinition[];
}

/** What the core {@link CloudState} is built from: its services are injected, core does not know them. */
export type CloudStateInit = CloudStateOptions & { services: readonly ServiceDefinition[] };

/** Persisted form: account → region → service slice. */
export type StateSnapshot = Record<string, Record<string, RegionState>>;

const isReadOnly = (operation: string) => /^(Describe|List|Get|Discover|Filter)/.test(operation);

/**
 * The local cloud's control-plane state: every account and region, the
 * services that act on it (given by who creates it: `../cloud-state.ts`
 * gives all of them by default), and the event bus the runtime listens to.
 */
export class CloudState {
  /** Account id of every resource (default `123456789012`). */
  readonly accountId: string;
  #time: TimeScale;
  /** Event bus: control-plane changes (`ecs:task-run-requested`, …) and `state:changed`. */
  readonly events = new EventEmitter();
  /** The clock handlers read. */
  readonly now: () => Date;
  /** The services served. */
  readonly services: readonly ServiceDefinition[];
  /** Set by the state file's journal: gets each operation's changed records before the operation answers. */
  recorder: ChangeRecorder | undefined;
  #data: StateSnapshot = {};
  #version = 0;
  readonly #trackers = new WeakMap<RequestContext, ChangeTracker>();

  constructor(options: CloudStateInit) {
    this.accountId = options.accountId ?? '123456789012';
    this.#time = new TimeScale(options.timeScale ?? REAL_TIME);
    this.now = options.now ?? (() => new Date());
    this.services = options.services;
    this.events.setMaxListeners(0);
  }

  /** The time scale: every AWS duration the local cloud honours lasts `time.ms(seconds)` real milliseconds. */
  get time(): TimeScale {
    return this.#time;
  }

  /** Multiplies every AWS duration the local cloud honours (`time.factor`). */
  get timeScale(): number {
    return this.#time.factor;
  }

  /**
   * Changes the time scale from now on, and emits `time-scale:changed` with
   * `{ from, to }`. What recurs follows the new pace from its next round:
   * health-check intervals, metric flushes and alarm periods, evaluation and
   * sampling, cooldowns, scheduled actions. A duration already under way
   * keeps the real deadline it was given (a target draining, a pending Cloud
   * Map operation, a task's stop timeout). A script that opened its target
   * before the change still reads the old factor in `Target.timeScale`, and
   * must pace its own waits by the new one.
   *
   * @throws RangeError naming the value, as {@link TimeScale}'s constructor does.
   * @example
   * ```ts
   * cloud.state.setTimeScale(0.1); // an AWS minute now lasts 6 s, not 1.2 s
   * ```
   */
  setTimeScale(factor: number): void {
    const next = new TimeScale(factor);
    const from = this.#time.factor;
    if (next.factor === from) return;
    this.#time = next;
    this.events.emit('time-scale:changed', { from, to: next.factor });
  }

  /** Increments on every state change; the persister watches it. */
  get version(): number {
    return this.#version;
  }

  /** Marks state as changed. */
  touch(): void {
    this.#version++;
    this.events.emit('state:changed', this.#version);
  }

  /** The state of one account in one region (created empty on first use). */
  region(region: string, accountId = this.accountId): RegionState {
    const account = (this.#data[accountId] ??= {});
    return (account[region] ??= {});
  }

  /** All state, as persisted (live object: do not mutate outside handlers/accessors). */
  snapshot(): StateSnapshot {
    return this.#data;
  }

  /** Replaces all state (loading a state file). */
  restore(snapshot: StateSnapshot): void {
    this.#data = snapshot;
    this.touch();
  }

  /** Clears all state (`POST /_ecskit/reset`). */
  reset(): void {
    this.#data = {};
    this.touch();
    this.events.emit('state:reset');
  }

  /** The service with this SigV4 signing name, if served. */
  service(signingName: string): ServiceDefinition | undefined {
    return this.services.find((s) => s.signingName === signingName);
  }

  /** Builds the context a handler runs with. */
  context(service: string, operation: string, region: string, accountId = this.accountId, requestId = uuid()): RequestContext {
    const tracker = this.recorder && new ChangeTracker(this.#isReadOnly(service, operation) ? 'create' : 'write', this.recorder.appendOnly?.bind(this.recorder));
    const regionOf = (name: string) => (tracker ? tracker.region(accountId, name, this.region(name, accountId)) : this.region(name, accountId));
    const ctx: RequestContext = {
      accountId,
      region,
      service,
      operation,
      requestId,
      now: this.now,
      timeScale: this.timeScale,
      time: this.time,
      state: regionOf(region),
      stateOf: regionOf,
      events: this.events,
      changed: () => this.touch(),
    };
    if (tracker) this.#trackers.set(ctx, tracker);
    return ctx;
  }

  /**
   * Marks state as changed by `ctx` (from {@link context}) outside {@link invoke}
   * and hands the records it changed to the journal, as an operation does
   * (the local registry's pushes and deletes).
   */
  commit(ctx: RequestContext): void {
    this.touch();
    this.#record(ctx);
  }

  #isReadOnly(service: string, operation: string): boolean {
    const definition = this.service(service);
    return definition?.readOnly ? definition.readOnly(operation) : isReadOnly(operation);
  }

  /** Hands the records `ctx`'s operation changed to the {@link recorder} (the journal) before the operation answers. */
  #record(ctx: RequestContext): void {
    const tracker = this.#trackers.get(ctx);
    const changes = tracker?.changes(this.#data);
    if (changes?.length) this.recorder?.record(changes, `${ctx.service}:${ctx.operation}`);
  }

  /**
   * Runs one operation. Throws {@link AwsError} for unknown services or
   * operations, and for input the AWS model rejects (checked before the
   * handler runs; `protocol` says how scalars arrived, see `models/`).
   */
  async invoke(
    service: string,
    operation: string,
    input: unknown,
    options: { region?: string; accountId?: string; requestId?: string; protocol?: Protocol } = {},
  ): Promise<unknown> {
    const definition = this.service(service);
    if (!definition) throw new AwsError('UnrecognizedClientException', `The service ${service} is not served by the ecskit local cloud.`);
    const handler = Object.hasOwn(definition.operations, operation) ? definition.operations[operation] : undefined;
    if (!handler) throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
    const checked = checkInput(definition, operation, input, options.protocol);
    const ctx = this.context(service, operation, options.region ?? 'us-east-1', options.accountId, options.requestId);
    const result = await handler(checked, ctx);
    const readOnly = definition.readOnly ? definition.readOnly(operation) : isReadOnly(operation);
    if (!readOnly) this.touch();
    this.#record(ctx);
    return result ?? {};
  }
}
