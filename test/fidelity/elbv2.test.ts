import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddListenerCertificatesCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeAccountLimitsCommand,
  DescribeListenerCertificatesCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeSSLPoliciesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
  RemoveListenerCertificatesCommand,
  SetIpAddressTypeCommand,
  SetSecurityGroupsCommand,
  SetSubnetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { startFidelity, type AllowedDivergence, type Fidelity, type FidelityCase, type Side } from './harness.js';

/** Per-side ids (each emulator makes its own). */
interface SideIds {
  vpcId: string;
  subnetIds: string[];
  tgArn?: string;
  lbArn?: string;
  listenerArn?: string;
  groupId?: string;
  httpsListenerArn?: string;
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
  // Issue #13: load balancer settings, account limits, SSL policies, HTTPS listeners and their certificates, stickiness.
  {
    name: 'elbv2 SetSecurityGroups',
    call: async (s) => {
      const n = await net(s);
      const created = await s.query('ec2', 'CreateSecurityGroup', { GroupName: 'alb-fidelity', GroupDescription: 'ALB' });
      n.groupId = created.xml.CreateSecurityGroupResponse.groupId as string;
      return s.clients.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: n.lbArn, SecurityGroups: [n.groupId] }));
    },
  },
  { name: 'elbv2 SetSecurityGroups unknown group', call: async (s) => s.clients.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: (await net(s)).lbArn, SecurityGroups: ['sg-0123456789abcdef0'] })) },
  { name: 'elbv2 SetSecurityGroups unknown load balancer', call: async (s) => s.clients.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: `${(await net(s)).lbArn}0`, SecurityGroups: [(await net(s)).groupId!] })) },
  { name: 'elbv2 SetSubnets', call: async (s) => s.clients.elbv2.send(new SetSubnetsCommand({ LoadBalancerArn: (await net(s)).lbArn, Subnets: (await net(s)).subnetIds.slice(1, 3) })) },
  { name: 'elbv2 SetSubnets one zone', call: async (s) => s.clients.elbv2.send(new SetSubnetsCommand({ LoadBalancerArn: (await net(s)).lbArn, Subnets: (await net(s)).subnetIds.slice(0, 1) })) },
  { name: 'elbv2 SetSubnets unknown subnet', call: async (s) => s.clients.elbv2.send(new SetSubnetsCommand({ LoadBalancerArn: (await net(s)).lbArn, Subnets: [(await net(s)).subnetIds[0]!, 'subnet-0123456789abcdef0'] })) },
  { name: 'elbv2 SetIpAddressType dualstack', call: async (s) => s.clients.elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: (await net(s)).lbArn, IpAddressType: 'dualstack' })) },
  {
    name: 'elbv2 SetIpAddressType dualstack-without-public-ipv4',
    call: async (s) => s.clients.elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: (await net(s)).lbArn, IpAddressType: 'dualstack-without-public-ipv4' })),
  },
  { name: 'elbv2 SetIpAddressType ipv4', call: async (s) => s.clients.elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: (await net(s)).lbArn, IpAddressType: 'ipv4' })) },
  { name: 'elbv2 DescribeAccountLimits', call: (s) => s.clients.elbv2.send(new DescribeAccountLimitsCommand({})) },
  { name: 'elbv2 DescribeSSLPolicies by name', call: (s) => s.clients.elbv2.send(new DescribeSSLPoliciesCommand({ Names: ['ELBSecurityPolicy-2016-08', 'ELBSecurityPolicy-TLS13-1-2-2021-06'] })) },
  { name: 'elbv2 DescribeSSLPolicies unknown name', call: (s) => s.clients.elbv2.send(new DescribeSSLPoliciesCommand({ Names: ['ELBSecurityPolicy-Nope'] })) },
  {
    name: 'elbv2 CreateListener HTTPS',
    call: async (s) => {
      const n = await net(s);
      const out = await s.clients.elbv2.send(
        new CreateListenerCommand({ LoadBalancerArn: n.lbArn, Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: IAM_CERT }], DefaultActions: [{ Type: 'forward', TargetGroupArn: n.tgArn }] }),
      );
      n.httpsListenerArn = out.Listeners?.[0]?.ListenerArn;
      return out;
    },
  },
  {
    name: 'elbv2 CreateListener HTTPS without certificate',
    call: async (s) =>
      s.clients.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: (await net(s)).lbArn, Protocol: 'HTTPS', Port: 8443, DefaultActions: [{ Type: 'forward', TargetGroupArn: (await net(s)).tgArn }] })),
  },
  { name: 'elbv2 ModifyListener SslPolicy', call: async (s) => s.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: (await net(s)).httpsListenerArn, SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' })) },
  { name: 'elbv2 ModifyListener unknown SslPolicy', call: async (s) => s.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: (await net(s)).httpsListenerArn, SslPolicy: 'ELBSecurityPolicy-Nope' })) },
  {
    name: 'elbv2 AddListenerCertificates',
    call: async (s) => s.clients.elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: (await net(s)).httpsListenerArn, Certificates: [{ CertificateArn: `${IAM_CERT}-sni` }] })),
  },
  { name: 'elbv2 DescribeListenerCertificates', call: async (s) => s.clients.elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: (await net(s)).httpsListenerArn })) },
  {
    name: 'elbv2 RemoveListenerCertificates',
    call: async (s) => s.clients.elbv2.send(new RemoveListenerCertificatesCommand({ ListenerArn: (await net(s)).httpsListenerArn, Certificates: [{ CertificateArn: `${IAM_CERT}-sni` }] })),
  },
  { name: 'elbv2 DescribeListenerCertificates unknown listener', call: async (s) => s.clients.elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: `${(await net(s)).httpsListenerArn}0` })) },
  {
    name: 'elbv2 ModifyTargetGroupAttributes stickiness',
    call: async (s) =>
      s.clients.elbv2.send(
        new ModifyTargetGroupAttributesCommand({
          TargetGroupArn: (await net(s)).tgArn,
          Attributes: [
            { Key: 'stickiness.enabled', Value: 'true' },
            { Key: 'stickiness.type', Value: 'app_cookie' },
            { Key: 'stickiness.app_cookie.cookie_name', Value: 'SESSIONID' },
            { Key: 'stickiness.app_cookie.duration_seconds', Value: '3600' },
          ],
        }),
      ),
  },
  {
    name: 'elbv2 ModifyTargetGroupAttributes reserved cookie name',
    call: async (s) =>
      s.clients.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: (await net(s)).tgArn, Attributes: [{ Key: 'stickiness.app_cookie.cookie_name', Value: 'AWSALBAPP-0' }] })),
  },
];

