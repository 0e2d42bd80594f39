import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { startFidelity, type AllowedDivergence, type Fidelity, type FidelityCase, type Side } from './harness.js';

/** Per-side ids (each emulator makes its own). */
interface SideIds {
  vpcId: string;
  subnetIds: string[];
  tgArn?: string;
  lbArn?: string;
  listenerArn?: string;
}
const ids = new Map<string, SideIds>();

async function net(side: Side): Promise<SideIds> {
  const known = ids.get(side.name);
  if (known) return known;
  const vpcs = await side.query('ec2', 'DescribeVpcs');
  const vpcId = vpcs.xml.DescribeVpcsResponse.vpcSet.item.find((v: { isDefault: string }) => v.isDefault === 'true').vpcId as string;
  const subnets = await side.query('ec2', 'DescribeSubnets', { 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': vpcId });
  const entry: SideIds = { vpcId, subnetIds: subnets.xml.DescribeSubnetsResponse.subnetSet.item.map((s: { subnetId: string }) => s.subnetId) as string[] };
  ids.set(side.name, entry);
  return entry;
}

const cases: FidelityCase[] = [
  {
    name: 'elbv2 CreateTargetGroup (lab 3.3)',
    call: async (s) => {
      const n = await net(s);
      const out = await s.clients.elbv2.send(
        new CreateTargetGroupCommand({
          Name: 'invsys-tg',
          Protocol: 'HTTP',
          Port: 5000,
          VpcId: n.vpcId,
          TargetType: 'ip',
          HealthCheckEnabled: true,
          HealthCheckProtocol: 'HTTP',
          HealthCheckPath: '/items',
          HealthCheckIntervalSeconds: 30,
          HealthCheckTimeoutSeconds: 5,
          HealthyThresholdCount: 2,
          UnhealthyThresholdCount: 3,
        }),
      );
      n.tgArn = out.TargetGroups?.[0]?.TargetGroupArn;
      return out;
    },
  },
  {
    name: 'elbv2 CreateTargetGroup same name, other port',
    call: async (s) => s.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'invsys-tg', Protocol: 'HTTP', Port: 5001, VpcId: (await net(s)).vpcId, TargetType: 'ip' })),
  },
  { name: 'elbv2 DescribeTargetGroups by name', call: (s) => s.clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['invsys-tg'] })) },
  { name: 'elbv2 DescribeTargetGroups unknown name', call: (s) => s.clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['ghost-tg'] })) },
  { name: 'elbv2 DescribeTargetGroupAttributes', call: async (s) => s.clients.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: (await net(s)).tgArn })) },
  {
    name: 'elbv2 ModifyTargetGroup (lab 7.4)',
    call: async (s) =>
      s.clients.elbv2.send(
        new ModifyTargetGroupCommand({
          TargetGroupArn: (await net(s)).tgArn,
          HealthCheckPath: '/health/ready',
          HealthCheckIntervalSeconds: 15,
          HealthCheckTimeoutSeconds: 5,
          HealthyThresholdCount: 2,
          UnhealthyThresholdCount: 3,
        }),
      ),
  },
  {
    name: 'elbv2 CreateLoadBalancer',
    call: async (s) => {
      const n = await net(s);
      const out = await s.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'flask-alb', Subnets: n.subnetIds.slice(0, 2) }));
      n.lbArn = out.LoadBalancers?.[0]?.LoadBalancerArn;
      return out;
    },
  },
  { name: 'elbv2 DescribeLoadBalancers unknown', call: (s) => s.clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['ghost-alb'] })) },
  {
    name: 'elbv2 CreateListener forward',
    call: async (s) => {
      const n = await net(s);
      const out = await s.clients.elbv2.send(
        new CreateListenerCommand({ LoadBalancerArn: n.lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }] }),
      );
      n.listenerArn = out.Listeners?.[0]?.ListenerArn;
      return out;
    },
  },
  {
    name: 'elbv2 CreateListener duplicate port',
    call: async (s) =>
      s.clients.elbv2.send(
        new CreateListenerCommand({ LoadBalancerArn: (await net(s)).lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: (await net(s)).tgArn }] }),
      ),
  },
  { name: 'elbv2 DescribeListeners', call: async (s) => s.clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: (await net(s)).lbArn })) },
  {
    name: 'elbv2 CreateRule (lab 4.1)',
    call: async (s) => {
      const n = await net(s);
      return s.clients.elbv2.send(
        new CreateRuleCommand({ ListenerArn: n.listenerArn, Priority: 10, Conditions: [{ Field: 'path-pattern', Values: ['/*'] }], Actions: [{ Type: 'forward', TargetGroupArn: n.tgArn }] }),
      );
    },
  },
  {
    name: 'elbv2 CreateRule priority in use',
    call: async (s) => {
      const n = await net(s);
      return s.clients.elbv2.send(
        new CreateRuleCommand({ ListenerArn: n.listenerArn, Priority: 10, Conditions: [{ Field: 'path-pattern', Values: ['/x'] }], Actions: [{ Type: 'forward', TargetGroupArn: n.tgArn }] }),
      );
    },
  },
  { name: 'elbv2 DescribeRules', call: async (s) => s.clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: (await net(s)).listenerArn })) },
  { name: 'elbv2 RegisterTargets', call: async (s) => s.clients.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: (await net(s)).tgArn, Targets: [{ Id: '172.31.0.10' }] })) },
  { name: 'elbv2 DescribeTargetHealth', call: async (s) => s.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: (await net(s)).tgArn })) },
  { name: 'elbv2 DeleteTargetGroup in use', call: async (s) => s.clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: (await net(s)).tgArn })) },
];

