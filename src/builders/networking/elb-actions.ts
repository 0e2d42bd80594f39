/**
 * Listener and listener-rule actions shared by both builders: forward (to one
 * or more weighted target groups) and fixed-response, their options and their
 * CloudFormation form.
 *
 * @module
 */
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CfnValue } from '../shared/cfn-value.js';
import { assertCfnValue, literalProblem, patterns } from './networking-rules.js';
import { checkInt, intRule, assertOneOf, compact, fail } from '../shared/validation.js';
import type { Problem } from '../validation-error.js';

/** @internal Content types a fixed response may declare. */
export const fixedResponseContentTypes = [
  'text/plain',
  'text/css',
  'text/html',
  'application/javascript',
  'application/json',
] as const;

/** One target group of a forward action, with an optional weight 0-999 (share of traffic). */
export interface ForwardTarget {
  /** Target group ARN, or an intrinsic such as `{ Ref: 'GatewayTargetGroup' }`. */
  readonly targetGroupArn: CfnValue;
  /** Relative weight 0-999. */
  readonly weight?: number;
}

/** Options of a forward action. */
export interface ForwardOptions {
  /** Keep a client on the same target group for 1-604800 seconds. */
  readonly stickinessSeconds?: number;
}

/** Options of a fixed-response action. */
export interface FixedResponseOptions {
  /** `text/plain`, `text/css`, `text/html`, `application/javascript` or `application/json`. */
  readonly contentType?: (typeof fixedResponseContentTypes)[number];
  /** Body, at most 1024 characters. */
  readonly messageBody?: string;
}

/**
 * A listener or rule action in CloudFormation form (the same names as the API):
 * `forward` with `TargetGroupArn` or `ForwardConfig`, or `fixed-response`.
 */
export interface CfnAction {
  /** `forward` or `fixed-response`. */
  Type: 'forward' | 'fixed-response';
  /** The one target group of a simple forward. */
  TargetGroupArn?: CfnValue;
  /** Weighted target groups and stickiness of a forward. */
  ForwardConfig?: CfnForwardConfig;
  /** Status, content type and body of a fixed response. */
  FixedResponseConfig?: CfnFixedResponseConfig;
}

/** `ForwardConfig` of a {@link CfnAction}. */
export interface CfnForwardConfig {
  /** 1-5 target groups with weights. */
  TargetGroups: CfnWeightedTargetGroup[];
  /** Stickiness across the target groups. */
  TargetGroupStickinessConfig?: CfnTargetGroupStickiness;
}

/** One entry of {@link CfnForwardConfig.TargetGroups}. */
export interface CfnWeightedTargetGroup {
  /** Target group ARN or intrinsic. */
  TargetGroupArn: CfnValue;
  /** Weight 0-999. */
  Weight?: number;
}

/** {@link CfnForwardConfig.TargetGroupStickinessConfig}. */
export interface CfnTargetGroupStickiness {
  /** Always `true` when present. */
  Enabled: boolean;
  /** 1-604800 seconds. */
  DurationSeconds: number;
}

/** `FixedResponseConfig` of a {@link CfnAction}. */
export interface CfnFixedResponseConfig {
  /** `2XX`, `4XX` or `5XX`. */
  StatusCode: string;
  /** Content type of the body. */
  ContentType?: string;
  /** Body text, at most 1024 characters. */
  MessageBody?: string;
}

/** @internal An action as builders store it. */
export type ActionSpec =
  | { readonly type: 'forward'; readonly targets: readonly ForwardTarget[]; readonly stickinessSeconds?: number }
  | {
      readonly type: 'fixed-response';
      readonly statusCode: string;
      readonly contentType?: (typeof fixedResponseContentTypes)[number];
      readonly messageBody?: string;
    };

const arnRule = 'target group ARN must look like "arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID"';

function isTargetList(targets: CfnValue | readonly ForwardTarget[]): targets is readonly ForwardTarget[] {
  return Array.isArray(targets);
}

