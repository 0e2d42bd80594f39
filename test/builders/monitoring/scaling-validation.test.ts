import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  albResourceLabel,
  scalableTarget,
  stepScalingPolicy,
  targetTrackingPolicy,
} from '../../../src/builders/scaling/index.js';

const ALB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/flask-inventory-alb/50dc6c495c0c9188';
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-tg/73e2d6bc24d8a067';
const LABEL = 'app/flask-inventory-alb/50dc6c495c0c9188/targetgroup/gateway-tg/73e2d6bc24d8a067';

function throwsExactly(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'ValidationError');
    assert.equal(error.message, message);
    return true;
  });
}

test('a negative minimum capacity is refused at once', () => {
  throwsExactly(
    () => scalableTarget().minCapacity(-1),
    'scalableTarget: 1 problem\n  - MinCapacity: MinCapacity must be a whole number, 0 or more, got: -1',
  );
});

test('a minimum above the maximum is reported by build()', () => {
  throwsExactly(
    () => scalableTarget().service('c', 's').minCapacity(5).maxCapacity(2).build(),
    'scalableTarget "service/c/s": 1 problem\n  - MinCapacity: MinCapacity must not exceed MaxCapacity (2); lower it or raise maxCapacity, got: 5',
  );
});

test('a resource id that is not service/<cluster>/<service> is refused with the fix', () => {
  throwsExactly(
    () => scalableTarget().resourceId('flask-inventory-cluster/gateway-service'),
    'scalableTarget: 1 problem\n  - ResourceId: resource id must be service/<cluster-name>/<service-name> (letters, digits, "-" and "_"); use .service(cluster, service), got: "flask-inventory-cluster/gateway-service"',
  );
});

test('a target value of zero or less is refused at once', () => {
  throwsExactly(
    () => targetTrackingPolicy('p').targetValue(0),
    'targetTrackingPolicy "p": 1 problem\n  - TargetTrackingScalingPolicyConfiguration.TargetValue: TargetValue must be greater than 0 (e.g. 70 for 70% CPU), got: 0',
  );
});

test('negative cooldowns are refused at once', () => {
  throwsExactly(
    () => targetTrackingPolicy('p').scaleInCooldownSeconds(-5),
    'targetTrackingPolicy "p": 1 problem\n  - TargetTrackingScalingPolicyConfiguration.ScaleInCooldown: ScaleInCooldown must be a whole number of seconds, 0 or more, got: -5',
  );
  throwsExactly(
    () => targetTrackingPolicy('p').scaleOutCooldownSeconds(-1),
    'targetTrackingPolicy "p": 1 problem\n  - TargetTrackingScalingPolicyConfiguration.ScaleOutCooldown: ScaleOutCooldown must be a whole number of seconds, 0 or more, got: -1',
  );
  throwsExactly(
    () => stepScalingPolicy('s').cooldownSeconds(-1),
    'stepScalingPolicy "s": 1 problem\n  - StepScalingPolicyConfiguration.Cooldown: Cooldown must be a whole number of seconds, 0 or more, got: -1',
  );
});

test("the lab's cut -d: -f6 resource label is refused with the fix", () => {
  throwsExactly(
    () =>
      targetTrackingPolicy('p').predefinedMetric(
        'ALBRequestCountPerTarget',
        'loadbalancer/app/flask-inventory-alb/50dc6c495c0c9188/targetgroup/gateway-tg/73e2d6bc24d8a067',
      ),
    'targetTrackingPolicy "p": 1 problem\n  - TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel: ' +
      'resource label must be app/<load-balancer-name>/<id>/targetgroup/<target-group-name>/<id>; build it with albResourceLabel(loadBalancerArn, targetGroupArn) ' +
      '(drop the leading "loadbalancer/", as cut -d: -f6 leaves it), got: "loadbalancer/app/flask-inventory-alb/50dc6c495c0c9188/targetgroup/gateway-tg/73e2d6bc24d8a067"',
  );
});

