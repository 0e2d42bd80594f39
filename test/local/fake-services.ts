/**
 * Small fake service definitions that exercise every protocol path without
 * depending on the real handlers (which other engineers own). Signing names
 * and namespaces are the real ones, so real SDK clients talk to them.
 *
 * @internal
 */
import { AwsError, type ServiceDefinition } from '../../src/local/core/types.js';

/** The last input each fake handler received, keyed `service:Operation`. */
export const received = new Map<string, unknown>();

const record = (key: string, input: unknown) => {
  received.set(key, input);
};

/** Fake ECS (JSON 1.1): clusters kept in the state slice so persistence can be tested. */
export const fakeEcs: ServiceDefinition = {
  signingName: 'ecs',
  protocols: ['json1.1'],
  targetPrefix: 'AmazonEC2ContainerServiceV20141113',
  operations: {
    CreateCluster: (input: { clusterName?: string }, ctx) => {
      const clusters = ((ctx.state.fakeEcs as { clusters?: string[] } | undefined) ??= {}) as { clusters?: string[] };
      ctx.state.fakeEcs = clusters;
      const name = input.clusterName ?? 'default';
      clusters.clusters = [...(clusters.clusters ?? []), name];
      return { cluster: { clusterName: name, clusterArn: `arn:aws:ecs:${ctx.region}:${ctx.accountId}:cluster/${name}`, status: 'ACTIVE' } };
    },
    ListClusters: (_input, ctx) => {
      const clusters = (ctx.state.fakeEcs as { clusters?: string[] } | undefined)?.clusters ?? [];
      return { clusterArns: clusters.map((c) => `arn:aws:ecs:${ctx.region}:${ctx.accountId}:cluster/${c}`) };
    },
    DescribeClusters: (input) => {
      record('ecs:DescribeClusters', input);
      throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
    },
    DescribeServices: () => ({
      services: [{ serviceName: 'web', createdAt: new Date('2026-01-02T03:04:05.678Z'), desiredCount: 2, enableECSManagedTags: true }],
      failures: [],
    }),
    ListServices: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    },
  },
};

/** Fake CloudWatch (JSON 1.0 + Query, query-compatible). */
export const fakeCloudWatch: ServiceDefinition = {
  signingName: 'monitoring',
  protocols: ['json1.0', 'query'],
  targetPrefix: 'GraniteServiceVersion20100801',
  xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
  operations: {
    DescribeAlarms: (input) => {
      record('monitoring:DescribeAlarms', input);
      return {
        MetricAlarms: [{ AlarmName: 'cpu-high', ActionsEnabled: true, Threshold: 75.5, StateUpdatedTimestamp: new Date('2026-01-02T03:04:05Z'), Dimensions: [{ Name: 'ClusterName', Value: 'a&b<c>' }] }],
        CompositeAlarms: [],
      };
    },
    PutMetricData: (input) => {
      record('monitoring:PutMetricData', input);
      return {};
    },
    DeleteAlarms: () => {
      throw new AwsError('ResourceNotFound', 'The alarm nope does not exist.', 404);
    },
  },
};

/** Fake ELBv2 (Query). */
export const fakeElbv2: ServiceDefinition = {
  signingName: 'elasticloadbalancing',
  protocols: ['query'],
  xmlNamespace: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  operations: {
    DescribeLoadBalancers: (input: { Names?: string[] }) => {
      record('elasticloadbalancing:DescribeLoadBalancers', input);
      return {
        LoadBalancers: (input.Names ?? ['lb']).map((name) => ({
          LoadBalancerName: name,
          CreatedTime: new Date('2026-01-02T03:04:05Z'),
          AvailabilityZones: [{ ZoneName: 'us-east-1a', SubnetId: 'subnet-1' }],
          State: { Code: 'active' },
        })),
      };
    },
    ModifyTargetGroupAttributes: (input) => {
      record('elasticloadbalancing:ModifyTargetGroupAttributes', input);
      return { Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }] };
    },
    DeleteLoadBalancer: () => {
      throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found', 400);
    },
    DescribeTargetGroups: () => {
      throw new Error('boom');
    },
  },
};

/** Fake EC2 (EC2 Query). */
export const fakeEc2: ServiceDefinition = {
  signingName: 'ec2',
  protocols: ['ec2'],
  xmlNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  operations: {
    DescribeSubnets: (input) => {
      record('ec2:DescribeSubnets', input);
      return { subnetSet: [{ subnetId: 'subnet-1', availabilityZone: 'us-east-1a', mapPublicIpOnLaunch: false }] };
    },
    DescribeVpcs: () => {
      throw new AwsError('InvalidVpcID.NotFound', "The vpc ID 'vpc-x' does not exist");
    },
  },
};

/** Fake STS (Query). */
export const fakeSts: ServiceDefinition = {
  signingName: 'sts',
  protocols: ['query'],
  xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
  operations: {
    GetCallerIdentity: (_input, ctx) => ({ UserId: 'AIDALOCAL', Account: ctx.accountId, Arn: `arn:aws:iam::${ctx.accountId}:user/local` }),
  },
};

/** Every fake service. */
export const fakeServices: readonly ServiceDefinition[] = [fakeEcs, fakeCloudWatch, fakeElbv2, fakeEc2, fakeSts];
