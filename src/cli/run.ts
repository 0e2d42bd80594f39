/**
 * `ecskit` commands. `runCli(argv)` returns the exit code; `local` keeps
 * running until SIGINT/SIGTERM; `lab` runs the lab scripts (./lab.ts), which
 * write to the process's own stdout/stderr.
 *
 * @internal
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve as resolvePath, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { ACCOUNT_PRESETS, ImageRegistry, isAccountPresetName, isTaskDriverName, startLocalCloud, TASK_DRIVERS, type AccountPresetName, type LocalCloud, type LocalImage, type RequestLogEntry } from '../local/index.js';
import { UsageError } from '../script/flags.js';
import { isTimeScaleFactor } from '../time-scale.js';
import { packageVersion, requestLine } from './common.js';
import { CONSOLE_HELP, runConsole } from './console.js';
import { LOGS_HELP, runLogs } from './logs.js';
import { STATUS_HELP, runStatus } from './status.js';
import { CredentialsError, parseCredentialsFlag, readCredentialsFile, type CliCredentials } from './credentials.js';

const MAIN_HELP = `ecskit — script Amazon ECS from TypeScript

Usage:
  ecskit lab [options]     run the whole ECS lab (Tasks 1–10 and the cleanup) on a local
                           cloud in this process, or with --target aws in your account
  ecskit lab cleanup       remove a stack the lab left with --keep
  ecskit local [options]   run the local cloud (an AWS emulator for the ECS lab)
  ecskit status [options]  clusters, services, deployments and tasks of an endpoint
  ecskit logs <group>      print (--follow) a CloudWatch Logs group's events
  ecskit console           print (and on a desktop open) the local cloud's console URL
  ecskit help [command]    show this help, or a command's
  ecskit --version         print ecskit's version

Run "ecskit lab --help" for the lab's options (--keep, --json, --target, --time-scale, --yes)
and "ecskit local --help" for the local cloud's.
Run "ecskit <command> --help" for a command's options. status and logs work
against the local cloud (--local, --endpoint, AWS_ENDPOINT_URL) or AWS (the
standard credential chain). Data goes to stdout, progress and errors to stderr;
NO_COLOR turns colour off. Exit codes: 0 ok, 1 failed, 2 bad usage.
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
  --state-file <path>     load state from this JSON file and save changes to it; every
                          change is journaled to <path>.journal before the call answers
  --fsync                 with --state-file: fsync each journal append, so acknowledged
                          writes survive power loss too (slower: one disk flush per call)
  --allow-non-loopback    allow a --host reachable from the network (no real auth!)
  --no-runtime            serve the control plane only (no task processes, no proxies)
  --driver <name>         what runs tasks: process (default; a child process per container,
                          needs nothing) or container (a Docker/Podman container per container
                          definition; needs an engine that answers, see docs/containers.md)
  --preset lab            start the account with the lab's prerequisites (its two ECR
                          repositories, ecsTaskExecutionRole, ecsAutoscaleRole, ecsInstanceRole
                          and the instance profile ecsInstanceRole); default: only what a new
                          AWS account has (default VPC, subnets, security group)
  --image <name>=<how>    add a local image (repeatable): repo[:tag]=./entry.js runs a
                          Node module, repo[:tag]=cmd:/path/to/bin arg… runs a command
  --container-instances <n>  instant virtual container instances per new cluster (default 0:
                          none, as on AWS; EC2 instances run with ECS_CLUSTER=<cluster> in
                          their user data and an instance profile (ecsInstanceRole) join a
                          cluster, see docs/local-cloud.md)
  --instance-cpu <units>  CPU units per virtual instance (default 2048)
  --instance-memory <MiB> memory per virtual instance (default 3943)
  --max-tasks <n>         most tasks live at once (default: half this machine's memory
                          / 64 MiB, 8-1000); past it tasks fail to place
  --config <file.json>    { "timeScale", "preset", "runtime", "images": { "repo[:tag]":
                          "./entry.js" | { "entry" | "command": [...], "env" } },
                          "containerInstances": { "count", "cpu", "memory" } } (flags win;
                          an unknown key is refused)
  --list-images           print the local images and exit
  --credentials <KEY:SECRET>  verify every request's SigV4 signature (body and clock)
                          against these credentials; without them any signature is accepted
  --credentials-file <path>   the same, from an AWS shared-credentials file (INI, like
                          ~/.aws/credentials); --profile <name> picks the section (default "default")
  --allow-host <name>     also serve this Host name (repeatable); by default only
                          localhost, *.localhost, 127.0.0.0/8 and [::1] are served
  --allow-origin <origin> also accept requests from web pages of this origin, e.g.
                          http://localhost:3000 (repeatable); by default only the cloud's own
  --verbose, -v           log one line per API call on stderr: service, operation, status, ms
  --admin-token-file <path>   where to write the admin token (mode 0600; default
                          <tmpdir>/ecskit-<uid>/admin-token-<port>)
  -h, --help              show this help

Then, in another shell, point the AWS CLI or SDK at it with the printed export lines.
/_ecskit/* admin endpoints (POST /_ecskit/reset; GET or PUT /_ecskit/time-scale, which takes
{"timeScale": 0.1} and changes the clock while the cloud runs) need "Authorization: Bearer <token>"
with the admin token the banner prints; GET /_ecskit/health is open. A lab pointed here with
AWS_ENDPOINT_URL finds the token file for this port itself, or takes ECSKIT_ADMIN_TOKEN.
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

const LOCAL_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  region: { type: 'string' },
  'account-id': { type: 'string' },
  'time-scale': { type: 'string' },
  'state-file': { type: 'string' },
  fsync: { type: 'boolean' },
  'allow-non-loopback': { type: 'boolean' },
  'no-runtime': { type: 'boolean' },
  driver: { type: 'string' },
  preset: { type: 'string' },
  image: { type: 'string', multiple: true },
  'container-instances': { type: 'string' },
  'instance-cpu': { type: 'string' },
  'instance-memory': { type: 'string' },
  'max-tasks': { type: 'string' },
  config: { type: 'string' },
  'list-images': { type: 'boolean' },
  credentials: { type: 'string' },
  'credentials-file': { type: 'string' },
  profile: { type: 'string' },
  'allow-host': { type: 'string', multiple: true },
  'allow-origin': { type: 'string', multiple: true },
  'admin-token-file': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `--image` value: `repo[:tag]=./entry.js` or `repo[:tag]=cmd:/path/to/bin arg…`. */
