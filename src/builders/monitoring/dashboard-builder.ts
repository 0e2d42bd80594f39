/**
 * `dashboard(name)` and `metricWidget(title)`: a CloudWatch dashboard whose
 * body is built as an object and serialised with `JSON.stringify` (lab 9.2).
 *
 * @module
 */
import type { PutDashboardCommandInput } from '@aws-sdk/client-cloudwatch';
import { isCfnIntrinsic, type CfnIntrinsic, type CfnResource, type CfnValue } from '../shared/cfn-value.js';
import { compact, fail, freeze, throwIfProblems } from '../shared/validation.js';
import { show, type Problem } from '../validation-error.js';
import type { MetricSpec } from './metrics.js';
import { assertDimensions } from './alarm-builder.js';

/** How a metric widget draws its metrics. */
export type WidgetView = 'timeSeries' | 'singleValue' | 'gauge' | 'bar' | 'pie';

/** Per-metric rendering options (the trailing object of a `metrics` row). */
export interface MetricRenderOptions {
  /** Statistic, e.g. `Average`, `Sum`, `p99`. */
  readonly stat?: string;
  /** Seconds per datapoint for this metric. */
  readonly period?: number;
  /** Legend label. */
  readonly label?: string;
  /** Hex colour, e.g. `#1f77b4`. */
  readonly color?: string;
  /** Which y axis. */
  readonly yAxis?: 'left' | 'right';
  /** Hide the line but keep it available to math expressions. */
  readonly visible?: boolean;
}

/** One row of a metric widget's `metrics`: `[namespace, name, dimName, dimValue, …, options?]`. */
export type MetricRow = readonly (CfnValue | MetricRenderOptions)[];

/** A metric widget as it appears in the dashboard body. */
export interface MetricWidgetJson {
  /** Always `metric`. */
  readonly type: 'metric';
  /** Column, 0-23. */
  readonly x?: number;
  /** Row, 0 or more. */
  readonly y?: number;
  /** Width in grid units, 1-24. */
  readonly width?: number;
  /** Height in grid units, 1-1000. */
  readonly height?: number;
  /** Widget properties. */
  readonly properties: {
    /** The metrics drawn, one row each: `[namespace, name, dimName, dimValue, …, options?]`. */
    readonly metrics: readonly MetricRow[];
    /** How the metrics are drawn; CloudWatch defaults to `timeSeries`. */
    readonly view?: WidgetView;
    /** `true` stacks the time series as areas. */
    readonly stacked?: boolean;
    /** Region the metrics are read from, e.g. `us-east-1` (or `{ Ref: 'AWS::Region' }` in a template). */
    readonly region?: CfnValue;
    /** Title shown above the widget. */
    readonly title?: string;
    /** Default seconds per datapoint: 1, 5, 10, 30 or a multiple of 60. */
    readonly period?: number;
    /** Default statistic for every metric, e.g. `Average`, `Sum`, `p99`. */
    readonly stat?: string;
  };
}

/** The dashboard body object (`DashboardBody` before `JSON.stringify`). */
export interface DashboardBody {
  /** Widgets in order. */
  readonly widgets: readonly MetricWidgetJson[];
  /** Default time range start, e.g. `-PT3H`. */
  readonly start?: string;
  /** `auto` or `inherit` period override. */
  readonly periodOverride?: 'auto' | 'inherit';
}

function widgetPeriodProblem(seconds: number): string | undefined {
  if (Number.isInteger(seconds) && [1, 5, 10, 30].includes(seconds)) return undefined;
  if (Number.isInteger(seconds) && seconds > 0 && seconds % 60 === 0) return undefined;
  return 'period must be 1, 5, 10, 30 or a multiple of 60 seconds';
}

interface WidgetProps {
  readonly title?: string;
  readonly metrics: readonly MetricRow[];
  readonly view?: WidgetView;
  readonly stacked?: boolean;
  readonly region?: CfnValue;
  readonly period?: number;
  readonly stat?: string;
  readonly x?: number;
  readonly y?: number;
  readonly width?: number;
  readonly height?: number;
}

/**
 * Immutable builder for one metric widget of a dashboard.
 *
 * @example
 * ```ts
 * metricWidget('Gateway CPU').region('us-east-1')
 *   .metric(ecsServiceMetric('flask-inventory-cluster', 'gateway-service', 'CPUUtilization'))
 *   .toJSON();
 * // { type: 'metric', properties: { metrics: [['AWS/ECS', 'CPUUtilization', 'ServiceName', 'gateway-service',
 * //   'ClusterName', 'flask-inventory-cluster']], region: 'us-east-1', title: 'Gateway CPU' } }
 * ```
 */
export class MetricWidgetBuilder {
  readonly #props: WidgetProps;

