/**
 * ECS account settings: ListAccountSettings, PutAccountSetting,
 * PutAccountSettingDefault, DeleteAccountSetting.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn, own, paginate } from '../../core/util.js';
import { clean, stateOf } from './state.js';

/**
 * Account settings with their AWS defaults: exactly the model's
 * `SettingName` enum (a test holds them together), so ListAccountSettings
 * never answers a name the SDKs do not know.
 */
export const ACCOUNT_SETTING_DEFAULTS: Readonly<Record<string, string>> = {
  serviceLongArnFormat: 'enabled',
  taskLongArnFormat: 'enabled',
  containerInstanceLongArnFormat: 'enabled',
  awsvpcTrunking: 'disabled',
  containerInsights: 'disabled',
  fargateFIPSMode: 'disabled',
  tagResourceAuthorization: 'on',
  fargateTaskRetirementWaitPeriod: '7',
  guardDutyActivate: 'off',
  defaultLogDriverMode: 'blocking',
  // Opt-in: Fargate task retirement follows the account's EC2 event windows only once enabled.
  fargateEventWindows: 'disabled',
};

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !(name in ACCOUNT_SETTING_DEFAULTS)) {
    throw new AwsError('InvalidParameterException', `unknown should be one of [${Object.keys(ACCOUNT_SETTING_DEFAULTS).join(',')}]`);
  }
  return name;
}

function setting(ctx: RequestContext, name: string) {
  const value = own(stateOf(ctx).accountSettings, name);
  return {
    name,
    value: value ?? ACCOUNT_SETTING_DEFAULTS[name],
    principalArn: arn(ctx, 'iam', 'root', ''),
    type: value === undefined ? 'aws_managed' : 'user',
  };
}

/** ECS PutAccountSetting. */
export const PutAccountSetting: OperationHandler = (input, ctx) => {
  const name = checkName(input.name);
  if (typeof input.value !== 'string' || input.value === '') throw new AwsError('InvalidParameterException', 'value must not be null or empty.');
  stateOf(ctx).accountSettings[name] = input.value;
  return { setting: setting(ctx, name) };
};

/** ECS PutAccountSettingDefault (the local cloud has one principal, so it is PutAccountSetting). */
export const PutAccountSettingDefault: OperationHandler = (input, ctx) => PutAccountSetting(input, ctx);

/** ECS DeleteAccountSetting. */
export const DeleteAccountSetting: OperationHandler = (input, ctx) => {
  const name = checkName(input.name);
  delete stateOf(ctx).accountSettings[name];
  return { setting: setting(ctx, name) };
};

/** ECS ListAccountSettings (name/value filters, effectiveSettings). */
export const ListAccountSettings: OperationHandler = (input, ctx) => {
  const names = input.name ? [checkName(input.name)] : Object.keys(ACCOUNT_SETTING_DEFAULTS);
  const all = names.map((n) => setting(ctx, n)).filter((x) => input.value === undefined || x.value === input.value);
  const list = input.effectiveSettings ? all : all.filter((x) => x.type === 'user');
  const { page, nextToken } = paginate(list, input.nextToken, input.maxResults, { pageSize: 10, maxPageSize: 10 });
  return clean({ settings: page, nextToken });
};
