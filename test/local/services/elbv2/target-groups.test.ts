import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { rejection, startTestCloud, type TestCloud } from '../../helpers.js';
import { defaultNetwork } from './network.js';

describe('ELBv2 target groups', () => {
  let t: TestCloud;
  let vpcId: string;
  let subnetIds: string[];
  before(async () => {
    t = await startTestCloud({ timeScale: 0.002 });
    ({ vpcId, subnetIds } = await defaultNetwork(t));
  });
  after(() => t.stop());

  // Lab 3.3: aws elbv2 create-target-group --name invsys-tg --protocol HTTP --port 5000 --target-type ip …
  const lab33 = () => ({
    Name: 'invsys-tg',
    Protocol: 'HTTP' as const,
    Port: 5000,
    VpcId: vpcId,
    TargetType: 'ip' as const,
    HealthCheckEnabled: true,
    HealthCheckProtocol: 'HTTP' as const,
    HealthCheckPath: '/items',
    HealthCheckIntervalSeconds: 30,
    HealthCheckTimeoutSeconds: 5,
    HealthyThresholdCount: 2,
    UnhealthyThresholdCount: 3,
  });

  test("the lab's create-target-group (3.3) stores every health-check setting and is found by name", async () => {
    const { TargetGroups } = await t.clients.elbv2.send(new CreateTargetGroupCommand(lab33()));
    const tg = TargetGroups?.[0];
    assert.match(tg?.TargetGroupArn ?? '', /^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/invsys-tg\/[0-9a-f]{16}$/);
    assert.equal(tg?.HealthCheckPath, '/items');
    assert.equal(tg?.HealthyThresholdCount, 2);
    assert.equal(tg?.UnhealthyThresholdCount, 3);
    assert.equal(tg?.HealthCheckPort, 'traffic-port');
    assert.deepEqual(tg?.Matcher, { HttpCode: '200' });
    assert.deepEqual(tg?.LoadBalancerArns, []);
    const found = await t.clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['invsys-tg'] }));
    assert.equal(found.TargetGroups?.[0]?.TargetGroupArn, tg?.TargetGroupArn);
  });

  test('creating an identical target group returns the same one; different settings are DuplicateTargetGroupName', async () => {
    const [first] = (await t.clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['invsys-tg'] }))).TargetGroups ?? [];
    const again = await t.clients.elbv2.send(new CreateTargetGroupCommand(lab33()));
    assert.equal(again.TargetGroups?.[0]?.TargetGroupArn, first?.TargetGroupArn);
    const error = await rejection(t.clients.elbv2.send(new CreateTargetGroupCommand({ ...lab33(), Port: 5001 })));
    assert.equal(error.name, 'DuplicateTargetGroupNameException');
  });

  test('unset health-check settings take AWS defaults for the protocol', async () => {
    const http = (await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'defaults-http', Protocol: 'HTTP', Port: 80, VpcId: vpcId }))).TargetGroups?.[0];
    assert.equal(http?.TargetType, 'instance');
    assert.equal(http?.HealthCheckProtocol, 'HTTP');
    assert.equal(http?.HealthCheckIntervalSeconds, 30);
    assert.equal(http?.HealthCheckTimeoutSeconds, 5);
    assert.equal(http?.HealthyThresholdCount, 5);
    assert.equal(http?.UnhealthyThresholdCount, 2);
    assert.equal(http?.HealthCheckPath, '/');
    const tcp = (await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'defaults-tcp', Protocol: 'TCP', Port: 80, VpcId: vpcId }))).TargetGroups?.[0];
    assert.equal(tcp?.HealthCheckProtocol, 'TCP');
    assert.equal(tcp?.HealthCheckTimeoutSeconds, 10);
    assert.equal(tcp?.HealthCheckPath, undefined);
  });

  test('a protocol, port and existing VPC are required, and the timeout must stay below the interval', async () => {
    const noPort = await rejection(t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'no-port', Protocol: 'HTTP', VpcId: vpcId })));
    assert.equal(noPort.name, 'ValidationError');
    assert.match(noPort.message, /port/);
    const badVpc = await rejection(t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'bad-vpc', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-00000000000000000' })));
    assert.match(badVpc.message, /vpc-00000000000000000/);
    const slow = await rejection(
      t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'slow', Protocol: 'HTTP', Port: 80, VpcId: vpcId, HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 10 })),
    );
    assert.equal(slow.name, 'ValidationError');
    assert.match(slow.message, /timeout \(10\).*interval \(10\)/);
  });

  test("the lab's modify-target-group (7.4) changes the health check", async () => {
    const [tg] = (await t.clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['invsys-tg'] }))).TargetGroups ?? [];
    const { TargetGroups } = await t.clients.elbv2.send(
      new ModifyTargetGroupCommand({
        TargetGroupArn: tg?.TargetGroupArn,
        HealthCheckPath: '/health/ready',
        HealthCheckIntervalSeconds: 15,
        HealthCheckTimeoutSeconds: 5,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 3,
      }),
    );
    assert.equal(TargetGroups?.[0]?.HealthCheckPath, '/health/ready');
    assert.equal(TargetGroups?.[0]?.HealthCheckIntervalSeconds, 15);
  });

  test('attributes start with a 300-second deregistration delay and reject out-of-range values', async () => {
    const [tg] = (await t.clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['invsys-tg'] }))).TargetGroups ?? [];
    const arn = tg?.TargetGroupArn ?? '';
    const { Attributes } = await t.clients.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }));
    const value = (attrs: typeof Attributes, key: string) => attrs?.find((a) => a.Key === key)?.Value;
    assert.equal(value(Attributes, 'deregistration_delay.timeout_seconds'), '300');
    assert.equal(value(Attributes, 'stickiness.enabled'), 'false');
    assert.equal(value(Attributes, 'load_balancing.algorithm.type'), 'round_robin');
    const modified = await t.clients.elbv2.send(
      new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }, { Key: 'stickiness.enabled', Value: 'true' }] }),
    );
    assert.equal(value(modified.Attributes, 'deregistration_delay.timeout_seconds'), '30');
    const tooLong = await rejection(
      t.clients.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '3601' }] })),
    );
    assert.equal(tooLong.name, 'ValidationError');
    assert.match(tooLong.message, /0 and 3600.*3601/);
    const unknown = await rejection(t.clients.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: 'nope', Value: '1' }] })));
    assert.match(unknown.message, /'nope' is not recognized/);
  });

  test('a target group a listener forwards to cannot be deleted (ResourceInUse) and is listed under its load balancer', async () => {
    const tg = (await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'in-use', Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'ip' }))).TargetGroups?.[0];
    const lb = (await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'tg-alb', Subnets: subnetIds.slice(0, 2) }))).LoadBalancers?.[0];
    await t.clients.elbv2.send(
      new CreateListenerCommand({ LoadBalancerArn: lb?.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg?.TargetGroupArn }] }),
    );
    const error = await rejection(t.clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg?.TargetGroupArn })));
    assert.equal(error.name, 'ResourceInUseException');
    const byLb = await t.clients.elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
    assert.deepEqual(byLb.TargetGroups?.map((g) => g.TargetGroupName), ['in-use']);
    assert.deepEqual(byLb.TargetGroups?.[0]?.LoadBalancerArns, [lb?.LoadBalancerArn]);
  });

  test('an unused target group is deleted and then no longer found', async () => {
    const tg = (await t.clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'doomed', Protocol: 'HTTP', Port: 80, VpcId: vpcId }))).TargetGroups?.[0];
    await t.clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg?.TargetGroupArn }));
    const error = await rejection(t.clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [tg?.TargetGroupArn ?? ''] })));
    assert.equal(error.name, 'TargetGroupNotFoundException');
  });
});
