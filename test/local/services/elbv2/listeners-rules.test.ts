import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteRuleCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  SetRulePrioritiesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { rejection, startTestCloud, type TestCloud } from '../../helpers.js';
import { defaultNetwork } from './network.js';

describe('ELBv2 listeners and rules', () => {
  let t: TestCloud;
  let lbArn: string;
  let listenerArn: string;
  let gatewayTg: string;
  let invsysTg: string;
  before(async () => {
    t = await startTestCloud({ timeScale: 0.002 });
    const { vpcId, subnetIds } = await defaultNetwork(t);
    lbArn = (await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'rules-alb', Subnets: subnetIds.slice(0, 2) }))).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    const tg = (name: string, port: number) =>
      t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: port, VpcId: vpcId, TargetType: 'ip' })).then((r) => r.TargetGroups?.[0]?.TargetGroupArn ?? '');
    gatewayTg = await tg('gateway-tg', 5001);
    invsysTg = await tg('invsys-tg', 5000);
  });
  after(() => t.stop());

  test('a listener with a fixed-response default action gets a default rule', async () => {
    const { Listeners } = await t.clients.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lbArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'no route' } }],
      }),
    );
    listenerArn = Listeners?.[0]?.ListenerArn ?? '';
    assert.match(listenerArn, /^arn:aws:elasticloadbalancing:us-east-1:123456789012:listener\/app\/rules-alb\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    const { Rules } = await t.clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
    assert.equal(Rules?.length, 1);
    assert.equal(Rules?.[0]?.Priority, 'default');
    assert.equal(Rules?.[0]?.IsDefault, true);
    assert.equal(Rules?.[0]?.Actions?.[0]?.FixedResponseConfig?.MessageBody, 'no route');
  });

  test('a second listener on the same port is DuplicateListener', async () => {
    const error = await rejection(
      t.clients.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: gatewayTg }] })),
    );
    assert.equal(error.name, 'DuplicateListenerException');
  });

  test("the lab's create-rule (4.1) forwards /* to the gateway at priority 10 and links the target group to the load balancer", async () => {
    const { Rules } = await t.clients.elbv2.send(
      new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 10, Conditions: [{ Field: 'path-pattern', Values: ['/*'] }], Actions: [{ Type: 'forward', TargetGroupArn: gatewayTg }] }),
    );
    const rule = Rules?.[0];
    assert.equal(rule?.Priority, '10');
    assert.deepEqual(rule?.Conditions?.[0]?.PathPatternConfig?.Values, ['/*']);
    assert.deepEqual(rule?.Actions?.[0]?.ForwardConfig?.TargetGroups, [{ TargetGroupArn: gatewayTg, Weight: 1 }]);
    const tg = (await t.clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [gatewayTg] }))).TargetGroups?.[0];
    assert.deepEqual(tg?.LoadBalancerArns, [lbArn]);
  });

  test('a priority already used on the listener is PriorityInUse, and out-of-range priorities are rejected', async () => {
    const taken = await rejection(
      t.clients.elbv2.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 10, Conditions: [{ Field: 'path-pattern', Values: ['/x'] }], Actions: [{ Type: 'forward', TargetGroupArn: invsysTg }] })),
    );
    assert.equal(taken.name, 'PriorityInUseException');
    const tooHigh = await rejection(
      t.clients.elbv2.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 50001, Conditions: [{ Field: 'path-pattern', Values: ['/x'] }], Actions: [{ Type: 'forward', TargetGroupArn: invsysTg }] })),
    );
    assert.equal(tooHigh.name, 'ValidationError');
  });

  test('host-header conditions in config form and weighted forwards are stored, and rules list in priority order with the default last', async () => {
    await t.clients.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 5,
        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } }],
        Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: gatewayTg, Weight: 90 }, { TargetGroupArn: invsysTg, Weight: 10 }] } }],
      }),
    );
    const { Rules } = await t.clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
    assert.deepEqual(Rules?.map((r) => r.Priority), ['5', '10', 'default']);
    assert.deepEqual(Rules?.[0]?.Conditions?.[0]?.Values, ['api.example.com']);
    assert.deepEqual(Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups?.map((g) => g.Weight), [90, 10]);
    assert.equal(Rules?.[0]?.Actions?.[0]?.TargetGroupArn, undefined);
  });

  test('a condition with both Values and a config, or more than five values, is rejected', async () => {
    const both = await rejection(
      t.clients.elbv2.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: 20,
          Conditions: [{ Field: 'path-pattern', Values: ['/a'], PathPatternConfig: { Values: ['/b'] } }],
          Actions: [{ Type: 'forward', TargetGroupArn: invsysTg }],
        }),
      ),
    );
    assert.equal(both.name, 'ValidationError');
    const many = await rejection(
      t.clients.elbv2.send(
        new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 20, Conditions: [{ Field: 'path-pattern', Values: ['/1', '/2', '/3', '/4', '/5', '/6'] }], Actions: [{ Type: 'forward', TargetGroupArn: invsysTg }] }),
      ),
    );
    assert.match(many.message, /'5' condition values/);
  });

  test('ModifyRule, SetRulePriorities and DeleteRule change rules; the default rule cannot be deleted', async () => {
    const rules = (await t.clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules ?? [];
    const ten = rules.find((r) => r.Priority === '10');
    const five = rules.find((r) => r.Priority === '5');
    const def = rules.find((r) => r.IsDefault);
    const modified = await t.clients.elbv2.send(new ModifyRuleCommand({ RuleArn: ten?.RuleArn, Conditions: [{ Field: 'path-pattern', Values: ['/items*'] }] }));
    assert.deepEqual(modified.Rules?.[0]?.Conditions?.[0]?.Values, ['/items*']);
    const swapped = await t.clients.elbv2.send(
      new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: ten?.RuleArn, Priority: 5 }, { RuleArn: five?.RuleArn, Priority: 10 }] }),
    );
    assert.deepEqual(swapped.Rules?.map((r) => [r.RuleArn, r.Priority]), [
      [ten?.RuleArn, '5'],
      [five?.RuleArn, '10'],
    ]);
    const clash = await rejection(t.clients.elbv2.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: ten?.RuleArn, Priority: 10 }] })));
    assert.equal(clash.name, 'PriorityInUseException');
    const defaultDelete = await rejection(t.clients.elbv2.send(new DeleteRuleCommand({ RuleArn: def?.RuleArn })));
    assert.equal(defaultDelete.name, 'OperationNotPermittedException');
    await t.clients.elbv2.send(new DeleteRuleCommand({ RuleArn: five?.RuleArn }));
    const after = await t.clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
    assert.deepEqual(after.Rules?.map((r) => r.Priority), ['5', 'default']);
  });

  test('ModifyListener changes the default action, and DeleteListener unlinks its target groups', async () => {
    const { Listeners } = await t.clients.elbv2.send(
      new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }] }),
    );
    assert.deepEqual(Listeners?.[0]?.DefaultActions?.[0]?.RedirectConfig, { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' });
    const listed = await t.clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }));
    assert.equal(listed.Listeners?.length, 1);
    await t.clients.elbv2.send(new DeleteListenerCommand({ ListenerArn: listenerArn }));
    const tg = (await t.clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [gatewayTg] }))).TargetGroups?.[0];
    assert.deepEqual(tg?.LoadBalancerArns, []);
    const gone = await rejection(t.clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn })));
    assert.equal(gone.name, 'ListenerNotFoundException');
  });
});
