import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { waitForDeployment, type DeploymentEvent } from '../../src/waiters/deployment/index.js';
import { defaultSubnet, startRuntimeCloud } from '../local/runtime/tasks/helpers.js';
import type { TestCloud } from '../local/helpers.js';

// End to end with real task processes: the runtime's scheduler, not the test, drives the deployments.
describe('waitForDeployment with the local runtime running real tasks', () => {
  let t: TestCloud;
  let subnet: string;
  before(async () => {
    t = await startRuntimeCloud();
    subnet = await defaultSubnet(t);
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'e2e' }));
  });
  after(async () => {
    await t?.stop();
  });

  const register = async (image: string) =>
    (
      await t.clients.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'web',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 8080 }] }],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;

  it('follows a real rollout to completed, then a crashing image to rolledBack with exit codes', async () => {
    const good = await register('test/echo');
    const created = await t.clients.ecs.send(
      new CreateServiceCommand({
        cluster: 'e2e',
        serviceName: 'web',
        taskDefinition: good,
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } },
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, minimumHealthyPercent: 100, maximumPercent: 200 },
      }),
    );
    const timing = { intervalSeconds: 0.1, timeoutSeconds: 30 };
    const first = await waitForDeployment(t.clients, { cluster: 'e2e', service: 'web', deploymentId: created.service!.deployments![0]!.id! }, timing);
    assert.equal(first.outcome, 'completed', first.reason);

    const bad = await register('ecskit/crash');
    const updated = await t.clients.ecs.send(new UpdateServiceCommand({ cluster: 'e2e', service: 'web', taskDefinition: bad }));
    const deploymentId = updated.service!.deployments!.find((d) => d.status === 'PRIMARY')!.id!;
    const events: DeploymentEvent[] = [];
    const second = await waitForDeployment(t.clients, { cluster: 'e2e', service: 'web', deploymentId }, { ...timing, onEvent: (e) => events.push(e) });
    assert.equal(second.outcome, 'rolledBack', second.reason);
    if (second.outcome !== 'rolledBack') return;
    assert.equal(second.reason, 'ECS deployment circuit breaker: tasks failed to start.');
    assert.equal(second.rolledBackTo.taskDefinition, good);
    assert.ok(second.stoppedTasks.length >= 1);
    // The crashed tasks exit 1; under load the rollback can also stop one still starting (SIGTERM, 143), listed first.
    const exitCodes = second.stoppedTasks.map((task) => task.containers[0]?.exitCode);
    assert.ok(exitCodes.includes(1), `a crashed task's exit code 1 among ${JSON.stringify(exitCodes)}`);
    assert.ok(events.some((e) => e.type === 'taskStopped'));
  });
});
