/**
 * The local cloud's EC2: the lab's set-up lookups over a default VPC (see
 * `state.ts`), security groups and tags.
 *
 * @internal
 */
import type { ServiceDefinition } from '../../core/types.js';
import { describeAvailabilityZones, describeSubnets, describeVpcs } from './network.js';
import {
  authorizeSecurityGroupIngress,
  createSecurityGroup,
  deleteSecurityGroup,
  describeSecurityGroups,
  revokeSecurityGroupIngress,
} from './security-groups.js';
import { createTags, deleteTags, describeTags } from './tags.js';

/** EC2 (EC2 query dialect, version 2016-11-15). */
export const ec2: ServiceDefinition = {
  signingName: 'ec2',
  protocols: ['ec2'],
  xmlNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  operations: {
    DescribeVpcs: describeVpcs,
    DescribeSubnets: describeSubnets,
    DescribeAvailabilityZones: describeAvailabilityZones,
    DescribeSecurityGroups: describeSecurityGroups,
    CreateSecurityGroup: createSecurityGroup,
    AuthorizeSecurityGroupIngress: authorizeSecurityGroupIngress,
    RevokeSecurityGroupIngress: revokeSecurityGroupIngress,
    DeleteSecurityGroup: deleteSecurityGroup,
    CreateTags: createTags,
    DeleteTags: deleteTags,
    DescribeTags: describeTags,
  },
};
