import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  ValidationException,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DeleteDashboardsCommand,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  paginateDescribeAlarms,
} from '@aws-sdk/client-cloudwatch';
import { CreateLogGroupCommand, CreateLogStreamCommand, GetLogEventsCommand, PutLogEventsCommand, paginateDescribeLogGroups, ResourceAlreadyExistsException } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreatePrivateDnsNamespaceCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DiscoverInstancesCommand,
  GetOperationCommand,
  ListNamespacesCommand,
  RegisterInstanceCommand,
  ResourceInUse,
  ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import { CreateClusterCommand, CreateServiceCommand as CreateEcsServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { startTestCloud, TEST_CREDENTIALS, type TestCloud } from '../../helpers.js';

let t: TestCloud;
before(async () => {
  t = await startTestCloud({ timeScale: 0.001 });
});
after(async () => {
  await t.stop();
});

describe('monitoring services through the real SDK v3 clients', () => {
  it('CloudWatch: puts metrics, reads statistics and metric data, and pages alarms', async () => {
    const cw = t.clients.cloudWatch;
    const now = new Date();
    await cw.send(new PutMetricDataCommand({ Namespace: 'Lab', MetricData: [{ MetricName: 'Hits', Value: 3, Timestamp: new Date(now.getTime() - 5000), Unit: 'Count' }, { MetricName: 'Hits', Value: 5, Timestamp: new Date(now.getTime() - 4000), Unit: 'Count' }] }));
    const stats = await cw.send(new GetMetricStatisticsCommand({ Namespace: 'Lab', MetricName: 'Hits', StartTime: new Date(now.getTime() - 600_000), EndTime: new Date(now.getTime() + 60_000), Period: 60, Statistics: ['Sum', 'Maximum'] }));
    const total = (stats.Datapoints ?? []).reduce((s, d) => s + (d.Sum ?? 0), 0);
    assert.equal(total, 8);
    assert.ok(stats.Datapoints?.[0]?.Timestamp instanceof Date);
    const data = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(now.getTime() - 600_000),
        EndTime: new Date(now.getTime() + 60_000),
        MetricDataQueries: [
          { Id: 'h', MetricStat: { Metric: { Namespace: 'Lab', MetricName: 'Hits' }, Period: 600, Stat: 'Sum' }, ReturnData: false },
          { Id: 'double', Expression: 'h*2' },
        ],
      }),
    );
    assert.deepEqual(data.MetricDataResults?.[0]?.Values?.reduce((a, b) => a + b, 0), 16);
    for (let i = 0; i < 3; i++) {
      await cw.send(new PutMetricAlarmCommand({ AlarmName: `sdk-${i}`, Namespace: 'Lab', MetricName: 'Hits', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 10, ComparisonOperator: 'GreaterThanThreshold' }));
    }
    const names: string[] = [];
    for await (const page of paginateDescribeAlarms({ client: cw, pageSize: 2 }, { AlarmNamePrefix: 'sdk-' })) names.push(...(page.MetricAlarms ?? []).map((a) => a.AlarmName ?? ''));
    assert.deepEqual(names, ['sdk-0', 'sdk-1', 'sdk-2']);
    const one = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['sdk-0'] }));
    assert.equal(one.MetricAlarms?.[0]?.StateValue, 'INSUFFICIENT_DATA');
    assert.ok(one.MetricAlarms?.[0]?.StateUpdatedTimestamp instanceof Date);
    const dash = await cw.send(new PutDashboardCommand({ DashboardName: 'lab', DashboardBody: JSON.stringify({ widgets: [] }) }));
    assert.deepEqual(dash.DashboardValidationMessages, []);
  });

  it('CloudWatch: tags a dashboard on creation, ignores tags on update, and tags/untags it by ARN', async () => {
    const cw = t.clients.cloudWatch;
    const body = (text: string) => JSON.stringify({ widgets: [{ type: 'text', x: 0, y: 0, width: 6, height: 2, properties: { markdown: text } }] });
    await cw.send(new PutDashboardCommand({ DashboardName: 'FlaskInventoryMonitoring', DashboardBody: body('v1'), Tags: [{ Key: 'ecskit:stack', Value: 'lab' }, { Key: 'team', Value: 'ops' }] }));
    const { DashboardArn: arn } = await cw.send(new GetDashboardCommand({ DashboardName: 'FlaskInventoryMonitoring' }));
    assert.match(arn ?? '', /^arn:aws:cloudwatch::\d{12}:dashboard\/FlaskInventoryMonitoring$/);
    const tagsOf = async () => Object.fromEntries(((await cw.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags ?? []).map((x) => [x.Key, x.Value]));
    assert.deepEqual(await tagsOf(), { 'ecskit:stack': 'lab', team: 'ops' });
    await cw.send(new PutDashboardCommand({ DashboardName: 'FlaskInventoryMonitoring', DashboardBody: body('v2'), Tags: [{ Key: 'ecskit:stack', Value: 'other' }] }));
    assert.equal((await cw.send(new GetDashboardCommand({ DashboardName: 'FlaskInventoryMonitoring' }))).DashboardBody, body('v2'));
    assert.deepEqual(await tagsOf(), { 'ecskit:stack': 'lab', team: 'ops' });
    await cw.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'env', Value: 'dev' }] }));
    await cw.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['team'] }));
    assert.deepEqual(await tagsOf(), { 'ecskit:stack': 'lab', env: 'dev' });
    await cw.send(new DeleteDashboardsCommand({ DashboardNames: ['FlaskInventoryMonitoring'] }));
    await assert.rejects(cw.send(new ListTagsForResourceCommand({ ResourceARN: arn })), ResourceNotFoundException);
  });

  it('CloudWatch Logs: rejects duplicate groups, pages groups and reads events', async () => {
    const logs = t.clients.logs;
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/sdk' }));
    await assert.rejects(logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/sdk' })), ResourceAlreadyExistsException);
    for (const n of ['a', 'b']) await logs.send(new CreateLogGroupCommand({ logGroupName: `/ecs/sdk-${n}` }));
    const groups: string[] = [];
    for await (const page of paginateDescribeLogGroups({ client: logs, pageSize: 1 }, { logGroupNamePrefix: '/ecs/sdk' })) groups.push(...(page.logGroups ?? []).map((g) => g.logGroupName ?? ''));
    assert.deepEqual(groups, ['/ecs/sdk', '/ecs/sdk-a', '/ecs/sdk-b']);
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/sdk', logStreamName: 's' }));
    await logs.send(new PutLogEventsCommand({ logGroupName: '/ecs/sdk', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'hello' }] }));
    const events = await logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/sdk', logStreamName: 's', startFromHead: true }));
    assert.deepEqual(events.events?.map((e) => e.message), ['hello']);
    assert.match(events.nextForwardToken ?? '', /^f\/\d{56}$/);
  });

  it('Cloud Map: namespace operation, service, instance discovery and ResourceInUse on delete', async () => {
    const sd = t.clients.serviceDiscovery;
    const { OperationId } = await sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'sdk.local', Vpc: 'vpc-0123456789abcdef0' }));
    let status: string | undefined;
    for (let i = 0; i < 50 && status !== 'SUCCESS'; i++) {
      status = (await sd.send(new GetOperationCommand({ OperationId }))).Operation?.Status;
      if (status !== 'SUCCESS') await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(status, 'SUCCESS');
    const ns = (await sd.send(new ListNamespacesCommand({ Filters: [{ Name: 'NAME', Values: ['sdk.local'], Condition: 'EQ' }] }))).Namespaces?.[0];
    assert.ok(ns?.CreateDate instanceof Date);
    const { Service } = await sd.send(new CreateServiceCommand({ Name: 'invsys', NamespaceId: ns?.Id, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 60 }] }, HealthCheckCustomConfig: { FailureThreshold: 1 } }));
    await sd.send(new RegisterInstanceCommand({ ServiceId: Service?.Id, InstanceId: 'task-1', Attributes: { AWS_INSTANCE_IPV4: '10.0.0.5' } }));
    // DiscoverInstances carries the `data-` host prefix; against a loopback IP the client must not prepend it.
    const data = new ServiceDiscoveryClient({ endpoint: t.cloud.endpoint, region: t.cloud.region, credentials: TEST_CREDENTIALS, disableHostPrefix: true });
    const found = await data.send(new DiscoverInstancesCommand({ NamespaceName: 'sdk.local', ServiceName: 'invsys' }));
    data.destroy();
    assert.equal(found.Instances?.[0]?.Attributes?.AWS_INSTANCE_IPV4, '10.0.0.5');
    await assert.rejects(sd.send(new DeleteServiceCommand({ Id: Service?.Id })), ResourceInUse);
  });

  it('Application Auto Scaling: registers a target, creates target tracking alarms, and rejects a bad ALB label', async () => {
    const aas = t.clients.autoScaling;
    const target = { ServiceNamespace: 'ecs' as const, ResourceId: 'service/c/s', ScalableDimension: 'ecs:service:DesiredCount' as const };
    // AWS registers a target only for an ECS service that exists.
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'c' }));
    await t.clients.ecs.send(new RegisterTaskDefinitionCommand({ family: 's', networkMode: 'bridge', containerDefinitions: [{ name: 's', image: 's:latest', memory: 128, essential: true }] }));
    await t.clients.ecs.send(new CreateEcsServiceCommand({ cluster: 'c', serviceName: 's', taskDefinition: 's', desiredCount: 1 }));
    await aas.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 3 }));
    const out = await aas.send(
      new PutScalingPolicyCommand({ ...target, PolicyName: 'cpu', PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 60, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } } }),
    );
    assert.equal(out.Alarms?.length, 2);
    const alarms = await t.clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: out.Alarms?.map((a) => a.AlarmName ?? '') }));
    assert.equal(alarms.MetricAlarms?.length, 2);
    await assert.rejects(
      aas.send(
        new PutScalingPolicyCommand({
          ...target,
          PolicyName: 'alb',
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: { TargetValue: 100, PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: 'loadbalancer/app/x/1' } },
        }),
      ),
      ValidationException,
    );
    const policies = await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs' }));
    assert.ok(policies.ScalingPolicies?.[0]?.CreationTime instanceof Date);
  });

  it('CloudWatch answers the Query protocol (older CLIs) with the same handlers', async () => {
    const put = await t.query('monitoring', 'PutMetricAlarm', {
      AlarmName: 'query-alarm', Namespace: 'Lab', MetricName: 'Hits', Statistic: 'Average', Period: 60, EvaluationPeriods: 2, Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold', 'Dimensions.member.1.Name': 'Service', 'Dimensions.member.1.Value': 'api',
    });
    assert.equal(put.status, 200, put.text);
    const described = await t.query('monitoring', 'DescribeAlarms', { 'AlarmNames.member.1': 'query-alarm' });
    assert.equal(described.status, 200, described.text);
    assert.match(described.text, /<AlarmName>query-alarm<\/AlarmName>/);
    assert.match(described.text, /<StateValue>INSUFFICIENT_DATA<\/StateValue>/);
    assert.match(described.text, /<Name>Service<\/Name>/);
    const bad = await t.query('monitoring', 'PutMetricAlarm', { AlarmName: 'q2', Namespace: 'Lab', MetricName: 'Hits', Statistic: 'Average', Period: 45, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /<Code>InvalidParameterValue<\/Code>/);
  });
});
