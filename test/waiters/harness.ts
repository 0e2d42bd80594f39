/**
 * Waiter test harness: a control-plane-only local cloud with a cluster, an
 * ALB + listener + ip target group, a Cloud Map namespace and service, two
 * revisions of a Fargate task definition, and helpers that play the
 * scheduler by mutating the ECS/ELBv2/Cloud Map state directly. A scripted
 * fake clock runs one step per poll, so tests are deterministic and never
 * sleep.
 *
 * @internal
 */
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreatePrivateDnsNamespaceCommand, CreateServiceCommand as CreateDiscoveryServiceCommand, GetOperationCommand } from '@aws-sdk/client-servicediscovery';
import { registerInstance } from '../../src/local/services/cloudmap/state.js';
import {
  addServiceEvent,
  completeDeployment,
  createTasksForDeployment,
  failDeployment,
  recordFailedTasks,
  serviceEventMessage,
  serviceTasks,
  updateTask,
  type TaskRecord,
} from '../../src/local/services/ecs/state.js';
import { registerTargets, setTargetHealth } from '../../src/local/services/elbv2/state.js';
import type { RegionState } from '../../src/local/core/types.js';
import type { Clock } from '../../src/waiters/clock.js';
import { startTestCloud, type TestCloud } from '../local/helpers.js';
import { fakeClock } from './fake-clock.js';

export const CLUSTER = 'lab';

/** The test cloud plus the resources every waiter test shares. */
export interface WaiterCloud extends TestCloud {
  subnets: string[];
  securityGroup: string;
  targetGroupArn: string;
  registryArn: string;
  registryId: string;
  /** Region state for the mutators. */
  rs(): RegionState;
}

/** Starts the cloud (no runtime) and creates the shared resources. */
export async function startWaiterCloud(): Promise<WaiterCloud> {
  const t = await startTestCloud({ timeScale: 0.001 });
  try {
    const ec2 = (op: string) => t.cloud.state.invoke('ec2', op, {}, { region: t.cloud.region }) as Promise<any>;
    const subnetSet = (await ec2('DescribeSubnets')).subnetSet as { subnetId: string; vpcId: string }[];
    const subnets = subnetSet.slice(0, 2).map((s) => s.subnetId);
    const securityGroup = (await ec2('DescribeSecurityGroups')).securityGroupInfo[0].groupId as string;
    const vpcId = subnetSet[0]!.vpcId;
    const { OperationId } = await t.clients.serviceDiscovery.send(new CreatePrivateDnsNamespaceCommand({ Name: 'local', Vpc: vpcId }));
    let namespaceId: string | undefined;
    for (let i = 0; i < 400 && !namespaceId; i++) {
      const { Operation } = await t.clients.serviceDiscovery.send(new GetOperationCommand({ OperationId }));
      if (Operation?.Status === 'SUCCESS') namespaceId = Operation.Targets?.NAMESPACE;
      else await new Promise((r) => setTimeout(r, 5));
    }
    const discovery = await t.clients.serviceDiscovery.send(
      new CreateDiscoveryServiceCommand({
        Name: 'invsys',
        NamespaceId: namespaceId,
        DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 60 }] },
        HealthCheckCustomConfig: { FailureThreshold: 1 },
      }),
    );
    const lb = await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'lab-alb', Subnets: subnets, SecurityGroups: [securityGroup] }));
    const tg = await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'invsys-tg', Protocol: 'HTTP', Port: 5000, VpcId: vpcId, TargetType: 'ip' }));
    const targetGroupArn = tg.TargetGroups![0]!.TargetGroupArn!;
    await t.clients.elbv2.send(
      new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancers![0]!.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }] }),
    );
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    for (const tag of ['v1', 'v2']) {
      await t.clients.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'invsys',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'invsys', image: `invsys:${tag}`, essential: true, portMappings: [{ containerPort: 5000 }] }],
        }),
      );
    }
    return {
      ...t,
      subnets,
      securityGroup,
      targetGroupArn,
      registryArn: discovery.Service!.Arn!,
      registryId: discovery.Service!.Id!,
      rs: () => t.cloud.state.region(t.cloud.region),
    };
  } catch (error) {
    await t.stop();
    throw error;
  }
}

let serial = 0;

/** Creates a service (revision 1) and returns its ARN and first deployment id. */
export async function createService(
  w: WaiterCloud,
  options: { desiredCount?: number; loadBalanced?: boolean; discovery?: boolean; name?: string } = {},
): Promise<{ name: string; serviceArn: string; deploymentId: string }> {
  const name = options.name ?? `svc-${++serial}`;
  const { service } = await w.clients.ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: name,
      taskDefinition: 'invsys:1',
      desiredCount: options.desiredCount ?? 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: w.subnets, securityGroups: [w.securityGroup], assignPublicIp: 'DISABLED' } },
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, minimumHealthyPercent: 100, maximumPercent: 200 },
      ...(options.loadBalanced !== false && { loadBalancers: [{ targetGroupArn: w.targetGroupArn, containerName: 'invsys', containerPort: 5000 }] }),
      ...(options.discovery !== false && { serviceRegistries: [{ registryArn: w.registryArn }] }),
    }),
  );
  return { name, serviceArn: service!.serviceArn!, deploymentId: service!.deployments![0]!.id! };
}

