/**
 * Virtual EC2 instances: RunInstances, DescribeInstances, TerminateInstances
 * and DescribeInstanceStatus. Nothing runs: an instance is a record whose
 * state follows AWS's lifecycle on the cloud's time scale — `pending` for
 * {@link PENDING_SECONDS}, then `running`; TerminateInstances makes it
 * `shutting-down` for {@link SHUTDOWN_SECONDS}, then `terminated`, and it
 * stays visible for {@link TERMINATED_VISIBLE_SECONDS}, as on AWS. Each has a
 * primary network interface in its subnet (a private address from the
 * subnet's block, DescribeNetworkInterfaces lists it) and, where the subnet
 * maps them, a public address.
 *
 * What makes an instance ECS capacity (its agent registering it as a
 * container instance) is the ECS side's: `services/ecs/agent.ts`.
 *
 * @internal
 */
import { createHash, randomUUID } from 'node:crypto';
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { bool, hexId, num, own } from '../../core/util.js';
import { addressAt, cidrSize, parseCidr } from './cidr.js';
import { findCatalogueImage, requireWellFormedAmi } from './images.js';
import { checkTag, checkTagCount, filterValue, list, matchesFilters, page, strings, tagSet } from './input.js';
import { DEFAULT_INSTANCE_TYPE, findInstanceType, requireInstanceType } from './instance-types.js';
import {
  instancesOf,
  instanceState,
  PENDING_SECONDS,
  privateDnsName,
  SHUTDOWN_SECONDS,
  STATE_CODES,
  stateOut,
  STATUS_CHECK_SECONDS,
  TERMINATED_VISIBLE_SECONDS,
  type InstanceStateName,
} from './instance-lifecycle.js';
import { findInstanceProfile } from '../iam/state.js';
import { networkInterfaces } from './network-interfaces.js';
import { defaultVpc, ec2State, type Ec2State, type StoredInstance, type StoredSubnet } from './state.js';
import { decodeUserData } from './user-data.js';

/**
 * Most vCPUs of running (and pending) instances per region: the local
 * counterpart of the "Running On-Demand Standard instances" vCPU quota,
 * whose default depends on the AWS account.
 */
export const LOCAL_VCPU_LIMIT = 64;

/** EC2's `InvalidInstanceID.Malformed` unless `id` is `i-` and 8 or 17 hex digits. */
function requireWellFormedInstanceId(id: string): void {
  if (!/^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) throw new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${id}" (expecting "i-...")`);
}

/** The instances `ids` name (all must exist, else `InvalidInstanceID.NotFound` naming the missing ones). */
function requireInstances(state: Ec2State, ids: readonly string[], now: number): StoredInstance[] {
  for (const id of ids) requireWellFormedInstanceId(id);
  const live = new Map(instancesOf(state, now).map((i) => [i.instanceId, i]));
  const missing = ids.filter((id) => !live.has(id));
  if (missing.length > 0) {
    throw new AwsError('InvalidInstanceID.NotFound', missing.length > 1 ? `The instance IDs '${missing.join(', ')}' do not exist` : `The instance ID '${missing[0]}' does not exist`);
  }
  return ids.map((id) => live.get(id)!);
}

const publicDnsSuffix = (region: string) => (region === 'us-east-1' ? 'compute-1.amazonaws.com' : `${region}.compute.amazonaws.com`);

/** A free private address of the subnet: past the 4 AWS reserves, not the broadcast, not used by another interface. */
function allocateAddress(ctx: RequestContext, state: Ec2State, subnet: StoredSubnet, taken: Set<string>, wanted?: string): string {
  const cidr = parseCidr(subnet.cidrBlock)!;
  const used = new Set(taken);
  for (const eni of networkInterfaces(ctx)) if (eni.subnetId === subnet.subnetId) used.add(eni.privateIpAddress);
  if (wanted !== undefined) {
    const parsed = parseCidr(`${wanted}/32`);
    const offset = parsed ? parsed.network - cidr.network : -1;
    if (!parsed || offset < 0 || offset >= cidrSize(cidr)) throw new AwsError('InvalidParameterValue', `Address ${wanted} does not fall within the subnet's address range`);
    if (offset < 4 || offset === cidrSize(cidr) - 1) throw new AwsError('InvalidParameterValue', `Address ${wanted} is reserved: AWS keeps the first four addresses and the last one of subnet ${subnet.subnetId} (${subnet.cidrBlock}).`);
    if (used.has(wanted)) throw new AwsError('InvalidIPAddress.InUse', `Address ${wanted} is in use.`);
    return wanted;
  }
  for (let offset = 4; offset < cidrSize(cidr) - 1; offset++) {
    const address = addressAt(cidr, offset);
    if (!used.has(address)) return address;
  }
  void state;
  throw new AwsError('InsufficientFreeAddressesInSubnet', `There are not enough free addresses in subnet '${subnet.subnetId}' to satisfy the requested number of instances.`);
}

