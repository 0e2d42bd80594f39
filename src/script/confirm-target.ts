/**
 * Before a script's first call: say where it goes (kind, endpoint, account,
 * region) and, for a real AWS account, ask first. On a terminal that is a
 * `[y/N]` question unless `--yes` was given; anywhere else (CI, a pipe) the
 * script refuses without `--yes`.
 *
 * @module
 */
import { createInterface } from 'node:readline/promises';
import type { Target } from '../target.js';
import { EcskitError } from '../errors.js';

/** What a script prints about its target before its first call. */
export interface TargetDescription {
  /** `local cloud (in this process)`, `ecskit local cloud` (reached through an endpoint) or `AWS`. */
  readonly kind: string;
  /** The endpoint the clients use; `AWS (the region's public endpoints)` when none is set. */
  readonly endpoint: string;
  /** The account id from STS `GetCallerIdentity`. */
  readonly account: string;
  /** The region. */
  readonly region: string;
  /** How fast AWS durations pass (1 = AWS pace). */
  readonly timeScale: number;
  /** What runs a local cloud's tasks (`process` or `container`), when the target is one. */
  readonly driver?: 'process' | 'container';
  /** AWS settings in the environment that were not used (see `Target.ignoredEnv`). */
  readonly ignoredEnv?: readonly string[];
}

/** The parts of a {@link Target} this module reads. */
export type DescribedTarget = Pick<Target, 'kind' | 'emulated' | 'endpoint' | 'accountId' | 'region' | 'timeScale' | 'ignoredEnv'> & Partial<Pick<Target, 'driver'>>;

/**
 * The target as a script shows it.
 *
 * @example
 * ```ts
 * describeTarget(target);
 * // → { kind: 'local cloud (in this process)', endpoint: 'http://127.0.0.1:41235', account: '000000000000', region: 'us-east-1', timeScale: 0.02, driver: 'process' }
 * ```
 */
export function describeTarget(target: DescribedTarget): TargetDescription {
  const kind = target.kind === 'local' ? 'local cloud (in this process)' : target.emulated ? 'ecskit local cloud' : 'AWS';
  return {
    kind,
    endpoint: target.endpoint ?? "AWS (the region's public endpoints)",
    account: target.accountId,
    region: target.region,
    timeScale: target.timeScale,
    ...(target.driver && { driver: target.driver }),
    ...(target.ignoredEnv?.length && { ignoredEnv: target.ignoredEnv }),
  };
}

/**
 * One line for humans:
 * `target: AWS · account 123456789012 · region eu-west-1 · endpoint AWS (the region's public endpoints)`.
 *
 * @example
 * ```ts
 * targetLine(describeTarget(target)); // 'target: local cloud (in this process) · account 000000000000 · region us-east-1 · endpoint http://127.0.0.1:41235 · time scale 0.02 · tasks as processes'
 * ```
 */
export function targetLine(description: TargetDescription): string {
  const pace = description.timeScale === 1 ? '' : ` · time scale ${description.timeScale}`;
  const driver = description.driver ? ` · tasks as ${description.driver === 'container' ? 'containers' : 'processes'}` : '';
  return `target: ${description.kind} · account ${description.account} · region ${description.region} · endpoint ${description.endpoint}${pace}${driver}`;
}

/**
 * What to say about AWS settings the target did not use, or `undefined`.
 *
 * @example
 * ```ts
 * ignoredEnvNote({ ignoredEnv: ['AWS_PROFILE'] } as TargetDescription);
 * // 'AWS_PROFILE is set but not used: the lab runs on the local cloud; pass --target aws (or ECSKIT_TARGET=aws) to run it in that AWS account'
 * ```
 */
export function ignoredEnvNote(description: TargetDescription): string | undefined {
  const names = description.ignoredEnv;
  if (!names?.length) return undefined;
  const verb = names.length === 1 ? 'is' : 'are';
  return `${names.join(', ')} ${verb} set but not used: the lab runs on the local cloud; pass --target aws (or ECSKIT_TARGET=aws) to run it in that AWS account`;
}

/** True when the target is (or may be) a real AWS account: not an ecskit local cloud. @internal */
export function needsConfirmation(target: Pick<Target, 'kind' | 'emulated'>): boolean {
  return target.kind === 'aws' && !target.emulated;
}

/** Thrown by {@link confirmTarget} when the user said no, or could not be asked and `--yes` was not given. */
export class TargetNotConfirmedError extends EcskitError {
  /** Always `TargetNotConfirmedError`. */
  override readonly name = 'TargetNotConfirmedError';
  /** Always `'TargetNotConfirmedError'`. */
  readonly code = 'TargetNotConfirmedError';
}

/** A readable stream that may be a terminal (`process.stdin`). */
export type PromptInput = NodeJS.ReadableStream & {
  /** `true` when the stream is a terminal someone can answer at. */
  readonly isTTY?: boolean;
};

/** Options of {@link confirmTarget}. */
export interface ConfirmTargetOptions {
  /** `--yes`: confirmed in advance. */
  readonly yes: boolean;
  /** Where the answer is read. Default `process.stdin`. */
  readonly input?: PromptInput;
  /** Where the question is written. Default `process.stderr` (stdout may be `--json`). */
  readonly output?: NodeJS.WritableStream;
}

/**
 * Resolves when the script may go on: at once for a local cloud or with
 * `--yes`; for AWS on a terminal after a `y` to
 * `Run in AWS account 123456789012 (us-east-1)? … [y/N]`.
 *
 * @throws {@link TargetNotConfirmedError} when the answer is not `y`/`yes`,
 * the input ends, or the input is not a terminal and `yes` is false.
 * @example
 * ```ts
 * await confirmTarget(target, { yes: flags.yes }); // throws off a terminal without --yes
 * ```
 */
export async function confirmTarget(target: DescribedTarget, options: ConfirmTargetOptions): Promise<void> {
  if (!needsConfirmation(target) || options.yes) return;
  const where = `AWS account ${target.accountId} (${target.region})`;
  const input = options.input ?? process.stdin;
  if (input.isTTY !== true) {
    throw new TargetNotConfirmedError(
      `refusing to run in ${where} without a confirmation: stdin is not a terminal, so nobody can be asked; pass --yes to confirm`,
    );
  }
  const prompt = createInterface({ input, output: options.output ?? process.stderr, terminal: false });
  const ended = new Promise<string>((resolve) => prompt.once('close', () => resolve('')));
  try {
    const answer = await Promise.race([
      prompt.question(`Run in ${where}? It creates real, billed resources there. [y/N] `),
      ended,
    ]);
    if (!/^\s*y(es)?\s*$/i.test(answer)) {
      throw new TargetNotConfirmedError(`not confirmed: nothing was done in ${where} (answer y, or pass --yes)`);
    }
  } finally {
    prompt.close();
  }
}
