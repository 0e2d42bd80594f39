import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateClusterCommand,
  DeleteAttributesCommand,
  DeregisterContainerInstanceCommand,
  DiscoverPollEndpointCommand,
  ListAttributesCommand,
  PutAttributesCommand,
  RegisterContainerInstanceCommand,
  StartTaskCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { startFidelity, type AllowedDivergence, type Fidelity, type FidelityCase, type Side } from './harness.js';
import { gatewayTaskDefinition, invsysTaskDefinition } from '../local/services/ecs/fixtures.js';

const CLUSTER = 'fidelity-ecs';
/** An awsvpc configuration naming a real subnet of each side's default VPC. */
async function network(side: Side) {
  const r = await side.query('ec2', 'DescribeSubnets');
  const subnetId = r.xml?.DescribeSubnetsResponse?.subnetSet?.item?.[0]?.subnetId as string | undefined;
  if (!subnetId) throw new Error(`${side.name}: no default subnet in DescribeSubnets: ${r.text.slice(0, 300)}`);
  const g = await side.query('ec2', 'DescribeSecurityGroups');
  const groupId = g.xml?.DescribeSecurityGroupsResponse?.securityGroupInfo?.item?.[0]?.groupId as string | undefined;
  if (!groupId) throw new Error(`${side.name}: no security group in DescribeSecurityGroups: ${g.text.slice(0, 300)}`);
  return { awsvpcConfiguration: { subnets: [subnetId], securityGroups: [groupId], assignPublicIp: 'DISABLED' as const } };
}
const TD_ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/flask-inventory-invsys:1';

const cases: FidelityCase[] = [
  { name: 'ecs CreateCluster', call: (s) => s.clients.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER })) },
  { name: 'ecs RegisterTaskDefinition invsys', call: (s) => s.clients.ecs.send(new RegisterTaskDefinitionCommand(invsysTaskDefinition())) },
  { name: 'ecs RegisterTaskDefinition gateway', call: (s) => s.clients.ecs.send(new RegisterTaskDefinitionCommand(gatewayTaskDefinition())) },
  { name: 'ecs DescribeTaskDefinition by family', call: (s) => s.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'flask-inventory-invsys' })) },
  { name: 'ecs DescribeTaskDefinition unknown', call: (s) => s.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'ghost:1' })) },
  { name: 'ecs ListTaskDefinitions exact family', call: (s) => s.clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'flask-inventory-invsys' })) },
  { name: 'ecs ListTaskDefinitionFamilies prefix', call: (s) => s.clients.ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'flask-inventory' })) },
  {
    name: 'ecs CreateService awsvpc',
    call: async (s) =>
      s.clients.ecs.send(
        new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'invsys-service', taskDefinition: 'flask-inventory-invsys:1', desiredCount: 2, launchType: 'EC2', networkConfiguration: await network(s) }),
      ),
  },
  { name: 'ecs DescribeServices with a missing one', call: (s) => s.clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['invsys-service', 'ghost'] })) },
  { name: 'ecs ListServices', call: (s) => s.clients.ecs.send(new ListServicesCommand({ cluster: CLUSTER })) },
  { name: 'ecs UpdateService desiredCount', call: (s) => s.clients.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'invsys-service', desiredCount: 3 })) },
  { name: 'ecs UpdateService unknown service', call: (s) => s.clients.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'ghost', desiredCount: 1 })) },
  { name: 'ecs CreateService in unknown cluster', call: async (s) => s.clients.ecs.send(new CreateServiceCommand({ cluster: 'ghost', serviceName: 'x', taskDefinition: 'flask-inventory-invsys:1', desiredCount: 1, networkConfiguration: await network(s) })) },
  {
    name: 'ecs CreateService with a subnet that does not exist',
    call: (s) =>
      s.clients.ecs.send(
        new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'nosubnet', taskDefinition: 'flask-inventory-invsys:1', desiredCount: 1, networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0000000f'], securityGroups: [] } } }),
      ),
  },
  { name: 'ecs ListTasks of the service', call: (s) => s.clients.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'invsys-service' })) },
  { name: 'ecs DescribeTasks missing', call: (s) => s.clients.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: ['0123456789abcdef0123456789abcdef'] })) },
  { name: 'ecs TagResource task definition', call: (s) => s.clients.ecs.send(new TagResourceCommand({ resourceArn: TD_ARN, tags: [{ key: 'stack', value: 'lab' }] })) },
  { name: 'ecs ListTagsForResource task definition', call: (s) => s.clients.ecs.send(new ListTagsForResourceCommand({ resourceArn: TD_ARN })) },
  { name: 'ecs DeleteService force', call: (s) => s.clients.ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'invsys-service', force: true })) },
  { name: 'ecs DeregisterTaskDefinition', call: (s) => s.clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'flask-inventory-gateway:1' })) },
];

