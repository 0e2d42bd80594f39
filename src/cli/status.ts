/**
 * `ecskit status`: the clusters, services, deployments and tasks of an
 * endpoint (the local cloud or AWS) as tables, `--json` for machines,
 * `--watch` to follow.
 *
 * @internal
 */
import { DescribeClustersCommand, DescribeServicesCommand, DescribeTasksCommand, ListClustersCommand, ListServicesCommand, ListTasksCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { close } from '../clients.js';
import { ENDPOINT_HELP, ENDPOINT_OPTIONS, clientsFor, colorEnabled, describeFailure, endpointOf, parseCommand, styles, table, type CommandIo } from './common.js';
import { UsageError } from '../script/flags.js';

export const STATUS_HELP = `ecskit status — the clusters, services, deployments and tasks of an endpoint

Usage: ecskit status [options]

Options:
  --cluster <name>        only this cluster (repeatable)
  --json                  print one JSON document (stdout) instead of tables
  --watch                 print again every --interval seconds until Ctrl-C
  --interval <seconds>    with --watch (default 2)
  --stopped               also list stopped tasks (with their stopped reason)
${ENDPOINT_HELP}  -h, --help              show this help

Exit codes: 0 shown, 1 the endpoint failed or is down, 2 bad usage.
`;

const OPTIONS = {
  ...ENDPOINT_OPTIONS,
  cluster: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  watch: { type: 'boolean' },
  interval: { type: 'string' },
  stopped: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What `status` shows, also its `--json` document. */
export interface StatusReport {
  region: string;
  endpoint: string | null;
  at: string;
  clusters: Array<{
    name: string;
    status: string;
    runningTasks: number;
    pendingTasks: number;
    services: Array<{
      name: string;
      status: string;
      desired: number;
      running: number;
      pending: number;
      deployments: Array<{ id: string; status: string; rolloutState: string | null; taskDefinition: string; desired: number; running: number; pending: number; failed: number }>;
      lastEvent: string | null;
    }>;
    tasks: Array<{ id: string; group: string; lastStatus: string; desiredStatus: string; health: string; address: string | null; taskDefinition: string; stoppedReason: string | null; startedAt: string | null }>;
  }>;
}

const chunks = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));
const tail = (arn: string | undefined) => (arn ?? '').split('/').at(-1) ?? '';
const family = (arn: string | undefined) => (arn ?? '').split('/').at(-1) ?? '';

async function listAll<T>(page: (token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const { items, next } = await page(token);
    all.push(...(items ?? []));
    token = next;
  } while (token);
  return all;
}

/** Reads the status of every (or the named) cluster through the ECS API. */
export async function readStatus(ecs: ECSClient, region: string, endpoint: string | undefined, options: { clusters?: readonly string[]; stopped?: boolean } = {}): Promise<StatusReport> {
  const clusterArns = options.clusters?.length ? [...options.clusters] : await listAll((nextToken) => ecs.send(new ListClustersCommand({ nextToken })).then((r) => ({ items: r.clusterArns, next: r.nextToken })));
  const report: StatusReport = { region, endpoint: endpoint ?? null, at: new Date().toISOString(), clusters: [] };
  for (const batch of chunks(clusterArns, 100)) {
    const described = await ecs.send(new DescribeClustersCommand({ clusters: batch }));
    for (const failure of described.failures ?? []) {
      if (options.clusters?.length) throw new UsageError(`ecskit status: cluster ${tail(failure.arn)} not found (${failure.reason ?? 'MISSING'}) in ${region}`);
    }
    for (const cluster of described.clusters ?? []) {
      const name = cluster.clusterName ?? tail(cluster.clusterArn);
      const serviceArns = await listAll((nextToken) => ecs.send(new ListServicesCommand({ cluster: name, nextToken })).then((r) => ({ items: r.serviceArns, next: r.nextToken })));
      const services: StatusReport['clusters'][number]['services'] = [];
      for (const group of chunks(serviceArns, 10)) {
        const out = await ecs.send(new DescribeServicesCommand({ cluster: name, services: group }));
        for (const s of out.services ?? []) {
          services.push({
            name: s.serviceName ?? tail(s.serviceArn),
            status: s.status ?? '',
            desired: s.desiredCount ?? 0,
            running: s.runningCount ?? 0,
            pending: s.pendingCount ?? 0,
            deployments: (s.deployments ?? []).map((d) => ({
              id: d.id ?? '',
              status: d.status ?? '',
              rolloutState: d.rolloutState ?? null,
              taskDefinition: family(d.taskDefinition),
              desired: d.desiredCount ?? 0,
              running: d.runningCount ?? 0,
              pending: d.pendingCount ?? 0,
              failed: d.failedTasks ?? 0,
            })),
            lastEvent: s.events?.[0]?.message ?? null,
          });
        }
      }
      const taskArns = [
        ...(await listAll((nextToken) => ecs.send(new ListTasksCommand({ cluster: name, nextToken, desiredStatus: 'RUNNING' })).then((r) => ({ items: r.taskArns, next: r.nextToken })))),
        ...(options.stopped ? await listAll((nextToken) => ecs.send(new ListTasksCommand({ cluster: name, nextToken, desiredStatus: 'STOPPED' })).then((r) => ({ items: r.taskArns, next: r.nextToken }))) : []),
      ];
      const tasks: StatusReport['clusters'][number]['tasks'] = [];
      for (const group of chunks(taskArns, 100)) {
        const out = await ecs.send(new DescribeTasksCommand({ cluster: name, tasks: group }));
        for (const t of out.tasks ?? []) {
          const eni = t.attachments?.find((a) => a.type === 'ElasticNetworkInterface');
          const address = eni?.details?.find((d) => d.name === 'privateIPv4Address')?.value ?? t.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address ?? null;
          tasks.push({
            id: tail(t.taskArn),
            group: t.group ?? '',
            lastStatus: t.lastStatus ?? '',
            desiredStatus: t.desiredStatus ?? '',
            health: t.healthStatus ?? 'UNKNOWN',
            address,
            taskDefinition: family(t.taskDefinitionArn),
            stoppedReason: t.stoppedReason ?? null,
            startedAt: t.startedAt ? new Date(t.startedAt).toISOString() : null,
          });
        }
      }
      tasks.sort((a, b) => a.group.localeCompare(b.group) || a.lastStatus.localeCompare(b.lastStatus) || a.id.localeCompare(b.id));
      report.clusters.push({ name, status: cluster.status ?? '', runningTasks: cluster.runningTasksCount ?? 0, pendingTasks: cluster.pendingTasksCount ?? 0, services, tasks });
    }
  }
  return report;
}

