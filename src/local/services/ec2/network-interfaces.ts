/**
 * DescribeNetworkInterfaces: the ENIs AWS would show for what runs here,
 * derived from the other services' state on every read (nothing is stored):
 *
 * - one per awsvpc task that has its ENI (ECS's `ElasticNetworkInterface`
 *   attachment with a `networkInterfaceId`, until the task stops), with the
 *   task's private address, MAC and DNS name and the security groups of its
 *   awsvpcConfiguration (the VPC's `default` group when it named none);
 * - one per load balancer and subnet (`ELB app/<name>/<id>`, requester
 *   `amazon-elb`), with a stable id and address in the subnet;
 * - the primary interface (device 0) of each EC2 instance that is not
 *   terminated, with the instance's private (and public) address.
 *
 * @internal
 */
import { createHash } from 'node:crypto';
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import type { EcsState } from '../ecs/state.js';
import { loadBalancerNetworks } from '../load-balancer-network.js';
import { addressAt, parseCidr } from './cidr.js';
import { selectResources, strings, tagSet } from './input.js';
import { instancesOf, instanceState, privateDnsName } from './instance-lifecycle.js';
import { ec2State, type Ec2State } from './state.js';
import { own } from '../../core/util.js';

/** One network interface as EC2 describes it (wire names). */
export interface NetworkInterface {
  networkInterfaceId: string;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  description: string;
  interfaceType: 'interface';
  requesterId?: string;
  requesterManaged: boolean;
  status: 'in-use';
  privateIpAddress: string;
  privateDnsName?: string;
  macAddress: string;
  groupIds: string[];
  ownerId: string;
  attachmentId: string;
  instanceOwnerId?: string;
  attachTime?: Date;
  /** The EC2 instance it is attached to (an instance's primary interface). */
  instanceId?: string;
  /** 0 for an instance's primary interface; 1 for the others. */
  deviceIndex?: number;
  /** Deleted with its instance (an instance's primary interface). */
  deleteOnTermination?: boolean;
  /** The public address associated with it. */
  publicIp?: string;
}

/** Slices read without creating them (a read must not add an empty ECS or ELBv2 slice). */
const ECS_KEY = 'ecs';

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

type Json = Record<string, unknown>;

/**
 * Security groups of a task's ENI: those its awsvpcConfiguration named (on
 * the task record; for state written before it kept them, its service
 * deployment's), else the VPC's `default` group, as ECS uses when none are given.
 */
function taskGroups(ecs: EcsState, ec2: Ec2State, task: EcsState['tasks'][string], vpcId: string): string[] {
  if (task.securityGroups?.length) return task.securityGroups;
  const service = task.serviceArn ? own(ecs.services, task.serviceArn) : undefined;
  const network = (service?.deployments.find((d) => d.id === task.deploymentId)?.networkConfiguration ?? service?.networkConfiguration) as Json | undefined;
  const groups = ((network?.['awsvpcConfiguration'] as Json | undefined)?.['securityGroups'] ?? []) as string[];
  if (groups.length > 0) return groups.map(String);
  const fallback = Object.values(ec2.securityGroups).find((g) => g.vpcId === vpcId && g.groupName === 'default');
  return fallback ? [fallback.groupId] : [];
}

function taskInterfaces(ctx: RequestContext, ec2: Ec2State): NetworkInterface[] {
  const ecs = ctx.state[ECS_KEY] as EcsState | undefined;
  if (!ecs) return [];
  const out: NetworkInterface[] = [];
  for (const task of Object.values(ecs.tasks)) {
    if (task.lastStatus === 'STOPPED') continue;
    const attachment = task.attachments.find((a) => a.type === 'ElasticNetworkInterface');
    if (!attachment || attachment.status === 'DELETED') continue;
    const detail = (name: string) => attachment.details.find((d) => d.name === name)?.value;
    const id = detail('networkInterfaceId');
    const subnet = ec2.subnets[detail('subnetId') ?? ''];
    if (!id || !subnet) continue;
    out.push({
      networkInterfaceId: id,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      description: `arn:aws:ecs:${ctx.region}:${ctx.accountId}:attachment/${attachment.id}`,
      interfaceType: 'interface',
      requesterManaged: true,
      status: 'in-use',
      privateIpAddress: detail('privateIPv4Address') ?? '',
      privateDnsName: detail('privateDnsName'),
      macAddress: detail('macAddress') ?? '',
      groupIds: taskGroups(ecs, ec2, task, subnet.vpcId),
      ownerId: ctx.accountId,
      attachmentId: `eni-attach-${digest(id).slice(0, 17)}`,
      attachTime: task.startedAt !== undefined ? new Date(task.startedAt) : undefined,
    });
  }
  return out;
}

