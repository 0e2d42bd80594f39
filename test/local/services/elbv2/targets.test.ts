import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { findTargetGroup, routableTargets, setTargetHealth, targetGroupsOfListener } from '../../../../src/local/services/elbv2/state.js';
import { rejection, startTestCloud, type TestCloud } from '../../helpers.js';
import { defaultNetwork } from './network.js';
import { waitFor } from '../../../wait-for.js';

describe('ELBv2 targets and target health', () => {
  let t: TestCloud;
  let vpcId: string;
  let subnetIds: string[];
  let tgArn: string;
  let lbArn: string;
  const health = async (arn = tgArn) =>
    ((await t.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions ?? []).map((d) => [
      `${d.Target?.Id}:${d.Target?.Port}`,
      d.TargetHealth?.State,
      d.TargetHealth?.Reason,
    ]);
  const region = () => t.cloud.state.region('us-east-1');

  before(async () => {
    t = await startTestCloud({ timeScale: 0.001 });
    ({ vpcId, subnetIds } = await defaultNetwork(t));
    tgArn = (await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'gateway-tg', Protocol: 'HTTP', Port: 5001, VpcId: vpcId, TargetType: 'ip' }))).TargetGroups?.[0]?.TargetGroupArn ?? '';
    lbArn = (await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'targets-alb', Subnets: subnetIds.slice(0, 2) }))).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  });
  after(() => t.stop());

  test('targets of a group no load balancer uses are unused with Target.NotInUse, and the port defaults to the group port', async () => {
    await t.clients.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: '127.0.1.1' }, { Id: '127.0.1.2', Port: 6001 }] }));
    assert.deepEqual(await health(), [
      ['127.0.1.1:5001', 'unused', 'Target.NotInUse'],
      ['127.0.1.2:6001', 'unused', 'Target.NotInUse'],
    ]);
  });

  test('once a listener forwards to the group its targets are initial with Elb.RegistrationInProgress', async () => {
    const { Listeners } = await t.clients.elbv2.send(
      new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] }),
    );
    assert.deepEqual(await health(), [
      ['127.0.1.1:5001', 'initial', 'Elb.RegistrationInProgress'],
      ['127.0.1.2:6001', 'initial', 'Elb.RegistrationInProgress'],
    ]);
    assert.deepEqual(
      targetGroupsOfListener(region(), Listeners?.[0]?.ListenerArn ?? '').map((g) => g.TargetGroupArn),
      [tgArn],
    );
  });

  test('ip target groups refuse ids that are not IP addresses', async () => {
    const error = await rejection(t.clients.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: 'i-0123456789abcdef0' }] })));
    assert.equal(error.name, 'ValidationError');
    assert.match(error.message, /'i-0123456789abcdef0' is not a valid IPv4 address/);
  });

  test("the health checker's verdicts appear in DescribeTargetHealth with AWS reason codes and descriptions", async () => {
    assert.equal(setTargetHealth(region(), tgArn, { Id: '127.0.1.1' }, 'healthy'), true);
    assert.equal(setTargetHealth(region(), tgArn, { Id: '127.0.1.2', Port: 6001 }, 'unhealthy', 'Target.ResponseCodeMismatch', 'Health checks failed with these codes: [503]'), true);
    const { TargetHealthDescriptions } = await t.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
    assert.deepEqual(TargetHealthDescriptions?.[0]?.TargetHealth, { State: 'healthy' });
    assert.deepEqual(TargetHealthDescriptions?.[1]?.TargetHealth, { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [503]' });
    assert.equal(TargetHealthDescriptions?.[0]?.HealthCheckPort, '5001');
    const tg = findTargetGroup(region(), tgArn);
    assert.deepEqual(tg && routableTargets(tg, Date.now()).map((x) => x.Id), ['127.0.1.1']);
  });

  test('a target nobody registered is reported unused with Target.NotRegistered', async () => {
    const { TargetHealthDescriptions } = await t.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn, Targets: [{ Id: '127.0.9.9' }] }));
    assert.deepEqual(TargetHealthDescriptions?.[0]?.TargetHealth?.Reason, 'Target.NotRegistered');
    assert.equal(TargetHealthDescriptions?.[0]?.TargetHealth?.State, 'unused');
  });

  test('a deregistered target drains for the (time-scaled) deregistration delay, then disappears', async () => {
    await t.clients.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tgArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '1500' }] }));
    await t.clients.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: '127.0.1.1' }] }));
    assert.deepEqual((await health())[0], ['127.0.1.1:5001', 'draining', 'Target.DeregistrationInProgress']);
    // 1,500 s × 0.001 = 1.5 s of draining (long enough to see it on a loaded machine): wait until the target is gone, not for a fixed time.
    await waitFor('the drained target to disappear', async () => (await health()).length === 1);
    assert.deepEqual(await health(), [['127.0.1.2:6001', 'unhealthy', 'Target.ResponseCodeMismatch']]);
  });

  test('deregistering a target that is not registered is InvalidTarget', async () => {
    const error = await rejection(t.clients.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: '127.0.5.5' }] })));
    assert.equal(error.name, 'InvalidTargetException');
  });
});