function parseImageFlag(value: string, baseDir: string): { name: string; image: LocalImage } {
  const eq = value.indexOf('=');
  const name = eq > 0 ? value.slice(0, eq).trim() : '';
  const how = eq > 0 ? value.slice(eq + 1).trim() : '';
  if (!name || !how) {
    throw new UsageError(`ecskit local: --image must look like repo[:tag]=./entry.js or repo[:tag]=cmd:/path/to/bin arg…, got: ${value}`);
  }
  if (how.startsWith('cmd:')) {
    const command = how.slice(4).trim().split(/\s+/).filter(Boolean);
    if (command.length === 0) throw new UsageError(`ecskit local: --image ${name}: cmd: needs a program, e.g. ${name}=cmd:/usr/bin/python3 app.py`);
    return { name, image: { kind: 'command', command } };
  }
  return { name, image: { kind: 'node', entry: isAbsolute(how) ? how : resolvePath(baseDir, how) } };
}

/** The `--config` file, validated. */
interface CliConfig {
  timeScale?: number;
  preset?: AccountPresetName;
  images: Array<{ name: string; image: LocalImage }>;
  containerInstances?: { count?: number; cpu?: number; memory?: number };
  runtime?: boolean;
}

/** The keys a `--config` file may have. */
const CONFIG_KEYS = ['timeScale', 'preset', 'runtime', 'images', 'containerInstances'] as const;

