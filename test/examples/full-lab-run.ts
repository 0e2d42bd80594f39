/**
 * Shared by the whole-lab tests (`full-lab.test.ts`, `full-lab-containers.test.ts`):
 * run an example script in a child process, parse its `--json` events, and
 * assert each lab task's observable result.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs an example script with tsx in a child process; resolves with its exit code and output. */
export function runExample(
  args: readonly string[],
  timeoutMs: number,
  extraEnv: Record<string, string | undefined> = {},
): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number; cwd: string; pid: number | undefined }> {
  const started = performance.now();
  // A scratch working directory: files a task writes (Task 10's template) stay out of the checkout.
  const cwd = mkdtempSync(join(tmpdir(), 'ecskit-full-lab-test-'));
  return new Promise((resolve, reject) => {
    // No AWS settings in the child's environment: the script must pick the local cloud by itself.
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TSX_TSCONFIG_PATH: join(root, 'tsconfig.json'), ...extraEnv };
    for (const name of Object.keys(env)) if (name.startsWith('AWS_') || env[name] === undefined) delete env[name];
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), ...args.map((a) => (a.startsWith('examples/') ? join(root, a) : a))], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not finish in ${timeoutMs / 1000} s; output so far:\n${stdout.slice(-4000)}\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000, cwd, pid: child.pid });
    });
  });
}

/** The `result` of the last successful step whose result says `task: <task>`. */
export function taskResult(events: readonly Record<string, unknown>[], task: number | string): Record<string, any> {
  const results = events
    .filter((e) => e.type === 'step' && e.status === 'ok' && typeof e.result === 'object' && e.result !== null)
    .map((e) => e.result as Record<string, any>)
    .filter((r) => r.task === task);
  assert.ok(results.length > 0, `no successful step reported a result for task ${task}`);
  return results.at(-1)!;
}

/** The JSON events of a `--json` run: every line must be one. */
export function parseEvents(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        assert.fail(`--json printed a line that is not JSON (line ${i + 1}): ${line}`);
      }
    });
}

/** A `--json` run of the whole lab: no step failed, exit 0, the summary says everything created was removed. */
export function assertRunSucceeded(run: { code: number | null; stdout: string; stderr: string }): Record<string, unknown>[] {
  const { code, stdout, stderr } = run;
  const events = parseEvents(stdout);
  const failed = events.filter((e) => e.type === 'step' && e.status === 'failed');
  assert.deepEqual(failed, [], `failed steps; stderr:\n${stderr.slice(-8000)}`);
  assert.equal(code, 0, `exit code ${code}; stderr:\n${stderr.slice(-2000)}`);
  const summary = events.find((e) => e.type === 'summary') as { ok: boolean; data: Record<string, unknown> } | undefined;
  assert.ok(summary?.ok, 'the summary says ok');
  assert.equal(summary.data.albUrl, undefined, 'the cleanup removed the ALB: the summary does not advertise its URL');
  // Counts by kind, not lists; everything created or put was removed again.
  const counts = (key: string) => summary.data[key] as { count: number; byKind: Record<string, number> };
  assert.ok(counts('created').count > 10, JSON.stringify(summary.data.created));
  assert.equal(counts('created').byKind.service, 2);
  // The setup's EC2 capacity (examples/lab-capacity.ts): launched, then terminated by the cleanup.
  assert.equal(counts('created').byKind.instance, 4, JSON.stringify(summary.data.created));
  assert.equal(counts('removed').byKind.instance, 4, JSON.stringify(summary.data.removed));
  assert.equal(counts('removed').count, counts('created').count + counts('put').count, `removed ${JSON.stringify(summary.data.removed)} = created + put`);
  assert.equal(summary.data.unchanged, undefined);
  return events;
}

