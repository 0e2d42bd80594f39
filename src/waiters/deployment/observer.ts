/**
 * Observing a deployment: the API calls of one poll (DescribeServices,
 * ListTasks/DescribeTasks, DescribeTargetHealth, Cloud Map ListInstances,
 * the ServiceDeployment record) turned into a {@link DeploymentObservation},
 * with the caches that spare calls and the progress clock.
 *
 * @module
 */
import {
  DescribeContainerInstancesCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListInstancesCommand } from '@aws-sdk/client-servicediscovery';
import { EcskitError } from '../../errors.js';
import { ApiCalls, lastSegment } from '../common.js';
import { isRetryableError } from '../poller.js';
import type {
  DeploymentCounts,
  DeploymentObservation,
  DeploymentRef,
  ObservedRegistration,
  ObservedServiceDeployment,
  ObservedServiceEvent,
  ObservedTarget,
  ObservedTask,
  WaiterClients,
} from './observation.js';

/**
 * Thrown by {@link waitForDeployment} (and so by
 * {@link waitUntilDeploymentCompleted} and {@link followDeployment}) at the
 * first poll when what the {@link DeploymentRef} names does not exist:
 * `code` is `SERVICE_NOT_FOUND` or `DEPLOYMENT_NOT_FOUND`, and the message
 * says what to pass instead. Its `name` is `Error`, as it was before the
 * error had a class of its own, so logs read the same; tell it by `code`.
 *
 * @example
 * ```ts
 * try {
 *   await waitForDeployment(aws, { cluster: 'lab', service: 'invsys-service', deploymentId: 'ecs-svc/123' });
 * } catch (error) {
 *   if (error instanceof DeploymentNotFoundError && error.code === 'DEPLOYMENT_NOT_FOUND') console.error(error.message);
 *   // deploymentId: ecs-svc/123 is not a deployment of service invsys-service (it has ecs-svc/456); pass the id of service.deployments[0] from CreateService/UpdateService
 * }
 * ```
 */
export class DeploymentNotFoundError extends EcskitError {
  /** Which of the two was not found. */
  readonly code: 'SERVICE_NOT_FOUND' | 'DEPLOYMENT_NOT_FOUND';

  /**
   * @param code - `SERVICE_NOT_FOUND` or `DEPLOYMENT_NOT_FOUND`
   * @param message - what was not found, and what to pass instead
   */
  constructor(code: 'SERVICE_NOT_FOUND' | 'DEPLOYMENT_NOT_FOUND', message: string) {
    super(message);
    this.code = code;
  }
}

/** Revision number of a task definition ARN or `family:rev`. */
function revisionOf(taskDefinition: string): number | undefined {
  const m = /:(\d+)$/.exec(taskDefinition);
  return m ? Number(m[1]) : undefined;
}

function toCounts(d: NonNullable<Service['deployments']>[number]): DeploymentCounts {
  const taskDefinition = d.taskDefinition ?? '';
  return {
    id: d.id ?? '',
    status: d.status ?? '',
    taskDefinition,
    revision: revisionOf(taskDefinition),
    desired: d.desiredCount ?? 0,
    running: d.runningCount ?? 0,
    pending: d.pendingCount ?? 0,
    failed: d.failedTasks ?? 0,
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
    createdAt: d.createdAt?.getTime(),
  };
}

function toTask(t: Task): ObservedTask {
  const eni = t.attachments?.find((a) => a.type === 'ElasticNetworkInterface');
  const address =
    eni?.details?.find((d) => d.name === 'privateIPv4Address')?.value ??
    t.containers?.flatMap((c) => c.networkInterfaces ?? []).find((n) => n.privateIpv4Address)?.privateIpv4Address;
  return {
    taskArn: t.taskArn ?? '',
    taskId: lastSegment(t.taskArn ?? ''),
    lastStatus: t.lastStatus ?? 'UNKNOWN',
    desiredStatus: t.desiredStatus ?? 'UNKNOWN',
    healthStatus: t.healthStatus,
    address: eni ? address : undefined,
    stoppedReason: t.stoppedReason,
    stopCode: t.stopCode,
    containerInstanceArn: t.containerInstanceArn,
    containers: (t.containers ?? []).map((c) => ({
      name: c.name ?? '',
      exitCode: c.exitCode,
      reason: c.reason,
      bindings: (c.networkBindings ?? []).map((b) => ({ containerPort: b.containerPort, hostPort: b.hostPort })),
    })),
  };
}

