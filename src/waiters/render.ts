/**
 * Progress renderers for deployment events: a live terminal table (the lab's
 * Task 5.4 "Deployments" table, redrawn in place on a TTY), plain log lines
 * for CI and JSON lines. Each takes a writable stream and returns an
 * `onEvent` callback for {@link waitForDeployment} (or a function to call
 * with each event of {@link followDeployment}).
 *
 * @module
 */
import type { DeploymentEvent, DeploymentOutcome } from './deployment/index.js';
import { lastSegment, round } from './common.js';

/** Where a renderer writes: `process.stdout`, `process.stderr` or any stream with `write`. */
export interface RenderStream {
  /** Writes text. */
  write(chunk: string): unknown;
  /** True on a terminal (enables in-place redraw and colour). */
  readonly isTTY?: boolean;
}

/** Options of the renderers. */
export interface RenderOptions {
  /** Force colour on or off. Default: on for a TTY unless `NO_COLOR` is set (https://no-color.org). */
  readonly color?: boolean;
  /** Environment to read `NO_COLOR` from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A renderer: call it with every event. */
export type Renderer = (event: DeploymentEvent) => void;

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', green: '\x1b[32m', yellow: '\x1b[33m', red: '\x1b[31m', dim: '\x1b[2m' } as const;
type Paint = (text: string, style: keyof typeof ANSI) => string;

function painter(stream: RenderStream, options: RenderOptions): Paint {
  const env = options.env ?? process.env;
  const on = options.color ?? (stream.isTTY === true && !env.NO_COLOR);
  return on ? (text, style) => `${ANSI[style]}${text}${ANSI.reset}` : (text) => text;
}

const GOOD = new Set(['completed', 'success']);

function outcomeStyle(outcome: DeploymentOutcome): keyof typeof ANSI {
  if (GOOD.has(outcome.outcome)) return 'green';
  return outcome.outcome === 'aborted' || outcome.outcome === 'superseded' ? 'yellow' : 'red';
}

/** One event as one or more plain lines (no timestamp). */
function describe(event: DeploymentEvent, paint: Paint): string[] {
  switch (event.type) {
    case 'deploymentCounts':
      return event.deployments.map(
        (d) =>
          `deployment ${d.id} ${d.status} rev ${d.revision ?? '?'}: running ${d.running}, pending ${d.pending}, desired ${d.desired}, failed ${d.failed}${d.rolloutState ? ` (${d.rolloutState})` : ''}`,
      );
    case 'serviceEvent':
      return [`event: ${event.event.message}`];
    case 'targetHealth': {
      const t = event.target;
      const tg = /:targetgroup\/([^/]+)\//.exec(t.targetGroupArn)?.[1] ?? t.targetGroupArn;
      const style = t.state === 'healthy' ? 'green' : t.state === 'unhealthy' ? 'red' : 'yellow';
      return [`target ${t.id}${t.port ? `:${t.port}` : ''} (${tg}): ${event.previousState ?? 'new'} → ${paint(t.state, style)}${t.reason ? ` (${t.reason})` : ''}`];
    }
    case 'taskStopped': {
      const t = event.task;
      const codes = t.containers.filter((c) => c.exitCode !== undefined).map((c) => `${c.name}=${c.exitCode}`);
      return [
        `task ${lastSegment(t.taskArn)} stopped: ${paint(t.stoppedReason ?? 'no reason given', 'red')}${t.stopCode ? ` [${t.stopCode}]` : ''}${codes.length ? ` (exit code ${codes.join(', ')})` : ''}`,
      ];
    }
    case 'outcome': {
      const o = event.outcome;
      return [`outcome: ${paint(o.outcome, outcomeStyle(o))} — ${o.reason} (${round(o.elapsedSeconds)} s, ${o.apiCalls} API calls)`];
    }
  }
}

/**
 * Plain log lines for CI: one line per change, prefixed with the ISO time of the poll.
 *
 * @example
 * ```ts
 * await waitForDeployment(aws, ref, { onEvent: logRenderer(process.stdout) });
 * // 2025-01-01T12:00:00.000Z deployment ecs-svc/2… PRIMARY rev 2: running 1, pending 1, desired 2, failed 0 (IN_PROGRESS)
 * // 2025-01-01T12:00:04.000Z target 10.0.1.7:5000 (invsys-tg): initial → healthy
 * // 2025-01-01T12:00:30.000Z outcome: completed — deployment ecs-svc/2… completed: 2/2 tasks running, … (30 s, 75 API calls)
 * ```
 */
export function logRenderer(stream: RenderStream, options: RenderOptions = {}): Renderer {
  const paint = painter(stream, { color: false, ...options });
  return (event) => {
    const time = new Date(event.at).toISOString();
    for (const line of describe(event, paint)) stream.write(`${time} ${line}\n`);
  };
}

/**
 * JSON lines: one `JSON.stringify(event)` per line; the outcome event leaves
 * out the (large) last observation.
 *
 * @example
 * ```ts
 * await waitForDeployment(aws, ref, { onEvent: jsonRenderer(process.stdout) });
 * // {"type":"deploymentCounts","at":1735732800000,"deploymentId":"ecs-svc/2…","deployments":[…]}
 * // {"type":"outcome","at":1735732830000,"deploymentId":"ecs-svc/2…","outcome":{"outcome":"completed",…}}
 * ```
 */
export function jsonRenderer(stream: RenderStream): Renderer {
  return (event) => {
    const value = event.type === 'outcome' ? { ...event, outcome: { ...event.outcome, last: undefined } } : event;
    stream.write(`${JSON.stringify(value)}\n`);
  };
}

/**
 * The lab's Task 5.4 deployments table (Status | Revision | Running | Pending | Desired),
 * as plain text lines.
 *
 * @internal
 * @example
 * ```ts
 * deploymentTable([{ status: 'PRIMARY', revision: 2, running: 1, pending: 1, desired: 2 }, { status: 'ACTIVE', revision: 1, running: 1, pending: 0, desired: 2 }]);
 * // ----------------------------------------------------
 * // |                   Deployments                    |
 * // +---------+----------+---------+---------+---------+
 * // | Status  | Revision | Running | Pending | Desired |
 * // +---------+----------+---------+---------+---------+
 * // | PRIMARY | 2        | 1       | 1       | 2       |
 * // | ACTIVE  | 1        | 1       | 0       | 2       |
 * // +---------+----------+---------+---------+---------+
 * ```
 */
export function deploymentTable(
  rows: readonly { readonly status: string; readonly revision: number | undefined; readonly running: number; readonly pending: number; readonly desired: number }[],
  paint: (text: string, style: 'green' | 'yellow' | 'bold') => string = (text) => text,
): string[] {
  const header = ['Status', 'Revision', 'Running', 'Pending', 'Desired'];
  const cells = rows.map((r) => [r.status, String(r.revision ?? '?'), String(r.running), String(r.pending), String(r.desired)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const inner = rule.length - 2;
  const title = 'Deployments';
  const left = Math.floor((inner - title.length) / 2);
  const line = (values: string[], style?: (i: number, v: string) => string) =>
    `|${values.map((v, i) => ` ${style ? style(i, v.padEnd(widths[i]!)) : v.padEnd(widths[i]!)} `).join('|')}|`;
  return [
    '-'.repeat(rule.length),
    `|${' '.repeat(left)}${paint(title, 'bold')}${' '.repeat(inner - left - title.length)}|`,
    rule,
    line(header),
    rule,
    ...cells.map((c) => line(c, (i, v) => (i === 0 ? paint(v, c[0] === 'PRIMARY' ? 'green' : 'yellow') : v))),
    rule,
  ];
}

/**
 * A live terminal table like the lab's Task 5.4 expected output, redrawn in
 * place on a TTY with the latest change and the outcome beneath it; on
 * anything else (CI, a pipe) it writes the plain lines of {@link logRenderer}.
 * Colour follows {@link RenderOptions.color} / `NO_COLOR`.
 *
 * @example
 * ```ts
 * await waitForDeployment(aws, ref, { onEvent: tableRenderer(process.stdout) });
 * // ----------------------------------------------------
 * // |                   Deployments                    |
 * // +---------+----------+---------+---------+---------+
 * // | Status  | Revision | Running | Pending | Desired |
 * // +---------+----------+---------+---------+---------+
 * // | PRIMARY | 2        | 1       | 1       | 2       |
 * // | ACTIVE  | 1        | 1       | 0       | 2       |
 * // +---------+----------+---------+---------+---------+
 * // target 10.0.1.7:5000 (invsys-tg): initial → healthy
 * ```
 */
export function tableRenderer(stream: RenderStream, options: RenderOptions = {}): Renderer {
  if (stream.isTTY !== true) return logRenderer(stream, options);
  const paint = painter(stream, options);
  let rows: Parameters<typeof deploymentTable>[0] = [];
  let latest: string[] = [];
  let drawn = 0;
  return (event) => {
    if (event.type === 'deploymentCounts') rows = event.deployments;
    else latest = describe(event, paint);
    const frame = [...deploymentTable(rows, paint), ...latest];
    stream.write(`${drawn ? `\x1b[${drawn}A\x1b[0J` : ''}${frame.join('\n')}\n`);
    drawn = frame.length;
  };
}
