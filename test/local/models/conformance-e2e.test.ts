/**
 * Response conformance end to end: a local cloud started with
 * `ECSKIT_CONFORMANCE_LOG` set checks every response it sends. SDK and AWS
 * CLI calls (successes and errors, JSON and XML) against the real services
 * log nothing; a service that answers off-model is logged with its path.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand, CreateServiceCommand, DescribeClustersCommand, DescribeServicesCommand, ListTasksCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand, DeleteTargetGroupCommand, DescribeLoadBalancersCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListNamespacesCommand } from '@aws-sdk/client-servicediscovery';
import type { ServiceDefinition } from '../../../src/local/core/types.js';
import { awsCli, awsCliSkip } from '../aws-cli.js';
import { rejection, startTestCloud, type TestCloud } from '../helpers.js';

const ECS = 'AmazonEC2ContainerServiceV20141113';

/** An ECS that answers DescribeClusters off-model: an enum value in the wrong case, a count as text, a member AWS does not have. */
const offModelEcs: ServiceDefinition = {
  signingName: 'ecs',
  protocols: ['json1.1'],
  targetPrefix: ECS,
  operations: {
    DescribeClusters: () => ({
      clusters: [
        { clusterName: 'a', status: 'ACTIVE' },
        { clusterName: 'b', settings: [{ name: 'containerinsights', value: 'enabled' }], runningTasksCount: '2', color: 'blue' },
      ],
      failures: [],
    }),
  },
};

interface Line {
  service: string;
  operation: string;
  path: string;
  problem: string;
  status: number;
}

const readLines = (file: string): Line[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Line) : []);

