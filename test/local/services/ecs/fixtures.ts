/**
 * Fixtures for the ECS control-plane tests: the lab's task definitions (as
 * the errata fix them) and a region with the lab's cluster, Cloud Map
 * discovery services and ALB target groups.
 *
 * @internal
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudState } from '../../../../src/local/cloud-state.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const CLUSTER = 'flask-inventory-cluster';
export const INVSYS_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/flask-inventory-invsys`;
export const GATEWAY_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/flask-inventory-gateway`;

/** The lab's 2.1 invsys task definition, awsvpc from revision 1 (ERRATA 2.1 + 3.4). */
export function invsysTaskDefinition(overrides: Record<string, unknown> = {}, image = `${INVSYS_IMAGE}:latest`): any {
  return {
    family: 'flask-inventory-invsys',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['EC2'],
    cpu: '256',
    memory: '512',
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    containerDefinitions: [
      {
        name: 'invsys',
        image,
        cpu: 256,
        memory: 512,
        essential: true,
        portMappings: [{ containerPort: 5000, protocol: 'tcp' }],
        environment: [
          { name: 'FLASK_ENV', value: 'production' },
          { name: 'PYTHONUNBUFFERED', value: '1' },
        ],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': '/ecs/flask-inventory-invsys',
            'awslogs-region': REGION,
            'awslogs-stream-prefix': 'ecs',
            'awslogs-create-group': 'true',
          },
        },
        healthCheck: {
          command: ['CMD-SHELL', 'curl -f http://localhost:5000/items || exit 1'],
          interval: 30,
          timeout: 5,
          retries: 3,
          startPeriod: 60,
        },
      },
    ],
    ...overrides,
  };
}

/** The lab's 2.1 invsys task definition exactly as the guide writes it (bridge, hostPort 0). */
export function invsysBridgeTaskDefinition(): any {
  const td = invsysTaskDefinition({ networkMode: 'bridge' });
  td.containerDefinitions[0].portMappings = [{ containerPort: 5000, hostPort: 0, protocol: 'tcp' }];
  return td;
}

/** The lab's 2.3 gateway task definition. */
export function gatewayTaskDefinition(): any {
  return {
    family: 'flask-inventory-gateway',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['EC2'],
    cpu: '256',
    memory: '512',
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    containerDefinitions: [
      {
        name: 'gateway',
        image: `${GATEWAY_IMAGE}:latest`,
        cpu: 256,
        memory: 512,
        essential: true,
        portMappings: [{ containerPort: 5001, protocol: 'tcp' }],
        environment: [
          { name: 'FLASK_ENV', value: 'production' },
          { name: 'PYTHONUNBUFFERED', value: '1' },
          { name: 'INVSYS_URL', value: 'http://invsys.local:5000' },
        ],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': '/ecs/flask-inventory-gateway',
            'awslogs-region': REGION,
            'awslogs-stream-prefix': 'ecs',
            'awslogs-create-group': 'true',
          },
        },
        healthCheck: {
          command: ['CMD-SHELL', 'curl -f http://localhost:5001/ || exit 1'],
          interval: 30,
          timeout: 5,
          retries: 3,
          startPeriod: 60,
        },
      },
    ],
  };
}

/** What {@link labRegion} created. */
export interface LabRegion {
  cloud: CloudState;
  ecs: (operation: string, input?: unknown) => Promise<any>;
  clusterArn: string;
  subnets: string[];
  securityGroup: string;
  /** Cloud Map service with an A record (invsys). */
  invsysDiscoveryArn: string;
  /** Cloud Map service with an SRV record. */
  srvDiscoveryArn: string;
  /** `ip` target group behind the ALB (gateway). */
  gatewayTargetGroupArn: string;
  /** `instance` target group behind the ALB. */
  instanceTargetGroupArn: string;
  /** `ip` target group no load balancer forwards to. */
  orphanTargetGroupArn: string;
}

