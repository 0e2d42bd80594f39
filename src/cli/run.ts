/**
 * `ecskit` commands. `runCli(argv)` returns the exit code; `local` keeps
 * running until SIGINT/SIGTERM.
 *
 * @internal
 */
import { parseArgs } from 'node:util';
import { startLocalCloud, type LocalCloud } from '../local/index.js';

const MAIN_HELP = `ecskit — script Amazon ECS from TypeScript

Usage:
  ecskit local [options]   run the local cloud (an AWS emulator for the ECS lab)
  ecskit --help            show this help

Run "ecskit local --help" for the local cloud's options.
`;

const LOCAL_HELP = `ecskit local — run the local cloud: one endpoint that speaks the AWS APIs
(ECS, Cloud Map, ELBv2, EC2, IAM, STS, CloudWatch, Logs, Application Auto Scaling)

Usage: ecskit local [options]

Options:
  --host <address>        interface to bind (default 127.0.0.1)
  --port <number>         TCP port (default 4566; 0 = any free port)
  --region <region>       default region (default us-east-1)
  --account-id <id>       12-digit account id (default 123456789012)
  --time-scale <factor>   multiply every AWS duration (default 1; 0.05 = 20x faster)
  --state-file <path>     load state from this JSON file and save changes to it
  --allow-non-loopback    allow a --host reachable from the network (no real auth!)
  -h, --help              show this help

Then, in another shell, point the AWS CLI or SDK at it with the printed export lines.
Stop with Ctrl-C.
`;

/** Output streams and signal source, injectable for tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Resolves when the process should stop (first SIGINT/SIGTERM). */
  untilSignal(): Promise<string>;
}

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  untilSignal: () =>
    new Promise((resolve) => {
      const onSignal = (signal: string) => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        // A second Ctrl-C while stopping exits at once.
        process.once('SIGINT', () => process.exit(130));
        resolve(signal);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }),
};

class UsageError extends Error {}

const LOCAL_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  region: { type: 'string' },
  'account-id': { type: 'string' },
  'time-scale': { type: 'string' },
  'state-file': { type: 'string' },
  'allow-non-loopback': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseLocal(args: string[]) {
  try {
    return parseArgs({ args, options: LOCAL_OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    const flag = /'([^']+)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`ecskit local: unknown option ${flag ?? message}. Run "ecskit local --help" for the options.`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`ecskit local: unexpected argument ${flag ?? message}. Run "ecskit local --help" for the options.`);
    throw new UsageError(`ecskit local: ${message}. Run "ecskit local --help" for the options.`);
  }
}

function number(flag: string, value: string | undefined, check: (n: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`ecskit local: ${flag} must be ${expected}, got: ${value}`);
  return n;
}

async function local(args: string[], io: CliIo): Promise<number> {
  const { values } = parseLocal(args);
  if (values.help) {
    io.out(LOCAL_HELP);
    return 0;
  }
  const port = number('--port', values.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'an integer 0-65535');
  const timeScale = number('--time-scale', values['time-scale'], (n) => n > 0, 'a positive number');
  let cloud: LocalCloud;
  try {
    cloud = await startLocalCloud({
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(values.region !== undefined ? { region: values.region } : {}),
      ...(values['account-id'] !== undefined ? { accountId: values['account-id'] } : {}),
      ...(timeScale !== undefined ? { timeScale } : {}),
      ...(values['state-file'] !== undefined ? { stateFile: values['state-file'] } : {}),
      allowNonLoopback: values['allow-non-loopback'] === true,
      log: (line) => io.err(`${line}\n`),
    });
  } catch (error) {
    io.err(`ecskit local: ${(error as Error).message}\n`);
    return 1;
  }
  io.out(
    `ecskit local cloud listening on ${cloud.endpoint} (region ${cloud.region}, account ${cloud.accountId})\n` +
      `Use it from another shell:\n` +
      `  export AWS_ENDPOINT_URL=${cloud.endpoint}\n` +
      `  export AWS_REGION=${cloud.region}\n` +
      `  export AWS_DEFAULT_REGION=${cloud.region}\n` +
      `  export AWS_ACCESS_KEY_ID=test\n` +
      `  export AWS_SECRET_ACCESS_KEY=test\n` +
      (values['state-file'] ? `State is saved to ${values['state-file']}\n` : '') +
      `Press Ctrl-C to stop.\n`,
  );
  const signal = await io.untilSignal();
  io.err(`ecskit local: ${signal} received, stopping…\n`);
  await cloud.stop();
  io.err('ecskit local: stopped.\n');
  return 0;
}

/** Runs `ecskit <argv>` and resolves with the process exit code. */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(MAIN_HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === 'local') return await local(rest, io);
    io.err(`ecskit: unknown command ${command}. Run "ecskit --help" for the commands.\n`);
    return 2;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