function readConfig(file: string): CliConfig {
  let raw: any;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`ecskit local: --config ${file}: ${(error as Error).message}`);
  }
  const bad = (field: string, value: unknown, expected: string) =>
    new UsageError(`ecskit local: --config ${file}: ${field} must be ${expected}, got: ${JSON.stringify(value)}`);
  const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(raw)) throw bad('the file', raw, 'a JSON object');
  // A misspelt key ("timescale", "presets") would otherwise be ignored without a word.
  const unknown = (where: string, value: object, known: readonly string[]) => {
    const extra = Object.keys(value).find((key) => !known.includes(key));
    if (extra !== undefined) throw new UsageError(`ecskit local: --config ${file}: unknown key ${JSON.stringify(extra)}${where} (known: ${known.join(', ')})`);
  };
  unknown('', raw, CONFIG_KEYS);
  if (raw.images !== undefined && !isObject(raw.images)) throw bad('images', raw.images, 'an object of image name → how to run it');
  if (raw.containerInstances !== undefined) {
    if (!isObject(raw.containerInstances)) throw bad('containerInstances', raw.containerInstances, 'an object such as { "count": 2 }');
    unknown(' in containerInstances', raw.containerInstances, ['count', 'cpu', 'memory']);
  }
  const baseDir = dirname(resolvePath(file));
  const out: CliConfig = { images: [] };
  if (raw.timeScale !== undefined) {
    if (!isTimeScaleFactor(raw.timeScale)) throw bad('timeScale', raw.timeScale, 'a positive number');
    out.timeScale = raw.timeScale;
  }
  if (raw.runtime !== undefined) {
    if (typeof raw.runtime !== 'boolean') throw bad('runtime', raw.runtime, 'true or false');
    out.runtime = raw.runtime;
  }
  if (raw.preset !== undefined) {
    if (!isAccountPresetName(raw.preset)) throw bad('preset', raw.preset, `${Object.keys(ACCOUNT_PRESETS).join(' or ')} (leave it out for a fresh account)`);
    out.preset = raw.preset;
  }
  for (const [name, spec] of Object.entries((raw.images ?? {}) as Record<string, any>)) {
    const env = spec?.env;
    if (env !== undefined && (typeof env !== 'object' || Object.values(env).some((v) => typeof v !== 'string'))) throw bad(`images.${name}.env`, env, 'an object of strings');
    if (typeof spec === 'string') out.images.push(parseImageFlag(`${name}=${spec}`, baseDir));
    else if (typeof spec?.entry === 'string') {
      out.images.push({ name, image: { kind: 'node', entry: isAbsolute(spec.entry) ? spec.entry : resolvePath(baseDir, spec.entry), ...(env ? { env } : {}) } });
    } else if (Array.isArray(spec?.command) && spec.command.length > 0 && spec.command.every((c: unknown) => typeof c === 'string')) {
      out.images.push({ name, image: { kind: 'command', command: spec.command, ...(env ? { env } : {}) } });
    } else throw bad(`images.${name}`, spec, 'a path ("./entry.js"), "cmd:/path/to/bin arg…", { "entry": … } or { "command": [ … ] }');
  }
  if (raw.containerInstances !== undefined) {
    const ci = raw.containerInstances;
    for (const key of ['count', 'cpu', 'memory'] as const) {
      if (ci?.[key] !== undefined && (!Number.isInteger(ci[key]) || ci[key] < 0)) throw bad(`containerInstances.${key}`, ci[key], 'a non-negative integer');
    }
    out.containerInstances = { ...(ci.count !== undefined ? { count: ci.count } : {}), ...(ci.cpu !== undefined ? { cpu: ci.cpu } : {}), ...(ci.memory !== undefined ? { memory: ci.memory } : {}) };
  }
  return out;
}

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

function defined<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

function number(flag: string, value: string | undefined, check: (n: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`ecskit local: ${flag} must be ${expected}, got: ${value}`);
  return n;
}