/** A public address for an instance in a subnet that maps them (from 3.80.0.0/12, stable per instance). */
function publicAddress(instanceId: string): string {
  const h = createHash('sha256').update(instanceId).digest();
  return `3.${80 + (h[0]! % 16)}.${h[1]}.${1 + (h[2]! % 254)}`;
}

/** The subnet an instance goes to: `SubnetId` (or the first network interface's), else a default subnet (of `Placement.AvailabilityZone`). */
function launchSubnet(ctx: RequestContext, state: Ec2State, input: Record<string, unknown>, nic: Record<string, unknown> | undefined): StoredSubnet {
  const zone = (input['Placement'] as Record<string, unknown> | undefined)?.['AvailabilityZone'] as string | undefined;
  const subnetId = (input['SubnetId'] ?? nic?.['SubnetId']) as string | undefined;
  if (subnetId !== undefined) {
    const subnet = own(state.subnets, subnetId);
    if (!subnet) throw new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
    if (zone !== undefined && zone !== subnet.availabilityZone) {
      throw new AwsError('InvalidParameterValue', `Value (${zone}) for parameter availabilityZone is invalid. Subnet '${subnet.subnetId}' is in the availability zone ${subnet.availabilityZone}`);
    }
    return subnet;
  }
  const vpc = defaultVpc(ctx);
  const defaults = Object.values(state.subnets).filter((s) => s.vpcId === vpc.vpcId && s.defaultForAz);
  const subnet = zone !== undefined ? defaults.find((s) => s.availabilityZone === zone) : defaults[0];
  if (!subnet) {
    throw new AwsError(
      zone !== undefined ? 'InvalidParameterValue' : 'MissingInput',
      zone !== undefined
        ? `Value (${zone}) for parameter availabilityZone is invalid. The default VPC ${vpc.vpcId} has no default subnet in ${zone}; name a SubnetId.`
        : `No subnets found for the default VPC '${vpc.vpcId}'. Please specify a subnet.`,
    );
  }
  return subnet;
}

