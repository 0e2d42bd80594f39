/**
 * Auto Scaling and CloudWatch: `registerScalableTarget`, `putScalingPolicy`,
 * `putAlarm`, `putDashboard`. All four are upserts on AWS's side, so calling
 * them twice changes nothing.
 *
 * Dashboards cannot carry tags, so a stack owns the dashboards **named after
 * it**: `putDashboard` accepts only names equal to the stack name or starting
 * with `<stack>-`, and `destroy()` removes exactly those.
 *
 * @module
 */
import {
  DescribeScalableTargetsCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  TagResourceCommand as TagScalingResourceCommand,
  type PutScalingPolicyCommandInput,
  type PutScalingPolicyCommandOutput,
  type RegisterScalableTargetCommandInput,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeAlarmsCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
  TagResourceCommand,
  type PutDashboardCommandInput,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { built, call, keyValueTags, stackTags, tagRecord, type Buildable, type OperationContext } from './context.js';
import { OperationError } from './errors.js';

/** What {@link registerScalableTarget} returns. */
export interface ScalableTargetResult {
  /** The scalable target's ARN (what its tags hang on). */
  readonly scalableTargetArn: string;
}

/**
 * Registers (or updates) a scalable target, tagged with the stack.
 *
 * @example
 * ```ts
 * await registerScalableTarget(ctx, scalableTarget('flask-inventory-cluster', 'invsys-service').capacity(2, 10));
 * // { scalableTargetArn: 'arn:aws:application-autoscaling:…:scalable-target/…' }
 * ```
 */
export async function registerScalableTarget(
  ctx: OperationContext,
  definition: Buildable<RegisterScalableTargetCommandInput>,
): Promise<ScalableTargetResult> {
  const input = built(definition);
  const resource = input.ResourceId ?? '';
  const tags = { ...input.Tags, ...stackTags(ctx) };
  const out = await call(ctx, 'application-autoscaling:RegisterScalableTarget', resource, () =>
    ctx.clients.autoScaling.send(new RegisterScalableTargetCommand({ ...input, Tags: tags })),
  );
  let arn = out.ScalableTargetARN;
  if (!arn) {
    const found = await call(ctx, 'application-autoscaling:DescribeScalableTargets', resource, () =>
      ctx.clients.autoScaling.send(
        new DescribeScalableTargetsCommand({
          ServiceNamespace: input.ServiceNamespace,
          ResourceIds: [resource],
          ScalableDimension: input.ScalableDimension,
        }),
      ),
    );
    arn = found.ScalableTargets?.[0]?.ScalableTargetARN;
  }
  // AWS ignores Tags when the target already existed: make sure the stack tag is on.
  if (arn) {
    await call(ctx, 'application-autoscaling:TagResource', resource, () =>
      ctx.clients.autoScaling.send(new TagScalingResourceCommand({ ResourceARN: arn, Tags: tags })),
    );
  }
  ctx.log?.(`registered scalable target ${resource} (${input.MinCapacity ?? '?'}–${input.MaxCapacity ?? '?'})`);
  return { scalableTargetArn: arn ?? '' };
}

/**
 * Puts (creates or replaces) a target-tracking or step scaling policy. Policies
 * have no tags: `destroy()` finds them through their stack-tagged scalable target.
 *
 * @example
 * ```ts
 * const { PolicyARN, Alarms } = await putScalingPolicy(ctx,
 *   targetTrackingPolicy('invsys-cpu', { cluster: 'flask-inventory-cluster', service: 'invsys-service' })
 *     .predefinedMetric('ECSServiceAverageCPUUtilization').targetValue(70));
 * ```
 */
export async function putScalingPolicy(
  ctx: OperationContext,
  definition: Buildable<PutScalingPolicyCommandInput>,
): Promise<PutScalingPolicyCommandOutput> {
  const input = built(definition);
  const out = await call(ctx, 'application-autoscaling:PutScalingPolicy', input.PolicyName ?? '', () =>
    ctx.clients.autoScaling.send(new PutScalingPolicyCommand(input)),
  );
  ctx.log?.(`put scaling policy ${input.PolicyName} on ${input.ResourceId}`);
  return out;
}

/**
 * Puts (creates or replaces) a metric alarm and makes sure it carries the
 * stack tag (AWS ignores `Tags` when updating an existing alarm).
 *
 * @example
 * ```ts
 * const { alarmArn } = await putAlarm(ctx, metricAlarm('invsys-high-cpu').metric(ecsServiceMetric(…)).threshold(80));
 * ```
 */
export async function putAlarm(ctx: OperationContext, definition: Buildable<PutMetricAlarmCommandInput>): Promise<{
  /** The alarm's ARN. */
  readonly alarmArn: string;
}> {
  const input = built(definition);
  const name = input.AlarmName ?? '';
  const tags = { ...tagRecord(input.Tags), ...stackTags(ctx) };
  const cw = ctx.clients.cloudWatch;
  await call(ctx, 'cloudwatch:PutMetricAlarm', name, () => cw.send(new PutMetricAlarmCommand({ ...input, Tags: keyValueTags(tags) })));
  const described = await call(ctx, 'cloudwatch:DescribeAlarms', name, () =>
    cw.send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm'] })),
  );
  const alarmArn = described.MetricAlarms?.[0]?.AlarmArn ?? '';
  if (alarmArn) {
    await call(ctx, 'cloudwatch:TagResource', name, () => cw.send(new TagResourceCommand({ ResourceARN: alarmArn, Tags: keyValueTags(tags) })));
  }
  ctx.log?.(`put alarm ${name}`);
  return { alarmArn };
}

/**
 * True when the dashboard `name` belongs to `stack` by the naming convention
 * (`<stack>` or `<stack>-…`).
 *
 * @example
 * ```ts
 * ownsDashboard('flask-inventory-lab', 'flask-inventory-lab-monitoring'); // true
 * ownsDashboard('flask-inventory-lab', 'FlaskInventoryMonitoring');       // false
 * ```
 */
export function ownsDashboard(stack: string, name: string): boolean {
  return name === stack || name.startsWith(`${stack}-`);
}

/**
 * Puts (creates or replaces) a dashboard. Dashboards have no tags, so the
 * name must follow the stack's naming convention (see {@link ownsDashboard})
 * for `destroy()` to find it.
 *
 * @throws {@link OperationError} when the name does not start with `<stack>-`.
 * @example
 * ```ts
 * await putDashboard(ctx, dashboard('flask-inventory-lab-monitoring').widget(…));
 * ```
 */
export async function putDashboard(ctx: OperationContext, definition: Buildable<PutDashboardCommandInput>): Promise<{
  /** The dashboard's name. */
  readonly dashboardName: string;
}> {
  const input = built(definition);
  const name = input.DashboardName ?? '';
  if (!ownsDashboard(ctx.stack, name)) {
    throw new OperationError(
      'cloudwatch:PutDashboard',
      name,
      `DashboardName: dashboards have no tags, so a stack owns the dashboards named after it; name it "${ctx.stack}-${name || 'dashboard'}" (or "${ctx.stack}")`,
    );
  }
  await call(ctx, 'cloudwatch:PutDashboard', name, () => ctx.clients.cloudWatch.send(new PutDashboardCommand(input)));
  ctx.log?.(`put dashboard ${name}`);
  return { dashboardName: name };
}
