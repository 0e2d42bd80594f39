/**
 * The console's overview and task pages, read from the cloud state through
 * the same operations the AWS API serves (`CloudState.invoke`).
 *
 * @internal
 */
import type { CloudState } from '../core/cloud-state.js';
import { AwsError } from '../core/types.js';
import { badge, errorBody, html, raw, time, type Raw } from './html.js';

/** Calls one read-only operation in a region. */
export type Invoke = (service: string, operation: string, input: Record<string, unknown>) => Promise<any>;

export function invoker(state: CloudState, region: string): Invoke {
  return (service, operation, input) => state.invoke(service, operation, input, { region });
}

const tail = (arn: string | undefined) => (arn ?? '').split('/').at(-1) ?? '';
const chunks = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

async function all<T = string>(first: (token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>, max = 2000): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await first(token);
    out.push(...(page.items ?? []));
    token = page.next;
  } while (token && out.length < max);
  return out;
}

/** The address of a task (its ENI's private IPv4), if any. */
export function taskAddress(task: any): string {
  const eni = (task.attachments ?? []).find((a: any) => a.type === 'ElasticNetworkInterface');
  return eni?.details?.find((d: any) => d.name === 'privateIPv4Address')?.value ?? task.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address ?? '';
}

const taskLink = (base: string, cluster: string, arn: string) => `${base}/task?cluster=${encodeURIComponent(cluster)}&task=${encodeURIComponent(tail(arn))}`;

async function describeTasks(invoke: Invoke, cluster: string, arns: string[]): Promise<any[]> {
  const tasks: any[] = [];
  for (const group of chunks(arns, 100)) tasks.push(...((await invoke('ecs', 'DescribeTasks', { cluster, tasks: group })).tasks ?? []));
  return tasks;
}

