import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DescribeLoadBalancersCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startTestCloud, type TestCloud } from '../../helpers.js';
import { defaultNetwork } from '../../services/elbv2/network.js';
import { ensureAppsBuilt } from '../apps.js';
import { waitFor } from './harness.js';

const run = promisify(execFile);

describe("the lab's invsys service behind an ALB, with the whole runtime", () => {
  let t: TestCloud;
  let tgArn: string;
  let lbArn: string;

  before(async () => {
    ensureAppsBuilt();
    t = await startTestCloud({ timeScale: 0.02, runtime: { tickMs: 50 } });
    const { vpcId, subnetIds } = await defaultNetwork(t);
    const tg = await t.clients.elbv2.send(
      new CreateTargetGroupCommand({
        Name: 'invsys-tg', Protocol: 'HTTP', Port: 5000, VpcId: vpcId, TargetType: 'ip',
        HealthCheckPath: '/health', HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 2, UnhealthyThresholdCount: 3,
      }),
    );
    tgArn = tg.TargetGroups?.[0]?.TargetGroupArn ?? '';
    const lb = await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'flask-alb', Subnets: subnetIds.slice(0, 2) }));
    lbArn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    await t.clients.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] }));

    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'lab' }));
    await t.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'invsys',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'invsys', image: 'flask-inventory/invsys:latest', essential: true, portMappings: [{ containerPort: 5000, protocol: 'tcp' }] }],
      }),
    );
    await t.clients.ecs.send(
      new CreateServiceCommand({
        cluster: 'lab',
        serviceName: 'invsys-service',
        taskDefinition: 'invsys',
        desiredCount: 1,
        launchType: 'FARGATE',
        // 3 s of real time for the app to start listening before failed ELB checks may stop the task.
        healthCheckGracePeriodSeconds: 150,
        networkConfiguration: { awsvpcConfiguration: { subnets: subnetIds.slice(0, 2), assignPublicIp: 'DISABLED' } },
        loadBalancers: [{ targetGroupArn: tgArn, containerName: 'invsys', containerPort: 5000 }],
      }),
    );
  });
  after(async () => {
    await t?.stop();
  });

  test('a device POSTed through the ALB is read back with curl http://$ALB_DNS/items', async () => {
    await waitFor(
      'the task to be a healthy target',
      async () => {
        const health = await t.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
        return health.TargetHealthDescriptions?.some((d) => d.TargetHealth?.State === 'healthy' && d.Target?.Port === 5000);
      },
      30_000,
    );
    const dnsName = (await t.clients.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lbArn] }))).LoadBalancers?.[0]?.DNSName ?? '';
    const device = { id: 'alb-1', name: 'Router', location: 'Rack 1', status: 'active' };
    const posted = await waitFor('the POST through the ALB', async () => {
      const response = await fetch(`http://${dnsName}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(device) });
      return response.status === 201 ? response : undefined;
    });
    assert.equal(posted.status, 201);
    const { stdout } = await run('curl', ['-sS', '--max-time', '5', '-w', '\n%{http_code}', `http://${dnsName}/items`]);
    const [body = '', status] = [stdout.slice(0, stdout.lastIndexOf('\n')), stdout.slice(stdout.lastIndexOf('\n') + 1)];
    assert.equal(status, '200', `curl http://${dnsName}/items answered ${status}: ${body}`);
    const items = (JSON.parse(body) as { items: Array<{ id: string }> }).items;
    assert.ok(items.some((item) => item.id === 'alb-1'), `GET /items through the ALB lists the device, got ${stdout}`);
  });
});
