/**
 * Golden tests: the builders reproduce the lab's task definitions, CLI
 * parameter sets and Task 10 template resources (see
 * test/fixtures/lab/ecs/README.md for substitutions and errata fixes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  awsLogs,
  cfnGetAtt,
  cfnRef,
  container,
  service,
  taskDefinition,
  ValidationError,
  type CfnValue,
} from '../../../src/index.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/lab/ecs/${name}`, import.meta.url), 'utf8'));

const ACCOUNT_ID = '123456789012';
const AWS_REGION = 'us-east-1';
const INVSYS_REPO_URI = `${ACCOUNT_ID}.dkr.ecr.${AWS_REGION}.amazonaws.com/flask-inventory/invsys`;
const GATEWAY_REPO_URI = `${ACCOUNT_ID}.dkr.ecr.${AWS_REGION}.amazonaws.com/flask-inventory/gateway`;
const EXECUTION_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/ecsTaskExecutionRole`;
const SUBNET_IDS = ['subnet-abc123', 'subnet-def456'];
const ECS_SG_ID = 'sg-0123456789';
const INVSYS_DISCOVERY_ARN = `arn:aws:servicediscovery:${AWS_REGION}:${ACCOUNT_ID}:service/srv-abcd1234efgh5678`;
const GATEWAY_TG_ARN = `arn:aws:elasticloadbalancing:${AWS_REGION}:${ACCOUNT_ID}:targetgroup/gateway-tg/0123456789abcdef`;

/** The lab's common task shape: one 256-unit/512-MiB EC2 task with an execution role. */
const labTask = (family: string, executionRole: CfnValue = EXECUTION_ROLE) =>
  taskDefinition(family).networkMode('awsvpc').requiresCompatibilities('EC2').cpu(256).memory(512).executionRoleArn(executionRole);

/** The lab's container template: 256 units, 512 MiB, essential, one tcp port, health check every 30 s. */
const labContainer = (name: string, image: CfnValue, port: number, healthPath: string) =>
  container(name)
    .image(image)
    .cpu(256)
    .memory(512)
    .essential()
    .port(port)
    .healthCheck({
      command: `curl -f http://localhost:${port}${healthPath} || exit 1`,
      intervalSeconds: 30,
      timeoutSeconds: 5,
      retries: 3,
      startPeriodSeconds: 60,
    });

const invsysLogs = (region: CfnValue = AWS_REGION, createGroup = true) =>
  awsLogs({ group: '/ecs/flask-inventory-invsys', region, streamPrefix: 'ecs', ...(createGroup ? { createGroup } : {}) });

const invsysRev1 = labTask('flask-inventory-invsys').container(
  labContainer('invsys', `${INVSYS_REPO_URI}:latest`, 5000, '/items')
    .environment({ FLASK_ENV: 'production', PYTHONUNBUFFERED: '1' })
    .logConfiguration(invsysLogs()),
);

const gatewayRev1 = labTask('flask-inventory-gateway').container(
  labContainer('gateway', `${GATEWAY_REPO_URI}:latest`, 5001, '/')
    .environment({ FLASK_ENV: 'production', PYTHONUNBUFFERED: '1', INVSYS_URL: 'http://invsys.local:5000' })
    .logConfiguration(awsLogs({ group: '/ecs/flask-inventory-gateway', region: AWS_REGION, streamPrefix: 'ecs', createGroup: true })),
);

const invsysHealthContainer = (image: CfnValue, region: CfnValue) =>
  labContainer('invsys', image, 5000, '/health/live')
    .environment({ FLASK_ENV: 'production' })
    .logConfiguration(invsysLogs(region));

const invsysHealth = (image: CfnValue, region: CfnValue, role: CfnValue) =>
  labTask('flask-inventory-invsys', role).container(invsysHealthContainer(image, region));

const labNetwork = { subnets: SUBNET_IDS, securityGroups: [ECS_SG_ID], assignPublicIp: false } as const;
const rolling = { maximumPercent: 200, minimumHealthyPercent: 50 } as const;

test('2.1: the invsys task definition matches the lab, fixed to awsvpc without hostPort (ERRATA 2.1)', () => {
  assert.deepEqual(invsysRev1.build(), fixture('2.1-invsys-task-definition.errata-awsvpc.json'));
});

test("2.1: the guide's own revision 1 (bridge, hostPort 0) cannot back the 3.4 service", () => {
  const guideRev1 = labTask('flask-inventory-invsys')
    .networkMode('bridge')
    .container(
      labContainer('invsys', `${INVSYS_REPO_URI}:latest`, 5000, '/items')
        .port(5000, { hostPort: 0 })
        .logConfiguration(invsysLogs()),
    );
  // The task definition alone is valid for bridge ...
  assert.equal(guideRev1.build().networkMode, 'bridge');
  // ... but the service the lab creates with it is refused before any call.
  assert.throws(
    () =>
      service('invsys-service')
        .cluster('flask-inventory-cluster')
        .taskDefinition(guideRev1, { revision: 1 })
        .awsvpc(labNetwork)
        .serviceRegistry({ registryArn: INVSYS_DISCOVERY_ARN })
        .build(),
    (error: unknown) =>
      error instanceof ValidationError &&
      error.problems.map((p) => p.path).join() === 'networkConfiguration,serviceRegistries[0]',
  );
});

