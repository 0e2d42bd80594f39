/**
 * examples/troubleshoot.ts on a local cloud with Tasks 1–4 run: every check
 * reports a verdict as the result of its JSON step event, capacity,
 * discovery (with the DNS lookup of invsys.local) and target health are ok;
 * then a deregistered gateway target and a stopped invsys task are reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeTargetHealthCommand, DeregisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { runningTaskAddresses } from '../../../examples/03-invsys-service.ts';
import { runTasks1to4 } from '../../../examples/04-gateway-service.ts';
import { run as troubleshoot, type CheckResult } from '../../../examples/troubleshoot.ts';
import { openLocalLab } from '../local-lab.js';
import { waitFor } from '../../wait-for.js';

test('troubleshoot reports every check after Tasks 1–4 (capacity, discovery, targets ok), then names a deregistered target and a stopped task', { timeout: 150_000 }, async () => {
  const { lab, target, output } = await openLocalLab();
  try {
    await runTasks1to4(lab);

    const first = await troubleshoot(lab);
    assert.deepEqual(Object.keys(first.verdicts), ['capacity', 'discovery', 'targets', 'stopped-tasks', 'deployments', 'memory']);
    const byCheck = (checks: readonly CheckResult[], name: string) => checks.find((c) => c.check === name)!;
    for (const name of ['capacity', 'discovery', 'targets']) assert.equal(first.verdicts[name], 'ok', `${name}: ${byCheck(first.checks, name).summary}`);
    assert.equal(first.verdicts['deployments'], 'ok', byCheck(first.checks, 'deployments').summary);
    const discovery = byCheck(first.checks, 'discovery').details as { instances: string[]; runningTasks: string[]; dns: string[] };
    assert.equal(discovery.instances.length, 2);
    assert.deepEqual(discovery.dns, discovery.instances, 'invsys.local resolves to the registered instances through the local DNS server');

    // --json: each verdict is the result of a step event.
    const events = output.join('').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { type: string; status?: string; result?: Partial<CheckResult> });
    const verdictEvents = events.filter((e) => e.type === 'step' && e.status === 'ok' && e.result?.task === 'troubleshoot');
    assert.deepEqual(
      verdictEvents.map((e) => [e.result?.check, e.result?.verdict]),
      first.checks.map((c) => [c.check, c.verdict]),
    );

    // Induce two problems: a gateway target deregistered from gateway-tg, an invsys task stopped.
    const gatewayTask = (await runningTaskAddresses(lab, lab.names.gatewayService))[0]!;
    await lab.clients.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: lab.gatewayTargetGroupArn!, Targets: [{ Id: gatewayTask.address, Port: lab.names.gatewayPort }] }));
    const stoppedTask = (await runningTaskAddresses(lab, lab.names.invsysService))[0]!;
    await lab.clients.ecs.send(new StopTaskCommand({ cluster: lab.names.cluster, task: stoppedTask.taskArn, reason: 'induced by the troubleshoot test' }));
    // StopTask returns while the task is stopping: wait until ECS reports it STOPPED.
    await waitFor('the induced task to be STOPPED', async () => {
      const { tasks } = await lab.clients.ecs.send(new DescribeTasksCommand({ cluster: lab.names.cluster, tasks: [stoppedTask.taskArn] }));
      return tasks?.[0]?.lastStatus === 'STOPPED';
    }, { everyMs: 50 });
    const health = await lab.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: lab.gatewayTargetGroupArn! }));
    const state = health.TargetHealthDescriptions?.find((d) => d.Target?.Id === gatewayTask.address)?.TargetHealth?.State;

    const second = await troubleshoot(lab);
    const targets = byCheck(second.checks, 'targets');
    assert.equal(targets.verdict, 'problem');
    assert.match(targets.summary, new RegExp(`gateway-tg: running gateway-service task ${gatewayTask.address.replaceAll('.', '\\.')} is (not registered|${state})`));
    assert.match(targets.fix ?? '', /health-check grace period/);
    const stopped = byCheck(second.checks, 'stopped-tasks');
    assert.notEqual(stopped.verdict, 'ok', stopped.summary);
    const listed = (stopped.details as { stopped: { task: string; reason: string }[] }).stopped;
    assert.ok(
      listed.some((s) => stoppedTask.taskArn.endsWith(s.task) && s.reason.includes('induced by the troubleshoot test')),
      `the stopped task is listed with its reason: ${JSON.stringify(listed)}`,
    );
  } finally {
    await target.close();
  }
});
