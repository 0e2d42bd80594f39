import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetGroupAttributesCommand,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { rejection, startTestCloud, type TestCloud } from '../../helpers.js';
import { defaultNetwork } from './network.js';

describe('ELBv2 stickiness settings', () => {
  let t: TestCloud;
  let vpcId: string;
  let subnetIds: string[];
  let tgArn: string;
  before(async () => {
    t = await startTestCloud({ timeScale: 0.002 });
    ({ vpcId, subnetIds } = await defaultNetwork(t));
    tgArn = (await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'sticky-tg', Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'ip' }))).TargetGroups?.[0]?.TargetGroupArn ?? '';
  });
  after(() => t?.stop());

  const attributes = async () =>
    Object.fromEntries(((await t.clients.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tgArn }))).Attributes ?? []).map((a) => [a.Key, a.Value]));
  const modify = (pairs: Record<string, string>) =>
    t.clients.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tgArn, Attributes: Object.entries(pairs).map(([Key, Value]) => ({ Key, Value })) }));

  test('an HTTP target group starts with lb_cookie stickiness off for a day, and takes lb_cookie and app_cookie settings', async () => {
    const before = await attributes();
    assert.deepEqual(
      [before['stickiness.enabled'], before['stickiness.type'], before['stickiness.lb_cookie.duration_seconds'], before['stickiness.app_cookie.cookie_name'], before['stickiness.app_cookie.duration_seconds']],
      ['false', 'lb_cookie', '86400', '', '86400'],
    );
    await modify({ 'stickiness.enabled': 'true', 'stickiness.lb_cookie.duration_seconds': '120' });
    assert.equal((await attributes())['stickiness.lb_cookie.duration_seconds'], '120');
    const app = await modify({ 'stickiness.type': 'app_cookie', 'stickiness.app_cookie.cookie_name': 'SESSIONID', 'stickiness.app_cookie.duration_seconds': '604800' });
    const after = Object.fromEntries((app.Attributes ?? []).map((a) => [a.Key, a.Value]));
    assert.deepEqual([after['stickiness.type'], after['stickiness.app_cookie.cookie_name'], after['stickiness.app_cookie.duration_seconds']], ['app_cookie', 'SESSIONID', '604800']);
  });

  test('bad stickiness values are refused and change nothing', async () => {
    const refused = async (pairs: Record<string, string>, pattern: RegExp) => {
      const error = await rejection(modify(pairs));
      assert.equal(error.name, 'ValidationError', JSON.stringify(pairs));
      assert.match(error.message, pattern);
    };
    await refused({ 'stickiness.enabled': 'yes' }, /'true' or 'false'/);
    await refused({ 'stickiness.type': 'source_ip' }, /'lb_cookie' or 'app_cookie'/);
    await refused({ 'stickiness.lb_cookie.duration_seconds': '0' }, /between 1 and 604800/);
    await refused({ 'stickiness.lb_cookie.duration_seconds': '604801' }, /between 1 and 604800/);
    await refused({ 'stickiness.app_cookie.duration_seconds': '1.5' }, /between 1 and 604800/);
    for (const name of ['AWSALB', 'AWSALBAPP-0', 'AWSALBTG', 'AWSALBcustom']) await refused({ 'stickiness.app_cookie.cookie_name': name }, /must not start with 'AWSALB'/);
    await refused({ 'stickiness.app_cookie.cookie_name': 'my cookie' }, /cookie name/);
    await refused({ 'stickiness.app_cookie.cookie_name': 'a;b' }, /cookie name/);
    await refused({ 'stickiness.app_cookie.cookie_name': '' }, /must name the application's cookie/);
    await refused({ 'stickiness.bogus': 'x' }, /not recognized/);
    const now = await attributes();
    assert.deepEqual([now['stickiness.type'], now['stickiness.app_cookie.cookie_name']], ['app_cookie', 'SESSIONID']);
  });

  test('a TCP target group only knows source_ip stickiness', async () => {
    const tcp = (await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'sticky-tcp', Protocol: 'TCP', Port: 80, VpcId: vpcId, TargetType: 'ip' }))).TargetGroups?.[0]?.TargetGroupArn;
    const error = await rejection(t.clients.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tcp, Attributes: [{ Key: 'stickiness.type', Value: 'lb_cookie' }] })));
    assert.equal(error.name, 'ValidationError');
    const unknown = await rejection(t.clients.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tcp, Attributes: [{ Key: 'stickiness.app_cookie.cookie_name', Value: 'x' }] })));
    assert.equal(unknown.name, 'ValidationError');
  });

  test('target group stickiness of a weighted forward needs DurationSeconds between 1 and 604800 when enabled', async () => {
    const lb = (await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'sticky-alb', Subnets: subnetIds.slice(0, 2) }))).LoadBalancers?.[0]?.LoadBalancerArn;
    const other = (await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'sticky-tg-2', Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'ip' }))).TargetGroups?.[0]?.TargetGroupArn;
    const listener = (config: { Enabled?: boolean; DurationSeconds?: number }) =>
      t.clients.elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgArn, Weight: 1 }, { TargetGroupArn: other, Weight: 1 }], TargetGroupStickinessConfig: config } }],
        }),
      );
    assert.equal((await rejection(listener({ Enabled: true }))).name, 'ValidationError');
    assert.equal((await rejection(listener({ Enabled: true, DurationSeconds: 0 }))).name, 'ValidationError');
    assert.equal((await rejection(listener({ Enabled: true, DurationSeconds: 604801 }))).name, 'ValidationError');
    const created = await listener({ Enabled: true, DurationSeconds: 300 });
    assert.deepEqual(created.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroupStickinessConfig, { Enabled: true, DurationSeconds: 300 });
  });
});
