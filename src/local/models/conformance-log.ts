/**
 * The response-conformance hook of the local cloud's request listener.
 *
 * With `ECSKIT_CONFORMANCE_LOG=/path/file.ndjson` in the environment, every
 * AWS response the cloud sends is checked against the AWS model of its
 * operation (`conformance.ts`) and each violation is appended to that file
 * as one JSON line: `{"service","operation","path","problem","status"}`
 * (plus `"note":true` for findings that are not failures).
 * Without it {@link conformanceHook} returns `undefined` and nothing is
 * loaded: the checker and the output models are imported only when the
 * variable is set. `scripts/run-tests.ts` sets it for every test run and
 * fails the run when the file has lines.
 *
 * @internal
 */
import { appendFileSync } from 'node:fs';

/** Environment variable naming the NDJSON file violations are appended to. */
export const CONFORMANCE_LOG_ENV = 'ECSKIT_CONFORMANCE_LOG';

/** A sent response, as the hook sees it. */
export interface SentResponse {
  readonly service: string;
  readonly operation: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Checks one sent response and logs its violations. */
export type ConformanceHook = (response: SentResponse) => void;

type Checker = typeof import('./conformance.js');

/**
 * The hook for this process, or `undefined` when `ECSKIT_CONFORMANCE_LOG` is
 * unset. The checker loads in the background as soon as the hook is made;
 * responses sent before it is ready are checked once it is.
 */
export function conformanceHook(env: NodeJS.ProcessEnv = process.env): ConformanceHook | undefined {
  const file = env[CONFORMANCE_LOG_ENV];
  if (!file) return undefined;
  let checker: Checker | undefined;
  let pending: SentResponse[] | undefined = [];
  const write = (lines: string) => {
    try {
      appendFileSync(file, lines);
    } catch (error) {
      console.error(`[ecskit local] cannot append to ${CONFORMANCE_LOG_ENV}=${file}: ${(error as Error).message}`);
    }
  };
  const check = (response: SentResponse) => {
    try {
      const violations = checker!.checkResponse({
        service: response.service,
        operation: response.operation,
        status: response.status,
        contentType: response.headers['content-type'],
        body: response.body,
      });
      if (violations.length > 0) write(violations.map((v) => `${JSON.stringify({ ...v, status: response.status })}\n`).join(''));
    } catch (error) {
      // A checker bug is a finding too: log it as a violation so the run fails visibly.
      write(`${JSON.stringify({ service: response.service, operation: response.operation, path: '', problem: `checker failed: ${(error as Error).message}`, status: response.status })}\n`);
    }
  };
  import('./conformance.js').then(
    (loaded) => {
      checker = loaded;
      const queued = pending ?? [];
      pending = undefined;
      for (const response of queued) check(response);
    },
    (error: unknown) => {
      pending = undefined;
      write(`${JSON.stringify({ service: '-', operation: '-', path: '', problem: `conformance checker failed to load: ${(error as Error)?.message ?? String(error)}`, status: 0 })}\n`);
    },
  );
  return (response) => {
    if (response.service === 'ecskit' || response.service === '-') return;
    if (checker) check(response);
    else pending?.push(response);
  };
}