/** The report as text tables (words carry every state; colour, when on, only repeats them). */
export function formatStatus(report: StatusReport, color: boolean): string {
  const s = styles(color);
  const parts: string[] = [];
  parts.push(s.dim(`${report.endpoint ?? 'AWS'} · ${report.region} · ${report.at}`) + '\n');
  if (report.clusters.length === 0) parts.push('No clusters.\n');
  for (const c of report.clusters) {
    parts.push(`\n${s.bold(`Cluster ${c.name}`)} (${c.status}; ${c.runningTasks} running, ${c.pendingTasks} pending tasks)\n`);
    if (c.services.length) {
      parts.push('\nServices\n');
      parts.push(table(['SERVICE', 'STATUS', 'RUNNING/DESIRED', 'PENDING', 'LAST EVENT'], c.services.map((v) => [v.name, v.status, `${v.running}/${v.desired}`, String(v.pending), (v.lastEvent ?? '').slice(0, 100)])));
      parts.push('\nDeployments\n');
      parts.push(
        table(
          ['SERVICE', 'DEPLOYMENT', 'STATUS', 'ROLLOUT', 'TASK DEFINITION', 'RUNNING/DESIRED', 'PENDING', 'FAILED'],
          c.services.flatMap((v) => v.deployments.map((d) => [v.name, d.id, d.status, d.rolloutState ?? '', d.taskDefinition, `${d.running}/${d.desired}`, String(d.pending), String(d.failed)])),
        ),
      );
    } else parts.push('No services.\n');
    if (c.tasks.length) {
      parts.push('\nTasks\n');
      parts.push(table(['TASK', 'GROUP', 'LAST', 'DESIRED', 'HEALTH', 'ADDRESS', 'TASK DEFINITION', 'STOPPED REASON'], c.tasks.map((t) => [t.id, t.group, t.lastStatus, t.desiredStatus, t.health, t.address ?? '', t.taskDefinition, t.stoppedReason ?? ''])));
    } else parts.push('No tasks.\n');
  }
  return parts.join('');
}

/** Runs `ecskit status <args>`; resolves with the exit code. */
export async function runStatus(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseCommand('status', args, OPTIONS);
  if (values.help) {
    io.out(STATUS_HELP);
    return 0;
  }
  const interval = values.interval === undefined ? 2 : Number(values.interval);
  if (!(interval >= 0.2 && interval <= 3600)) throw new UsageError(`ecskit status: --interval must be a number of seconds from 0.2 to 3600, got: ${values.interval}`);
  if (values.interval !== undefined && !values.watch) throw new UsageError('ecskit status: --interval needs --watch');
  const env = io.env ?? process.env;
  const endpoint = endpointOf('status', values) ?? env.AWS_ENDPOINT_URL;
  const clients = await clientsFor('status', values, env);
  const color = colorEnabled(io);
  const tty = io.isTTY ?? process.stdout.isTTY === true;
  let stopped = false;
  let wake: (() => void) | undefined;
  if (values.watch) {
    void io.untilSignal().then(() => {
      stopped = true;
      wake?.();
    });
  }
  try {
    for (;;) {
      let report: StatusReport | undefined;
      try {
        report = await readStatus(clients.ecs, clients.region, endpoint, { ...(values.cluster ? { clusters: values.cluster } : {}), stopped: values.stopped === true });
      } catch (error) {
        if (error instanceof UsageError) throw error;
        io.err(`${describeFailure('status', error, endpoint)}\n`);
        if (!values.watch) return 1;
      }
      if (report) {
        if (values.json) io.out(`${JSON.stringify(report)}\n`);
        else io.out(`${values.watch && tty ? '\x1b[2J\x1b[H' : ''}${formatStatus(report, color)}`);
      }
      if (!values.watch || stopped) return 0;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, interval * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (stopped) return 0;
    }
  } finally {
    close(clients);
  }
}
