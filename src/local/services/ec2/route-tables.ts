/**
 * Route tables: CreateRouteTable, DeleteRouteTable, DescribeRouteTables,
 * AssociateRouteTable, DisassociateRouteTable, ReplaceRouteTableAssociation,
 * CreateRoute, ReplaceRoute, DeleteRoute.
 *
 * Each VPC has a main route table (created with it) holding the local route
 * for the VPC's block; subnets without an explicit association use it.
 * Route targets are internet gateways attached to the table's VPC and the
 * network interfaces DescribeNetworkInterfaces shows; the local cloud has
 * no NAT gateways, peering connections, transit gateways or instances, so
 * naming one is that resource's NotFound error. A route whose target went
 * away (a detached gateway, a stopped task's ENI) is a `blackhole`, as on AWS.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { hexId, own } from '../../core/util.js';
import { cidrContains, formatCidr, parseCidr, requireCidr } from './cidr.js';
import { requireInternetGateway } from './internet-gateways.js';
import { selectResources, tagSet, tagsFromSpecifications } from './input.js';
import { networkInterfaces } from './network-interfaces.js';
import { ec2State, newRouteTable, requireSubnet, requireVpc, type Ec2State, type RouteTarget, type StoredRoute, type StoredRouteTable } from './state.js';

/** Route target members (wire name → stored name) and each one's NotFound error when the resource does not exist here. */
const TARGETS = {
  GatewayId: { key: 'gatewayId', code: 'InvalidGatewayID.NotFound', noun: 'gateway' },
  EgressOnlyInternetGatewayId: { key: 'egressOnlyInternetGatewayId', code: 'InvalidGatewayID.NotFound', noun: 'egressOnlyInternetGateway' },
  NatGatewayId: { key: 'natGatewayId', code: 'InvalidNatGatewayID.NotFound', noun: 'natGateway' },
  NetworkInterfaceId: { key: 'networkInterfaceId', code: 'InvalidNetworkInterfaceID.NotFound', noun: 'networkInterface' },
  VpcPeeringConnectionId: { key: 'vpcPeeringConnectionId', code: 'InvalidVpcPeeringConnectionID.NotFound', noun: 'vpcPeeringConnection' },
  TransitGatewayId: { key: 'transitGatewayId', code: 'InvalidTransitGatewayID.NotFound', noun: 'transitGateway' },
  InstanceId: { key: 'instanceId', code: 'InvalidInstanceID.NotFound', noun: 'instance' },
} as const satisfies Record<string, { key: keyof RouteTarget; code: string; noun: string }>;

/** Target members the model has that name resources the local cloud never has. */
const UNSUPPORTED_TARGETS = ['LocalGatewayId', 'CarrierGatewayId', 'VpcEndpointId', 'CoreNetworkArn', 'OdbNetworkArn'] as const;

/** The table `id` names, or EC2's `InvalidRouteTableID.NotFound`. */
function requireRouteTable(state: Ec2State, id: string | undefined): StoredRouteTable {
  const table = id ? own(state.routeTables, id) : undefined;
  if (!table) throw new AwsError('InvalidRouteTableID.NotFound', `The routeTable ID '${id ?? ''}' does not exist`);
  return table;
}

/** The table holding association `id`, or EC2's `InvalidAssociationID.NotFound`. */
function findAssociation(state: Ec2State, id: string | undefined) {
  for (const table of Object.values(state.routeTables)) {
    const association = table.associations.find((a) => a.routeTableAssociationId === id);
    if (association) return { table, association };
  }
  throw new AwsError('InvalidAssociationID.NotFound', `The association ID '${id ?? ''}' does not exist`);
}

