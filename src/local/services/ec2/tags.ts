/**
 * CreateTags, DeleteTags and DescribeTags over the resources the local cloud
 * keeps (VPCs, subnets, security groups, internet gateways, route tables,
 * instances) and the network interfaces it shows.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { checkTag, checkTagCount, filterValue, list, matchesFilters, page, strings } from './input.js';
import { instancesOf } from './instance-lifecycle.js';
import { networkInterfaces } from './network-interfaces.js';
import { ec2State, type Ec2State } from './state.js';
import { own, setOwn } from '../../core/util.js';

/** The EC2 resource type of an id, throwing EC2's not-found error when it does not exist. */
function resourceType(ctx: RequestContext, state: Ec2State, id: string): string {
  if (id.startsWith('i-')) {
    if (!instancesOf(state, ctx.now().getTime()).some((i) => i.instanceId === id)) throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    return 'instance';
  }
  if (id.startsWith('igw-')) {
    if (!own(state.internetGateways, id)) throw new AwsError('InvalidInternetGatewayID.NotFound', `The internetGateway ID '${id}' does not exist`);
    return 'internet-gateway';
  }
  if (id.startsWith('rtb-')) {
    if (!own(state.routeTables, id)) throw new AwsError('InvalidRouteTableID.NotFound', `The routeTable ID '${id}' does not exist`);
    return 'route-table';
  }
  if (id.startsWith('eni-')) {
    if (!networkInterfaces(ctx).some((eni) => eni.networkInterfaceId === id)) throw new AwsError('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`);
    return 'network-interface';
  }
  if (id.startsWith('sg-')) {
    if (!own(state.securityGroups, id)) throw new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    return 'security-group';
  }
  if (id.startsWith('subnet-')) {
    if (!own(state.subnets, id)) throw new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
    return 'subnet';
  }
  if (id.startsWith('vpc-')) {
    if (!own(state.vpcs, id)) throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
    return 'vpc';
  }
  throw new AwsError('InvalidID', `The ID '${id}' is not valid`);
}

/** CreateTags: `ResourceId.N` + `Tag.N.Key/Value`. */
export const createTags: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const ids = strings(input['ResourceId'] ?? input['Resources']);
  if (ids.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter resourceIdSet');
  const tags = list<{ Key?: string; Value?: string }>(input['Tag'] ?? input['Tags']);
  for (const tag of tags) checkTag(tag);
  for (const id of ids) resourceType(ctx, state, id);
  for (const id of ids) checkTagCount(new Set([...Object.keys(own(state.tags, id) ?? {}), ...tags.map((t) => t.Key ?? '')]).size, id);
  for (const id of ids) {
    const current = (state.tags[id] ??= {});
    for (const tag of tags) setOwn(current, tag.Key ?? '', tag.Value ?? '');
  }
  return { return: true };
};

/** DeleteTags: removes keys (or key+value pairs) from resources. */
export const deleteTags: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const ids = strings(input['ResourceId'] ?? input['Resources']);
  const tags = list<{ Key?: string; Value?: string }>(input['Tag'] ?? input['Tags']);
  for (const id of ids) resourceType(ctx, state, id);
  for (const id of ids) {
    const current = own(state.tags, id);
    if (!current) continue;
    if (tags.length === 0) delete state.tags[id];
    for (const tag of tags) {
      if (tag.Key !== undefined && (tag.Value === undefined || current[tag.Key] === tag.Value)) delete current[tag.Key];
    }
  }
  return { return: true };
};

/** DescribeTags: filters `resource-id`, `resource-type`, `key`, `value`. */
export const describeTags: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  // Tags of resources that went away without this cloud deleting them (a stopped task's ENI) are not shown.
  const typeOf = (id: string) => {
    try {
      return resourceType(ctx, state, id);
    } catch {
      return undefined;
    }
  };
  const rows = Object.entries(state.tags).flatMap(([resourceId, tags]) => {
    const type = typeOf(resourceId);
    return type ? Object.entries(tags).map(([key, value]) => ({ resourceId, resourceType: type, key, value })) : [];
  });
  const matching = rows.filter((row) =>
    matchesFilters(input, (name) => filterValue({ 'resource-id': [row.resourceId], 'resource-type': [row.resourceType], key: [row.key], value: [row.value] }, name)),
  );
  const { page: shown, nextToken } = page(matching, input);
  return { tagSet: shown, nextToken };
};
