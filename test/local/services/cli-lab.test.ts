import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { awsCli, awsCliSkip, type AwsCliResult } from '../aws-cli.js';
import { startTestCloud, type TestCloud } from '../helpers.js';
import { defaultNetwork } from './elbv2/network.js';

/** `date -u -d '<minutes> minutes ago' +%Y-%m-%dT%H:%M:%S`, as the lab's commands compute it. */
const utc = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString().slice(0, 19);
const ok = (r: AwsCliResult, what: string) => assert.equal(r.code, 0, `${what} failed (exit ${r.code}): ${r.stderr}`);

describe("the lab's Cloud Map, Application Auto Scaling, CloudWatch and Logs commands through the AWS CLI", { skip: awsCliSkip() }, () => {
  const CLUSTER = 'flask-inventory-cluster';
  const RESOURCE = `service/${CLUSTER}/gateway-service`;
  let t: TestCloud;
  let dir: string;
  const aws = (...args: string[]) => awsCli(t.cloud.endpoint, args);
  before(async () => {
    t = await startTestCloud({ timeScale: 0.01 });
    dir = mkdtempSync(join(tmpdir(), 'ecskit-cli-lab-'));
  });
  after(async () => {
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('3.1–3.2 and 3.4: the namespace, the invsys discovery service and its instances, as the guide writes them', async () => {
    const { vpcId } = await defaultNetwork(t);
    const created = await aws('servicediscovery', 'create-private-dns-namespace', '--name', 'local', '--vpc', vpcId, '--description', 'Service discovery for Flask inventory app');
    ok(created, 'create-private-dns-namespace');
    assert.match(created.json.OperationId, /\S+/);

    // ERRATA 3.1: wait on the operation instead of `sleep 30`.
    let status = '';
    for (let i = 0; i < 20 && status !== 'SUCCESS'; i += 1) {
      const op = await aws('servicediscovery', 'get-operation', '--operation-id', created.json.OperationId, '--query', 'Operation.Status');
      ok(op, 'get-operation');
      status = op.json;
    }
    assert.equal(status, 'SUCCESS');

    const nsId = await aws('servicediscovery', 'list-namespaces', '--filters', 'Name=NAME,Values=local,Condition=EQ', '--query', 'Namespaces[0].Id');
    ok(nsId, 'list-namespaces');
    const namespaceId = nsId.json as string;
    assert.match(namespaceId, /^ns-[a-z0-9]+$/);

    const service = await aws(
      'servicediscovery', 'create-service', '--name', 'invsys',
      '--dns-config', `NamespaceId=${namespaceId},DnsRecords=[{Type=A,TTL=60}]`,
      '--health-check-custom-config', 'FailureThreshold=1', '--description', 'Service discovery for inventory system',
    );
    ok(service, 'create-service');
    assert.deepEqual(service.json.Service.DnsConfig.DnsRecords, [{ Type: 'A', TTL: 60 }]);
    assert.deepEqual(service.json.Service.HealthCheckCustomConfig, { FailureThreshold: 1 });

    const arns = await aws('servicediscovery', 'list-services', '--filters', `Name=NAMESPACE_ID,Values=${namespaceId}`, '--query', "Services[?Name=='invsys'].Arn");
    ok(arns, 'list-services');
    assert.deepEqual(arns.json, [service.json.Service.Arn]);
    // `echo $INVSYS_DISCOVERY_ARN | rev | cut -d'/' -f1 | rev`
    const serviceId = (arns.json[0] as string).split('/').pop()!;
    assert.equal(serviceId, service.json.Service.Id);

    // ECS registers the tasks on AWS; here the CLI stands in for it.
    ok(await aws('servicediscovery', 'register-instance', '--service-id', serviceId, '--instance-id', 'task-1', '--attributes', 'AWS_INSTANCE_IPV4=10.0.1.45'), 'register-instance');
    const instances = await aws('servicediscovery', 'list-instances', '--service-id', serviceId);
    ok(instances, 'list-instances');
    assert.deepEqual(
      instances.json.Instances.map((i: { Id: string; Attributes: Record<string, string> }) => [i.Id, i.Attributes.AWS_INSTANCE_IPV4]),
      [['task-1', '10.0.1.45']],
    );

    // discover-instances goes to a `data-` host prefix (http://data-127.0.0.1:PORT/, which no resolver
    // knows) unless host-prefix injection is off, as the local cloud's banner says.
    const prefixed = await aws('servicediscovery', 'discover-instances', '--namespace-name', 'local', '--service-name', 'invsys');
    assert.notEqual(prefixed.code, 0);
    assert.match(prefixed.stderr, /data-127\.0\.0\.1/);
    const discovered = await awsCli(t.cloud.endpoint, ['servicediscovery', 'discover-instances', '--namespace-name', 'local', '--service-name', 'invsys'], {
      env: { AWS_DISABLE_HOST_PREFIX_INJECTION: 'true' },
    });
    ok(discovered, 'discover-instances with AWS_DISABLE_HOST_PREFIX_INJECTION=true');
    assert.deepEqual(discovered.json.Instances.map((i: { InstanceId: string; Attributes: Record<string, string> }) => [i.InstanceId, i.Attributes.AWS_INSTANCE_IPV4]), [['task-1', '10.0.1.45']]);

    // ERRATA Cleanup 2: the discovery service cannot go while an instance is registered.
    const inUse = await aws('servicediscovery', 'delete-service', '--id', serviceId);
    assert.notEqual(inUse.code, 0);
    assert.match(inUse.stderr, /ResourceInUse/);
  });

  test('8.1–8.5: the scalable target, both target-tracking policies and the activities, as the guide writes them', async () => {
    // Task 4 created gateway-service; AWS registers a scalable target only for an ECS service that exists.
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    await t.clients.ecs.send(new RegisterTaskDefinitionCommand({ family: 'flask-inventory-gateway', networkMode: 'bridge', containerDefinitions: [{ name: 'gateway', image: 'gateway:latest', memory: 128, essential: true }] }));
    await t.clients.ecs.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'gateway-service', taskDefinition: 'flask-inventory-gateway', desiredCount: 2 }));
    const ghost = await aws('application-autoscaling', 'register-scalable-target', '--service-namespace', 'ecs', '--resource-id', `service/${CLUSTER}/ghost-service`,
      '--scalable-dimension', 'ecs:service:DesiredCount', '--min-capacity', '1', '--max-capacity', '2');
    assert.notEqual(ghost.code, 0);
    assert.match(ghost.stderr, /ValidationException.*ECS service doesn't exist/);
    const registered = await aws(
      'application-autoscaling', 'register-scalable-target', '--service-namespace', 'ecs', '--resource-id', RESOURCE,
      '--scalable-dimension', 'ecs:service:DesiredCount', '--min-capacity', '2', '--max-capacity', '4',
      '--role-arn', 'arn:aws:iam::123456789012:role/ecsAutoscaleRole',
    );
    ok(registered, 'register-scalable-target');
    const targets = await aws('application-autoscaling', 'describe-scalable-targets', '--service-namespace', 'ecs', '--resource-ids', RESOURCE);
    ok(targets, 'describe-scalable-targets');
    assert.deepEqual(
      targets.json.ScalableTargets.map((s: { ResourceId: string; MinCapacity: number; MaxCapacity: number }) => [s.ResourceId, s.MinCapacity, s.MaxCapacity]),
      [[RESOURCE, 2, 4]],
    );

    const common = ['--service-namespace', 'ecs', '--resource-id', RESOURCE, '--scalable-dimension', 'ecs:service:DesiredCount', '--policy-type', 'TargetTrackingScaling'];
    const cpu = await aws('application-autoscaling', 'put-scaling-policy', ...common, '--policy-name', 'gateway-cpu-scaling', '--target-tracking-scaling-policy-configuration', `{
    "TargetValue": 70.0,
    "PredefinedMetricSpecification": {
      "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
    },
    "ScaleInCooldown": 300,
    "ScaleOutCooldown": 60
  }`);
    ok(cpu, 'put-scaling-policy (CPU)');
    assert.match(cpu.json.PolicyARN, /^arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:.+:resource\/ecs\/service\/flask-inventory-cluster\/gateway-service:policyName\/gateway-cpu-scaling$/);

    const requestPolicy = (label: string) =>
      aws('application-autoscaling', 'put-scaling-policy', ...common, '--policy-name', 'gateway-request-scaling', '--target-tracking-scaling-policy-configuration', JSON.stringify({
        TargetValue: 1000.0,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: label },
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      }));
    // ERRATA 8.3: the guide's `cut -d: -f6` keeps "loadbalancer/" and "targetgroup/…" from the two ARNs.
    const lbArn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/flask-alb/0123456789abcdef';
    const tgArn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-tg/fedcba9876543210';
    const cut = (arn: string) => arn.split(':')[5]!;
    const malformed = await requestPolicy(`${cut(lbArn)}/${cut(tgArn)}`);
    assert.notEqual(malformed.code, 0);
    assert.match(malformed.stderr, /ValidationException/);
    ok(await requestPolicy('app/flask-alb/0123456789abcdef/targetgroup/gateway-tg/fedcba9876543210'), 'put-scaling-policy (requests)');

    const policies = await aws('application-autoscaling', 'describe-scaling-policies', '--service-namespace', 'ecs', '--resource-id', RESOURCE);
    ok(policies, 'describe-scaling-policies');
    assert.deepEqual(policies.json.ScalingPolicies.map((p: { PolicyName: string }) => p.PolicyName).sort(), ['gateway-cpu-scaling', 'gateway-request-scaling']);
    const cpuPolicy = policies.json.ScalingPolicies.find((p: { PolicyName: string }) => p.PolicyName === 'gateway-cpu-scaling');
    assert.equal(cpuPolicy.TargetTrackingScalingPolicyConfiguration.TargetValue, 70);
    assert.equal(cpuPolicy.TargetTrackingScalingPolicyConfiguration.ScaleInCooldown, 300);

    const [activities, table] = await Promise.all([
      aws('application-autoscaling', 'describe-scaling-activities', '--service-namespace', 'ecs', '--resource-id', RESOURCE, '--max-results', '10'),
      aws('application-autoscaling', 'describe-scaling-activities', '--service-namespace', 'ecs', '--resource-id', RESOURCE, '--query', 'ScalingActivities[*].[StartTime,Cause,StatusCode,Description]'),
    ]);
    ok(activities, 'describe-scaling-activities');
    assert.ok(Array.isArray(activities.json.ScalingActivities));
    ok(table, 'describe-scaling-activities --query');
    assert.ok(Array.isArray(table.json));

    // Cleanup 3: the policies, then the target.
    const cleanup = ['--service-namespace', 'ecs', '--resource-id', RESOURCE, '--scalable-dimension', 'ecs:service:DesiredCount'];
    ok(await aws('application-autoscaling', 'delete-scaling-policy', ...cleanup, '--policy-name', 'gateway-cpu-scaling'), 'delete-scaling-policy');
    ok(await aws('application-autoscaling', 'deregister-scalable-target', ...cleanup), 'deregister-scalable-target');
  });

  test('9.1–9.3: alarms, the dashboard from a file, statistics and the metric list, as the guide writes them', async () => {
    const alarm = (name: string, description: string, metric: string, period: string, threshold: string, operator: string) =>
      aws(
        'cloudwatch', 'put-metric-alarm', '--alarm-name', name, '--alarm-description', description, '--metric-name', metric, '--namespace', 'AWS/ECS',
        '--statistic', 'Average', '--period', period, '--threshold', threshold, '--comparison-operator', operator, '--evaluation-periods', '2',
        '--dimensions', 'Name=ServiceName,Value=gateway-service', `Name=ClusterName,Value=${CLUSTER}`,
      );
    const [cpu, failures] = await Promise.all([
      alarm('ecs-gateway-high-cpu', 'Alert when gateway CPU > 80%', 'CPUUtilization', '300', '80', 'GreaterThanThreshold'),
      alarm('ecs-gateway-task-failures', 'Alert when tasks are failing', 'RunningTaskCount', '60', '1', 'LessThanThreshold'),
    ]);
    ok(cpu, 'put-metric-alarm (CPU)');
    ok(failures, 'put-metric-alarm (task failures)');
    const alarms = await aws('cloudwatch', 'describe-alarms', '--alarm-names', 'ecs-gateway-high-cpu', 'ecs-gateway-task-failures', '--query', 'MetricAlarms[*].[AlarmName,StateValue,MetricName]');
    ok(alarms, 'describe-alarms');
    assert.deepEqual(alarms.json, [
      ['ecs-gateway-high-cpu', 'INSUFFICIENT_DATA', 'CPUUtilization'],
      ['ecs-gateway-task-failures', 'INSUFFICIENT_DATA', 'RunningTaskCount'],
    ]);

    const file = join(dir, 'dashboard-config.json');
    const body = {
      widgets: [
        { type: 'metric', properties: { metrics: [['AWS/ECS', 'CPUUtilization', { stat: 'Average' }], ['.', 'MemoryUtilization', { stat: 'Average' }]], view: 'timeSeries', region: 'us-east-1', title: 'ECS Service Metrics', period: 300 } },
        { type: 'metric', properties: { metrics: [['AWS/ApplicationELB', 'RequestCount', { stat: 'Sum' }], ['.', 'TargetResponseTime', { stat: 'Average' }]], view: 'timeSeries', region: 'us-east-1', title: 'ALB Metrics', period: 60 } },
      ],
    };
    writeFileSync(file, JSON.stringify(body, null, 2));
    const put = await aws('cloudwatch', 'put-dashboard', '--dashboard-name', 'FlaskInventoryMonitoring', '--dashboard-body', `file://${file}`);
    ok(put, 'put-dashboard');
    assert.deepEqual(put.json.DashboardValidationMessages ?? [], []);
    const got = await aws('cloudwatch', 'get-dashboard', '--dashboard-name', 'FlaskInventoryMonitoring');
    ok(got, 'get-dashboard');
    assert.deepEqual(JSON.parse(got.json.DashboardBody), body);

    // Datapoints need a publisher: the runtime publishes AWS/ECS; here a custom namespace takes the same path.
    ok(
      await aws('cloudwatch', 'put-metric-data', '--namespace', 'Lab/ECS', '--metric-name', 'CPUUtilization', '--unit', 'Percent', '--value', '42',
        '--dimensions', `ServiceName=gateway-service,ClusterName=${CLUSTER}`, '--timestamp', utc(2)),
      'put-metric-data',
    );
    const stats = (namespace: string) =>
      aws(
        'cloudwatch', 'get-metric-statistics', '--namespace', namespace, '--metric-name', 'CPUUtilization',
        '--dimensions', 'Name=ServiceName,Value=gateway-service', `Name=ClusterName,Value=${CLUSTER}`,
        '--start-time', utc(60), '--end-time', utc(0), '--period', '300', '--statistics', 'Average', 'Maximum',
      );
    const [ecs, lab, metrics] = await Promise.all([
      stats('AWS/ECS'),
      stats('Lab/ECS'),
      aws('cloudwatch', 'list-metrics', '--namespace', 'Lab/ECS', '--dimensions', 'Name=ServiceName,Value=gateway-service', `Name=ClusterName,Value=${CLUSTER}`),
    ]);
    ok(ecs, 'get-metric-statistics (AWS/ECS)');
    assert.equal(ecs.json.Label, 'CPUUtilization');
    assert.deepEqual(ecs.json.Datapoints, []);
    ok(lab, 'get-metric-statistics (Lab/ECS)');
    assert.equal(lab.json.Datapoints.length, 1);
    assert.equal(lab.json.Datapoints[0].Average, 42);
    assert.equal(lab.json.Datapoints[0].Maximum, 42);
    assert.equal(lab.json.Datapoints[0].Unit, 'Percent');
    ok(metrics, 'list-metrics');
    assert.deepEqual(metrics.json.Metrics.map((m: { MetricName: string }) => m.MetricName), ['CPUUtilization']);

    // Cleanup 4: alarms and the dashboard.
    const [deletedAlarms, deletedDashboard] = await Promise.all([
      aws('cloudwatch', 'delete-alarms', '--alarm-names', 'ecs-gateway-high-cpu', 'ecs-gateway-task-failures'),
      aws('cloudwatch', 'delete-dashboards', '--dashboard-names', 'FlaskInventoryMonitoring'),
    ]);
    ok(deletedAlarms, 'delete-alarms');
    ok(deletedDashboard, 'delete-dashboards');
    const none = await aws('cloudwatch', 'describe-alarms', '--alarm-names', 'ecs-gateway-high-cpu', 'ecs-gateway-task-failures');
    assert.deepEqual(none.json.MetricAlarms, []);
  });

  test('9.4: filter-log-events finds the ERROR lines of the last hour and describe-log-groups lists the group', async () => {
    const group = '/ecs/flask-inventory-gateway';
    await t.clients.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await t.clients.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'ecs/gateway/abc' }));
    const now = Date.now();
    await t.clients.logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 'ecs/gateway/abc',
        logEvents: [
          { timestamp: now - 2 * 60 * 60_000, message: 'ERROR too old' },
          { timestamp: now - 60_000, message: 'GET /items 200' },
          { timestamp: now - 30_000, message: 'ERROR upstream invsys timed out' },
        ],
      }),
    );
    const [filtered, groups] = await Promise.all([
      // `--start-time $(date -d '1 hour ago' +%s)000`
      aws('logs', 'filter-log-events', '--log-group-name', group, '--filter-pattern', 'ERROR', '--start-time', `${Math.floor((now - 60 * 60_000) / 1000)}000`),
      aws('logs', 'describe-log-groups'),
    ]);
    ok(filtered, 'filter-log-events');
    assert.deepEqual(filtered.json.events.map((e: { message: string }) => e.message), ['ERROR upstream invsys timed out']);
    assert.equal(filtered.json.events[0].logStreamName, 'ecs/gateway/abc');
    ok(groups, 'describe-log-groups');
    assert.ok(groups.json.logGroups.some((g: { logGroupName: string }) => g.logGroupName === group));
  });
});
