import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  DeleteLoadBalancerCommand,
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  ModifyLoadBalancerAttributesCommand,
  paginateDescribeLoadBalancers,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { rejection, startTestCloud, type TestCloud } from '../../helpers.js';
import { defaultNetwork } from './network.js';
import { waitFor } from '../../../wait-for.js';

describe('ELBv2 load balancers', () => {
  let t: TestCloud;
  let subnetIds: string[];
  let vpcId: string;
  before(async () => {
    t = await startTestCloud({ timeScale: 0.002 });
    ({ vpcId, subnetIds } = await defaultNetwork(t));
  });
  after(() => t.stop());

  test('an application load balancer gets an AWS-shaped ARN and DNS name and is provisioning, then active', async () => {
    const { LoadBalancers } = await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'lab-alb', Subnets: subnetIds.slice(0, 2) }));
    const lb = LoadBalancers?.[0];
    assert.match(lb?.LoadBalancerArn ?? '', /^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/lab-alb\/[0-9a-f]{16}$/);
    assert.match(lb?.DNSName ?? '', /^lab-alb-\d{10}\.us-east-1\.elb\.localhost$/);
    assert.equal(lb?.CanonicalHostedZoneId, 'Z35SXDOTRQ7X7K');
    assert.equal(lb?.State?.Code, 'provisioning');
    assert.equal(lb?.Scheme, 'internet-facing');
    assert.equal(lb?.VpcId, vpcId);
    assert.deepEqual(lb?.AvailabilityZones?.map((az) => az.ZoneName), ['us-east-1a', 'us-east-1b']);
    assert.equal(lb?.SecurityGroups?.length, 1, 'the default security group is used when none is given');
    assert.ok(lb?.CreatedTime instanceof Date);
    // 30 s × 0.002 = 60 ms of provisioning: wait for the state to change, not for a fixed time.
    const state = await waitFor('the load balancer to leave provisioning', async () => {
      const described = await t.clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['lab-alb'] }));
      const code = described.LoadBalancers?.[0]?.State?.Code;
      return code !== 'provisioning' && code;
    });
    assert.equal(state, 'active');
  });

  test('creating the same load balancer again returns it, a different one with the same name is refused', async () => {
    const again = await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'lab-alb', Subnets: subnetIds.slice(0, 2) }));
    const [first] = (await t.clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['lab-alb'] }))).LoadBalancers ?? [];
    assert.equal(again.LoadBalancers?.[0]?.LoadBalancerArn, first?.LoadBalancerArn);
    const error = await rejection(t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'lab-alb', Subnets: subnetIds.slice(1, 3) })));
    assert.equal(error.name, 'DuplicateLoadBalancerNameException');
  });

  test('names longer than 32 characters, with a leading hyphen, or starting with internal- are rejected', async () => {
    for (const name of ['a'.repeat(33), '-alb', 'alb-', 'internal-alb', 'my_alb']) {
      const error = await rejection(t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: name, Subnets: subnetIds.slice(0, 2) })));
      assert.equal(error.name, 'ValidationError', name);
      assert.match(error.message, new RegExp(name.replace(/[-]/g, '\\-').slice(0, 10)));
    }
  });

  test('an application load balancer needs subnets in two availability zones that exist', async () => {
    const one = await rejection(t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'one-subnet', Subnets: subnetIds.slice(0, 1) })));
    assert.equal(one.name, 'ValidationError');
    assert.match(one.message, /two different Availability Zones/);
    const unknown = await rejection(t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'bad-subnet', Subnets: [subnetIds[0] ?? '', 'subnet-0000000000000000f'] })));
    assert.equal(unknown.name, 'SubnetNotFoundException');
    const sg = await rejection(t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'bad-sg', Subnets: subnetIds.slice(0, 2), SecurityGroups: ['sg-0000000000000000f'] })));
    assert.equal(sg.name, 'InvalidSecurityGroupException');
  });

  test('describing a load balancer that does not exist is LoadBalancerNotFound', async () => {
    const error = await rejection(t.clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['lab-alb', 'missing-alb'] })));
    assert.equal(error.name, 'LoadBalancerNotFoundException');
    assert.equal(error.$metadata.httpStatusCode, 400);
  });

  test('the SDK paginator walks every load balancer page by page', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: name, Subnets: subnetIds.slice(0, 2) }));
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeLoadBalancers({ client: t.clients.elbv2 }, { PageSize: 2 })) {
      pages++;
      names.push(...(page.LoadBalancers ?? []).map((lb) => lb.LoadBalancerName ?? ''));
    }
    assert.ok(pages >= 2);
    assert.deepEqual(names.filter((n) => n.startsWith('page-')), ['page-a', 'page-b', 'page-c']);
  });

  test('attributes have AWS defaults, and deletion protection blocks DeleteLoadBalancer', async () => {
    const { LoadBalancers } = await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'protected', Subnets: subnetIds.slice(0, 2) }));
    const arn = LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    const { Attributes } = await t.clients.elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn }));
    const value = (key: string) => Attributes?.find((a) => a.Key === key)?.Value;
    assert.equal(value('idle_timeout.timeout_seconds'), '60');
    assert.equal(value('deletion_protection.enabled'), 'false');
    await t.clients.elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'true' }] }));
    const error = await rejection(t.clients.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn })));
    assert.equal(error.name, 'OperationNotPermittedException');
    const unknownKey = await rejection(t.clients.elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [{ Key: 'no.such.key', Value: 'x' }] })));
    assert.equal(unknownKey.name, 'ValidationError');
    await t.clients.elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'false' }] }));
    await t.clients.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
  });

  test('deleting a load balancer deletes its listeners, and deleting it twice succeeds', async () => {
    const { LoadBalancers } = await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'short-lived', Subnets: subnetIds.slice(0, 2) }));
    const arn = LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    const { Listeners } = await t.clients.elbv2.send(
      new CreateListenerCommand({ LoadBalancerArn: arn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }] }),
    );
    await t.clients.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    await t.clients.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    const error = await rejection(t.clients.elbv2.send(new DescribeListenersCommand({ ListenerArns: [Listeners?.[0]?.ListenerArn ?? ''] })));
    assert.equal(error.name, 'ListenerNotFoundException');
  });
});
