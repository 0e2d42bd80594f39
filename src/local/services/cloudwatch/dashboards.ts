/**
 * CloudWatch dashboards: PutDashboard, GetDashboard, ListDashboards,
 * DeleteDashboards. As on AWS, PutDashboard's `Tags` apply only when it
 * creates the dashboard (tags on an update are ignored; use TagResource with
 * the dashboard ARN), and DeleteDashboards drops the dashboard's tags.
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { own, paginate, partitionOf, setOwn } from '../../core/util.js';
import { list, need } from './common.js';
import { cloudWatchState } from './state.js';
import { readTags } from './tags.js';

const WIDGET_TYPES = ['metric', 'text', 'log', 'alarm', 'explorer', 'custom'];

function invalid(message: string, dataPath = '/'): AwsError {
  const error = new AwsError('InvalidParameterInput', `The field DashboardBody must be a valid JSON object: ${message}`);
  Object.assign(error, { DashboardValidationMessages: [{ DataPath: dataPath, Message: message }] });
  return error;
}

export const putDashboard: OperationHandler = (input, ctx) => {
  const name = String(need(input.DashboardName, 'DashboardName'));
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
    throw new AwsError('InvalidParameterInput', `The value ${name} for parameter DashboardName is invalid: use 1 to 255 letters, digits, hyphens and underscores.`);
  }
  const body = String(need(input.DashboardBody, 'DashboardBody'));
  const tags = readTags(input.Tags);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    throw invalid(`Invalid JSON (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid('Should be an object');
  const widgets = (parsed as { widgets?: unknown }).widgets;
  if (!Array.isArray(widgets)) throw invalid("Should have required property 'widgets'");
  const messages: { DataPath: string; Message: string }[] = [];
  widgets.forEach((w, i) => {
    if (w === null || typeof w !== 'object') throw invalid('Should be an object', `/widgets/${i}`);
    const type = (w as { type?: unknown }).type;
    if (typeof type !== 'string') throw invalid("Should have required property 'type'", `/widgets/${i}`);
    if (!WIDGET_TYPES.includes(type)) throw invalid(`Should be equal to one of the allowed values: ${WIDGET_TYPES.join(', ')}`, `/widgets/${i}/type`);
    const props = (w as { properties?: unknown }).properties;
    if (type !== 'text' && (props === null || typeof props !== 'object')) throw invalid("Should have required property 'properties'", `/widgets/${i}`);
    if (type === 'metric' && props && typeof props === 'object' && !('metrics' in props) && !('annotations' in props)) {
      messages.push({ DataPath: `/widgets/${i}/properties`, Message: "Should have required property 'metrics'" });
    }
  });
  const state = cloudWatchState(ctx.state);
  const arn = `arn:${partitionOf(ctx.region)}:cloudwatch::${ctx.accountId}:dashboard/${name}`;
  const created = own(state.dashboards, name) === undefined;
  setOwn(state.dashboards, name, { name, arn, body, lastModified: ctx.now().getTime() });
  if (created) {
    if (Object.keys(tags).length > 0) state.tags[arn] = tags;
    else delete state.tags[arn];
  }
  return { DashboardValidationMessages: messages };
};

export const getDashboard: OperationHandler = (input, ctx) => {
  const name = String(need(input.DashboardName, 'DashboardName'));
  const d = own(cloudWatchState(ctx.state).dashboards, name);
  if (!d) throw new AwsError('ResourceNotFound', `Dashboard ${name} does not exist`, 404);
  return { DashboardArn: d.arn, DashboardBody: d.body, DashboardName: d.name };
};

export const listDashboards: OperationHandler = (input, ctx) => {
  const prefix = input.DashboardNamePrefix === undefined ? '' : String(input.DashboardNamePrefix);
  const items = Object.values(cloudWatchState(ctx.state).dashboards)
    .filter((d) => d.name.startsWith(prefix))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const { page, nextToken } = paginate(items, input.NextToken, 1000, {
    pageSize: 1000,
    invalidToken: () => new AwsError('InvalidNextToken', 'The service returned an invalid next token.'),
  });
  return {
    DashboardEntries: page.map((d) => ({ DashboardName: d.name, DashboardArn: d.arn, LastModified: new Date(d.lastModified), Size: Buffer.byteLength(d.body) })),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
};

export const deleteDashboards: OperationHandler = (input, ctx) => {
  const names = list(need(input.DashboardNames, 'DashboardNames')).map(String);
  const state = cloudWatchState(ctx.state);
  const missing = names.filter((n) => !own(state.dashboards, n));
  if (missing.length > 0) {
    throw new AwsError('ResourceNotFound', `The specified dashboard does not exist. Dashboard${missing.length > 1 ? 's' : ''} not found: ${missing.join(', ')}`, 404);
  }
  for (const n of names) {
    const d = own(state.dashboards, n);
    if (d) delete state.tags[d.arn];
    delete state.dashboards[n];
  }
  return {};
};
