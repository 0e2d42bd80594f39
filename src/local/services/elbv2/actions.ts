/**
 * Listener/rule actions and rule conditions: validation and the normalised
 * form AWS reports (a single forward target also appears as `ForwardConfig`
 * with weight 1; path/host values also appear in `PathPatternConfig` /
 * `HostHeaderConfig`).
 *
 * @internal
 */
import { AwsError, type RequestContext } from '../../core/types.js';
import { bool, own } from '../../core/util.js';
import { list, strings, validation } from './input.js';
import { elbv2State, type Action, type Condition, type StoredLoadBalancer } from './state.js';

interface ActionInput {
  Type?: string;
  Order?: string | number;
  TargetGroupArn?: string;
  ForwardConfig?: { TargetGroups?: unknown; TargetGroupStickinessConfig?: { Enabled?: unknown; DurationSeconds?: unknown } };
  FixedResponseConfig?: { StatusCode?: string; ContentType?: string; MessageBody?: string };
  RedirectConfig?: { Protocol?: string; Port?: string; Host?: string; Path?: string; Query?: string; StatusCode?: string };
}

const CONTENT_TYPES = ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json'];

/**
 * Validates actions for a listener of `lb` and returns them normalised.
 * `field` names the parameter in messages (`DefaultActions` or `Actions`).
 */