/** A route's state: `active` while its target exists (a gateway attached to the VPC, a live ENI), else `blackhole`. */
function routeState(route: StoredRoute, table: StoredRouteTable, state: Ec2State, enis: ReadonlySet<string>): 'active' | 'blackhole' {
  if (route.gatewayId && route.gatewayId !== 'local') {
    const gateway = own(state.internetGateways, route.gatewayId);
    return gateway?.attachments.some((a) => a.vpcId === table.vpcId) ? 'active' : 'blackhole';
  }
  if (route.networkInterfaceId) return enis.has(route.networkInterfaceId) ? 'active' : 'blackhole';
  return 'active';
}

function tableShape(table: StoredRouteTable, state: Ec2State, enis: ReadonlySet<string>) {
  return {
    routeTableId: table.routeTableId,
    vpcId: table.vpcId,
    ownerId: table.ownerId,
    routeSet: table.routes.map((route) => ({ ...route, state: routeState(route, table, state, enis) })),
    associationSet: table.associations.map((a) => ({
      main: a.main,
      routeTableAssociationId: a.routeTableAssociationId,
      routeTableId: table.routeTableId,
      ...(a.subnetId ? { subnetId: a.subnetId } : {}),
      ...(a.gatewayId ? { gatewayId: a.gatewayId } : {}),
      associationState: { state: 'associated' },
    })),
    propagatingVgwSet: [],
    ...tagSet(own(state.tags, table.routeTableId)),
  };
}

const liveInterfaces = (ctx: RequestContext) => new Set(networkInterfaces(ctx).map((eni) => eni.networkInterfaceId));

/** CreateRouteTable: a table in the VPC holding its local route. */
export const createRouteTable: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const vpc = requireVpc(state, input['VpcId'] as string | undefined);
  const tags = tagsFromSpecifications(input, 'route-table');
  const table = newRouteTable(vpc, ctx.accountId, false);
  state.routeTables[table.routeTableId] = table;
  if (Object.keys(tags).length) state.tags[table.routeTableId] = tags;
  return { routeTable: tableShape(table, state, new Set()) };
};

/** DeleteRouteTable: `DependencyViolation` while it is the main table or has associations. */
export const deleteRouteTable: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const table = requireRouteTable(state, input['RouteTableId'] as string | undefined);
  if (table.associations.length > 0) {
    const what = table.associations.some((a) => a.main) ? `it is the main route table of ${table.vpcId}` : `it is associated with ${table.associations.map((a) => a.subnetId ?? a.gatewayId).join(', ')}; disassociate it first`;
    throw new AwsError('DependencyViolation', `The routeTable '${table.routeTableId}' has dependencies and cannot be deleted: ${what}.`);
  }
  delete state.routeTables[table.routeTableId];
  delete state.tags[table.routeTableId];
  return { return: true };
};

/** AssociateRouteTable: a subnet of the same VPC (one explicit table per subnet) or an internet gateway attached to it (edge association). */
export const associateRouteTable: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const table = requireRouteTable(state, input['RouteTableId'] as string | undefined);
  const subnetId = input['SubnetId'] as string | undefined;
  const gatewayId = input['GatewayId'] as string | undefined;
  if ((subnetId === undefined) === (gatewayId === undefined)) {
    throw new AwsError('InvalidParameterCombination', 'Give exactly one of SubnetId or GatewayId to associate the route table with.');
  }
  if (subnetId !== undefined) {
    const subnet = requireSubnet(state, subnetId);
    if (subnet.vpcId !== table.vpcId) throw new AwsError('InvalidParameterValue', `route table ${table.routeTableId} and subnet ${subnet.subnetId} belong to different networks`);
  } else {
    const gateway = requireInternetGateway(state, gatewayId);
    if (!gateway.attachments.some((a) => a.vpcId === table.vpcId)) {
      throw new AwsError('InvalidParameterValue', `route table ${table.routeTableId} and network gateway ${gateway.internetGatewayId} belong to different networks`);
    }
  }
  const taken = Object.values(state.routeTables).some((t) => t.associations.some((a) => (subnetId !== undefined ? a.subnetId === subnetId : a.gatewayId === gatewayId)));
  if (taken) throw new AwsError('Resource.AlreadyAssociated', `the specified association for route table ${table.routeTableId} conflicts with an existing association`);
  const association = { routeTableAssociationId: `rtbassoc-${hexId(17)}`, main: false, ...(subnetId !== undefined ? { subnetId } : { gatewayId }) };
  table.associations.push(association);
  return { associationId: association.routeTableAssociationId, associationState: { state: 'associated' } };
};