const REF = {
  tg: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroup.html',
  lb: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancer.html',
  az: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AvailabilityZone.html',
  listener: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Listener.html',
  createListener: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html',
  condition: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RuleCondition.html',
  action: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Action.html',
  health: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html',
};

const allow: AllowedDivergence[] = [
  {
    case: 'elbv2 CreateTargetGroup (lab 3.3)',
    path: 'TargetGroups[].LoadBalancerArns',
    reason: 'AWS reports LoadBalancerArns (empty until a listener or rule forwards to the group); moto omits the empty list',
    reference: REF.tg,
  },
  {
    case: 'elbv2 CreateLoadBalancer',
    path: 'LoadBalancers[].AvailabilityZones[].LoadBalancerAddresses',
    reason: 'AWS returns LoadBalancerAddresses (empty for an ALB); moto omits it',
    reference: REF.az,
  },
  { case: 'elbv2 CreateLoadBalancer', path: 'LoadBalancers[].Scheme', reason: 'AWS returns the Scheme (internet-facing by default); moto omits it', reference: REF.lb },
  ...['elbv2 CreateListener forward', 'elbv2 DescribeListeners'].flatMap((name) => [
    { case: name, path: 'Listeners[].SslPolicy', reason: 'SslPolicy applies only to HTTPS/TLS listeners; AWS omits it for HTTP, moto fills it in', reference: REF.listener },
    { case: name, path: 'Listeners[].AlpnPolicy', reason: 'AlpnPolicy applies only to TLS listeners; AWS omits it for HTTP, moto returns an empty list', reference: REF.listener },
  ]),
  {
    case: 'elbv2 CreateListener duplicate port',
    path: 'error',
    reason: 'AWS answers DuplicateListener for a second listener on the same port with different settings; moto accepts it',
    reference: REF.createListener,
  },
  ...['elbv2 CreateRule (lab 4.1)', 'elbv2 DescribeRules'].flatMap((name) => [
    { case: name, path: 'Rules[].Conditions[].PathPatternConfig', reason: 'AWS echoes path-pattern Values in PathPatternConfig too; moto returns only Values', reference: REF.condition },
    { case: name, path: 'Rules[].Actions[].ForwardConfig', reason: 'AWS reports a single-target forward also as ForwardConfig with weight 1; moto omits it', reference: REF.action },
  ]),
  ...['Reason', 'Description'].map((key) => ({
    case: 'elbv2 DescribeTargetHealth',
    path: `TargetHealthDescriptions[].TargetHealth.${key}`,
    reason: `a newly registered target is initial with Reason Elb.RegistrationInProgress and its Description on AWS; moto reports it healthy at once`,
    reference: REF.health,
  })),
];

describe('fidelity: ELBv2 against moto', () => {
  let h: Fidelity;
  before(async () => {
    h = await startFidelity();
  });
  after(() => h?.stop());

  test("the lab's ELBv2 calls return the same keys, value types and error codes as moto, or a documented AWS difference", async () => {
    const report = await h.compare(cases, allow);
    assert.deepEqual(report.unexpected, []);
  });
});
