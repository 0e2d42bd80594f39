/**
 * Internet gateways: CreateInternetGateway, AttachInternetGateway,
 * DetachInternetGateway, DeleteInternetGateway, DescribeInternetGateways.
 * A gateway attaches to one VPC and a VPC has at most one gateway.
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { hexId, own } from '../../core/util.js';
import { selectResources, tagSet, tagsFromSpecifications } from './input.js';
import { ec2State, requireVpc, type Ec2State, type StoredInternetGateway } from './state.js';

/** The gateway `id` names, or EC2's `InvalidInternetGatewayID.NotFound`. */
export function requireInternetGateway(state: Ec2State, id: string | undefined): StoredInternetGateway {
  const gateway = id ? own(state.internetGateways, id) : undefined;
  if (!gateway) throw new AwsError('InvalidInternetGatewayID.NotFound', `The internetGateway ID '${id ?? ''}' does not exist`);
  return gateway;
}

const gatewayShape = (gateway: StoredInternetGateway, tags: Record<string, string> | undefined) => ({
  internetGatewayId: gateway.internetGatewayId,
  ownerId: gateway.ownerId,
  attachmentSet: gateway.attachments.map((a) => ({ vpcId: a.vpcId, state: a.state })),
  ...tagSet(tags),
});

/** CreateInternetGateway: detached, with its tags. */
export const createInternetGateway: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const tags = tagsFromSpecifications(input, 'internet-gateway');
  const gateway: StoredInternetGateway = { internetGatewayId: `igw-${hexId(17)}`, ownerId: ctx.accountId, attachments: [] };
  state.internetGateways[gateway.internetGatewayId] = gateway;
  if (Object.keys(tags).length) state.tags[gateway.internetGatewayId] = tags;
  return { internetGateway: gatewayShape(gateway, tags) };
};

/** AttachInternetGateway: `Resource.AlreadyAssociated` when the gateway is attached, `InvalidParameterValue` when the VPC has one. */
export const attachInternetGateway: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const gateway = requireInternetGateway(state, input['InternetGatewayId'] as string | undefined);
  const vpc = requireVpc(state, input['VpcId'] as string | undefined);
  const current = gateway.attachments[0];
  if (current) throw new AwsError('Resource.AlreadyAssociated', `resource ${gateway.internetGatewayId} is already attached to network ${current.vpcId}`);
  const other = Object.values(state.internetGateways).find((g) => g.attachments.some((a) => a.vpcId === vpc.vpcId));
  if (other) {
    throw new AwsError('InvalidParameterValue', `Network ${vpc.vpcId} already has an internet gateway attached (${other.internetGatewayId}); detach it first.`);
  }
  gateway.attachments = [{ vpcId: vpc.vpcId, state: 'available' }];
  return { return: true };
};

/** DetachInternetGateway: `Gateway.NotAttached` unless attached to that VPC. Routes through it become blackholes; its edge associations end. */
export const detachInternetGateway: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const gateway = requireInternetGateway(state, input['InternetGatewayId'] as string | undefined);
  const vpc = requireVpc(state, input['VpcId'] as string | undefined);
  if (!gateway.attachments.some((a) => a.vpcId === vpc.vpcId)) {
    throw new AwsError('Gateway.NotAttached', `resource ${gateway.internetGatewayId} is not attached to network ${vpc.vpcId}`);
  }
  gateway.attachments = [];
  // Its edge associations (AssociateRouteTable with GatewayId) end with the attachment.
  for (const table of Object.values(state.routeTables)) {
    if (table.associations.some((a) => a.gatewayId === gateway.internetGatewayId)) table.associations = table.associations.filter((a) => a.gatewayId !== gateway.internetGatewayId);
  }
  return { return: true };
};

/** DeleteInternetGateway: `DependencyViolation` while attached. */
export const deleteInternetGateway: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const gateway = requireInternetGateway(state, input['InternetGatewayId'] as string | undefined);
  const attached = gateway.attachments[0];
  if (attached) {
    throw new AwsError(
      'DependencyViolation',
      `The internetGateway '${gateway.internetGatewayId}' has dependencies and cannot be deleted. It is attached to ${attached.vpcId}: detach it first (DetachInternetGateway).`,
    );
  }
  delete state.internetGateways[gateway.internetGatewayId];
  delete state.tags[gateway.internetGatewayId];
  return { return: true };
};

/** DescribeInternetGateways: `InternetGatewayId` list, filters `internet-gateway-id`, `attachment.vpc-id`, `attachment.state`, `owner-id`, tags; pagination. */
export const describeInternetGateways: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const { page: shown, nextToken } = selectResources(input, Object.values(state.internetGateways), {
    idParam: 'InternetGatewayId',
    idOf: (gateway) => gateway.internetGatewayId,
    require: (id) => requireInternetGateway(state, id),
    filterValues: (gateway) => ({
      'internet-gateway-id': [gateway.internetGatewayId],
      'attachment.vpc-id': gateway.attachments.map((a) => a.vpcId),
      'attachment.state': gateway.attachments.map((a) => a.state),
      'owner-id': [gateway.ownerId],
    }),
    tags: state.tags,
  });
  return { internetGatewaySet: shown.map((g) => gatewayShape(g, own(state.tags, g.internetGatewayId))), nextToken };
};