async function clusterSection(invoke: Invoke, base: string, clusterArn: string): Promise<Raw> {
  const cluster = (await invoke('ecs', 'DescribeClusters', { clusters: [clusterArn] })).clusters?.[0];
  if (!cluster) return raw('');
  const name: string = cluster.clusterName;
  const serviceArns = await all((nextToken) => invoke('ecs', 'ListServices', { cluster: name, ...(nextToken ? { nextToken } : {}) }).then((r) => ({ items: r.serviceArns, next: r.nextToken })));
  const services: any[] = [];
  for (const group of chunks(serviceArns, 10)) services.push(...((await invoke('ecs', 'DescribeServices', { cluster: name, services: group })).services ?? []));
  services.sort((a, b) => String(a.serviceName).localeCompare(b.serviceName));
  const running = await all<string>((nextToken) => invoke('ecs', 'ListTasks', { cluster: name, desiredStatus: 'RUNNING', ...(nextToken ? { nextToken } : {}) }).then((r) => ({ items: r.taskArns, next: r.nextToken })));
  const stopped = await all<string>((nextToken) => invoke('ecs', 'ListTasks', { cluster: name, desiredStatus: 'STOPPED', ...(nextToken ? { nextToken } : {}) }).then((r) => ({ items: r.taskArns, next: r.nextToken })));
  const live = await describeTasks(invoke, name, running);
  const gone = (await describeTasks(invoke, name, stopped)).sort((a, b) => String(b.stoppedAt ?? '').localeCompare(String(a.stoppedAt ?? ''))).slice(0, 20);
  live.sort((a, b) => String(a.group).localeCompare(b.group) || String(a.startedAt ?? a.createdAt).localeCompare(String(b.startedAt ?? b.createdAt)));

  const serviceRows = services.map((s) => {
    const deployments = (s.deployments ?? []).map(
      (d: any) => html`<tr data-deployment="${d.id}" data-rollout="${d.rolloutState ?? ''}" data-deployment-status="${d.status}">
<td>${d.id}</td><td>${badge(d.status)}</td><td>${badge(d.rolloutState)}${d.rolloutStateReason ? html`<br><small>${d.rolloutStateReason}</small>` : ''}</td>
<td>${tail(d.taskDefinition)}</td><td>${d.runningCount}/${d.desiredCount}</td><td>${d.pendingCount}</td><td>${d.failedTasks ?? 0}</td><td>${time(d.updatedAt ?? d.createdAt)}</td></tr>`,
    );
    const events = (s.events ?? []).slice(0, 6).map((e: any) => html`<li>${time(e.createdAt)} ${e.message}</li>`);
    return html`<article class="service" data-service="${s.serviceName}" aria-labelledby="svc-${name}-${s.serviceName}">
<h3 id="svc-${name}-${s.serviceName}">Service ${s.serviceName} ${badge(s.status)} <span class="counts" data-counts>${s.runningCount} running / ${s.desiredCount} desired, ${s.pendingCount} pending</span></h3>
<table><caption>Deployments of ${s.serviceName}</caption>
<thead><tr><th scope="col">Deployment</th><th scope="col">Status</th><th scope="col">Rollout</th><th scope="col">Task definition</th><th scope="col">Running/desired</th><th scope="col">Pending</th><th scope="col">Failed</th><th scope="col">Updated</th></tr></thead>
<tbody>${deployments}</tbody></table>
<details open><summary>Recent events</summary><ul class="events">${events.length ? events : html`<li>No events yet.</li>`}</ul></details>
</article>`;
  });
  const taskRow = (t: any) => html`<tr data-task="${tail(t.taskArn)}" data-last-status="${t.lastStatus}">
<td><a href="${taskLink(base, name, t.taskArn)}">${tail(t.taskArn).slice(0, 12)}</a></td><td>${t.group}</td><td>${badge(t.lastStatus)}</td><td>${badge(t.desiredStatus)}</td><td>${badge(t.healthStatus)}</td><td>${taskAddress(t)}</td><td>${tail(t.taskDefinitionArn)}</td><td>${time(t.startedAt)}</td></tr>`;
  const stoppedRow = (t: any) => html`<tr data-task="${tail(t.taskArn)}" data-last-status="${t.lastStatus}">
<td><a href="${taskLink(base, name, t.taskArn)}">${tail(t.taskArn).slice(0, 12)}</a></td><td>${t.group}</td><td>${badge(t.lastStatus)}</td><td>${t.stopCode ?? ''}</td><td class="reason">${t.stoppedReason ?? ''}</td><td>${time(t.stoppedAt)}</td></tr>`;
  return html`<section class="cluster" aria-labelledby="cluster-${name}">
<h2 id="cluster-${name}">Cluster ${name} ${badge(cluster.status)} <span class="counts">${cluster.runningTasksCount} running, ${cluster.pendingTasksCount} pending tasks, ${cluster.activeServicesCount} services</span></h2>
${services.length ? serviceRows : html`<p>No services.</p>`}
<table class="tasks"><caption>Running tasks of ${name}</caption>
<thead><tr><th scope="col">Task</th><th scope="col">Group</th><th scope="col">Last status</th><th scope="col">Desired</th><th scope="col">Health</th><th scope="col">Address</th><th scope="col">Task definition</th><th scope="col">Started</th></tr></thead>
<tbody>${live.length ? live.map(taskRow) : html`<tr><td colspan="8">No running tasks.</td></tr>`}</tbody></table>
<table class="tasks stopped"><caption>Stopped tasks of ${name} (newest 20)</caption>
<thead><tr><th scope="col">Task</th><th scope="col">Group</th><th scope="col">Last status</th><th scope="col">Stop code</th><th scope="col">Stopped reason</th><th scope="col">Stopped</th></tr></thead>
<tbody>${gone.length ? gone.map(stoppedRow) : html`<tr><td colspan="6">No stopped tasks.</td></tr>`}</tbody></table>
</section>`;
}

