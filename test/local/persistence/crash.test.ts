import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { startLocalCloud } from '../../../src/local/index.js';
import { TEST_CREDENTIALS } from '../helpers.js';

const root = new URL('../../..', import.meta.url).pathname;
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts `ecskit local` in a child process and resolves with its endpoint once it serves. */
async function startChild(args: string[]): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'local', '--port', '0', '--no-runtime', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
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
  return { child, endpoint };
}

/** Every cluster name, log group name and alarm name in the cloud at `endpoint` (all pages). */
async function inventory(endpoint: string): Promise<{ clusters: Set<string>; groups: Set<string>; alarms: Set<string> }> {
  const config = { endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  const ecs = new ECSClient(config);
  const logs = new CloudWatchLogsClient(config);
  const cloudWatch = new CloudWatchClient(config);
  try {
    const clusters = new Set<string>();
    let token: string | undefined;
    do {
      const page = await ecs.send(new ListClustersCommand({ maxResults: 100, ...(token ? { nextToken: token } : {}) }));
      for (const arn of page.clusterArns ?? []) clusters.add(arn.split('/').pop()!);
      token = page.nextToken;
    } while (token);
    const groups = new Set<string>();
    do {
      const page = await logs.send(new DescribeLogGroupsCommand({ limit: 50, ...(token ? { nextToken: token } : {}) }));
      for (const group of page.logGroups ?? []) groups.add(group.logGroupName!);
      token = page.nextToken;
    } while (token);
    const alarms = new Set<string>();
    do {
      const page = await cloudWatch.send(new DescribeAlarmsCommand({ MaxRecords: 100, ...(token ? { NextToken: token } : {}) }));
      for (const alarm of page.MetricAlarms ?? []) alarms.add(alarm.AlarmName!);
      token = page.NextToken;
    } while (token);
    return { clusters, groups, alarms };
  } finally {
    ecs.destroy();
    logs.destroy();
    cloudWatch.destroy();
  }
}

/**
 * Fires `total` concurrent creates (clusters, log groups, alarms) through signed SDK clients,
 * SIGKILLs the cloud once `killAfter` were acknowledged, restarts from the same state file and
 * returns what was acknowledged and what the restarted cloud has.
 */
async function createThenKill(args: string[], total: number, killAfter: number) {
  const dir = mkdtempSync(join(tmpdir(), 'ecskit-crash-'));
  dirs.push(dir);
  const stateFile = join(dir, 'state.json');
  const { child, endpoint } = await startChild(['--state-file', stateFile, ...args]);
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // Truly concurrent: enough sockets that no request waits for one in the client.
  const config = { endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1, requestHandler: { httpAgent: { maxSockets: total } } };
  const ecs = new ECSClient(config);
  const logs = new CloudWatchLogsClient(config);
  const cloudWatch = new CloudWatchClient(config);
  const acked = { clusters: new Set<string>(), groups: new Set<string>(), alarms: new Set<string>() };
  let count = 0;
  let failed = 0;
  const ack = (set: Set<string>, name: string) => () => {
    set.add(name);
    if (++count === killAfter) child.kill('SIGKILL');
  };
  const calls = Array.from({ length: total }, (_, i) => {
    const call =
      i % 3 === 0
        ? ecs.send(new CreateClusterCommand({ clusterName: `c${i}` })).then(ack(acked.clusters, `c${i}`))
        : i % 3 === 1
          ? logs.send(new CreateLogGroupCommand({ logGroupName: `/crash/g${i}` })).then(ack(acked.groups, `/crash/g${i}`))
          : cloudWatch
              .send(
                new PutMetricAlarmCommand({
                  AlarmName: `a${i}`,
                  MetricName: 'CPUUtilization',
                  Namespace: 'AWS/ECS',
                  Statistic: 'Average',
                  Period: 60,
                  EvaluationPeriods: 1,
                  Threshold: 70,
                  ComparisonOperator: 'GreaterThanThreshold',
                }),
              )
              .then(ack(acked.alarms, `a${i}`));
    return call.catch(() => void failed++);
  });
  try {
    await Promise.all(calls);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
  } finally {
    ecs.destroy();
    logs.destroy();
    cloudWatch.destroy();
  }

  const restarted = await startLocalCloud({ port: 0, runtime: false, stateFile, log: () => {} });
  try {
    return { acked, count, failed, found: await inventory(restarted.endpoint), health: await (await fetch(`${restarted.endpoint}/_ecskit/health`)).json() };
  } finally {
    await restarted.stop();
  }
}

const lost = (acked: Set<string>, found: Set<string>) => [...acked].filter((name) => !found.has(name));

describe('crash durability', () => {
  test('SIGKILL during 2,000 concurrent creates: after a restart from the same state file, 0 acknowledged writes are lost', { timeout: 300_000 }, async (t) => {
    const { acked, count, failed, found, health } = await createThenKill([], 2_000, 1_000);
    assert.ok(count >= 1_000 && failed > 0, `the kill came mid-way: ${count} acknowledged, ${failed} failed`);
    assert.deepEqual(lost(acked.clusters, found.clusters), [], 'acknowledged clusters lost');
    assert.deepEqual(lost(acked.groups, found.groups), [], 'acknowledged log groups lost');
    assert.deepEqual(lost(acked.alarms, found.alarms), [], 'acknowledged alarms lost');
    const persistence = (health as { persistence: { ok: boolean; recovered: { entries: number } } }).persistence;
    assert.equal(persistence.ok, true);
    assert.ok(persistence.recovered.entries > 0, 'the restart replayed journal entries the snapshot did not have');
    t.diagnostic(`${count} acknowledged, ${failed} cut off by the kill, ${persistence.recovered.entries} journal entries replayed over the last snapshot`);
  });

  test('with --fsync, the same holds (every append is flushed to disk before the answer)', { timeout: 300_000 }, async () => {
    const { acked, count, failed, found } = await createThenKill(['--fsync'], 600, 300);
    assert.ok(count >= 300 && failed > 0, `the kill came mid-way: ${count} acknowledged, ${failed} failed`);
    assert.deepEqual([...lost(acked.clusters, found.clusters), ...lost(acked.groups, found.groups), ...lost(acked.alarms, found.alarms)], []);
  });
});
