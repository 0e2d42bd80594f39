#!/usr/bin/env -S npx tsx
/**
 * Lab Task 3 (Deploying Inventory System Service): the Cloud Map namespace
 * `local` (3.1) and service `invsys` (3.2, A records, TTL 60, custom health
 * check), the `invsys-tg` target group (3.3), the `invsys-service` with two
 * awsvpc tasks registered in Cloud Map (3.4), and the checks of 3.5–3.6:
 * running tasks, Cloud Map instances, the app's startup lines in
 * `/ecs/flask-inventory-invsys`.
 *
 * What it fixes from ERRATA:
 * - 3.1: no `sleep 30`: the namespace's Cloud Map operation is awaited until
 *   SUCCESS (or its failure reason is reported).
 * - 4.1: 3.4 already needs `$VPC_ID`, the subnets and `$ECS_SG_ID` from "the
 *   previous guide": the default VPC is looked up and the security group
 *   `flask-inventory-ecs-sg` created (or found) here.
 * - 3.4: `aws ecs wait services-stable` misses rollbacks; the deployment
 *   created by CreateService is followed to its outcome (`waitForDeployment`).
 * - Not in ERRATA: the service packs its tasks on one instance (`binpack` on
 *   memory) so the two replicas share the invsys-data volume (see
 *   `INVSYS_PLACEMENT` in 02-task-definitions.ts).
 *
 * Run: `npx tsx examples/03-invsys-service.ts [--target aws|local] [--json]`
 */
import { DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { ListInstancesCommand } from '@aws-sdk/client-servicediscovery';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { discoveryService, privateDnsNamespace, service, targetGroup } from 'ecskit';
import { isMain, runScript, run as coreConcepts, type Lab } from './01-core-concepts.ts';
import { INVSYS_PLACEMENT, run as taskDefinitions } from './02-task-definitions.ts';

/**
 * The network "the previous guide" assumed (ERRATA 4.1): the default VPC, its
 * subnets, and the security group `flask-inventory-ecs-sg` allowing 5000–5001
 * from inside the VPC and 80 from anywhere. Fills `lab.network` and
 * `lab.securityGroupId`.
 */
export async function ensureLabNetwork(lab: Lab): Promise<{ vpcId: string; subnetIds: readonly string[]; securityGroupId: string }> {
  if (lab.network && lab.securityGroupId) return { ...lab.network, securityGroupId: lab.securityGroupId };
  return lab.report.step(
    'Previous guide (ERRATA 4.1): default VPC and security group flask-inventory-ecs-sg',
    async () => {
      if (!lab.network) {
        const net = await lab.ops.lookupDefaultNetwork();
        lab.network = { vpcId: net.vpcId, cidrBlock: net.cidrBlock, subnetIds: net.subnetIds };
      }
      const sg = await lab.ops.ensureSecurityGroup({
        name: lab.names.securityGroup,
        description: 'Flask inventory lab: ALB on 80, tasks on 5000-5001 inside the VPC',
        vpcId: lab.network.vpcId,
        ingress: [
          { port: lab.names.invsysPort, toPort: lab.names.gatewayPort, cidr: lab.network.cidrBlock, description: 'invsys and gateway from inside the VPC' },
          { port: 80, cidr: '0.0.0.0/0', description: 'HTTP to the ALB' },
        ],
      });
      lab.securityGroupId = sg.resource.GroupId ?? '';
      return { ...lab.network, securityGroupId: lab.securityGroupId };
    },
    (r) => ({ vpcId: r.vpcId, cidrBlock: lab.network?.cidrBlock, subnets: r.subnetIds.length, securityGroupId: r.securityGroupId }),
  );
}

/** What Task 3 reports. */
export interface InvsysServiceResult {
  readonly task: 3;
  readonly namespaceId: string;
  readonly namespaceCreated: boolean;
  readonly discoveryArn: string;
  readonly targetGroupArn: string;
  readonly deploymentId: string;
  /** The deployment's outcome (`completed`). */
  readonly outcome: string;
  readonly serviceStatus: string;
  readonly desiredCount: number;
  readonly runningCount: number;
  /** RUNNING tasks listed for the service. */
  readonly runningTasks: number;
  /** Their private (ENI) addresses. */
  readonly taskAddresses: readonly string[];
  /** Instances registered in Cloud Map under invsys.local (their IPv4 addresses). */
  readonly cloudMapInstances: readonly string[];
  /** How many startup lines of the app ("listening") are in /ecs/flask-inventory-invsys. */
  readonly startupLogLines: number;
  /** How many container instances the RUNNING tasks are on (1: they share the invsys-data volume). */
  readonly containerInstances: number;
}

/** Private IPv4 addresses of the RUNNING tasks of a service (from their ENI attachment). */
export async function runningTaskAddresses(lab: Lab, serviceName: string): Promise<{ taskArn: string; address: string; taskDefinitionArn: string; containerInstanceArn?: string }[]> {
  const { ecs } = lab.clients;
  const listed = await ecs.send(new ListTasksCommand({ cluster: lab.names.cluster, serviceName, desiredStatus: 'RUNNING' }));
  const arns = listed.taskArns ?? [];
  if (arns.length === 0) return [];
  const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster: lab.names.cluster, tasks: arns }));
  return tasks
    .filter((t) => t.lastStatus === 'RUNNING')
    .map((t) => ({
      taskArn: t.taskArn ?? '',
      taskDefinitionArn: t.taskDefinitionArn ?? '',
      ...(t.containerInstanceArn && { containerInstanceArn: t.containerInstanceArn }),
      address:
        t.attachments?.find((a) => a.type === 'ElasticNetworkInterface')?.details?.find((d) => d.name === 'privateIPv4Address')?.value ??
        t.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address ??
        '',
    }));
}

