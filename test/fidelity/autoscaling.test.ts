import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { startFidelity, type AllowedDivergence, type Fidelity, type FidelityCase, type Side } from './harness.js';

const RESOURCE = 'service/fidelity-aas/gateway-service';
const target = { ServiceNamespace: 'ecs', ResourceId: RESOURCE, ScalableDimension: 'ecs:service:DesiredCount' } as const;
const ROLE = 'arn:aws:iam::123456789012:role/ecsAutoscaleRole';
const LABEL = 'app/flask-alb/0123456789abcdef/targetgroup/gateway-tg/fedcba9876543210';

/** The ECS service the target scales, on each side (AWS and moto both refuse to register a target for a service that does not exist). */
async function gatewayService(side: Side) {
  await side.clients.ecs.send(new CreateClusterCommand({ clusterName: 'fidelity-aas' }));
  await side.clients.ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'fidelity-aas-gateway', networkMode: 'bridge', containerDefinitions: [{ name: 'gateway', image: 'gateway:latest', memory: 128, essential: true }] }),
  );
  return side.clients.ecs.send(new CreateServiceCommand({ cluster: 'fidelity-aas', serviceName: 'gateway-service', taskDefinition: 'fidelity-aas-gateway', desiredCount: 2 }));
}

const cases: FidelityCase[] = [
  { name: 'ecs CreateService gateway-service (set-up)', call: async (s) => ({ created: Boolean((await gatewayService(s)).service?.serviceArn) }) },
  { name: 'application-autoscaling RegisterScalableTarget', call: (s) => s.clients.autoScaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 2, MaxCapacity: 4, RoleARN: ROLE })) },
  { name: 'application-autoscaling RegisterScalableTarget min above max', call: (s) => s.clients.autoScaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 5, MaxCapacity: 4 })) },
  {
    name: 'application-autoscaling RegisterScalableTarget for a service that does not exist',
    call: (s) => s.clients.autoScaling.send(new RegisterScalableTargetCommand({ ...target, ResourceId: 'service/fidelity-aas/ghost-service', MinCapacity: 1, MaxCapacity: 2 })),
  },
  { name: 'application-autoscaling DescribeScalableTargets', call: (s) => s.clients.autoScaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [RESOURCE] })) },
  {
    name: 'application-autoscaling PutScalingPolicy target tracking CPU',
    call: (s) =>
      s.clients.autoScaling.send(
        new PutScalingPolicyCommand({
          ...target,
          PolicyName: 'gateway-cpu-scaling',
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, ScaleInCooldown: 300, ScaleOutCooldown: 60 },
        }),
      ),
  },
  {
    name: 'application-autoscaling PutScalingPolicy target tracking requests',
    call: (s) =>
      s.clients.autoScaling.send(
        new PutScalingPolicyCommand({
          ...target,
          PolicyName: 'gateway-request-scaling',
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 1000,
            PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: LABEL },
            ScaleInCooldown: 300,
            ScaleOutCooldown: 60,
          },
        }),
      ),
  },
  {
    name: 'application-autoscaling PutScalingPolicy malformed ResourceLabel',
    call: (s) =>
      s.clients.autoScaling.send(
        new PutScalingPolicyCommand({
          ...target,
          PolicyName: 'gateway-bad-label',
          PolicyType: 'TargetTrackingScaling',
          // What the lab's `cut -d: -f6` produces (ERRATA 8.3): the "loadbalancer/" prefix and the target group ARN's resource part.
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 1000,
            PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: 'loadbalancer/app/flask-alb/0123456789abcdef/targetgroup/gateway-tg/fedcba9876543210' },
          },
        }),
      ),
  },
  {
    name: 'application-autoscaling PutScalingPolicy step scaling',
    call: (s) =>
      s.clients.autoScaling.send(
        new PutScalingPolicyCommand({
          ...target,
          PolicyName: 'gateway-step-scaling',
          PolicyType: 'StepScaling',
          StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', Cooldown: 60, MetricAggregationType: 'Average', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
        }),
      ),
  },
  {
    name: 'application-autoscaling PutScalingPolicy on an unregistered target',
    call: (s) =>
      s.clients.autoScaling.send(
        new PutScalingPolicyCommand({
          ServiceNamespace: 'ecs',
          ResourceId: 'service/fidelity-aas/ghost',
          ScalableDimension: 'ecs:service:DesiredCount',
          PolicyName: 'ghost-cpu',
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } },
        }),
      ),
  },
  { name: 'application-autoscaling DescribeScalingPolicies', call: (s) => s.clients.autoScaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: RESOURCE })) },
  { name: 'application-autoscaling DescribeScalingActivities', call: (s) => s.clients.autoScaling.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: RESOURCE, MaxResults: 10 })) },
  { name: 'application-autoscaling DeleteScalingPolicy', call: (s) => s.clients.autoScaling.send(new DeleteScalingPolicyCommand({ ...target, PolicyName: 'gateway-step-scaling' })) },
  { name: 'application-autoscaling DeleteScalingPolicy missing', call: (s) => s.clients.autoScaling.send(new DeleteScalingPolicyCommand({ ...target, PolicyName: 'gateway-step-scaling' })) },
  { name: 'application-autoscaling DeregisterScalableTarget', call: (s) => s.clients.autoScaling.send(new DeregisterScalableTargetCommand(target)) },
  { name: 'application-autoscaling DeregisterScalableTarget missing', call: (s) => s.clients.autoScaling.send(new DeregisterScalableTargetCommand(target)) },
  { name: 'application-autoscaling DescribeScalingPolicies after deregistering', call: (s) => s.clients.autoScaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: RESOURCE })) },
];

