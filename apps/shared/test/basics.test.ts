import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { requestLogLine, type RequestLogLine } from '../src/basics.js';

describe('request log line', () => {
  it('is exactly the JSON.stringify of the log fields, for ordinary and hostile values', () => {
    const cases: RequestLogLine[] = [
      { time: '', service: 'gateway', requestId: 'r-1', method: 'GET', path: '/items', status: 200, durationMs: 3 },
      { time: '', service: 'inv"sys', requestId: 'a"b\\c\n\u0000é😀', method: 'PUT', path: '/items/..%00', status: 413, durationMs: 0 },
      { time: '', service: 'gateway', requestId: '', method: 'DELETE', path: '/items/\u2028', status: 404, durationMs: 1.5 },
    ];
    const start = Date.UTC(2026, 10, 27, 6, 0, 0, 123);
    for (const fields of cases) {
      const expected = JSON.stringify({ ...fields, time: new Date(start).toISOString() });
      const line = requestLogLine(
        JSON.stringify(fields.service),
        start,
        fields.requestId,
        fields.method,
        fields.path,
        fields.status,
        fields.durationMs,
      );
      assert.equal(line, expected);
      assert.deepEqual(JSON.parse(line), { ...fields, time: '2026-11-27T06:00:00.123Z' });
    }
  });

  it('reformats the time when the millisecond changes', () => {
    const a = JSON.parse(requestLogLine('"s"', 0, 'i', 'GET', '/', 200, 0)) as RequestLogLine;
    const b = JSON.parse(requestLogLine('"s"', 1, 'i', 'GET', '/', 200, 0)) as RequestLogLine;
    assert.equal(a.time, '1970-01-01T00:00:00.000Z');
    assert.equal(b.time, '1970-01-01T00:00:00.001Z');
  });
});