/**
 * Fingerprint of everything that counts as progress.
 *
 * @internal
 */
export function progressFingerprint(o: Omit<DeploymentObservation, 'secondsWithoutProgress'>): string {
  return JSON.stringify([
    o.deployments.map((d) => [d.id, d.status, d.running, d.pending, d.failed, d.desired, d.rolloutState]),
    o.tasks.map((t) => [t.taskArn, t.lastStatus, t.healthStatus]),
    o.targets.map((t) => [t.targetGroupArn, t.id, t.port, t.state]),
    o.registrations.map((r) => [r.registryArn, r.taskArn, r.registered]),
    [...new Set(o.events.map((e) => e.message.replace(/\(task [0-9a-f]+\)/g, '(task)')))].sort(),
  ]);
}

/**
 * Pure: the service events that belong to the followed deployment's story:
 * those that name it, and those without a deployment name from its creation
 * on. An event naming another deployment (the one a rollback returns from,
 * say) or older than the deployment is not its progress.
 *
 * @internal
 */
export function followedEvents(
  events: readonly { readonly id?: string; readonly createdAt?: Date; readonly message?: string }[],
  deploymentId: string,
  createdAt: number | undefined,
): ObservedServiceEvent[] {
  return events
    .map((e) => ({ id: e.id ?? '', createdAt: e.createdAt?.getTime() ?? 0, message: e.message ?? '' }))
    .filter((e) => {
      const named = /\(deployment ([^)\s]+)\)/.exec(e.message)?.[1];
      if (named !== undefined) return named === deploymentId;
      return createdAt === undefined || e.createdAt >= createdAt;
    });
}

/**
 * Observes one deployment per call, keeping the caches that spare API calls
 * (stopped tasks, container instances, the ServiceDeployment ARN) and the
 * progress clock.
 *
 * @internal
 */
export class DeploymentObserver {
  readonly api = new ApiCalls();
  private readonly stopped = new Map<string, ObservedTask>();
  private readonly instances = new Map<string, string>();
  private serviceDeploymentArn: string | undefined;
  private createdAt: number | undefined;
  private seenOnce = false;
  private fingerprint: string | undefined;
  private progressAt = 0;

  constructor(
    private readonly clients: WaiterClients,
    private readonly ref: DeploymentRef,
    private readonly now: () => number,
  ) {}

  /** One poll. Throws a clear error when the service or deployment never existed. */
  async observe(signal: AbortSignal): Promise<DeploymentObservation> {
    const { ecs } = this.clients;
    const { cluster, deploymentId } = this.ref;
    const opts = { abortSignal: signal };
    const described = await this.api.call(() => ecs.send(new DescribeServicesCommand({ cluster, services: [this.ref.service] }), opts));
    const svc = described.services?.[0];
    if (!svc && !this.seenOnce) {
      throw new DeploymentNotFoundError(
        'SERVICE_NOT_FOUND',
        `service: ${this.ref.service} was not found in cluster ${cluster} (${described.failures?.[0]?.reason ?? 'MISSING'}); pass the service name or ARN that CreateService returned`,
      );
    }
    const deployments = (svc?.deployments ?? []).map(toCounts);
    const mine = deployments.find((d) => d.id === deploymentId);
    if (mine?.createdAt !== undefined) this.createdAt = mine.createdAt;

    const tasks = await this.tasks(signal);
    const running = tasks.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
    const targets = svc && running.length ? await this.targets(svc, running, signal) : [];
    const registrations = svc && running.length ? await this.registrations(svc, running, signal) : [];
    const primary = deployments.find((d) => d.status === 'PRIMARY');
    const needDeploymentRecord = !mine || mine.rolloutState === 'FAILED' || (primary !== undefined && primary.id !== deploymentId);
    const serviceDeployment = svc && needDeploymentRecord ? await this.serviceDeployment(svc, signal) : undefined;
    if (!mine && !this.seenOnce && !serviceDeployment) {
      throw new DeploymentNotFoundError(
        'DEPLOYMENT_NOT_FOUND',
        `deploymentId: ${deploymentId} is not a deployment of service ${this.ref.service} (it has ${deployments.map((d) => d.id).join(', ') || 'none'}); pass the id of service.deployments[0] from CreateService/UpdateService`,
      );
    }
    this.seenOnce = true;
    const events = followedEvents(svc?.events ?? [], deploymentId, this.createdAt);
    const at = this.now();
    const partial = {
      at,
      cluster,
      service: svc?.serviceName ?? lastSegment(this.ref.service),
      deploymentId,
      serviceStatus: svc?.status ?? 'MISSING',
      desiredCount: svc?.desiredCount ?? 0,
      runningCount: svc?.runningCount ?? 0,
      pendingCount: svc?.pendingCount ?? 0,
      deployments,
      tasks,
      targets,
      registrations,
      serviceDeployment,
      events,
    };
    const fingerprint = progressFingerprint(partial);
    if (fingerprint !== this.fingerprint) {
      this.fingerprint = fingerprint;
      this.progressAt = at;
    }
    return { ...partial, secondsWithoutProgress: (at - this.progressAt) / 1000 };
  }