/** Known divergences, each justified against AWS's documentation (moto is not the reference; AWS is). */
const API = 'https://docs.aws.amazon.com/autoscaling/application/APIReference';
const allow: AllowedDivergence[] = [
  {
    case: 'application-autoscaling RegisterScalableTarget min above max',
    path: 'error',
    reason: 'moto accepts MinCapacity 5 with MaxCapacity 4; AWS rejects it with ValidationException',
    reference: `${API}/API_RegisterScalableTarget.html`,
  },
  {
    case: 'application-autoscaling DescribeScalableTargets',
    path: 'ScalableTargets[].SuspendedState',
    reason: 'moto omits SuspendedState; AWS returns it (all three flags false unless suspended)',
    reference: `${API}/API_ScalableTarget.html`,
  },
  {
    case: 'application-autoscaling PutScalingPolicy malformed ResourceLabel',
    path: 'error',
    reason: 'moto accepts any ResourceLabel; AWS requires app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id> and answers ValidationException (ERRATA 8.3)',
    reference: `${API}/API_PredefinedMetricSpecification.html`,
  },
  {
    case: 'application-autoscaling PutScalingPolicy step scaling',
    path: 'Alarms',
    reason: 'Alarms lists the alarms AWS creates for a target tracking policy; a step scaling policy gets none and AWS answers with PolicyARN only',
    reference: 'https://docs.aws.amazon.com/cli/latest/reference/application-autoscaling/put-scaling-policy.html',
  },
  {
    case: 'application-autoscaling PutScalingPolicy on an unregistered target',
    path: 'error',
    reason: 'moto creates a policy for a target that was never registered; AWS answers ObjectNotFoundException',
    reference: `${API}/API_PutScalingPolicy.html`,
  },
  {
    case: 'application-autoscaling DescribeScalingPolicies',
    path: 'ScalingPolicies[].TargetTrackingScalingPolicyConfiguration.DisableScaleIn',
    reason: 'moto omits DisableScaleIn when it was not given; ecskit reports its documented default (false)',
    reference: `${API}/API_TargetTrackingScalingPolicyConfiguration.html`,
  },
  {
    case: 'application-autoscaling DescribeScalingActivities',
    path: 'error',
    reason: 'moto 5.2.1 answers HTTP 500 (an HTML page) to DescribeScalingActivities for ECS; AWS returns ScalingActivities (and NextToken)',
    reference: `${API}/API_DescribeScalingActivities.html`,
  },
  ...['application-autoscaling DeleteScalingPolicy missing', 'application-autoscaling DeregisterScalableTarget missing'].map((name) => ({
    case: name,
    path: 'error',
    reason: 'moto answers ValidationException for a policy or target that does not exist; AWS answers ObjectNotFoundException',
    reference: `${API}/${name.includes('Policy') ? 'API_DeleteScalingPolicy' : 'API_DeregisterScalableTarget'}.html`,
  })),
];

describe('fidelity: Application Auto Scaling against moto', () => {
  let h: Fidelity;
  before(async () => {
    h = await startFidelity();
  });
  after(() => h?.stop());

  test('scalable target, scaling policy and activity calls return the same keys, value types and error codes as moto, or a documented AWS difference', async () => {
    const report = await h.compare(cases, allow);
    assert.deepEqual(report.unexpected, []);
  });
});