/** A fresh in-process cloud with the lab's prerequisites. */
export async function labRegion(options: { cluster?: boolean; events?: boolean } = {}): Promise<LabRegion> {
  const cloud = new CloudState({ accountId: ACCOUNT, timeScale: 0.001 });
  const ecs = (operation: string, input: unknown = {}) => cloud.invoke('ecs', operation, input, { region: REGION }) as Promise<any>;
  const ec2 = (operation: string, input: unknown = {}) => cloud.invoke('ec2', operation, input, { region: REGION }) as Promise<any>;
  const sd = (operation: string, input: unknown = {}) => cloud.invoke('servicediscovery', operation, input, { region: REGION }) as Promise<any>;
  const elb = (operation: string, input: unknown = {}) => cloud.invoke('elasticloadbalancing', operation, input, { region: REGION }) as Promise<any>;

  const subnetSet = (await ec2('DescribeSubnets')).subnetSet as { subnetId: string; vpcId: string }[];
  const subnets = subnetSet.slice(0, 2).map((s) => s.subnetId);
  const vpcId = subnetSet[0]!.vpcId;
  const groups = (await ec2('DescribeSecurityGroups')).securityGroupInfo as { groupId: string }[];
  const securityGroup = groups[0]!.groupId;

  let clusterArn = '';
  if (options.cluster !== false) clusterArn = (await ecs('CreateCluster', { clusterName: CLUSTER })).cluster.clusterArn;

  await sd('CreatePrivateDnsNamespace', { Name: 'local', Vpc: vpcId });
  let namespaceId: string | undefined;
  for (let i = 0; i < 200 && !namespaceId; i++) {
    const list = await sd('ListNamespaces');
    namespaceId = list.Namespaces?.find((n: { Name: string }) => n.Name === 'local')?.Id;
    if (!namespaceId) await sleep(5);
  }
  if (!namespaceId) throw new Error('Cloud Map namespace never appeared');
  const invsys = await sd('CreateService', {
    Name: 'invsys',
    NamespaceId: namespaceId,
    DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 60 }] },
    HealthCheckCustomConfig: { FailureThreshold: 1 },
  });
  const srv = await sd('CreateService', {
    Name: 'invsys-srv',
    NamespaceId: namespaceId,
    DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'SRV', TTL: 60 }] },
  });

  const lb = await elb('CreateLoadBalancer', { Name: 'flask-alb', Subnets: subnets, SecurityGroups: [securityGroup], Type: 'application' });
  const loadBalancerArn = lb.LoadBalancers[0].LoadBalancerArn;
  const tg = async (name: string, type: string, port: number) =>
    (await elb('CreateTargetGroup', { Name: name, Protocol: 'HTTP', Port: String(port), VpcId: vpcId, TargetType: type })).TargetGroups[0].TargetGroupArn as string;
  const gatewayTargetGroupArn = await tg('gateway-tg', 'ip', 5001);
  const instanceTargetGroupArn = await tg('instance-tg', 'instance', 5000);
  const orphanTargetGroupArn = await tg('orphan-tg', 'ip', 5000);
  const listener = await elb('CreateListener', {
    LoadBalancerArn: loadBalancerArn,
    Protocol: 'HTTP',
    Port: '80',
    DefaultActions: [{ Type: 'forward', TargetGroupArn: gatewayTargetGroupArn }],
  });
  await elb('CreateRule', {
    ListenerArn: listener.Listeners[0].ListenerArn,
    Priority: '10',
    Conditions: [{ Field: 'path-pattern', Values: ['/legacy/*'] }],
    Actions: [{ Type: 'forward', TargetGroupArn: instanceTargetGroupArn }],
  });
  return {
    cloud,
    ecs,
    clusterArn,
    subnets,
    securityGroup,
    invsysDiscoveryArn: invsys.Service.Arn,
    srvDiscoveryArn: srv.Service.Arn,
    gatewayTargetGroupArn,
    instanceTargetGroupArn,
    orphanTargetGroupArn,
  };
}

/** Runs `fn` and returns the AwsError it throws (fails the test if it does not throw). */
export async function rejection(fn: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the call to be rejected, but it succeeded');
}
