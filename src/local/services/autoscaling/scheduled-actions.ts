/**
 * Scheduled action operations: PutScheduledAction, DescribeScheduledActions,
 * DeleteScheduledAction. The runtime runs them (runtime/monitoring/scheduled.ts).
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { arn, paginate, uuid } from '../../core/util.js';
import { checkTimezone, parseSchedule } from './schedule.js';
import { requireScalableTarget, scheduledActions, type ScheduledActionRecord } from './state.js';
import { need, readNamespace, readTarget } from './validation.js';

function readTime(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : Date.parse(String(value));
  if (!Number.isFinite(ms)) throw new AwsError('ValidationException', `${field} must be a date and time, got: ${String(value)}`);
  return ms;
}

function capacity(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new AwsError('ValidationException', `ScalableTargetAction.${field} must be a non-negative integer, got: ${String(value)}`);
  return n;
}

const find = (actions: Record<string, ScheduledActionRecord>, target: { ServiceNamespace: string; ResourceId: string; ScalableDimension: string }, name: string) =>
  Object.values(actions).find(
    (a) => a.ScheduledActionName === name && a.ServiceNamespace === target.ServiceNamespace && a.ResourceId === target.ResourceId && a.ScalableDimension === target.ScalableDimension,
  );

export const putScheduledAction: OperationHandler = (input, ctx) => {
  const id = readTarget(input);
  const name = String(need(input.ScheduledActionName, 'scheduledActionName'));
  requireScalableTarget(ctx.state, id.ServiceNamespace, id.ResourceId, id.ScalableDimension);
  const actions = scheduledActions(ctx.state);
  const existing = find(actions, id, name);
  const scheduleText = input.Schedule ?? existing?.Schedule;
  if (scheduleText === undefined) throw new AwsError('ValidationException', 'Schedule is required when creating a scheduled action: at(…), rate(…) or cron(…).');
  parseSchedule(String(scheduleText));
  const timezone = input.Timezone !== undefined ? checkTimezone(String(input.Timezone)) : existing?.Timezone;
  const startTime = input.StartTime !== undefined ? readTime(input.StartTime, 'StartTime') : existing?.StartTime;
  const endTime = input.EndTime !== undefined ? readTime(input.EndTime, 'EndTime') : existing?.EndTime;
  if (startTime !== undefined && endTime !== undefined && startTime >= endTime) throw new AwsError('ValidationException', 'EndTime must be later than StartTime.');
  const action = (input.ScalableTargetAction ?? existing?.ScalableTargetAction) as { MinCapacity?: unknown; MaxCapacity?: unknown } | undefined;
  const min = capacity(action?.MinCapacity, 'MinCapacity');
  const max = capacity(action?.MaxCapacity, 'MaxCapacity');
  if (min === undefined && max === undefined) throw new AwsError('ValidationException', 'ScalableTargetAction needs MinCapacity, MaxCapacity or both.');
  if (min !== undefined && max !== undefined && min > max) throw new AwsError('ValidationException', `Minimum capacity cannot be greater than maximum capacity (MinCapacity ${min} > MaxCapacity ${max}).`);
  const now = ctx.now().getTime();
  const record: ScheduledActionRecord = {
    ScheduledActionName: name,
    ScheduledActionARN: existing?.ScheduledActionARN ?? arn(ctx, 'autoscaling', `scheduledAction:${uuid()}:resource/${id.ServiceNamespace}/${id.ResourceId}:scheduledActionName/${name}`),
    ...id,
    Schedule: String(scheduleText),
    ...(timezone !== undefined ? { Timezone: timezone } : {}),
    ...(startTime !== undefined ? { StartTime: startTime } : {}),
    ...(endTime !== undefined ? { EndTime: endTime } : {}),
    ScalableTargetAction: { ...(min !== undefined ? { MinCapacity: min } : {}), ...(max !== undefined ? { MaxCapacity: max } : {}) },
    CreationTime: existing?.CreationTime ?? now,
    // A changed schedule is checked from now on, never for times already past.
    checkedUntil: now,
  };
  actions[record.ScheduledActionARN] = record;
  return {};
};

export const describeScheduledActions: OperationHandler = (input, ctx) => {
  const ns = readNamespace(input.ServiceNamespace);
  const names = Array.isArray(input.ScheduledActionNames) ? (input.ScheduledActionNames as unknown[]).map(String) : undefined;
  const all = Object.values(scheduledActions(ctx.state))
    .filter((a) => a.ServiceNamespace === ns)
    .filter((a) => input.ResourceId === undefined || a.ResourceId === input.ResourceId)
    .filter((a) => input.ScalableDimension === undefined || a.ScalableDimension === input.ScalableDimension)
    .filter((a) => !names || names.includes(a.ScheduledActionName))
    .sort((a, b) => a.CreationTime - b.CreationTime);
  const { page, nextToken } = paginate(all, input.NextToken, input.MaxResults, {
    pageSize: 50,
    maxPageSize: 50,
    invalidToken: () => new AwsError('ValidationException', 'The NextToken is invalid.'),
  });
  return {
    ScheduledActions: page.map(({ checkedUntil: _checked, StartTime, EndTime, CreationTime, ...rest }) => ({
      ...rest,
      ...(StartTime !== undefined ? { StartTime: new Date(StartTime) } : {}),
      ...(EndTime !== undefined ? { EndTime: new Date(EndTime) } : {}),
      CreationTime: new Date(CreationTime),
    })),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
};

export const deleteScheduledAction: OperationHandler = (input, ctx) => {
  const id = readTarget(input);
  const name = String(need(input.ScheduledActionName, 'scheduledActionName'));
  const actions = scheduledActions(ctx.state);
  const existing = find(actions, id, name);
  if (!existing) {
    throw new AwsError('ObjectNotFoundException', `No scheduled action found for service namespace: ${id.ServiceNamespace}, resource ID: ${id.ResourceId}, scalable dimension: ${id.ScalableDimension}, scheduled action name: ${name}`);
  }
  delete actions[existing.ScheduledActionARN];
  return {};
};
