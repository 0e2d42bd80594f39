/**
 * The local cloud's EC2: networking (VPCs, subnets, internet gateways, route
 * tables, the network interfaces of tasks, load balancers and instances),
 * security groups, virtual instances (RunInstances … TerminateInstances) and
 * a small AMI catalogue (DescribeImages), tags, availability zones and
 * account attributes over the state in `state.ts`.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type ServiceDefinition } from '../../core/types.js';
import { bool } from '../../core/util.js';
import { describeAccountAttributes, describeAvailabilityZones } from './account.js';
import { attachInternetGateway, createInternetGateway, deleteInternetGateway, describeInternetGateways, detachInternetGateway } from './internet-gateways.js';
import { describeImages } from './images.js';
import { describeInstances, describeInstanceStatus, runInstances, terminateInstances } from './instances.js';
import { describeNetworkInterfaces } from './network-interfaces.js';
import {
  associateRouteTable,
  createRoute,
  createRouteTable,
  deleteRoute,
  deleteRouteTable,
  describeRouteTables,
  disassociateRouteTable,
  replaceRoute,
  replaceRouteTableAssociation,
} from './route-tables.js';
import {
  authorizeSecurityGroupIngress,
  createSecurityGroup,
  deleteSecurityGroup,
  describeSecurityGroups,
  revokeSecurityGroupIngress,
} from './security-groups.js';
import { createSubnet, deleteSubnet, describeSubnets, modifySubnetAttribute } from './subnets.js';
import { createTags, deleteTags, describeTags } from './tags.js';
import { createDefaultVpc, createVpc, deleteVpc, describeVpcAttribute, describeVpcs, modifyVpcAttribute } from './vpcs.js';

/**
 * `DryRun=true`: EC2 answers `DryRunOperation` (HTTP 412) instead of acting.
 * The local cloud has no IAM policies to check, so the answer is that the
 * request would have succeeded once its input passed the model validation.
 */
function withDryRun(handler: OperationHandler): OperationHandler {
  return (input: Record<string, unknown>, ctx) => {
    if (bool(input?.['DryRun'])) throw new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    return handler(input, ctx);
  };
}

const operations: Record<string, OperationHandler> = {
  CreateVpc: createVpc,
  CreateDefaultVpc: createDefaultVpc,
  DeleteVpc: deleteVpc,
  DescribeVpcs: describeVpcs,
  ModifyVpcAttribute: modifyVpcAttribute,
  DescribeVpcAttribute: describeVpcAttribute,
  CreateSubnet: createSubnet,
  DeleteSubnet: deleteSubnet,
  DescribeSubnets: describeSubnets,
  ModifySubnetAttribute: modifySubnetAttribute,
  CreateInternetGateway: createInternetGateway,
  AttachInternetGateway: attachInternetGateway,
  DetachInternetGateway: detachInternetGateway,
  DeleteInternetGateway: deleteInternetGateway,
  DescribeInternetGateways: describeInternetGateways,
  CreateRouteTable: createRouteTable,
  DeleteRouteTable: deleteRouteTable,
  DescribeRouteTables: describeRouteTables,
  AssociateRouteTable: associateRouteTable,
  DisassociateRouteTable: disassociateRouteTable,
  ReplaceRouteTableAssociation: replaceRouteTableAssociation,
  CreateRoute: createRoute,
  ReplaceRoute: replaceRoute,
  DeleteRoute: deleteRoute,
  DescribeNetworkInterfaces: describeNetworkInterfaces,
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  TerminateInstances: terminateInstances,
  DescribeInstanceStatus: describeInstanceStatus,
  DescribeImages: describeImages,
  DescribeAvailabilityZones: describeAvailabilityZones,
  DescribeAccountAttributes: describeAccountAttributes,
  DescribeSecurityGroups: describeSecurityGroups,
  CreateSecurityGroup: createSecurityGroup,
  AuthorizeSecurityGroupIngress: authorizeSecurityGroupIngress,
  RevokeSecurityGroupIngress: revokeSecurityGroupIngress,
  DeleteSecurityGroup: deleteSecurityGroup,
  CreateTags: createTags,
  DeleteTags: deleteTags,
  DescribeTags: describeTags,
};

/** EC2 (EC2 query dialect, version 2016-11-15). */
export const ec2: ServiceDefinition = {
  signingName: 'ec2',
  protocols: ['ec2'],
  xmlNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  operations: Object.fromEntries(Object.entries(operations).map(([name, handler]) => [name, withDryRun(handler)])),
};
