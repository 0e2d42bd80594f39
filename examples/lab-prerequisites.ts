/**
 * The lab's prerequisites from "the previous guide": the ECR repositories
 * `flask-inventory/invsys` and `flask-inventory/gateway`, the IAM roles
 * `ecsTaskExecutionRole` (task definitions), `ecsAutoscaleRole` (Task 8's
 * scalable target) and `ecsInstanceRole` (the ECS agent on the container
 * instances), and the instance profile `ecsInstanceRole` holding that role,
 * which the setup's EC2 instances launch with (examples/lab-capacity.ts). A
 * new AWS account, and a fresh local cloud, has none of them; this step
 * creates what is missing and leaves what exists alone, so it is idempotent
 * on any target. They belong to the account, not to the lab's stack: the
 * cleanup keeps them, as the guide's cleanup does.
 *
 * An existing role that lacks its managed policy gets it, and an existing
 * instance profile that holds no role gets the lab's (a profile holding
 * another role is left alone: AWS allows one role per profile). On AWS a new
 * instance profile takes a few seconds to be usable by RunInstances; the
 * capacity step retries for that.
 *
 * The list is the local cloud's `lab` account preset (`ACCOUNT_PRESETS.lab`),
 * so `ecskit local --preset lab` starts with exactly what this creates.
 */
import { CreateRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  type InstanceProfile,
} from '@aws-sdk/client-iam';
import type { Lab } from './01-core-concepts.ts';

/** What {@link ensurePrerequisites} found and created. */
export interface PrerequisitesResult {
  /** Repositories, roles and instance profiles created by this run (empty when all existed). */
  readonly created: readonly string[];
  /** Repositories, roles and instance profiles that were already there. */
  readonly existing: readonly string[];
  /** Managed policies attached to existing roles that lacked them, roles added to existing empty instance profiles. */
  readonly attached: readonly string[];
}

const errorName = (error: unknown) => (error as { name?: string }).name;

/** Creates the lab's missing ECR repositories, IAM roles and instance profile (see the module comment). */
export async function ensurePrerequisites(lab: Lab): Promise<PrerequisitesResult> {
  const { ACCOUNT_PRESETS, serviceTrustPolicy } = await import('ecskit/local');
  const preset = ACCOUNT_PRESETS.lab;
  const { ecr, iam } = lab.clients;
  const created: string[] = [];
  const existing: string[] = [];
  const attached: string[] = [];

  for (const repositoryName of preset.repositories) {
    const what = `ECR repository ${repositoryName}`;
    try {
      await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }));
      existing.push(what);
      continue;
    } catch (error) {
      if (errorName(error) !== 'RepositoryNotFoundException') throw error;
    }
    try {
      await ecr.send(new CreateRepositoryCommand({ repositoryName }));
      created.push(what);
    } catch (error) {
      // Created by someone else between the two calls: it exists, which is all we need.
      if (errorName(error) !== 'RepositoryAlreadyExistsException') throw error;
      existing.push(what);
    }
  }

  for (const role of preset.roles) {
    const what = `IAM role ${role.name}`;
    let found = false;
    try {
      await iam.send(new GetRoleCommand({ RoleName: role.name }));
      found = true;
    } catch (error) {
      if (errorName(error) !== 'NoSuchEntityException') throw error;
    }
    if (!found) {
      try {
        await iam.send(new CreateRoleCommand({ RoleName: role.name, AssumeRolePolicyDocument: serviceTrustPolicy(role.service), Description: role.description }));
        created.push(what);
      } catch (error) {
        if (errorName(error) !== 'EntityAlreadyExistsException') throw error;
        found = true;
      }
    }
    if (found) {
      existing.push(what);
      // An existing role keeps its trust policy; it only gets the managed policy the lab relies on, if missing.
      const policies = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role.name }));
      if ((policies.AttachedPolicies ?? []).some((p) => p.PolicyArn === role.policyArn)) continue;
      attached.push(`${role.policyArn} to ${role.name}`);
    }
    await iam.send(new AttachRolePolicyCommand({ RoleName: role.name, PolicyArn: role.policyArn }));
  }

  // After the roles: a profile holds one of them.
  for (const [profileName, roleName] of Object.entries(preset.instanceProfiles)) {
    const what = `IAM instance profile ${profileName}`;
    let profile: InstanceProfile | undefined;
    try {
      profile = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: profileName }))).InstanceProfile;
    } catch (error) {
      if (errorName(error) !== 'NoSuchEntityException') throw error;
    }
    if (!profile) {
      try {
        await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: profileName }));
        created.push(what);
      } catch (error) {
        if (errorName(error) !== 'EntityAlreadyExistsException') throw error;
        // Created by someone else meanwhile: look again at what it holds.
        profile = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: profileName }))).InstanceProfile;
      }
    }
    if (profile) {
      existing.push(what);
      const holds = (profile.Roles ?? []).map((r) => r.RoleName);
      // A profile holding a role (the lab's, or another the account chose) is left as it is.
      if (holds.length > 0) {
        if (!holds.includes(roleName)) lab.report.note(`${what} holds ${holds.join(', ')}, not ${roleName}: left as it is`);
        continue;
      }
      attached.push(`role ${roleName} to instance profile ${profileName}`);
    }
    try {
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: profileName, RoleName: roleName }));
    } catch (error) {
      // One role per profile: someone else added it between the two calls.
      if (errorName(error) !== 'LimitExceededException') throw error;
    }
  }

  for (const line of created) lab.report.note(`created ${line} (a prerequisite from "the previous guide"; kept by the cleanup)`);
  for (const line of attached) lab.report.note(`attached ${line}`);
  return { created, existing, attached };
}
