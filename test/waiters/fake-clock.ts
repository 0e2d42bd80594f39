import type { Clock } from '../../src/waiters/clock.js';

/** A clock whose sleeps complete instantly and advance virtual time; records every sleep. */
export function fakeClock(startMs = 1_700_000_000_000): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
      await Promise.resolve();
      if (signal?.aborted) throw signal.reason;
    },
  };
}
