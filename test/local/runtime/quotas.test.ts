import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ListClustersCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { runCli, type CliIo } from '../../../src/cli/run.js';
import { CloudState } from '../../../src/local/cloud-state.js';
import { LocalRuntime } from '../../../src/local/local-runtime.js';
import { defaultMaxTasks } from '../../../src/local/runtime/runtime.js';
import type { LocalCloud } from '../../../src/local/index.js';
import type { TestCloud } from '../helpers.js';
import { defaultSubnet, processAlive, startRuntimeCloud, waitFor } from './tasks/helpers.js';

const GiB = 1024 ** 3;
const EXEC_ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole';

/** Resident memory of a process, MiB (0 when it is gone). */
function rssMiB(pid: number): number {
  try {
    const kib = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? Number(kib) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Live processes whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker) && processAlive(Number(entry))) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Headers for the admin endpoints (with the per-run token when the cloud has one). */
function adminHeaders(cloud: LocalCloud): Record<string, string> {
  const token = (cloud as { adminToken?: string }).adminToken;
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function registerEcho(ecs: ECSClient, family: string, healthCommand?: string): Promise<void> {
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      executionRoleArn: EXEC_ROLE,
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'app',
          image: 'test/echo',
          essential: true,
          portMappings: [{ containerPort: 8080 }],
          ...(healthCommand ? { healthCheck: { command: ['CMD-SHELL', healthCommand], interval: 5, timeout: 2, retries: 3 } } : {}),
        },
      ],
    }),
  );
}

test('the default task cap is half of the machine’s memory at 64 MiB a task, 8 to 1,000', () => {
  assert.equal(defaultMaxTasks(16 * GiB), 128);
  assert.equal(defaultMaxTasks(24 * GiB), 192);
  assert.equal(defaultMaxTasks(1 * GiB), 8);
  assert.equal(defaultMaxTasks(4096 * GiB), 1000);
  assert.ok(new LocalRuntime(new CloudState()).maxTasks >= 8);
  assert.throws(() => new LocalRuntime(new CloudState(), { maxTasks: 0 }), /maxTasks must be a positive integer, got: 0/);
  assert.throws(() => new LocalRuntime(new CloudState(), { maxTasks: 2.5 }), /maxTasks must be a positive integer, got: 2\.5/);
});

describe('quotas instead of freezes (a runtime capped at 3 tasks)', () => {
  let t: TestCloud;
  let network: { awsvpcConfiguration: { subnets: string[]; assignPublicIp: 'ENABLED' } };

  before(async () => {
    t = await startRuntimeCloud({ runtime: { maxTasks: 3 } });
    network = { awsvpcConfiguration: { subnets: [await defaultSubnet(t)], assignPublicIp: 'ENABLED' } };
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'q' }));
    await registerEcho(t.clients.ecs, 'q-echo');
  });
  after(async () => {
    await t?.stop();
  });

  test('desiredCount 1e12 and RunTask count 1e12 are refused at once; a service past the cap settles at it with one event; the cloud keeps answering', async (ctx) => {
    const rssBefore = rssMiB(process.pid);
    const started = performance.now();
    // 1e12 is no Integer at all: the model check refuses it before any handler runs.
    await assert.rejects(
      t.clients.ecs.send(new CreateServiceCommand({ cluster: 'q', serviceName: 'huge', taskDefinition: 'q-echo', desiredCount: 1e12, launchType: 'FARGATE', networkConfiguration: network })),
      (error: Error) => error.name === 'SerializationException' && /desiredCount/.test(error.message),
    );
    await assert.rejects(
      t.clients.ecs.send(new RunTaskCommand({ cluster: 'q', taskDefinition: 'q-echo', count: 1e12, launchType: 'FARGATE', networkConfiguration: network })),
      (error: Error) => error.name === 'SerializationException' && /count/.test(error.message),
    );
    // The largest Integer is well-formed and refused by the quota, as on ECS.
    await assert.rejects(
      t.clients.ecs.send(new CreateServiceCommand({ cluster: 'q', serviceName: 'huge', taskDefinition: 'q-echo', desiredCount: 2_147_483_647, launchType: 'FARGATE', networkConfiguration: network })),
      (error: Error) => error.name === 'InvalidParameterException' && /^Desired count exceeds limit\./.test(error.message),
    );
    await assert.rejects(
      t.clients.ecs.send(new RunTaskCommand({ cluster: 'q', taskDefinition: 'q-echo', count: 2_147_483_647, launchType: 'FARGATE', networkConfiguration: network })),
      (error: Error) => error.name === 'InvalidParameterException' && /^Task count can not be greater than 10\./.test(error.message),
    );
    const refusedMs = performance.now() - started;
    assert.ok(refusedMs < 2000, `refused in ${refusedMs} ms`);

    await t.clients.ecs.send(
      new CreateServiceCommand({ cluster: 'q', serviceName: 'wide', taskDefinition: 'q-echo', desiredCount: 6, launchType: 'FARGATE', networkConfiguration: network }),
    );
    const limitEvent = /^\(service wide\) was unable to place a task because the local cloud's task limit was reached\. The local cloud runs at most 3 tasks at once/;
    const settled = await waitFor('3 of 6 running with the task-limit event', async () => {
      const s = (await t.clients.ecs.send(new DescribeServicesCommand({ cluster: 'q', services: ['wide'] }))).services![0]!;
      return s.runningCount === 3 && s.events?.some((e) => limitEvent.test(e.message ?? '')) ? s : undefined;
    });
    assert.equal(settled.desiredCount, 6);
    assert.equal(settled.pendingCount, 0, 'no task waits in PROVISIONING');
    // A few more scheduler ticks: nothing grows, the event is not repeated every tick.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const later = (await t.clients.ecs.send(new DescribeServicesCommand({ cluster: 'q', services: ['wide'] }))).services![0]!;
    assert.equal((await t.clients.ecs.send(new ListTasksCommand({ cluster: 'q' }))).taskArns!.length, 3);
    assert.equal(later.events!.filter((e) => limitEvent.test(e.message ?? '')).length, 1);
    assert.equal(t.cloud.runtime!.context.tasks.size, 3);

    const run = await t.clients.ecs.send(new RunTaskCommand({ cluster: 'q', taskDefinition: 'q-echo', launchType: 'FARGATE', networkConfiguration: network }));
    assert.deepEqual(run.tasks, []);
    assert.equal(run.failures?.[0]?.reason, 'LOCAL_TASK_LIMIT');
    assert.match(run.failures?.[0]?.detail ?? '', /--max-tasks/);

    const rounds: number[] = [];
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      await t.clients.ecs.send(new ListClustersCommand({}));
      rounds.push(performance.now() - s);
    }
    rounds.sort((a, b) => a - b);
    const rssAfter = rssMiB(process.pid);
    ctx.diagnostic(
      `refused in ${refusedMs.toFixed(0)} ms; ListClusters p50 ${rounds[10]!.toFixed(1)} ms, max ${rounds[19]!.toFixed(1)} ms; ` +
        `cloud RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MiB with 3 tasks live`,
    );
    assert.ok(rounds[10]! < 250 && rounds[19]! < 2000, `ListClusters p50 ${rounds[10]} ms, max ${rounds[19]} ms`);
    assert.ok(rssAfter - rssBefore < 200, `cloud RSS grew ${rssBefore} → ${rssAfter} MiB`);

    // Scaling in frees slots; the service scales down to what it wants.
    await t.clients.ecs.send(new UpdateServiceCommand({ cluster: 'q', service: 'wide', desiredCount: 2 }));
    await waitFor('2 running', async () => {
      const s = (await t.clients.ecs.send(new DescribeServicesCommand({ cluster: 'q', services: ['wide'] }))).services![0]!;
      return s.runningCount === 2 && s.pendingCount === 0 && t.cloud.runtime!.context.tasks.size === 2;
    });
  });
});