/** Known divergences, each justified against AWS's documentation (moto is not the reference; AWS is). */
const TD_REF = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html';
const CLUSTER_REF = 'https://docs.aws.amazon.com/cli/latest/reference/ecs/create-cluster.html';
const tdCases = ['ecs RegisterTaskDefinition invsys', 'ecs RegisterTaskDefinition gateway', 'ecs DescribeTaskDefinition by family', 'ecs DeregisterTaskDefinition'];
const allow: AllowedDivergence[] = [
  ...['statistics', 'tags', 'capacityProviders', 'defaultCapacityProviderStrategy'].map((key) => ({
    case: 'ecs CreateCluster',
    path: `cluster.${key}`,
    reason: `moto omits cluster.${key}; AWS's create-cluster example output returns it (empty list)`,
    reference: CLUSTER_REF,
  })),
  ...tdCases.flatMap((name) => [
    { case: name, path: 'taskDefinition.requiresAttributes', reason: 'moto omits requiresAttributes; AWS computes them from the definition', reference: TD_REF },
    { case: name, path: 'taskDefinition.registeredAt', reason: 'moto omits registeredAt; AWS returns the registration time', reference: TD_REF },
    { case: name, path: 'taskDefinition.registeredBy', reason: 'moto omits registeredBy; AWS returns the principal that registered it', reference: TD_REF },
    {
      case: name,
      path: 'taskDefinition.containerDefinitions[].portMappings[].hostPort',
      reason: 'in awsvpc mode AWS echoes hostPort equal to containerPort when it was omitted; moto echoes the input',
      reference: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html',
    },
    {
      case: name,
      path: 'taskDefinition.containerDefinitions[].systemControls',
      reason: 'AWS echoes systemControls (empty list) on every container definition; moto omits it',
      reference: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html',
    },
  ]),
  ...['ecs CreateService awsvpc', 'ecs DescribeServices with a missing one', 'ecs UpdateService desiredCount', 'ecs DeleteService force'].flatMap((name) => {
    const prefix = name.startsWith('ecs DescribeServices') ? 'services[]' : 'service';
    return [
      ...['deploymentConfiguration', 'createdAt', 'placementConstraints', 'placementStrategy', 'createdBy', 'enableECSManagedTags', 'enableExecuteCommand', 'availabilityZoneRebalancing'].map(
        (key) => ({
          case: name,
          path: `${prefix}.${key}`,
          reason: `moto omits ${key}; AWS's Service always carries it`,
          reference: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html',
        }),
      ),
      {
        case: name,
        path: `${prefix}.taskSets`,
        reason: 'taskSets only exist for the EXTERNAL/CODE_DEPLOY deployment controllers; AWS leaves them out for ECS-controlled services',
        reference: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html',
      },
      {
        case: name,
        path: `${prefix}.deployments[].platformFamily`,
        reason: 'platformFamily is reported for Fargate deployments only; this service uses the EC2 launch type',
        reference: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html',
      },
    ];
  }),
  {
    case: 'ecs DeregisterTaskDefinition',
    path: 'taskDefinition.deregisteredAt',
    reason: 'AWS returns deregisteredAt once a revision is INACTIVE; moto omits it',
    reference: TD_REF,
  },
];

