import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cfnRef, targetGroup, targetGroupHealthCheckUpdate } from '../../../src/builders/networking/index.js';
import { fixture } from './fixtures.js';

const VPC = 'vpc-0abc1234def567890';
const GATEWAY_TG_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-tg/fedcba9876543210';

function problem(subject: string, line: string) {
  return { name: 'ValidationError', message: `${subject}: 1 problem\n  - ${line}` };
}

const http = () => targetGroup('tg').protocol('HTTP').port(80).vpc(VPC);

test('the invsys target group of lab step 3.3 builds the exact CreateTargetGroup input', () => {
  const input = targetGroup('invsys-tg')
    .protocol('HTTP')
    .port(5000)
    .vpc(VPC)
    .targetType('ip')
    .healthCheck({
      enabled: true,
      protocol: 'HTTP',
      path: '/items',
      intervalSeconds: 30,
      timeoutSeconds: 5,
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 3,
    })
    .build();
  assert.deepEqual(input, fixture('3.3-create-target-group.json'));
});

test('the health-check change of lab step 7.4 builds the exact ModifyTargetGroup input', () => {
  const input = targetGroupHealthCheckUpdate(GATEWAY_TG_ARN, {
    path: '/health/ready',
    intervalSeconds: 15,
    timeoutSeconds: 5,
    healthyThresholdCount: 2,
    unhealthyThresholdCount: 3,
  });
  assert.deepEqual(input, fixture('7.4-modify-target-group.json'));
});

test('the gateway target group ecskit creates for lab step 4.1 is an ip target group on port 5001', () => {
  const gateway = targetGroup('gateway-tg')
    .protocol('HTTP')
    .port(5001)
    .vpc(VPC)
    .targetType('ip')
    .healthCheck({ enabled: true, protocol: 'HTTP', path: '/health', intervalSeconds: 30, timeoutSeconds: 5 })
    .healthCheck({ healthyThresholdCount: 2, unhealthyThresholdCount: 3, httpCode: '200' })
    .deregistrationDelaySeconds(30);
  assert.deepEqual(gateway.build(), fixture('errata-4.1-create-gateway-target-group.json'));
  assert.deepEqual(gateway.attributes(), [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]);
});