/** Task 3: namespace, discovery service, target group, invsys service; follows its deployment and verifies it. */
export async function run(lab: Lab): Promise<InvsysServiceResult> {
  const { report, ops, names, clients } = lab;
  if (!lab.taskDefinitions.invsys) throw new Error('Task 2 (examples/02-task-definitions.ts) must run first: it registers the invsys task definition');
  const net = await ensureLabNetwork(lab);

  const ns = await report.step(
    'Task 3.1: Cloud Map namespace local (waits on the operation, ERRATA 3.1)',
    () => ops.ensureNamespace(privateDnsNamespace(names.namespace).vpc(net.vpcId).description('Service discovery for Flask inventory app')),
    (r) => ({ namespaceId: r.resource.Id, name: r.resource.Name, action: r.action }),
  );
  lab.namespaceId = ns.resource.Id ?? '';

  const sd = await report.step(
    'Task 3.2: Cloud Map service invsys (A, TTL 60, custom health check)',
    () =>
      ops.ensureDiscoveryService(
        discoveryService(names.invsysDiscovery)
          .namespaceId(lab.namespaceId!)
          .dnsRecord('A', 60)
          .customHealthCheck({ failureThreshold: 1 })
          .description('Service discovery for inventory system'),
      ),
    (r) => ({ arn: r.resource.Arn, dnsName: `${names.invsysDiscovery}.${names.namespace}`, action: r.action }),
  );
  lab.invsysDiscoveryArn = sd.resource.Arn ?? '';

  const tg = await report.step(
    'Task 3.3: target group invsys-tg (ip, /items, 30/5/2/3)',
    () =>
      ops.ensureTargetGroup(
        targetGroup(names.invsysTargetGroup)
          .protocol('HTTP')
          .port(names.invsysPort)
          .vpc(net.vpcId)
          .targetType('ip')
          .healthCheck({ enabled: true, protocol: 'HTTP', path: '/items', intervalSeconds: 30, timeoutSeconds: 5, healthyThresholdCount: 2, unhealthyThresholdCount: 3 }),
      ),
    (r) => ({ arn: r.resource.TargetGroupArn, action: r.action }),
  );
  lab.invsysTargetGroupArn = tg.resource.TargetGroupArn ?? '';

  const svc = await report.step(
    'Task 3.4: service invsys-service (2 awsvpc tasks, Cloud Map, 200/50, grace 60)',
    () =>
      ops.ensureService(
        service(names.invsysService)
          .cluster(names.cluster)
          .taskDefinition(lab.taskDefinitions.invsys!)
          .desiredCount(2)
          .launchType('EC2')
          .awsvpc({ subnets: [...net.subnetIds], securityGroups: [net.securityGroupId], assignPublicIp: false })
          // Both replicas on one instance, sharing the invsys-data volume (see INVSYS_PLACEMENT).
          .placementStrategy(INVSYS_PLACEMENT)
          .serviceRegistry({ registryArn: lab.invsysDiscoveryArn! })
          .deploymentConfiguration({ maximumPercent: 200, minimumHealthyPercent: 50 })
          .healthCheckGracePeriodSeconds(60),
      ),
    (r) => ({ deploymentId: r.deploymentId, action: r.action }),
  );

  const outcome = await report.step(
    'Task 3.4: wait for the invsys deployment (waitForDeployment)',
    () => lab.followDeployment(names.invsysService, svc.deploymentId),
    (o) => ({ outcome: o.outcome, taskDefinition: o.taskDefinition, runningCount: o.runningCount, seconds: o.elapsedSeconds }),
  );

  return report.step(
    'Task 3.5–3.6: verify tasks, Cloud Map instances and logs',
    async () => {
      const described = await clients.ecs.send(new DescribeServicesCommand({ cluster: names.cluster, services: [names.invsysService] }));
      const s = described.services?.[0];
      report.note(`${names.invsysService}  ${s?.status}  running ${s?.runningCount}/${s?.desiredCount}`);
      const tasks = await runningTaskAddresses(lab, names.invsysService);
      for (const t of tasks) report.note(`task ${t.taskArn.split('/').pop()} RUNNING at ${t.address}`);
      const serviceId = lab.invsysDiscoveryArn!.split('/').pop() ?? '';
      const instances = await clients.serviceDiscovery.send(new ListInstancesCommand({ ServiceId: serviceId }));
      const cloudMap = (instances.Instances ?? []).map((i) => i.Attributes?.AWS_INSTANCE_IPV4 ?? i.Id ?? '').sort();
      report.note(`${names.invsysDiscovery}.${names.namespace} → ${cloudMap.join(', ') || '(no instances)'}`);
      const logs = await clients.logs.send(new FilterLogEventsCommand({ logGroupName: names.invsysLogGroup, filterPattern: '"listening"' }));
      const startup = (logs.events ?? []).map((e) => e.message ?? '');
      for (const line of startup.slice(-2)) report.note(`log: ${line.trim()}`);
      if (tasks.length < 2) throw new Error(`expected 2 RUNNING invsys tasks, found ${tasks.length}`);
      if (cloudMap.length < 2) throw new Error(`expected 2 instances in Cloud Map ${names.invsysDiscovery}.${names.namespace}, found ${cloudMap.length}`);
      if (startup.length === 0) throw new Error(`no startup line ("listening") in ${names.invsysLogGroup}`);
      const result: InvsysServiceResult = {
        task: 3,
        namespaceId: lab.namespaceId!,
        namespaceCreated: ns.action === 'created',
        discoveryArn: lab.invsysDiscoveryArn!,
        targetGroupArn: lab.invsysTargetGroupArn!,
        deploymentId: svc.deploymentId,
        outcome: outcome.outcome,
        serviceStatus: s?.status ?? '',
        desiredCount: s?.desiredCount ?? 0,
        runningCount: s?.runningCount ?? 0,
        runningTasks: tasks.length,
        taskAddresses: tasks.map((t) => t.address),
        cloudMapInstances: cloudMap,
        startupLogLines: startup.length,
        containerInstances: new Set(tasks.map((t) => t.containerInstanceArn ?? t.taskArn)).size,
      };
      report.note(`invsys tasks on ${result.containerInstances} container instance(s) (binpack on memory: one shared invsys-data volume)`);
      return result;
    },
    (r) => r,
  );
}

if (isMain(import.meta.url)) {
  await runScript(
    {
      title: 'examples/03-invsys-service.ts — lab Task 3: the invsys service with Cloud Map service discovery',
      description: 'Runs Tasks 1–2 first (idempotent), then creates or finds the namespace, discovery service, target group and service.',
    },
    async (lab) => {
      await coreConcepts(lab);
      await taskDefinitions(lab);
      await run(lab);
    },
  );
}
