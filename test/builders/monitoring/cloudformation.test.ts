import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dashboard,
  ecsServiceMetric,
  metricAlarm,
  metricWidget,
} from '../../../src/builders/monitoring/index.js';
import {
  cfnAlbResourceLabel,
  scalableTarget,
  stepScalingPolicy,
  targetTrackingPolicy,
} from '../../../src/builders/scaling/index.js';

// The Task 10 template holds no scaling or alarm resources; these are the
// resources a template for lab Tasks 8-9 needs, in the same style (ECSCluster
// logical id, `!Sub` role ARN).
const gatewayTarget = scalableTarget()
  .service({ Ref: 'ECSCluster' }, 'gateway-service')
  .minCapacity(2)
  .maxCapacity(4)
  .roleArn({ 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/ecsAutoscaleRole' });

test('a scalable target becomes AWS::ApplicationAutoScaling::ScalableTarget with CloudFormation names', () => {
  assert.deepEqual(gatewayTarget.toCloudFormation(), {
    Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
    Properties: {
      ServiceNamespace: 'ecs',
      ResourceId: { 'Fn::Join': ['/', ['service', { Ref: 'ECSCluster' }, 'gateway-service']] },
      ScalableDimension: 'ecs:service:DesiredCount',
      MinCapacity: 2,
      MaxCapacity: 4,
      RoleARN: { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/ecsAutoscaleRole' },
    },
  });
});

test('a target-tracking policy refers to its scalable target and builds its label from the template', () => {
  const policy = targetTrackingPolicy('gateway-request-scaling')
    .target(gatewayTarget)
    .predefinedMetric('ALBRequestCountPerTarget', cfnAlbResourceLabel('ALB', 'GatewayTargetGroup'))
    .targetValue(1000)
    .scaleInCooldownSeconds(300)
    .scaleOutCooldownSeconds(60)
    .disableScaleIn();
  assert.deepEqual(policy.toCloudFormation({ scalingTargetId: { Ref: 'GatewayScalableTarget' } }), {
    Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
    Properties: {
      PolicyName: 'gateway-request-scaling',
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: 'GatewayScalableTarget' },
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 1000,
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'ALBRequestCountPerTarget',
          ResourceLabel: {
            'Fn::Join': [
              '/',
              [
                { 'Fn::GetAtt': ['ALB', 'LoadBalancerFullName'] },
                { 'Fn::GetAtt': ['GatewayTargetGroup', 'TargetGroupFullName'] },
              ],
            ],
          },
        },
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
        DisableScaleIn: true,
      },
    },
  });
});

test('a policy without a scaling target id names the service itself', () => {
  const policy = stepScalingPolicy('gateway-step-out')
    .service('flask-inventory-cluster', 'gateway-service')
    .adjustmentType('ChangeInCapacity')
    .step({ lowerBound: 0, adjustment: 1 });
  assert.deepEqual(policy.toCloudFormation(), {
    Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
    Properties: {
      PolicyName: 'gateway-step-out',
      PolicyType: 'StepScaling',
      ServiceNamespace: 'ecs',
      ResourceId: 'service/flask-inventory-cluster/gateway-service',
      ScalableDimension: 'ecs:service:DesiredCount',
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'ChangeInCapacity',
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      },
    },
  });
});

test('an alarm becomes AWS::CloudWatch::Alarm with a Dimensions list and intrinsic actions', () => {
  const alarm = metricAlarm('ecs-gateway-high-cpu')
    .description('Alert when gateway CPU > 80%')
    .metric(ecsServiceMetric({ Ref: 'ECSCluster' }, 'gateway-service', 'CPUUtilization'))
    .statistic('Average')
    .periodSeconds(300)
    .threshold(80)
    .comparisonOperator('GreaterThanThreshold')
    .evaluationPeriods(2)
    .alarmActions({ Ref: 'GatewayStepPolicy' });
  assert.deepEqual(alarm.toCloudFormation(), {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: 'ecs-gateway-high-cpu',
      AlarmDescription: 'Alert when gateway CPU > 80%',
      AlarmActions: [{ Ref: 'GatewayStepPolicy' }],
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/ECS',
      Statistic: 'Average',
      Dimensions: [
        { Name: 'ServiceName', Value: 'gateway-service' },
        { Name: 'ClusterName', Value: { Ref: 'ECSCluster' } },
      ],
      Period: 300,
      EvaluationPeriods: 2,
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
    },
  });
  assert.throws(() => alarm.build(), /Dimensions\[1\]\.Value: a CloudFormation intrinsic only resolves inside a template/);
});

test('a dashboard becomes AWS::CloudWatch::Dashboard with its body as a JSON string', () => {
  const board = dashboard('FlaskInventoryMonitoring').widget(
    metricWidget('CPU').region('us-east-1').metric(ecsServiceMetric('c', 's', 'CPUUtilization'), { stat: 'Average' }),
  );
  const resource = board.toCloudFormation();
  assert.equal(resource.Type, 'AWS::CloudWatch::Dashboard');
  assert.deepEqual(resource.Properties, {
    DashboardName: 'FlaskInventoryMonitoring',
    DashboardBody: board.build().DashboardBody,
  });
});

test('a dashboard body holding intrinsics becomes an Fn::Sub with literal ${ escaped', () => {
  const board = dashboard('D').widget(
    metricWidget('cost ${x}')
      .region({ Ref: 'AWS::Region' })
      .metric(ecsServiceMetric({ Ref: 'ECSCluster' }, 's', 'CPUUtilization')),
  );
  assert.deepEqual(board.toCloudFormation().Properties.DashboardBody, {
    'Fn::Sub': [
      '{"widgets":[{"type":"metric","properties":{"metrics":[["AWS/ECS","CPUUtilization","ServiceName","s","ClusterName","${Value0}"]],' +
        '"region":"${Value1}","title":"cost ${!x}"}}]}',
      { Value0: { Ref: 'ECSCluster' }, Value1: { Ref: 'AWS::Region' } },
    ],
  });
  assert.throws(() => board.build(), /DashboardBody\.widgets\[0\]\.properties\.region: a CloudFormation intrinsic/);
});