async function waitFor<T>(what: string, fn: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('response conformance of a running local cloud (ECSKIT_CONFORMANCE_LOG)', () => {
  const skip = awsCliSkip();
  let dir: string;
  let file: string;
  let t: TestCloud;
  let offModel: TestCloud;
  const saved = process.env.ECSKIT_CONFORMANCE_LOG;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ecskit-conformance-e2e-'));
    file = join(dir, 'violations.ndjson');
    // This file's own log (the test run's log must stay empty: the off-model service below writes to it on purpose).
    process.env.ECSKIT_CONFORMANCE_LOG = file;
    t = await startTestCloud();
    offModel = await startTestCloud({ services: [offModelEcs] });
  });

  after(async () => {
    await t?.stop();
    await offModel?.stop();
    if (saved === undefined) delete process.env.ECSKIT_CONFORMANCE_LOG;
    else process.env.ECSKIT_CONFORMANCE_LOG = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('SDK and AWS CLI calls, answered or refused, log no violation', { skip }, async () => {
    const { ecs, elbv2, cloudWatch, logs, serviceDiscovery, autoScaling } = t.clients;
    await ecs.send(new CreateClusterCommand({ clusterName: 'conf', settings: [{ name: 'containerInsights', value: 'enabled' }], tags: [{ key: 'k', value: 'v' }] }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'conf',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'web', image: 'nginx', essential: true, portMappings: [{ containerPort: 80, protocol: 'tcp' }], healthCheck: { command: ['CMD-SHELL', 'true'] } }],
      }),
    );
    const vpcs = await t.query('ec2', 'DescribeSubnets');
    assert.equal(vpcs.status, 200, vpcs.text);
    const subnets = [vpcs.xml.DescribeSubnetsResponse.subnetSet.item].flat().map((s: { subnetId: string }) => s.subnetId);
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'conf',
        serviceName: 'web',
        taskDefinition: 'conf',
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: subnets.slice(0, 1), assignPublicIp: 'DISABLED' } },
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    await ecs.send(new DescribeServicesCommand({ cluster: 'conf', services: ['web', 'missing'], include: ['TAGS'] }));
    await ecs.send(new DescribeClustersCommand({ clusters: ['conf', 'missing'], include: ['SETTINGS', 'STATISTICS', 'TAGS'] }));
    await ecs.send(new ListTasksCommand({ cluster: 'conf' }));
    assert.equal((await rejection(ecs.send(new ListTasksCommand({ cluster: 'nope' })))).name, 'ClusterNotFoundException');
    await elbv2.send(new DescribeLoadBalancersCommand({}));
    await elbv2.send(new DescribeTargetGroupsCommand({}));
    assert.equal((await rejection(elbv2.send(new DescribeLoadBalancersCommand({ Names: ['nope'] })))).name, 'LoadBalancerNotFoundException');
    await cloudWatch.send(
      new PutMetricAlarmCommand({ AlarmName: 'cpu', Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 80, ComparisonOperator: 'GreaterThanThreshold' }),
    );
    await cloudWatch.send(new DescribeAlarmsCommand({}));
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/conf' }));
    await logs.send(new DescribeLogGroupsCommand({}));
    assert.equal((await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/conf' })))).name, 'ResourceAlreadyExistsException');
    await serviceDiscovery.send(new ListNamespacesCommand({}));
    await autoScaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }));
    // Query operations with no output shape (ResponseMetadata only) and with one that has no members (an empty <XResult>).
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    for (const [service, action, params] of [
      ['iam', 'CreateRole', { RoleName: 'conf', AssumeRolePolicyDocument: trust }],
      ['iam', 'TagRole', { RoleName: 'conf', 'Tags.member.1.Key': 'k', 'Tags.member.1.Value': 'v' }],
      ['iam', 'DeleteRole', { RoleName: 'conf' }],
      ['monitoring', 'SetAlarmState', { AlarmName: 'cpu', StateValue: 'OK', StateReason: 'conformance' }],
      ['monitoring', 'PutMetricData', { Namespace: 'Conf', 'MetricData.member.1.MetricName': 'm', 'MetricData.member.1.Value': 1 }],
    ] as const) {
      const r = await t.query(service, action, params);
      assert.equal(r.status, 200, `${service} ${action}: ${r.text}`);
    }
    const vpcId = [vpcs.xml.DescribeSubnetsResponse.subnetSet.item].flat()[0].vpcId as string;
    const tg = await elbv2.send(new CreateTargetGroupCommand({ Name: 'conf', Protocol: 'HTTP', Port: 80, VpcId: vpcId }));
    await elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg.TargetGroups![0]!.TargetGroupArn! }));

    const cli = async (args: string[], code = 0) => {
      const r = await awsCli(t.cloud.endpoint, args);
      assert.equal(r.code, code, `aws ${args.join(' ')}: ${r.stderr}`);
    };
    await cli(['sts', 'get-caller-identity']);
    await cli(['ec2', 'describe-vpcs']);
    await cli(['ec2', 'describe-security-groups']);
    await cli(['ecs', 'describe-services', '--cluster', 'conf', '--services', 'web']);
    await cli(['ecs', 'describe-task-definition', '--task-definition', 'conf']);
    await cli(['elbv2', 'describe-load-balancers']);
    await cli(['cloudwatch', 'describe-alarms']);
    await cli(['logs', 'describe-log-groups']);
    await cli(['iam', 'get-role', '--role-name', 'no-such-role'], 255);
    await cli(['ec2', 'describe-vpcs', '--vpc-ids', 'vpc-0000000000000000f'], 255);

    // Every response above has been checked once the off-model cloud's lines are in (one checker, loaded once, in order).
    const r = await offModel.json('ecs', `${ECS}.DescribeClusters`, {});
    assert.equal(r.status, 200);
    await waitFor('the off-model lines', () => (readLines(file).some((l) => l.path === '/clusters/1/color') ? true : undefined));
    const lines = readLines(file);
    assert.deepEqual(
      lines.filter((l) => l.path.startsWith('/clusters/')),
      [
        { service: 'ecs', operation: 'DescribeClusters', path: '/clusters/1/settings/0/name', problem: '"containerinsights" is not a value of enum ClusterSettingName [containerInsights]', status: 200 },
        { service: 'ecs', operation: 'DescribeClusters', path: '/clusters/1/runningTasksCount', problem: 'expected an integer, got a string "2"', status: 200 },
        { service: 'ecs', operation: 'DescribeClusters', path: '/clusters/1/color', problem: 'unknown member "color" (not in Cluster)', status: 200 },
      ],
    );
    assert.deepEqual(
      lines.filter((l) => !l.path.startsWith('/clusters/')),
      [],
      'the real services answered every call on-model',
    );
  });
});