test('toCloudFormation uses CloudFormation names and carries attributes as TargetGroupAttributes', () => {
  const resource = targetGroup('gateway-tg')
    .protocol('HTTP')
    .port(5001)
    .vpc(cfnRef('VpcId'))
    .targetType('ip')
    .healthCheck({ path: '/health', intervalSeconds: 15, port: 'traffic-port', httpCode: '200-299' })
    .deregistrationDelaySeconds(30)
    .stickinessSeconds(3600)
    .tag('ecskit:stack', 'lab')
    .toCloudFormation();
  assert.deepEqual(resource, {
    Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
    Properties: {
      Name: 'gateway-tg',
      Protocol: 'HTTP',
      Port: 5001,
      VpcId: { Ref: 'VpcId' },
      TargetType: 'ip',
      HealthCheckPath: '/health',
      HealthCheckPort: 'traffic-port',
      HealthCheckIntervalSeconds: 15,
      Matcher: { HttpCode: '200-299' },
      TargetGroupAttributes: [
        { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
        { Key: 'stickiness.enabled', Value: 'true' },
        { Key: 'stickiness.type', Value: 'lb_cookie' },
        { Key: 'stickiness.lb_cookie.duration_seconds', Value: '3600' },
      ],
      Tags: [{ Key: 'ecskit:stack', Value: 'lab' }],
    },
  });
});

test('attributes cover slow start and the load-balancing algorithm, and are empty when none are set', () => {
  assert.deepEqual(http().attributes(), []);
  assert.deepEqual(http().slowStartSeconds(60).loadBalancingAlgorithm('least_outstanding_requests').attributes(), [
    { Key: 'slow_start.duration_seconds', Value: '60' },
    { Key: 'load_balancing.algorithm.type', Value: 'least_outstanding_requests' },
  ]);
});

test('a lambda target group builds without protocol, port or VPC', () => {
  assert.deepEqual(targetGroup('fn-tg').targetType('lambda').build(), { Name: 'fn-tg', TargetType: 'lambda' });
});

test('a health-check port is sent as a string, as the API wants', () => {
  assert.equal(http().healthCheck({ port: 8080 }).build().HealthCheckPort, '8080');
});

// --- immediate checks --------------------------------------------------------

test('a target group name over 32 characters is refused at once', () => {
  const name = 'a'.repeat(33);
  assert.throws(
    () => targetGroup(name),
    problem(`targetGroup "${name}"`, `Name: target group name must be 1-32 characters, got: "${name}"`),
  );
});

test('a target group name with other characters or an edge hyphen is refused at once', () => {
  assert.throws(
    () => targetGroup('invsys_tg'),
    problem('targetGroup "invsys_tg"', 'Name: target group name may contain only letters, digits and hyphens, got: "invsys_tg"'),
  );
  assert.throws(
    () => targetGroup('invsys-'),
    problem('targetGroup "invsys-"', 'Name: target group name must not begin or end with a hyphen, got: "invsys-"'),
  );
});

test('a port outside 1-65535 is refused at once', () => {
  assert.throws(() => targetGroup('tg').port(0), problem('targetGroup "tg"', 'Port: port must be an integer 1-65535, got: 0'));
});

test('an unknown protocol or target type is refused at once', () => {
  assert.throws(
    // @ts-expect-error — not a target group protocol
    () => targetGroup('tg').protocol('FTP'),
    problem('targetGroup "tg"', 'Protocol: must be one of "HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", got: "FTP"'),
  );
  assert.throws(
    // @ts-expect-error — not a target type
    () => targetGroup('tg').targetType('container'),
    problem('targetGroup "tg"', 'TargetType: must be one of "instance", "ip", "lambda", "alb", got: "container"'),
  );
});

test('a health-check interval outside 5-300 seconds is refused at once', () => {
  assert.throws(
    () => http().healthCheck({ intervalSeconds: 301 }),
    problem('targetGroup "tg"', 'HealthCheckIntervalSeconds: intervalSeconds must be an integer 5-300, got: 301'),
  );
});

test('a health-check timeout outside 2-120 seconds is refused at once', () => {
  assert.throws(
    () => http().healthCheck({ timeoutSeconds: 1 }),
    problem('targetGroup "tg"', 'HealthCheckTimeoutSeconds: timeoutSeconds must be an integer 2-120, got: 1'),
  );
});

test('healthy and unhealthy thresholds outside 2-10 are refused at once', () => {
  assert.throws(
    () => http().healthCheck({ healthyThresholdCount: 1 }),
    problem('targetGroup "tg"', 'HealthyThresholdCount: healthyThresholdCount must be an integer 2-10, got: 1'),
  );
  assert.throws(
    () => http().healthCheck({ unhealthyThresholdCount: 11 }),
    problem('targetGroup "tg"', 'UnhealthyThresholdCount: unhealthyThresholdCount must be an integer 2-10, got: 11'),
  );
});

test('a health-check path not starting with / or over 1024 characters is refused at once', () => {
  assert.throws(
    () => http().healthCheck({ path: 'health' }),
    problem('targetGroup "tg"', 'HealthCheckPath: health-check path must start with "/" and be at most 1024 characters, got: "health"'),
  );
  assert.throws(() => http().healthCheck({ path: `/${'a'.repeat(1024)}` }), { name: 'ValidationError' });
});

test('a health-check port outside 1-65535 is refused at once', () => {
  assert.throws(
    () => http().healthCheck({ port: 70000 }),
    problem('targetGroup "tg"', 'HealthCheckPort: health-check port (or "traffic-port") must be an integer 1-65535, got: 70000'),
  );
});

test('success codes outside 200-499 or malformed are refused at once', () => {
  const line = (v: string) =>
    problem(
      'targetGroup "tg"',
      `Matcher.HttpCode: success codes must be 200-499, as one code ("200"), a list ("200,202") or a range ("200-299"), got: "${v}"`,
    );
  assert.throws(() => http().healthCheck({ httpCode: '500' }), line('500'));
  assert.throws(() => http().healthCheck({ httpCode: '299-200' }), line('299-200'));
  assert.throws(() => http().healthCheck({ httpCode: '200,abc' }), line('200,abc'));
  assert.doesNotThrow(() => http().healthCheck({ httpCode: '200,202,301' }));
  assert.doesNotThrow(() => http().healthCheck({ httpCode: '200-499' }));
});

test('a deregistration delay outside 0-3600 seconds is refused at once', () => {
  assert.throws(
    () => http().deregistrationDelaySeconds(3601),
    problem('targetGroup "tg"', 'deregistration_delay.timeout_seconds: deregistration delay must be an integer 0-3600, got: 3601'),
  );
  assert.doesNotThrow(() => http().deregistrationDelaySeconds(0));
});

test('slow start outside 30-900 seconds (other than 0) and stickiness outside 1-604800 are refused at once', () => {
  assert.throws(
    () => http().slowStartSeconds(10),
    problem('targetGroup "tg"', 'slow_start.duration_seconds: slow start (or 0) must be an integer 30-900, got: 10'),
  );
  assert.throws(
    () => http().stickinessSeconds(0),
    problem('targetGroup "tg"', 'stickiness.lb_cookie.duration_seconds: stickiness duration must be an integer 1-604800, got: 0'),
  );
});

// --- whole-object checks ---------------------------------------------------------

test('build refuses a timeout that is not below the interval', () => {
  assert.throws(
    () => http().healthCheck({ intervalSeconds: 10, timeoutSeconds: 10 }).build(),
    problem(
      'targetGroup "tg"',
      'HealthCheckTimeoutSeconds: timeoutSeconds must be below intervalSeconds (10); lower the timeout or raise the interval, got: 10',
    ),
  );
});

test('build compares a timeout with the default interval when no interval is given', () => {
  assert.throws(
    () => http().healthCheck({ timeoutSeconds: 40 }).build(),
    problem(
      'targetGroup "tg"',
      'HealthCheckTimeoutSeconds: timeoutSeconds must be below intervalSeconds (30, the default); lower the timeout or raise the interval, got: 40',
    ),
  );
});

test('build reports every problem of a lambda target group at once', () => {
  const builder = targetGroup('fn').targetType('lambda').protocol('HTTP').port(80).deregistrationDelaySeconds(5);
  assert.throws(() => builder.build(), {
    message:
      'targetGroup "fn": 3 problems\n' +
      '  - Protocol: lambda target groups take no Protocol; remove .protocol(), got: "HTTP"\n' +
      '  - Port: lambda target groups take no Port; remove .port(), got: 80\n' +
      '  - TargetGroupAttributes: lambda target groups support no deregistration delay, slow start or stickiness; remove them, got: ["deregistration_delay.timeout_seconds"]',
  });
});

test('build refuses a TCP health check on an HTTP target group, and a path on a TCP check', () => {
  assert.throws(() => http().healthCheck({ protocol: 'TCP', path: '/x' }).build(), {
    message:
      'targetGroup "tg": 2 problems\n' +
      "  - HealthCheckProtocol: HTTP target groups check health over HTTP or HTTPS; use protocol 'HTTP', got: \"TCP\"\n" +
      '  - HealthCheckPath: TCP health checks take no path; remove path or use protocol HTTP, got: "/x"',
  });
});

test('build refuses alb targets on a protocol other than TCP', () => {
  assert.throws(
    () => http().targetType('alb').build(),
    problem('targetGroup "tg"', "Protocol: alb targets sit behind a Network Load Balancer and need protocol TCP; use .protocol('TCP'), got: \"HTTP\""),
  );
});

test('build refuses an intrinsic VPC id; toCloudFormation accepts it', () => {
  const tg = targetGroup('tg').protocol('HTTP').port(80).vpc(cfnRef('VpcId'));
  assert.throws(
    () => tg.build(),
    problem(
      'targetGroup "tg"',
      'VpcId: a CloudFormation intrinsic only works in toCloudFormation(); pass the real VPC id string to build(), got: {"Ref":"VpcId"}',
    ),
  );
  assert.deepEqual(tg.toCloudFormation().Properties.VpcId, { Ref: 'VpcId' });
});

test('build is a type error until protocol, port and VPC are set', () => {
  // @ts-expect-error — .vpc() missing
  assert.throws(() => targetGroup('tg').protocol('HTTP').port(80).build(), {
    message: 'targetGroup "tg": 1 problem\n  - VpcId: instance target groups need VpcId; call .vpc(id), got: undefined',
  });
  // @ts-expect-error — nothing set
  assert.throws(() => targetGroup('tg').toCloudFormation(), { message: /3 problems/ });
});

test('a target group builder is immutable: a base can be specialised twice', () => {
  const base = http().healthCheck({ path: '/health' });
  const fast = base.healthCheck({ intervalSeconds: 10 });
  assert.equal(base.build().HealthCheckIntervalSeconds, undefined);
  assert.equal(fast.build().HealthCheckIntervalSeconds, 10);
  assert.equal(fast.build().HealthCheckPath, '/health');
});

test('a health-check update refuses a timeout not below the interval and a malformed ARN', () => {
  assert.throws(
    () => targetGroupHealthCheckUpdate(GATEWAY_TG_ARN, { intervalSeconds: 5, timeoutSeconds: 5 }),
    problem(
      `targetGroupHealthCheckUpdate "${GATEWAY_TG_ARN}"`,
      'HealthCheckTimeoutSeconds: timeoutSeconds must be below intervalSeconds (5); lower the timeout or raise the interval, got: 5',
    ),
  );
  assert.throws(() => targetGroupHealthCheckUpdate('gateway-tg', { path: '/' }), {
    message: /TargetGroupArn: target group ARN must look like/,
  });
});