/** DisassociateRouteTable: the subnet falls back to the main table; the main association itself cannot be removed. */
export const disassociateRouteTable: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const { table, association } = findAssociation(state, input['AssociationId'] as string | undefined);
  if (association.main) {
    throw new AwsError('InvalidParameterValue', `cannot disassociate the main route table association ${association.routeTableAssociationId}; make another table main with ReplaceRouteTableAssociation instead.`);
  }
  table.associations = table.associations.filter((a) => a !== association);
  return { return: true };
};

/** ReplaceRouteTableAssociation: moves an association (the main one too) to another table of the same VPC. */
export const replaceRouteTableAssociation: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const { table, association } = findAssociation(state, input['AssociationId'] as string | undefined);
  const target = requireRouteTable(state, input['RouteTableId'] as string | undefined);
  if (target.vpcId !== table.vpcId) throw new AwsError('InvalidParameterValue', `route table ${target.routeTableId} and association ${association.routeTableAssociationId} belong to different networks`);
  table.associations = table.associations.filter((a) => a !== association);
  const moved = { ...association, routeTableAssociationId: `rtbassoc-${hexId(17)}` };
  target.associations.push(moved);
  return { newAssociationId: moved.routeTableAssociationId, associationState: { state: 'associated' } };
};

/** The destination a route request names (`DestinationCidrBlock` or `DestinationIpv6CidrBlock`), normalised. */
function destinationOf(input: Record<string, unknown>): Pick<StoredRoute, 'destinationCidrBlock' | 'destinationIpv6CidrBlock'> {
  if (input['DestinationPrefixListId'] !== undefined) {
    throw new AwsError('InvalidPrefixListID.NotFound', `The prefix list ID '${String(input['DestinationPrefixListId'])}' does not exist (the local cloud has no prefix lists; give DestinationCidrBlock).`);
  }
  const v4 = input['DestinationCidrBlock'];
  const v6 = input['DestinationIpv6CidrBlock'];
  if ((v4 === undefined) === (v6 === undefined)) {
    throw new AwsError(
      v4 === undefined ? 'MissingParameter' : 'InvalidParameterCombination',
      v4 === undefined ? 'The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock' : 'Give only one of DestinationCidrBlock or DestinationIpv6CidrBlock.',
    );
  }
  if (v4 !== undefined) return { destinationCidrBlock: formatCidr(requireCidr(v4, 'destinationCidrBlock')) };
  const text = String(v6);
  const match = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(text);
  if (!match || Number(match[2]) > 128 || !match[1]!.includes(':')) {
    throw new AwsError('InvalidParameterValue', `Value (${text}) for parameter destinationIpv6CidrBlock is invalid. This is not a valid IPv6 CIDR block.`);
  }
  return { destinationIpv6CidrBlock: text.toLowerCase() };
}

const sameDestination = (route: StoredRoute, dest: Pick<StoredRoute, 'destinationCidrBlock' | 'destinationIpv6CidrBlock'>) =>
  dest.destinationCidrBlock !== undefined ? route.destinationCidrBlock === dest.destinationCidrBlock : route.destinationIpv6CidrBlock === dest.destinationIpv6CidrBlock;

const destinationText = (dest: Pick<StoredRoute, 'destinationCidrBlock' | 'destinationIpv6CidrBlock'>) => dest.destinationCidrBlock ?? dest.destinationIpv6CidrBlock ?? '';

