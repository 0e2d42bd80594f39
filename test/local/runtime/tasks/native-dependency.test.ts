import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateClusterCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { builtAppEntry, nativeDependencyProblem } from '../../../../src/local/runtime/images.js';
import { startTestCloud, type TestCloud } from '../../helpers.js';
import { defaultSubnet, describeTask, waitFor } from './helpers.js';

// better-sqlite3 is an optional dependency: a project where it is missing
// gets a task stopped with a reason that names it and the fix, not a crash log.
describe('the inventory image and its optional better-sqlite3', () => {
  let dir: string;
  let entry: string;
  let t: TestCloud | undefined;

  before(() => {
    // A program outside this repository: better-sqlite3 cannot be resolved from it.
    dir = mkdtempSync(join(tmpdir(), 'ecskit-native-'));
    entry = join(dir, 'app.mjs');
    writeFileSync(entry, "import Database from 'better-sqlite3';\nnew Database(':memory:');\n");
  });
  after(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the check passes for the built inventory app, where better-sqlite3 is installed', () => {
    assert.equal(nativeDependencyProblem(builtAppEntry('inventory')), undefined);
  });

  test('the check names the package, the program and the install command when better-sqlite3 cannot be loaded', () => {
    const problem = nativeDependencyProblem(entry);
    assert.ok(problem, 'expected a problem for a program that cannot resolve better-sqlite3');
    assert.match(problem, /^better-sqlite3 \(an optional dependency of ecskit\) cannot be loaded from /);
    assert.ok(problem.includes(entry), problem);
    assert.match(problem, /Cannot find module 'better-sqlite3'/);
    assert.match(problem, /Install it with `npm install better-sqlite3`/);
  });

  test('a task whose image lacks its native dependency stops with CannotStartContainerError and that reason', async () => {
    t = await startTestCloud({
      timeScale: 0.02,
      runtime: { tickMs: 50 },
      images: { 'test/needs-sqlite': { kind: 'node', entry, unavailable: () => nativeDependencyProblem(entry) } },
    });
    const subnet = await defaultSubnet(t);
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'native' }));
    await t.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'needs-sqlite',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image: 'test/needs-sqlite', essential: true, portMappings: [{ containerPort: 8080 }] }],
      }),
    );
    const out = await t.clients.ecs.send(
      new RunTaskCommand({ cluster: 'native', taskDefinition: 'needs-sqlite', launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } } }),
    );
    const arn = out.tasks?.[0]?.taskArn;
    assert.ok(arn, JSON.stringify(out.failures));
    const cloud = t;
    const task = await waitFor('STOPPED', async () => {
      const x = await describeTask(cloud.clients.ecs, 'native', arn);
      return x.lastStatus === 'STOPPED' ? x : undefined;
    });
    assert.equal(task.stopCode, 'TaskFailedToStart');
    assert.match(task.stoppedReason ?? '', /^CannotStartContainerError: better-sqlite3 \(an optional dependency of ecskit\) cannot be loaded/);
    assert.match(task.stoppedReason ?? '', /npm install better-sqlite3/);
    assert.match(task.containers?.[0]?.reason ?? '', /^CannotStartContainerError/);
  });
});
