import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cfnGetAtt, cfnRef, listener, listenerRule, loadBalancer } from '../../../src/builders/networking/index.js';
import { fixture } from './fixtures.js';

const ALB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/ecskit-lab-alb/0123456789abcdef';
const LISTENER_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/ecskit-lab-alb/0123456789abcdef/1111222233334444';
const GATEWAY_TG_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-tg/fedcba9876543210';
const V2_TG_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-v2-tg/0123456789abcdef';
const tg = (n: number) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-${n}/00000000000000${n}0`;

function problem(subject: string, line: string) {
  return { name: 'ValidationError', message: `${subject}: 1 problem\n  - ${line}` };
}

// --- golden ------------------------------------------------------------------

test('the listener rule of lab step 4.1 builds the exact CreateRule input', () => {
  const input = listenerRule(LISTENER_ARN).priority(10).pathPattern('/*').forward(GATEWAY_TG_ARN).build();
  assert.deepEqual(input, fixture('4.1-create-rule.json'));
});

test('the ALB ecskit creates for lab step 4.1 builds the exact CreateLoadBalancer input', () => {
  const input = loadBalancer('ecskit-lab-alb')
    .scheme('internet-facing')
    .subnets(['subnet-abc123', 'subnet-def456'])
    .securityGroups(['sg-0123456789'])
    .ipAddressType('ipv4')
    .build();
  assert.deepEqual(input, fixture('errata-4.1-create-load-balancer.json'));
});

test('the listener ecskit creates for lab step 4.1 answers 404 unless a rule matches', () => {
  const input = listener(ALB_ARN)
    .protocol('HTTP')
    .port(80)
    .fixedResponse(404, { contentType: 'application/json', messageBody: '{"error":"no route"}' })
    .build();
  assert.deepEqual(input, fixture('errata-4.1-create-listener.json'));
});

test('the ALB, listener and rule render as CloudFormation resources that reference each other', () => {
  const resources = {
    LoadBalancer: loadBalancer('ecskit-lab-alb').subnets(cfnRef('SubnetIds')).securityGroups([cfnRef('AlbSecurityGroup')]).toCloudFormation(),
    HttpListener: listener(cfnRef('LoadBalancer')).protocol('HTTP').port(80).fixedResponse(404).toCloudFormation(),
    GatewayRule: listenerRule(cfnRef('HttpListener'))
      .priority(10)
      .pathPattern('/*')
      .forward(cfnRef('GatewayTargetGroup'))
      .toCloudFormation(),
  };
  assert.deepEqual(resources, {
    LoadBalancer: {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Properties: {
        Name: 'ecskit-lab-alb',
        Type: 'application',
        Subnets: { Ref: 'SubnetIds' },
        SecurityGroups: [{ Ref: 'AlbSecurityGroup' }],
      },
    },
    HttpListener: {
      Type: 'AWS::ElasticLoadBalancingV2::Listener',
      Properties: {
        LoadBalancerArn: { Ref: 'LoadBalancer' },
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
      },
    },
    GatewayRule: {
      Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
      Properties: {
        ListenerArn: { Ref: 'HttpListener' },
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: { Ref: 'GatewayTargetGroup' } }],
      },
    },
  });
});

// --- load balancer -----------------------------------------------------------

test('a load balancer name over 32 characters, with bad characters or edge hyphens is refused at once', () => {
  const long = 'a'.repeat(33);
  assert.throws(() => loadBalancer(long), problem(`loadBalancer "${long}"`, `Name: load balancer name must be 1-32 characters, got: "${long}"`));
  assert.throws(
    () => loadBalancer('my.alb'),
    problem('loadBalancer "my.alb"', 'Name: load balancer name may contain only letters, digits and hyphens, got: "my.alb"'),
  );
  assert.throws(
    () => loadBalancer('-alb'),
    problem('loadBalancer "-alb"', 'Name: load balancer name must not begin or end with a hyphen, got: "-alb"'),
  );
});

test('a load balancer name beginning with internal- is refused at once', () => {
  assert.throws(
    () => loadBalancer('internal-alb'),
    problem(
      'loadBalancer "internal-alb"',
      'Name: load balancer name must not begin with "internal-" (AWS reserves it for internal DNS names), got: "internal-alb"',
    ),
  );
});

test('malformed, duplicate or too many ids are refused at once', () => {
  assert.throws(
    () => loadBalancer('alb').subnets(['subnet-1', 'vpc-1']),
    problem('loadBalancer "alb"', 'Subnets[1]: subnet id must look like "subnet-0abc1234", got: "vpc-1"'),
  );
  assert.throws(
    () => loadBalancer('alb').subnets(['subnet-1', 'subnet-1']),
    problem('loadBalancer "alb"', 'Subnets[1]: each id may appear once, got: "subnet-1"'),
  );
  assert.throws(
    () => loadBalancer('alb').securityGroups(['sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5', 'sg-6']),
    problem('loadBalancer "alb"', 'SecurityGroups: give 1-5 security groups, got: ["sg-1","sg-2","sg-3","sg-4","sg-5","sg-6"]'),
  );
});

test('an unknown scheme or IP address type is refused at once', () => {
  assert.throws(
    // @ts-expect-error — not a scheme
    () => loadBalancer('alb').scheme('public'),
    problem('loadBalancer "alb"', 'Scheme: must be one of "internet-facing", "internal", got: "public"'),
  );
  assert.throws(
    // @ts-expect-error — not an IP address type
    () => loadBalancer('alb').ipAddressType('ipv6'),
    problem('loadBalancer "alb"', 'IpAddressType: must be one of "ipv4", "dualstack", "dualstack-without-public-ipv4", got: "ipv6"'),
  );
});

test('build reports one subnet and an internal dualstack-without-public-ipv4 together', () => {
  const alb = loadBalancer('alb').scheme('internal').ipAddressType('dualstack-without-public-ipv4').subnets(['subnet-1']);
  assert.throws(() => alb.build(), {
    message:
      'loadBalancer "alb": 2 problems\n' +
      '  - Subnets: an Application Load Balancer needs subnets in at least two Availability Zones; give two or more subnets, got: ["subnet-1"]\n' +
      "  - IpAddressType: internal load balancers must use ipv4; drop .ipAddressType('dualstack-without-public-ipv4') or use scheme 'internet-facing', got: \"dualstack-without-public-ipv4\"",
  });
});

test('internal load balancers must use ipv4, as the API reference says (dualstack too is refused)', () => {
  const subnets = ['subnet-1', 'subnet-2'];
  assert.throws(() => loadBalancer('alb').scheme('internal').ipAddressType('dualstack').subnets(subnets).build(), {
    message: /IpAddressType: internal load balancers must use ipv4; drop \.ipAddressType\('dualstack'\)/,
  });
  assert.equal(loadBalancer('alb').scheme('internal').ipAddressType('ipv4').subnets(subnets).build().IpAddressType, 'ipv4');
  assert.equal(loadBalancer('alb').ipAddressType('dualstack').subnets(subnets).build().IpAddressType, 'dualstack');
});

test('build refuses intrinsic subnets; tags are carried', () => {
  assert.throws(() => loadBalancer('alb').subnets(cfnRef('SubnetIds')).build(), {
    message: /Subnets: a CloudFormation intrinsic only works in toCloudFormation\(\); pass the real subnet id list string to build\(\), got: \{"Ref":"SubnetIds"\}/,
  });
  const input = loadBalancer('alb').subnets(['subnet-1', 'subnet-2']).tag('ecskit:stack', 'lab').build();
  assert.deepEqual(input.Tags, [{ Key: 'ecskit:stack', Value: 'lab' }]);
});

test('load balancer build is a type error until subnets are set', () => {
  // @ts-expect-error — .subnets() is required
  assert.throws(() => loadBalancer('alb').build(), { message: /Subnets: an Application Load Balancer needs subnets/ });
});

// --- listener ------------------------------------------------------------------

test('a listener forwards to weighted target groups with stickiness', () => {
  const input = listener(ALB_ARN)
    .protocol('HTTP')
    .port(80)
    .forward(
      [
        { targetGroupArn: GATEWAY_TG_ARN, weight: 90 },
        { targetGroupArn: V2_TG_ARN, weight: 10 },
      ],
      { stickinessSeconds: 300 },
    )
    .build();
  assert.deepEqual(input.DefaultActions, [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: GATEWAY_TG_ARN, Weight: 90 },
          { TargetGroupArn: V2_TG_ARN, Weight: 10 },
        ],
        TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
      },
    },
  ]);
});

test('an HTTPS listener carries its certificate and SSL policy', () => {
  const cert = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';
  const input = listener(ALB_ARN)
    .protocol('HTTPS')
    .port(443)
    .certificate(cert)
    .sslPolicy('ELBSecurityPolicy-TLS13-1-2-2021-06')
    .forward(GATEWAY_TG_ARN)
    .build();
  assert.deepEqual(input.Certificates, [{ CertificateArn: cert }]);
  assert.equal(input.SslPolicy, 'ELBSecurityPolicy-TLS13-1-2-2021-06');
});

test('a load balancer ARN of the wrong form is refused at once', () => {
  assert.throws(
    () => listener(GATEWAY_TG_ARN),
    problem(
      'listener',
      `LoadBalancerArn: load balancer ARN must look like "arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID", got: "${GATEWAY_TG_ARN}"`,
    ),
  );
});

test('a listener port outside 1-65535 or a protocol other than HTTP/HTTPS is refused at once', () => {
  assert.throws(() => listener(ALB_ARN).port(0), problem('listener (no port)', 'Port: port must be an integer 1-65535, got: 0'));
  assert.throws(
    // @ts-expect-error — ALB listeners speak HTTP or HTTPS
    () => listener(ALB_ARN).port(80).protocol('TCP'),
    problem('listener 80', 'Protocol: must be one of "HTTP", "HTTPS", got: "TCP"'),
  );
});

test('fixed responses outside 2XX/4XX/5XX, with unknown content types or long bodies are refused at once', () => {
  const l = listener(ALB_ARN).port(80);
  assert.throws(
    () => l.fixedResponse(302),
    problem('listener 80', 'DefaultActions[0].FixedResponseConfig.StatusCode: status code must be 2XX, 4XX or 5XX, got: 302'),
  );
  assert.throws(
    // @ts-expect-error — not an allowed content type
    () => l.fixedResponse(200, { contentType: 'image/png' }),
    problem(
      'listener 80',
      'DefaultActions[0].FixedResponseConfig.ContentType: must be one of "text/plain", "text/css", "text/html", "application/javascript", "application/json", got: "image/png"',
    ),
  );
  assert.throws(() => l.fixedResponse(200, { messageBody: 'x'.repeat(1025) }), {
    message: /MessageBody: message body must be a string of at most 1024 characters/,
  });
});

test('build reports HTTPS without a certificate and an intrinsic target group at once', () => {
  const l = listener(ALB_ARN).protocol('HTTPS').port(443).forward(cfnRef('Tg'));
  assert.throws(() => l.build(), {
    message:
      'listener 443: 2 problems\n' +
      '  - Certificates: HTTPS listeners need a server certificate; call .certificate(acmCertificateArn), got: undefined\n' +
      '  - DefaultActions[0].TargetGroupArn: a CloudFormation intrinsic only works in toCloudFormation(); pass the real target group ARN string to build(), got: {"Ref":"Tg"}',
  });
});

test('build refuses a certificate or SSL policy on an HTTP listener', () => {
  const l = listener(ALB_ARN)
    .protocol('HTTP')
    .port(80)
    .certificate('arn:aws:acm:us-east-1:123456789012:certificate/abc')
    .sslPolicy('ELBSecurityPolicy-2016-08')
    .forward(GATEWAY_TG_ARN);
  assert.throws(() => l.build(), { message: /2 problems[\s\S]*HTTP listeners take no certificate[\s\S]*HTTP listeners take no SSL policy/ });
});

test('listener build is a type error until port, protocol and default action are set', () => {
  // @ts-expect-error — no default action
  assert.throws(() => listener(ALB_ARN).protocol('HTTP').port(80).build(), {
    message:
      'listener 80: 1 problem\n  - DefaultActions: a listener needs a default action; call .forward(targetGroupArn) or .fixedResponse(statusCode), got: undefined',
  });
});

// --- listener rule -------------------------------------------------------------

test('a rule with several paths and a host uses the Config forms and weighted forward', () => {
  const input = listenerRule(LISTENER_ARN)
    .priority(20)
    .pathPattern('/api/*', '/health')
    .hostHeader('*.example.com')
    .forward([
      { targetGroupArn: GATEWAY_TG_ARN, weight: 80 },
      { targetGroupArn: V2_TG_ARN, weight: 20 },
    ])
    .tag('ecskit:stack', 'lab')
    .build();
  assert.deepEqual(input, {
    ListenerArn: LISTENER_ARN,
    Priority: 20,
    Conditions: [
      { Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*', '/health'] } },
      { Field: 'host-header', Values: ['*.example.com'] },
    ],
    Actions: [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: GATEWAY_TG_ARN, Weight: 80 },
            { TargetGroupArn: V2_TG_ARN, Weight: 20 },
          ],
        },
      },
    ],
    Tags: [{ Key: 'ecskit:stack', Value: 'lab' }],
  });
});

test('a rule in CloudFormation always uses HostHeaderConfig and can reference target groups by GetAtt', () => {
  const resource = listenerRule(cfnRef('HttpListener'))
    .priority(5)
    .hostHeader('api.example.com')
    .forward([{ targetGroupArn: cfnGetAtt('Tg', 'TargetGroupArn'), weight: 1 }])
    .toCloudFormation();
  assert.deepEqual(resource.Properties.Conditions, [{ Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } }]);
  assert.deepEqual(resource.Properties.Actions, [
    { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: { 'Fn::GetAtt': ['Tg', 'TargetGroupArn'] }, Weight: 1 }] } },
  ]);
});

test('a priority outside 1-50000 is refused at once', () => {
  assert.throws(
    () => listenerRule(LISTENER_ARN).priority(50001),
    problem('listenerRule (no priority)', 'Priority: priority must be an integer 1-50000, got: 50001'),
  );
});

test('a listener ARN of the wrong form is refused at once', () => {
  assert.throws(() => listenerRule(ALB_ARN), { message: /ListenerArn: listener ARN must look like/ });
});

test('path patterns over 128 characters, with bad characters, or more than 3 are refused at once', () => {
  const r = listenerRule(LISTENER_ARN).priority(1);
  const long = `/${'a'.repeat(128)}`;
  assert.throws(
    () => r.pathPattern(long),
    problem('listenerRule 1', `Conditions[0].Values[0]: path-pattern values must be 1-128 characters, got: "${long}"`),
  );
  assert.throws(
    () => r.pathPattern('/a b'),
    problem('listenerRule 1', 'Conditions[0].Values[0]: path-pattern values may contain only letters, digits and _-.$/~"\'@:+&*?, got: "/a b"'),
  );
  assert.throws(
    () => r.pathPattern('/a', '/b', '/c', '/d'),
    problem('listenerRule 1', 'Conditions[0].Values: a path-pattern condition takes 1-3 values, got: ["/a","/b","/c","/d"]'),
  );
});

test('host headers with bad characters or a second host-header condition are refused at once', () => {
  const r = listenerRule(LISTENER_ARN).priority(1);
  assert.throws(
    () => r.hostHeader('api_example.com'),
    problem('listenerRule 1', 'Conditions[0].Values[0]: host-header values may contain only letters, digits and -.*?, got: "api_example.com"'),
  );
  assert.throws(
    () => r.hostHeader('a.example.com').hostHeader('b.example.com'),
    problem(
      'listenerRule 1',
      'Conditions[1].Field: a rule takes at most one host-header condition; pass all values in one call, got: "host-header"',
    ),
  );
});

test('forward weights outside 0-999, more than 5 target groups or a repeated one are refused at once', () => {
  const r = listenerRule(LISTENER_ARN).priority(1);
  assert.throws(
    () => r.forward([{ targetGroupArn: GATEWAY_TG_ARN, weight: 1000 }]),
    problem('listenerRule 1', 'Actions[0].ForwardConfig.TargetGroups[0].Weight: weight must be an integer 0-999, got: 1000'),
  );
  assert.throws(
    () => r.forward([1, 2, 3, 4, 5, 6].map((n) => ({ targetGroupArn: tg(n) }))),
    problem('listenerRule 1', 'Actions[0].ForwardConfig.TargetGroups: forward to 1-5 target groups, got: 6'),
  );
  assert.throws(
    () => r.forward([{ targetGroupArn: GATEWAY_TG_ARN }, { targetGroupArn: GATEWAY_TG_ARN }]),
    problem(
      'listenerRule 1',
      `Actions[0].ForwardConfig.TargetGroups[1].TargetGroupArn: each target group may appear once in a forward action, got: "${GATEWAY_TG_ARN}"`,
    ),
  );
  assert.doesNotThrow(() => r.forward([1, 2, 3, 4, 5].map((n) => ({ targetGroupArn: tg(n), weight: 0 }))));
});

test('build refuses more than 5 condition values across a rule', () => {
  const r = listenerRule(LISTENER_ARN)
    .priority(1)
    .pathPattern('/a', '/b', '/c')
    .hostHeader('a.example.com', 'b.example.com', 'c.example.com')
    .forward(GATEWAY_TG_ARN);
  assert.throws(
    () => r.build(),
    problem(
      'listenerRule 1',
      'Conditions: a rule matches at most 5 values across its conditions (6 given); split it into two rules, got: ["/a","/b","/c","a.example.com","b.example.com","c.example.com"]',
    ),
  );
});

test('rule build is a type error until priority, a condition and an action are set, and reports all three', () => {
  const bare = listenerRule(LISTENER_ARN);
  // @ts-expect-error — priority, condition and action missing
  assert.throws(() => bare.build(), {
    message:
      'listenerRule (no priority): 3 problems\n' +
      '  - Priority: a rule needs a priority 1-50000; call .priority(n), got: undefined\n' +
      '  - Conditions: a rule needs at least one condition; call .pathPattern(...) or .hostHeader(...), got: []\n' +
      '  - Actions: a rule needs an action; call .forward(targetGroupArn) or .fixedResponse(statusCode), got: undefined',
  });
  // @ts-expect-error — condition missing
  assert.throws(() => listenerRule(LISTENER_ARN).priority(1).fixedResponse(503).build());
});
