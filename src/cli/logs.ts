/**
 * `ecskit logs <group>`: the events of a CloudWatch Logs group, optionally
 * filtered and followed, from any endpoint (ops.tailLogs underneath).
 *
 * @internal
 */
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { close } from '../clients.js';
import { tailLogs } from '../operations/logs.js';
import { ENDPOINT_HELP, ENDPOINT_OPTIONS, clientsFor, describeFailure, endpointOf, parseCommand, styles, colorEnabled, type CommandIo } from './common.js';
import { UsageError } from '../script/flags.js';

export const LOGS_HELP = `ecskit logs — print (and follow) the events of a CloudWatch Logs group

Usage: ecskit logs <log-group> [options]

Options:
  --follow, -f            keep printing new events until Ctrl-C
  --filter <pattern>      CloudWatch Logs filter pattern, e.g. ERROR or "GET /items"
  --since <duration>      start this far back: 30s, 10m, 2h, 1d (default 10m)
  --stream <prefix>       only streams starting with this prefix, e.g. ecs/invsys
  --json                  one JSON object per event instead of text
${ENDPOINT_HELP}  -h, --help              show this help

Each event is one line on stdout: <ISO time> <stream> <message>.
Exit codes: 0 done (or stopped with Ctrl-C), 1 unknown group or endpoint down, 2 bad usage.
`;

const OPTIONS = {
  ...ENDPOINT_OPTIONS,
  follow: { type: 'boolean', short: 'f' },
  filter: { type: 'string' },
  since: { type: 'string' },
  stream: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs `ecskit logs <args>`; resolves with the exit code. */
export async function runLogs(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommand('logs', args, OPTIONS, true);
  if (values.help) {
    io.out(LOGS_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`ecskit logs: name one log group, e.g. ecskit logs /ecs/flask-inventory${positionals.length ? `; got ${positionals.length}: ${positionals.join(' ')}` : ''}. Run "ecskit logs --help".`);
  const group = positionals[0]!;
  if (!/^[\w\-./#]{1,512}$/.test(group)) throw new UsageError(`ecskit logs: log group names are 1-512 letters, digits and _-./#, got: ${JSON.stringify(group.slice(0, 100))}`);
  const since = values.since ?? '10m';
  if (!/^\d+(\.\d+)?\s*(s|m|h|d)$/.test(since.trim())) throw new UsageError(`ecskit logs: --since must be a duration like 30s, 10m, 2h or 1d, got: ${since}`);
  const env = io.env ?? process.env;
  const endpoint = endpointOf('logs', values) ?? env.AWS_ENDPOINT_URL;
  const clients = await clientsFor('logs', values, env);
  const s = styles(colorEnabled(io));
  const stop = new AbortController();
  if (values.follow) void io.untilSignal().then(() => stop.abort());
  try {
    // An unknown group is an error, not silence.
    const groups = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group, limit: 50 }));
    if (!(groups.logGroups ?? []).some((g) => g.logGroupName === group)) {
      const near = (groups.logGroups ?? []).map((g) => g.logGroupName).slice(0, 5);
      io.err(`ecskit logs: no log group ${group} in ${clients.region}${near.length ? ` (groups starting so: ${near.join(', ')})` : ''}. List them with: aws logs describe-log-groups\n`);
      return 1;
    }
    const ctx = { clients, stack: 'ecskit-cli', retries: 1, retryDelaySeconds: 0.2 };
    for await (const e of tailLogs(ctx, {
      logGroupName: group,
      since,
      follow: values.follow === true,
      pollIntervalSeconds: 1,
      signal: stop.signal,
      ...(values.filter !== undefined ? { filterPattern: values.filter } : {}),
      ...(values.stream !== undefined ? { logStreamNamePrefix: values.stream } : {}),
    })) {
      if (values.json) io.out(`${JSON.stringify({ timestamp: new Date(e.timestamp).toISOString(), stream: e.logStreamName, message: e.message })}\n`);
      else io.out(`${s.dim(new Date(e.timestamp).toISOString())} ${s.dim(e.logStreamName)} ${e.message.replace(/\n$/, '')}\n`);
    }
    return 0;
  } catch (error) {
    if (stop.signal.aborted) return 0;
    io.err(`${describeFailure('logs', error, endpoint)}\n`);
    return 1;
  } finally {
    stop.abort();
    close(clients);
  }
}