/** The one target a route request names, checked to exist and to belong to the table's VPC. */
function targetOf(ctx: RequestContext, state: Ec2State, table: StoredRouteTable, input: Record<string, unknown>, allowLocal: boolean): RouteTarget {
  const unsupported = UNSUPPORTED_TARGETS.find((name) => input[name] !== undefined);
  if (unsupported) throw new AwsError('InvalidParameterValue', `The local cloud has no resources for ${unsupported}; route to an internet gateway (GatewayId) or a network interface (NetworkInterfaceId).`);
  const given = (Object.keys(TARGETS) as (keyof typeof TARGETS)[]).filter((name) => input[name] !== undefined && input[name] !== '');
  if (given.length !== 1) {
    throw new AwsError(
      given.length === 0 ? 'MissingParameter' : 'InvalidParameterCombination',
      given.length === 0
        ? `The request must contain exactly one route target: ${Object.keys(TARGETS).join(', ')}.`
        : `A route has exactly one target, got: ${given.join(', ')}.`,
    );
  }
  const name = given[0]!;
  const id = String(input[name]);
  const { key, code, noun } = TARGETS[name];
  if (name === 'GatewayId' && id === 'local') {
    if (!allowLocal) throw new AwsError('InvalidParameterValue', `Value (local) for parameter gatewayId is invalid. The local route of ${table.routeTableId} exists with the table.`);
    return { gatewayId: 'local' };
  }
  if (name === 'GatewayId' && id.startsWith('igw-')) {
    const gateway = requireInternetGateway(state, id);
    if (!gateway.attachments.some((a) => a.vpcId === table.vpcId)) {
      throw new AwsError('InvalidParameterValue', `route table ${table.routeTableId} and network gateway ${id} belong to different networks`);
    }
    return { gatewayId: id };
  }
  if (name === 'NetworkInterfaceId') {
    const eni = networkInterfaces(ctx).find((e) => e.networkInterfaceId === id);
    if (eni && eni.vpcId !== table.vpcId) throw new AwsError('InvalidParameterValue', `route table ${table.routeTableId} and interface ${id} belong to different networks`);
    if (eni) return { networkInterfaceId: id };
  }
  throw new AwsError(code, `The ${noun} ID '${id}' does not exist`);
}

/** Refuses a gateway target for a destination inside the VPC's own block (AWS allows only interfaces and instances there). */
function checkLocalOverlap(state: Ec2State, table: StoredRouteTable, dest: Pick<StoredRoute, 'destinationCidrBlock'>, target: RouteTarget): void {
  const vpcCidr = parseCidr(own(state.vpcs, table.vpcId)?.cidrBlock ?? '');
  const cidr = dest.destinationCidrBlock ? parseCidr(dest.destinationCidrBlock) : undefined;
  if (vpcCidr && cidr && cidrContains(vpcCidr, cidr) && !target.networkInterfaceId) {
    throw new AwsError(
      'InvalidParameterValue',
      `The destination CIDR block ${dest.destinationCidrBlock} is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance.`,
    );
  }
}

/** CreateRoute: `RouteAlreadyExists` for a destination the table has. */
export const createRoute: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const table = requireRouteTable(state, input['RouteTableId'] as string | undefined);
  const dest = destinationOf(input);
  const target = targetOf(ctx, state, table, input, false);
  if (table.routes.some((r) => sameDestination(r, dest))) {
    throw new AwsError('RouteAlreadyExists', `The route identified by ${destinationText(dest)} already exists. Use ReplaceRoute to change its target.`);
  }
  checkLocalOverlap(state, table, dest, target);
  table.routes.push({ ...dest, ...target, origin: 'CreateRoute' });
  return { return: true };
};

