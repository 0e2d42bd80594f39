/**
 * The contract between the local cloud's protocol layer and its service
 * handlers. A service is a table of operation handlers over plain,
 * JSON-serialisable state; the protocol layer (JSON 1.0/1.1, Query, EC2)
 * decodes requests into handler input and encodes handler output and
 * {@link AwsError}s in the wire shape each protocol uses.
 *
 * @internal
 */
import type { EventEmitter } from 'node:events';
import type { TimeScale } from '../../time-scale.js';

/** Wire protocols the local cloud speaks. */
export type Protocol = 'json1.1' | 'json1.0' | 'query' | 'ec2';

/**
 * An error with AWS's code, message and HTTP status. Handlers throw it; the
 * protocol layer renders it (`__type` + `message` + `x-amzn-ErrorType` for
 * JSON, `<ErrorResponse>` for Query/EC2).
 */
export class AwsError extends Error {
  /** Always `AwsError`. */
  override readonly name = 'AwsError';
  constructor(
    /** AWS error code, e.g. `ClusterNotFoundException`, `ValidationError`. */
    readonly code: string,
    message: string,
    /** HTTP status AWS answers with for this code. */
    readonly status = 400,
    /** `Sender` (client fault) or `Receiver` (server fault). */
    readonly fault: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

/** State of one account in one region: one slice per service, keyed by service name. */
export type RegionState = Record<string, unknown>;

/** Everything a handler may use; handlers never touch globals. */
export interface RequestContext {
  /** Account the request acts in. */
  readonly accountId: string;
  /** Region from the SigV4 scope (or the default). */
  readonly region: string;
  /** Signing name of the service, e.g. `ecs`, `elasticloadbalancing`. */
  readonly service: string;
  /** Operation name, e.g. `CreateService`. */
  readonly operation: string;
  /** Request id returned in `x-amzn-RequestId` / `RequestId`. */
  readonly requestId: string;
  /** Wall clock (tests may fake it). */
  now(): Date;
  /** Multiplies every AWS duration the local cloud honours (1 = real time; `time.factor`). */
  readonly timeScale: number;
  /** The time scale: an AWS duration of `s` seconds lasts `time.ms(s)` real milliseconds. */
  readonly time: TimeScale;
  /** This account+region's state; services keep their slice under their own key. */
  readonly state: RegionState;
  /** State of another region of the same account (cross-region ARNs are rare but legal). */
  stateOf(region: string): RegionState;
  /** In-process bus the runtime listens to (see {@link LocalCloudEvent}). */
  readonly events: EventEmitter;
  /** Marks state as changed so it is persisted (called automatically after mutating operations). */
  changed(): void;
}

/** Handler for one operation. `input` is the decoded request (JSON body, or Query params folded into objects/arrays). */
export type OperationHandler = (input: any, ctx: RequestContext) => unknown | Promise<unknown>;

/** One AWS service as the local cloud serves it. */
export interface ServiceDefinition {
  /** SigV4 signing name (credential scope), e.g. `ecs`, `servicediscovery`, `monitoring`. */
  readonly signingName: string;
  /** Protocols accepted; the first is the primary one. */
  readonly protocols: readonly Protocol[];
  /** `X-Amz-Target` prefix for JSON protocols, e.g. `AmazonEC2ContainerServiceV20141113`. */
  readonly targetPrefix?: string;
  /** XML namespace for Query/EC2 responses, e.g. `http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/`. */
  readonly xmlNamespace?: string;
  /** Operation name (as in `X-Amz-Target` / `Action=`) → handler. */
  readonly operations: Readonly<Record<string, OperationHandler>>;
  /** Operations that do not change state (skip persistence). Defaults to names starting with Describe/List/Get. */
  readonly readOnly?: (operation: string) => boolean;
}

/**
 * Events on `ctx.events`, emitted by control-plane handlers after state
 * changed, for the runtime to act on. Payloads carry ids/ARNs, not copies.
 */
export interface LocalCloudEvent {
  /** Account of the changed resource. */
  readonly accountId: string;
  /** Region of the changed resource. */
  readonly region: string;
  /** e.g. `ecs:service-created`, `ecs:task-stop-requested`. */
  readonly type: string;
  readonly [key: string]: unknown;
}