async function targetGroupsSection(invoke: Invoke): Promise<Raw> {
  const groups: any[] = (await invoke('elasticloadbalancing', 'DescribeTargetGroups', {})).TargetGroups ?? [];
  const items = await Promise.all(
    groups.map(async (g) => {
      const health: any[] = (await invoke('elasticloadbalancing', 'DescribeTargetHealth', { TargetGroupArn: g.TargetGroupArn })).TargetHealthDescriptions ?? [];
      const rows = health.map(
        (h) => html`<tr data-target="${h.Target?.Id}:${h.Target?.Port}"><td>${h.Target?.Id}</td><td>${h.Target?.Port}</td><td>${badge(h.TargetHealth?.State)}</td><td>${h.TargetHealth?.Reason ?? ''}</td><td>${h.TargetHealth?.Description ?? ''}</td></tr>`,
      );
      return html`<table data-target-group="${g.TargetGroupName}"><caption>Target group ${g.TargetGroupName} (${g.Protocol} ${g.Port}, health check ${g.HealthCheckPath ?? '/'})</caption>
<thead><tr><th scope="col">Target</th><th scope="col">Port</th><th scope="col">State</th><th scope="col">Reason code</th><th scope="col">Description</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="5">No registered targets.</td></tr>`}</tbody></table>`;
    }),
  );
  return html`<section aria-labelledby="tgs"><h2 id="tgs">Target groups</h2>${items.length ? items : html`<p>No target groups.</p>`}</section>`;
}

async function cloudMapSection(invoke: Invoke): Promise<Raw> {
  const namespaces: any[] = (await invoke('servicediscovery', 'ListNamespaces', {})).Namespaces ?? [];
  const nsName = new Map(namespaces.map((n) => [n.Id, n.Name]));
  const services: any[] = (await invoke('servicediscovery', 'ListServices', {})).Services ?? [];
  const items = await Promise.all(
    services.map(async (s) => {
      const instances: any[] = (await invoke('servicediscovery', 'ListInstances', { ServiceId: s.Id })).Instances ?? [];
      let health: Record<string, string> = {};
      try {
        health = (await invoke('servicediscovery', 'GetInstancesHealthStatus', { ServiceId: s.Id })).Status ?? {};
      } catch (error) {
        if (!(error instanceof AwsError)) throw error; // no health checking configured
      }
      // ServiceSummary carries no NamespaceId (only DNS services name theirs, in DnsConfig): ask GetService.
      const namespaceId: string | undefined = s.DnsConfig?.NamespaceId ?? (await invoke('servicediscovery', 'GetService', { Id: s.Id })).Service?.NamespaceId;
      const fqdn = `${s.Name}.${(namespaceId && nsName.get(namespaceId)) ?? '?'}`;
      const rows = instances.map((i) => html`<tr><td>${i.Id}</td><td>${i.Attributes?.AWS_INSTANCE_IPV4 ?? ''}</td><td>${i.Attributes?.AWS_INSTANCE_PORT ?? ''}</td><td>${badge(health[i.Id] ?? 'UNKNOWN')}</td></tr>`);
      return html`<table data-cloud-map="${fqdn}"><caption>Cloud Map service ${fqdn}</caption>
<thead><tr><th scope="col">Instance</th><th scope="col">IPv4</th><th scope="col">Port</th><th scope="col">Health</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="4">No instances.</td></tr>`}</tbody></table>`;
    }),
  );
  return html`<section aria-labelledby="cloudmap"><h2 id="cloudmap">Cloud Map instances</h2>${items.length ? items : html`<p>No Cloud Map services.</p>`}</section>`;
}

async function alarmsSection(invoke: Invoke): Promise<Raw> {
  const alarms: any[] = (await invoke('monitoring', 'DescribeAlarms', {})).MetricAlarms ?? [];
  const items = await Promise.all(
    alarms.map(async (a) => {
      const history: any[] = ((await invoke('monitoring', 'DescribeAlarmHistory', { AlarmName: a.AlarmName, HistoryItemType: 'StateUpdate', MaxRecords: 5 })).AlarmHistoryItems ?? []).slice(0, 5);
      return html`<tr data-alarm="${a.AlarmName}"><td>${a.AlarmName}</td><td>${badge(a.StateValue)}</td><td>${a.StateReason}</td><td>${time(a.StateUpdatedTimestamp)}</td>
<td><ul class="history">${history.map((h) => html`<li>${time(h.Timestamp)} ${h.HistorySummary}</li>`)}</ul></td></tr>`;
    }),
  );
  return html`<section aria-labelledby="alarms"><h2 id="alarms">Alarms</h2>${
    items.length
      ? html`<table><thead><tr><th scope="col">Alarm</th><th scope="col">State</th><th scope="col">Reason</th><th scope="col">Since</th><th scope="col">History (state changes)</th></tr></thead><tbody>${items}</tbody></table>`
      : html`<p>No alarms.</p>`
  }</section>`;
}

async function scalingSection(invoke: Invoke): Promise<Raw> {
  const activities: any[] = ((await invoke('application-autoscaling', 'DescribeScalingActivities', { ServiceNamespace: 'ecs', MaxResults: 10 })).ScalingActivities ?? []).slice(0, 10);
  const rows = activities.map((a) => html`<tr><td>${time(a.StartTime)}</td><td>${a.ResourceId}</td><td>${badge(a.StatusCode)}</td><td>${a.Description}</td><td>${a.Cause}</td></tr>`);
  return html`<section aria-labelledby="scaling"><h2 id="scaling">Scaling activities</h2>${
    rows.length ? html`<table><thead><tr><th scope="col">Started</th><th scope="col">Resource</th><th scope="col">Status</th><th scope="col">Description</th><th scope="col">Cause</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p>No scaling activities.</p>`
  }</section>`;
}

