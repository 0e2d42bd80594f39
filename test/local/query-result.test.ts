import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateRoleCommand, DeleteRoleCommand, IAMClient, TagRoleCommand } from '@aws-sdk/client-iam';
import { CreateTargetGroupCommand, DeleteTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { outputModels } from '../../src/local/models/data/output/index.js';
import { hasOutputShape } from '../../src/local/models/index.js';
import { encodeQuery } from '../../src/local/server/codecs.js';
import { awsCli, awsCliSkip, cloudWatchOverQueryEnv } from './aws-cli.js';
import { startTestCloud, TEST_CREDENTIALS, type RawResponse, type TestCloud } from './helpers.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const MONITORING_NS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const ELB_NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

const alarm = {
  AlarmName: 'no-result-cpu',
  MetricName: 'CPUUtilization',
  Namespace: 'AWS/ECS',
  Statistic: 'Average',
  Period: 60,
  EvaluationPeriods: 2,
  Threshold: 70,
  ComparisonOperator: 'GreaterThanThreshold',
};

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The whole body AWS sends for a Query operation with no output shape (only ResponseMetadata), with its request id. */
function assertNoResult(r: RawResponse, action: string, namespace: string): void {
  assert.equal(r.status, 200, r.text);
  const requestId = r.headers.get('x-amzn-requestid') ?? '';
  assert.match(requestId, /^[0-9a-f-]{36}$/);
  assert.equal(
    r.text,
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}"><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  );
  assert.doesNotMatch(r.text, new RegExp(`${action}Result`));
}

/** An operation with an output shape keeps its `<XResult>` element, empty when the shape has no members. */
function assertEmptyResult(r: RawResponse, action: string, namespace: string): void {
  assert.equal(r.status, 200, r.text);
  const requestId = r.headers.get('x-amzn-requestid') ?? '';
  assert.match(
    r.text,
    new RegExp(`^<\\?xml version="1\\.0" encoding="UTF-8"\\?>\\n<${action}Response xmlns="${regexEscape(namespace)}"><${action}Result></${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>$`),
  );
}

async function firstVpc(t: TestCloud): Promise<string> {
  const r = await t.query('ec2', 'DescribeVpcs');
  const items = r.xml?.DescribeVpcsResponse?.vpcSet?.item ?? [];
  const vpcId = items[0]?.vpcId;
  assert.ok(vpcId, `no default VPC: ${r.text}`);
  return vpcId;
}

describe('AWS Query success answers: a <XResult> element exactly when the model has an output shape', () => {
  let t: TestCloud;
  let iam: IAMClient;
  before(async () => {
    t = await startTestCloud();
    iam = new IAMClient({ endpoint: t.cloud.endpoint, region: t.cloud.region, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    iam?.destroy();
    await t?.stop();
  });

  test('CloudWatch PutMetricAlarm, SetAlarmState and DeleteAlarms (no output in the model) answer ResponseMetadata only; DescribeAlarms keeps its result', async () => {
    assertNoResult(await t.query('monitoring', 'PutMetricAlarm', alarm), 'PutMetricAlarm', MONITORING_NS);
    assertNoResult(await t.query('monitoring', 'SetAlarmState', { AlarmName: alarm.AlarmName, StateValue: 'ALARM', StateReason: 'test' }), 'SetAlarmState', MONITORING_NS);
    const described = await t.query('monitoring', 'DescribeAlarms', { 'AlarmNames.member.1': alarm.AlarmName });
    assert.equal(described.status, 200);
    const members = described.xml.DescribeAlarmsResponse.DescribeAlarmsResult.MetricAlarms.member;
    assert.equal(members[0].AlarmName, alarm.AlarmName);
    assert.equal(members[0].StateValue, 'ALARM');
    assertNoResult(await t.query('monitoring', 'DeleteAlarms', { 'AlarmNames.member.1': alarm.AlarmName }), 'DeleteAlarms', MONITORING_NS);
    assertNoResult(await t.query('monitoring', 'PutMetricData', { Namespace: 'Test', 'MetricData.member.1.MetricName': 'm', 'MetricData.member.1.Value': 1 }), 'PutMetricData', MONITORING_NS);
  });

  test('IAM TagRole and DeleteRole (no output) answer ResponseMetadata only; CreateRole keeps its result', async () => {
    const created = await t.query('iam', 'CreateRole', { RoleName: 'no-result-role', AssumeRolePolicyDocument: TRUST });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.xml.CreateRoleResponse.CreateRoleResult.Role.RoleName, 'no-result-role');
    assertNoResult(await t.query('iam', 'TagRole', { RoleName: 'no-result-role', 'Tags.member.1.Key': 'k', 'Tags.member.1.Value': 'v' }), 'TagRole', IAM_NS);
    assertNoResult(await t.query('iam', 'DeleteRole', { RoleName: 'no-result-role' }), 'DeleteRole', IAM_NS);
  });

  test('ELBv2 DeleteTargetGroup (an output shape with no members) still answers an empty <DeleteTargetGroupResult>', async () => {
    const created = await t.query('elasticloadbalancing', 'CreateTargetGroup', { Name: 'no-result-tg', Protocol: 'HTTP', Port: 80, VpcId: await firstVpc(t) });
    assert.equal(created.status, 200, created.text);
    const arn = created.xml.CreateTargetGroupResponse.CreateTargetGroupResult.TargetGroups.member[0].TargetGroupArn;
    assertEmptyResult(await t.query('elasticloadbalancing', 'DeleteTargetGroup', { TargetGroupArn: arn }), 'DeleteTargetGroup', ELB_NS);
  });

  test('an operation with no output that fails still answers its ErrorResponse', async () => {
    const noRole = await t.query('iam', 'DeleteRole', { RoleName: 'ghost-role' });
    assert.equal(noRole.status, 404);
    assert.equal(noRole.xml.ErrorResponse.Error.Code, 'NoSuchEntity');
    assert.doesNotMatch(noRole.text, /DeleteRoleResponse|DeleteRoleResult/);
  });

  test('AWS SDK v3 clients parse both: IAM (no output) and ELBv2 (empty output) resolve with only $metadata', async () => {
    const created = await iam.send(new CreateRoleCommand({ RoleName: 'sdk-no-result', AssumeRolePolicyDocument: TRUST }));
    assert.equal(created.Role?.RoleName, 'sdk-no-result');
    const tagged = await iam.send(new TagRoleCommand({ RoleName: 'sdk-no-result', Tags: [{ Key: 'k', Value: 'v' }] }));
    assert.deepEqual(Object.keys(tagged), ['$metadata']);
    const deleted = await iam.send(new DeleteRoleCommand({ RoleName: 'sdk-no-result' }));
    assert.deepEqual(Object.keys(deleted), ['$metadata']);
    assert.equal(deleted.$metadata.httpStatusCode, 200);
    assert.match(deleted.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);

    const tg = await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'sdk-no-result', Protocol: 'HTTP', Port: 80, VpcId: await firstVpc(t) }));
    const gone = await t.clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg.TargetGroups![0]!.TargetGroupArn! }));
    assert.deepEqual(Object.keys(gone), ['$metadata']);
    assert.match(gone.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
  });

  test('the AWS CLI v1 parses both: cloudwatch put-metric-alarm / delete-alarms over Query, iam delete-role (no output), elbv2 delete-target-group (empty output)', { skip: awsCliSkip() }, async () => {
    const env = cloudWatchOverQueryEnv();
    const put = await awsCli(
      t.cloud.endpoint,
      [
        '--debug', 'cloudwatch', 'put-metric-alarm', '--alarm-name', 'cli-no-result', '--metric-name', 'CPUUtilization', '--namespace', 'AWS/ECS',
        '--statistic', 'Average', '--period', '60', '--evaluation-periods', '2', '--threshold', '70', '--comparison-operator', 'GreaterThanThreshold',
      ],
      { env },
    );
    assert.equal(put.code, 0, put.stderr.slice(-2000));
    assert.equal(put.stdout.trim(), '');
    // It went over Query, and botocore read the answer with no PutMetricAlarmResult.
    assert.match(put.stderr, /'Content-Type': 'application\/x-www-form-urlencoded; charset=utf-8'.*'body': \{'Action': 'PutMetricAlarm', 'Version': '2010-08-01'/);
    assert.match(put.stderr, /<PutMetricAlarmResponse xmlns="http:\/\/monitoring\.amazonaws\.com\/doc\/2010-08-01\/"><ResponseMetadata><RequestId>/);
    assert.doesNotMatch(put.stderr, /PutMetricAlarmResult/);
    const described = await awsCli(t.cloud.endpoint, ['cloudwatch', 'describe-alarms', '--alarm-names', 'cli-no-result'], { env });
    assert.equal(described.code, 0, described.stderr);
    assert.equal(described.json.MetricAlarms[0].AlarmName, 'cli-no-result');
    const removed = await awsCli(t.cloud.endpoint, ['cloudwatch', 'delete-alarms', '--alarm-names', 'cli-no-result'], { env });
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(removed.stdout.trim(), '');
    const gone = await awsCli(t.cloud.endpoint, ['cloudwatch', 'describe-alarms', '--alarm-names', 'cli-no-result'], { env });
    assert.deepEqual(gone.json.MetricAlarms, []);

    const role = await awsCli(t.cloud.endpoint, ['iam', 'create-role', '--role-name', 'cli-no-result', '--assume-role-policy-document', TRUST]);
    assert.equal(role.code, 0, role.stderr);
    const dropped = await awsCli(t.cloud.endpoint, ['iam', 'delete-role', '--role-name', 'cli-no-result']);
    assert.equal(dropped.code, 0, dropped.stderr);
    assert.equal(dropped.stdout.trim(), '');

    const tg = await awsCli(t.cloud.endpoint, ['elbv2', 'create-target-group', '--name', 'cli-no-result', '--protocol', 'HTTP', '--port', '80', '--vpc-id', await firstVpc(t)]);
    assert.equal(tg.code, 0, tg.stderr);
    const deletedTg = await awsCli(t.cloud.endpoint, ['elbv2', 'delete-target-group', '--target-group-arn', tg.json.TargetGroups[0].TargetGroupArn]);
    assert.equal(deletedTg.code, 0, deletedTg.stderr);
    assert.equal(deletedTg.stdout.trim(), '');
  });
});

