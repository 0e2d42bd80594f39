import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LOCAL_SCRIPT_TIME_SCALE, REAL_TIME, TimeScale } from '../src/index.js';
import { checkTimeScale, isTimeScaleFactor } from '../src/time-scale.js';
import { CloudState } from '../src/local/cloud-state.js';
import { startLocalCloud } from '../src/local/index.js';

describe('TimeScale', () => {
  it('names its defaults: AWS pace and the scripts\' local cloud pace', () => {
    assert.equal(REAL_TIME, 1);
    assert.equal(LOCAL_SCRIPT_TIME_SCALE, 0.02);
    assert.equal(new TimeScale(REAL_TIME).isRealTime, true);
    assert.equal(new TimeScale(LOCAL_SCRIPT_TIME_SCALE).isRealTime, false);
  });

  it('turns AWS seconds into real milliseconds and seconds with the same formula the local cloud used', () => {
    const time = new TimeScale(0.02);
    assert.equal(time.factor, 0.02);
    assert.equal(time.ms(60), 60 * 1000 * 0.02);
    assert.equal(time.ms(60), 1200);
    assert.equal(time.seconds(30), 30 * 0.02);
    assert.equal(new TimeScale(1).ms(30), 30_000);
    assert.equal(new TimeScale(2).seconds(30), 60, 'a factor above 1 slows time down');
    for (const factor of [0.001, 0.005, 0.01, 0.05, 0.1, 0.3, 1]) {
      for (const seconds of [0, 0.5, 5, 30, 60, 300, 7 * 24 * 3600]) {
        assert.equal(new TimeScale(factor).ms(seconds), Math.max(0, seconds * 1000 * factor), `${seconds} s at ${factor}`);
      }
    }
  });

  it('never returns a negative duration', () => {
    const time = new TimeScale(0.5);
    assert.equal(time.ms(-10), 0);
    assert.equal(time.seconds(-10), 0);
    assert.equal(time.ms(0), 0);
  });

  it('is immutable', () => {
    const time = new TimeScale(0.02);
    assert.ok(Object.isFrozen(time));
    assert.throws(() => {
      (time as { factor: number }).factor = 1;
    }, TypeError);
    assert.equal(time.factor, 0.02);
    assert.equal(String(time), '0.02');
  });

  it('refuses hostile factors, naming the value and what to pass', () => {
    const cases: Array<[unknown, RegExp]> = [
      [0, /got: 0 \(/],
      [-1, /got: -1 \(/],
      [Number.NaN, /got: NaN \(/],
      [Number.POSITIVE_INFINITY, /got: Infinity \(/],
      [Number.NEGATIVE_INFINITY, /got: -Infinity \(/],
      ['0.02', /got: "0\.02" \(a string: parse it first\)/],
      [undefined, /got: undefined \(not a number\)/],
      [null, /got: null \(not a number\)/],
      [1n, /got: 1 \(not a number\)/],
      [{ factor: 0.02 }, /got: \{"factor":0\.02\} \(not a number\)/],
    ];
    for (const [factor, message] of cases) {
      assert.equal(isTimeScaleFactor(factor), false, String(factor));
      assert.throws(() => new TimeScale(factor as number), (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /^timeScale must be a positive number, got: /);
        assert.match(error.message, message);
        assert.match(error.message, /pass 1 for AWS's pace, or e\.g\. 0\.02 for a local cloud 50 times faster/);
        return true;
      });
    }
  });

  it('checkTimeScale returns a good factor and throws the same error for a bad one', () => {
    assert.equal(checkTimeScale(0.02), 0.02);
    assert.equal(checkTimeScale(1e-9), 1e-9);
    assert.throws(() => checkTimeScale(-1), { name: 'RangeError', message: /^timeScale must be a positive number, got: -1 \(pass 1/ });
  });

  it('the local cloud refuses a bad factor through the same check, before listening', async () => {
    for (const factor of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '0.02']) {
      await assert.rejects(startLocalCloud({ port: 0, timeScale: factor as number }), { name: 'RangeError', message: /^timeScale must be a positive number, got: / });
      assert.throws(() => new CloudState({ timeScale: factor as number }), { name: 'RangeError', message: /^timeScale must be a positive number, got: / });
    }
    const state = new CloudState({ timeScale: 0.05 });
    assert.equal(state.timeScale, 0.05);
    assert.equal(state.time.factor, 0.05);
    assert.equal(state.context('ecs', 'ListClusters', 'us-east-1').time.ms(60), 3000);
    assert.equal(new CloudState().time.factor, REAL_TIME);
  });

  it('accepts any finite positive factor, however small', () => {
    const tiny = new TimeScale(1e-9);
    assert.equal(isTimeScaleFactor(1e-9), true);
    assert.equal(tiny.factor, 1e-9);
    assert.ok(tiny.ms(60) > 0 && tiny.ms(60) < 1e-3);
    assert.equal(isTimeScaleFactor(Number.MIN_VALUE), true);
    assert.equal(isTimeScaleFactor(1e6), true);
  });

  describe('waiterTiming', () => {
    const aws = { timeoutSeconds: 900, intervalSeconds: 5, stalledAfterSeconds: 600 };

    it('keeps the AWS timing at AWS pace or slower', () => {
      assert.deepEqual(new TimeScale(1).waiterTiming(aws), aws);
      assert.deepEqual(new TimeScale(3).waiterTiming(aws), aws);
    });

    it('scales with headroom and floors on a faster cloud (the lab\'s former formula)', () => {
      assert.deepEqual(new TimeScale(0.02).waiterTiming(aws), { timeoutSeconds: 120, intervalSeconds: 0.2, stalledAfterSeconds: 60 });
      for (const factor of [1e-9, 0.001, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 0.9]) {
        // What examples/01-core-concepts.ts computed before TimeScale existed.
        const before = {
          timeoutSeconds: Math.max(120, 900 * factor * 5),
          intervalSeconds: Math.min(2, Math.max(0.1, 10 * factor)),
          stalledAfterSeconds: Math.max(60, 600 * factor * 5),
        };
        assert.deepEqual(new TimeScale(factor).waiterTiming(aws), before, `factor ${factor}`);
      }
    });

    it('bounds the poll interval between 0.1 s and 2 s of real time', () => {
      assert.equal(new TimeScale(0.001).waiterTiming(aws).intervalSeconds, 0.1);
      assert.equal(new TimeScale(0.5).waiterTiming(aws).intervalSeconds, 2);
    });
  });
});
