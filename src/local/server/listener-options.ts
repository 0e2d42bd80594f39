/**
 * The options of the cloud's request listener and what it reports: the
 * types `handler.ts` and the modules it is made of share.
 *
 * @internal
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloudState } from '../core/cloud-state.js';
import type { GuardRefusal, RequestGuardOptions } from './guard.js';
import type { LocalCredentials } from './sigv4.js';

/** Options of the cloud's request listener (`createRequestListener`). */
export interface RequestListenerOptions {
  state: CloudState;
  /** Region used when a request carries no SigV4 scope. */
  region: string;
  /**
   * When set, every AWS request must be signed with these credentials (body
   * and clock verified). Without them a request must still be signed, with any key.
   */
  credentials?: LocalCredentials;
  /** The token every `/_ecskit/*` admin endpoint requires as `Authorization: Bearer <token>` (health stays open). */
  adminToken: string;
  /** Which `Host` and `Origin` headers are served; checked first, for every path. */
  guard: RequestGuardOptions;
  /** Largest accepted request body (compressed or not), bytes. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Where internal errors are logged. Default `console.error`. */
  log?: (line: string) => void;
  /** Extra fields for `GET /_ecskit/health`. */
  health?: () => Record<string, unknown>;
  /** Runs after `POST /_ecskit/reset` cleared the state, before it answers (re-applies the account preset). */
  afterReset?: () => Promise<void>;
  /** Called once per answered request (`ecskit local --verbose`). */
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Serves `/_ecskit/console*` (the console, which does its own token or
   * session check); `undefined` when the console is not mounted.
   */
  console?: (req: IncomingMessage, res: ServerResponse, url: URL) => void;
  /**
   * Listeners for other protocols on the same endpoint, behind the guard (the
   * local ECR's registry under `/v2/`): the first whose `handles(url)` is true
   * answers the request, and answers a refusal of the guard in its own error format.
   */
  mounts?: readonly MountedListener[];
}

/** A listener served on the cloud's endpoint behind the guard ({@link RequestListenerOptions.mounts}). */
export interface MountedListener {
  /** `true` for the request paths (with query) it answers. */
  handles(url: string): boolean;
  /** Answers a request that passed the guard. */
  listener(req: IncomingMessage, res: ServerResponse): void;
  /** Answers a request the guard refused (the body is not read). */
  refuse(req: IncomingMessage, res: ServerResponse, refusal: GuardRefusal): void;
}

/** One answered request, as the `onRequest` option of the cloud's request listener (the `--verbose` log) gets it. */
export interface RequestLogEntry {
  /** Signing name (`ecs`, `monitoring`, …), `ecskit` for `/_ecskit/*`, or `-` when unknown. */
  service: string;
  /** Operation (`DescribeServices`), the admin path, or `-`. */
  operation: string;
  /** HTTP status answered. */
  status: number;
  /** Milliseconds from the request's arrival to the end of its answer. */
  ms: number;
  /** The `x-amzn-RequestId` the answer carried. */
  requestId: string;
}