function loadBalancerInterfaces(ctx: RequestContext, ec2: Ec2State): NetworkInterface[] {
  const out: NetworkInterface[] = [];
  for (const lb of loadBalancerNetworks(ctx.state)) {
    const resource = lb.LoadBalancerArn.split(':loadbalancer/')[1] ?? lb.LoadBalancerName;
    for (const zone of lb.AvailabilityZones) {
      const subnet = own(ec2.subnets, zone.SubnetId);
      if (!subnet) continue;
      const hash = digest(`${lb.LoadBalancerArn} ${subnet.subnetId}`);
      const cidr = parseCidr(subnet.cidrBlock);
      // An address past the 4 AWS reserves at the start of the subnet and before its broadcast address.
      const usable = cidr ? 2 ** (32 - cidr.prefix) - 5 : 0;
      const address = cidr && usable > 0 ? addressAt(cidr, 4 + (parseInt(hash.slice(0, 8), 16) % usable)) : '';
      out.push({
        networkInterfaceId: `eni-${hash.slice(0, 17)}`,
        subnetId: subnet.subnetId,
        vpcId: subnet.vpcId,
        availabilityZone: subnet.availabilityZone,
        description: `ELB ${resource}`,
        interfaceType: 'interface',
        requesterId: 'amazon-elb',
        requesterManaged: true,
        status: 'in-use',
        privateIpAddress: address,
        privateDnsName: address ? `ip-${address.replaceAll('.', '-')}.${ctx.region === 'us-east-1' ? 'ec2.internal' : `${ctx.region}.compute.internal`}` : undefined,
        macAddress: ['0e', ...(hash.slice(17, 27).match(/../g) ?? [])].join(':'),
        groupIds: lb.SecurityGroups,
        ownerId: ctx.accountId,
        attachmentId: `ela-attach-${hash.slice(27, 44)}`,
        instanceOwnerId: 'amazon-elb',
        attachTime: new Date(lb.CreatedTime),
      });
    }
  }
  return out;
}

function instanceInterfaces(ctx: RequestContext, ec2: Ec2State): NetworkInterface[] {
  const now = ctx.now().getTime();
  return instancesOf(ec2, now)
    .filter((instance) => instanceState(instance, now) !== 'terminated')
    .map((instance) => ({
      networkInterfaceId: instance.networkInterfaceId,
      subnetId: instance.subnetId,
      vpcId: instance.vpcId,
      availabilityZone: instance.availabilityZone,
      description: '',
      interfaceType: 'interface' as const,
      requesterManaged: false,
      status: 'in-use' as const,
      privateIpAddress: instance.privateIpAddress,
      privateDnsName: privateDnsName(instance.privateIpAddress, ctx.region),
      macAddress: instance.macAddress,
      groupIds: instance.groupIds,
      ownerId: instance.ownerId,
      attachmentId: instance.eniAttachmentId,
      instanceOwnerId: instance.ownerId,
      attachTime: new Date(instance.launchedAt),
      instanceId: instance.instanceId,
      deviceIndex: 0,
      deleteOnTermination: true,
      ...(instance.publicIpAddress ? { publicIp: instance.publicIpAddress } : {}),
    }));
}

/** Every network interface in this account+region (awsvpc tasks, load balancers, then EC2 instances). */
export function networkInterfaces(ctx: RequestContext): NetworkInterface[] {
  const ec2 = ec2State(ctx);
  return [...taskInterfaces(ctx, ec2), ...loadBalancerInterfaces(ctx, ec2), ...instanceInterfaces(ctx, ec2)];
}

