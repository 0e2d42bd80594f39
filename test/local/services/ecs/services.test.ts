import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLUSTER, gatewayTaskDefinition, invsysBridgeTaskDefinition, invsysTaskDefinition, labRegion, rejection, type LabRegion } from './fixtures.js';

async function lab(): Promise<LabRegion & { events: any[] }> {
  const region = await labRegion();
  const events: any[] = [];
  for (const type of ['ecs:service-created', 'ecs:service-updated', 'ecs:service-deleted', 'ecs:deployment-created']) {
    region.cloud.events.on(type, (e) => events.push(e));
  }
  await region.ecs('RegisterTaskDefinition', invsysTaskDefinition());
  await region.ecs('RegisterTaskDefinition', gatewayTaskDefinition());
  return { ...region, events };
}

function invsysService(r: LabRegion, extra: Record<string, unknown> = {}) {
  return {
    cluster: CLUSTER,
    serviceName: 'invsys-service',
    taskDefinition: 'flask-inventory-invsys:1',
    desiredCount: 2,
    launchType: 'EC2',
    networkConfiguration: { awsvpcConfiguration: { subnets: r.subnets, securityGroups: [r.securityGroup], assignPublicIp: 'DISABLED' } },
    serviceRegistries: [{ registryArn: r.invsysDiscoveryArn }],
    deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 50 },
    healthCheckGracePeriodSeconds: 60,
    ...extra,
  };
}

function gatewayService(r: LabRegion, extra: Record<string, unknown> = {}) {
  return {
    cluster: CLUSTER,
    serviceName: 'gateway-service',
    taskDefinition: 'flask-inventory-gateway:1',
    desiredCount: 2,
    launchType: 'EC2',
    networkConfiguration: { awsvpcConfiguration: { subnets: r.subnets, securityGroups: [r.securityGroup], assignPublicIp: 'DISABLED' } },
    loadBalancers: [{ targetGroupArn: r.gatewayTargetGroupArn, containerName: 'gateway', containerPort: 5001 }],
    healthCheckGracePeriodSeconds: 60,
    deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 50 },
    ...extra,
  };
}

