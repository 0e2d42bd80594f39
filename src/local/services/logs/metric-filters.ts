/**
 * CloudWatch Logs metric filters: PutMetricFilter, DescribeMetricFilters,
 * DeleteMetricFilter, TestMetricFilter — and the part that makes them real:
 * every log event ingested into a group (PutLogEvents, or a task's output
 * through the awslogs driver) is matched against the group's filters, and
 * each match publishes the filter's `metricValue` to CloudWatch, so an alarm
 * on `ERROR` lines of a service works as on AWS.
 *
 * Filter patterns are the text patterns of {@link compileFilterPattern}
 * (terms, quoted phrases, `-exclusions`, `?alternatives`); a `metricValue`
 * is a number, and `dimensions` (which name fields of JSON or space-delimited
 * patterns) are refused with that reason.
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { compileFilterPattern } from './filter-pattern.js';
import { page } from './groups.js';
import { getLogGroup, logsState, own, setOwn, type LogGroupRecord, type MetricFilterRecord, type MetricTransformationRecord } from './state.js';

/** AWS's quota of metric filters per log group. */
export const MAX_METRIC_FILTERS_PER_GROUP = 100;

const need = (value: unknown, field: string): unknown => {
  if (value === undefined || value === null) throw new AwsError('InvalidParameterException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  return value;
};

/** A `metricValue` the local cloud can publish: a finite number written as text. */
function readMetricValue(value: string, index: number): number {
  if (value.startsWith('$')) {
    throw new AwsError(
      'InvalidParameterException',
      `metricTransformations[${index}].metricValue ${value} names a field of a JSON or space-delimited filter pattern, which the ecskit local cloud does not support; use a number such as "1".`,
    );
  }
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new AwsError('InvalidParameterException', `metricTransformations[${index}].metricValue must be a number such as "1", got: ${JSON.stringify(value)}.`);
  }
  return n;
}

function readTransformations(input: unknown): MetricTransformationRecord[] {
  const list = need(input, 'metricTransformations');
  if (!Array.isArray(list) || list.length !== 1) {
    throw new AwsError('InvalidParameterException', `metricTransformations must hold exactly one transformation, got: ${Array.isArray(list) ? list.length : typeof list}.`);
  }
  return list.map((t: Record<string, unknown>, i) => {
    const metricValue = String(need(t.metricValue, `metricTransformations.${i + 1}.member.metricValue`));
    readMetricValue(metricValue, i);
    if (t.dimensions !== undefined && Object.keys(t.dimensions as object).length > 0) {
      throw new AwsError(
        'InvalidParameterException',
        `metricTransformations[${i}].dimensions name fields of JSON or space-delimited filter patterns, which the ecskit local cloud does not support; drop the dimensions.`,
      );
    }
    const defaultValue = t.defaultValue === undefined || t.defaultValue === null ? undefined : Number(t.defaultValue);
    if (defaultValue !== undefined && !Number.isFinite(defaultValue)) {
      throw new AwsError('InvalidParameterException', `metricTransformations[${i}].defaultValue must be a number, got: ${String(t.defaultValue)}.`);
    }
    return {
      metricName: String(need(t.metricName, `metricTransformations.${i + 1}.member.metricName`)),
      metricNamespace: String(need(t.metricNamespace, `metricTransformations.${i + 1}.member.metricNamespace`)),
      metricValue,
      ...(defaultValue !== undefined ? { defaultValue } : {}),
      ...(t.unit !== undefined ? { unit: String(t.unit) } : {}),
    };
  });
}

const filtersOf = (group: LogGroupRecord): Record<string, MetricFilterRecord> => (group.metricFilters ??= {});

export const putMetricFilter: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, String(need(input.logGroupName, 'logGroupName')));
  const filterName = String(need(input.filterName, 'filterName'));
  const filterPattern = String(need(input.filterPattern, 'filterPattern'));
  compileFilterPattern(filterPattern); // refuses what cannot be matched, before anything is stored
  const metricTransformations = readTransformations(input.metricTransformations);
  const filters = filtersOf(group);
  const existing = own(filters, filterName);
  if (!existing && Object.keys(filters).length >= MAX_METRIC_FILTERS_PER_GROUP) {
    throw new AwsError('LimitExceededException', `Log group ${group.name} already has ${MAX_METRIC_FILTERS_PER_GROUP} metric filters, the most a group can have; delete one first.`);
  }
  setOwn(filters, filterName, { filterName, filterPattern, metricTransformations, creationTime: existing?.creationTime ?? ctx.now().getTime() });
  return {};
};

export const deleteMetricFilter: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, String(need(input.logGroupName, 'logGroupName')));
  const filterName = String(need(input.filterName, 'filterName'));
  const filters = filtersOf(group);
  if (!own(filters, filterName)) throw new AwsError('ResourceNotFoundException', 'The specified resource does not exist.');
  delete filters[filterName];
  return {};
};

export const describeMetricFilters: OperationHandler = (input, ctx) => {
  if ((input.metricName === undefined) !== (input.metricNamespace === undefined)) {
    throw new AwsError('InvalidParameterException', 'metricName and metricNamespace must be given together.');
  }
  if (input.filterNamePrefix !== undefined && input.logGroupName === undefined) {
    throw new AwsError('InvalidParameterException', 'filterNamePrefix needs logGroupName.');
  }
  const groups = input.logGroupName !== undefined ? [getLogGroup(ctx.state, String(input.logGroupName))] : Object.values(logsState(ctx.state).groups);
  const prefix = input.filterNamePrefix === undefined ? '' : String(input.filterNamePrefix);
  const all = groups
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((group) =>
      Object.values(group.metricFilters ?? {})
        .filter((f) => f.filterName.startsWith(prefix))
        .filter((f) => input.metricName === undefined || f.metricTransformations.some((t) => t.metricName === input.metricName && t.metricNamespace === input.metricNamespace))
        .sort((a, b) => (a.filterName < b.filterName ? -1 : 1))
        .map((f) => ({ ...f, logGroupName: group.name, applyOnTransformedLogs: false })),
    );
  const { page: shown, nextToken } = page(all, input.nextToken, input.limit);
  return { metricFilters: shown, ...(nextToken ? { nextToken } : {}) };
};

export const testMetricFilter: OperationHandler = (input) => {
  const matches = compileFilterPattern(String(need(input.filterPattern, 'filterPattern')));
  const messages = need(input.logEventMessages, 'logEventMessages');
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > 50) {
    throw new AwsError('InvalidParameterException', `logEventMessages must hold 1 to 50 messages, got: ${Array.isArray(messages) ? messages.length : typeof messages}.`);
  }
  return {
    matches: messages
      .map((message, i) => ({ eventNumber: i + 1, eventMessage: String(message), extractedValues: {} }))
      .filter((m) => matches(m.eventMessage)),
  };
};
