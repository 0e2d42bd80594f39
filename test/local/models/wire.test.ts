import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signedPost, startTestCloud, type RawResponse, type TestCloud } from '../helpers.js';

const ECS = 'AmazonEC2ContainerServiceV20141113';
const container = { name: 'web', image: 'nginx', memory: 128 };

const codeOf = (r: RawResponse): string => r.json?.__type ?? r.xml?.ErrorResponse?.Error?.Code ?? r.xml?.Response?.Errors?.Error?.Code ?? '';
const messageOf = (r: RawResponse): string => r.json?.message ?? r.xml?.ErrorResponse?.Error?.Message ?? r.xml?.Response?.Errors?.Error?.Message ?? '';

/** A JSON text nested `levels` deep, built without recursion. */
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('model validation on the wire: the probe cases answer 400 with AWS codes', () => {
  let t: TestCloud;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ecskit-validate-'));
    t = await startTestCloud({ stateFile: join(dir, 'state.json') });
  });
  after(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const ecs = (op: string, body: unknown) => t.json('ecs', `${ECS}.${op}`, body);

  it('wrong JSON types are SerializationException naming the member, not 500 InternalFailure', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['DescribeClusters', { include: -1 }, /Expected a List at 'include', got a number \(-1\)/],
      ['ListTasks', { cluster: true }, /Expected a String at 'cluster', got a boolean/],
      ['RunTask', { cluster: {}, taskDefinition: 'x' }, /Expected a String at 'cluster', got an object/],
      ['RegisterTaskDefinition', { family: 'f', containerDefinitions: [{ ...container, portMappings: 'x' }] }, /at 'containerDefinitions\.1\.member\.portMappings'/],
      ['RegisterTaskDefinition', { family: 5, containerDefinitions: [container] }, /Expected a String at 'family', got a number \(5\)/],
      ['RegisterTaskDefinition', { family: 'f', containerDefinitions: [{ ...container, command: 'ls' }] }, /Expected a List at 'containerDefinitions\.1\.member\.command'/],
      ['RegisterTaskDefinition', { family: 'f', containerDefinitions: [{ ...container, entryPoint: {} }] }, /Expected a List at 'containerDefinitions\.1\.member\.entryPoint', got an object/],
      ['RegisterTaskDefinition', { family: 'f', containerDefinitions: [{ ...container, essential: 'yes' }] }, /Expected a Boolean at 'containerDefinitions\.1\.member\.essential', got a string \(yes\)/],
      ['ListTasks', { maxResults: 1e12 }, /Expected an Integer \(-2147483648 to 2147483647\) at 'maxResults'/],
      ['ListTasks', { maxResults: 1.5 }, /Expected an Integer \(a whole number\) at 'maxResults'/],
    ];
    for (const [op, body, message] of cases) {
      const r = await ecs(op, body);
      assert.equal(r.status, 400, `${op} ${JSON.stringify(body)}: ${r.text}`);
      assert.equal(codeOf(r), 'SerializationException', `${op} ${JSON.stringify(body)}`);
      assert.match(messageOf(r), message);
    }
  });

  it('constraint failures list every problem in AWS format with the service code', async () => {
    const r = await ecs('ListTasks', { maxResults: -1, desiredStatus: 'DEAD' });
    assert.equal(r.status, 400);
    assert.equal(codeOf(r), 'InvalidParameterException');
    assert.equal(
      messageOf(r),
      "2 validation errors detected: Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value 'DEAD' at 'desiredStatus' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, PENDING, STOPPED]",
    );
    const logs = await t.json('logs', 'Logs_20140328.CreateLogGroup', { logGroupName: 'bad name!' });
    assert.equal(codeOf(logs), 'InvalidParameterException');
    assert.match(messageOf(logs), /^1 validation error detected: Value 'bad name!' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\.\\-_\/#A-Za-z0-9\]\+$/);
    const scaling = await t.json('application-autoscaling', 'AnyScaleFrontendService.DescribeScalableTargets', {});
    assert.equal(codeOf(scaling), 'ValidationException');
    assert.match(messageOf(scaling), /Value null at 'serviceNamespace' failed to satisfy constraint: Member must not be null/);
  });

  it('Query inputs are checked by the model type, with the Query services’ errors', async () => {
    const tg = await t.query('elasticloadbalancing', 'CreateTargetGroup', { Name: 'tg', Protocol: 'HTTP', Port: 'abc', VpcId: 'vpc-1' });
    assert.equal(tg.status, 400);
    assert.equal(codeOf(tg), 'ValidationError');
    assert.match(messageOf(tg), /Value 'abc' at 'port' failed to satisfy constraint: Member must be an Integer/);
    const iam = await t.query('iam', 'CreateRole', { AssumeRolePolicyDocument: '{}' });
    assert.equal(codeOf(iam), 'ValidationError');
    assert.match(messageOf(iam), /Value null at 'roleName' failed to satisfy constraint: Member must not be null/);
    const ec2 = await t.query('ec2', 'CreateSecurityGroup', { Description: 'd' });
    assert.equal(ec2.status, 400);
    assert.equal(codeOf(ec2), 'MissingParameter');
    assert.equal(messageOf(ec2), 'The request must contain the parameter GroupName');
    const port = await t.query('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: 'sg-1', 'IpPermissions.1.FromPort': 'eighty' });
    assert.equal(codeOf(port), 'InvalidParameterValue');
    assert.match(messageOf(port), /Value \(eighty\) for parameter IpPermissions\.1\.FromPort is invalid/);
    // Valid Query input still works, with the handlers' string form untouched.
    const ok = await t.query('elasticloadbalancing', 'CreateTargetGroup', { Name: 'tg', Protocol: 'HTTP', Port: '80', VpcId: (await firstVpc(t)) });
    assert.equal(ok.status, 200, ok.text);
  });

  it('a 5,000-level nested field is refused at the door and state saves keep working', async () => {
    const deepUnknown = `{"clusterName":"deep","evil":${nested(5000)}}`;
    const r = await signedPost(t.cloud.endpoint, 'ecs', t.cloud.region, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${ECS}.CreateCluster` }, deepUnknown);
    assert.equal(r.status, 400);
    assert.equal(codeOf(r), 'SerializationException');
    assert.match(messageOf(r), /nests deeper than 64 levels/);
    const deepKnown = `{"clusterName":"deep2","tags":[{"key":"k","value":${nested(5000)}}]}`;
    const r2 = await signedPost(t.cloud.endpoint, 'ecs', t.cloud.region, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${ECS}.CreateCluster` }, deepKnown);
    assert.equal(r2.status, 400);
    const shallow = await ecs('CreateCluster', { clusterName: 'after' });
    assert.equal(shallow.status, 200);
    assert.doesNotThrow(() => JSON.stringify(t.cloud.state.snapshot()));
  });

  it('members the model does not declare never reach state', async () => {
    const r = await ecs('RegisterTaskDefinition', { family: 'clean', containerDefinitions: [{ ...container, sneaky: { a: 1 } }], sneaky: 'x', __proto__x: 1 });
    assert.equal(r.status, 200, r.text);
    assert.equal('sneaky' in r.json.taskDefinition, false);
    assert.equal('sneaky' in r.json.taskDefinition.containerDefinitions[0], false);
    const text = JSON.stringify(t.cloud.state.snapshot());
    assert.equal(text.includes('sneaky'), false);
    assert.equal(readFileSafe(join(dir, 'state.json')).includes('sneaky'), false);
  });
});

async function firstVpc(t: TestCloud): Promise<string> {
  const r = await t.query('ec2', 'DescribeVpcs');
  const items = r.xml?.DescribeVpcsResponse?.vpcSet?.item ?? [];
  return items[0]?.vpcId ?? 'vpc-missing';
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