/** `--credentials` or `--credentials-file` (+ `--profile`), validated; `undefined` when neither is given. */
function credentialsOf(values: { credentials?: string; 'credentials-file'?: string; profile?: string }): CliCredentials | undefined {
  if (values.credentials !== undefined && values['credentials-file'] !== undefined) throw new UsageError('ecskit local: pass --credentials or --credentials-file, not both');
  if (values.profile !== undefined && values['credentials-file'] === undefined) throw new UsageError('ecskit local: --profile picks a section of --credentials-file; pass that file too');
  try {
    if (values.credentials !== undefined) return parseCredentialsFlag(values.credentials);
    if (values['credentials-file'] !== undefined) return readCredentialsFile(values['credentials-file'], values.profile ?? 'default');
  } catch (error) {
    if (error instanceof CredentialsError) throw new UsageError(`ecskit local: ${error.message}`);
    throw error;
  }
  return undefined;
}

/** The banner's lines for credentials: the configured ones when signatures are verified, else any. */
function credentialLines(values: { credentials?: string; 'credentials-file'?: string; profile?: string }, credentials: CliCredentials | undefined): string {
  if (!credentials) return `  export AWS_ACCESS_KEY_ID=test\n  export AWS_SECRET_ACCESS_KEY=test\n`;
  if (values['credentials-file'] !== undefined) {
    return `  export AWS_SHARED_CREDENTIALS_FILE=${resolvePath(values['credentials-file'])}\n  export AWS_PROFILE=${values.profile ?? 'default'}\n`;
  }
  return `  export AWS_ACCESS_KEY_ID=${credentials.accessKeyId}\n  export AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey}\n`;
}