test('ALBRequestCountPerTarget without a resource label is refused', () => {
  throwsExactly(
    // @ts-expect-error the label is required by the type as well
    () => targetTrackingPolicy('p').predefinedMetric('ALBRequestCountPerTarget'),
    'targetTrackingPolicy "p": 1 problem\n  - TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel: ' +
      'ALBRequestCountPerTarget needs a resource label: predefinedMetric("ALBRequestCountPerTarget", albResourceLabel(loadBalancerArn, targetGroupArn)), got: undefined',
  );
});

test('a CPU or memory metric with a resource label is refused', () => {
  throwsExactly(
    // @ts-expect-error only ALBRequestCountPerTarget takes a label
    () => targetTrackingPolicy('p').predefinedMetric('ECSServiceAverageCPUUtilization', LABEL),
    'targetTrackingPolicy "p": 1 problem\n  - TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel: ' +
      `only ALBRequestCountPerTarget takes a resource label; drop it for ECSServiceAverageCPUUtilization, got: "${LABEL}"`,
  );
});

test('overlapping step adjustments are reported by build()', () => {
  throwsExactly(
    () =>
      stepScalingPolicy('s')
        .service('c', 'svc')
        .adjustmentType('ChangeInCapacity')
        .step({ lowerBound: 0, upperBound: 20, adjustment: 1 })
        .step({ lowerBound: 10, adjustment: 2 })
        .build(),
    'stepScalingPolicy "s": 1 problem\n  - StepScalingPolicyConfiguration.StepAdjustments[1]: range [10, +infinity) overlaps StepAdjustments[0] [0, 20); ' +
      'step ranges must not overlap, start each step where the previous one ends, got: {"lowerBound":10,"adjustment":2}',
  );
});

test('a step with its upper bound below its lower bound is refused at once', () => {
  throwsExactly(
    () => stepScalingPolicy('s').step({ lowerBound: 10, upperBound: 5, adjustment: 1 }),
    'stepScalingPolicy "s": 1 problem\n  - StepScalingPolicyConfiguration.StepAdjustments[0]: upperBound must be greater than lowerBound, got: {"lowerBound":10,"upperBound":5,"adjustment":1}',
  );
});

test('build() reports every problem of a step policy at once', () => {
  const policy = stepScalingPolicy('s')
    .service('c', 'svc')
    .adjustmentType('ExactCapacity')
    .step({ upperBound: 0, adjustment: -1 })
    .step({ lowerBound: 5, adjustment: 3 })
    .minAdjustmentMagnitude(2);
  assert.throws(
    () => policy.build(),
    (error: unknown) => {
      const problems = (error as { problems: { path: string }[] }).problems;
      assert.deepEqual(
        problems.map((p) => p.path),
        [
          'StepScalingPolicyConfiguration.StepAdjustments[1]',
          'StepScalingPolicyConfiguration.StepAdjustments[0].ScalingAdjustment',
          'StepScalingPolicyConfiguration.MinAdjustmentMagnitude',
        ],
      );
      assert.match((error as Error).message, /^stepScalingPolicy "s": 3 problems\n/);
      return true;
    },
  );
});

test('a complete step policy builds with open-ended bounds left out', () => {
  const input = stepScalingPolicy('gateway-step-out')
    .service('flask-inventory-cluster', 'gateway-service')
    .adjustmentType('PercentChangeInCapacity')
    .step({ lowerBound: 0, upperBound: 20, adjustment: 50 })
    .step({ lowerBound: 20, adjustment: 100 })
    .cooldownSeconds(60)
    .metricAggregation('Maximum')
    .minAdjustmentMagnitude(1)
    .build();
  assert.deepEqual(input, {
    PolicyName: 'gateway-step-out',
    ServiceNamespace: 'ecs',
    ResourceId: 'service/flask-inventory-cluster/gateway-service',
    ScalableDimension: 'ecs:service:DesiredCount',
    PolicyType: 'StepScaling',
    StepScalingPolicyConfiguration: {
      AdjustmentType: 'PercentChangeInCapacity',
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 50 },
        { MetricIntervalLowerBound: 20, ScalingAdjustment: 100 },
      ],
      Cooldown: 60,
      MetricAggregationType: 'Maximum',
      MinAdjustmentMagnitude: 1,
    },
  });
});

