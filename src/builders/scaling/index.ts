/**
 * Application Auto Scaling builders: scalable targets, target-tracking and
 * step scaling policies, and ALB resource labels and metric dimensions.
 *
 * @module
 */
export { scalableTarget, ScalableTargetBuilder } from './scalable-target-builder.js';
export type {
  ScalableTargetCfnProperties,
  ScalableTargetRef,
  ScalableTargetRequired,
  SuspendedScaling,
} from './scalable-target-builder.js';
export {
  stepScalingPolicy,
  StepScalingPolicyBuilder,
  targetTrackingPolicy,
  TargetTrackingPolicyBuilder,
} from './scaling-policy-builder.js';
export type {
  AdjustmentType,
  EcsPredefinedMetric,
  MetricAggregation,
  PolicyCfnOptions,
  PolicyTarget,
  ResourceLabelArgs,
  ScalingPolicyCfnProperties,
  ScalingStep,
  StepScalingRequired,
  TargetTrackingRequired,
} from './scaling-policy-builder.js';
export {
  albResourceLabel,
  cfnAlbResourceLabel,
  loadBalancerDimension,
  targetGroupDimension,
} from './resource-label.js';
