import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { CreateHttpNamespaceCommand } from '@aws-sdk/client-servicediscovery';
import { updateTask } from '../../src/local/services/ecs/state.js';
import { WaiterError } from '../../src/waiters/common.js';
import {
  waitForAlarmState,
  waitForCloudMapOperation,
  waitForServicesStable,
  waitForTargetsHealthy,
  waitForTasksRunning,
  waitForTasksStopped,
  waitUntilTasksRunning,
} from '../../src/waiters/resources.js';
import { addressOf, CLUSTER, createService, scheduler, scriptedClock, startWaiterCloud, updateService, type WaiterCloud } from './harness.js';

describe('resource waiters against the local cloud', () => {
  let w: WaiterCloud;
  before(async () => {
    w = await startWaiterCloud();
  });
  after(async () => {
    await w?.stop();
  });
  const fixed = { random: () => 0.5, intervalSeconds: 1 };

  it('waits for a Cloud Map operation to succeed and returns its targets', async () => {
    const { OperationId } = await w.clients.serviceDiscovery.send(new CreateHttpNamespaceCommand({ Name: 'waiters-http' }));
    const result = await waitForCloudMapOperation(w.clients, { operationId: OperationId! }, { intervalSeconds: 0.01, timeoutSeconds: 10 });
    assert.equal(result.outcome, 'success');
    assert.match(result.last?.targets.NAMESPACE ?? '', /^ns-/);
  });

  it('tasks running fails with the stop reason when a task stops first; tasks stopped succeeds after StopTask', async () => {
    const { tasks } = await w.clients.ecs.send(
      new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'invsys:1', launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: w.subnets, securityGroups: [w.securityGroup] } } }),
    );
    const taskArn = tasks![0]!.taskArn!;
    const clock = scriptedClock([() => void updateTask(w.rs(), taskArn, { lastStatus: 'STOPPED', stoppedReason: 'Essential container in task exited', stopCode: 'EssentialContainerExited', containers: [{ name: 'invsys', exitCode: 2 }] })]);
    await assert.rejects(waitUntilTasksRunning(w.clients, { cluster: CLUSTER, tasks: [taskArn] }, { ...fixed, clock }), (error: unknown) => {
      assert.ok(error instanceof WaiterError);
      assert.equal(error.outcome.outcome, 'failure');
      assert.match(error.message, /^\[waitUntilTasksRunning\] failure: task [0-9a-f]+ STOPPED: Essential container in task exited \[EssentialContainerExited\] \(exit code invsys=2\)$/);
      return true;
    });
    const { tasks: more } = await w.clients.ecs.send(
      new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'invsys:1', launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: w.subnets, securityGroups: [w.securityGroup] } } }),
    );
    const other = more![0]!.taskArn!;
    const running = scriptedClock([() => void updateTask(w.rs(), other, { lastStatus: 'RUNNING' })]);
    assert.equal((await waitForTasksRunning(w.clients, { cluster: CLUSTER, tasks: [other] }, { ...fixed, clock: running })).outcome, 'success');
    const stopClock = scriptedClock([async () => void (await w.clients.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: other, reason: 'done here' })))]);
    const stopped = await waitForTasksStopped(w.clients, { cluster: CLUSTER, tasks: [other] }, { ...fixed, clock: stopClock });
    assert.equal(stopped.outcome, 'success');
    assert.match(stopped.reason, /STOPPED: done here/);
    assert.equal(stopped.apiCalls, 2);
  });

  it('targets healthy waits through initial to healthy', async () => {
    const svc = await createService(w, { desiredCount: 1 });
    const s = scheduler(w, svc.serviceArn);
    const tasks = s.launch(svc.deploymentId, 1);
    s.register(tasks);
    const clock = scriptedClock([() => s.health(tasks, 'healthy')]);
    const result = await waitForTargetsHealthy(w.clients, { targetGroupArn: w.targetGroupArn, targets: [{ id: addressOf(tasks[0]!), port: 5000 }] }, { ...fixed, clock });
    assert.equal(result.outcome, 'success');
    assert.equal(result.elapsedSeconds, 1);
  });

  it('services stable fails on a circuit-breaker rollback that the SDK waiter would call stable', async () => {
    const svc = await createService(w, { desiredCount: 1, loadBalanced: false, discovery: false });
    const s = scheduler(w, svc.serviceArn);
    s.launch(svc.deploymentId, 1);
    s.complete(svc.deploymentId, svc.name);
    const d2 = await updateService(w, svc.name, 2);
    const clock = scriptedClock([
      () => {
        const rollback = s.fail(d2, 'ECS deployment circuit breaker: tasks failed to start.', true).rollback!;
        s.launch(rollback.id, 1);
        s.complete(rollback.id, svc.name);
      },
    ]);
    const result = await waitForServicesStable(w.clients, { cluster: CLUSTER, services: [svc.name] }, { ...fixed, clock });
    assert.equal(result.outcome, 'failure');
    assert.equal(result.reason, `${svc.name}: deployment ${d2} failed: ECS deployment circuit breaker: tasks failed to start.`);
  });

  it('services stable succeeds when running = desired and the targets are healthy', async () => {
    const svc = await createService(w, { desiredCount: 1 });
    const s = scheduler(w, svc.serviceArn);
    const tasks = s.launch(svc.deploymentId, 1);
    s.register(tasks);
    s.complete(svc.deploymentId, svc.name);
    const clock = scriptedClock([() => s.health(tasks, 'healthy')]);
    const result = await waitForServicesStable(w.clients, { cluster: CLUSTER, services: [svc.name] }, { ...fixed, clock, timeoutSeconds: 5 });
    assert.equal(result.outcome, 'success', result.reason);
    assert.equal(result.elapsedSeconds, 1, 'not stable while its target was initial');
  });

  it('alarm state waits until the alarm reaches the wanted state', async () => {
    await w.clients.cloudWatch.send(
      new PutMetricAlarmCommand({ AlarmName: 'waiters-cpu', Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 70, ComparisonOperator: 'GreaterThanThreshold' }),
    );
    const clock = scriptedClock([async () => void (await w.clients.cloudWatch.send(new SetAlarmStateCommand({ AlarmName: 'waiters-cpu', StateValue: 'ALARM', StateReason: 'test' })))]);
    const result = await waitForAlarmState(w.clients, { alarmNames: ['waiters-cpu'], state: 'ALARM' }, { ...fixed, clock });
    assert.equal(result.outcome, 'success');
    assert.equal(result.elapsedSeconds, 1);
  });
});
