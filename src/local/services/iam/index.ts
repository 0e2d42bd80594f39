/**
 * The local cloud's IAM: roles and instance profiles (none at first, as on a
 * new account; the `lab` account preset adds the lab's three roles and the
 * instance profile `ecsInstanceRole`), managed-policy attachments and tags.
 *
 * @internal
 */
import type { ServiceDefinition } from '../../core/types.js';
import {
  addRoleToInstanceProfile,
  createInstanceProfile,
  deleteInstanceProfile,
  getInstanceProfile,
  listInstanceProfiles,
  listInstanceProfilesForRole,
  removeRoleFromInstanceProfile,
} from './instance-profiles.js';
import {
  attachRolePolicy,
  createRole,
  deleteRole,
  detachRolePolicy,
  getRole,
  listAttachedRolePolicies,
  listRoles,
  listRoleTags,
  tagRole,
  untagRole,
} from './roles.js';

/** IAM (AWS Query, version 2010-05-08; global, state kept with us-east-1). */
export const iam: ServiceDefinition = {
  signingName: 'iam',
  protocols: ['query'],
  xmlNamespace: 'https://iam.amazonaws.com/doc/2010-05-08/',
  operations: {
    CreateRole: createRole,
    GetRole: getRole,
    ListRoles: listRoles,
    DeleteRole: deleteRole,
    AttachRolePolicy: attachRolePolicy,
    DetachRolePolicy: detachRolePolicy,
    ListAttachedRolePolicies: listAttachedRolePolicies,
    TagRole: tagRole,
    UntagRole: untagRole,
    ListRoleTags: listRoleTags,
    CreateInstanceProfile: createInstanceProfile,
    GetInstanceProfile: getInstanceProfile,
    DeleteInstanceProfile: deleteInstanceProfile,
    AddRoleToInstanceProfile: addRoleToInstanceProfile,
    RemoveRoleFromInstanceProfile: removeRoleFromInstanceProfile,
    ListInstanceProfiles: listInstanceProfiles,
    ListInstanceProfilesForRole: listInstanceProfilesForRole,
  },
};