/** The overview page's `<main>` content. */
export async function overviewBody(invoke: Invoke, base: string, region: string): Promise<Raw> {
  const clusterArns = await all<string>((nextToken) => invoke('ecs', 'ListClusters', { ...(nextToken ? { nextToken } : {}) }).then((r) => ({ items: r.clusterArns, next: r.nextToken })));
  const clusters = await Promise.all(clusterArns.map((arn) => clusterSection(invoke, base, arn)));
  const [tgs, cloudMap, alarms, scaling] = await Promise.all([targetGroupsSection(invoke), cloudMapSection(invoke), alarmsSection(invoke), scalingSection(invoke)]);
  return html`<h1>Overview <small>(${region})</small></h1>
${clusters.length ? clusters : html`<p>No clusters yet: create one (e.g. run the lab's Task 1) and it appears here.</p>`}
${tgs}${cloudMap}${alarms}${scaling}`;
}

/** The task page's `<main>` content, or `undefined` when the task does not exist. */
export async function taskBody(invoke: Invoke, base: string, cluster: string, taskId: string): Promise<Raw | undefined> {
  let task: any;
  try {
    task = (await invoke('ecs', 'DescribeTasks', { cluster, tasks: [taskId] })).tasks?.[0];
  } catch (error) {
    if (error instanceof AwsError) return undefined;
    throw error;
  }
  if (!task) return undefined;
  let definition: any;
  try {
    definition = (await invoke('ecs', 'DescribeTaskDefinition', { taskDefinition: task.taskDefinitionArn })).taskDefinition;
  } catch {
    definition = undefined;
  }
  const id = tail(task.taskArn);
  const logLinks = (definition?.containerDefinitions ?? [])
    .filter((c: any) => c.logConfiguration?.logDriver === 'awslogs' && c.logConfiguration.options?.['awslogs-group'])
    .map((c: any) => {
      const o = c.logConfiguration.options;
      const stream = `${o['awslogs-stream-prefix'] ? `${o['awslogs-stream-prefix']}/` : ''}${c.name}/${id}`;
      return html`<li><a href="${base}/logs?group=${encodeURIComponent(o['awslogs-group'])}&stream=${encodeURIComponent(stream)}">Logs of ${c.name}</a> (${o['awslogs-group']}, stream ${stream})</li>`;
    });
  const field = (label: string, value: unknown) => html`<dt>${label}</dt><dd>${value as Raw}</dd>`;
  const containers = (task.containers ?? []).map(
    (c: any) => html`<tr><td>${c.name}</td><td>${c.image}</td><td>${badge(c.lastStatus)}</td><td>${badge(c.healthStatus)}</td><td>${c.exitCode ?? ''}</td><td>${c.reason ?? ''}</td><td>${(c.networkInterfaces ?? []).map((n: any) => n.privateIpv4Address).join(', ')}</td></tr>`,
  );
  return html`<h1>Task ${id}</h1>
<p><a href="${base}">Back to the overview</a></p>
<dl class="fields" data-task-detail="${id}">
${field('Cluster', cluster)}${field('Group', task.group)}${field('Last status', badge(task.lastStatus))}${field('Desired status', badge(task.desiredStatus))}${field('Health', badge(task.healthStatus))}
${field('Address', taskAddress(task))}${field('Task definition', tail(task.taskDefinitionArn))}${field('Launch type', task.launchType)}${field('CPU / memory', `${task.cpu ?? '-'} / ${task.memory ?? '-'}`)}
${field('Created', time(task.createdAt))}${field('Started', time(task.startedAt))}${field('Stopping', time(task.stoppingAt))}${field('Stopped', time(task.stoppedAt))}
${field('Stop code', task.stopCode ?? '')}${field('Stopped reason', task.stoppedReason ?? '')}${field('ARN', task.taskArn)}
</dl>
<table><caption>Containers</caption><thead><tr><th scope="col">Name</th><th scope="col">Image</th><th scope="col">Last status</th><th scope="col">Health</th><th scope="col">Exit code</th><th scope="col">Reason</th><th scope="col">Address</th></tr></thead>
<tbody>${containers}</tbody></table>
${logLinks.length ? html`<h2>Logs</h2><ul>${logLinks}</ul>` : ''}`;
}

/** A page body for a task that does not exist. */
export const noTask = (cluster: string, task: string) =>
  errorBody('Task not found', `There is no task ${task} in cluster ${cluster} in this region.`, 'Stopped tasks are kept for a while and then forgotten, as in ECS. Go back to the overview to pick a task.');
