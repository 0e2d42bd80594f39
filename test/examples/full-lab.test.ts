/**
 * End-to-end: `examples/full-lab.ts --json` on the local cloud with the
 * process driver, asserting each lab task's observable result from its JSON
 * step event (not just the exit code) and that the cleanup left nothing
 * tagged; re-running Tasks 1–5 against one cloud creates nothing twice;
 * `--help` and a bad flag. The container driver's run is
 * `full-lab-containers.test.ts`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { run as coreConcepts } from '../../examples/01-core-concepts.ts';
import { run as taskDefinitions } from '../../examples/02-task-definitions.ts';
import { run as invsysService } from '../../examples/03-invsys-service.ts';
import { run as gatewayService } from '../../examples/04-gateway-service.ts';
import { run as rollingDeployment } from '../../examples/05-rolling-deployment.ts';
import { assertLabTasks, assertRunSucceeded, runExample } from './full-lab-run.js';
import { openLocalLab } from './local-lab.js';

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

test('full-lab.ts --json completes every lab task on the local cloud, each with its observable result, and the cleanup leaves nothing tagged', { timeout: 240_000 }, async (t) => {
  const run = await runExample(['examples/full-lab.ts', '--json'], 230_000);
  t.after(() => rmSync(run.cwd, { recursive: true, force: true }));
  const events = assertRunSucceeded(run);
  console.log(`full lab: ${run.seconds.toFixed(1)} s, ${events.length} JSON events`);
  assertLabTasks(events);
  assert.ok(events.some((e) => e.type === 'note' && String(e.message).includes('tasks as processes')), 'the target line names the process driver');
  assert.ok(!events.some((e) => e.type === 'step' && String(e.step).includes('build and push')), 'the process driver needs no image built');
});

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
    assert.ok(first.created.length > 10, `the first round created the stack: ${first.created.map((e) => `${e.kind} ${e.name}`).join(', ')}`);
    const prerequisites = () => lab.extra.prerequisites as { created: string[]; existing: string[] };
    assert.deepEqual(
      prerequisites().created,
      [
        'ECR repository flask-inventory/invsys',
        'ECR repository flask-inventory/gateway',
        'IAM role ecsTaskExecutionRole',
        'IAM role ecsAutoscaleRole',
        'IAM role ecsInstanceRole',
        'IAM instance profile ecsInstanceRole',
      ],
      'a fresh cloud: the two repositories, three roles and the instance profile are created',
    );
    const second = await round();
    assert.deepEqual(second.created, [], 'the second round created nothing');
    assert.deepEqual(prerequisites().created, [], 'the prerequisites exist the second time');
    assert.equal(prerequisites().existing.length, 6);
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