/** An IAM server certificate ARN: moto does not look IAM ARNs up on CreateListener, and the local cloud (no ACM, no IAM certificates) takes any of the account. */
const IAM_CERT = 'arn:aws:iam::123456789012:server-certificate/fidelity-site';

const REF = {
  tg: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroup.html',
  lb: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancer.html',
  az: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AvailabilityZone.html',
  listener: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Listener.html',
  createListener: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html',
  condition: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RuleCondition.html',
  action: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Action.html',
  health: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html',
  setSubnets: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSubnets.html',
  setIpAddressType: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetIpAddressType.html',
  sslPolicy: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SslPolicy.html',
  describeSslPolicies: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeSSLPolicies.html',
  tgAttribute: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html',
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
  // Issue #13 operations.
  {
    case: 'elbv2 SetSubnets',
    path: 'AvailabilityZones[].LoadBalancerAddresses',
    reason: 'AWS returns LoadBalancerAddresses in each AvailabilityZone (empty for an ALB); moto omits it',
    reference: REF.az,
  },
  { case: 'elbv2 SetSubnets', path: 'IpAddressType', reason: "SetSubnetsOutput carries the load balancer's IpAddressType on AWS; moto omits it", reference: REF.setSubnets },
  {
    case: 'elbv2 SetSubnets one zone',
    path: 'error',
    reason:
      "an ALB needs subnets in two zones; the local cloud answers as CreateLoadBalancer does for that rule (ValidationError 'At least two subnets in two different Availability Zones must be specified', AWS's text), moto answers InvalidConfigurationRequest",
    reference: REF.setSubnets,
  },
  {
    case: 'elbv2 SetIpAddressType dualstack-without-public-ipv4',
    path: 'error',
    reason: 'AWS documents dualstack-without-public-ipv4 for Application Load Balancers (internet-facing); moto accepts only ipv4 and dualstack',
    reference: REF.setIpAddressType,
  },
  { case: 'elbv2 DescribeSSLPolicies by name', path: 'SslPolicies[].SupportedLoadBalancerTypes', reason: 'AWS lists the load balancer types a policy supports; moto omits it', reference: REF.sslPolicy },
  {
    case: 'elbv2 DescribeSSLPolicies unknown name',
    path: 'error',
    reason: 'AWS answers SSLPolicyNotFound for a policy name it does not know; moto returns an empty list',
    reference: REF.describeSslPolicies,
  },
  ...['elbv2 CreateListener HTTPS', 'elbv2 ModifyListener SslPolicy'].flatMap((name) => [
    { case: name, path: 'Listeners[].DefaultActions[].ForwardConfig', reason: 'AWS reports a single-target forward also as ForwardConfig with weight 1; moto omits it', reference: REF.action },
    { case: name, path: 'Listeners[].AlpnPolicy', reason: 'AlpnPolicy applies only to TLS listeners (Network Load Balancers); moto returns an empty list for an ALB HTTPS listener', reference: REF.listener },
  ]),
  {
    case: 'elbv2 CreateListener HTTPS without certificate',
    path: 'error',
    reason: "an HTTPS listener needs exactly one default certificate; AWS answers ValidationError 'A certificate must be specified for HTTPS listeners', moto creates the listener",
    reference: REF.createListener,
  },
  {
    case: 'elbv2 ModifyTargetGroupAttributes reserved cookie name',
    path: 'error',
    reason: "stickiness.app_cookie.cookie_name must not start with AWSALB, AWSALBAPP or AWSALBTG (reserved for the load balancer); moto stores it",
    reference: REF.tgAttribute,
  },
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

  test("the lab's ELBv2 calls and issue #13's (load balancer settings, limits, SSL policies, HTTPS listeners, stickiness) return the same keys, value types and error codes as moto, or a documented AWS difference", async () => {
    const report = await h.compare(cases, allow);
    assert.deepEqual(report.unexpected, []);
  });
});