/** The security groups of a launch: ids (must be in the subnet's VPC), names (in that VPC), else the VPC's `default` group. */
function launchGroups(state: Ec2State, input: Record<string, unknown>, nic: Record<string, unknown> | undefined, subnet: StoredSubnet): string[] {
  const ids = [...strings(input['SecurityGroupId'] ?? input['SecurityGroupIds']), ...strings(nic?.['SecurityGroupId'] ?? nic?.['Groups'] ?? nic?.['Group'])];
  const names = strings(input['SecurityGroup'] ?? input['SecurityGroups']);
  const groups: string[] = [];
  for (const id of ids) {
    const group = own(state.securityGroups, id);
    if (!group) throw new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist in VPC '${subnet.vpcId}'`);
    if (group.vpcId !== subnet.vpcId) throw new AwsError('InvalidParameter', `Security group ${id} and subnet ${subnet.subnetId} belong to different networks.`);
    if (!groups.includes(id)) groups.push(id);
  }
  for (const name of names) {
    const group = Object.values(state.securityGroups).find((g) => g.vpcId === subnet.vpcId && g.groupName === name);
    if (!group) throw new AwsError('InvalidGroup.NotFound', `The security group '${name}' does not exist in VPC '${subnet.vpcId}'`);
    if (!groups.includes(group.groupId)) groups.push(group.groupId);
  }
  if (groups.length === 0) {
    const fallback = Object.values(state.securityGroups).find((g) => g.vpcId === subnet.vpcId && g.groupName === 'default');
    if (fallback) groups.push(fallback.groupId);
  }
  return groups;
}

/**
 * The instance profile of a launch, resolved in the account's IAM as EC2
 * does: `IamInstanceProfile.Name` or `.Arn` must name an existing profile,
 * else `InvalidParameterValue` with AWS's message ("Invalid IAM Instance
 * Profile name" / "… ARN"). Instances keep the profile's ARN and id
 * (`AIPA…`), which DescribeInstances reports. No profile given: none.
 */
function launchProfile(ctx: RequestContext, name: string | undefined, profileArn: string | undefined): { arn: string; id: string } | undefined {
  if (name === undefined && profileArn === undefined) return undefined;
  const profile = name !== undefined ? findInstanceProfile(ctx, { name }) : findInstanceProfile(ctx, { arn: profileArn! });
  if (!profile) {
    throw new AwsError(
      'InvalidParameterValue',
      name !== undefined
        ? `Value (${name}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`
        : `Value (${profileArn}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN`,
    );
  }
  return { arn: profile.Arn, id: profile.InstanceProfileId };
}

/** Tags per resource type from `TagSpecification.N` (`instance`, `network-interface`; `volume` accepted and ignored). */
function launchTags(input: Record<string, unknown>): { instance: Record<string, string>; eni: Record<string, string> } {
  const out = { instance: {} as Record<string, string>, eni: {} as Record<string, string> };
  for (const spec of list<Record<string, unknown>>(input['TagSpecification'] ?? input['TagSpecifications'])) {
    const type = String(spec['ResourceType'] ?? '');
    if (!['instance', 'network-interface', 'volume', 'spot-instances-request'].includes(type)) {
      throw new AwsError('InvalidParameterValue', `'${type}' is not a valid taggable resource type for this operation.`);
    }
    for (const tag of list<{ Key?: string; Value?: string }>(spec['Tag'] ?? spec['Tags'])) {
      checkTag(tag);
      if (type === 'instance') out.instance[String(tag.Key)] = tag.Value ?? '';
      else if (type === 'network-interface') out.eni[String(tag.Key)] = tag.Value ?? '';
    }
  }
  checkTagCount(Object.keys(out.instance).length);
  checkTagCount(Object.keys(out.eni).length);
  return out;
}

/** `MinCount`/`MaxCount`, validated as EC2 does. */
function launchCounts(input: Record<string, unknown>): { min: number; max: number } {
  for (const name of ['MinCount', 'MaxCount']) {
    if (input[name] === undefined || input[name] === '') throw new AwsError('MissingParameter', `The request must contain the parameter ${name}`);
  }
  const min = num(input['MinCount']);
  const max = num(input['MaxCount']);
  if (min === undefined || !Number.isInteger(min) || min < 1) throw new AwsError('InvalidParameterValue', `Value (${String(input['MinCount'])}) for parameter minCount is invalid. Expected a value greater than 0.`);
  if (max === undefined || !Number.isInteger(max) || max < 1) throw new AwsError('InvalidParameterValue', `Value (${String(input['MaxCount'])}) for parameter maxCount is invalid. Expected a value greater than 0.`);
  if (min > max) throw new AwsError('InvalidParameterValue', `Value (${min}) for parameter minCount is invalid. It must be less than or equal to maxCount (${max}).`);
  return { min, max };
}

/** vCPUs of the region's pending and running instances (the local vCPU quota counts them). */
function vcpusInUse(state: Ec2State, now: number): number {
  return instancesOf(state, now)
    .filter((i) => ['pending', 'running'].includes(instanceState(i, now)))
    .reduce((n, i) => n + (findInstanceType(i.instanceType)?.vcpus ?? 1), 0);
}

/** The SDK `Instance` shape (EC2 wire names). */
export function instanceShape(ctx: Pick<RequestContext, 'region'>, state: Ec2State, instance: StoredInstance, now: number) {
  const current = instanceState(instance, now);
  const type = findInstanceType(instance.instanceType);
  const gone = current === 'terminated';
  const groups = instance.groupIds.map((groupId) => ({ groupId, groupName: own(state.securityGroups, groupId)?.groupName ?? '' }));
  const privateDns = privateDnsName(instance.privateIpAddress, ctx.region);
  const publicDns = instance.publicIpAddress && !gone ? `ec2-${instance.publicIpAddress.replaceAll('.', '-')}.${publicDnsSuffix(ctx.region)}` : '';
  const at = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' GMT');
  return {
    instanceId: instance.instanceId,
    imageId: instance.imageId,
    instanceState: stateOut(current),
    privateDnsName: gone ? '' : privateDns,
    dnsName: publicDns,
    reason: instance.terminateRequestedAt !== undefined ? `User initiated (${at(instance.terminateRequestedAt)})` : '',
    ...(instance.keyName ? { keyName: instance.keyName } : {}),
    amiLaunchIndex: instance.amiLaunchIndex,
    productCodes: [],
    instanceType: instance.instanceType,
    launchTime: new Date(instance.launchedAt),
    placement: { availabilityZone: instance.availabilityZone, groupName: '', tenancy: 'default' },
    monitoring: { state: instance.monitoring ? 'enabled' : 'disabled' },
    ...(gone ? {} : { subnetId: instance.subnetId, vpcId: instance.vpcId, privateIpAddress: instance.privateIpAddress }),
    ...(instance.publicIpAddress && !gone ? { ipAddress: instance.publicIpAddress } : {}),
    ...(instance.terminateRequestedAt !== undefined
      ? { stateReason: { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' } }
      : current === 'pending'
        ? { stateReason: { code: 'pending', message: 'pending' } }
        : {}),
    architecture: instance.architecture,
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: gone
      ? []
      : [{ deviceName: '/dev/xvda', ebs: { volumeId: instance.rootVolumeId, status: 'attached', attachTime: new Date(instance.launchedAt), deleteOnTermination: true } }],
    virtualizationType: 'hvm',
    clientToken: instance.clientToken ?? '',
    ...tagSet(own(state.tags, instance.instanceId)),
    groupSet: groups,
    sourceDestCheck: true,
    // The API's HypervisorType is ovm | xen: AWS answers xen for Nitro instances too.
    hypervisor: 'xen',
    networkInterfaceSet: gone
      ? []
      : [
          {
            networkInterfaceId: instance.networkInterfaceId,
            subnetId: instance.subnetId,
            vpcId: instance.vpcId,
            description: '',
            ownerId: instance.ownerId,
            status: 'in-use',
            macAddress: instance.macAddress,
            privateIpAddress: instance.privateIpAddress,
            privateDnsName: privateDns,
            sourceDestCheck: true,
            groupSet: groups,
            attachment: { attachmentId: instance.eniAttachmentId, deviceIndex: 0, status: 'attached', attachTime: new Date(instance.launchedAt), deleteOnTermination: true, networkCardIndex: 0 },
            ...(instance.publicIpAddress ? { association: { publicIp: instance.publicIpAddress, publicDnsName: publicDns, ipOwnerId: 'amazon' } } : {}),
            privateIpAddressesSet: [
              {
                privateIpAddress: instance.privateIpAddress,
                privateDnsName: privateDns,
                primary: true,
                ...(instance.publicIpAddress ? { association: { publicIp: instance.publicIpAddress, publicDnsName: publicDns, ipOwnerId: 'amazon' } } : {}),
              },
            ],
            ipv6AddressesSet: [],
            interfaceType: 'interface',
          },
        ],
    ...(instance.iamInstanceProfile ? { iamInstanceProfile: instance.iamInstanceProfile } : {}),
    ebsOptimized: instance.ebsOptimized,
    enaSupport: true,
    cpuOptions: { coreCount: Math.max(1, Math.ceil((type?.vcpus ?? 1) / 2)), threadsPerCore: (type?.vcpus ?? 1) > 1 ? 2 : 1 },
    capacityReservationSpecification: { capacityReservationPreference: 'open' },
    hibernationOptions: { configured: false },
    metadataOptions: { state: 'applied', httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled', httpProtocolIpv6: 'disabled', instanceMetadataTags: 'disabled' },
    enclaveOptions: { enabled: false },
    bootMode: instance.architecture === 'arm64' ? 'uefi' : 'uefi-preferred',
    platformDetails: 'Linux/UNIX',
    usageOperation: 'RunInstances',
    usageOperationUpdateTime: new Date(instance.launchedAt),
    privateDnsNameOptions: { hostnameType: 'ip-name', enableResourceNameDnsARecord: false, enableResourceNameDnsAAAARecord: false },
    maintenanceOptions: { autoRecovery: 'default' },
    currentInstanceBootMode: instance.architecture === 'arm64' ? 'uefi' : 'legacy-bios',
  };
}

/** Reservations (`reservationSet`) of a list of instances, in order of first appearance. */
function reservations(ctx: RequestContext, state: Ec2State, instances: readonly StoredInstance[], now: number) {
  const byId = new Map<string, { reservationId: string; ownerId: string; groupSet: never[]; instancesSet: ReturnType<typeof instanceShape>[] }>();
  for (const instance of instances) {
    let r = byId.get(instance.reservationId);
    if (!r) byId.set(instance.reservationId, (r = { reservationId: instance.reservationId, ownerId: instance.ownerId, groupSet: [], instancesSet: [] }));
    r.instancesSet.push(instanceShape(ctx, state, instance, now));
  }
  return [...byId.values()];
}

/**
 * RunInstances: `MinCount`–`MaxCount` instances of one type (from the small
 * table in `instance-types.ts`; another is `InvalidParameterValue`) and one
 * `ami-…` image, in a subnet (`SubnetId`, a network interface's, or a default
 * subnet — of `Placement.AvailabilityZone` when given), with security groups,
 * base64 `UserData`, `IamInstanceProfile` (an existing IAM instance profile,
 * by name or ARN), `KeyName` and `TagSpecification`s stored as given. As many as the local vCPU quota allows are launched (at
 * least `MinCount`, else `VcpuLimitExceeded`).
 */
export const runInstances: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const now = ctx.now().getTime();
  const { min, max } = launchCounts(input);
  if (input['ImageId'] === undefined || input['ImageId'] === '') throw new AwsError('MissingParameter', 'The request must contain the parameter ImageId');
  const imageId = String(input['ImageId']);
  requireWellFormedAmi(imageId);
  const type = requireInstanceType(input['InstanceType'] === undefined || input['InstanceType'] === '' ? DEFAULT_INSTANCE_TYPE : String(input['InstanceType']));
  const image = findCatalogueImage(ctx.region, imageId);
  if (image && image.architecture !== type.architecture) {
    throw new AwsError(
      'InvalidParameterValue',
      `The architecture '${type.architecture}' of the specified instance type does not match the architecture '${image.architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI.`,
    );
  }
  const nics = list<Record<string, unknown>>(input['NetworkInterface'] ?? input['NetworkInterfaces']);
  if (nics.length > 0 && input['SubnetId'] !== undefined) {
    throw new AwsError('InvalidParameterCombination', 'Network interfaces and an instance-level subnet ID may not be specified on the same request');
  }
  if (nics.length > 1 || (nics[0] && num(nics[0]['DeviceIndex'] ?? 0) !== 0)) {
    throw new AwsError('InvalidParameterValue', 'The local cloud launches instances with their primary network interface only (NetworkInterface.1 with DeviceIndex 0).');
  }
  if (nics[0] && (input['SecurityGroupId'] !== undefined || input['SecurityGroupIds'] !== undefined)) {
    throw new AwsError('InvalidParameterCombination', 'Network interfaces and an instance-level security groups may not be specified on the same request');
  }
  const nic = nics[0];
  const subnet = launchSubnet(ctx, state, input, nic);
  const groupIds = launchGroups(state, input, nic, subnet);
  const userData = input['UserData'] === undefined || input['UserData'] === '' ? undefined : String(input['UserData']);
  if (userData !== undefined) decodeUserData(userData);
  const tags = launchTags(input);
  const profile = input['IamInstanceProfile'] as Record<string, unknown> | undefined;
  const profileArn = profile?.['Arn'] !== undefined ? String(profile['Arn']) : undefined;
  const profileName = profile?.['Name'] !== undefined ? String(profile['Name']) : undefined;
  if (profileArn !== undefined && profileName !== undefined) {
    throw new AwsError('InvalidParameterCombination', 'The parameter iamInstanceProfile.name may not be used in combination with iamInstanceProfile.arn');
  }
  const instanceProfile = launchProfile(ctx, profileName, profileArn);
  const shutdownBehavior = (input['InstanceInitiatedShutdownBehavior'] as 'stop' | 'terminate' | undefined) ?? 'stop';
  if (!['stop', 'terminate'].includes(shutdownBehavior)) {
    throw new AwsError('InvalidParameterValue', `Value (${String(shutdownBehavior)}) for parameter instanceInitiatedShutdownBehavior is invalid. Use stop or terminate.`);
  }
  const clientToken = input['ClientToken'] !== undefined ? String(input['ClientToken']) : undefined;
  if (clientToken !== undefined) {
    if (clientToken.length > 64) throw new AwsError('InvalidParameterValue', `Value (${clientToken.slice(0, 20)}…) for parameter clientToken is invalid. A client token is at most 64 ASCII characters.`);
    // Idempotency: the same token returns the reservation it made.
    const earlier = instancesOf(state, now).filter((i) => i.clientToken === clientToken);
    if (earlier.length > 0) return { reservationId: earlier[0]!.reservationId, ownerId: ctx.accountId, groupSet: [], instancesSet: earlier.map((i) => instanceShape(ctx, state, i, now)) };
  }
  const wantedAddress = (input['PrivateIpAddress'] ?? nic?.['PrivateIpAddress']) as string | undefined;
  if (wantedAddress !== undefined && max > 1) {
    throw new AwsError('InvalidParameterCombination', 'Cannot specify a private IP address when launching more than one instance (MaxCount > 1).');
  }
  const free = Math.floor((LOCAL_VCPU_LIMIT - vcpusInUse(state, now)) / type.vcpus);
  const count = Math.min(max, free);
  if (count < min) {
    throw new AwsError(
      'VcpuLimitExceeded',
      `You have requested more vCPU capacity than your current vCPU limit of ${LOCAL_VCPU_LIMIT} allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`,
    );
  }
  const publicIp = nic?.['AssociatePublicIpAddress'] !== undefined ? Boolean(bool(nic['AssociatePublicIpAddress'])) : subnet.mapPublicIpOnLaunch;
  const reservationId = `r-${hexId(17)}`;
  // The SDKs send a generated token when the caller gives none (an idempotency token); a Query caller may not.
  const token = clientToken ?? randomUUID();
  const taken = new Set<string>();
  const created: StoredInstance[] = [];
  for (let i = 0; i < count; i++) {
    const instanceId = `i-${hexId(17)}`;
    const address = allocateAddress(ctx, state, subnet, taken, wantedAddress);
    taken.add(address);
    const hash = createHash('sha256').update(instanceId).digest('hex');
    const instance: StoredInstance = {
      instanceId,
      reservationId,
      ownerId: ctx.accountId,
      imageId,
      instanceType: type.name,
      architecture: type.architecture,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      privateIpAddress: address,
      ...(publicIp ? { publicIpAddress: publicAddress(instanceId) } : {}),
      networkInterfaceId: `eni-${hash.slice(0, 17)}`,
      eniAttachmentId: `eni-attach-${hash.slice(17, 34)}`,
      macAddress: ['0e', ...(hash.slice(34, 44).match(/../g) ?? [])].join(':'),
      groupIds,
      ...(input['KeyName'] !== undefined ? { keyName: String(input['KeyName']) } : {}),
      ...(userData !== undefined ? { userData } : {}),
      ...(instanceProfile ? { iamInstanceProfile: instanceProfile } : {}),
      clientToken: token,
      amiLaunchIndex: i,
      disableApiTermination: Boolean(bool(input['DisableApiTermination'])),
      shutdownBehavior,
      monitoring: Boolean(bool((input['Monitoring'] as Record<string, unknown> | undefined)?.['Enabled'])),
      ebsOptimized: Boolean(bool(input['EbsOptimized'])),
      rootVolumeId: `vol-${hexId(17)}`,
      launchedAt: now,
      runningAt: now + ctx.time.ms(PENDING_SECONDS),
      statusOkAt: now + ctx.time.ms(PENDING_SECONDS + STATUS_CHECK_SECONDS),
    };
    created.push(instance);
  }
  state.instances ??= {};
  for (const instance of created) {
    state.instances[instance.instanceId] = instance;
    if (Object.keys(tags.instance).length) state.tags[instance.instanceId] = { ...tags.instance };
    if (Object.keys(tags.eni).length) state.tags[instance.networkInterfaceId] = { ...tags.eni };
  }
  return { reservationId, ownerId: ctx.accountId, groupSet: [], instancesSet: created.map((i) => instanceShape(ctx, state, i, now)) };
};

/** Filter values of an instance for DescribeInstances (undefined: an unknown filter). */
function instanceFilterValues(ctx: RequestContext, state: Ec2State, instance: StoredInstance, now: number, name: string): string[] | undefined {
  const current = instanceState(instance, now);
  const shape = () => instanceShape(ctx, state, instance, now);
  const groups = instance.groupIds;
  const groupNames = groups.map((g) => own(state.securityGroups, g)?.groupName ?? '');
  const values: Record<string, () => string[]> = {
    'instance-id': () => [instance.instanceId],
    'instance-state-name': () => [current],
    'instance-state-code': () => [String(STATE_CODES[current])],
    'instance-type': () => [instance.instanceType],
    'image-id': () => [instance.imageId],
    'vpc-id': () => (current === 'terminated' ? [] : [instance.vpcId]),
    'subnet-id': () => (current === 'terminated' ? [] : [instance.subnetId]),
    'availability-zone': () => [instance.availabilityZone],
    'private-ip-address': () => (current === 'terminated' ? [] : [instance.privateIpAddress]),
    'private-dns-name': () => [shape().privateDnsName].filter(Boolean),
    'ip-address': () => [shape().ipAddress ?? ''].filter(Boolean),
    'dns-name': () => [shape().dnsName].filter(Boolean),
    'reservation-id': () => [instance.reservationId],
    'owner-id': () => [instance.ownerId],
    'key-name': () => (instance.keyName ? [instance.keyName] : []),
    'launch-time': () => [new Date(instance.launchedAt).toISOString()],
    architecture: () => [instance.architecture],
    hypervisor: () => ['xen'],
    'iam-instance-profile.arn': () => (instance.iamInstanceProfile ? [instance.iamInstanceProfile.arn] : []),
    'instance.group-id': () => groups,
    'instance.group-name': () => groupNames,
    'group-id': () => groups,
    'group-name': () => groupNames,
    'network-interface.network-interface-id': () => (current === 'terminated' ? [] : [instance.networkInterfaceId]),
    'network-interface.subnet-id': () => (current === 'terminated' ? [] : [instance.subnetId]),
    'network-interface.vpc-id': () => (current === 'terminated' ? [] : [instance.vpcId]),
    'client-token': () => (instance.clientToken ? [instance.clientToken] : []),
    'monitoring-state': () => [instance.monitoring ? 'enabled' : 'disabled'],
    'root-device-type': () => ['ebs'],
    'root-device-name': () => ['/dev/xvda'],
    'virtualization-type': () => ['hvm'],
    'tenancy': () => ['default'],
    'platform-details': () => ['Linux/UNIX'],
    'ami-launch-index': () => [String(instance.amiLaunchIndex)],
    'state-reason-code': () => (instance.terminateRequestedAt !== undefined ? ['Client.UserInitiatedShutdown'] : []),
  };
  return Object.hasOwn(values, name) ? values[name]!() : undefined;
}

/**
 * DescribeInstances: `InstanceId` list (`InvalidInstanceID.NotFound`),
 * filters (`instance-state-name`, `instance-id`, `vpc-id`, `subnet-id`,
 * `instance-type`, `availability-zone`, `tag:<key>`, … see
 * `instanceFilterValues`), pagination (`MaxResults` 5–1000, not with
 * `InstanceId`), grouped by reservation. Terminated instances are listed
 * for an hour after termination, as on AWS.
 */
export const describeInstances: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const now = ctx.now().getTime();
  const ids = requestedInstanceIds(input, state, now);
  const matching = instancesOf(state, now).filter(
    (instance) =>
      (ids.length === 0 || ids.includes(instance.instanceId)) &&
      matchesFilters(input, (name) => instanceFilterValues(ctx, state, instance, now, name), own(state.tags, instance.instanceId)),
  );
  const { page: shown, nextToken } = page(matching, input);
  return { reservationSet: reservations(ctx, state, shown, now), nextToken };
};

