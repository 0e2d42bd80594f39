import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsCli, awsCliSkip } from '../../aws-cli.js';
import { startTestCloud, type TestCloud } from '../../helpers.js';
import { gatewayTaskDefinition, invsysTaskDefinition } from './fixtures.js';

describe('ECS through the AWS CLI (lab 2.2, 2.5)', () => {
  const skip = awsCliSkip();
  let t: TestCloud;
  let dir: string;

  before(async () => {
    t = await startTestCloud();
    dir = mkdtempSync(join(tmpdir(), 'ecskit-ecs-cli-'));
  });

  after(async () => {
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('register-task-definition --cli-input-json file://… registers revision 1', { skip }, async () => {
    const file = join(dir, 'invsys-task-definition.json');
    writeFileSync(file, JSON.stringify(invsysTaskDefinition(), null, 2));
    const r = await awsCli(t.cloud.endpoint, ['ecs', 'register-task-definition', '--cli-input-json', `file://${file}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.taskDefinition.family, 'flask-inventory-invsys');
    assert.equal(r.json.taskDefinition.revision, 1);
    assert.equal(r.json.taskDefinition.status, 'ACTIVE');
    const gateway = join(dir, 'gateway-task-definition.json');
    writeFileSync(gateway, JSON.stringify(gatewayTaskDefinition()));
    assert.equal((await awsCli(t.cloud.endpoint, ['ecs', 'register-task-definition', '--cli-input-json', `file://${gateway}`])).code, 0);
  });

  test('describe-task-definition --query answers the table the guide expects', { skip }, async () => {
    const r = await awsCli(t.cloud.endpoint, ['ecs', 'describe-task-definition', '--task-definition', 'flask-inventory-invsys', '--query', 'taskDefinition.[family,revision,status]']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json, ['flask-inventory-invsys', 1, 'ACTIVE']);
  });

  test('list-task-definitions --family-prefix flask-inventory lists nothing, as on AWS (ERRATA 2.5)', { skip }, async () => {
    const r = await awsCli(t.cloud.endpoint, ['ecs', 'list-task-definitions', '--family-prefix', 'flask-inventory']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json.taskDefinitionArns, []);
    const exact = await awsCli(t.cloud.endpoint, ['ecs', 'list-task-definitions', '--family-prefix', 'flask-inventory-gateway']);
    assert.deepEqual(exact.json.taskDefinitionArns, ['arn:aws:ecs:us-east-1:123456789012:task-definition/flask-inventory-gateway:1']);
  });

  test('an unknown task definition fails with the ClientException message', { skip }, async () => {
    const r = await awsCli(t.cloud.endpoint, ['ecs', 'describe-task-definition', '--task-definition', 'ghost']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ClientException.*Unable to describe task definition\./);
  });
});