export function normaliseActions(ctx: RequestContext, raw: unknown, lb: StoredLoadBalancer, field: string): Action[] {
  const state = elbv2State(ctx.state);
  const actions = list<ActionInput>(raw);
  if (actions.length === 0) throw validation(`${field} must contain at least one action`);
  if (actions.length > 1) throw new AwsError('InvalidLoadBalancerAction', `${field}: a listener or rule can have only one of the forward, fixed-response and redirect actions, got ${actions.length} actions`);
  return actions.map((a, i) => {
    const path = `${field}.member.${i + 1}`;
    const order = a.Order === undefined || a.Order === '' ? undefined : Number(a.Order);
    if (order !== undefined && !(Number.isInteger(order) && order >= 1 && order <= 50000)) throw validation(`${path}.Order must be an integer between 1 and 50000, got: ${String(a.Order)}`);
    const base = order !== undefined ? { Order: order } : {};
    switch (a.Type) {
      case 'forward': {
        const tuples = list<{ TargetGroupArn?: string; Weight?: string | number }>(a.ForwardConfig?.TargetGroups).map((t, j) => {
          if (!t.TargetGroupArn) throw validation(`${path}.ForwardConfig.TargetGroups.member.${j + 1}.TargetGroupArn must be specified`);
          const weight = t.Weight === undefined || t.Weight === '' ? 1 : Number(t.Weight);
          if (!(Number.isInteger(weight) && weight >= 0 && weight <= 999)) throw validation(`${path}.ForwardConfig.TargetGroups.member.${j + 1}.Weight must be an integer between 0 and 999, got: ${String(t.Weight)}`);
          return { TargetGroupArn: t.TargetGroupArn, Weight: weight };
        });
        if (a.TargetGroupArn && tuples.length === 0) tuples.push({ TargetGroupArn: a.TargetGroupArn, Weight: 1 });
        if (tuples.length === 0) throw validation(`${path}: a forward action needs TargetGroupArn or ForwardConfig.TargetGroups`);
        if (a.TargetGroupArn && (tuples.length !== 1 || tuples[0]?.TargetGroupArn !== a.TargetGroupArn)) {
          throw validation(`${path}: TargetGroupArn and ForwardConfig must name the same single target group when both are given`);
        }
        if (tuples.length > 5) throw validation(`${path}.ForwardConfig.TargetGroups: at most 5 target groups, got ${tuples.length}`);
        if (new Set(tuples.map((t) => t.TargetGroupArn)).size !== tuples.length) throw validation(`${path}.ForwardConfig.TargetGroups: a target group can be listed only once`);
        for (const t of tuples) {
          const tg = own(state.targetGroups, t.TargetGroupArn);
          if (!tg) throw new AwsError('TargetGroupNotFound', `Target group '${t.TargetGroupArn}' not found`);
          const httpTg = tg.TargetType === 'lambda' || tg.Protocol === 'HTTP' || tg.Protocol === 'HTTPS';
          if ((lb.Type === 'application') !== httpTg) {
            throw new AwsError('IncompatibleProtocols', `Target group '${t.TargetGroupArn}' has protocol '${tg.Protocol ?? 'lambda'}', which a ${lb.Type} load balancer cannot forward to`);
          }
          if (tg.VpcId && tg.VpcId !== lb.VpcId) {
            throw validation(`Target group '${t.TargetGroupArn}' is in VPC '${tg.VpcId}', but load balancer '${lb.LoadBalancerArn}' is in VPC '${lb.VpcId}'`);
          }
          const other = tg.LoadBalancerArns.find((arn) => arn !== lb.LoadBalancerArn);
          if (other) {
            throw new AwsError('TargetGroupAssociationLimit', `The following target groups cannot be associated with more than one load balancer: ${t.TargetGroupArn}`);
          }
        }
        const stickiness = a.ForwardConfig?.TargetGroupStickinessConfig;
        const enabled = bool(stickiness?.Enabled) ?? false;
        const duration = stickiness?.DurationSeconds === undefined ? undefined : Number(stickiness.DurationSeconds);
        if (enabled && !(duration !== undefined && Number.isInteger(duration) && duration >= 1 && duration <= 604800)) {
          throw validation(`${path}.ForwardConfig.TargetGroupStickinessConfig.DurationSeconds must be between 1 and 604800 when stickiness is enabled`);
        }
        return {
          Type: 'forward',
          ...(tuples.length === 1 ? { TargetGroupArn: tuples[0]?.TargetGroupArn } : {}),
          ...base,
          ForwardConfig: { TargetGroups: tuples, TargetGroupStickinessConfig: { Enabled: enabled, ...(enabled ? { DurationSeconds: duration } : {}) } },
        };
      }
      case 'fixed-response': {
        const config = a.FixedResponseConfig;
        const status = config?.StatusCode;
        if (!status || !/^[245]\d\d$/.test(status)) throw validation(`${path}.FixedResponseConfig.StatusCode must be a 2XX, 4XX or 5XX code, got: ${String(status)}`);
        if (config?.ContentType !== undefined && !CONTENT_TYPES.includes(config.ContentType)) {
          throw validation(`${path}.FixedResponseConfig.ContentType must be one of ${CONTENT_TYPES.join(', ')}, got: ${config.ContentType}`);
        }
        if ((config?.MessageBody?.length ?? 0) > 1024) throw validation(`${path}.FixedResponseConfig.MessageBody must be at most 1024 characters`);
        return {
          Type: 'fixed-response',
          ...base,
          FixedResponseConfig: { StatusCode: status, ...(config?.ContentType ? { ContentType: config.ContentType } : {}), ...(config?.MessageBody !== undefined ? { MessageBody: config.MessageBody } : {}) },
        };
      }
      case 'redirect': {
        const config = a.RedirectConfig;
        const status = config?.StatusCode;
        if (status !== 'HTTP_301' && status !== 'HTTP_302') throw validation(`${path}.RedirectConfig.StatusCode must be HTTP_301 or HTTP_302, got: ${String(status)}`);
        const protocol = config?.Protocol ?? '#{protocol}';
        if (!['HTTP', 'HTTPS', '#{protocol}'].includes(protocol)) throw validation(`${path}.RedirectConfig.Protocol must be HTTP, HTTPS or #{protocol}, got: ${protocol}`);
        const redirect = {
          Protocol: protocol,
          Port: config?.Port ?? '#{port}',
          Host: config?.Host ?? '#{host}',
          Path: config?.Path ?? '/#{path}',
          Query: config?.Query ?? '#{query}',
          StatusCode: status,
        };
        if (redirect.Protocol === '#{protocol}' && redirect.Port === '#{port}' && redirect.Host === '#{host}' && redirect.Path === '/#{path}' && redirect.Query === '#{query}') {
          throw new AwsError('InvalidLoadBalancerAction', `${path}.RedirectConfig would redirect to the original URL; change at least one of Protocol, Port, Host, Path or Query`);
        }
        return { Type: 'redirect', ...base, RedirectConfig: redirect };
      }
      default:
        throw validation(`${path}.Type '${String(a.Type)}' is not supported by the local cloud; use forward, fixed-response or redirect.`);
    }
  });
}

interface ConditionInput {
  Field?: string;
  Values?: unknown;
  PathPatternConfig?: { Values?: unknown };
  HostHeaderConfig?: { Values?: unknown };
  HttpHeaderConfig?: { HttpHeaderName?: string; Values?: unknown };
  HttpRequestMethodConfig?: { Values?: unknown };
  QueryStringConfig?: { Values?: unknown };
  SourceIpConfig?: { Values?: unknown };
}

