import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchingStep, stepCapacity, targetTrackingCapacity } from '../../../../src/local/runtime/monitoring/scaling.js';

test('target tracking asks for enough tasks to bring the metric back to the target', () => {
  assert.equal(targetTrackingCapacity(2, 85.2, 80), 3);
  assert.equal(targetTrackingCapacity(2, 75, 50), 3); // exactly 3, not 3.0000000000000004 → 4
  assert.equal(targetTrackingCapacity(2, 180, 50), 8);
  assert.equal(targetTrackingCapacity(4, 10, 50), 1);
  assert.equal(targetTrackingCapacity(3, 0, 50), 0);
});

test('step scaling picks the interval that holds the breach, inclusive on the side of the threshold', () => {
  const steps = [
    { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 },
    { MetricIntervalLowerBound: 10, ScalingAdjustment: 3 },
  ];
  assert.equal(matchingStep(steps, 0)?.ScalingAdjustment, 1);
  assert.equal(matchingStep(steps, 9.9)?.ScalingAdjustment, 1);
  assert.equal(matchingStep(steps, 10)?.ScalingAdjustment, 3);
  assert.equal(matchingStep(steps, -1), undefined);
  const down = [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -1 }];
  assert.equal(matchingStep(down, -5)?.ScalingAdjustment, -1);
  assert.equal(matchingStep(down, 0)?.ScalingAdjustment, undefined);
});

test('step adjustments change, set or scale the capacity by a percentage as AWS rounds it', () => {
  assert.equal(stepCapacity(2, 'ChangeInCapacity', 2), 4);
  assert.equal(stepCapacity(5, 'ChangeInCapacity', -1), 4);
  assert.equal(stepCapacity(2, 'ExactCapacity', 6), 6);
  assert.equal(stepCapacity(10, 'PercentChangeInCapacity', 25), 12); // +2.5 rounds toward zero
  assert.equal(stepCapacity(10, 'PercentChangeInCapacity', -25), 8);
  assert.equal(stepCapacity(2, 'PercentChangeInCapacity', 10), 3); // +0.2 becomes +1
  assert.equal(stepCapacity(2, 'PercentChangeInCapacity', 50, 2), 4); // +1 raised to MinAdjustmentMagnitude 2
});
