import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { after, before, describe, test } from 'node:test';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  CreatePrivateDnsNamespaceCommand,
  CreateServiceCommand as CreateDiscoveryServiceCommand,
  DiscoverInstancesCommand,
  GetOperationCommand,
  ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import { TEST_CREDENTIALS, type TestCloud } from '../../helpers.js';
import { ensureAppsBuilt } from '../apps.js';
import { defaultSubnet, describeTask, startRuntimeCloud, waitFor } from './helpers.js';

const CLUSTER = 'ecs-lab-cluster';
const EXEC_ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole';

describe("the lab's invsys service on the runtime", () => {
  let t: TestCloud;
  let subnet: string;
  let registryArn: string;

  before(async () => {
    ensureAppsBuilt();
    t = await startRuntimeCloud({ timeScale: 0.05 });
    subnet = await defaultSubnet(t);
    const vpcs = await t.query('ec2', 'DescribeVpcs');
    const vpc = String(vpcs.xml.DescribeVpcsResponse.vpcSet.item[0].vpcId);
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    const ns = await t.clients.serviceDiscovery.send(new CreatePrivateDnsNamespaceCommand({ Name: 'local', Vpc: vpc }));
    const namespaceId = await waitFor('namespace created', async () => {
      const op = await t.clients.serviceDiscovery.send(new GetOperationCommand({ OperationId: ns.OperationId! }));
      return op.Operation?.Status === 'SUCCESS' ? op.Operation.Targets?.NAMESPACE : undefined;
    });
    const svc = await t.clients.serviceDiscovery.send(
      new CreateDiscoveryServiceCommand({
        Name: 'invsys',
        NamespaceId: namespaceId,
        DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 60 }] },
        HealthCheckCustomConfig: { FailureThreshold: 1 },
      }),
    );
    registryArn = svc.Service!.Arn!;
    for (const [family, image, port, check, env] of [
      ['invsys-task', 'flask-inventory/invsys:latest', 5000, 'curl -f http://localhost:5000/items || exit 1', []],
      ['gateway-task', 'flask-inventory/gateway:latest', 5001, 'curl -f http://localhost:5001/health || exit 1', [{ name: 'INVSYS_URL', value: 'http://invsys.local:5000' }]],
      ['broken-task', 'ecskit/unhealthy', 5000, 'curl -f http://localhost:5000/items || exit 1', []],
    ] as const) {
      await t.clients.ecs.send(
        new RegisterTaskDefinitionCommand({
          family,
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          executionRoleArn: EXEC_ROLE,
          cpu: '256',
          memory: '512',
          containerDefinitions: [
            {
              name: family.replace('-task', ''),
              image,
              essential: true,
              portMappings: [{ containerPort: port }],
              environment: [...env],
              healthCheck: { command: ['CMD-SHELL', check], interval: 10, timeout: 10, retries: 3, startPeriod: 60 },
            },
          ],
        }),
      );
    }
  });
  after(async () => {
    await t?.stop();
  });

  test('two healthy invsys tasks register in Cloud Map, resolve through the runtime DNS, and a gateway task reaches invsys.local:5000', async () => {
    await t.clients.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'invsys-service',
        taskDefinition: 'invsys-task',
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } },
        serviceRegistries: [{ registryArn }],
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    const steady = await waitFor(
      'invsys steady',
      async () => {
        const s = (await t.clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['invsys-service'] }))).services![0]!;
        return s.runningCount === 2 && s.events?.some((e) => e.message === '(service invsys-service) has reached a steady state.') ? s : undefined;
      },
      30_000,
    );
    assert.equal(steady.deployments?.[0]?.rolloutState, 'COMPLETED');
    const arns = (await t.clients.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'invsys-service' }))).taskArns!;
    const tasks = await Promise.all(arns.map((arn) => describeTask(t.clients.ecs, CLUSTER, arn)));
    const addresses = tasks.map((task) => task.containers![0]!.networkInterfaces![0]!.privateIpv4Address!).sort();
    for (const task of tasks) {
      assert.equal(task.healthStatus, 'HEALTHY');
      assert.equal(task.containers?.[0]?.healthStatus, 'HEALTHY');
    }

    // DiscoverInstances goes to the `data-` host prefix unless told otherwise.
    const discovery = new ServiceDiscoveryClient({ endpoint: t.cloud.endpoint, region: t.cloud.region, credentials: TEST_CREDENTIALS, disableHostPrefix: true });
    const discovered = await discovery.send(new DiscoverInstancesCommand({ NamespaceName: 'local', ServiceName: 'invsys' }));
    discovery.destroy();
    assert.deepEqual(discovered.Instances?.map((i) => i.Attributes?.AWS_INSTANCE_IPV4).sort(), addresses);
    assert.deepEqual(discovered.Instances?.map((i) => i.InstanceId).sort(), arns.map((a) => a.split('/').at(-1)).sort());
    assert.equal(discovered.Instances?.[0]?.Attributes?.ECS_SERVICE_NAME, 'invsys-service');

    const dns = t.cloud.runtime!.context.dns!;
    const resolver = new Resolver();
    resolver.setServers([`${dns.host}:${dns.port}`]);
    assert.deepEqual((await resolver.resolve4('invsys.local')).sort(), addresses);

    const run = await t.clients.ecs.send(
      new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'gateway-task', launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } } }),
    );
    const gateway = await waitFor('gateway RUNNING', async () => {
      const task = await describeTask(t.clients.ecs, CLUSTER, run.tasks![0]!.taskArn!);
      return task.lastStatus === 'RUNNING' ? task : undefined;
    });
    const gatewayAddress = gateway.containers![0]!.networkInterfaces![0]!.privateIpv4Address!;
    const items = await waitFor('items through the gateway', async () => {
      const res = await fetch(`http://${gatewayAddress}:5001/items`);
      return res.status === 200 ? ((await res.json()) as unknown) : undefined;
    });
    assert.ok(Array.isArray(items) || typeof items === 'object', JSON.stringify(items));
  });

  test('a deployment of ecskit/unhealthy fails its container health checks and rolls back, keeping invsys reachable', async () => {
    const before = (await t.clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['invsys-service'] }))).services![0]!;
    const good = before.taskDefinition!;
    const update = await t.clients.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'invsys-service', taskDefinition: 'broken-task' }));
    const failedId = update.service!.deployments!.find((d) => d.status === 'PRIMARY')!.id!;
    const s = await waitFor(
      'rollback completed',
      async () => {
        const x = (await t.clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['invsys-service'] }))).services![0]!;
        const primary = x.deployments?.find((d) => d.status === 'PRIMARY');
        return x.deployments?.length === 1 && primary?.id !== failedId && primary?.rolloutState === 'COMPLETED' && x.runningCount === 2 ? x : undefined;
      },
      40_000,
    );
    assert.equal(s.taskDefinition, good);
    const messages = (s.events ?? []).map((e) => e.message);
    assert.ok(messages.includes(`(service invsys-service) (deployment ${failedId}) deployment failed: ECS deployment circuit breaker: tasks failed to start.`), messages.join('\n'));
    const stopped = (await t.clients.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'invsys-service', desiredStatus: 'STOPPED' }))).taskArns!;
    const reasons = await Promise.all(stopped.map(async (arn) => (await describeTask(t.clients.ecs, CLUSTER, arn)).stoppedReason));
    assert.ok(reasons.includes('Task failed container health checks'), reasons.join('\n'));
    const dns = t.cloud.runtime!.context.dns!;
    const resolver = new Resolver();
    resolver.setServers([`${dns.host}:${dns.port}`]);
    assert.equal((await resolver.resolve4('invsys.local')).length, 2);
  });
});