/** The `InstanceId` list of a Describe call, checked: `MaxResults` 5–1000 and not with the list, each id an instance of the region. */
function requestedInstanceIds(input: Record<string, unknown>, state: Ec2State, now: number): string[] {
  const ids = strings(input['InstanceId'] ?? input['InstanceIds']);
  checkMaxResults(input, ids, 'instancesSet');
  if (ids.length > 0) requireInstances(state, ids, now);
  return ids;
}

/** `MaxResults` 5–1000, and not with an id list (`InvalidParameterCombination`). */
function checkMaxResults(input: Record<string, unknown>, ids: readonly string[], listName: string): void {
  if (input['MaxResults'] === undefined || input['MaxResults'] === '') return;
  if (ids.length > 0) throw new AwsError('InvalidParameterCombination', `The parameter ${listName} cannot be used with the parameter maxResults`);
  const max = num(input['MaxResults']);
  if (max === undefined || !Number.isInteger(max) || max < 5 || max > 1000) {
    throw new AwsError('InvalidParameterValue', `Value ( ${String(input['MaxResults'])} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
  }
}

/**
 * TerminateInstances: each instance goes `shutting-down` (then `terminated`
 * after {@link SHUTDOWN_SECONDS}); one with `disableApiTermination` is
 * `OperationNotPermitted` and nothing is terminated. Terminating a
 * terminated instance answers its state again.
 */
export const terminateInstances: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const now = ctx.now().getTime();
  const ids = strings(input['InstanceId'] ?? input['InstanceIds']);
  if (ids.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter InstanceId');
  const instances = requireInstances(state, [...new Set(ids)], now);
  const protectedOne = instances.find((i) => i.disableApiTermination && instanceState(i, now) !== 'terminated');
  if (protectedOne) {
    throw new AwsError('OperationNotPermitted', `The instance '${protectedOne.instanceId}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`);
  }
  const changes = instances.map((instance) => {
    const previous = instanceState(instance, now);
    if (instance.terminateRequestedAt === undefined) {
      instance.terminateRequestedAt = now;
      instance.terminatedAt = now + ctx.time.ms(SHUTDOWN_SECONDS);
      instance.visibleUntil = instance.terminatedAt + ctx.time.ms(TERMINATED_VISIBLE_SECONDS);
    }
    return { instanceId: instance.instanceId, currentState: stateOut(instanceState(instance, now)), previousState: stateOut(previous) };
  });
  return { instancesSet: changes };
};

function statusSummary(current: InstanceStateName, instance: StoredInstance, now: number) {
  if (current !== 'running') return { status: 'not-applicable', details: [] };
  const ok = now >= instance.statusOkAt;
  return { status: ok ? 'ok' : 'initializing', details: [{ name: 'reachability', status: ok ? 'passed' : 'initializing' }] };
}

/**
 * DescribeInstanceStatus: running instances (every visible one with
 * `IncludeAllInstances=true`), their system and instance status checks
 * (`initializing` for {@link STATUS_CHECK_SECONDS} after they run, then
 * `ok`; `not-applicable` when not running), filters (`availability-zone`,
 * `instance-state-name`, `instance-state-code`, `instance-status.status`,
 * `instance-status.reachability`, `system-status.status`,
 * `system-status.reachability`; tag filters are invalid here, as on AWS) and
 * pagination.
 */
export const describeInstanceStatus: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const now = ctx.now().getTime();
  const ids = requestedInstanceIds(input, state, now);
  const all = bool(input['IncludeAllInstances']) === true;
  for (const filter of list<{ Name?: string }>(input['Filter'] ?? input['Filters'])) {
    if (typeof filter?.Name === 'string' && /^tag(:|-key$|-value$)/.test(filter.Name)) throw new AwsError('InvalidParameterValue', `The filter '${filter.Name}' is invalid`);
  }
  const rows = instancesOf(state, now)
    .filter((instance) => ids.length === 0 || ids.includes(instance.instanceId))
    .map((instance) => {
      const current = instanceState(instance, now);
      const summary = statusSummary(current, instance, now);
      return {
        instance,
        current,
        out: {
          instanceId: instance.instanceId,
          availabilityZone: instance.availabilityZone,
          availabilityZoneId: own(state.subnets, instance.subnetId)?.availabilityZoneId,
          instanceState: stateOut(current),
          systemStatus: summary,
          instanceStatus: summary,
          attachedEbsStatus: current === 'running' ? { status: summary.status, details: [{ name: 'reachability', status: summary.details[0]?.status ?? 'passed' }] } : { status: 'not-applicable', details: [] },
        },
      };
    })
    .filter((row) => all || row.current === 'running')
    .filter((row) =>
      matchesFilters(input, (name) => {
        if (name.startsWith('tag')) return undefined;
        return filterValue(
          {
            'availability-zone': [row.instance.availabilityZone],
            'instance-state-name': [row.current],
            'instance-state-code': [String(STATE_CODES[row.current])],
            'instance-status.status': [row.out.instanceStatus.status],
            'instance-status.reachability': row.out.instanceStatus.details.map((d) => d.status),
            'system-status.status': [row.out.systemStatus.status],
            'system-status.reachability': row.out.systemStatus.details.map((d) => d.status),
          },
          name,
        );
      }, {}),
    );
  const { page: shown, nextToken } = page(rows, input);
  return { instanceStatusSet: shown.map((row) => row.out), nextToken };
};

/** An instance of this region by id, whatever its state (undefined once it vanished). */
export function findInstance(state: Ec2State, instanceId: string, now: number): StoredInstance | undefined {
  return instancesOf(state, now).find((i) => i.instanceId === instanceId);
}

/** Whether `id` looks like an instance id (tags, filters). */
export const isInstanceId = (id: string): boolean => /^i-[0-9a-f]+$/.test(id);

