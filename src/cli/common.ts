/**
 * What every `ecskit` command shares: the package version, argument
 * parsing with clear messages, colour (`NO_COLOR`, `FORCE_COLOR`, TTY) and
 * the AWS clients of an endpoint.
 *
 * Exit codes: 0 success, 1 the command failed (an AWS error, an endpoint
 * that is down), 2 bad usage (unknown command or option, bad value): a
 * {@link UsageError}, the same class the scripts' flags throw.
 *
 * @internal
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { connect, type Clients } from '../clients.js';
import { EcskitError } from '../errors.js';
import { UsageError } from '../script/flags.js';

/** Output streams and signal source, injectable for tests (the same shape as `run.ts`'s). */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  /** Resolves when the process should stop (first SIGINT/SIGTERM). */
  untilSignal(): Promise<string>;
  /** Environment (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (colour, screen clearing). Default `process.stdout.isTTY`. */
  isTTY?: boolean;
}

/** The version in ecskit's package.json (found upward from this file, in src/ or dist/). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ecskit' && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

/**
 * Colour on stdout: off when `NO_COLOR` is set to anything non-empty
 * (https://no-color.org), on when `FORCE_COLOR` is set, else only on a terminal.
 */
export function colorEnabled(io: CommandIo): boolean {
  const env = io.env ?? process.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return io.isTTY ?? process.stdout.isTTY === true;
}

/** ANSI styles that are no-ops without colour. Words always carry the meaning; colour only repeats it. */
export function styles(enabled: boolean) {
  const wrap = (code: number) => (text: string) => (enabled ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { bold: wrap(1), dim: wrap(2), red: wrap(31), green: wrap(32), yellow: wrap(33) };
}

/** `parseArgs` with messages that name the command, the option and where the help is. */
export function parseCommand<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T, positionals = false): ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: boolean }>> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: positionals });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    const flag = /'([^']+)'/.exec(message)?.[1];
    const help = `Run "ecskit ${command} --help" for the options.`;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`ecskit ${command}: unknown option ${flag ?? message}. ${help}`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`ecskit ${command}: unexpected argument ${flag ?? message}. ${help}`);
    throw new UsageError(`ecskit ${command}: ${message.replace(/\.$/, '')}. ${help}`);
  }
}

/** The connection options every remote command takes. */
export const ENDPOINT_OPTIONS = {
  endpoint: { type: 'string' },
  local: { type: 'boolean' },
  region: { type: 'string' },
  profile: { type: 'string' },
} as const;

export const ENDPOINT_HELP = `Where (default: the standard AWS chain — AWS_ENDPOINT_URL, AWS_REGION, AWS_PROFILE,
credentials from the environment, SSO or ~/.aws — so real AWS unless an endpoint is set):
  --endpoint <url>        an endpoint for every service, e.g. http://127.0.0.1:4566
  --local                 the local cloud on this machine: --endpoint http://127.0.0.1:4566
  --region <region>       region (default AWS_REGION, AWS_DEFAULT_REGION, the profile's)
  --profile <name>        shared-config profile
`;

/** The endpoint to use, validated; `undefined` for AWS's own (or `AWS_ENDPOINT_URL`, which the SDK reads). */
export function endpointOf(command: string, values: { endpoint?: string; local?: boolean }): string | undefined {
  if (values.endpoint !== undefined && values.local) throw new UsageError(`ecskit ${command}: pass --endpoint or --local, not both`);
  const endpoint = values.local ? 'http://127.0.0.1:4566' : values.endpoint;
  if (endpoint === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`ecskit ${command}: --endpoint must be a URL like http://127.0.0.1:4566, got: ${endpoint}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`ecskit ${command}: --endpoint must be an http:// or https:// URL, got: ${endpoint}`);
  return endpoint;
}

/**
 * The SDK clients for a command. With an endpoint (flag or `AWS_ENDPOINT_URL`)
 * and no credentials anywhere, test credentials are used: an ecskit local
 * cloud without `--credentials` accepts any signature.
 */
export async function clientsFor(command: string, values: { endpoint?: string; local?: boolean; region?: string; profile?: string }, env: NodeJS.ProcessEnv = process.env): Promise<Clients> {
  const endpoint = endpointOf(command, values) ?? (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true' ? undefined : env.AWS_ENDPOINT_URL || undefined);
  const anyEndpoint = endpoint;
  const hasCredentials = !!(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_SHARED_CREDENTIALS_FILE || values.profile || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || existsSync(join(env.HOME ?? '/nonexistent', '.aws', 'credentials')));
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (anyEndpoint ? 'us-east-1' : undefined);
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new UsageError(`ecskit ${command}: --region must look like us-east-1, got: ${region}`);
  try {
    return await connect({
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(region !== undefined ? { region } : {}),
      ...(values.profile !== undefined ? { profile: values.profile } : {}),
      ...(anyEndpoint && !hasCredentials ? { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } : {}),
      maxAttempts: 2,
    });
  } catch (error) {
    throw new UsageError(`ecskit ${command}: ${(error as Error).message} (pass --region, or set AWS_REGION)`);
  }
}

/** A one-line explanation of a failed AWS call, naming the endpoint when it is down. */
export function describeFailure(command: string, error: unknown, endpoint: string | undefined): string {
  const e = error as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  const text = `${e?.message ?? String(error)}`;
  // An ecskit error whose code is only its class name (an OperationError AWS gave no code) says nothing about the connection: its cause may.
  const own = EcskitError.is(error) && error.code === error.name ? undefined : e?.code;
  const code = own ?? e?.cause?.code ?? (/(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ECONNRESET)/.exec(text)?.[1]);
  if (code && /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ECONNRESET/.test(code)) {
    return `ecskit ${command}: cannot reach ${endpoint ?? 'the AWS endpoint'} (${code}). Is the local cloud running? Start it with "npx ecskit local", or pass --endpoint <url>.`;
  }
  return `ecskit ${command}: ${text}`;
}

/** A plain-text table: columns padded to the widest cell; a dash for empty cells. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length || 1)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c || '-' : (c || '-').padEnd(widths[i]!))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** One `ecskit local --verbose` line: time, service, operation, HTTP status, milliseconds. */
export function requestLine(entry: { service: string; operation: string; status: number; ms: number }, now: Date = new Date()): string {
  return `[ecskit local] ${now.toISOString().slice(11, 23)} ${entry.service} ${entry.operation} ${entry.status} ${entry.ms.toFixed(1)} ms`;
}
