import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { awsCli, awsCliSkip } from '../../aws-cli.js';
import { startTestCloud, type TestCloud } from '../../helpers.js';
import { defaultNetwork } from './network.js';

describe("the lab's ELBv2 commands through the AWS CLI", { skip: awsCliSkip() }, () => {
  let t: TestCloud;
  let vpcId: string;
  let subnetIds: string[];
  const aws = (...args: string[]) => awsCli(t.cloud.endpoint, args);
  before(async () => {
    t = await startTestCloud({ timeScale: 0.01 });
    ({ vpcId, subnetIds } = await defaultNetwork(t));
  });
  after(() => t.stop());

  test('3.3 create-target-group, 4.1 create-rule and 7.4 modify-target-group + describe-target-health run as written', async () => {
    const tg = await aws(
      'elbv2', 'create-target-group', '--name', 'gateway-tg', '--protocol', 'HTTP', '--port', '5001', '--vpc-id', vpcId, '--target-type', 'ip',
      '--health-check-enabled', '--health-check-protocol', 'HTTP', '--health-check-path', '/health', '--health-check-interval-seconds', '30',
      '--health-check-timeout-seconds', '5', '--healthy-threshold-count', '2', '--unhealthy-threshold-count', '3',
    );
    assert.equal(tg.code, 0, tg.stderr);
    const tgArn = (await aws('elbv2', 'describe-target-groups', '--names', 'gateway-tg', '--query', 'TargetGroups[0].TargetGroupArn')).json as string;
    assert.equal(tgArn, tg.json.TargetGroups[0].TargetGroupArn);

    const lb = await aws('elbv2', 'create-load-balancer', '--name', 'flask-alb', '--subnets', ...subnetIds.slice(0, 2));
    assert.equal(lb.code, 0, lb.stderr);
    const listener = await aws(
      'elbv2', 'create-listener', '--load-balancer-arn', lb.json.LoadBalancers[0].LoadBalancerArn, '--protocol', 'HTTP', '--port', '80',
      '--default-actions', 'Type=fixed-response,FixedResponseConfig={StatusCode=404}',
    );
    assert.equal(listener.code, 0, listener.stderr);
    const rule = await aws(
      'elbv2', 'create-rule', '--listener-arn', listener.json.Listeners[0].ListenerArn, '--priority', '10',
      '--conditions', 'Field=path-pattern,Values=/*', '--actions', `Type=forward,TargetGroupArn=${tgArn}`,
    );
    assert.equal(rule.code, 0, rule.stderr);
    assert.deepEqual(rule.json.Rules[0].Conditions[0].Values, ['/*']);

    const modified = await aws(
      'elbv2', 'modify-target-group', '--target-group-arn', tgArn, '--health-check-path', '/health/ready', '--health-check-interval-seconds', '15',
      '--health-check-timeout-seconds', '5', '--healthy-threshold-count', '2', '--unhealthy-threshold-count', '3',
    );
    assert.equal(modified.code, 0, modified.stderr);
    assert.equal(modified.json.TargetGroups[0].HealthCheckPath, '/health/ready');

    await aws('elbv2', 'register-targets', '--target-group-arn', tgArn, '--targets', 'Id=127.0.2.1');
    const health = await aws('elbv2', 'describe-target-health', '--target-group-arn', tgArn, '--query', 'TargetHealthDescriptions[*].[Target.Id,TargetHealth.State,TargetHealth.Reason]');
    assert.equal(health.code, 0, health.stderr);
    assert.deepEqual(health.json, [['127.0.2.1', 'initial', 'Elb.RegistrationInProgress']]);
  });
});
