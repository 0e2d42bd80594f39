import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptDeployment,
  deploymentEvents,
  DEFAULT_DEPLOYMENT_RULES,
  type DeploymentCounts,
  type DeploymentObservation,
  type ObservedTask,
} from '../../src/waiters/deployment/index.js';
import {
  acceptAlarmState,
  acceptCloudMapOperation,
  acceptServicesStable,
  acceptTargetsHealthy,
  acceptTasksRunning,
  acceptTasksStopped,
  type ServiceStability,
} from '../../src/waiters/resources.js';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/invsys-tg/0123456789abcdef';
const REG = 'arn:aws:servicediscovery:us-east-1:000000000000:service/srv-abc';

function dep(over: Partial<DeploymentCounts> = {}): DeploymentCounts {
  return { id: 'ecs-svc/2', status: 'PRIMARY', taskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/invsys:2', revision: 2, desired: 2, running: 2, pending: 0, failed: 0, rolloutState: 'COMPLETED', rolloutStateReason: undefined, createdAt: 0, ...over };
}
const OLD = dep({ id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/invsys:1', revision: 1 });

function task(id: string, over: Partial<ObservedTask> = {}): ObservedTask {
  return { taskArn: `arn:aws:ecs:us-east-1:000000000000:task/lab/${id}`, taskId: id, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', healthStatus: 'HEALTHY', address: `10.0.0.${id.length}`, stoppedReason: undefined, stopCode: undefined, containerInstanceArn: undefined, containers: [], ...over };
}

function obs(over: Partial<DeploymentObservation> = {}): DeploymentObservation {
  return {
    at: 0,
    cluster: 'lab',
    service: 'invsys-service',
    deploymentId: 'ecs-svc/2',
    serviceStatus: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    deployments: [dep()],
    tasks: [task('a'), task('bb')],
    targets: [
      { targetGroupArn: TG, taskArn: 'a', id: '10.0.0.1', port: 5000, state: 'healthy', reason: undefined, description: undefined },
      { targetGroupArn: TG, taskArn: 'bb', id: '10.0.0.2', port: 5000, state: 'healthy', reason: undefined, description: undefined },
    ],
    registrations: [{ registryArn: REG, taskArn: 'a', registered: true }, { registryArn: REG, taskArn: 'bb', registered: true }],
    serviceDeployment: undefined,
    events: [],
    secondsWithoutProgress: 0,
    ...over,
  };
}

describe('acceptDeployment decides from one observation', () => {
  const cases: { name: string; o: DeploymentObservation; state: string; outcome?: string; reason?: RegExp }[] = [
    { name: 'everything running, healthy and registered after COMPLETED is completed', o: obs(), state: 'done', outcome: 'completed' },
    { name: 'COMPLETED but a target still initial keeps waiting', o: obs({ targets: [{ targetGroupArn: TG, taskArn: 'a', id: '10.0.0.1', port: 5000, state: 'initial', reason: 'Elb.RegistrationInProgress', description: undefined }] }), state: 'pending', reason: /target 10\.0\.0\.1:5000 in invsys-tg is initial \(Elb\.RegistrationInProgress\)/ },
    { name: 'COMPLETED but not yet in Cloud Map keeps waiting', o: obs({ registrations: [{ registryArn: REG, taskArn: 'x/a', registered: false }] }), state: 'pending', reason: /task a not yet registered in Cloud Map service srv-abc/ },
    { name: 'IN_PROGRESS with running = desired keeps waiting for the rollout', o: obs({ deployments: [dep({ rolloutState: 'IN_PROGRESS' }), OLD] }), state: 'pending', reason: /rollout IN_PROGRESS/ },
    { name: 'old tasks still running keep the service count above desired', o: obs({ runningCount: 4 }), state: 'pending', reason: /service has 4 running tasks, desired 2/ },
    { name: 'FAILED with another PRIMARY is a rollback', o: obs({ deployments: [dep({ id: 'ecs-svc/3', taskDefinition: OLD.taskDefinition }), dep({ status: 'ACTIVE', rolloutState: 'FAILED', rolloutStateReason: 'circuit breaker' })] }), state: 'done', outcome: 'rolledBack', reason: /^circuit breaker$/ },
    { name: 'FAILED while still PRIMARY is a failure', o: obs({ deployments: [dep({ rolloutState: 'FAILED', rolloutStateReason: 'tasks failed to start' })] }), state: 'done', outcome: 'failed', reason: /tasks failed to start/ },
    { name: 'another PRIMARY while IN_PROGRESS is superseded', o: obs({ deployments: [dep({ id: 'ecs-svc/3' }), dep({ status: 'ACTIVE', rolloutState: 'IN_PROGRESS' })] }), state: 'done', outcome: 'superseded', reason: /replaced by ecs-svc\/3/ },
    { name: 'gone with a ROLLBACK_SUCCESSFUL service deployment is a rollback', o: obs({ deployments: [OLD], serviceDeployment: { arn: 'sd', status: 'ROLLBACK_SUCCESSFUL', statusReason: undefined, rollbackReason: 'breaker', rollbackRevisionArn: 'rev/1' } }), state: 'done', outcome: 'rolledBack', reason: /^breaker$/ },
    { name: 'gone with a STOPPED service deployment is superseded', o: obs({ deployments: [OLD], serviceDeployment: { arn: 'sd', status: 'STOPPED', statusReason: 'Superseded by a newer deployment.', rollbackReason: undefined, rollbackRevisionArn: undefined } }), state: 'done', outcome: 'superseded' },
    { name: 'a deleted service is a failure', o: obs({ serviceStatus: 'DRAINING' }), state: 'done', outcome: 'failed', reason: /is DRAINING/ },
    { name: 'no progress for the configured time is stalled', o: obs({ deployments: [dep({ running: 1, pending: 1, rolloutState: 'IN_PROGRESS' })], secondsWithoutProgress: 600 }), state: 'done', outcome: 'stalled', reason: /^no progress for 600 s: rollout IN_PROGRESS; 1\/2 tasks running, 1 pending/ },
    { name: 'just short of the stall time keeps waiting', o: obs({ deployments: [dep({ running: 1, pending: 1, rolloutState: 'IN_PROGRESS' })], secondsWithoutProgress: 599 }), state: 'pending' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const verdict = acceptDeployment(c.o, DEFAULT_DEPLOYMENT_RULES);
      assert.equal(verdict.state, c.state);
      if (verdict.state === 'done') {
        assert.equal(verdict.value.outcome, c.outcome);
        if (c.reason) assert.match(verdict.value.reason, c.reason);
      } else if (c.reason) {
        assert.match(verdict.reason ?? '', c.reason);
      }
    });
  }

  it('ignores target health and Cloud Map when told to', () => {
    const o = obs({ targets: [{ targetGroupArn: TG, taskArn: 'a', id: '10.0.0.1', port: 5000, state: 'unhealthy', reason: undefined, description: undefined }], registrations: [{ registryArn: REG, taskArn: 'a', registered: false }] });
    assert.equal(acceptDeployment(o, { stalledAfterSeconds: 60, requireTargetHealth: false, requireServiceDiscovery: false }).state, 'done');
  });
});

describe('deploymentEvents reports what changed between two polls', () => {
  it('emits counts, new events oldest first, health changes and newly stopped tasks, each once', () => {
    const first = obs({ events: [{ id: 'e1', createdAt: 1, message: 'started 2 tasks' }], targets: [] });
    const second = obs({
      events: [{ id: 'e2', createdAt: 3, message: 'steady' }, { id: 'e3', createdAt: 2, message: 'completed' }, { id: 'e1', createdAt: 1, message: 'started 2 tasks' }],
      tasks: [task('a'), task('bb', { lastStatus: 'STOPPED', stoppedReason: 'Essential container in task exited', stopCode: 'EssentialContainerExited', containers: [{ name: 'invsys', exitCode: 1, reason: undefined, bindings: [] }] })],
    });
    assert.deepEqual(deploymentEvents(undefined, first).map((e) => e.type), ['deploymentCounts', 'serviceEvent']);
    const events = deploymentEvents(first, second);
    assert.deepEqual(events.map((e) => (e.type === 'serviceEvent' ? e.event.id : e.type)), ['e3', 'e2', 'targetHealth', 'targetHealth', 'taskStopped']);
    assert.deepEqual(deploymentEvents(second, second), []);
  });
});

describe('resource acceptors are pure, table-driven', () => {
  const stable = (over: Partial<ServiceStability> = {}): ServiceStability => ({
    service: 'invsys-service', status: 'ACTIVE', desiredCount: 2, runningCount: 2, pendingCount: 0,
    deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED', rolloutStateReason: undefined }],
    targetGroups: [{ targetGroupArn: TG, healthy: 2, notHealthy: [] }], failedDeployments: [], ...over,
  });
  const table: [string, ReturnType<typeof acceptServicesStable>['state'], ReturnType<typeof acceptServicesStable>, RegExp?][] = [
    ['services stable: all good', 'success', acceptServicesStable({ services: [stable()] })],
    ['services stable: a target still initial', 'retry', acceptServicesStable({ services: [stable({ targetGroups: [{ targetGroupArn: TG, healthy: 1, notHealthy: ['10.0.0.1:5000 initial'] }] })] }), /1\/2 healthy targets in invsys-tg \(10\.0\.0\.1:5000 initial\)/],
    ['services stable: a rollback seen during the wait fails', 'failure', acceptServicesStable({ services: [stable({ failedDeployments: [{ id: 'ecs-svc/2', reason: 'circuit breaker' }] })] }), /deployment ecs-svc\/2 failed: circuit breaker/],
    ['services stable: two deployments wait', 'retry', acceptServicesStable({ services: [stable({ deployments: [stable().deployments[0]!, { id: 'ecs-svc/0', status: 'ACTIVE', rolloutState: 'COMPLETED', rolloutStateReason: undefined }] })] }), /2 deployments/],
    ['services stable: a missing service fails', 'failure', acceptServicesStable({ services: [stable({ status: 'MISSING' })] })],
    ['cloud map: SUCCESS', 'success', acceptCloudMapOperation({ operationId: 'op', status: 'SUCCESS', errorCode: undefined, errorMessage: undefined, targets: {} })],
    ['cloud map: FAIL carries the error', 'failure', acceptCloudMapOperation({ operationId: 'op', status: 'FAIL', errorCode: 'DUPLICATE_REQUEST', errorMessage: 'again', targets: {} }), /^operation op FAIL: DUPLICATE_REQUEST: again$/],
    ['cloud map: PENDING', 'retry', acceptCloudMapOperation({ operationId: 'op', status: 'PENDING', errorCode: undefined, errorMessage: undefined, targets: {} })],
    ['targets: named target unhealthy', 'retry', acceptTargetsHealthy({ targetGroupArn: TG, named: true, minHealthy: 1, targets: [{ id: '10.0.0.1', port: 5000, state: 'unhealthy', reason: 'Target.Timeout' }] }), /^0\/1 healthy: 10\.0\.0\.1:5000 unhealthy \(Target\.Timeout\)$/],
    ['targets: draining ones are ignored when none are named', 'success', acceptTargetsHealthy({ targetGroupArn: TG, named: false, minHealthy: 1, targets: [{ id: 'a', port: 1, state: 'healthy', reason: undefined }, { id: 'b', port: 1, state: 'draining', reason: undefined }] })],
    ['targets: an empty group is not healthy', 'retry', acceptTargetsHealthy({ targetGroupArn: TG, named: false, minHealthy: 1, targets: [] })],
    ['tasks running: all RUNNING', 'success', acceptTasksRunning({ tasks: [{ taskArn: 'x/a', lastStatus: 'RUNNING', stoppedReason: undefined, stopCode: undefined, exitCodes: [] }] })],
    ['tasks running: a stopped task fails with its exit code', 'failure', acceptTasksRunning({ tasks: [{ taskArn: 'x/a', lastStatus: 'STOPPED', stoppedReason: 'Essential container in task exited', stopCode: 'EssentialContainerExited', exitCodes: [{ name: 'app', exitCode: 1 }] }] }), /^task a STOPPED: Essential container in task exited \[EssentialContainerExited\] \(exit code app=1\)$/],
    ['tasks running: PENDING waits', 'retry', acceptTasksRunning({ tasks: [{ taskArn: 'x/a', lastStatus: 'PENDING', stoppedReason: undefined, stopCode: undefined, exitCodes: [] }] }), /0\/1 RUNNING; a PENDING/],
    ['tasks stopped: DEPROVISIONING waits', 'retry', acceptTasksStopped({ tasks: [{ taskArn: 'x/a', lastStatus: 'DEPROVISIONING', stoppedReason: undefined, stopCode: undefined, exitCodes: [] }] })],
    ['tasks stopped: STOPPED succeeds with the reason', 'success', acceptTasksStopped({ tasks: [{ taskArn: 'x/a', lastStatus: 'STOPPED', stoppedReason: 'Task stopped by user', stopCode: 'UserInitiated', exitCodes: [] }] }), /^task a STOPPED: Task stopped by user \[UserInitiated\]$/],
    ['alarm: in the wanted state', 'success', acceptAlarmState({ wanted: 'ALARM', alarms: [{ alarmName: 'cpu', state: 'ALARM', reason: undefined }] })],
    ['alarm: not yet created waits', 'retry', acceptAlarmState({ wanted: 'OK', alarms: [{ alarmName: 'cpu', state: 'MISSING', reason: undefined }] }), /^cpu is MISSING, waiting for OK$/],
  ];
  for (const [name, state, verdict, reason] of table) {
    it(name, () => {
      assert.equal(verdict.state, state);
      if (reason) assert.match(verdict.reason, reason);
    });
  }
});
