/**
 * CloudWatch dashboards drawn from their stored body: metric widgets become
 * time-series data (from GetMetricData, the same data the API serves) that
 * the page draws with uPlot; text widgets become Markdown (marked, with raw
 * HTML escaped and only http(s)/mailto/relative links); alarm widgets show
 * each alarm's state; any other widget is a placeholder naming its type.
 *
 * @internal
 */
import { Marked, type Tokens } from 'marked';
import { AwsError } from '../core/types.js';
import { badge, errorBody, esc, html, raw, type Raw } from './html.js';
import type { Invoke } from './overview.js';

const SAFE_URL = /^(https?:|mailto:|#|\/(?!\/)|\.{0,2}\/|[\w-]+(?:\/|$))/i;
const safeUrl = (href: string) => SAFE_URL.test(href.trim()) && !/^\s*(javascript|data|vbscript):/i.test(href);

const markdown = new Marked({
  async: false,
  gfm: true,
  renderer: {
    html: (token: Tokens.HTML | Tokens.Tag) => esc(token.text),
    link(token: Tokens.Link) {
      const text = this.parser.parseInline(token.tokens);
      return safeUrl(token.href) ? `<a href="${esc(token.href)}" rel="noopener noreferrer">${text}</a>` : text;
    },
    image: (token: Tokens.Image) => (safeUrl(token.href) && !/^https?:/i.test(token.href) ? `<img src="${esc(token.href)}" alt="${esc(token.text)}">` : esc(token.text ? `[image: ${token.text}]` : '[image]')),
  },
});

/** Markdown → safe HTML (no raw HTML, no script URLs, no remote images: the console loads nothing from the internet). */
export function renderMarkdown(text: string): Raw {
  return raw(markdown.parse(String(text ?? '')) as string);
}

/** One metric row of a widget, with `.` repeated from the previous row resolved. */
interface MetricRow {
  id: string;
  namespace?: string;
  metricName?: string;
  dimensions: { Name: string; Value: string }[];
  expression?: string;
  stat: string;
  period: number;
  label?: string;
  visible: boolean;
}

/** Parses `properties.metrics` as the CloudWatch dashboard body syntax defines it. */
export function metricRows(metrics: unknown, defaults: { stat: string; period: number }): MetricRow[] {
  if (!Array.isArray(metrics)) return [];
  const rows: MetricRow[] = [];
  let previous: unknown[] = [];
  metrics.forEach((entry, i) => {
    if (!Array.isArray(entry)) return;
    const last = entry.at(-1);
    const options = last && typeof last === 'object' && !Array.isArray(last) ? (last as Record<string, unknown>) : {};
    const parts = options === last ? entry.slice(0, -1) : entry.slice();
    const id = typeof options.id === 'string' && /^[a-z][A-Za-z0-9_]*$/.test(options.id) ? options.id : `m${i}`;
    const common = {
      id,
      stat: typeof options.stat === 'string' ? options.stat : defaults.stat,
      period: typeof options.period === 'number' ? options.period : defaults.period,
      ...(typeof options.label === 'string' ? { label: options.label } : {}),
      visible: options.visible !== false,
    };
    if (typeof options.expression === 'string') {
      rows.push({ ...common, dimensions: [], expression: options.expression });
      return;
    }
    const resolved = parts.map((p, k) => (p === '.' ? previous[k] : p));
    previous = resolved;
    const [namespace, metricName, ...dims] = resolved.map((p) => (p === undefined ? '' : String(p)));
    const dimensions: { Name: string; Value: string }[] = [];
    for (let k = 0; k + 1 < dims.length; k += 2) dimensions.push({ Name: dims[k]!, Value: dims[k + 1]! });
    rows.push({ ...common, namespace: namespace!, metricName: metricName!, dimensions });
  });
  return rows;
}

/** The time range of a widget or dashboard: `-PT3H`-style `start`, default 3 hours. */
export function rangeSeconds(start: unknown, fallback = 3 * 3600): number {
  if (typeof start !== 'string') return fallback;
  const m = /^-P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(start.trim());
  if (!m) return fallback;
  const s = Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  return s > 0 ? Math.min(s, 15 * 86400) : fallback;
}

/** What the page draws for a metric widget (embedded as JSON in the page). */
export interface ChartData {
  title: string;
  labels: string[];
  /** Epoch seconds, ascending (union of every series' timestamps). */
  x: number[];
  /** One array per label, aligned with `x`; `null` where a series has no point. */
  ys: (number | null)[][];
  points: number;
}

async function metricChart(invoke: Invoke, props: Record<string, any>, rangeS: number): Promise<{ chart: ChartData; rows: MetricRow[]; messages: string[] }> {
  const period = typeof props.period === 'number' && props.period > 0 ? props.period : 300;
  const rows = metricRows(props.metrics, { stat: typeof props.stat === 'string' ? props.stat : 'Average', period });
  const title = typeof props.title === 'string' ? props.title : '';
  const messages: string[] = [];
  if (rows.length === 0) return { chart: { title, labels: [], x: [], ys: [], points: 0 }, rows, messages: ['This widget names no metrics.'] };
  const now = Math.floor(Date.now() / 1000);
  const queries = rows.map((r) =>
    r.expression
      ? { Id: r.id, Expression: r.expression, ReturnData: r.visible, ...(r.label ? { Label: r.label } : {}) }
      : { Id: r.id, MetricStat: { Metric: { Namespace: r.namespace, MetricName: r.metricName, Dimensions: r.dimensions }, Period: r.period, Stat: r.stat }, ReturnData: r.visible, ...(r.label ? { Label: r.label } : {}) },
  );
  let results: any[] = [];
  try {
    results = (await invoke('monitoring', 'GetMetricData', { StartTime: now - rangeS, EndTime: now + 60, ScanBy: 'TimestampAscending', MetricDataQueries: queries })).MetricDataResults ?? [];
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    messages.push(`GetMetricData refused this widget's metrics: ${error.message}`);
  }
  const xs = new Set<number>();
  const series = results.map((r) => {
    const byTime = new Map<number, number>();
    (r.Timestamps ?? []).forEach((t: Date | string, i: number) => {
      const s = Math.floor(new Date(t).getTime() / 1000);
      xs.add(s);
      byTime.set(s, r.Values[i]);
    });
    const row = rows.find((q) => q.id === r.Id);
    const label = row?.label ?? (row?.expression ? r.Label ?? row.expression : `${row?.metricName ?? r.Label} ${row?.dimensions.map((d) => d.Value).join(' ') ?? ''} (${row?.stat})`.replace(/\s+/g, ' '));
    return { label, byTime };
  });
  const x = [...xs].sort((a, b) => a - b);
  const ys = series.map((s) => x.map((t) => (s.byTime.has(t) ? s.byTime.get(t)! : null)));
  return { chart: { title, labels: series.map((s) => s.label), x, ys, points: ys.reduce((n, y) => n + y.filter((v) => v !== null).length, 0) }, rows, messages };
}

async function alarmWidget(invoke: Invoke, props: Record<string, any>): Promise<Raw> {
  const arns: string[] = Array.isArray(props.alarms) ? props.alarms.filter((a: unknown) => typeof a === 'string') : [];
  const names = arns.map((a) => a.split(':alarm:').at(-1) ?? a).filter((n) => /^[^\0]{1,255}$/.test(n));
  if (!names.length) return html`<p>This alarm widget names no alarms.</p>`;
  const found: any[] = [];
  for (let i = 0; i < names.length; i += 100) found.push(...((await invoke('monitoring', 'DescribeAlarms', { AlarmNames: names.slice(i, i + 100) })).MetricAlarms ?? []));
  const byName = new Map(found.map((a) => [a.AlarmName, a]));
  return html`<ul class="alarm-list">${names.map((n) => {
    const a = byName.get(n);
    return html`<li data-alarm="${n}">${a ? badge(a.StateValue) : badge('UNKNOWN')} ${n}${a ? html` <small>${a.StateReason}</small>` : html` <small>(no such alarm)</small>`}</li>`;
  })}</ul>`;
}

/** The dashboard page's `<main>` content, or `undefined` when there is no such dashboard. */
export async function dashboardBody(invoke: Invoke, base: string, name: string, rangeOverride?: number): Promise<Raw | undefined> {
  let body: string;
  try {
    body = (await invoke('monitoring', 'GetDashboard', { DashboardName: name })).DashboardBody;
  } catch (error) {
    if (error instanceof AwsError && /ResourceNotFound|InvalidParameter/.test(error.code)) return undefined;
    throw error;
  }
  let parsed: any;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return errorBody(`Dashboard ${name}`, `Its stored body is not valid JSON (${(error as Error).message}).`);
  }
  const widgets: any[] = Array.isArray(parsed?.widgets) ? parsed.widgets : [];
  const rangeS = rangeOverride ?? rangeSeconds(parsed?.start);
  const rendered = await Promise.all(
    widgets.map(async (w, i) => {
      const props = (w && typeof w.properties === 'object' && w.properties) || {};
      const place = [w?.x, w?.y, w?.width, w?.height].every((n) => Number.isInteger(n) && n >= 0 && n <= 1000)
        ? `grid-column:${Math.min(w.x, 23) + 1} / span ${Math.max(1, Math.min(w.width, 24 - Math.min(w.x, 23)))};grid-row:${w.y + 1} / span ${Math.max(1, w.height)}`
        : `grid-column:span ${Number.isInteger(w?.width) ? Math.max(1, Math.min(w.width, 24)) : 6};grid-row:span ${Number.isInteger(w?.height) ? Math.max(1, Math.min(w.height, 100)) : 6}`;
      const type = typeof w?.type === 'string' ? w.type : String(w?.type ?? 'missing');
      let inner: Raw;
      let title = typeof props.title === 'string' ? props.title : '';
      if (type === 'metric') {
        const { chart, rows, messages } = await metricChart(invoke, props, typeof props.start === 'string' && rangeOverride === undefined ? rangeSeconds(props.start, rangeS) : rangeS);
        const view = typeof props.view === 'string' ? props.view : 'timeSeries';
        const latest = chart.ys.map((y, k) => ({ label: chart.labels[k], value: [...y].reverse().find((v) => v !== null) }));
        const summary = html`<table class="latest"><caption>Latest values (${props.stat ?? 'Average'}, period ${props.period ?? 300} s${props.region ? `, ${props.region}` : ''})</caption><tbody>${latest.map(
          (l) => html`<tr><th scope="row">${l.label}</th><td>${l.value === undefined ? 'no data' : Number(l.value.toFixed(3))}</td></tr>`,
        )}</tbody></table>`;
        inner = html`${view !== 'timeSeries' && view !== 'singleValue' ? html`<p class="note">View ${view} is drawn as a time series.</p>` : ''}
${view === 'singleValue' ? '' : html`<div class="chart" data-key="w${i}" data-points="${chart.points}" data-chart="${JSON.stringify(chart)}" role="img" aria-label="${`Chart ${title || `widget ${i + 1}`}: ${chart.labels.length} series, ${chart.points} points`}"></div>`}
${summary}${messages.map((m) => html`<p class="note" role="note">${m}</p>`)}${rows.length === 0 ? '' : ''}`;
      } else if (type === 'text') {
        inner = html`<div class="markdown">${renderMarkdown(typeof props.markdown === 'string' ? props.markdown : '')}</div>`;
        title = '';
      } else if (type === 'alarm') {
        inner = await alarmWidget(invoke, props);
      } else {
        inner = html`<p class="placeholder">Widget type <code>${type}</code> is not supported by the ecskit console yet; it is stored and served by GetDashboard as it is.</p>`;
      }
      return html`<section class="widget widget-${/^[a-z]+$/.test(type) ? type : 'other'}" style="${place}" data-widget="${i}" data-widget-type="${type}" aria-label="${title || `${type} widget ${i + 1}`}">${title ? html`<h2>${title}</h2>` : ''}${inner}</section>`;
    }),
  );
  const ranges = [
    ['15m', 900],
    ['1h', 3600],
    ['3h', 10800],
    ['12h', 43200],
  ] as const;
  return html`<h1>Dashboard ${name}</h1>
<p class="range">Time range: ${ranges.map(([label, s]) => html`<a href="${base}/dashboard?name=${encodeURIComponent(name)}&range=${label}"${raw(s === rangeS ? ' aria-current="true"' : '')}>${label}</a> `)}</p>
${widgets.length ? html`<div class="dashboard-grid">${rendered}</div>` : html`<p>This dashboard has no widgets.</p>`}`;
}

/** The dashboards list's `<main>` content. */
export async function dashboardsBody(invoke: Invoke, base: string): Promise<Raw> {
  const entries: any[] = (await invoke('monitoring', 'ListDashboards', {})).DashboardEntries ?? [];
  return html`<h1>Dashboards</h1>${
    entries.length
      ? html`<ul>${entries.map((e) => html`<li><a href="${base}/dashboard?name=${encodeURIComponent(e.DashboardName)}">${e.DashboardName}</a> (${e.Size} bytes)</li>`)}</ul>`
      : html`<p>No dashboards yet (the lab's Task 9 creates FlaskInventoryMonitoring).</p>`
  }`;
}

export const RANGES: Record<string, number> = { '15m': 900, '1h': 3600, '3h': 10800, '12h': 43200 };
