import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../../../src/local/core/types.js';
import { dueTimes, parseSchedule } from '../../../../src/local/services/autoscaling/schedule.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

test('at() fires once, at its minute on the wall clock of the time zone', () => {
  const s = parseSchedule('at(2026-12-06T09:30:00)');
  const utc = { timezone: 'UTC', timeScale: 1, anchorMs: 0 };
  assert.deepEqual(dueTimes(s, at('2026-12-06T09:00:00Z'), at('2026-12-06T10:00:00Z'), utc).map(iso), ['2026-12-06T09:30:00.000Z']);
  assert.deepEqual(dueTimes(s, at('2026-12-06T09:30:00Z'), at('2026-12-06T10:00:00Z'), utc), [], 'the lower bound is exclusive');
  // 09:30 in New York (EST, UTC-5) is 14:30 UTC.
  assert.deepEqual(dueTimes(s, at('2026-12-06T14:00:00Z'), at('2026-12-06T15:00:00Z'), { ...utc, timezone: 'America/New_York' }).map(iso), ['2026-12-06T14:30:00.000Z']);
});

test('cron() matches minutes, hours, ranges, steps, lists and names; day-of-week 1 is Sunday', () => {
  const utc = { timezone: 'UTC', timeScale: 1, anchorMs: 0 };
  // Every 15 minutes from 08:00 to 09:59 on weekdays (2026-12-07 is a Monday).
  const s = parseSchedule('cron(0/15 8-9 ? * MON-FRI *)');
  const monday = dueTimes(s, at('2026-12-07T00:00:00Z'), at('2026-12-07T23:59:00Z'), utc).map(iso);
  assert.deepEqual(monday, ['08:00', '08:15', '08:30', '08:45', '09:00', '09:15', '09:30', '09:45'].map((hm) => `2026-12-07T${hm}:00.000Z`));
  assert.deepEqual(dueTimes(s, at('2026-12-06T00:00:00Z'), at('2026-12-06T23:59:00Z'), utc), [], 'Sunday is not MON-FRI');
  const sunday = parseSchedule('cron(0 12 ? * 1 *)');
  assert.deepEqual(dueTimes(sunday, at('2026-12-06T00:00:00Z'), at('2026-12-06T23:59:00Z'), utc).map(iso), ['2026-12-06T12:00:00.000Z']);
  const firstOfMonth = parseSchedule('cron(30 6 1 JAN,JUL ? 2027)');
  assert.deepEqual(dueTimes(firstOfMonth, at('2027-01-01T00:00:00Z'), at('2027-01-01T12:00:00Z'), utc).map(iso), ['2027-01-01T06:30:00.000Z']);
  assert.deepEqual(dueTimes(firstOfMonth, at('2026-01-01T00:00:00Z'), at('2026-01-01T12:00:00Z'), utc), [], 'year 2027 only');
});

test('rate() fires every interval from its anchor, at the time scale', () => {
  const s = parseSchedule('rate(5 minutes)');
  assert.deepEqual(dueTimes(s, 0, 20 * 60_000, { timezone: 'UTC', timeScale: 1, anchorMs: 0 }), [5, 10, 15, 20].map((m) => m * 60_000));
  // At time scale 0.02 five AWS minutes are 6 real seconds.
  assert.deepEqual(dueTimes(s, 1000, 13_000, { timezone: 'UTC', timeScale: 0.02, anchorMs: 1000 }), [7000, 13_000]);
  assert.deepEqual(dueTimes(parseSchedule('rate(1 day)'), 0, 86_400_000, { timezone: 'UTC', timeScale: 1, anchorMs: 0 }), [86_400_000]);
});

test('bad expressions are refused with the reason and the forms AWS takes', () => {
  for (const [expression, why] of [
    ['every 5 minutes', /not an at\(\), rate\(\) or cron\(\)/],
    ['rate(0 minutes)', /positive integer/],
    ['rate(5 minute)', /singular unit for 1 and the plural/],
    ['rate(1 minutes)', /singular unit for 1/],
    ['rate(5 weeks)', /not an at/],
    ['at(2026-13-40T25:00:00)', /not a date and time/],
    ['cron(0 8 * * *)', /6 fields/],
    ['cron(0 8 * * MON *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['cron(0 8 ? * ? *)', /exactly one/],
    ['cron(61 8 * * ? *)', /minutes value 61 is outside 0-59/],
    ['cron(0 8 L * ? *)', /L, W or #/],
    ['cron(0 8 ? * 2#1 *)', /L, W or #/],
    ['cron(0 9-8 * * ? *)', /runs backwards/],
    ['cron(0/0 8 * * ? *)', /step 0 must be a positive integer/],
  ] as const) {
    assert.throws(() => parseSchedule(expression), (e: unknown) => e instanceof AwsError && e.code === 'ValidationException' && why.test(e.message), expression);
  }
});