/** UpdateService to revision `rev`; returns the new deployment id. */
export async function updateService(w: WaiterCloud, name: string, rev: number): Promise<string> {
  const { service } = await w.clients.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: name, taskDefinition: `invsys:${rev}` }));
  return service!.deployments!.find((d) => d.status === 'PRIMARY')!.id!;
}

let ip = 10;

/** Plays the scheduler on the control plane. */
export function scheduler(w: WaiterCloud, serviceArn: string) {
  const rs = () => w.rs();
  return {
    /** Launches `n` tasks of a deployment straight to RUNNING, with an address. */
    launch(deploymentId: string, n: number): TaskRecord[] {
      const tasks = createTasksForDeployment(rs(), serviceArn, deploymentId, n);
      for (const task of tasks) {
        const address = `10.0.${Math.floor(ip / 250)}.${(ip++ % 250) + 2}`;
        updateTask(rs(), task.taskArn, { lastStatus: 'RUNNING', eni: { privateIPv4Address: address }, containers: [{ name: 'invsys', lastStatus: 'RUNNING', privateIpv4Address: address }] });
      }
      return tasks;
    },
    /** Registers running tasks in the target group (state `initial`). */
    register(tasks: TaskRecord[]): void {
      registerTargets(rs(), w.targetGroupArn, tasks.map((t) => ({ Id: addressOf(t), Port: 5000 })), Date.now());
    },
    /** Sets the target health of tasks. */
    health(tasks: TaskRecord[], state: 'healthy' | 'unhealthy' | 'initial', reason?: string): void {
      for (const t of tasks) setTargetHealth(rs(), w.targetGroupArn, { Id: addressOf(t), Port: 5000 }, state, reason);
    },
    /** Registers tasks in Cloud Map as ECS does (instance id = task id). */
    discover(tasks: TaskRecord[]): void {
      for (const t of tasks) {
        registerInstance(rs(), w.registryId, t.taskArn.slice(t.taskArn.lastIndexOf('/') + 1), { AWS_INSTANCE_IPV4: addressOf(t), AWS_INSTANCE_PORT: '5000' }, { now: Date.now(), timeScale: 0.001 });
      }
    },
    /** Stops tasks with a reason, a stop code and an exit code. */
    stop(tasks: TaskRecord[], reason: string, exitCode?: number): void {
      for (const t of tasks) {
        updateTask(rs(), t.taskArn, {
          lastStatus: 'STOPPED',
          desiredStatus: 'STOPPED',
          stoppedReason: reason,
          stopCode: exitCode === undefined ? 'ServiceSchedulerInitiated' : 'EssentialContainerExited',
          containers: [{ name: 'invsys', lastStatus: 'STOPPED', ...(exitCode !== undefined && { exitCode }) }],
        });
      }
    },
    /** Stops the other deployments' tasks and completes `deploymentId`, with the steady-state event. */
    complete(deploymentId: string, serviceName: string): void {
      const old = serviceTasks(rs(), serviceArn, { activeOnly: true }).filter((t) => t.deploymentId !== deploymentId);
      this.stop(old, 'Scaling activity initiated by (deployment)');
      completeDeployment(rs(), serviceArn, deploymentId);
      addServiceEvent(rs(), serviceArn, serviceEventMessage.steadyState(serviceName));
    },
    failed(deploymentId: string, n: number): void {
      recordFailedTasks(rs(), serviceArn, deploymentId, n);
    },
    fail(deploymentId: string, reason: string, rollback: boolean) {
      return failDeployment(rs(), serviceArn, deploymentId, reason, { rollback });
    },
    event(message: string): void {
      addServiceEvent(rs(), serviceArn, message);
    },
  };
}

/** A task's private address. */
export function addressOf(task: TaskRecord): string {
  const eni = task.attachments.find((a) => a.type === 'ElasticNetworkInterface');
  return eni!.details.find((d) => d.name === 'privateIPv4Address')!.value;
}

/**
 * A fake clock that runs `steps[i]` during the i-th sleep (i.e. between
 * polls i+1 and i+2): the world changes while the waiter "sleeps".
 */
export function scriptedClock(steps: (() => void | Promise<void>)[]): Clock & { sleeps: number[] } {
  const base = fakeClock();
  let i = 0;
  return {
    sleeps: base.sleeps,
    now: base.now,
    async sleep(ms, signal) {
      await base.sleep(ms, signal);
      const step = steps[i++];
      if (step) await step();
    },
  };
}