function interfaceShape(eni: NetworkInterface, state: Ec2State) {
  const groups = eni.groupIds.map((groupId) => ({ groupId, groupName: own(state.securityGroups, groupId)?.groupName ?? '' }));
  return {
    networkInterfaceId: eni.networkInterfaceId,
    subnetId: eni.subnetId,
    vpcId: eni.vpcId,
    availabilityZone: eni.availabilityZone,
    description: eni.description,
    ownerId: eni.ownerId,
    ...(eni.requesterId ? { requesterId: eni.requesterId } : {}),
    requesterManaged: eni.requesterManaged,
    status: eni.status,
    macAddress: eni.macAddress,
    privateIpAddress: eni.privateIpAddress,
    ...(eni.privateDnsName ? { privateDnsName: eni.privateDnsName } : {}),
    sourceDestCheck: true,
    interfaceType: eni.interfaceType,
    groupSet: groups,
    ...(eni.publicIp ? { association: { publicIp: eni.publicIp, ipOwnerId: 'amazon' } } : {}),
    attachment: {
      attachmentId: eni.attachmentId,
      ...(eni.instanceId ? { instanceId: eni.instanceId } : {}),
      deviceIndex: eni.deviceIndex ?? 1,
      networkCardIndex: 0,
      status: 'attached',
      deleteOnTermination: eni.deleteOnTermination ?? false,
      ...(eni.instanceOwnerId ? { instanceOwnerId: eni.instanceOwnerId } : {}),
      ...(eni.attachTime ? { attachTime: eni.attachTime } : {}),
    },
    privateIpAddressesSet: [{ privateIpAddress: eni.privateIpAddress, ...(eni.privateDnsName ? { privateDnsName: eni.privateDnsName } : {}), primary: true }],
    ipv6AddressesSet: [],
    ...tagSet(own(state.tags, eni.networkInterfaceId)),
  };
}

/** DescribeNetworkInterfaces: `NetworkInterfaceId` list, filters (`subnet-id`, `vpc-id`, `group-id`, `description`, `private-ip-address`, …), pagination. */
export const describeNetworkInterfaces: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const all = networkInterfaces(ctx);
  const ids = strings(input['NetworkInterfaceId'] ?? input['NetworkInterfaceIds']);
  const missing = ids.filter((id) => !all.some((eni) => eni.networkInterfaceId === id));
  if (missing.length > 0) {
    throw new AwsError('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID${missing.length > 1 ? 's' : ''} '${missing.join(', ')}' ${missing.length > 1 ? 'do' : 'does'} not exist`);
  }
  const { page: shown, nextToken } = selectResources(input, all, {
    idParam: 'NetworkInterfaceId',
    idOf: (eni) => eni.networkInterfaceId,
    filterValues: (eni) => ({
      'network-interface-id': [eni.networkInterfaceId],
      'subnet-id': [eni.subnetId],
      'vpc-id': [eni.vpcId],
      'availability-zone': [eni.availabilityZone],
      description: [eni.description],
      'interface-type': [eni.interfaceType],
      status: [eni.status],
      'owner-id': [eni.ownerId],
      'requester-id': eni.requesterId ? [eni.requesterId] : [],
      'requester-managed': [String(eni.requesterManaged)],
      'private-ip-address': [eni.privateIpAddress],
      'addresses.private-ip-address': [eni.privateIpAddress],
      'private-dns-name': eni.privateDnsName ? [eni.privateDnsName] : [],
      'mac-address': [eni.macAddress],
      'group-id': eni.groupIds,
      'group-name': eni.groupIds.map((id) => own(state.securityGroups, id)?.groupName ?? ''),
      'attachment.attachment-id': [eni.attachmentId],
      'attachment.status': ['attached'],
      'attachment.instance-id': eni.instanceId ? [eni.instanceId] : [],
      'attachment.device-index': [String(eni.deviceIndex ?? 1)],
      'association.public-ip': eni.publicIp ? [eni.publicIp] : [],
      'source-dest-check': ['true'],
    }),
    tags: state.tags,
  });
  return { networkInterfaceSet: shown.map((eni) => interfaceShape(eni, state)), nextToken };
};
