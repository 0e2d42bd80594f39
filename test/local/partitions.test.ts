/**
 * ARNs carry the partition of their region (issue #13.8): `aws-cn` in
 * China, `aws-us-gov` in GovCloud, `aws` elsewhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudState } from '../../src/local/cloud-state.js';
import { partitionOf } from '../../src/local/core/util.js';

test('partitionOf maps regions to their partition', () => {
  for (const [region, partition] of [
    ['us-east-1', 'aws'],
    ['eu-central-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'],
  ] as const) {
    assert.equal(partitionOf(region), partition, region);
  }
});

test('ECS, CloudWatch, Logs, IAM and STS ARNs in China and GovCloud name their partition', async () => {
  const cloud = new CloudState();
  for (const [region, partition] of [
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-east-1', 'aws'],
  ] as const) {
    const call = (service: string, op: string, input: unknown = {}) => cloud.invoke(service, op, input, { region }) as Promise<any>;
    const { cluster } = await call('ecs', 'CreateCluster', { clusterName: 'p' });
    assert.match(cluster.clusterArn, new RegExp(`^arn:${partition}:ecs:${region}:\\d{12}:cluster/p$`));
    const { taskDefinition } = await call('ecs', 'RegisterTaskDefinition', { family: 'p', containerDefinitions: [{ name: 'a', image: 'i', memory: 64 }] });
    assert.match(taskDefinition.taskDefinitionArn, new RegExp(`^arn:${partition}:ecs:`));
    assert.match(taskDefinition.registeredBy, new RegExp(`^arn:${partition}:iam::\\d{12}:root$`));
    // A sibling ARN built from the cluster's keeps the partition (the service's ARN).
    const { failures } = await call('ecs', 'DescribeServices', { cluster: 'p', services: ['ghost'] });
    assert.match(failures[0].arn, new RegExp(`^arn:${partition}:ecs:${region}:\\d{12}:service/ghost$`));
    await call('monitoring', 'PutMetricAlarm', { AlarmName: 'a', MetricName: 'm', Namespace: 'N', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' });
    const { MetricAlarms } = await call('monitoring', 'DescribeAlarms', { AlarmNames: ['a'] });
    assert.match(MetricAlarms[0].AlarmArn, new RegExp(`^arn:${partition}:cloudwatch:${region}:`));
    await call('monitoring', 'PutDashboard', { DashboardName: 'd', DashboardBody: '{"widgets":[]}' });
    assert.match((await call('monitoring', 'GetDashboard', { DashboardName: 'd' })).DashboardArn, new RegExp(`^arn:${partition}:cloudwatch::`));
    await call('logs', 'CreateLogGroup', { logGroupName: '/p' });
    const { logGroups } = await call('logs', 'DescribeLogGroups', { logGroupNamePrefix: '/p' });
    assert.match(logGroups[0].arn, new RegExp(`^arn:${partition}:logs:${region}:`));
    const role = await call('iam', 'CreateRole', { RoleName: `r-${region}`, AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' });
    assert.match(role.Role.Arn, new RegExp(`^arn:${partition}:iam::\\d{12}:role/r-${region}$`));
    assert.match((await call('sts', 'GetCallerIdentity')).Arn, new RegExp(`^arn:${partition}:iam::`));
  }
});