const PATH_CHARS = /^[A-Za-z0-9_\-.$/~"'@:+&()!,;=*?%]+$/;
const HOST_CHARS = /^[A-Za-z0-9\-.*?]+$/;

/** Validates rule conditions and returns them normalised (at most 5 values in all). */
export function normaliseConditions(raw: unknown): Condition[] {
  const conditions = list<ConditionInput>(raw);
  if (conditions.length === 0) throw validation('Conditions must contain at least one condition');
  const seen = new Set<string>();
  let total = 0;
  const out = conditions.map((c, i) => {
    const path = `Conditions.member.${i + 1}`;
    const field = c.Field;
    if (field !== 'http-header' && field !== 'query-string') {
      if (field && seen.has(field)) throw validation(`${path}: the '${field}' condition can appear only once in a rule`);
      if (field) seen.add(field);
    }
    const values = strings(c.Values);
    const configValues = (config: { Values?: unknown } | undefined, name: string): string[] => {
      if (values.length && config) throw validation(`${path}: specify either Values or ${name}, not both`);
      const chosen = config ? strings(config.Values) : values;
      if (chosen.length === 0) throw validation(`${path}: the '${field}' condition needs at least one value`);
      return chosen;
    };
    switch (field) {
      case 'path-pattern': {
        const v = configValues(c.PathPatternConfig, 'PathPatternConfig');
        for (const value of v) {
          if (value.length > 128) throw validation(`${path}: path pattern '${value}' is longer than 128 characters`);
          if (!PATH_CHARS.test(value)) throw validation(`${path}: path pattern '${value}' contains characters that are not allowed`);
        }
        total += v.length;
        return { Field: field, Values: v, PathPatternConfig: { Values: v } };
      }
      case 'host-header': {
        const v = configValues(c.HostHeaderConfig, 'HostHeaderConfig');
        for (const value of v) {
          if (value.length > 128 || !HOST_CHARS.test(value)) throw validation(`${path}: host header '${value}' is not valid (A-Z, a-z, 0-9, '-', '.', '*', '?'; at most 128 characters)`);
        }
        total += v.length;
        return { Field: field, Values: v, HostHeaderConfig: { Values: v } };
      }
      case 'http-header': {
        const name = c.HttpHeaderConfig?.HttpHeaderName;
        if (!name) throw validation(`${path}.HttpHeaderConfig.HttpHeaderName must be specified`);
        const v = strings(c.HttpHeaderConfig?.Values);
        if (v.length === 0) throw validation(`${path}.HttpHeaderConfig.Values needs at least one value`);
        total += v.length;
        return { Field: field, HttpHeaderConfig: { HttpHeaderName: name, Values: v } };
      }
      case 'http-request-method': {
        const v = strings(c.HttpRequestMethodConfig?.Values);
        if (v.length === 0 || v.some((m) => !/^[A-Z_-]+$/.test(m))) throw validation(`${path}.HttpRequestMethodConfig.Values must be upper-case method names, got: ${v.join(', ')}`);
        total += v.length;
        return { Field: field, HttpRequestMethodConfig: { Values: v } };
      }
      case 'query-string': {
        const v = list<{ Key?: string; Value?: string }>(c.QueryStringConfig?.Values).map((kv) => {
          if (!kv.Value) throw validation(`${path}.QueryStringConfig.Values: every entry needs a Value`);
          return { ...(kv.Key !== undefined ? { Key: kv.Key } : {}), Value: kv.Value };
        });
        if (v.length === 0) throw validation(`${path}.QueryStringConfig.Values needs at least one value`);
        total += v.length;
        return { Field: field, QueryStringConfig: { Values: v } };
      }
      case 'source-ip': {
        const v = strings(c.SourceIpConfig?.Values);
        if (v.length === 0 || v.some((ip) => !/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(ip))) throw validation(`${path}.SourceIpConfig.Values must be CIDR blocks, got: ${v.join(', ')}`);
        total += v.length;
        return { Field: field, SourceIpConfig: { Values: v } };
      }
      default:
        throw validation(`${path}.Field '${String(field)}' is not valid; use path-pattern, host-header, http-header, http-request-method, query-string or source-ip.`);
    }
  });
  if (total > 5) throw validation(`A rule can only have '5' condition values, got ${total}`);
  return out;
}