describe('which operations have an output shape (the derived model data)', () => {
  test('hasOutputShape agrees with the output models for every served operation of every service', () => {
    let checked = 0;
    for (const [signingName, model] of Object.entries(outputModels)) {
      for (const [operation, shape] of Object.entries(model.operations)) {
        assert.equal(hasOutputShape(signingName, operation), shape.o !== undefined, `${signingName} ${operation}`);
        checked++;
      }
    }
    assert.ok(checked > 200, `checked ${checked} operations`);
  });

  test('the Query services: IAM has 8 served operations with no output, CloudWatch 6, ELBv2 and STS none', () => {
    const noOutput = (signingName: string) => Object.keys(outputModels[signingName]!.operations).filter((op) => !hasOutputShape(signingName, op));
    assert.deepEqual(noOutput('iam'), ['AddRoleToInstanceProfile', 'AttachRolePolicy', 'DeleteInstanceProfile', 'DeleteRole', 'DetachRolePolicy', 'RemoveRoleFromInstanceProfile', 'TagRole', 'UntagRole']);
    assert.deepEqual(noOutput('monitoring'), ['DeleteAlarms', 'DisableAlarmActions', 'EnableAlarmActions', 'PutMetricAlarm', 'PutMetricData', 'SetAlarmState']);
    assert.deepEqual(noOutput('elasticloadbalancing'), []);
    assert.deepEqual(noOutput('sts'), []);
    // Output shapes with no members keep their element: ELBv2's nine, CloudWatch's DeleteDashboards, TagResource and UntagResource.
    assert.equal(hasOutputShape('elasticloadbalancing', 'DeleteTargetGroup'), true);
    assert.equal(hasOutputShape('monitoring', 'TagResource'), true);
  });

  test('hostile names: unknown services and operations, and Object.prototype members, have an output (the default) and do not throw', () => {
    for (const [service, operation] of [
      ['iam', '__proto__'],
      ['iam', 'constructor'],
      ['__proto__', 'DeleteRole'],
      ['hasOwnProperty', 'toString'],
      ['nope', 'PutMetricAlarm'],
      ['monitoring', 'putmetricalarm'],
      ['monitoring', ''],
    ]) {
      assert.equal(hasOutputShape(service!, operation!), true, `${service} ${operation}`);
    }
  });

  test('encodeQuery writes the result element only when asked, and drops output for an operation with no output shape', () => {
    const none = encodeQuery('DeleteRole', IAM_NS, { Stray: '<x>' }, 'r-1', false);
    assert.equal(none.body, `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteRoleResponse xmlns="${IAM_NS}"><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DeleteRoleResponse>`);
    const empty = encodeQuery('DeleteTargetGroup', ELB_NS, {}, 'r-2', true);
    assert.equal(empty.body, `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteTargetGroupResponse xmlns="${ELB_NS}"><DeleteTargetGroupResult></DeleteTargetGroupResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></DeleteTargetGroupResponse>`);
    const full = encodeQuery('GetCallerIdentity', 'https://sts.amazonaws.com/doc/2011-06-15/', { Account: '1<2' }, 'r-3', true);
    assert.match(full.body, /<GetCallerIdentityResult><Account>1&lt;2<\/Account><\/GetCallerIdentityResult><ResponseMetadata>/);
    assert.equal(none.headers['x-amzn-requestid'], 'r-1');
  });
});