/** @internal Immediate checks of a forward action; `path` is e.g. `Actions[0]`. */
export function forwardSpec(
  subject: string,
  path: string,
  targets: CfnValue | readonly ForwardTarget[],
  stickinessSeconds: number | undefined,
): ActionSpec {
  const list = isTargetList(targets) ? targets : [{ targetGroupArn: targets }];
  if (list.length < 1 || list.length > 5) {
    fail(subject, `${path}.ForwardConfig.TargetGroups`, list.length, 'forward to 1-5 target groups');
  }
  const seen = new Set<string>();
  list.forEach((target, i) => {
    const at = `${path}.ForwardConfig.TargetGroups[${i}]`;
    assertCfnValue(subject, `${at}.TargetGroupArn`, target.targetGroupArn, patterns.targetGroupArn, arnRule);
    if (target.weight !== undefined) checkInt(subject, `${at}.Weight`, target.weight, intRule('weight', 0, 999));
    const key = JSON.stringify(target.targetGroupArn);
    if (seen.has(key)) {
      fail(subject, `${at}.TargetGroupArn`, target.targetGroupArn, 'each target group may appear once in a forward action');
    }
    seen.add(key);
  });
  if (stickinessSeconds !== undefined) {
    checkInt(subject, `${path}.ForwardConfig.TargetGroupStickinessConfig.DurationSeconds`, stickinessSeconds, intRule('stickiness duration', 1, 604800));
  }
  return compact({ type: 'forward' as const, targets: list.map((t) => compact({ ...t })), stickinessSeconds });
}

/** @internal Immediate checks of a fixed-response action. */
export function fixedResponseSpec(
  subject: string,
  path: string,
  statusCode: number | string,
  options: { readonly contentType?: (typeof fixedResponseContentTypes)[number]; readonly messageBody?: string },
): ActionSpec {
  const code = String(statusCode);
  if (!/^[245]\d\d$/.test(code)) {
    fail(subject, `${path}.FixedResponseConfig.StatusCode`, statusCode, 'status code must be 2XX, 4XX or 5XX');
  }
  if (options.contentType !== undefined) {
    assertOneOf(subject, `${path}.FixedResponseConfig.ContentType`, options.contentType, fixedResponseContentTypes);
  }
  if (options.messageBody !== undefined && (typeof options.messageBody !== 'string' || options.messageBody.length > 1024)) {
    fail(
      subject,
      `${path}.FixedResponseConfig.MessageBody`,
      options.messageBody,
      'message body must be a string of at most 1024 characters',
    );
  }
  return compact({
    type: 'fixed-response' as const,
    statusCode: code,
    contentType: options.contentType,
    messageBody: options.messageBody,
  });
}

/** @internal `.build()` problems: intrinsics where the SDK needs ARNs (none while no action is set). */
export function actionLiteralProblems(spec: ActionSpec | undefined, path: string): Problem[] {
  if (spec?.type !== 'forward') return [];
  if (spec.targets.length === 1 && spec.targets[0]?.weight === undefined && spec.stickinessSeconds === undefined) {
    return literalProblem(`${path}.TargetGroupArn`, spec.targets[0]?.targetGroupArn, 'target group ARN');
  }
  return spec.targets.flatMap((t, i) =>
    literalProblem(`${path}.ForwardConfig.TargetGroups[${i}].TargetGroupArn`, t.targetGroupArn, 'target group ARN'),
  );
}

/**
 * @internal Renders an action. One unweighted target group without
 * stickiness uses the short form `{ Type, TargetGroupArn }` (as the lab's CLI
 * does); anything else uses `ForwardConfig`.
 */
export function renderAction(spec: ActionSpec): CfnAction {
  if (spec.type === 'fixed-response') {
    return {
      Type: 'fixed-response',
      FixedResponseConfig: compact({
        StatusCode: spec.statusCode,
        ContentType: spec.contentType,
        MessageBody: spec.messageBody,
      }),
    };
  }
  const [only] = spec.targets;
  if (spec.targets.length === 1 && only && only.weight === undefined && spec.stickinessSeconds === undefined) {
    return { Type: 'forward', TargetGroupArn: only.targetGroupArn };
  }
  return {
    Type: 'forward',
    ForwardConfig: compact({
      TargetGroups: spec.targets.map((t) => compact({ TargetGroupArn: t.targetGroupArn, Weight: t.weight })),
      TargetGroupStickinessConfig:
        spec.stickinessSeconds === undefined ? undefined : { Enabled: true, DurationSeconds: spec.stickinessSeconds },
    }),
  };
}

/** @internal The SDK form of an action (after {@link actionLiteralProblems} found no intrinsics). */
export function sdkAction(spec: ActionSpec): Action {
  return renderAction(spec) as Action;
}

/** @internal A builder's one action as the SDK's action list: `[action]`, or `[]` while none is set. */
export function sdkActions(spec: ActionSpec | undefined): Action[] {
  return spec ? [sdkAction(spec)] : [];
}

/** @internal A builder's one action as CloudFormation's action list: `[action]`, or `[]` while none is set. */
export function cfnActions(spec: ActionSpec | undefined): CfnAction[] {
  return spec ? [renderAction(spec)] : [];
}
