/**
 * Names derived from Application Load Balancer ARNs: the Application Auto
 * Scaling `ResourceLabel` of `ALBRequestCountPerTarget`, and the CloudWatch
 * `LoadBalancer` / `TargetGroup` dimensions.
 *
 * The lab cuts them with `cut -d: -f6`, which yields `loadbalancer/app/NAME/ID`
 * and `targetgroup/NAME/ID`; CloudWatch wants `app/NAME/ID` and the label
 * must be `app/NAME/ID/targetgroup/NAME/ID` (see ERRATA 6.2 and 8.3).
 *
 * @module
 */
import type { CfnIntrinsic } from '../shared/cfn-value.js';
import { fail } from '../shared/validation.js';

const ALB_ARN =
  /^arn:aws(?:-[a-z]+)*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/(app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16})$/;
const TG_ARN =
  /^arn:aws(?:-[a-z]+)*:elasticloadbalancing:[a-z0-9-]+:\d{12}:(targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16})$/;

/** @internal The format rule for an `ALBRequestCountPerTarget` resource label. */
export const RESOURCE_LABEL_PATTERN =
  /^app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}\/targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;

/** @internal The fix shown for a malformed resource label. */
export const RESOURCE_LABEL_RULE =
  'resource label must be app/<load-balancer-name>/<id>/targetgroup/<target-group-name>/<id>; ' +
  'build it with albResourceLabel(loadBalancerArn, targetGroupArn)';

function loadBalancerHint(subject: string, path: string, arn: unknown): never {
  const text = typeof arn === 'string' ? arn : '';
  let hint =
    'expected an Application Load Balancer ARN like ' +
    'arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<16-hex-id> ' +
    '(LoadBalancers[0].LoadBalancerArn of describe-load-balancers)';
  if (text.includes(':loadbalancer/net/') || text.includes(':loadbalancer/gwy/')) {
    hint = 'only Application Load Balancers (loadbalancer/app/...) have request-count metrics; this is a Network or Gateway Load Balancer ARN';
  } else if (/^(loadbalancer\/)?app\//.test(text)) {
    hint = 'pass the whole load balancer ARN (arn:aws:elasticloadbalancing:...), not a piece cut from it';
  } else if (text.includes(':targetgroup/')) {
    hint = 'this is a target group ARN; pass the load balancer ARN here and the target group ARN as the second argument';
  }
  fail(subject, path, arn, hint);
}

function targetGroupHint(subject: string, path: string, arn: unknown): never {
  const text = typeof arn === 'string' ? arn : '';
  let hint =
    'expected a target group ARN like ' +
    'arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<16-hex-id> ' +
    '(TargetGroups[0].TargetGroupArn of describe-target-groups)';
  if (/^targetgroup\//.test(text)) {
    hint = 'pass the whole target group ARN (arn:aws:elasticloadbalancing:...), not a piece cut from it';
  } else if (text.includes(':loadbalancer/')) {
    hint = 'this is a load balancer ARN; pass the target group ARN here';
  }
  fail(subject, path, arn, hint);
}

/**
 * The CloudWatch `LoadBalancer` dimension of an Application Load Balancer:
 * the ARN's resource part after `loadbalancer/`.
 *
 * @throws {@link ValidationError} when `loadBalancerArn` is not an ALB ARN.
 * @example
 * ```ts
 * loadBalancerDimension('arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/flask-inventory-alb/50dc6c495c0c9188');
 * // 'app/flask-inventory-alb/50dc6c495c0c9188'
 * ```
 */
export function loadBalancerDimension(loadBalancerArn: string): string {
  const match = typeof loadBalancerArn === 'string' ? ALB_ARN.exec(loadBalancerArn) : null;
  if (!match?.[1]) loadBalancerHint('loadBalancerDimension', 'loadBalancerArn', loadBalancerArn);
  return match[1];
}

/**
 * The CloudWatch `TargetGroup` dimension of a target group: the ARN's
 * resource part, `targetgroup/NAME/ID`.
 *
 * @throws {@link ValidationError} when `targetGroupArn` is not a target group ARN.
 * @example
 * ```ts
 * targetGroupDimension('arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-tg/73e2d6bc24d8a067');
 * // 'targetgroup/gateway-tg/73e2d6bc24d8a067'
 * ```
 */
export function targetGroupDimension(targetGroupArn: string): string {
  const match = typeof targetGroupArn === 'string' ? TG_ARN.exec(targetGroupArn) : null;
  if (!match?.[1]) targetGroupHint('targetGroupDimension', 'targetGroupArn', targetGroupArn);
  return match[1];
}

/**
 * The `ResourceLabel` of an `ALBRequestCountPerTarget` target-tracking
 * policy, `app/NAME/ID/targetgroup/NAME/ID`, from the two ARNs.
 *
 * @throws {@link ValidationError} naming the bad argument and the fix.
 * @example
 * ```ts
 * albResourceLabel(
 *   'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/flask-inventory-alb/50dc6c495c0c9188',
 *   'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-tg/73e2d6bc24d8a067',
 * );
 * // 'app/flask-inventory-alb/50dc6c495c0c9188/targetgroup/gateway-tg/73e2d6bc24d8a067'
 * ```
 */
export function albResourceLabel(loadBalancerArn: string, targetGroupArn: string): string {
  const lb = typeof loadBalancerArn === 'string' ? ALB_ARN.exec(loadBalancerArn) : null;
  if (!lb?.[1]) loadBalancerHint('albResourceLabel', 'loadBalancerArn', loadBalancerArn);
  const tg = typeof targetGroupArn === 'string' ? TG_ARN.exec(targetGroupArn) : null;
  if (!tg?.[1]) targetGroupHint('albResourceLabel', 'targetGroupArn', targetGroupArn);
  return `${lb[1]}/${tg[1]}`;
}

/**
 * The same resource label inside a CloudFormation template, from the logical
 * ids of the load balancer and target group resources (their
 * `LoadBalancerFullName` and `TargetGroupFullName` attributes).
 *
 * @example
 * ```ts
 * cfnAlbResourceLabel('ALB', 'GatewayTargetGroup');
 * // { 'Fn::Join': ['/', [{ 'Fn::GetAtt': ['ALB', 'LoadBalancerFullName'] },
 * //                      { 'Fn::GetAtt': ['GatewayTargetGroup', 'TargetGroupFullName'] }]] }
 * ```
 */
export function cfnAlbResourceLabel(loadBalancerLogicalId: string, targetGroupLogicalId: string): CfnIntrinsic {
  return {
    'Fn::Join': [
      '/',
      [
        { 'Fn::GetAtt': [loadBalancerLogicalId, 'LoadBalancerFullName'] },
        { 'Fn::GetAtt': [targetGroupLogicalId, 'TargetGroupFullName'] },
      ],
    ],
  };
}

/** @internal Why a resource label string is wrong, or undefined when it is fine. */
export function resourceLabelProblem(label: string): string | undefined {
  if (RESOURCE_LABEL_PATTERN.test(label)) return undefined;
  if (/^loadbalancer\/app\//.test(label)) {
    return `${RESOURCE_LABEL_RULE} (drop the leading "loadbalancer/", as cut -d: -f6 leaves it)`;
  }
  return RESOURCE_LABEL_RULE;
}