  /** @internal Use {@link metricWidget}. */
  constructor(props: WidgetProps) {
    this.#props = freeze({ ...props });
  }

  #with(patch: Partial<WidgetProps>): MetricWidgetBuilder {
    return new MetricWidgetBuilder({ ...this.#props, ...patch });
  }

  get #subject(): string {
    return this.#props.title === undefined ? 'metricWidget' : `metricWidget "${this.#props.title}"`;
  }

  /** Adds a metric row with its dimensions and optional per-metric options (`{ stat: 'Average' }`). */
  metric(spec: MetricSpec, options?: MetricRenderOptions): MetricWidgetBuilder {
    const path = `properties.metrics[${this.#props.metrics.length}]`;
    if (typeof spec.namespace !== 'string' || spec.namespace.length === 0) {
      fail(this.#subject, path, spec.namespace, 'namespace must be a non-empty string, e.g. "AWS/ECS"');
    }
    if (typeof spec.metricName !== 'string' || spec.metricName.length === 0) {
      fail(this.#subject, path, spec.metricName, 'metric name must be a non-empty string, e.g. "CPUUtilization"');
    }
    assertDimensions(this.#subject, spec.dimensions);
    if (options?.period !== undefined) {
      const problem = widgetPeriodProblem(options.period);
      if (problem) fail(this.#subject, `${path}.period`, options.period, problem);
    }
    const row: (CfnValue | MetricRenderOptions)[] = [spec.namespace, spec.metricName];
    for (const [name, value] of Object.entries(spec.dimensions)) row.push(name, value);
    const opts = options ? compact({ ...options }) : undefined;
    if (opts && Object.keys(opts).length > 0) row.push(opts);
    return this.#with({ metrics: [...this.#props.metrics, row] });
  }

  /** Widget title. */
  title(title: string): MetricWidgetBuilder {
    return this.#with({ title });
  }

  /** Drawing style (`timeSeries` by default on AWS). */
  view(view: WidgetView): MetricWidgetBuilder {
    const allowed: readonly WidgetView[] = ['timeSeries', 'singleValue', 'gauge', 'bar', 'pie'];
    if (!allowed.includes(view)) fail(this.#subject, 'properties.view', view, `must be one of ${allowed.map((v) => show(v)).join(', ')}`);
    return this.#with({ view });
  }

  /** Stack the time series. */
  stacked(stacked = true): MetricWidgetBuilder {
    return this.#with({ stacked });
  }

  /** Region the metrics come from (required by CloudWatch), e.g. `us-east-1` or `{ Ref: 'AWS::Region' }`. */
  region(region: CfnValue): MetricWidgetBuilder {
    if (!isCfnIntrinsic(region) && (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))) {
      fail(this.#subject, 'properties.region', region, 'region must be an AWS region code such as "us-east-1"');
    }
    return this.#with({ region });
  }

  /** Default seconds per datapoint for the widget. */
  periodSeconds(seconds: number): MetricWidgetBuilder {
    const problem = widgetPeriodProblem(seconds);
    if (problem) fail(this.#subject, 'properties.period', seconds, problem);
    return this.#with({ period: seconds });
  }

  /** Default statistic for metrics without their own `stat`. */
  stat(stat: string): MetricWidgetBuilder {
    return this.#with({ stat });
  }

  /** Grid position: column 0-23, row 0 or more. Omit to let CloudWatch lay widgets out. */
  position(x: number, y: number): MetricWidgetBuilder {
    if (!Number.isInteger(x) || x < 0 || x > 23) fail(this.#subject, 'x', x, 'x must be a whole number 0-23 (the grid is 24 wide)');
    if (!Number.isInteger(y) || y < 0) fail(this.#subject, 'y', y, 'y must be a whole number, 0 or more');
    return this.#with({ x, y });
  }

  /** Size in grid units: width 1-24, height 1-1000. */
  size(width: number, height: number): MetricWidgetBuilder {
    if (!Number.isInteger(width) || width < 1 || width > 24) fail(this.#subject, 'width', width, 'width must be a whole number 1-24');
    if (!Number.isInteger(height) || height < 1 || height > 1000) {
      fail(this.#subject, 'height', height, 'height must be a whole number 1-1000');
    }
    return this.#with({ width, height });
  }

  /** @internal Problems of this widget at `base`. */
  problems(base: string): Problem[] {
    const p = this.#props;
    const problems: Problem[] = [];
    if (p.metrics.length === 0) {
      problems.push({ path: `${base}.properties.metrics`, value: [], message: 'add at least one .metric(...) to the widget' });
    }
    if (p.region === undefined) {
      problems.push({ path: `${base}.properties.region`, value: undefined, message: "CloudWatch needs the widget's region: .region('us-east-1')" });
    }
    if (p.x !== undefined && p.width !== undefined && p.x + p.width > 24) {
      problems.push({ path: `${base}.width`, value: p.width, message: `x (${p.x}) + width must be at most 24; narrow the widget or move it left` });
    }
    return problems;
  }

  /**
   * The widget JSON.
   *
   * @example
   * ```ts
   * metricWidget('ECS Service Metrics').region('us-east-1').periodSeconds(300)
   *   .metric(ecsServiceMetric('flask-inventory-cluster', 'gateway-service', 'CPUUtilization'), { stat: 'Average' })
   *   .toJSON();
   * // { type: 'metric', properties: { metrics: [['AWS/ECS', 'CPUUtilization', 'ServiceName', 'gateway-service',
   * //   'ClusterName', 'flask-inventory-cluster', { stat: 'Average' }]], region: 'us-east-1',
   * //   title: 'ECS Service Metrics', period: 300 } }
   * ```
   */
  toJSON(): MetricWidgetJson {
    const p = this.#props;
    return compact({
      type: 'metric' as const,
      x: p.x,
      y: p.y,
      width: p.width,
      height: p.height,
      properties: compact({
        metrics: p.metrics.map((row) => [...row]),
        view: p.view,
        stacked: p.stacked,
        region: p.region,
        title: p.title,
        period: p.period,
        stat: p.stat,
      }),
    });
  }
}

/**
 * Starts a metric widget.
 *
 * @example
 * ```ts
 * metricWidget('ALB Metrics').view('timeSeries').region('us-east-1').periodSeconds(60)
 *   .metric(albMetric(albArn, 'RequestCount'), { stat: 'Sum' })
 *   .toJSON();
 * // { type: 'metric', properties: { metrics: [['AWS/ApplicationELB', 'RequestCount', 'LoadBalancer',
 * //   'app/flask-inventory-alb/50dc6c495c0c9188', { stat: 'Sum' }]], view: 'timeSeries',
 * //   region: 'us-east-1', title: 'ALB Metrics', period: 60 } }
 * ```
 */
export function metricWidget(title?: string): MetricWidgetBuilder {
  return new MetricWidgetBuilder(compact({ title, metrics: [] }));
}

/** CloudFormation `AWS::CloudWatch::Dashboard` properties. */
export interface DashboardCfnProperties {
  /** Name. */
  readonly DashboardName: string;
  /** The body as a JSON string, or an `Fn::Sub` over it when the body holds intrinsics. */
  readonly DashboardBody: string | CfnIntrinsic;
}

interface DashboardProps {
  readonly name: string;
  readonly widgets: readonly MetricWidgetBuilder[];
  readonly start?: string;
  readonly periodOverride?: 'auto' | 'inherit';
}

/**
 * Immutable builder for `PutDashboard`.
 *
 * @example
 * ```ts
 * dashboard('FlaskInventoryMonitoring')
 *   .widget(metricWidget('Gateway CPU').region('us-east-1')
 *     .metric(ecsServiceMetric('flask-inventory-cluster', 'gateway-service', 'CPUUtilization')))
 *   .build();
 * // { DashboardName: 'FlaskInventoryMonitoring',
 * //   DashboardBody: '{"widgets":[{"type":"metric","properties":{"metrics":[["AWS/ECS","CPUUtilization",
 * //     "ServiceName","gateway-service","ClusterName","flask-inventory-cluster"]],
 * //     "region":"us-east-1","title":"Gateway CPU"}}]}' }
 * ```
 */
export class DashboardBuilder {
  readonly #props: DashboardProps;

  /** @internal Use {@link dashboard}. */
  constructor(props: DashboardProps) {
    this.#props = freeze({ ...props });
  }

  #with(patch: Partial<DashboardProps>): DashboardBuilder {
    return new DashboardBuilder({ ...this.#props, ...patch });
  }

  get #subject(): string {
    return `dashboard "${this.#props.name}"`;
  }

  /** Appends a widget. */
  widget(widget: MetricWidgetBuilder): DashboardBuilder {
    return this.#with({ widgets: [...this.#props.widgets, widget] });
  }

  /** Default time range start, ISO 8601 duration such as `-PT3H`. */
  start(start: string): DashboardBuilder {
    return this.#with({ start });
  }

  /** Whether the dashboard's period picker overrides the widgets' periods. */
  periodOverride(mode: 'auto' | 'inherit'): DashboardBuilder {
    return this.#with({ periodOverride: mode });
  }

  #problems(): Problem[] {
    const problems: Problem[] = [];
    if (this.#props.widgets.length === 0) {
      problems.push({ path: 'DashboardBody.widgets', value: [], message: 'add at least one .widget(metricWidget(...))' });
    }
    this.#props.widgets.forEach((w, i) => problems.push(...w.problems(`DashboardBody.widgets[${i}]`)));
    return problems;
  }

  /**
   * The body object, before serialisation.
   *
   * @example
   * ```ts
   * dashboard('FlaskInventoryMonitoring').widget(cpuWidget).body();
   * // { widgets: [{ type: 'metric', properties: { metrics: [...], region: 'us-east-1', ... } }] }
   * ```
   */
  body(): DashboardBody {
    const p = this.#props;
    return compact({ widgets: p.widgets.map((w) => w.toJSON()), start: p.start, periodOverride: p.periodOverride });
  }

  /**
   * The `PutDashboardCommand` input; `DashboardBody` is `JSON.stringify(body())`.
   *
   * @throws {@link ValidationError} listing every problem.
   * @example
   * ```ts
   * dashboard('FlaskInventoryMonitoring').widget(cpuWidget).build();
   * // { DashboardName: 'FlaskInventoryMonitoring', DashboardBody: '{"widgets":[{"type":"metric",...}]}' }
   * ```
   */
  build(): PutDashboardCommandInput {
    const problems = this.#problems();
    const body = this.body();
    walk(body, 'DashboardBody', (path, value) => {
      problems.push({
        path,
        value,
        message:
          'a CloudFormation intrinsic only resolves inside a template; pass the real string for build(), or use toCloudFormation()',
      });
      return value;
    });
    throwIfProblems(this.#subject, problems);
    return { DashboardName: this.#props.name, DashboardBody: JSON.stringify(body) };
  }

  /**
   * The `AWS::CloudWatch::Dashboard` resource. A body holding intrinsics
   * (`{ Ref: 'AWS::Region' }`) becomes an `Fn::Sub` over the JSON.
   *
   * @throws {@link ValidationError} listing every problem.
   * @example
   * ```ts
   * dashboard('FlaskInventoryMonitoring').widget(metricWidget('CPU').region({ Ref: 'AWS::Region' }).metric(cpu)).toCloudFormation();
   * // { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardName: 'FlaskInventoryMonitoring',
   * //   DashboardBody: { 'Fn::Sub': ['{"widgets":[{..."region":"${Value0}",...}]}', { Value0: { Ref: 'AWS::Region' } }] } } }
   * ```
   */
  toCloudFormation(): CfnResource<'AWS::CloudWatch::Dashboard', DashboardCfnProperties> {
    throwIfProblems(this.#subject, this.#problems());
    const body = this.body();
    const variables: Record<string, CfnValue> = {};
    let count = 0;
    const marked = walk(body, '', (_path, value) => {
      const name = `Value${count++}`;
      variables[name] = value;
      return `\u0000${name}\u0000`;
    });
    if (count === 0) {
      return { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardName: this.#props.name, DashboardBody: JSON.stringify(body) } };
    }
    // Escape literal "${" for Fn::Sub, then turn the markers into ${ValueN}.
    const escaped = walkStrings(marked, (s) => s.replaceAll('${', '${!'));
    const json = JSON.stringify(escaped).replace(/\\u0000(Value\d+)\\u0000/g, '$${$1}');
    return {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: { DashboardName: this.#props.name, DashboardBody: { 'Fn::Sub': [json, variables] } },
    };
  }
}

function walk(value: unknown, path: string, onIntrinsic: (path: string, value: CfnIntrinsic) => unknown): unknown {
  if (isCfnIntrinsic(value)) return onIntrinsic(path, value);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`, onIntrinsic));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k, onIntrinsic)]),
    );
  }
  return value;
}

function walkStrings(value: unknown, map: (s: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((v) => walkStrings(v, map));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walkStrings(v, map)]));
  }
  return value;
}

/**
 * Starts a CloudWatch dashboard.
 *
 * @throws {@link ValidationError} when the name is not 1-255 letters, digits, `-` or `_`.
 * @example
 * ```ts
 * dashboard('FlaskInventoryMonitoring')
 *   .widget(metricWidget('ECS Service Metrics').view('timeSeries').region('us-east-1').periodSeconds(300)
 *     .metric(ecsServiceMetric('flask-inventory-cluster', 'gateway-service', 'CPUUtilization'), { stat: 'Average' }))
 *   .build();
 * // { DashboardName: 'FlaskInventoryMonitoring',
 * //   DashboardBody: '{"widgets":[{"type":"metric","properties":{"metrics":[["AWS/ECS","CPUUtilization",
 * //     "ServiceName","gateway-service","ClusterName","flask-inventory-cluster",{"stat":"Average"}]],
 * //     "view":"timeSeries","region":"us-east-1","title":"ECS Service Metrics","period":300}}]}' }
 * ```
 */
export function dashboard(name: string): DashboardBuilder {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
    fail('dashboard', 'DashboardName', name, 'DashboardName must be 1-255 letters, digits, "-" or "_"');
  }
  return new DashboardBuilder({ name, widgets: [] });
}
