/**
 * Account presets. A local cloud starts as a new AWS account does: the
 * default VPC, its subnets and security group, nothing else. A preset adds
 * what a guide assumes already exists; `lab` is the ECS lab's "previous
 * guide": its two ECR repositories, the roles `ecsTaskExecutionRole`,
 * `ecsAutoscaleRole` and `ecsInstanceRole`, and the instance profile
 * `ecsInstanceRole` (holding that role) its EC2 container instances launch
 * with. The lab's own setup step ensures the same resources on any target,
 * so the preset is only a shortcut.
 */
import { AwsError } from './core/types.js';
import type { CloudState } from './core/cloud-state.js';

/** An IAM role a preset creates: trusted by one AWS service, with one managed policy attached. */
export interface PresetRole {
  /** Role name, e.g. `ecsTaskExecutionRole`. */
  readonly name: string;
  /** Service principal allowed to assume it, e.g. `ecs-tasks.amazonaws.com`. */
  readonly service: string;
  /** AWS managed policy attached to it. */
  readonly policyArn: string;
  /** Role description. */
  readonly description: string;
}

/** What a preset puts in a fresh account. */
export interface AccountPreset {
  /** ECR repositories (in the cloud's default region). */
  readonly repositories: readonly string[];
  /** IAM roles (IAM is global). */
  readonly roles: readonly PresetRole[];
  /** IAM instance profiles: profile name → the name of the role it holds (one of {@link roles}). */
  readonly instanceProfiles: Readonly<Record<string, string>>;
}

/** The presets by name. */
export const ACCOUNT_PRESETS: {
  /** The ECS lab's prerequisites ("the previous guide"): its ECR repositories, its three roles and the container instances' profile. */
  readonly lab: AccountPreset;
} = {
  lab: {
    repositories: ['flask-inventory/invsys', 'flask-inventory/gateway'],
    roles: [
      {
        name: 'ecsTaskExecutionRole',
        service: 'ecs-tasks.amazonaws.com',
        policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
        description: 'Allows ECS tasks to pull images and write logs',
      },
      {
        name: 'ecsAutoscaleRole',
        service: 'application-autoscaling.amazonaws.com',
        policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceAutoscaleRole',
        description: 'Allows Application Auto Scaling to scale ECS services',
      },
      {
        name: 'ecsInstanceRole',
        service: 'ec2.amazonaws.com',
        policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role',
        description: 'Allows the ECS agent on EC2 container instances to call ECS',
      },
    ],
    // The container instances' profile (examples/lab-capacity.ts launches them with it).
    instanceProfiles: { ecsInstanceRole: 'ecsInstanceRole' },
  },
};

/** A preset's name (`lab`). */
export type AccountPresetName = keyof typeof ACCOUNT_PRESETS;

/** True for a known preset name. */
export function isAccountPresetName(value: unknown): value is AccountPresetName {
  return typeof value === 'string' && Object.hasOwn(ACCOUNT_PRESETS, value);
}

/** The trust policy letting one AWS service assume a role. */
export function serviceTrustPolicy(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
}

const alreadyThere = (error: unknown, code: string) => error instanceof AwsError && error.code === code;

/**
 * Creates a preset's resources that are missing, through the services' own
 * operations (so they are journaled like any call). Idempotent: a
 * repository, role or instance profile that exists, even changed by the
 * user, is left as it is; a profile it creates gets its role.
 */
export async function applyAccountPreset(state: CloudState, name: AccountPresetName, region: string): Promise<void> {
  const preset: AccountPreset = ACCOUNT_PRESETS[name];
  for (const repositoryName of preset.repositories) {
    try {
      await state.invoke('ecr', 'CreateRepository', { repositoryName }, { region });
    } catch (error) {
      if (!alreadyThere(error, 'RepositoryAlreadyExistsException')) throw error;
    }
  }
  for (const role of preset.roles) {
    try {
      await state.invoke(
        'iam',
        'CreateRole',
        { RoleName: role.name, AssumeRolePolicyDocument: serviceTrustPolicy(role.service), Description: role.description },
        { region, protocol: 'query' },
      );
      await state.invoke('iam', 'AttachRolePolicy', { RoleName: role.name, PolicyArn: role.policyArn }, { region, protocol: 'query' });
    } catch (error) {
      if (!alreadyThere(error, 'EntityAlreadyExists')) throw error;
    }
  }
  for (const [profileName, roleName] of Object.entries(preset.instanceProfiles)) {
    try {
      await state.invoke('iam', 'CreateInstanceProfile', { InstanceProfileName: profileName }, { region, protocol: 'query' });
    } catch (error) {
      if (!alreadyThere(error, 'EntityAlreadyExists')) throw error;
      continue;
    }
    await state.invoke('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: profileName, RoleName: roleName }, { region, protocol: 'query' });
  }
}
