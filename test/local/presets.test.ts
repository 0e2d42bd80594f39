import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { GetInstanceProfileCommand, GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand, ListInstanceProfilesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { DescribeSecurityGroupsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { runCli, type CliIo } from '../../src/cli/run.js';
import { ACCOUNT_PRESETS, startLocalCloud, type LocalCloud } from '../../src/local/index.js';
import { TEST_CREDENTIALS } from './helpers.js';

const clientsOf = (cloud: LocalCloud) => {
  const config = { endpoint: cloud.endpoint, region: cloud.region, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  return { ecr: new ECRClient(config), iam: new IAMClient(config), ec2: new EC2Client(config) };
};

const repositoryNames = async (ecr: ECRClient) => ((await ecr.send(new DescribeRepositoriesCommand({}))).repositories ?? []).map((r) => r.repositoryName).sort();
const roleNames = async (iam: IAMClient) => ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName).sort();
const profiles = async (iam: IAMClient) =>
  ((await iam.send(new ListInstanceProfilesCommand({}))).InstanceProfiles ?? []).map((p) => `${p.InstanceProfileName} → ${(p.Roles ?? []).map((r) => r.RoleName).join(',')}`).sort();

test('a fresh local cloud is a new AWS account: a default VPC and security group, no ECR repository, no IAM role or instance profile', async () => {
  const cloud = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
  const { ecr, iam, ec2 } = clientsOf(cloud);
  try {
    assert.deepEqual(await repositoryNames(ecr), []);
    assert.deepEqual(await roleNames(iam), []);
    assert.deepEqual(await profiles(iam), []);
    const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs ?? [];
    assert.equal(vpcs.length, 1);
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }))).SecurityGroups ?? [];
    assert.equal(groups.length, 1);
    // The guide's own prerequisite commands then fail as on a new account, naming what is missing.
    await assert.rejects(iam.send(new GetRoleCommand({ RoleName: 'ecsTaskExecutionRole' })), { name: 'NoSuchEntityException' });
    await assert.rejects(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'ecsInstanceRole' })), { name: 'NoSuchEntityException' });
  } finally {
    for (const c of [ecr, iam, ec2]) c.destroy();
    await cloud.stop();
  }
});

test('the lab preset lists the previous guide\'s repositories, three roles and the container instances\' profile', () => {
  const lab = ACCOUNT_PRESETS.lab;
  assert.deepEqual([...lab.repositories], ['flask-inventory/invsys', 'flask-inventory/gateway']);
  assert.deepEqual(
    lab.roles.map((r) => [r.name, r.service, r.policyArn]),
    [
      ['ecsTaskExecutionRole', 'ecs-tasks.amazonaws.com', 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'],
      ['ecsAutoscaleRole', 'application-autoscaling.amazonaws.com', 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceAutoscaleRole'],
      ['ecsInstanceRole', 'ec2.amazonaws.com', 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role'],
    ],
  );
  assert.deepEqual({ ...lab.instanceProfiles }, { ecsInstanceRole: 'ecsInstanceRole' });
  // Every profile holds one of the preset's roles.
  for (const role of Object.values(lab.instanceProfiles)) assert.ok(lab.roles.some((r) => r.name === role), role);
});

test('preset lab: the repositories, roles and instance profile exist from the start, and again after a reset; health names the preset', async () => {
  const cloud = await startLocalCloud({ port: 0, runtime: false, log: () => {}, preset: 'lab' });
  const { ecr, iam, ec2 } = clientsOf(cloud);
  try {
    const expectedRepositories = [...ACCOUNT_PRESETS.lab.repositories].sort();
    const expectedRoles = ACCOUNT_PRESETS.lab.roles.map((r) => r.name).sort();
    const expectedProfiles = ['ecsInstanceRole → ecsInstanceRole'];
    assert.deepEqual(await repositoryNames(ecr), expectedRepositories);
    assert.deepEqual(await roleNames(iam), expectedRoles);
    assert.deepEqual(await profiles(iam), expectedProfiles);
    const policies = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'ecsInstanceRole' }));
    assert.deepEqual(policies.AttachedPolicies?.map((p) => p.PolicyArn), ['arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role']);
    const role = await iam.send(new GetRoleCommand({ RoleName: 'ecsInstanceRole' }));
    assert.equal(JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '')).Statement[0].Principal.Service, 'ec2.amazonaws.com');
    const health = await (await fetch(`${cloud.endpoint}/_ecskit/health`)).json();
    assert.equal(health.preset, 'lab');

    const reset = await fetch(`${cloud.endpoint}/_ecskit/reset`, { method: 'POST', headers: { authorization: `Bearer ${cloud.adminToken}` } });
    assert.equal(reset.status, 200);
    // The reset answers after the preset is back: no window where the account is empty.
    assert.deepEqual(await repositoryNames(ecr), expectedRepositories);
    assert.deepEqual(await roleNames(iam), expectedRoles);
    assert.deepEqual(await profiles(iam), expectedProfiles);
  } finally {
    for (const c of [ecr, iam, ec2]) c.destroy();
    await cloud.stop();
  }
});

test('an unknown preset is refused, naming the value and the choices (API and CLI)', async () => {
  await assert.rejects(startLocalCloud({ port: 0, runtime: false, log: () => {}, preset: 'prod' as 'lab' }), {
    name: 'RangeError',
    message: 'preset must be one of lab, got: "prod"',
  });
  for (const hostile of ['LAB', 'lab ', '__proto__', 'constructor', '']) {
    const err: string[] = [];
    const io: CliIo = { out: () => {}, err: (s) => void err.push(s), untilSignal: () => Promise.resolve('SIGTERM') };
    assert.equal(await runCli(['local', '--port', '0', '--no-runtime', '--preset', hostile], io), 2, hostile);
    assert.match(err.join(''), /--preset must be lab, got: ".*" \(leave it out for a fresh account\)/);
  }
});