  private async tasks(signal: AbortSignal): Promise<ObservedTask[]> {
    const { ecs } = this.clients;
    const { cluster, deploymentId } = this.ref;
    const arns: string[] = [];
    for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
      let nextToken: string | undefined;
      do {
        const page = await this.api.call(() =>
          ecs.send(new ListTasksCommand({ cluster, startedBy: deploymentId, desiredStatus, ...(nextToken && { nextToken }) }), { abortSignal: signal }),
        );
        arns.push(...(page.taskArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
    }
    const unknown = [...new Set(arns)].filter((arn) => !this.stopped.has(arn));
    const fresh: ObservedTask[] = [];
    for (let i = 0; i < unknown.length; i += 100) {
      const out = await this.api.call(() => ecs.send(new DescribeTasksCommand({ cluster, tasks: unknown.slice(i, i + 100) }), { abortSignal: signal }));
      for (const t of out.tasks ?? []) {
        const task = toTask(t);
        if (task.lastStatus === 'STOPPED') this.stopped.set(task.taskArn, task);
        else fresh.push(task);
      }
    }
    return [...fresh, ...this.stopped.values()].sort((a, b) => a.taskArn.localeCompare(b.taskArn));
  }

  private async targets(svc: Service, running: ObservedTask[], signal: AbortSignal): Promise<ObservedTarget[]> {
    const lbs = (svc.loadBalancers ?? []).filter((lb) => lb.targetGroupArn);
    if (lbs.length === 0) return [];
    await this.resolveInstances(running, signal);
    const out: ObservedTarget[] = [];
    for (const targetGroupArn of [...new Set(lbs.map((lb) => lb.targetGroupArn!))]) {
      const health = await this.api.call(() => this.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }), { abortSignal: signal }));
      const rows = health.TargetHealthDescriptions ?? [];
      for (const lb of lbs.filter((x) => x.targetGroupArn === targetGroupArn)) {
        for (const task of running) {
          const where = this.targetOf(task, lb.containerName, lb.containerPort);
          if (!where) continue;
          const row = rows.find((r) => r.Target?.Id === where.id && (where.port === undefined || r.Target?.Port === where.port));
          out.push({
            targetGroupArn,
            taskArn: task.taskArn,
            id: where.id,
            port: where.port,
            state: row?.TargetHealth?.State ?? 'notRegistered',
            reason: row?.TargetHealth?.Reason,
            description: row?.TargetHealth?.Description,
          });
        }
      }
    }
    return out;
  }

  /** The target a task becomes: its IP and container port (awsvpc), else its instance and host port. */
  private targetOf(task: ObservedTask, containerName: string | undefined, containerPort: number | undefined): { id: string; port: number | undefined } | undefined {
    if (task.address) return { id: task.address, port: containerPort };
    const instance = task.containerInstanceArn ? this.instances.get(task.containerInstanceArn) : undefined;
    if (!instance) return undefined;
    const container = task.containers.find((c) => c.name === containerName);
    const binding = container?.bindings.find((b) => b.containerPort === containerPort);
    return { id: instance, port: binding?.hostPort };
  }

  private async resolveInstances(running: ObservedTask[], signal: AbortSignal): Promise<void> {
    const missing = [...new Set(running.filter((t) => !t.address && t.containerInstanceArn).map((t) => t.containerInstanceArn!))].filter((arn) => !this.instances.has(arn));
    if (missing.length === 0) return;
    const out = await this.api.call(() =>
      this.clients.ecs.send(new DescribeContainerInstancesCommand({ cluster: this.ref.cluster, containerInstances: missing }), { abortSignal: signal }),
    );
    for (const ci of out.containerInstances ?? []) if (ci.containerInstanceArn && ci.ec2InstanceId) this.instances.set(ci.containerInstanceArn, ci.ec2InstanceId);
  }

  private async registrations(svc: Service, running: ObservedTask[], signal: AbortSignal): Promise<ObservedRegistration[]> {
    const out: ObservedRegistration[] = [];
    for (const registryArn of [...new Set((svc.serviceRegistries ?? []).map((r) => r.registryArn).filter((a): a is string => !!a))]) {
      const ids = new Set<string>();
      const addresses = new Set<string>();
      let NextToken: string | undefined;
      do {
        const page = await this.api.call(() =>
          this.clients.serviceDiscovery.send(new ListInstancesCommand({ ServiceId: lastSegment(registryArn), MaxResults: 100, ...(NextToken && { NextToken }) }), {
            abortSignal: signal,
          }),
        );
        for (const instance of page.Instances ?? []) {
          if (instance.Id) ids.add(instance.Id);
          const ip = instance.Attributes?.AWS_INSTANCE_IPV4;
          if (ip) addresses.add(ip);
        }
        NextToken = page.NextToken;
      } while (NextToken);
      for (const task of running) {
        out.push({ registryArn, taskArn: task.taskArn, registered: ids.has(task.taskId) || (task.address !== undefined && addresses.has(task.address)) });
      }
    }
    return out;
  }

  /** The ServiceDeployment of the followed deployment (matched by revision id, then creation time), or undefined. */
  private async serviceDeployment(svc: Service, signal: AbortSignal): Promise<ObservedServiceDeployment | undefined> {
    const { ecs } = this.clients;
    try {
      if (!this.serviceDeploymentArn) {
        const list = await this.api.call(() =>
          ecs.send(new ListServiceDeploymentsCommand({ cluster: this.ref.cluster, service: svc.serviceArn ?? this.ref.service }), { abortSignal: signal }),
        );
        const numeric = this.ref.deploymentId.replace(/^ecs-svc\//, '');
        const briefs = list.serviceDeployments ?? [];
        const byRevision = briefs.filter((b) => b.targetServiceRevisionArn?.endsWith(`/${numeric}`));
        const distance = (b: (typeof briefs)[number]) => Math.abs((b.createdAt?.getTime() ?? 0) - (this.createdAt ?? 0));
        const candidates = byRevision.length ? byRevision : this.createdAt !== undefined ? briefs.filter((b) => distance(b) <= 2000) : [];
        this.serviceDeploymentArn = candidates.sort((a, b) => distance(a) - distance(b))[0]?.serviceDeploymentArn;
        if (!this.serviceDeploymentArn) return undefined;
      }
      const arn = this.serviceDeploymentArn;
      const out = await this.api.call(() => ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }), { abortSignal: signal }));
      const sd = out.serviceDeployments?.[0];
      if (!sd) return undefined;
      return { arn, status: sd.status, statusReason: sd.statusReason, rollbackReason: sd.rollback?.reason, rollbackRevisionArn: sd.rollback?.serviceRevisionArn };
    } catch (error) {
      // The newer API is optional: accounts or endpoints without it still get an outcome from service.deployments.
      if (signal.aborted || isRetryableError(error)) throw error;
      return undefined;
    }
  }
}