async function local(args: string[], io: CliIo): Promise<number> {
  const { values } = parseLocal(args);
  if (values.help) {
    io.out(LOCAL_HELP);
    return 0;
  }
  const port = number('--port', values.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'an integer 0-65535');
  const config = values.config !== undefined ? readConfig(values.config) : { images: [] as CliConfig['images'] };
  const timeScale = number('--time-scale', values['time-scale'], isTimeScaleFactor, 'a positive number') ?? config.timeScale;
  const nonNegative = (n: number) => Number.isInteger(n) && n >= 0;
  const containerInstances = {
    ...config.containerInstances,
    ...defined('count', number('--container-instances', values['container-instances'], nonNegative, 'a non-negative integer')),
    ...defined('cpu', number('--instance-cpu', values['instance-cpu'], (n) => nonNegative(n) && n > 0, 'a positive integer')),
    ...defined('memory', number('--instance-memory', values['instance-memory'], (n) => nonNegative(n) && n > 0, 'a positive integer')),
  };
  // Config first, then --image flags (a later registration of a name wins).
  const extraImages: Record<string, LocalImage> = {};
  for (const { name, image } of config.images) extraImages[name] = image;
  for (const flag of values.image ?? []) {
    const { name, image } = parseImageFlag(flag, process.cwd());
    extraImages[name] = image;
  }
  if (values['list-images']) {
    const images = new ImageRegistry();
    for (const [name, image] of Object.entries(extraImages)) images.register(name, image);
    for (const name of images.names()) {
      const image = images.resolve(name);
      io.out(`${name}\t${image?.kind === 'node' ? image.entry : image?.command.join(' ')}\n`);
    }
    return 0;
  }
  if (values.fsync && values['state-file'] === undefined) throw new UsageError('ecskit local: --fsync needs --state-file <path> (it makes the state file\'s journal survive power loss).');
  const maxTasks = number('--max-tasks', values['max-tasks'], (n) => Number.isInteger(n) && n > 0, 'a positive integer');
  const driver = values.driver;
  if (driver !== undefined && !isTaskDriverName(driver)) {
    throw new UsageError(`ecskit local: --driver must be ${TASK_DRIVERS.join(' or ')}, got: ${JSON.stringify(driver)}`);
  }
  if (driver !== undefined && values['no-runtime'] === true) throw new UsageError('ecskit local: --driver chooses what runs tasks; --no-runtime runs none. Drop one of them.');
  const runtime =
    values['no-runtime'] === true ? false : config.runtime === false ? false : { containerInstances, ...(maxTasks !== undefined ? { maxTasks } : {}), ...(driver ? { driver } : {}) };
  if (values.preset !== undefined && !isAccountPresetName(values.preset)) {
    throw new UsageError(`ecskit local: --preset must be ${Object.keys(ACCOUNT_PRESETS).join(' or ')}, got: ${JSON.stringify(values.preset)} (leave it out for a fresh account)`);
  }
  const preset = values.preset ?? config.preset;
  const credentials = credentialsOf(values);
  let cloud: LocalCloud;
  try {
    cloud = await startLocalCloud({
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(values.region !== undefined ? { region: values.region } : {}),
      ...(values['account-id'] !== undefined ? { accountId: values['account-id'] } : {}),
      ...(timeScale !== undefined ? { timeScale } : {}),
      ...(values['state-file'] !== undefined ? { stateFile: values['state-file'] } : {}),
      ...(values.fsync ? { fsync: true } : {}),
      ...(preset ? { preset } : {}),
      allowNonLoopback: values['allow-non-loopback'] === true,
      ...(credentials ? { credentials } : {}),
      ...(values['allow-host'] ? { allowedHosts: values['allow-host'] } : {}),
      ...(values['allow-origin'] ? { allowedOrigins: values['allow-origin'] } : {}),
      adminTokenFile: values['admin-token-file'] ?? true,
      runtime,
      images: extraImages,
      log: (line) => io.err(`${line}\n`),
      ...(values.verbose ? { onRequest: (entry: RequestLogEntry) => io.err(`${requestLine(entry)}\n`) } : {}),
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
      credentialLines(values, credentials) +
      // The AWS CLI sends `servicediscovery discover-instances` to a `data-` host prefix (data-127.0.0.1) that nothing resolves.
      `  export AWS_DISABLE_HOST_PREFIX_INJECTION=true\n` +
      (credentials ? `Signatures are verified against access key ${credentials.accessKeyId} (body and clock).\n` : '') +
      `admin token: ${cloud.adminToken}\n` +
      `admin token file: ${cloud.adminTokenFile}\n` +
      (cloud.consoleUrl ? `console: ${cloud.consoleUrl}\n` : '') +
      (cloud.dns ? `DNS (Cloud Map private names) on ${cloud.dns.host} port ${cloud.dns.port} (UDP/TCP), e.g.: dig @${cloud.dns.host} -p ${cloud.dns.port} invsys.local\n` : '') +
      (values['state-file'] ? `State is saved to ${values['state-file']} (journal: ${values['state-file']}.journal${values.fsync ? ', fsynced' : ''})\n` : '') +
      (cloud.runtime
        ? cloud.runtime.context.driver.name === 'container'
          ? `Tasks run as containers (${(cloud.runtime.context.driver as { engine?: { name: string } }).engine?.name ?? 'engine'}; images from its store; at most ${cloud.runtime.maxTasks} at once, --max-tasks).\n`
          : `Tasks run as local processes (images: ${cloud.images.names().join(', ')}; at most ${cloud.runtime.maxTasks} at once, --max-tasks; --driver container runs real images).\n`
        : 'Control plane only (--no-runtime): tasks are recorded, not run.\n') +
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
    if (command === undefined || command === '--help' || command === '-h' || (command === 'help' && rest.length === 0)) {
      io.out(MAIN_HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-V' || command === 'version') {
      io.out(`ecskit ${packageVersion()}\n`);
      return 0;
    }
    if (command === 'help' && rest.length > 0) {
      const help = { local: LOCAL_HELP, status: STATUS_HELP, logs: LOGS_HELP, console: CONSOLE_HELP }[rest[0]!];
      if (help === undefined) throw new UsageError(`ecskit help: no command ${rest[0]}; the commands are local, status, logs, console.`);
      io.out(help);
      return 0;
    }
    if (command === 'local') return await local(rest, io);
    if (command === 'lab') {
      // Loaded only here: the lab (dist/lab.js when installed) and its load generator stay out of `ecskit local`.
      const { runLab } = await import('./lab.js');
      return await runLab(rest);
    }
    if (command === 'status') return await runStatus(rest, io);
    if (command === 'logs') return await runLogs(rest, io);
    if (command === 'console') return await runConsole(rest, io);
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
