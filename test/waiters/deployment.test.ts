import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeploymentError,
  DeploymentNotFoundError,
  followDeployment,
  followedEvents,
  waitForDeployment,
  waitUntilDeploymentCompleted,
  type DeploymentEvent,
} from '../../src/waiters/deployment/index.js';
import { EcskitError } from '../../src/errors.js';
import { CLUSTER, createService, scheduler, scriptedClock, startWaiterCloud, updateService, type WaiterCloud } from './harness.js';

describe('waitForDeployment against the local cloud', () => {
  let w: WaiterCloud;
  before(async () => {
    w = await startWaiterCloud();
  });
  after(async () => {
    await w?.stop();
  });

  const fixed = { random: () => 0.5, intervalSeconds: 2 };

  /** A service whose first deployment (revision 1) already completed with 2 healthy tasks. */
  async function steadyService() {
    const svc = await createService(w);
    const s = scheduler(w, svc.serviceArn);
    const tasks = s.launch(svc.deploymentId, 2);
    s.register(tasks);
    s.health(tasks, 'healthy');
    s.discover(tasks);
    s.complete(svc.deploymentId, svc.name);
    return { ...svc, s, tasks };
  }

  it('reports only the followed deployment\'s events, not the completion of the one it replaced moments before', async () => {
    const svc = await steadyService();
    // The next deployment starts within a second of the previous one's completion, as a rollback does.
    const next = await updateService(w, svc.name, 2);
    let tasks: ReturnType<typeof svc.s.launch> = [];
    const events: DeploymentEvent[] = [];
    const clock = scriptedClock([
      () => void (tasks = svc.s.launch(next, 2)),
      () => svc.s.register(tasks),
      () => svc.s.health(tasks, 'healthy'),
      () => svc.s.discover(tasks),
      () => svc.s.complete(next, svc.name),
    ]);
    const outcome = await waitForDeployment(w.clients, { cluster: CLUSTER, service: svc.name, deploymentId: next }, { ...fixed, clock, onEvent: (e) => events.push(e) });
    assert.equal(outcome.outcome, 'completed');
    const messages = events.flatMap((e) => (e.type === 'serviceEvent' ? [e.event.message] : []));
    assert.ok(!messages.some((m) => m.includes(svc.deploymentId)), `events of the previous deployment: ${messages.join(' | ')}`);
    assert.equal(messages.filter((m) => /steady state/.test(m)).length, 1, `one steady state, the followed deployment's: ${messages.join(' | ')}`);
    assert.ok(messages.some((m) => m.includes(`(deployment ${next}) deployment completed`)), messages.join(' | '));
  });

  it('followedEvents keeps events that name the deployment, and unnamed ones from its creation on', () => {
    const at = (ms: number) => new Date(1_000_000 + ms);
    const kept = followedEvents(
      [
        { id: '1', createdAt: at(-500), message: '(service s) (deployment ecs-svc/old) deployment completed.' },
        { id: '2', createdAt: at(-400), message: '(service s) has reached a steady state.' },
        { id: '3', createdAt: at(-1), message: '(service s) (deployment ecs-svc/new) deployment started.' },
        { id: '4', createdAt: at(0), message: '(service s) has started 2 tasks: (task a) (task b).' },
        { id: '5', createdAt: at(10), message: '(service s) (deployment ecs-svc/other) rolling back.' },
      ],
      'ecs-svc/new',
      1_000_000,
    );
    assert.deepEqual(kept.map((e) => e.id), ['3', '4']);
    assert.deepEqual(followedEvents([{ id: 'x', message: 'm' }], 'd', undefined), [{ id: 'x', createdAt: 0, message: 'm' }]);
  });

  it('completes only once the new tasks run, are healthy in the target group and registered in Cloud Map', async () => {
    const svc = await createService(w);
    const s = scheduler(w, svc.serviceArn);
    let tasks: ReturnType<typeof s.launch> = [];
    const events: DeploymentEvent[] = [];
    const clock = scriptedClock([
      () => void (tasks = s.launch(svc.deploymentId, 2)),
      () => s.register(tasks),
      () => s.health(tasks, 'healthy'),
      () => s.discover(tasks),
      () => s.complete(svc.deploymentId, svc.name),
    ]);
    const outcome = await waitForDeployment(w.clients, { cluster: CLUSTER, service: svc.name, deploymentId: svc.deploymentId }, { ...fixed, clock, onEvent: (e) => events.push(e) });
    assert.equal(outcome.outcome, 'completed');
    if (outcome.outcome !== 'completed') return;
    assert.equal(outcome.runningCount, 2);
    assert.match(outcome.taskDefinition, /task-definition\/invsys:1$/);
    assert.equal(outcome.elapsedSeconds, 10, 'six polls, five 2-second sleeps');
    assert.ok(outcome.apiCalls >= 6 * 3, `at least DescribeServices + 2 ListTasks per poll, got ${outcome.apiCalls}`);
    assert.equal(outcome.last?.targets.length, 2);
    assert.ok(outcome.last?.targets.every((t) => t.state === 'healthy'));
    assert.ok(outcome.last?.registrations.every((r) => r.registered));
    const health = events.filter((e) => e.type === 'targetHealth').map((e) => (e.type === 'targetHealth' ? `${e.previousState}→${e.target.state}` : ''));
    assert.deepEqual(health, ['undefined→notRegistered', 'undefined→notRegistered', 'notRegistered→initial', 'notRegistered→initial', 'initial→healthy', 'initial→healthy']);
    assert.ok(events.some((e) => e.type === 'serviceEvent' && /deployment completed/.test(e.event.message)));
    assert.equal(events.at(-1)?.type, 'outcome');
  });

  it('reports a circuit-breaker rollback with its reason, the revision it went back to and the stopped tasks', async () => {
    const svc = await steadyService();
    const d2 = await updateService(w, svc.name, 2);
    let failing: ReturnType<typeof svc.s.launch> = [];
    const clock = scriptedClock([
      () => void (failing = svc.s.launch(d2, 2)),
      () => {
        svc.s.stop(failing, 'Essential container in task exited', 1);
        svc.s.failed(d2, 2);
      },
      () => void svc.s.fail(d2, 'ECS deployment circuit breaker: tasks failed to start.', true),
    ]);
    const outcome = await waitForDeployment(w.clients, { cluster: CLUSTER, service: svc.name, deploymentId: d2 }, { ...fixed, clock });
    assert.equal(outcome.outcome, 'rolledBack');
    if (outcome.outcome !== 'rolledBack') return;
    assert.equal(outcome.reason, 'ECS deployment circuit breaker: tasks failed to start.');
    assert.match(outcome.rolledBackTo.taskDefinition ?? '', /invsys:1$/);
    assert.ok(outcome.rolledBackTo.deploymentId && outcome.rolledBackTo.deploymentId !== d2);
    assert.ok(outcome.rolledBackTo.serviceRevisionArn, 'the revision from DescribeServiceDeployments');
    assert.equal(outcome.stoppedTasks.length, 2);
    assert.deepEqual(outcome.stoppedTasks[0]?.containers, [{ name: 'invsys', exitCode: 1, reason: undefined }]);
    assert.equal(outcome.stoppedTasks[0]?.stopCode, 'EssentialContainerExited');
  });

  it('reports a failed deployment without rollback with the stopped tasks\' reasons and exit codes', async () => {
    const svc = await steadyService();
    const d2 = await updateService(w, svc.name, 2);
    const clock = scriptedClock([
      () => {
        const crashed = svc.s.launch(d2, 1);
        svc.s.stop(crashed, 'Essential container in task exited', 137);
        svc.s.failed(d2, 1);
        svc.s.fail(d2, 'ECS deployment circuit breaker: tasks failed to start.', false);
      },
    ]);
    const outcome = await waitForDeployment(w.clients, { cluster: CLUSTER, service: svc.name, deploymentId: d2 }, { ...fixed, clock });
    assert.equal(outcome.outcome, 'failed');
    if (outcome.outcome !== 'failed') return;
    assert.equal(outcome.reason, 'ECS deployment circuit breaker: tasks failed to start.');
    assert.equal(outcome.stoppedTasks[0]?.stoppedReason, 'Essential container in task exited');
    assert.equal(outcome.stoppedTasks[0]?.containers[0]?.exitCode, 137);
  });

  it('reports superseded when a second UpdateService takes over', async () => {
    const svc = await steadyService();
    const d2 = await updateService(w, svc.name, 2);
    let d3 = '';
    const clock = scriptedClock([async () => void (d3 = await updateService(w, svc.name, 1))]);
    const outcome = await waitForDeployment(w.clients, { cluster: CLUSTER, service: svc.name, deploymentId: d2 }, { ...fixed, clock });
    assert.equal(outcome.outcome, 'superseded');
    if (outcome.outcome !== 'superseded') return;
    assert.equal(outcome.by.deploymentId, d3);
    assert.match(outcome.by.taskDefinition ?? '', /invsys:1$/);
  });

  it('reports superseded even when the newer deployment already completed and removed this one', async () => {
    const svc = await steadyService();
    const d2 = await updateService(w, svc.name, 2);
    const clock = scriptedClock([
      async () => {
        const d3 = await updateService(w, svc.name, 1);
        const tasks = svc.s.launch(d3, 2);
        svc.s.register(tasks);
        svc.s.health(tasks, 'healthy');
        svc.s.complete(d3, svc.name);
      },
    ]);
    const outcome = await waitForDeployment(w.clients, { cluster: CLUSTER, service: svc.name, deploymentId: d2 }, { ...fixed, clock });
    assert.equal(outcome.outcome, 'superseded');
    assert.equal(outcome.last?.deployments.some((d) => d.id === d2), false);
    assert.equal(outcome.last?.serviceDeployment?.status, 'STOPPED');
  });

  it('reports stalled when a task never becomes healthy, after the configured seconds of no progress', async () => {
    const svc = await steadyService();
    const d2 = await updateService(w, svc.name, 2);
    const clock = scriptedClock([
      () => {
        const tasks = svc.s.launch(d2, 1);
        svc.s.register(tasks);
        svc.s.health(tasks, 'unhealthy', 'Target.FailedHealthChecks');
      },
    ]);
    const outcome = await waitForDeployment(w.clients, { cluster: CLUSTER, service: svc.name, deploymentId: d2 }, { ...fixed, clock, stalledAfterSeconds: 30 });
    assert.equal(outcome.outcome, 'stalled');
    if (outcome.outcome !== 'stalled') return;
    assert.equal(outcome.stalledForSeconds, 30);
    assert.equal(outcome.elapsedSeconds, 32, 'progress last seen at the second poll');
    assert.match(outcome.reason, /no progress for 30 s: .*1\/2 tasks running.*is unhealthy \(Target\.FailedHealthChecks\)/);
  });

  it('times out after timeoutSeconds with the last observation and what it was waiting for', async () => {
    const svc = await steadyService();
    const d2 = await updateService(w, svc.name, 2);
    const clock = scriptedClock([]);
    const outcome = await waitForDeployment(w.clients, { cluster: CLUSTER, service: svc.name, deploymentId: d2 }, { ...fixed, clock, timeoutSeconds: 10 });
    assert.equal(outcome.outcome, 'timedOut');
    assert.equal(outcome.elapsedSeconds, 10);
    assert.match(outcome.reason, /^timed out after 10 s; still waiting: rollout IN_PROGRESS; 0\/2 tasks running/);
    assert.equal(outcome.last?.deploymentId, d2);
  });

  it('stops at once when the AbortSignal fires and says so', async () => {
    const svc = await steadyService();
    const d2 = await updateService(w, svc.name, 2);
    const controller = new AbortController();
    const clock = scriptedClock([() => {}, () => controller.abort()]);
    const outcome = await waitForDeployment(w.clients, { cluster: CLUSTER, service: svc.name, deploymentId: d2 }, { ...fixed, clock, signal: controller.signal });
    assert.equal(outcome.outcome, 'aborted');
    assert.equal(outcome.elapsedSeconds, 4);
  });

  it('waitUntilDeploymentCompleted throws a DeploymentError carrying the outcome', async () => {
    const svc = await steadyService();
    const d2 = await updateService(w, svc.name, 2);
    const clock = scriptedClock([() => void svc.s.fail(d2, 'ECS deployment circuit breaker: tasks failed to start.', true)]);
    await assert.rejects(waitUntilDeploymentCompleted(w.clients, { cluster: CLUSTER, service: svc.name, deploymentId: d2 }, { ...fixed, clock }), (error: unknown) => {
      assert.ok(error instanceof DeploymentError);
      assert.equal(error.name, 'DeploymentError');
      assert.equal(error.outcome.outcome, 'rolledBack');
      assert.equal(error.message, `[waitUntilDeploymentCompleted] lab/${svc.name} deployment ${d2} rolledBack: ECS deployment circuit breaker: tasks failed to start.`);
      return true;
    });
  });

  it('names the wrong deployment id and where to find the right one', async () => {
    const svc = await createService(w);
    await assert.rejects(
      waitForDeployment(w.clients, { cluster: CLUSTER, service: svc.name, deploymentId: 'ecs-svc/123' }, { ...fixed, clock: scriptedClock([]) }),
      new RegExp(`^Error: deploymentId: ecs-svc/123 is not a deployment of service ${svc.name} \\(it has ${svc.deploymentId.replace('/', '\\/')}\\)`),
    );
  });

  it('throws a typed DeploymentNotFoundError with a code for a wrong deployment id or service', async () => {
    const svc = await createService(w);
    await assert.rejects(waitForDeployment(w.clients, { cluster: CLUSTER, service: svc.name, deploymentId: 'ecs-svc/123' }, { ...fixed, clock: scriptedClock([]) }), (error: unknown) => {
      assert.ok(error instanceof DeploymentNotFoundError);
      assert.ok(EcskitError.is(error));
      assert.equal(error.code, 'DEPLOYMENT_NOT_FOUND');
      return true;
    });
    await assert.rejects(waitForDeployment(w.clients, { cluster: CLUSTER, service: 'no-such-service', deploymentId: svc.deploymentId }, { ...fixed, clock: scriptedClock([]) }), (error: unknown) => {
      assert.ok(error instanceof DeploymentNotFoundError);
      assert.equal(error.code, 'SERVICE_NOT_FOUND');
      assert.match(error.message, /^service: no-such-service was not found in cluster /);
      return true;
    });
  });

  it('followDeployment yields the progress events and ends with the outcome', async () => {
    const svc = await createService(w, { desiredCount: 1, loadBalanced: false, discovery: false });
    const s = scheduler(w, svc.serviceArn);
    const clock = scriptedClock([() => void s.launch(svc.deploymentId, 1), () => s.complete(svc.deploymentId, svc.name)]);
    const types: string[] = [];
    for await (const event of followDeployment(w.clients, { cluster: CLUSTER, service: svc.name, deploymentId: svc.deploymentId }, { ...fixed, clock })) {
      types.push(event.type === 'serviceEvent' ? `serviceEvent:${event.event.message.replace(/^\(service \S+\) /, '')}` : event.type);
    }
    assert.deepEqual(types, [
      'deploymentCounts',
      'deploymentCounts',
      'deploymentCounts',
      `serviceEvent:(deployment ${svc.deploymentId}) deployment completed.`,
      'serviceEvent:has reached a steady state.',
      'outcome',
    ]);
  });

  it('followDeployment stops polling when the consumer breaks out of the loop', async () => {
    const svc = await createService(w, { desiredCount: 1 });
    const clock = scriptedClock([]);
    let seen = 0;
    for await (const event of followDeployment(w.clients, { cluster: CLUSTER, service: svc.name, deploymentId: svc.deploymentId }, { ...fixed, clock })) {
      seen++;
      assert.equal(event.type, 'deploymentCounts');
      break;
    }
    const sleepsAtBreak = clock.sleeps.length;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(seen, 1);
    assert.ok(clock.sleeps.length <= sleepsAtBreak + 1, 'no further polls after the break');
  });
});