test('2.3: the gateway task definition matches the lab', () => {
  assert.deepEqual(gatewayRev1.build(), fixture('2.3-gateway-task-definition.json'));
});

test('5.3: the invsys v2 revision matches the lab (no create-group, APP_VERSION)', () => {
  const v2 = labTask('flask-inventory-invsys').container(
    labContainer('invsys', `${INVSYS_REPO_URI}:v2.0.0`, 5000, '/version')
      .environment({ FLASK_ENV: 'production', APP_VERSION: '2.0.0' })
      .logConfiguration(invsysLogs(AWS_REGION, false)),
  );
  assert.deepEqual(v2.build(), fixture('5.3-invsys-task-definition-v2.json'));
});

test('7.3: the invsys revision with /health/live matches the lab', () => {
  const td = invsysHealth(`${INVSYS_REPO_URI}:latest`, AWS_REGION, EXECUTION_ROLE);
  assert.deepEqual(td.build(), fixture('7.3-invsys-task-definition-health.json'));
});

test('3.4: the invsys service flags become the same CreateService input', () => {
  const input = service('invsys-service')
    .cluster('flask-inventory-cluster')
    .taskDefinition(invsysRev1, { revision: 1 })
    .desiredCount(2)
    .launchType('EC2')
    .awsvpc(labNetwork)
    .serviceRegistry({ registryArn: INVSYS_DISCOVERY_ARN })
    .deploymentConfiguration(rolling)
    .healthCheckGracePeriodSeconds(60)
    .build();
  assert.deepEqual(input, fixture('3.4-create-invsys-service.json'));
});

test('4.2: the gateway service flags become the same CreateService input', () => {
  const input = service('gateway-service')
    .cluster('flask-inventory-cluster')
    .taskDefinition(gatewayRev1, { revision: 1 })
    .desiredCount(2)
    .launchType('EC2')
    .awsvpc(labNetwork)
    .loadBalancer({ targetGroupArn: GATEWAY_TG_ARN, containerName: 'gateway', containerPort: 5001 })
    .healthCheckGracePeriodSeconds(60)
    .deploymentConfiguration(rolling)
    .build();
  assert.deepEqual(input, fixture('4.2-create-gateway-service.json'));
});

test('5.4: the rolling update flags become the same UpdateService input', () => {
  const input = service('invsys-service')
    .cluster('flask-inventory-cluster')
    .taskDefinition('flask-inventory-invsys:2')
    .buildUpdate({ forceNewDeployment: true });
  assert.deepEqual(input, fixture('5.4-update-invsys-service.json'));
});

test('10: toCloudFormation reproduces the ECS resources of the Task 10 template (ERRATA 10)', () => {
  // Changed from the guide's template so it matches what the scripts deploy
  // (details in test/fixtures/lab/ecs/README.md): the service keeps 3.4's
  // 60-second health-check grace period, and the container health check is the
  // 7.3 revision's /health/live (the guide's template mixed 7.3 with revision
  // 1's /items check), and the tasks keep their SQLite file on the shared
  // Docker volume invsys-data (one store for both replicas), which the service's
  // binpack placement keeps on one container instance. The FARGATE
  // capacity providers of ECSCluster are not an ECS builder's concern; the
  // consistent cluster has none.
  const td = labTask('flask-inventory-invsys', { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/ecsTaskExecutionRole' })
    .volume({ name: 'invsys-data', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, driver: 'local' } })
    .container(invsysHealthContainer(cfnRef('InvsysImageUri'), cfnRef('AWS::Region')).mountPoint('invsys-data', '/data'));
  const svc = service('invsys-service')
    .cluster(cfnRef('ECSCluster'))
    .taskDefinition(td)
    .desiredCount(2)
    .launchType('EC2')
    .awsvpc({ subnets: cfnRef('SubnetIds'), securityGroups: [cfnRef('ECSSecurityGroup')], assignPublicIp: 'DISABLED' })
    .placementStrategy({ type: 'binpack', field: 'memory' })
    .serviceRegistry({ registryArn: cfnGetAtt('InvsysServiceDiscovery', 'Arn') })
    .deploymentConfiguration(rolling)
    .healthCheckGracePeriodSeconds(60);
  const resources = {
    InvsysTaskDefinition: td.toCloudFormation(),
    InvsysService: svc.toCloudFormation({ taskDefinition: cfnRef('InvsysTaskDefinition') }),
  };
  assert.deepEqual(resources, fixture('10-template-ecs.json'));
});

test('a template-only builder refuses .build(), naming every intrinsic', () => {
  const td = invsysHealth(cfnRef('InvsysImageUri'), AWS_REGION, EXECUTION_ROLE);
  assert.throws(() => td.build(), {
    name: 'ValidationError',
    message:
      'taskDefinition "flask-inventory-invsys": 1 problem\n' +
      '  - containerDefinitions[0].image: a CloudFormation intrinsic only has a value inside a template; ' +
      'use .toCloudFormation(), or give a literal value for .build(), got: {"Ref":"InvsysImageUri"}',
  });
});
