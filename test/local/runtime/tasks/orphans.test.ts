import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { TEST_CREDENTIALS } from '../../helpers.js';
import { defaultSubnet, describeTask, ECHO_ENTRY, processAlive, startRuntimeCloud, waitFor } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

async function runEcho(ecs: ECSClient, subnet: string): Promise<string> {
  await ecs.send(new CreateClusterCommand({ clusterName: 'orphans' }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'echo',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: 'test/echo', essential: true, portMappings: [{ containerPort: 8080 }] }],
    }),
  );
  const out = await ecs.send(
    new RunTaskCommand({ cluster: 'orphans', taskDefinition: 'echo', count: 2, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } } }),
  );
  return out.tasks!.map((task) => task.taskArn!).join(' ');
}

/** The pids of the running echo tasks, read from their own HTTP answers. */
async function echoPids(ecs: ECSClient, taskArns: string[]): Promise<number[]> {
  return Promise.all(
    taskArns.map((arn) =>
      waitFor('echo task answering', async () => {
        const task = await describeTask(ecs, 'orphans', arn);
        const address = task.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address;
        if (task.lastStatus !== 'RUNNING' || !address) return undefined;
        const body = (await (await fetch(`http://${address}:8080/`)).json()) as { pid: number };
        return body.pid;
      }),
    ),
  );
}

describe('no task process outlives the local cloud', () => {
  test('stop() leaves no task process running once it resolves', async () => {
    const t = await startRuntimeCloud();
    let pids: number[] = [];
    try {
      const arns = (await runEcho(t.clients.ecs, await defaultSubnet(t))).split(' ');
      pids = await echoPids(t.clients.ecs, arns);
      assert.equal(pids.length, 2);
      assert.ok(pids.every(processAlive));
    } finally {
      await t.stop();
    }
    assert.deepEqual(pids.filter(processAlive), []);
  });

  test('SIGKILL of a process running the local cloud leaves no task process after 2 seconds', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'local', '--port', '0', '--time-scale', '0.02', '--image', `test/echo=${ECHO_ENTRY}`],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    let ecs: ECSClient | undefined;
    try {
      const endpoint = await waitFor('the CLI to listen', () => /listening on (http:\/\/[\d.:]+)/.exec(output)?.[1], 20_000);
      ecs = new ECSClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
      const subnetXml = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}` },
        body: 'Action=DescribeSubnets&Version=2016-11-15',
      }).then((r) => r.text());
      const subnet = /<subnetId>([^<]+)<\/subnetId>/.exec(subnetXml)?.[1];
      assert.ok(subnet, subnetXml.slice(0, 300));
      const pids = await echoPids(ecs, (await runEcho(ecs, subnet)).split(' '));
      assert.ok(pids.every(processAlive));
      child.kill('SIGKILL');
      const killedAt = Date.now();
      await waitFor('every task process gone', () => pids.every((pid) => !processAlive(pid)), 2_000);
      assert.ok(Date.now() - killedAt <= 2_000);
    } finally {
      ecs?.destroy();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