describe('ECS CreateService', () => {
  it('creates the lab invsys service (3.4 as the errata fix it) with a PRIMARY IN_PROGRESS deployment', async () => {
    const r = await lab();
    const { service } = await r.ecs('CreateService', invsysService(r));
    assert.equal(service.serviceArn, `arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER}/invsys-service`);
    assert.equal(service.status, 'ACTIVE');
    assert.equal(service.desiredCount, 2);
    assert.equal(service.runningCount, 0);
    assert.equal(service.launchType, 'EC2');
    assert.equal(service.taskDefinition, 'arn:aws:ecs:us-east-1:123456789012:task-definition/flask-inventory-invsys:1');
    assert.deepEqual(service.serviceRegistries, [{ registryArn: r.invsysDiscoveryArn }]);
    assert.equal(service.healthCheckGracePeriodSeconds, 60);
    assert.equal(service.schedulingStrategy, 'REPLICA');
    assert.deepEqual(service.deploymentController, { type: 'ECS' });
    assert.deepEqual(service.deploymentConfiguration, { deploymentCircuitBreaker: { enable: false, rollback: false }, maximumPercent: 200, minimumHealthyPercent: 50 });
    assert.equal(service.deployments.length, 1);
    const [d] = service.deployments;
    assert.match(d.id, /^ecs-svc\/\d{19}$/);
    assert.equal(d.status, 'PRIMARY');
    assert.equal(d.rolloutState, 'IN_PROGRESS');
    assert.equal(d.desiredCount, 2);
    assert.deepEqual(service.events, []);
    assert.deepEqual(
      r.events.map((e) => e.type),
      ['ecs:service-created', 'ecs:deployment-created'],
    );
    assert.equal(r.events[1].deploymentId, d.id);
    assert.equal(r.events[0].serviceArn, service.serviceArn);
  });

  it('defaults deploymentConfiguration to 100/200 with the circuit breaker disabled', async () => {
    const r = await lab();
    const { service } = await r.ecs('CreateService', invsysService(r, { deploymentConfiguration: undefined }));
    assert.deepEqual(service.deploymentConfiguration, { deploymentCircuitBreaker: { enable: false, rollback: false }, maximumPercent: 200, minimumHealthyPercent: 100 });
  });

  it("rejects the guide's revision-1 mistake: networkConfiguration with a bridge task definition", async () => {
    const r = await lab();
    await r.ecs('RegisterTaskDefinition', invsysBridgeTaskDefinition());
    const error = await rejection(() => r.ecs('CreateService', invsysService(r, { taskDefinition: 'flask-inventory-invsys:2' })));
    assert.equal(error.code, 'InvalidParameterException');
    assert.equal(error.message, 'Network Configuration is not valid for the given networkMode of this task definition.');
  });

  it('rejects A-record service discovery with a bridge task definition, and bridge registries without containerName/containerPort', async () => {
    const r = await lab();
    await r.ecs('RegisterTaskDefinition', invsysBridgeTaskDefinition());
    const a = await rejection(() => r.ecs('CreateService', invsysService(r, { taskDefinition: 'flask-inventory-invsys:2', networkConfiguration: undefined })));
    assert.equal(a.code, 'InvalidParameterException');
    assert.match(a.message, /A records, which are only supported with the awsvpc network mode/);
    const srv = await rejection(() =>
      r.ecs('CreateService', invsysService(r, { taskDefinition: 'flask-inventory-invsys:2', networkConfiguration: undefined, serviceRegistries: [{ registryArn: r.srvDiscoveryArn }] })),
    );
    assert.equal(srv.message, "When specifying 'host' or 'bridge' for networkMode, values for 'containerName' and 'containerPort' must be specified from the task definition.");
    const { service } = await r.ecs(
      'CreateService',
      invsysService(r, {
        taskDefinition: 'flask-inventory-invsys:2',
        networkConfiguration: undefined,
        serviceRegistries: [{ registryArn: r.srvDiscoveryArn, containerName: 'invsys', containerPort: 5000 }],
      }),
    );
    assert.equal(service.networkConfiguration, undefined);
  });

  it('requires a network configuration for awsvpc task definitions', async () => {
    const r = await lab();
    const error = await rejection(() => r.ecs('CreateService', invsysService(r, { networkConfiguration: undefined })));
    assert.equal(error.message, "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    const empty = await rejection(() => r.ecs('CreateService', invsysService(r, { networkConfiguration: { awsvpcConfiguration: { subnets: [] } } })));
    assert.equal(empty.message, 'subnets can not be empty.');
    const publicIp = await rejection(() =>
      r.ecs('CreateService', invsysService(r, { networkConfiguration: { awsvpcConfiguration: { subnets: r.subnets, assignPublicIp: 'ENABLED' } } })),
    );
    assert.equal(publicIp.message, 'Assign public IP is not supported for this launch type.');
    const subnet = await rejection(() => r.ecs('CreateService', invsysService(r, { networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0000000f'] } } })));
    assert.equal(subnet.message, "Error retrieving subnet information for [subnet-0000000f]: The subnet ID 'subnet-0000000f' does not exist (ErrorCode: InvalidSubnetID.NotFound)");
    const group = await rejection(() =>
      r.ecs('CreateService', invsysService(r, { networkConfiguration: { awsvpcConfiguration: { subnets: r.subnets, securityGroups: ['sg-0000000f'] } } })),
    );
    assert.match(group.message, /security group 'sg-0000000f' does not exist/);
  });

  it('rejects unknown and INACTIVE task definitions', async () => {
    const r = await lab();
    assert.equal((await rejection(() => r.ecs('CreateService', invsysService(r, { taskDefinition: 'nope:1' })))).message, 'TaskDefinition not found.');
    await r.ecs('DeregisterTaskDefinition', { taskDefinition: 'flask-inventory-invsys:1' });
    assert.equal((await rejection(() => r.ecs('CreateService', invsysService(r)))).message, 'TaskDefinition is inactive');
  });

  it('rejects an unknown cluster with ClusterNotFoundException', async () => {
    const r = await lab();
    assert.equal((await rejection(() => r.ecs('CreateService', invsysService(r, { cluster: 'ghost' })))).code, 'ClusterNotFoundException');
  });

  it('rejects a launch type together with a capacity provider strategy, and providers the cluster lacks', async () => {
    const r = await lab();
    const both = await rejection(() => r.ecs('CreateService', invsysService(r, { capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] })));
    assert.match(both.message, /Specifying both a launch type and capacity provider strategy is not supported/);
    const missing = await rejection(() =>
      r.ecs('CreateService', invsysService(r, { launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] })),
    );
    assert.match(missing.message, /not associated with the cluster/);
    await r.ecs('PutClusterCapacityProviders', { cluster: CLUSTER, capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [] });
    const { service } = await r.ecs('CreateService', invsysService(r, { launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }));
    assert.deepEqual(service.capacityProviderStrategy, [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }]);
    assert.equal(service.launchType, undefined);
    assert.equal(service.platformVersion, 'LATEST');
  });

  it('rejects FARGATE for a task definition that is not Fargate-compatible', async () => {
    const r = await lab();
    await r.ecs('RegisterTaskDefinition', invsysTaskDefinition({ family: 'big', cpu: '256', memory: '4096' }));
    const error = await rejection(() => r.ecs('CreateService', invsysService(r, { taskDefinition: 'big', launchType: 'FARGATE', serviceRegistries: [] })));
    assert.equal(error.message, 'Task definition does not support launch_type FARGATE.');
  });

  it('creates the gateway service behind an ip target group (4.2)', async () => {
    const r = await lab();
    const { service } = await r.ecs('CreateService', gatewayService(r));
    assert.deepEqual(service.loadBalancers, [{ targetGroupArn: r.gatewayTargetGroupArn, containerName: 'gateway', containerPort: 5001 }]);
    assert.equal(service.healthCheckGracePeriodSeconds, 60);
  });

  it('rejects load balancers AWS would reject: instance target type with awsvpc, no load balancer, unknown container or port', async () => {
    const r = await lab();
    const lb = (o: Record<string, unknown>) => [{ targetGroupArn: r.gatewayTargetGroupArn, containerName: 'gateway', containerPort: 5001, ...o }];
    const instance = await rejection(() => r.ecs('CreateService', gatewayService(r, { loadBalancers: lb({ targetGroupArn: r.instanceTargetGroupArn }) })));
    assert.match(instance.message, /has target type instance, which is incompatible with the awsvpc network mode/);
    const orphan = await rejection(() => r.ecs('CreateService', gatewayService(r, { loadBalancers: lb({ targetGroupArn: r.orphanTargetGroupArn }) })));
    assert.match(orphan.message, /does not have an associated load balancer/);
    const ghost = await rejection(() => r.ecs('CreateService', gatewayService(r, { loadBalancers: lb({ targetGroupArn: r.gatewayTargetGroupArn.replace('gateway-tg', 'ghost-tg') }) })));
    assert.match(ghost.message, /does not exist/);
    const container = await rejection(() => r.ecs('CreateService', gatewayService(r, { loadBalancers: lb({ containerName: 'web' }) })));
    assert.equal(container.message, 'The container web does not exist in the task definition.');
    const port = await rejection(() => r.ecs('CreateService', gatewayService(r, { loadBalancers: lb({ containerPort: 8080 }) })));
    assert.equal(port.message, 'The container gateway did not have a container port 8080 defined.');
    for (const e of [instance, orphan, ghost, container, port]) assert.equal(e.code, 'InvalidParameterException');
  });

  it('rejects an unknown Cloud Map registry', async () => {
    const r = await lab();
    const error = await rejection(() =>
      r.ecs('CreateService', invsysService(r, { serviceRegistries: [{ registryArn: r.invsysDiscoveryArn.replace(/srv-\w+/, 'srv-doesnotexist00') }] })),
    );
    assert.equal(error.code, 'InvalidParameterException');
  });

  it('is idempotent for an identical request and refuses a differing duplicate name', async () => {
    const r = await lab();
    const a = await r.ecs('CreateService', invsysService(r));
    const b = await r.ecs('CreateService', invsysService(r));
    assert.equal(a.service.deployments[0].id, b.service.deployments[0].id);
    const error = await rejection(() => r.ecs('CreateService', invsysService(r, { desiredCount: 3 })));
    assert.equal(error.code, 'InvalidParameterException');
    assert.equal(error.message, 'Creation of service was not idempotent.');
  });
});

describe('ECS UpdateService, DescribeServices, ListServices, DeleteService', () => {
  it('rolls out a new task definition (5.4): new PRIMARY deployment, previous one ACTIVE', async () => {
    const r = await lab();
    const created = await r.ecs('CreateService', invsysService(r));
    await r.ecs('RegisterTaskDefinition', invsysTaskDefinition({}, 'repo:v2.0.0'));
    r.events.length = 0;
    const { service } = await r.ecs('UpdateService', { cluster: CLUSTER, service: 'invsys-service', taskDefinition: 'flask-inventory-invsys:2', forceNewDeployment: true });
    assert.equal(service.taskDefinition.endsWith('flask-inventory-invsys:2'), true);
    assert.deepEqual(service.deployments.map((d: any) => d.status), ['PRIMARY', 'ACTIVE']);
    assert.equal(service.deployments[1].id, created.service.deployments[0].id);
    assert.ok(service.deployments[0].taskDefinition.endsWith(':2'));
    assert.deepEqual(r.events.map((e) => e.type), ['ecs:service-updated', 'ecs:deployment-created']);
  });

  it('scales without a new deployment (6.1)', async () => {
    const r = await lab();
    await r.ecs('CreateService', gatewayService(r));
    r.events.length = 0;
    const { service } = await r.ecs('UpdateService', { cluster: CLUSTER, service: 'gateway-service', desiredCount: 4 });
    assert.equal(service.desiredCount, 4);
    assert.equal(service.deployments.length, 1);
    assert.equal(service.deployments[0].desiredCount, 4);
    assert.deepEqual(r.events.map((e) => e.type), ['ecs:service-updated']);
  });

  it('starts a new deployment with forceNewDeployment alone and when the network changes', async () => {
    const r = await lab();
    await r.ecs('CreateService', gatewayService(r));
    const forced = await r.ecs('UpdateService', { cluster: CLUSTER, service: 'gateway-service', forceNewDeployment: true });
    assert.equal(forced.service.deployments.length, 2);
    const net = await r.ecs('UpdateService', {
      cluster: CLUSTER,
      service: 'gateway-service',
      networkConfiguration: { awsvpcConfiguration: { subnets: [r.subnets[0]], securityGroups: [r.securityGroup] } },
    });
    assert.equal(net.service.deployments.length, 3);
    assert.deepEqual(net.service.deployments.map((d: any) => d.status), ['PRIMARY', 'ACTIVE', 'ACTIVE']);
  });

  it('moves a service from a launch type to a capacity provider strategy only with forceNewDeployment', async () => {
    const r = await lab();
    await r.ecs('PutClusterCapacityProviders', { cluster: CLUSTER, capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [] });
    await r.ecs('CreateService', gatewayService(r));
    const strategy = [{ capacityProvider: 'FARGATE', weight: 1 }];
    const error = await rejection(() => r.ecs('UpdateService', { cluster: CLUSTER, service: 'gateway-service', capacityProviderStrategy: strategy }));
    assert.match(error.message, /you must force a new deployment/);
    const { service } = await r.ecs('UpdateService', { cluster: CLUSTER, service: 'gateway-service', capacityProviderStrategy: strategy, forceNewDeployment: true });
    assert.equal(service.launchType, undefined);
    assert.deepEqual(service.capacityProviderStrategy, [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }]);
    assert.equal(service.deployments.length, 2);
  });

  it('answers ServiceNotFoundException for an unknown service and validates the new task definition', async () => {
    const r = await lab();
    assert.equal((await rejection(() => r.ecs('UpdateService', { cluster: CLUSTER, service: 'ghost', desiredCount: 1 }))).code, 'ServiceNotFoundException');
    await r.ecs('CreateService', invsysService(r));
    await r.ecs('RegisterTaskDefinition', invsysBridgeTaskDefinition());
    const error = await rejection(() => r.ecs('UpdateService', { cluster: CLUSTER, service: 'invsys-service', taskDefinition: 'flask-inventory-invsys:2' }));
    assert.equal(error.message, 'Network Configuration is not valid for the given networkMode of this task definition.');
  });

  it('describes services with failures for missing names and tags on request', async () => {
    const r = await lab();
    await r.ecs('CreateService', invsysService(r, { tags: [{ key: 'stack', value: 'lab' }] }));
    const out = await r.ecs('DescribeServices', { cluster: CLUSTER, services: ['invsys-service', 'ghost'], include: ['TAGS'] });
    assert.equal(out.services.length, 1);
    assert.deepEqual(out.services[0].tags, [{ key: 'stack', value: 'lab' }]);
    assert.deepEqual(out.failures, [{ arn: `arn:aws:ecs:us-east-1:123456789012:service/ghost`, reason: 'MISSING' }]);
  });

  it('lists services with launchType filter and pagination', async () => {
    const r = await lab();
    await r.ecs('CreateService', invsysService(r));
    await r.ecs('CreateService', gatewayService(r));
    const page1 = await r.ecs('ListServices', { cluster: CLUSTER, maxResults: 1 });
    assert.equal(page1.serviceArns.length, 1);
    const page2 = await r.ecs('ListServices', { cluster: CLUSTER, maxResults: 1, nextToken: page1.nextToken });
    assert.equal(page2.serviceArns.length, 1);
    assert.equal(page2.nextToken, undefined);
    assert.equal((await r.ecs('ListServices', { cluster: CLUSTER, launchType: 'FARGATE' })).serviceArns.length, 0);
    assert.equal((await r.ecs('ListServices', { cluster: CLUSTER, launchType: 'EC2', schedulingStrategy: 'REPLICA' })).serviceArns.length, 2);
  });

  it('refuses to delete a scaled-up service without force, and deletes it to INACTIVE once no task runs', async () => {
    const r = await lab();
    await r.ecs('CreateService', invsysService(r));
    const error = await rejection(() => r.ecs('DeleteService', { cluster: CLUSTER, service: 'invsys-service' }));
    assert.equal(error.code, 'InvalidParameterException');
    assert.equal(error.message, 'The service cannot be stopped while it is scaled above 0.');
    const cluster = await rejection(() => r.ecs('DeleteCluster', { cluster: CLUSTER }));
    assert.equal(cluster.code, 'ClusterContainsServicesException');
    const { service } = await r.ecs('DeleteService', { cluster: CLUSTER, service: 'invsys-service', force: true });
    assert.equal(service.status, 'DRAINING');
    assert.equal(service.desiredCount, 0);
    const described = await r.ecs('DescribeServices', { cluster: CLUSTER, services: ['invsys-service'] });
    assert.equal(described.services[0].status, 'INACTIVE');
    assert.deepEqual((await r.ecs('ListServices', { cluster: CLUSTER })).serviceArns, []);
    assert.ok(r.events.some((e) => e.type === 'ecs:service-deleted'));
    const again = await rejection(() => r.ecs('UpdateService', { cluster: CLUSTER, service: 'invsys-service', desiredCount: 1 }));
    assert.equal(again.code, 'ServiceNotActiveException');
    // the name can be reused once the old service is INACTIVE
    const recreated = await r.ecs('CreateService', invsysService(r));
    assert.equal(recreated.service.status, 'ACTIVE');
  });
});

describe('ECS service deployments API', () => {
  it('lists deployments newest first and describes them with source and target revisions', async () => {
    const r = await lab();
    await r.ecs('CreateService', invsysService(r));
    await r.ecs('UpdateService', { cluster: CLUSTER, service: 'invsys-service', forceNewDeployment: true });
    const list = await r.ecs('ListServiceDeployments', { cluster: CLUSTER, service: 'invsys-service' });
    assert.equal(list.serviceDeployments.length, 2);
    const [newest, oldest] = list.serviceDeployments;
    assert.match(newest.serviceDeploymentArn, /^arn:aws:ecs:us-east-1:123456789012:service-deployment\/flask-inventory-cluster\/invsys-service\/\w+$/);
    assert.ok(newest.createdAt >= oldest.createdAt);
    assert.equal(newest.status, 'IN_PROGRESS');
    const described = await r.ecs('DescribeServiceDeployments', { serviceDeploymentArns: [newest.serviceDeploymentArn, 'arn:aws:ecs:us-east-1:123456789012:service-deployment/x/y/z'] });
    const [sd] = described.serviceDeployments;
    assert.equal(sd.targetServiceRevision.arn, newest.targetServiceRevisionArn);
    assert.equal(sd.sourceServiceRevisions[0].arn, oldest.targetServiceRevisionArn);
    assert.equal(sd.deploymentCircuitBreaker.status, 'DISABLED');
    assert.deepEqual(described.failures, [{ arn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/x/y/z', reason: 'MISSING' }]);
    const revisions = await r.ecs('DescribeServiceRevisions', { serviceRevisionArns: [newest.targetServiceRevisionArn] });
    assert.ok(revisions.serviceRevisions[0].taskDefinition.endsWith('flask-inventory-invsys:1'));
    assert.deepEqual(revisions.serviceRevisions[0].containerImages.map((c: any) => c.containerName), ['invsys']);
    const filtered = await r.ecs('ListServiceDeployments', { cluster: CLUSTER, service: 'invsys-service', status: ['SUCCESSFUL'] });
    assert.deepEqual(filtered.serviceDeployments, []);
    assert.equal((await rejection(() => r.ecs('ListServiceDeployments', { cluster: CLUSTER, service: 'ghost' }))).code, 'ServiceNotFoundException');
  });
});
