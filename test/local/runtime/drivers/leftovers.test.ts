/**
 * No container outlives its local cloud: a cloud SIGKILLed with a task
 * running leaves its container behind (nothing could stop it), and the next
 * local cloud with the container driver removes it at start.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { CreateClusterCommand, DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import type { ContainerEngine } from '../../../../src/containers/index.js';
import { startLocalCloud } from '../../../../src/local/index.js';
import { TEST_CREDENTIALS } from '../../helpers.js';
import { waitFor } from '../tasks/helpers.js';
import { containersOf, prepareContainerTests, TEST_IMAGE } from './helpers.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const prepared = await prepareContainerTests().catch((error: Error) => `the test image did not build: ${error.message}`);
const skip = typeof prepared === 'string' ? prepared : false;

/** Containers (any state) of task `taskArn`, whichever cloud started them. */
async function containersOfTask(engine: ContainerEngine, taskArn: string): Promise<string[]> {
  const { stdout } = await engine.exec(['ps', '--all', '--filter', `label=com.amazonaws.ecs.task-arn=${taskArn}`, '--format', '{{.Names}}']);
  return stdout.split('\n').filter(Boolean);
}

test('a SIGKILLed local cloud leaves its task containers; the next start with the container driver removes them', { skip }, async () => {
  const engine = prepared as ContainerEngine;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'local', '--port', '0', '--driver', 'container', '--time-scale', '0.05', '--container-instances', '1'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  try {
    let out = '';
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ecskit local did not start in time; stderr: ${err}`)), 60_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /export AWS_ENDPOINT_URL=(\S+)/.exec(out);
        if (match && out.includes('Ctrl-C')) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`ecskit local exited with ${code}; stderr: ${err}`)));
    });
    assert.match(out, /Tasks run as containers \(podman|docker/);
    const ecs = new ECSClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    await ecs.send(new CreateClusterCommand({ clusterName: 'crash' }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'left',
        networkMode: 'bridge',
        containerDefinitions: [{ name: 'app', image: TEST_IMAGE, memory: 128, essential: true, portMappings: [{ containerPort: 8080, hostPort: 0 }] }],
      }),
    );
    const run = await ecs.send(new RunTaskCommand({ cluster: 'crash', taskDefinition: 'left', launchType: 'EC2' }));
    const arn = run.tasks?.[0]?.taskArn;
    assert.ok(arn, JSON.stringify(run.failures));
    await waitFor('RUNNING', async () => (await ecs.send(new DescribeTasksCommand({ cluster: 'crash', tasks: [arn] }))).tasks?.[0]?.lastStatus === 'RUNNING', 60_000);
    ecs.destroy();
    assert.equal((await containersOfTask(engine, arn)).length, 1);

    child.kill('SIGKILL');
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    assert.equal((await containersOfTask(engine, arn)).length, 1, 'the container outlived the killed cloud');

    const lines: string[] = [];
    const next = await startLocalCloud({ port: 0, driver: 'container', log: (line) => lines.push(line) });
    try {
      assert.deepEqual(await containersOfTask(engine, arn), [], 'removed at start');
      assert.ok(lines.some((l) => /container driver: removed [1-9]\d* container\(s\) left by a local cloud that is gone/.test(l)), lines.join('\n'));
      const ownId = (next.runtime!.context.driver as unknown as { cloudId: string }).cloudId;
      assert.deepEqual(await containersOf(engine, ownId), []);
    } finally {
      await next.stop();
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