/** Container instances: an agent's registration, attributes, StartTask and DiscoverPollEndpoint. */
const CI_CLUSTER = 'fidelity-ci';
const instances = new Map<string, string>();
const ciArn = (s: Side) => instances.get(s.name) ?? '';
const ec2Ids = new Map<string, string>();
const ciCases: FidelityCase[] = [
  { name: 'ecs CreateCluster for instances', call: (s) => s.clients.ecs.send(new CreateClusterCommand({ clusterName: CI_CLUSTER })) },
  {
    // An EC2 instance for the agent to register (moto needs one; no user data, so the local cloud's agent stays out of it).
    name: 'ec2 RunInstances for the container instance',
    call: async (s) => {
      const r = await s.query('ec2', 'RunInstances', { ImageId: 'ami-12c6146b', InstanceType: 't3.medium', MinCount: '1', MaxCount: '1' });
      const instanceId = String(r.xml?.RunInstancesResponse?.instancesSet?.item?.[0]?.instanceId ?? '');
      if (!instanceId) throw new Error(`${s.name}: RunInstances failed: ${r.text.slice(0, 300)}`);
      ec2Ids.set(s.name, instanceId);
      return { launched: true };
    },
  },
  {
    name: 'ecs RegisterContainerInstance',
    call: async (s) => {
      const out = await s.clients.ecs.send(
        new RegisterContainerInstanceCommand({
          cluster: CI_CLUSTER,
          instanceIdentityDocument: JSON.stringify({ instanceId: ec2Ids.get(s.name), region: 'us-east-1', availabilityZone: 'us-east-1a', instanceType: 't3.medium' }),
          totalResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
            { name: 'MEMORY', type: 'INTEGER', integerValue: 3943 },
          ],
        }),
      );
      instances.set(s.name, out.containerInstance?.containerInstanceArn ?? '');
      return out;
    },
  },
  { name: 'ecs PutAttributes', call: (s) => s.clients.ecs.send(new PutAttributesCommand({ cluster: CI_CLUSTER, attributes: [{ name: 'stack', value: 'prod', targetId: ciArn(s) }] })) },
  { name: 'ecs ListAttributes by name', call: (s) => s.clients.ecs.send(new ListAttributesCommand({ cluster: CI_CLUSTER, targetType: 'container-instance', attributeName: 'stack' })) },
  {
    name: 'ecs PutAttributes unknown target',
    call: (s) => s.clients.ecs.send(new PutAttributesCommand({ cluster: CI_CLUSTER, attributes: [{ name: 'stack', value: 'prod', targetId: ciArn(s).replace(/[0-9a-f-]{32,36}$/, '00000000000000000000000000000000') }] })),
  },
  { name: 'ecs DeleteAttributes', call: (s) => s.clients.ecs.send(new DeleteAttributesCommand({ cluster: CI_CLUSTER, attributes: [{ name: 'stack', targetId: ciArn(s) }] })) },
  { name: 'ecs RegisterTaskDefinition small', call: (s) => s.clients.ecs.send(new RegisterTaskDefinitionCommand({ family: 'fidelity-small', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128, essential: true }] })) },
  { name: 'ecs StartTask', call: (s) => s.clients.ecs.send(new StartTaskCommand({ cluster: CI_CLUSTER, taskDefinition: 'fidelity-small', containerInstances: [ciArn(s)], startedBy: 'fidelity' })) },
  { name: 'ecs StartTask no instances', call: (s) => s.clients.ecs.send(new StartTaskCommand({ cluster: CI_CLUSTER, taskDefinition: 'fidelity-small', containerInstances: [] })) },
  { name: 'ecs DiscoverPollEndpoint', call: (s) => s.clients.ecs.send(new DiscoverPollEndpointCommand({ cluster: CI_CLUSTER, containerInstance: ciArn(s) })) },
  { name: 'ecs DeregisterContainerInstance force', call: (s) => s.clients.ecs.send(new DeregisterContainerInstanceCommand({ cluster: CI_CLUSTER, containerInstance: ciArn(s), force: true })) },
];

