import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterContainerInstanceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeContainerInstancesCommand,
  DescribeServiceDeploymentsCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListServiceDeploymentsCommand,
  RunTaskCommand,
  StopTaskCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListServicesCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  paginateListClusters,
  paginateListServices,
  paginateListTaskDefinitions,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreatePrivateDnsNamespaceCommand, CreateServiceCommand as CreateDiscoveryServiceCommand, GetOperationCommand } from '@aws-sdk/client-servicediscovery';
import { registerVirtualInstances } from '../../../../src/local/services/ecs/index.js';
import { rejection, startTestCloud, type TestCloud } from '../../helpers.js';
import { CLUSTER, gatewayTaskDefinition, invsysBridgeTaskDefinition, invsysTaskDefinition } from './fixtures.js';

describe('ECS through the SDK v3 client: the lab sequence', () => {
  let t: TestCloud;
  let subnets: string[];
  let securityGroup: string;
  let discoveryArn: string;
  let gatewayTgArn: string;

  before(async () => {
    t = await startTestCloud({ timeScale: 0.001 });
    const ec2 = (op: string) => t.cloud.state.invoke('ec2', op, {}, { region: t.cloud.region }) as Promise<any>;
    const subnetSet = (await ec2('DescribeSubnets')).subnetSet as { subnetId: string; vpcId: string }[];
    subnets = subnetSet.slice(0, 2).map((s) => s.subnetId);
    securityGroup = (await ec2('DescribeSecurityGroups')).securityGroupInfo[0].groupId;
    const vpcId = subnetSet[0]!.vpcId;
    const { OperationId } = await t.clients.serviceDiscovery.send(new CreatePrivateDnsNamespaceCommand({ Name: 'local', Vpc: vpcId }));
    let namespaceId: string | undefined;
    for (let i = 0; i < 200 && !namespaceId; i++) {
      const { Operation } = await t.clients.serviceDiscovery.send(new GetOperationCommand({ OperationId }));
      if (Operation?.Status === 'SUCCESS') namespaceId = Operation.Targets?.NAMESPACE;
      else await sleep(5);
    }
    const discovery = await t.clients.serviceDiscovery.send(
      new CreateDiscoveryServiceCommand({
        Name: 'invsys',
        NamespaceId: namespaceId,
        DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 60 }] },
        HealthCheckCustomConfig: { FailureThreshold: 1 },
      }),
    );
    discoveryArn = discovery.Service!.Arn!;
    const lb = await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'flask-alb', Subnets: subnets, SecurityGroups: [securityGroup] }));
    const tg = await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'gateway-tg', Protocol: 'HTTP', Port: 5001, VpcId: vpcId, TargetType: 'ip' }));
    gatewayTgArn = tg.TargetGroups![0]!.TargetGroupArn!;
    await t.clients.elbv2.send(
      new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancers![0]!.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: gatewayTgArn }] }),
    );
  });

  after(async () => {
    await t?.stop();
  });

  const network = () => ({ awsvpcConfiguration: { subnets, securityGroups: [securityGroup], assignPublicIp: 'DISABLED' as const } });

  it('2.x: registers both task definitions and reads them back with dates as Date objects', async () => {
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    const invsys = await t.clients.ecs.send(new RegisterTaskDefinitionCommand(invsysTaskDefinition()));
    assert.equal(invsys.taskDefinition?.revision, 1);
    assert.ok(invsys.taskDefinition?.registeredAt instanceof Date);
    await t.clients.ecs.send(new RegisterTaskDefinitionCommand(gatewayTaskDefinition()));
    const described = await t.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'flask-inventory-invsys' }));
    assert.deepEqual([described.taskDefinition?.family, described.taskDefinition?.revision, described.taskDefinition?.status], ['flask-inventory-invsys', 1, 'ACTIVE']);
    const byPrefix = await t.clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'flask-inventory' }));
    assert.deepEqual(byPrefix.taskDefinitionArns, []);
    const families = await t.clients.ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'flask-inventory' }));
    assert.deepEqual(families.families, ['flask-inventory-gateway', 'flask-inventory-invsys']);
  });

  it('3.4: the guide\'s bridge revision is refused with InvalidParameterException; the awsvpc one deploys', async () => {
    const bridge = await t.clients.ecs.send(new RegisterTaskDefinitionCommand({ ...invsysBridgeTaskDefinition(), family: 'invsys-as-written' }));
    const error = await rejection(
      t.clients.ecs.send(
        new CreateServiceCommand({
          cluster: CLUSTER,
          serviceName: 'invsys-service',
          taskDefinition: bridge.taskDefinition!.taskDefinitionArn,
          desiredCount: 2,
          launchType: 'EC2',
          networkConfiguration: network(),
          serviceRegistries: [{ registryArn: discoveryArn }],
        }),
      ),
    );
    assert.equal(error.name, 'InvalidParameterException');
    assert.equal(error.message, 'Network Configuration is not valid for the given networkMode of this task definition.');
    assert.equal(error.$metadata.httpStatusCode, 400);
    const { service } = await t.clients.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'invsys-service',
        taskDefinition: 'flask-inventory-invsys:1',
        desiredCount: 2,
        launchType: 'EC2',
        networkConfiguration: network(),
        serviceRegistries: [{ registryArn: discoveryArn }],
        deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 50 },
        healthCheckGracePeriodSeconds: 60,
      }),
    );
    assert.equal(service?.status, 'ACTIVE');
    assert.match(service?.deployments?.[0]?.id ?? '', /^ecs-svc\/\d{19}$/);
    assert.ok(service?.createdAt instanceof Date);
    assert.deepEqual(service?.networkConfiguration, network());
  });

  it('4.2: creates the gateway service behind the ALB target group', async () => {
    const { service } = await t.clients.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'gateway-service',
        taskDefinition: 'flask-inventory-gateway:1',
        desiredCount: 2,
        launchType: 'EC2',
        networkConfiguration: network(),
        loadBalancers: [{ targetGroupArn: gatewayTgArn, containerName: 'gateway', containerPort: 5001 }],
        healthCheckGracePeriodSeconds: 60,
      }),
    );
    assert.deepEqual(service?.loadBalancers, [{ targetGroupArn: gatewayTgArn, containerName: 'gateway', containerPort: 5001 }]);
  });

  it('5.4: a new revision rolls out as a second deployment; 6.1: scaling does not', async () => {
    await t.clients.ecs.send(new RegisterTaskDefinitionCommand(invsysTaskDefinition({}, 'repo:v2.0.0')));
    const updated = await t.clients.ecs.send(
      new UpdateServiceCommand({ cluster: CLUSTER, service: 'invsys-service', taskDefinition: 'flask-inventory-invsys:2', forceNewDeployment: true }),
    );
    assert.deepEqual(updated.service?.deployments?.map((d) => d.status), ['PRIMARY', 'ACTIVE']);
    const scaled = await t.clients.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'gateway-service', desiredCount: 4 }));
    assert.equal(scaled.service?.desiredCount, 4);
    assert.equal(scaled.service?.deployments?.length, 1);
    const described = await t.clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['gateway-service', 'invsys-service', 'ghost'] }));
    assert.equal(described.services?.length, 2);
    assert.equal(described.failures?.[0]?.reason, 'MISSING');
    const tasks = await t.clients.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'invsys-service' }));
    assert.deepEqual(tasks.taskArns, []);
  });

  it('reads service deployments, tasks and container instances with SDK types (dates, nested lists)', async () => {
    const list = await t.clients.ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'invsys-service' }));
    assert.equal(list.serviceDeployments?.length, 2);
    assert.ok(list.serviceDeployments?.[0]?.createdAt instanceof Date);
    const described = await t.clients.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [list.serviceDeployments![0]!.serviceDeploymentArn!] }));
    const sd = described.serviceDeployments?.[0];
    assert.equal(sd?.status, 'IN_PROGRESS');
    assert.equal(sd?.sourceServiceRevisions?.length, 1);
    assert.equal(sd?.deploymentConfiguration?.minimumHealthyPercent, 50);
    registerVirtualInstances(t.cloud.state.region(t.cloud.region), `arn:aws:ecs:${t.cloud.region}:123456789012:cluster/${CLUSTER}`, { count: 1, cpu: 2048, memory: 4096 });
    const { containerInstanceArns } = await t.clients.ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }));
    const ci = (await t.clients.ecs.send(new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: containerInstanceArns }))).containerInstances?.[0];
    assert.equal(ci?.registeredResources?.find((x) => x.name === 'MEMORY')?.integerValue, 4096);
    assert.ok(ci?.registeredAt instanceof Date);
    const run = await t.clients.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'flask-inventory-gateway:1', networkConfiguration: network() }));
    const taskArn = run.tasks![0]!.taskArn!;
    assert.equal(run.tasks?.[0]?.lastStatus, 'PROVISIONING');
    assert.ok(run.tasks?.[0]?.createdAt instanceof Date);
    const stopped = await t.clients.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: taskArn, reason: 'done' }));
    assert.equal(stopped.task?.desiredStatus, 'STOPPED');
    const tasks = await t.clients.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn] }));
    assert.equal(tasks.tasks?.[0]?.stoppedReason, 'done');
    assert.equal(tasks.tasks?.[0]?.attachments?.[0]?.type, 'ElasticNetworkInterface');
    await t.clients.ecs.send(new DeregisterContainerInstanceCommand({ cluster: CLUSTER, containerInstance: containerInstanceArns![0]! }));
  });

  it('pages with the SDK paginators', async () => {
    const arns: string[] = [];
    for await (const page of paginateListTaskDefinitions({ client: t.clients.ecs, pageSize: 1 }, {})) arns.push(...(page.taskDefinitionArns ?? []));
    assert.equal(arns.length, 4);
    const services: string[] = [];
    for await (const page of paginateListServices({ client: t.clients.ecs, pageSize: 1 }, { cluster: CLUSTER })) services.push(...(page.serviceArns ?? []));
    assert.equal(services.length, 2);
    const clusters: string[] = [];
    for await (const page of paginateListClusters({ client: t.clients.ecs, pageSize: 1 }, {})) clusters.push(...(page.clusterArns ?? []));
    assert.equal(clusters.length, 1);
  });

  it('cleanup: scales to 0, deletes services, deregisters every revision and deletes the cluster', async () => {
    const busy = await rejection(t.clients.ecs.send(new DeleteClusterCommand({ cluster: CLUSTER })));
    assert.equal(busy.name, 'ClusterContainsServicesException');
    for (const service of ['gateway-service', 'invsys-service']) {
      await t.clients.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service, desiredCount: 0 }));
    }
    for (const service of ['gateway-service', 'invsys-service']) {
      const out = await t.clients.ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service, force: true }));
      assert.equal(out.service?.status, 'DRAINING');
    }
    let deregistered = 0;
    let refused = 0;
    for (let revision = 1; revision <= 3; revision++) {
      for (const family of ['flask-inventory-invsys', 'flask-inventory-gateway']) {
        try {
          await t.clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: `${family}:${revision}` }));
          deregistered++;
        } catch (error) {
          assert.equal((error as Error).name, 'ClientException');
          refused++;
        }
      }
    }
    assert.deepEqual([deregistered, refused], [3, 3]);
    const deleted = await t.clients.ecs.send(new DeleteClusterCommand({ cluster: CLUSTER }));
    assert.equal(deleted.cluster?.status, 'INACTIVE');
    const described = await t.clients.ecs.send(new DescribeClustersCommand({ clusters: [CLUSTER] }));
    assert.equal(described.clusters?.[0]?.status, 'INACTIVE');
    const services = await rejection(t.clients.ecs.send(new ListServicesCommand({ cluster: CLUSTER })));
    assert.equal(services.name, 'ClusterNotFoundException');
  });
});