test('albResourceLabel explains a load balancer ARN cut down by the lab', () => {
  throwsExactly(
    () => albResourceLabel('loadbalancer/app/flask-inventory-alb/50dc6c495c0c9188', TG),
    'albResourceLabel: 1 problem\n  - loadBalancerArn: pass the whole load balancer ARN (arn:aws:elasticloadbalancing:...), not a piece cut from it, got: "loadbalancer/app/flask-inventory-alb/50dc6c495c0c9188"',
  );
});

test('albResourceLabel notices swapped arguments', () => {
  throwsExactly(
    () => albResourceLabel(TG, ALB),
    `albResourceLabel: 1 problem\n  - loadBalancerArn: this is a target group ARN; pass the load balancer ARN here and the target group ARN as the second argument, got: "${TG}"`,
  );
});

test('albResourceLabel refuses a Network Load Balancer', () => {
  const nlb = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/my-nlb/50dc6c495c0c9188';
  throwsExactly(
    () => albResourceLabel(nlb, TG),
    `albResourceLabel: 1 problem\n  - loadBalancerArn: only Application Load Balancers (loadbalancer/app/...) have request-count metrics; this is a Network or Gateway Load Balancer ARN, got: "${nlb}"`,
  );
});

test('albResourceLabel explains a malformed target group ARN', () => {
  throwsExactly(
    () => albResourceLabel(ALB, 'targetgroup/gateway-tg/73e2d6bc24d8a067'),
    'albResourceLabel: 1 problem\n  - targetGroupArn: pass the whole target group ARN (arn:aws:elasticloadbalancing:...), not a piece cut from it, got: "targetgroup/gateway-tg/73e2d6bc24d8a067"',
  );
});

test('builders are immutable, so a partial builder works as a template', () => {
  const base = scalableTarget().service('c', 'gateway').minCapacity(1);
  const small = base.maxCapacity(2).build();
  const large = base.maxCapacity(10).build();
  assert.equal(small.MaxCapacity, 2);
  assert.equal(large.MaxCapacity, 10);
  assert.equal(small.MinCapacity, 1);
});

test('a CloudFormation intrinsic cannot reach an SDK call', () => {
  throwsExactly(
    () => scalableTarget().service({ Ref: 'ECSCluster' }, 'gateway').minCapacity(1).maxCapacity(2).build(),
    'scalableTarget: 1 problem\n  - ResourceId: a CloudFormation intrinsic only resolves inside a template; pass the real string for build(), or use toCloudFormation(), ' +
      'got: {"Fn::Join":["/",["service",{"Ref":"ECSCluster"},"gateway"]]}',
  );
});

test('suspended scaling and tags reach the SDK input', () => {
  const input = scalableTarget()
    .service('c', 's')
    .minCapacity(0)
    .maxCapacity(0)
    .suspend({ dynamicScalingIn: true })
    .tags({ stack: 'lab' })
    .build();
  assert.deepEqual(input.SuspendedState, { DynamicScalingInSuspended: true });
  assert.deepEqual(input.Tags, { stack: 'lab' });
});

test('build() is only callable once the required fields are set (type level)', () => {
  // @ts-expect-error maxCapacity is missing
  assert.throws(() => scalableTarget().service('c', 's').minCapacity(1).build(), /MaxCapacity: set \.maxCapacity\(tasks\)/);
  // @ts-expect-error no metric chosen
  assert.throws(() => targetTrackingPolicy('p').service('c', 's').targetValue(5).build(), /choose the metric/);
  // @ts-expect-error no steps
  assert.throws(() => stepScalingPolicy('s').service('c', 's').adjustmentType('ChangeInCapacity').build(), /add at least one/);
});
