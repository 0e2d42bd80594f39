/**
 * Schedule expressions of Application Auto Scaling scheduled actions, as
 * AWS documents them: `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` and
 * `cron(minutes hours day-of-month month day-of-week year)`, in the action's
 * `Timezone` (an IANA name; UTC by default).
 *
 * `at` and `cron` name wall-clock times and fire at them whatever the local
 * cloud's time scale; `rate` is a duration, so it runs at the time scale
 * like every other AWS duration (rate(5 minutes) at 0.02 fires every 6 s).
 * Cron fields take `*`, `?`, numbers, `a-b` ranges, `/` steps, lists and
 * names (JAN–DEC, SUN–SAT, day-of-week 1 = Sunday); `L`, `W` and `#` are
 * refused with that reason.
 *
 * @internal
 */
import { AwsError } from '../../core/types.js';
import { TimeScale } from '../../../time-scale.js';

/** A parsed schedule. */
export type Schedule =
  | { readonly kind: 'at'; readonly minute: string }
  | { readonly kind: 'rate'; readonly seconds: number }
  | { readonly kind: 'cron'; readonly fields: readonly (ReadonlySet<number> | undefined)[] };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/** Field ranges: minutes, hours, day of month, month, day of week (1 = Sunday), year. */
const RANGES: readonly [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [1, 7], [1970, 2199]];
const FIELD_NAMES = ['minutes', 'hours', 'day-of-month', 'month', 'day-of-week', 'year'];
const UNIT_SECONDS: Record<string, number> = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86_400, days: 86_400 };

const invalid = (expression: string, why: string) =>
  new AwsError('ValidationException', `Schedule expression ${expression} is invalid: ${why}. Use at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(minutes hours day-of-month month day-of-week year).`);

function fieldValue(token: string, field: number, expression: string): number {
  const names = field === 3 ? MONTHS : field === 4 ? DAYS : undefined;
  const named = names?.indexOf(token.toUpperCase()) ?? -1;
  const value = named >= 0 ? named + 1 : /^\d+$/.test(token) ? Number(token) : Number.NaN;
  const [low, high] = RANGES[field]!;
  if (!(value >= low && value <= high)) throw invalid(expression, `${FIELD_NAMES[field]} value ${token} is outside ${low}-${high}`);
  return value;
}

/** The values one cron field allows (`undefined`: any, from `*` or `?`). */
function cronField(text: string, field: number, expression: string): Set<number> | undefined {
  if (text === '*' || text === '?') return undefined;
  if (/[LW#]/i.test(text.replace(/[A-Z]{3}/gi, (m) => (MONTHS.includes(m.toUpperCase()) || DAYS.includes(m.toUpperCase()) ? '' : m)))) {
    throw invalid(expression, `${FIELD_NAMES[field]} ${text} uses L, W or #, which the ecskit local cloud does not support`);
  }
  const [low, high] = RANGES[field]!;
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw invalid(expression, `${FIELD_NAMES[field]} step ${stepText} must be a positive integer`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [low, high];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [from, to] = [fieldValue(a, field, expression), fieldValue(b, field, expression)];
      if (from > to) throw invalid(expression, `${FIELD_NAMES[field]} range ${range} runs backwards`);
    } else {
      from = fieldValue(range, field, expression);
      to = stepText === undefined ? from : high;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** Parses a schedule expression or throws AWS's `ValidationException` naming what is wrong. */
export function parseSchedule(expression: string): Schedule {
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (at) {
    if (Number.isNaN(Date.parse(`${at[1]}Z`))) throw invalid(expression, `${at[1]} is not a date and time`);
    return { kind: 'at', minute: at[1]!.slice(0, 16) };
  }
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    if (value < 1) throw invalid(expression, 'the rate value must be a positive integer');
    if ((value === 1) !== !rate[2]!.endsWith('s')) throw invalid(expression, `use the singular unit for 1 and the plural otherwise ("rate(1 minute)", "rate(5 minutes)")`);
    return { kind: 'rate', seconds: value * UNIT_SECONDS[rate[2]!]! };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) {
    const parts = cron[1]!.trim().split(/\s+/);
    if (parts.length !== 6) throw invalid(expression, `cron takes 6 fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`);
    if ((parts[2] === '?') === (parts[4] === '?')) throw invalid(expression, 'exactly one of day-of-month and day-of-week must be ?');
    return { kind: 'cron', fields: parts.map((p, i) => cronField(p, i, expression)) };
  }
  throw invalid(expression, 'it is not an at(), rate() or cron() expression');
}

/** Checks an IANA time zone name; throws AWS's `ValidationException` otherwise. */
export function checkTimezone(timezone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return timezone;
  } catch {
    throw new AwsError('ValidationException', `Timezone ${timezone} is not a valid time zone; use an IANA name such as UTC or America/New_York.`);
  }
}

/** Wall-clock fields of `ms` in `timezone`: year, month (1-12), day, hour, minute, weekday (1 = Sunday). */
function wallClock(ms: number, timezone: string): { year: number; month: number; day: number; hour: number; minute: number; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' }).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { year: Number(get('year')), month: Number(get('month')), day: Number(get('day')), hour: Number(get('hour')), minute: Number(get('minute')), weekday: DAYS.indexOf(get('weekday').toUpperCase()) + 1 };
}

/** Most minutes a single check walks (a day): a longer gap fires only what the last day held. */
const MAX_MINUTES = 1440;

/**
 * The times in `(fromMs, toMs]` at which `schedule` fires. `at`/`cron` are
 * checked minute by minute on the wall clock of `timezone`; `rate` fires
 * every `seconds × timeScale` from `anchorMs` (the action's start).
 */
export function dueTimes(schedule: Schedule, fromMs: number, toMs: number, options: { timezone: string; timeScale: number; anchorMs: number }): number[] {
  if (toMs <= fromMs) return [];
  if (schedule.kind === 'rate') {
    const every = Math.max(1, new TimeScale(options.timeScale).ms(schedule.seconds));
    const out: number[] = [];
    let n = Math.floor((fromMs - options.anchorMs) / every) + 1;
    for (let t = options.anchorMs + n * every; t <= toMs && out.length < MAX_MINUTES; n++, t = options.anchorMs + n * every) if (t > fromMs) out.push(t);
    return out;
  }
  const out: number[] = [];
  const firstMinute = Math.floor(fromMs / 60_000) * 60_000 + 60_000;
  const start = Math.max(firstMinute, Math.floor(toMs / 60_000) * 60_000 - (MAX_MINUTES - 1) * 60_000);
  for (let t = start; t <= toMs; t += 60_000) {
    const w = wallClock(t, options.timezone);
    if (schedule.kind === 'at') {
      const stamp = `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}T${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
      if (stamp === schedule.minute) out.push(t);
    } else if ([w.minute, w.hour, w.day, w.month, w.weekday, w.year].every((v, i) => schedule.fields[i]?.has(v) ?? true)) {
      out.push(t);
    }
  }
  return out;
}
