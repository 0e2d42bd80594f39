import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeploymentCounts, DeploymentEvent, DeploymentOutcome } from '../../src/waiters/deployment/index.js';
import { jsonRenderer, logRenderer, tableRenderer } from '../../src/waiters/render.js';

const AT = Date.UTC(2025, 0, 1, 12, 0, 0);
const TG = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/invsys-tg/0123456789abcdef';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (chunk: string) => chunks.push(chunk), text: () => chunks.join('') };
}

function counts(id: string, status: string, revision: number, running: number, pending: number, desired: number, rolloutState = 'IN_PROGRESS'): DeploymentCounts {
  return { id, status, taskDefinition: `arn:aws:ecs:us-east-1:000000000000:task-definition/invsys:${revision}`, revision, desired, running, pending, failed: 0, rolloutState, rolloutStateReason: undefined, createdAt: AT };
}

const outcome: DeploymentOutcome = {
  outcome: 'completed',
  deploymentId: 'ecs-svc/2',
  reason: 'deployment ecs-svc/2 completed: 2/2 tasks running',
  taskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/invsys:2',
  runningCount: 2,
  elapsedSeconds: 30,
  apiCalls: 75,
  last: undefined,
};

const events: DeploymentEvent[] = [
  { type: 'deploymentCounts', at: AT, deploymentId: 'ecs-svc/2', deployments: [counts('ecs-svc/2', 'PRIMARY', 2, 1, 1, 2), counts('ecs-svc/1', 'ACTIVE', 1, 1, 0, 2, 'COMPLETED')] },
  { type: 'targetHealth', at: AT + 4000, deploymentId: 'ecs-svc/2', target: { targetGroupArn: TG, taskArn: 't', id: '10.0.1.7', port: 5000, state: 'healthy', reason: undefined, description: undefined }, previousState: 'initial' },
  { type: 'taskStopped', at: AT + 6000, deploymentId: 'ecs-svc/2', task: { taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/lab/abc', stoppedReason: 'Essential container in task exited', stopCode: 'EssentialContainerExited', containers: [{ name: 'invsys', exitCode: 1, reason: undefined }] } },
  { type: 'serviceEvent', at: AT + 8000, deploymentId: 'ecs-svc/2', event: { id: 'e', createdAt: AT, message: '(service invsys-service) has reached a steady state.' } },
  { type: 'outcome', at: AT + 30000, deploymentId: 'ecs-svc/2', outcome },
];

describe('renderers write exactly what a user reads', () => {
  it('the log renderer writes one timestamped plain line per change', () => {
    const out = sink(false);
    const render = logRenderer(out);
    for (const e of events) render(e);
    assert.equal(
      out.text(),
      [
        '2025-01-01T12:00:00.000Z deployment ecs-svc/2 PRIMARY rev 2: running 1, pending 1, desired 2, failed 0 (IN_PROGRESS)',
        '2025-01-01T12:00:00.000Z deployment ecs-svc/1 ACTIVE rev 1: running 1, pending 0, desired 2, failed 0 (COMPLETED)',
        '2025-01-01T12:00:04.000Z target 10.0.1.7:5000 (invsys-tg): initial → healthy',
        '2025-01-01T12:00:06.000Z task abc stopped: Essential container in task exited [EssentialContainerExited] (exit code invsys=1)',
        '2025-01-01T12:00:08.000Z event: (service invsys-service) has reached a steady state.',
        '2025-01-01T12:00:30.000Z outcome: completed — deployment ecs-svc/2 completed: 2/2 tasks running (30 s, 75 API calls)',
        '',
      ].join('\n'),
    );
  });

  it('the JSON renderer writes one parseable object per line, without the outcome\'s last observation', () => {
    const out = sink(false);
    const render = jsonRenderer(out);
    for (const e of events) render(e);
    const lines = out.text().trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.type), ['deploymentCounts', 'targetHealth', 'taskStopped', 'serviceEvent', 'outcome']);
    assert.equal(lines[4].outcome.outcome, 'completed');
    assert.equal('last' in lines[4].outcome, false);
    assert.equal(lines[0].deployments[0].running, 1);
  });

  it('the table renderer draws the lab\'s Task 5.4 table on a TTY and redraws it in place', () => {
    const out = sink(true);
    const render = tableRenderer(out, { env: { NO_COLOR: '1' } });
    render(events[0]!);
    render(events[1]!);
    const table = [
      '----------------------------------------------------',
      '|                   Deployments                    |',
      '+---------+----------+---------+---------+---------+',
      '| Status  | Revision | Running | Pending | Desired |',
      '+---------+----------+---------+---------+---------+',
      '| PRIMARY | 2        | 1       | 1       | 2       |',
      '| ACTIVE  | 1        | 1       | 0       | 2       |',
      '+---------+----------+---------+---------+---------+',
    ];
    assert.equal(out.chunks[0], `${table.join('\n')}\n`);
    assert.equal(out.chunks[1], `\x1b[8A\x1b[0J${table.join('\n')}\ntarget 10.0.1.7:5000 (invsys-tg): initial → healthy\n`);
    render(events[4]!);
    assert.ok(out.chunks[2]!.startsWith('\x1b[9A\x1b[0J'), 'moves up over the table and the status line');
    assert.ok(out.chunks[2]!.endsWith('outcome: completed — deployment ecs-svc/2 completed: 2/2 tasks running (30 s, 75 API calls)\n'));
  });

  it('the table renderer colours a TTY unless NO_COLOR is set', () => {
    const coloured = sink(true);
    tableRenderer(coloured, { env: {} })(events[0]!);
    assert.match(coloured.text(), /\x1b\[32mPRIMARY\x1b\[0m/);
    const plain = sink(true);
    tableRenderer(plain, { env: { NO_COLOR: '1' } })(events[0]!);
    assert.doesNotMatch(plain.text(), /\x1b\[\d+m/);
  });

  it('the table renderer falls back to plain log lines when the stream is not a TTY', () => {
    const out = sink(false);
    tableRenderer(out, { env: {} })(events[1]!);
    assert.equal(out.text(), '2025-01-01T12:00:04.000Z target 10.0.1.7:5000 (invsys-tg): initial → healthy\n');
  });
});
