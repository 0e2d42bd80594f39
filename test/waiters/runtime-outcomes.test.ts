import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand, type ContainerDefinition } from '@aws-sdk/client-ecs';
import { waitForDeployment } from '../../src/waiters/deployment/index.js';
import { defaultSubnet, startRuntimeCloud } from '../local/runtime/tasks/helpers.js';
import type { TestCloud } from '../local/helpers.js';

// The outcomes the scheduler reaches with real task processes: failed (circuit
// breaker without rollback), superseded (a newer update), stalled (a task that
// never turns healthy).
describe('waitForDeployment outcomes with real tasks', () => {
  let t: TestCloud;
  let subnet: string;
  before(async () => {
    t = await startRuntimeCloud();
    subnet = await defaultSubnet(t);
  });
  after(async () => {
    await t?.stop();
  });

  const register = async (family: string, container: Partial<ContainerDefinition> & { image: string }) =>
    (
      await t.clients.ecs.send(
        new RegisterTaskDefinitionCommand({
          family,
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'app', essential: true, portMappings: [{ containerPort: 8080 }], ...container }],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;

  const createService = async (cluster: string, taskDefinition: string, breaker: { enable: boolean; rollback: boolean }) => {
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const out = await t.clients.ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'web',
        taskDefinition,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } },
        deploymentConfiguration: { deploymentCircuitBreaker: breaker, minimumHealthyPercent: 100, maximumPercent: 200 },
      }),
    );
    return out.service!.deployments![0]!.id!;
  };
  const timing = { intervalSeconds: 0.1, timeoutSeconds: 40 };

  it('a crashing image with the circuit breaker but no rollback ends failed, with the exit codes', async () => {
    const crash = await register('crash', { image: 'ecskit/crash' });
    const deploymentId = await createService('failed', crash, { enable: true, rollback: false });
    const outcome = await waitForDeployment(t.clients, { cluster: 'failed', service: 'web', deploymentId }, timing);
    assert.equal(outcome.outcome, 'failed', outcome.reason);
    if (outcome.outcome !== 'failed') return;
    assert.match(outcome.reason, /circuit breaker/);
    assert.ok(outcome.stoppedTasks.length >= 1);
    assert.equal(outcome.stoppedTasks[0]?.containers[0]?.exitCode, 1);
  });

  it('a deployment replaced by a newer update ends superseded', async () => {
    const v1 = await register('echo', { image: 'test/echo' });
    const first = await createService('superseded', v1, { enable: false, rollback: false });
    const v2 = await register('echo', { image: 'test/echo', environment: [{ name: 'VERSION', value: '2' }] });
    await t.clients.ecs.send(new UpdateServiceCommand({ cluster: 'superseded', service: 'web', taskDefinition: v2 }));
    const outcome = await waitForDeployment(t.clients, { cluster: 'superseded', service: 'web', deploymentId: first }, timing);
    assert.equal(outcome.outcome, 'superseded', outcome.reason);
  });

  it('a task that never turns healthy, with nothing changing, ends stalled', async () => {
    // The health check always fails, but its long start period keeps the task
    // RUNNING with health UNKNOWN: the deployment cannot complete and nothing moves.
    const sick = await register('sick', {
      image: 'test/echo',
      healthCheck: { command: ['CMD-SHELL', 'exit 1'], interval: 30, timeout: 5, retries: 3, startPeriod: 300 },
    });
    const deploymentId = await createService('stalled', sick, { enable: false, rollback: false });
    const outcome = await waitForDeployment(t.clients, { cluster: 'stalled', service: 'web', deploymentId }, { ...timing, stalledAfterSeconds: 2 });
    assert.equal(outcome.outcome, 'stalled', outcome.reason);
  });
});