/** Each lab task's observable result, from its JSON step event (the same on either driver). */
export function assertLabTasks(events: readonly Record<string, unknown>[]): void {
  // Setup: a fresh local cloud is a new account, so the previous guide's repositories and roles are created.
  const prerequisites = events.find((e) => e.type === 'step' && String(e.step).startsWith('Setup: prerequisites') && e.status === 'ok');
  assert.deepEqual((prerequisites as { result?: unknown } | undefined)?.result, { created: 6, existing: 0 }, 'two ECR repositories, three IAM roles and the instance profile ecsInstanceRole created');

  // Task 1: the cluster and the concepts, with awsvpc for both services (ERRATA 2.1).
  const t1 = taskResult(events, 1);
  assert.equal(t1.target, 'local');
  assert.equal(t1.clusterStatus, 'ACTIVE');
  assert.equal(t1.containerInstances, 4, 'the cluster has the capacity the setup launched: 4 EC2 instances whose agents joined it');
  assert.equal(t1.registeredCpu, 4 * 2048);
  assert.deepEqual(t1.networkModes, { 'invsys-service': 'awsvpc', 'gateway-service': 'awsvpc' });

  // Task 2: both task definitions, awsvpc, the gateway pointed at invsys.local; families listed by prefix (ERRATA 2.5).
  const t2 = taskResult(events, 2);
  assert.equal(t2.invsys.networkMode, 'awsvpc');
  assert.equal(t2.invsys.status, 'ACTIVE');
  assert.equal(t2.gateway.invsysUrl, 'http://invsys.local:5000');
  assert.deepEqual(Object.keys(t2.families).sort(), ['flask-inventory-gateway', 'flask-inventory-invsys']);

  // Task 3: two invsys tasks running, both in Cloud Map, the app's startup lines in its log group.
  const t3 = taskResult(events, 3);
  assert.equal(t3.outcome, 'completed');
  assert.equal(t3.runningTasks, 2);
  assert.deepEqual([...t3.cloudMapInstances].sort(), [...t3.taskAddresses].sort(), 'Cloud Map lists exactly the running tasks');
  assert.ok(t3.startupLogLines >= 2, `startup lines in /ecs/flask-inventory-invsys: ${t3.startupLogLines}`);
  assert.equal(t3.containerInstances, 1, 'binpack keeps both invsys replicas on one instance, sharing the invsys-data volume');

  // Task 4: through the ALB, as the lab's 4.3 shows.
  const t4 = taskResult(events, 4);
  assert.match(String(t4.albUrl), /^http:\/\/flask-inventory-alb-.*\.elb\.localhost/);
  assert.equal(t4.rootStatus, 200);
  assert.equal(t4.rootBody, 'Hello from Gateway!');
  assert.equal(t4.itemsStatus, 200);
  assert.equal(t4.itemsCount, 0, 'a fresh lab starts with no devices');
  assert.equal(t4.postStatus, 201);
  assert.equal(t4.devicePosted, 'ecs-device-001');
  assert.equal(t4.deviceReadBack, true);
  assert.equal(t4.deviceListed, true);

  // Task 5: v2.0.0 answered by every new task, then the previous version again after the rollback.
  const t5 = taskResult(events, 5);
  assert.equal(t5.rollout.outcome, 'completed');
  assert.ok(t5.rollout.versions.length >= 2 && t5.rollout.versions.every((v: string) => v === '2.0.0'), `versions after the rollout: ${t5.rollout.versions}`);
  assert.equal(t5.rollback.outcome, 'completed');
  assert.notEqual(t5.previousVersion, '2.0.0');
  assert.ok(t5.rollback.versions.length >= 2 && t5.rollback.versions.every((v: string) => v === t5.previousVersion), `versions after the rollback: ${t5.rollback.versions}`);
  assert.equal(t5.rollback.taskDefinition, t5.previousTaskDefinition);
  assert.ok(t5.traffic.requests > 0, 'requests flowed through the ALB during the rollouts');
  assert.equal(t5.traffic.failures, 0, `requests that did not answer 200 during the rollouts: ${JSON.stringify(t5.traffic.statuses)}`);

  // Task 6: 2 → 4 → 2, the requests spread over more than one task.
  const t6 = taskResult(events, 6);
  assert.ok(t6.scaleOut.some((c: { running: number }) => c.running === 4), 'four gateway tasks ran at once');
  assert.ok(t6.tasksServing > 1, `tasks that served requests: ${t6.tasksServing}`);
  assert.equal(t6.final.running, 2);

  // Task 7: a container health check really failed: the task went UNHEALTHY, ECS stopped it for that,
  // left the ALB, started another; after the fix a new task passed its checks and the app answered.
  const t7 = taskResult(events, 7);
  assert.ok(t7.failure.stoppedTask && t7.failure.replacementTask && t7.failure.stoppedTask !== t7.failure.replacementTask);
  assert.equal(t7.failure.healthStatus, 'UNHEALTHY');
  assert.equal(t7.failure.stoppedReason, 'Task failed container health checks');
  assert.equal(t7.failure.leftTargetGroup, true);
  assert.ok(t7.failure.retriedTask && t7.failure.retriedTask !== t7.failure.stoppedTask, 'ECS started a task in place of the failed one');
  assert.notEqual(t7.failure.restoredRevision, t7.failure.faultyRevision);
  assert.equal(t7.failure.replacementHealth, 'HEALTHY');
  assert.ok(t7.failure.events.some((e: string) => e.includes(t7.failure.stoppedTask.slice(0, 12)) || e.includes(t7.failure.retriedTask)), `events: ${t7.failure.events.join(' | ')}`);
  assert.equal(t7.failure.runningAfter, t7.failure.desired);
  assert.equal(t7.failure.itemsStatus, 200);

  // Task 8: the load sized from a measured burst; each policy caused at least one scale-out (attributed from the
  // activities' causes), the desired count reached the maximum 4 and came back to the minimum 2. Outcomes, not durations.
  const t8 = taskResult(events, 8);
  const t8Context = JSON.stringify({ capacity: t8.capacity, acted: t8.acted, phases: t8.phases?.map((p: any) => `${p.phase}:${p.reached}:${p.desiredBefore}→${p.desiredAfter}:${p.load.requestsPerSecond}/s`) });
  assert.deepEqual(Object.keys(t8.policies).sort(), ['gateway-cpu-scaling', 'gateway-request-scaling']);
  assert.ok(t8.capacity.requestsPerSecond > 0, t8Context);
  assert.ok(t8.acted['gateway-cpu-scaling'].scaleOut >= 1, `the CPU policy caused no scale-out: ${t8Context}`);
  assert.ok(t8.acted['gateway-request-scaling'].scaleOut >= 1, `the request-count policy caused no scale-out: ${t8Context}`);
  assert.equal(t8.peakDesired, 4, t8Context);
  assert.equal(t8.scaledIn, true, t8Context);
  assert.equal(t8.finalDesired, 2, t8Context);

  // Task 9: the dashboard and both alarms exist, and change state (from DescribeAlarmHistory):
  // the task-failure alarm INSUFFICIENT_DATA → OK once RunningTaskCount flows, the CPU alarm ALARM under load and back to OK.
  const t9 = taskResult(events, 9);
  assert.ok(t9.dashboard.widgets > 0);
  assert.equal(t9.dashboard.sparklines, 6, 'a terminal sparkline per metric of the two metric widgets (4 ECS, 2 ALB)');
  assert.deepEqual(Object.keys(t9.alarms).sort(), ['ecs-gateway-high-cpu', 'ecs-gateway-task-failures']);
  assert.equal(t9.alarms['ecs-gateway-task-failures'].namespace, 'ECS/ContainerInsights');
  assert.deepEqual(t9.transitions.taskFailures.states, ['INSUFFICIENT_DATA', 'OK']);
  // The CPU alarm under a driven load ends OK; whether it reached ALARM depends on what the machine can serve (reported, not asserted).
  const cpuStates: string[] = t9.transitions.highCpu.states;
  assert.equal(cpuStates.at(-1), 'OK', `CPU alarm states ${cpuStates.join(' → ')}`);
  assert.ok(t9.transitions.highCpu.load.requests > 0, `load ${JSON.stringify(t9.transitions.highCpu.load)}`);
  assert.equal(t9.containerInsights, true);
  // 9.4: one task's logs by its stream prefix; the guide's --filter-pattern "$TASK_ID" matches nothing (erratum).
  assert.deepEqual(t9.errata, ['9.3', '9.4']);
  assert.equal(t9.logs.task.streamPrefix, `ecs/gateway/${t9.logs.task.id}`);
  assert.ok(t9.logs.task.lines > 0, 'the task stream has lines');
  assert.equal(t9.logs.task.guideFilterLines, 0);

  // Task 10: the template, written and checked, with the lab's services in it.
  const t10 = taskResult(events, 10);
  assert.deepEqual(t10.problems, []);
  assert.ok(existsSync(t10.file), `template written at ${t10.file}`);
  assert.ok(Object.values(t10.resources).includes('AWS::ECS::Service'));

  // Cleanup: everything removed, nothing tagged ecskit:stack=flask-inventory-lab remains.
  const cleanup = taskResult(events, 'cleanup');
  assert.equal(cleanup.dryRun, false);
  assert.ok(cleanup.removed > 10, `resources removed: ${cleanup.removed}`);
  assert.deepEqual(cleanup.remaining, []);
}