describe('POST /_ecskit/reset stops the runtime’s tasks', () => {
  test('every task process and health-check probe ends with the records', async () => {
    const t = await startRuntimeCloud();
    try {
      const marker = `q${process.pid}r${Date.now()}`;
      const network = { awsvpcConfiguration: { subnets: [await defaultSubnet(t)], assignPublicIp: 'ENABLED' as const } };
      await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'r' }));
      // A probe that takes 200 ms every 100 ms: one is always in flight.
      await registerEcho(t.clients.ecs, 'r-echo', `sleep 0.2; test -n ${marker}`);
      await t.clients.ecs.send(new RunTaskCommand({ cluster: 'r', taskDefinition: 'r-echo', count: 2, launchType: 'FARGATE', networkConfiguration: network }));
      await t.clients.ecs.send(
        new CreateServiceCommand({ cluster: 'r', serviceName: 'svc', taskDefinition: 'r-echo', desiredCount: 1, launchType: 'FARGATE', networkConfiguration: network }),
      );
      const runtime = t.cloud.runtime!;
      const pids = await waitFor('3 task processes and their probes', () => {
        const live = [...runtime.context.tasks.values()].flatMap((task) => task.containers.map((c) => c.process.pid!));
        return live.length === 3 && processesWith(marker).length > 0 ? live : undefined;
      });
      assert.ok(pids.every(processAlive));

      const reset = await fetch(`${t.cloud.endpoint}/_ecskit/reset`, { method: 'POST', headers: adminHeaders(t.cloud) });
      assert.equal(reset.status, 200);
      await waitFor('no task process and no probe left', () => pids.every((pid) => !processAlive(pid)) && processesWith(marker).length === 0, 10_000);
      assert.equal(runtime.context.tasks.size, 0);
      // Nothing comes back: the health checks stopped with their tasks.
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(processesWith(marker), []);
      assert.deepEqual((await t.clients.ecs.send(new ListClustersCommand({}))).clusterArns, []);

      // The cloud works on after the reset: a new task runs.
      await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'r' }));
      await registerEcho(t.clients.ecs, 'r-echo');
      const fresh = { awsvpcConfiguration: { subnets: [await defaultSubnet(t)], assignPublicIp: 'ENABLED' as const } };
      await t.clients.ecs.send(new RunTaskCommand({ cluster: 'r', taskDefinition: 'r-echo', launchType: 'FARGATE', networkConfiguration: fresh }));
      await waitFor('a task after the reset', () => runtime.context.tasks.size === 1);
    } finally {
      await t.stop();
    }
  });
});

describe('ecskit local --max-tasks', () => {
  function io() {
    const out: string[] = [];
    const err: string[] = [];
    const value: CliIo = { out: (s) => void out.push(s), err: (s) => void err.push(s), untilSignal: () => Promise.resolve('SIGTERM') };
    return { value, out, err };
  }

  test('sets the cap and says it in the banner; anything but a positive integer is a usage error', async () => {
    const ok = io();
    assert.equal(await runCli(['local', '--port', '0', '--max-tasks', '5'], ok.value), 0);
    assert.match(ok.out.join(''), /at most 5 at once, --max-tasks/);
    for (const bad of ['0', '-3', '2.5', 'lots', '']) {
      const e = io();
      assert.equal(await runCli(['local', '--port', '0', `--max-tasks=${bad}`], e.value), 2, bad);
      assert.match(e.err.join(''), new RegExp(`--max-tasks must be a positive integer, got: ${bad.replace('.', '\\.')}`));
    }
  });
});
