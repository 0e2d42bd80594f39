/**
 * Targets: RegisterTargets, DeregisterTargets, DescribeTargetHealth.
 *
 * @internal
 */
import { isIP } from 'node:net';
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { list, need, validation } from './input.js';
import { requireTargetGroup } from './target-groups.js';
import { deregisterTargets, pruneDrainedTargets, registerTargets, TARGET_HEALTH_DESCRIPTIONS, type StoredTargetGroup, type TargetRef } from './state.js';

/** Targets of a request, validated against the group's target type. */
function targetsOf(value: unknown, tg: StoredTargetGroup): TargetRef[] {
  const targets = list<{ Id?: string; Port?: string | number; AvailabilityZone?: string }>(value);
  if (targets.length === 0) throw validation('Targets must contain at least one target');
  return targets.map((t, i) => {
    const id = need(t.Id, `Targets.member.${i + 1}.Id`);
    if (tg.TargetType === 'ip' && !isIP(id)) throw validation(`The IP address '${id}' is not a valid IPv4 address (Targets.member.${i + 1}.Id of an ip target group must be an IP address)`);
    if (tg.TargetType === 'instance' && !/^i-[0-9a-zA-Z]+$/.test(id)) throw new AwsError('InvalidTarget', `The following targets are not valid instances: '${id}' (an instance target group takes instance ids such as i-0123456789abcdef0)`);
    if (tg.TargetType === 'lambda' && !id.startsWith('arn:')) throw new AwsError('InvalidTarget', `Target '${id}' is not a Lambda function ARN`);
    if (tg.TargetType === 'alb' && !id.includes(':loadbalancer/app/')) throw new AwsError('InvalidTarget', `Target '${id}' is not an Application Load Balancer ARN`);
    let port: number | undefined;
    if (t.Port !== undefined && t.Port !== '') {
      port = Number(t.Port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw validation(`Targets.member.${i + 1}.Port must be between 1 and 65535, got: ${String(t.Port)}`);
    }
    return { Id: id, ...(port !== undefined ? { Port: port } : {}), ...(t.AvailabilityZone ? { AvailabilityZone: t.AvailabilityZone } : {}) };
  });
}

/** Announces on the cloud's event bus the targets `tg` gained or is losing. */
function emitTargets(ctx: RequestContext, type: 'elbv2:targets-registered' | 'elbv2:targets-deregistered', tg: StoredTargetGroup, targets: readonly TargetRef[]): void {
  ctx.events.emit(type, {
    accountId: ctx.accountId,
    region: ctx.region,
    type,
    targetGroupArn: tg.TargetGroupArn,
    targets: targets.map((t) => ({ Id: t.Id, Port: t.Port ?? tg.Port })),
  });
}

/** RegisterTargets: `ip` targets must be IP addresses; the port defaults to the group's. */
export const registerTargetsHandler: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const tg = requireTargetGroup(ctx, need(input['TargetGroupArn'] as string | undefined, 'TargetGroupArn'));
  const targets = targetsOf(input['Targets'], tg);
  if (tg.TargetType === 'lambda' && (targets.length > 1 || tg.Targets.length > 0)) throw new AwsError('TooManyTargets', 'A lambda target group can have only one target');
  registerTargets(ctx.state, tg.TargetGroupArn, targets, ctx.now().getTime());
  emitTargets(ctx, 'elbv2:targets-registered', tg, targets);
  return {};
};

/** DeregisterTargets: registered targets start draining for the deregistration delay. */
export const deregisterTargetsHandler: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const tg = requireTargetGroup(ctx, need(input['TargetGroupArn'] as string | undefined, 'TargetGroupArn'));
  const targets = targetsOf(input['Targets'], tg);
  pruneDrainedTargets(tg, ctx.now().getTime());
  for (const t of targets) {
    if (!tg.Targets.some((r) => r.Id === t.Id && r.Port === (t.Port ?? tg.Port ?? 0))) {
      throw new AwsError('InvalidTarget', `The target '${t.Id}'${t.Port ?? tg.Port ? ` on port ${t.Port ?? tg.Port}` : ''} is not registered with target group '${tg.TargetGroupArn}'`);
    }
  }
  deregisterTargets(ctx.state, tg.TargetGroupArn, targets, ctx.now().getTime(), ctx.timeScale);
  emitTargets(ctx, 'elbv2:targets-deregistered', tg, targets);
  return {};
};

/** DescribeTargetHealth: every registered target, or the named ones (`unused` / `Target.NotRegistered` for strangers). */
export const describeTargetHealth: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const tg = requireTargetGroup(ctx, need(input['TargetGroupArn'] as string | undefined, 'TargetGroupArn'));
  pruneDrainedTargets(tg, ctx.now().getTime());
  const healthCheckPort = (port: number) => (tg.HealthCheckPort && tg.HealthCheckPort !== 'traffic-port' ? tg.HealthCheckPort : String(port));
  const requested = list(input['Targets']).length ? targetsOf(input['Targets'], tg) : undefined;
  const rows = requested
    ? requested.map((ref) => {
        const port = ref.Port ?? tg.Port ?? 0;
        const target = tg.Targets.find((t) => t.Id === ref.Id && (ref.Port === undefined || t.Port === ref.Port));
        if (target) return target;
        return { Id: ref.Id, Port: port, State: 'unused', Reason: 'Target.NotRegistered', Description: TARGET_HEALTH_DESCRIPTIONS['Target.NotRegistered'] } as const;
      })
    : tg.Targets;
  return {
    TargetHealthDescriptions: rows.map((t) => ({
      Target: { Id: t.Id, ...(tg.TargetType !== 'lambda' ? { Port: t.Port } : {}), ...('AvailabilityZone' in t && t.AvailabilityZone ? { AvailabilityZone: t.AvailabilityZone } : {}) },
      ...(tg.TargetType !== 'lambda' ? { HealthCheckPort: healthCheckPort(t.Port) } : {}),
      TargetHealth: { State: t.State, ...(t.Reason ? { Reason: t.Reason } : {}), ...(t.Description ? { Description: t.Description } : {}) },
    })),
  };
};