/** ReplaceRoute: changes an existing route's target (the local route only back to `local` or to a network interface). */
export const replaceRoute: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const table = requireRouteTable(state, input['RouteTableId'] as string | undefined);
  const dest = destinationOf(input);
  const index = table.routes.findIndex((r) => sameDestination(r, dest));
  if (index < 0) throw new AwsError('InvalidParameterValue', `There is no route defined for '${destinationText(dest)}' in the route table. Use CreateRoute instead.`);
  const current = table.routes[index]!;
  const isLocal = current.origin === 'CreateRouteTable';
  const target = targetOf(ctx, state, table, input, isLocal);
  if (isLocal && target.gatewayId !== 'local' && !target.networkInterfaceId) {
    throw new AwsError('InvalidParameterValue', `The local route ${destinationText(dest)} of ${table.routeTableId} can only target 'local' or a network interface.`);
  }
  if (!isLocal) checkLocalOverlap(state, table, dest, target);
  table.routes[index] = { ...dest, ...target, origin: current.origin };
  return { return: true };
};

/** DeleteRoute: `InvalidRoute.NotFound` for an unknown destination; the local route stays. */
export const deleteRoute: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const table = requireRouteTable(state, input['RouteTableId'] as string | undefined);
  const dest = destinationOf(input);
  const route = table.routes.find((r) => sameDestination(r, dest));
  const kind = dest.destinationCidrBlock !== undefined ? 'destination-cidr-block' : 'destination-ipv6-cidr-block';
  if (!route) throw new AwsError('InvalidRoute.NotFound', `no route with ${kind} ${destinationText(dest)} in route table ${table.routeTableId}`);
  if (route.origin === 'CreateRouteTable') throw new AwsError('InvalidParameterValue', `cannot remove local route ${destinationText(dest)} in route table ${table.routeTableId}`);
  table.routes = table.routes.filter((r) => r !== route);
  return { return: true };
};

/** DescribeRouteTables: `RouteTableId` list, filters (`vpc-id`, `route-table-id`, `association.*`, `route.*`, tags), pagination. */
export const describeRouteTables: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const enis = liveInterfaces(ctx);
  const routeValues = (table: StoredRouteTable, pick: (r: StoredRoute) => string | undefined) => table.routes.map(pick).filter((v): v is string => v !== undefined);
  const { page: shown, nextToken } = selectResources(input, Object.values(state.routeTables), {
    idParam: 'RouteTableId',
    idOf: (table) => table.routeTableId,
    require: (id) => requireRouteTable(state, id),
    filterValues: (table) => ({
      'route-table-id': [table.routeTableId],
      'vpc-id': [table.vpcId],
      'owner-id': [table.ownerId],
      'association.route-table-association-id': table.associations.map((a) => a.routeTableAssociationId),
      'association.route-table-id': table.associations.length ? [table.routeTableId] : [],
      'association.subnet-id': table.associations.flatMap((a) => (a.subnetId ? [a.subnetId] : [])),
      'association.gateway-id': table.associations.flatMap((a) => (a.gatewayId ? [a.gatewayId] : [])),
      'association.main': [String(table.associations.some((a) => a.main))],
      'route.destination-cidr-block': routeValues(table, (r) => r.destinationCidrBlock),
      'route.destination-ipv6-cidr-block': routeValues(table, (r) => r.destinationIpv6CidrBlock),
      'route.gateway-id': routeValues(table, (r) => r.gatewayId),
      'route.nat-gateway-id': routeValues(table, (r) => r.natGatewayId),
      'route.egress-only-internet-gateway-id': routeValues(table, (r) => r.egressOnlyInternetGatewayId),
      'route.transit-gateway-id': routeValues(table, (r) => r.transitGatewayId),
      'route.vpc-peering-connection-id': routeValues(table, (r) => r.vpcPeeringConnectionId),
      'route.instance-id': routeValues(table, (r) => r.instanceId),
      'route.origin': table.routes.map((r) => r.origin),
      'route.state': table.routes.map((r) => routeState(r, table, state, enis)),
    }),
    tags: state.tags,
  });
  return { routeTableSet: shown.map((t) => tableShape(t, state, enis)), nextToken };
};
