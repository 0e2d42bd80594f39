/**
 * Auto Scaling and CloudWatch: `registerScalableTarget`, `putScalingPolicy`,
 * `putAlarm`, `putDashboard`. All four are upserts on AWS's side, so calling
 * them twice changes nothing.
 *
 * Like every other resource, alarms and dashboards are tagged
 * `ecskit:stack=<stack>` when an operation creates them, and `destroy()` finds
 * them by that tag, whatever their name (the lab's `FlaskInventoryMonitoring`).
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
  GetDashboardCommand,
  ListTagsForResourceCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
  TagResourceCommand,
  type PutDashboardCommandInput,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { built, call, definitionTags, emit, keyValueTags, notOwnedDetail, ownedBy, stackTags, tagRecord, type Buildable, type OperationContext } from './context.js';
import { hasErrorCode } from './errors.js';

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
  emit(ctx, { action: 'created', kind: 'scalable-target', name: resource, detail: `${input.MinCapacity ?? '?'}–${input.MaxCapacity ?? '?'}` });
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
  emit(ctx, { action: 'put', kind: 'scaling-policy', name: String(input.PolicyName), target: String(input.ResourceId) });
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
  const tags = definitionTags(ctx, input.Tags);
  const cw = ctx.clients.cloudWatch;
  await call(ctx, 'cloudwatch:PutMetricAlarm', name, () => cw.send(new PutMetricAlarmCommand({ ...input, Tags: keyValueTags(tags) })));
  const described = await call(ctx, 'cloudwatch:DescribeAlarms', name, () =>
    cw.send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm'] })),
  );
  const alarmArn = described.MetricAlarms?.[0]?.AlarmArn ?? '';
  if (alarmArn) {
    await call(ctx, 'cloudwatch:TagResource', name, () => cw.send(new TagResourceCommand({ ResourceARN: alarmArn, Tags: keyValueTags(tags) })));
  }
  emit(ctx, { action: 'put', kind: 'alarm', name });
  return { alarmArn };
}

/** What {@link putDashboard} returns. */
export interface PutDashboardResult {
  /** The dashboard's name. */
  readonly dashboardName: string;
  /** The dashboard's ARN (`arn:aws:cloudwatch::<account>:dashboard/<name>`), what its tags hang on. */
  readonly dashboardArn: string;
  /** `true` when this call created the dashboard (and so tagged it with the stack). */
  readonly created: boolean;
  /**
   * `true` when the dashboard carries the stack tag, so `destroy()` removes it;
   * `false` for an existing dashboard that is untagged or another stack's: it is
   * updated, but left as it is tagged.
   */
  readonly owned: boolean;
}

/**
 * Puts (creates or replaces) a dashboard of any valid name. A dashboard it
 * creates is tagged with the stack tag and the context's tags (PutDashboard
 * applies `Tags` only on creation). An existing dashboard of the stack gets
 * any of those tags it lacks; an existing dashboard without the stack tag
 * (made by hand, or by another stack) is updated but not tagged — ecskit
 * cannot know it was ever this stack's — and the log says that `destroy()`
 * will leave it.
 *
 * @example
 * ```ts
 * await putDashboard(ctx, dashboard('FlaskInventoryMonitoring').widget(…));
 * // { dashboardName: 'FlaskInventoryMonitoring', dashboardArn: 'arn:aws:cloudwatch::123456789012:dashboard/FlaskInventoryMonitoring', created: true, owned: true }
 * ```
 */
export async function putDashboard(ctx: OperationContext, definition: Buildable<PutDashboardCommandInput>): Promise<PutDashboardResult> {
  const input = built(definition);
  const name = input.DashboardName ?? '';
  const cw = ctx.clients.cloudWatch;
  const tags = definitionTags(ctx, input.Tags);
  const find = async (): Promise<string | undefined> => {
    try {
      const out = await call(ctx, 'cloudwatch:GetDashboard', name, () => cw.send(new GetDashboardCommand({ DashboardName: name })));
      return out.DashboardArn ?? '';
    } catch (error) {
      if (hasErrorCode(error, 'ResourceNotFound', 'DashboardNotFoundError')) return undefined;
      throw error;
    }
  };
  const existingArn = await find();
  if (existingArn === undefined) {
    await call(ctx, 'cloudwatch:PutDashboard', name, () => cw.send(new PutDashboardCommand({ ...input, Tags: keyValueTags(tags) })));
    emit(ctx, { action: 'created', kind: 'dashboard', name });
    return { dashboardName: name, dashboardArn: (await find()) ?? '', created: true, owned: true };
  }
  const { Tags: _ignoredOnUpdate, ...update } = input;
  await call(ctx, 'cloudwatch:PutDashboard', name, () => cw.send(new PutDashboardCommand(update)));
  const have = existingArn
    ? tagRecord((await call(ctx, 'cloudwatch:ListTagsForResource', name, () => cw.send(new ListTagsForResourceCommand({ ResourceARN: existingArn })))).Tags)
    : {};
  const owned = ownedBy(have, ctx.stack);
  if (owned) {
    const missing = Object.fromEntries(Object.entries(tags).filter(([k, v]) => have[k] !== v));
    if (Object.keys(missing).length > 0) {
      await call(ctx, 'cloudwatch:TagResource', name, () => cw.send(new TagResourceCommand({ ResourceARN: existingArn, Tags: keyValueTags(missing) })));
    }
    emit(ctx, { action: 'updated', kind: 'dashboard', name });
  } else {
    emit(ctx, { action: 'updated', kind: 'dashboard', name, owned: false, detail: notOwnedDetail(ctx) });
  }
  return { dashboardName: name, dashboardArn: existingArn, created: false, owned };
}
