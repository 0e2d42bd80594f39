/**
 * examples/09-monitoring.ts after Tasks 1–4 on a local cloud: the alarms
 * change state, read from DescribeAlarmHistory — the task-failure alarm
 * INSUFFICIENT_DATA → OK once RunningTaskCount flows, the CPU alarm after
 * the driven load OK (ALARM → OK when the machine got it over 80 %) — and 9.4 reads one task's logs by
 * its stream prefix while the guide's filter pattern matches nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTasks1to4 } from '../../../examples/04-gateway-service.ts';
import { run as monitoring } from '../../../examples/09-monitoring.ts';
import { openLocalLab } from '../local-lab.js';

test('Task 9: the task-failure alarm goes INSUFFICIENT_DATA → OK, the CPU alarm under a driven load ends OK; errata 9.3 and 9.4', { timeout: 180_000 }, async () => {
  const { lab, target } = await openLocalLab();
  try {
    await runTasks1to4(lab);
    const t9 = await monitoring(lab);
    assert.equal(t9.alarms['ecs-gateway-task-failures']?.namespace, 'ECS/ContainerInsights');
    assert.deepEqual(t9.transitions.taskFailures.states, ['INSUFFICIENT_DATA', 'OK']);
    // The CPU alarm: the load was driven and the alarm ends OK. Whether it reached ALARM depends on what the
    // machine can serve (measured on the shared 2-core machine: 1 run of 3 over 80 %), so it is reported, not asserted.
    const states = t9.transitions.highCpu.states;
    assert.ok((t9.transitions.highCpu.load?.requests ?? 0) > 0, `load ${JSON.stringify(t9.transitions.highCpu.load)}`);
    assert.equal(states.at(-1), 'OK', `CPU alarm states ${states.join(' → ')}`);
    if (states.includes('ALARM')) assert.ok(states.indexOf('ALARM') < states.lastIndexOf('OK'), 'ALARM is followed by OK');
    assert.deepEqual(t9.errata, ['9.3', '9.4']);
    assert.ok(t9.logs.task && t9.logs.task.lines > 0);
    assert.equal(t9.logs.task.streamPrefix, `ecs/gateway/${t9.logs.task.id}`);
    assert.equal(t9.logs.task.guideFilterLines, 0);
  } finally {
    await target.close();
  }
});