const CI_REF = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerInstance.html';
const TASK_REF = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html';
const ciAllow: AllowedDivergence[] = [
  ...['statistics', 'tags', 'capacityProviders', 'defaultCapacityProviderStrategy'].map((key) => ({
    case: 'ecs CreateCluster for instances',
    path: `cluster.${key}`,
    reason: `moto omits cluster.${key}; AWS's create-cluster example output returns it (empty list)`,
    reference: CLUSTER_REF,
  })),
  ...['RegisterContainerInstance', 'DeregisterContainerInstance force'].flatMap((name) =>
    ['version', 'attachments', 'tags'].map((key) => ({
      case: `ecs ${name}`,
      path: `containerInstance.${key}`,
      reason: `AWS's ContainerInstance carries ${key}; moto omits it`,
      reference: CI_REF,
    })),
  ),
  {
    case: 'ecs DeregisterContainerInstance force',
    path: 'containerInstance.attributes[]',
    reason: 'AWS lists the attributes the agent registered (ecs.os-type, ecs.instance-type, …); moto registers none',
    reference: CI_REF,
  },
  ...[
    { case: 'ecs RegisterTaskDefinition small', path: 'taskDefinition.requiresAttributes', reason: 'moto omits requiresAttributes; AWS computes them from the definition', reference: TD_REF },
    { case: 'ecs RegisterTaskDefinition small', path: 'taskDefinition.registeredAt', reason: 'moto omits registeredAt; AWS returns the registration time', reference: TD_REF },
    { case: 'ecs RegisterTaskDefinition small', path: 'taskDefinition.registeredBy', reason: 'moto omits registeredBy; AWS returns the principal that registered it', reference: TD_REF },
    {
      case: 'ecs RegisterTaskDefinition small',
      path: 'taskDefinition.containerDefinitions[].systemControls',
      reason: 'AWS echoes systemControls (empty list) on every container definition; moto omits it',
      reference: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html',
    },
  ],
  ...['createdAt', 'enableExecuteCommand', 'healthStatus', 'version', 'overrides.containerOverrides', 'overrides.inferenceAcceleratorOverrides', 'containers[].networkBindings'].map((key) => ({
    case: 'ecs StartTask',
    path: `tasks[].${key}`,
    reason: `AWS's Task carries ${key} from the start; moto omits it`,
    reference: TASK_REF,
  })),
  ...['exitCode', 'cpu', 'memory'].map((key) => ({
    case: 'ecs StartTask',
    path: `tasks[].containers[].${key}`,
    reason:
      key === 'exitCode'
        ? 'A container has an exit code once it exited; moto sends one for a task that was just started'
        : `Container.${key} is a String in the ECS API (e.g. "0"); moto sends a number`,
    reference: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Container.html',
  })),
  {
    case: 'ecs StartTask',
    path: 'tasks[].stoppedReason',
    reason: 'A task has a stoppedReason once it is stopping; moto sends an empty one for a task that was just started',
    reference: TASK_REF,
  },
  {
    case: 'ecs DiscoverPollEndpoint',
    path: 'serviceConnectEndpoint',
    reason: 'AWS answers the Service Connect endpoint too; moto only endpoint and telemetryEndpoint',
    reference: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DiscoverPollEndpoint.html',
  },
];

describe('fidelity: ECS container instances, attributes and StartTask against moto', () => {
  let h: Fidelity;
  before(async () => {
    h = await startFidelity();
  });
  after(() => h?.stop());

  test('RegisterContainerInstance, Put/List/DeleteAttributes, StartTask and DiscoverPollEndpoint return the same keys, value types and error codes as moto, or a documented AWS difference', async () => {
    const report = await h.compare(ciCases, ciAllow);
    assert.deepEqual(report.unexpected, []);
  });
});

describe('fidelity: ECS control plane against moto', () => {
  let h: Fidelity;
  before(async () => {
    h = await startFidelity();
  });
  after(() => h?.stop());

  test('ECS task definition, service and task calls return the same keys, value types and error codes as moto, or a documented AWS difference', async () => {
    const report = await h.compare(cases, allow);
    assert.deepEqual(report.unexpected, []);
  });
});
