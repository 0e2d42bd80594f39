/**
 * A local cloud restarted from its state file: tasks that were running are
 * stopped with ECS's `TerminationNotice` (their processes are gone), and
 * tasks stopped more than an hour ago are forgotten, as ECS forgets them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { close, connect } from '../../../../src/clients.js';
import { startLocalCloud } from '../../../../src/local/index.js';
import { STOPPED_TASK_RETENTION_MS, updateTask } from '../../../../src/local/services/ecs/state.js';
import { waitFor } from './helpers.js';

test('after a restart from the state file, running tasks stop with TerminationNotice and tasks stopped over an hour ago are gone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecskit-restart-'));
  const stateFile = join(dir, 'state.json');
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  try {
    // 1. A control-plane-only cloud: two tasks, one made RUNNING, one stopped two hours ago.
    const first = await startLocalCloud({ port: 0, runtime: false, stateFile });
    const a = await connect({ endpoint: first.endpoint, region: first.region, credentials });
    let oldTask: string;
    let runningTask: string;
    try {
      await a.ecs.send(new CreateClusterCommand({ clusterName: 'restart' }));
      await a.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'restart',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'app', image: 'ecskit/unhealthy', essential: true }],
        }),
      );
      const subnet = (await a.ec2.send(new DescribeSubnetsCommand({}))).Subnets?.[0]?.SubnetId;
      const run = await a.ecs.send(
        new RunTaskCommand({
          cluster: 'restart',
          taskDefinition: 'restart',
          launchType: 'FARGATE',
          count: 2,
          networkConfiguration: { awsvpcConfiguration: { subnets: [subnet!] } },
        }),
      );
      [oldTask, runningTask] = run.tasks!.map((t) => t.taskArn!) as [string, string];
      const rs = first.state.region(first.region);
      updateTask(rs, oldTask, { lastStatus: 'STOPPED', stoppedReason: 'long ago' }, { now: Date.now() - 2 * STOPPED_TASK_RETENTION_MS });
      updateTask(rs, runningTask, { lastStatus: 'RUNNING' });
      first.state.touch();
    } finally {
      close(a);
      await first.stop();
    }

    // 2. The same state file, now with the runtime.
    const second = await startLocalCloud({ port: 0, stateFile, timeScale: 0.02 });
    const b = await connect({ endpoint: second.endpoint, region: second.region, credentials });
    try {
      const stopped = await waitFor('the restored RUNNING task to be stopped', async () => {
        const out = await b.ecs.send(new DescribeTasksCommand({ cluster: 'restart', tasks: [runningTask] }));
        const task = out.tasks?.[0];
        return task?.lastStatus === 'STOPPED' ? task : undefined;
      });
      assert.equal(stopped.stopCode, 'TerminationNotice');
      assert.equal(stopped.stoppedReason, 'Task stopped because the local cloud restarted');
      const gone = await b.ecs.send(new DescribeTasksCommand({ cluster: 'restart', tasks: [oldTask] }));
      assert.deepEqual(gone.tasks, []);
      assert.deepEqual(gone.failures, [{ arn: oldTask, reason: 'MISSING' }]);
    } finally {
      close(b);
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
