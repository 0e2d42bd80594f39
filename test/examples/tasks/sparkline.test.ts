import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sparkline } from '../../../examples/09-monitoring.ts';

test('Task 9 sparkline: lowest to highest in eight blocks, a flat series at the bottom, nothing for no values', () => {
  assert.equal(sparkline([0, 5, 10]), '▁▅█');
  assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8]), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([3, 3, 3]), '▁▁▁');
  assert.equal(sparkline([-2, 0, 2]), '▁▅█');
  assert.equal(sparkline([]), '');
});
