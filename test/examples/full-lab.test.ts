/**
 * End-to-end: `examples/full-lab.ts --json` on the local cloud, asserting
 * each lab task's observable result from its JSON step event (not just the
 * exit code) and that the cleanup left nothing tagged — with the process
 * driver, and with `--driver container` (real images built, pushed to the
 * local ECR and run by podman or docker); re-running Tasks 1–5
 * against one cloud creates nothing twice; `--help` and a bad flag.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run as coreConcepts } from '../../examples/01-core-concepts.ts';
import { run as taskDefinitions } from '../../examples/02-task-definitions.ts';
import { run as invsysService } from '../../examples/03-invsys-service.ts';
import { run as gatewayService } from '../../examples/04-gateway-service.ts';
import { run as rollingDeployment } from '../../examples/05-rolling-deployment.ts';
import { ensureOfflineNodeImage, type ContainerEngine } from '../../src/containers/index.js';
import { engineSkip, realEngine } from '../containers/helpers.js';
import { openLocalLab } from './local-lab.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs an example script with tsx in a child process; resolves with its exit code and output. */
function runExample(
  args: readonly string[],
  timeoutMs: number,
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number; cwd: string; pid: number | undefined }> {
  const started = performance.now();
  // A scratch working directory: files a task writes (Task 10's template) stay out of the checkout.
  const cwd = mkdtempSync(join(tmpdir(), 'ecskit-full-lab-test-'));
  return new Promise((resolve, reject) => {
    // No AWS settings in the child's environment: the script must pick the local cloud by itself.
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TSX_TSCONFIG_PATH: join(root, 'tsconfig.json'), ...extraEnv };
    for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
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
function taskResult(events: readonly Record<string, unknown>[], task: number | string): Record<string, any> {
  const results = events
    .filter((e) => e.type === 'step' && e.status === 'ok' && typeof e.result === 'object' && e.result !== null)
    .map((e) => e.result as Record<string, any>)
    .filter((r) => r.task === task);
  assert.ok(results.length > 0, `no successful step reported a result for task ${task}`);
  return results.at(-1)!;
}

test('full-lab.ts --help describes the script and its flags and exits 0', async () => {
  const { code, stdout, cwd } = await runExample(['examples/full-lab.ts', '--help'], 60_000);
  rmSync(cwd, { recursive: true, force: true });
  assert.equal(code, 0);
  assert.match(stdout, /^examples\/full-lab\.ts — the whole ECS lab/);
  for (const flag of ['--target', '--time-scale', '--json', '--keep', '--troubleshoot', '--help']) assert.ok(stdout.includes(flag), `--help does not mention ${flag}`);
});

test('full-lab.ts refuses an unknown flag with exit code 2 and names the flag', async () => {
  const { code, stdout, stderr, cwd } = await runExample(['examples/full-lab.ts', '--colour'], 60_000);
  rmSync(cwd, { recursive: true, force: true });
  assert.equal(code, 2);
  assert.match(stderr, /--colour/);
  assert.equal(stdout, '', 'nothing runs after a bad flag');
});

/** The JSON events of a `--json` run: every line must be one. */
function parseEvents(stdout: string): Record<string, unknown>[] {
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
function assertRunSucceeded(run: { code: number | null; stdout: string; stderr: string }): Record<string, unknown>[] {
  const { code, stdout, stderr } = run;
  const events = parseEvents(stdout);
  const failed = events.filter((e) => e.type === 'step' && e.status === 'failed');
  assert.deepEqual(failed, [], `failed steps; stderr:\n${stderr.slice(-2000)}`);
  assert.equal(code, 0, `exit code ${code}; stderr:\n${stderr.slice(-2000)}`);
  const summary = events.find((e) => e.type === 'summary') as { ok: boolean; data: Record<string, unknown> } | undefined;
  assert.ok(summary?.ok, 'the summary says ok');
  assert.equal(summary.data.albUrl, undefined, 'the cleanup removed the ALB: the summary does not advertise its URL');
  // Counts by kind, not lists; everything created or put was removed again.
  const counts = (key: string) => summary.data[key] as { count: number; byKind: Record<string, number> };
  assert.ok(counts('created').count > 10, JSON.stringify(summary.data.created));
  assert.equal(counts('created').byKind.service, 2);
  assert.equal(counts('removed').count, counts('created').count + counts('put').count, `removed ${JSON.stringify(summary.data.removed)} = created + put`);
  assert.equal(summary.data.unchanged, undefined);
  return events;
}

/** Each lab task's observable result, from its JSON step event (the same on either driver). */
function assertLabTasks(events: readonly Record<string, unknown>[]): void {
  // Task 1: the cluster and the concepts, with awsvpc for both services (ERRATA 2.1).
  const t1 = taskResult(events, 1);
  assert.equal(t1.target, 'local');
  assert.equal(t1.clusterStatus, 'ACTIVE');
  assert.ok(t1.containerInstances > 0, 'the cluster has capacity');
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

  // Task 8: both policies, a scale-out under load and back in.
  const t8 = taskResult(events, 8);
  assert.equal(Object.keys(t8.policies).length, 2);
  assert.equal(t8.scaledOut, true, `peak desired ${t8.peakDesired}`);
  assert.ok(t8.activities.length > 0, 'scaling activities were recorded');

  // Task 9: the dashboard and both alarms exist, and change state (from DescribeAlarmHistory):
  // the task-failure alarm INSUFFICIENT_DATA → OK once RunningTaskCount flows, the CPU alarm ALARM under load and back to OK.
  const t9 = taskResult(events, 9);
  assert.ok(t9.dashboard.widgets > 0);
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

test('full-lab.ts --json completes every lab task on the local cloud, each with its observable result, and the cleanup leaves nothing tagged', { timeout: 240_000 }, async (t) => {
  const run = await runExample(['examples/full-lab.ts', '--json'], 230_000);
  t.after(() => rmSync(run.cwd, { recursive: true, force: true }));
  const events = assertRunSucceeded(run);
  console.log(`full lab: ${run.seconds.toFixed(1)} s, ${events.length} JSON events`);
  assertLabTasks(events);
  assert.ok(events.some((e) => e.type === 'note' && String(e.message).includes('tasks as processes')), 'the target line names the process driver');
  assert.ok(!events.some((e) => e.type === 'step' && String(e.step).includes('build and push')), 'the process driver needs no image built');
});

test(
  'full-lab.ts --driver container --json: every task a real container, the images built and pushed to the local ECR, v2.0.0 rolled out with 0 failed requests, no container left',
  { skip: await engineSkip(), timeout: 720_000 },
  async (t) => {
    const engine = (await realEngine()) as ContainerEngine;
    // No image registry is reachable here: build on the offline base (what `npm run image:offline-base` makes).
    const base = await ensureOfflineNodeImage({ engine });
    const run = await runExample(['examples/full-lab.ts', '--driver', 'container', '--json'], 700_000, { ECSKIT_NODE_IMAGE: base.image });
    t.after(() => rmSync(run.cwd, { recursive: true, force: true }));
    const events = assertRunSucceeded(run);
    console.log(`full lab, container driver: ${run.seconds.toFixed(1)} s, ${events.length} JSON events`);
    assertLabTasks(events);
    assert.ok(events.some((e) => e.type === 'note' && String(e.message).includes('tasks as containers')), 'the target line names the container driver');

    const stepResult = (prefix: string) => {
      const step = events.find((e) => e.type === 'step' && e.status === 'ok' && String(e.step).startsWith(prefix));
      assert.ok(step, `no successful step "${prefix}…"`);
      return step.result as Record<string, any>;
    };
    // Setup built both images and pushed them to the local ECR under their ECR names.
    const latest = stepResult('Setup: build and push the lab images');
    assert.match(latest.invsys, /^\d{12}\.dkr\.ecr\.us-east-1\.amazonaws\.com\/flask-inventory\/invsys:latest$/);
    assert.match(latest.gateway, /^\d{12}\.dkr\.ecr\.us-east-1\.amazonaws\.com\/flask-inventory\/gateway:latest$/);
    // Task 5.2: a real v2.0.0 image, pushed before the rollout; every new task answered 2.0.0 (asserted above, with 0 failed requests).
    const v2 = stepResult('Task 5.2');
    assert.match(v2.imageUri, /\/flask-inventory\/invsys:v2\.0\.0$/);
    assert.match(v2.digest, /^sha256:[a-f0-9]{64}$/);
    const { stdout } = await engine.exec(['image', 'inspect', '--format', '{{index .Config.Labels "org.opencontainers.image.version"}}', 'flask-inventory/invsys:v2.0.0']);
    assert.equal(stdout.trim(), '2.0.0', 'the version is baked into the image');
    // The lab's own `curl -f` container health checks passed inside the containers (Task 7).
    const t7 = taskResult(events, 7);
    assert.equal(t7.failure.replacementHealth, 'HEALTHY');
    // Nothing the run started is left in the engine.
    const left = await engine.exec(['ps', '--all', '--filter', 'label=ecskit.cloud', '--filter', `label=ecskit.pid=${run.pid}`, '--format', '{{.Names}}']);
    assert.equal(left.stdout.trim(), '', `containers left by the run: ${left.stdout}`);
  },
);

test('running Tasks 1–5 twice against one local cloud creates nothing the second time', { timeout: 180_000 }, async () => {
  const { lab, target } = await openLocalLab();
  try {
    const round = async () => {
      const before = lab.created.length;
      await coreConcepts(lab);
      const t2 = await taskDefinitions(lab);
      const t3 = await invsysService(lab);
      const t4 = await gatewayService(lab);
      const t5 = await rollingDeployment(lab);
      const resources = (await lab.ops.listStackResources()).map((r) => `${r.kind} ${r.name}`).sort();
      return { created: lab.created.slice(before), t2, t3, t4, t5, resources };
    };
    const first = await round();
    assert.ok(first.created.length > 10, `the first round created the stack: ${first.created.join(', ')}`);
    const second = await round();
    assert.deepEqual(second.created, [], 'the second round created nothing');
    assert.deepEqual(second.resources, first.resources, 'the same tagged resources, none twice');
    assert.equal(new Set(first.resources).size, first.resources.length, 'no tagged resource is listed twice');
    // Same revisions: Task 2 reuses revision 1 although Task 5 registered revision 2 meanwhile.
    assert.equal(second.t2.invsys.familyRevision, first.t2.invsys.familyRevision);
    assert.equal(second.t2.gateway.familyRevision, first.t2.gateway.familyRevision);
    assert.equal(second.t5.v2TaskDefinition, first.t5.v2TaskDefinition);
    assert.equal(second.t5.v2Created, false);
    assert.equal(second.t3.namespaceCreated, false);
    assert.equal(second.t3.namespaceId, first.t3.namespaceId);
    // The device posted the first time is still there (409 on the second POST) and still reads back.
    assert.equal(second.t4.deviceExisted, true);
    assert.equal(second.t4.deviceReadBack, true);
  } finally {
    await target.close();
  }
});
