/**
 * The lab's EC2 capacity (examples/lab-capacity.ts): sized from what the
 * lab's tasks need, launched across the default subnets' zones with the
 * stack tag, ECS_CLUSTER user data and the instance profile ecsInstanceRole
 * (which the prerequisites step creates), registered as container
 * instances, idempotent, and topped up when one is gone; RunInstances is
 * retried on AWS while a new profile is not visible to EC2 yet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeContainerInstancesCommand, ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
import { NAMES, type Lab } from '../../../examples/01-core-concepts.ts';
import { gatewayTaskDefinition, invsysTaskDefinition } from '../../../examples/02-task-definitions.ts';
import { gatewayScalableTarget } from '../../../examples/08-auto-scaling.ts';
import {
  ensureCapacity,
  INSTANCE_PROFILE,
  instancesNeeded,
  isUnknownInstanceProfile,
  LAB_INSTANCE_TYPE,
  LAB_PEAK,
  runInstancesRetryingProfile,
  userData,
} from '../../../examples/lab-capacity.ts';
import { ensurePrerequisites } from '../../../examples/lab-prerequisites.ts';
import { openLocalLab } from '../local-lab.js';

test('the capacity is computed from the lab tasks: 4 invsys (2 at maximumPercent 200) + 4 gateway (Task 6/8) awsvpc tasks → 4 × t3.medium (2 network interfaces for tasks each)', () => {
  const lab = { names: NAMES, region: 'us-east-1', accountId: '123456789012', images: { invsys: 'i', gateway: 'g' } } as unknown as Lab;
  for (const td of [invsysTaskDefinition(lab).build(), gatewayTaskDefinition(lab).build()]) {
    assert.equal(Number(td.cpu), LAB_PEAK.taskCpu);
    assert.equal(Number(td.memory), LAB_PEAK.taskMemoryMiB);
    assert.equal(td.networkMode, 'awsvpc');
  }
  assert.equal(gatewayScalableTarget(lab).build().MaxCapacity, LAB_PEAK.gatewayTasks);
  assert.equal(instancesNeeded(), 4);
  assert.equal(instancesNeeded({ ...LAB_PEAK, gatewayTasks: 6 }), 5);
  assert.equal(Buffer.from(userData('flask-inventory-cluster'), 'base64').toString(), '#!/bin/bash\necho ECS_CLUSTER=flask-inventory-cluster >> /etc/ecs/ecs.config\n');
});

test('ensureCapacity launches 4 tagged t3.medium instances over the zones, waits until they are container instances, launches nothing the second time and replaces one that is gone', { timeout: 90_000 }, async () => {
  const { lab, target } = await openLocalLab();
  try {
    await lab.ops.ensureCluster(NAMES.cluster);
    // A fresh local cloud has no instance profile: RunInstances names it, so EC2 refuses, and the message points at the prerequisites step.
    await assert.rejects(ensureCapacity(lab), (error: Error) => {
      assert.match(error.message, /^InvalidParameterValue: Value \(ecsInstanceRole\) for parameter iamInstanceProfile\.name is invalid\. Invalid IAM Instance Profile name — /);
      assert.match(error.message, /prerequisites step creates it/);
      return true;
    });
    assert.equal(lab.created.filter((c) => c.kind === 'instance').length, 0, 'nothing was launched');
    await ensurePrerequisites(lab);
    const first = await ensureCapacity(lab);
    assert.equal(first.launched, 4);
    assert.equal(first.registered, 4);
    assert.deepEqual([...new Set(first.instances.map((i) => i.availabilityZone))].sort(), ['us-east-1a', 'us-east-1b', 'us-east-1c']);
    assert.equal(lab.created.filter((c) => c.kind === 'instance' && c.name.startsWith('i-')).length, 4);

    const ec2 = lab.clients.ec2;
    const described = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: first.instances.map((i) => i.instanceId) }))).Reservations!.flatMap((r) => r.Instances ?? []);
    for (const i of described) {
      assert.equal(i.InstanceType, LAB_INSTANCE_TYPE);
      assert.equal(i.State?.Name, 'running');
      assert.deepEqual(i.Tags?.find((t) => t.Key === 'ecskit:stack')?.Value, NAMES.stack);
      assert.match(i.ImageId ?? '', /^ami-/);
      assert.match(i.IamInstanceProfile?.Arn ?? '', new RegExp(`^arn:aws:iam::\\d{12}:instance-profile/${INSTANCE_PROFILE}$`));
      assert.match(i.IamInstanceProfile?.Id ?? '', /^AIPA[A-Z0-9]{17}$/);
    }
    const arns = (await lab.clients.ecs.send(new ListContainerInstancesCommand({ cluster: NAMES.cluster }))).containerInstanceArns ?? [];
    const cis = (await lab.clients.ecs.send(new DescribeContainerInstancesCommand({ cluster: NAMES.cluster, containerInstances: arns }))).containerInstances ?? [];
    assert.deepEqual(cis.map((c) => c.ec2InstanceId).sort(), first.instances.map((i) => i.instanceId).sort());
    for (const ci of cis) {
      assert.equal(ci.registeredResources?.find((r) => r.name === 'CPU')?.integerValue, 2048);
      assert.equal(ci.registeredResources?.find((r) => r.name === 'MEMORY')?.integerValue, 3943);
      assert.equal(ci.attributes?.find((a) => a.name === 'ecs.instance-type')?.value, 't3.medium');
    }

    const second = await ensureCapacity(lab);
    assert.equal(second.launched, 0, 'nothing launched the second time');
    assert.equal(second.instances.length, 4);

    // One is terminated (its container instance deregisters): the next run launches a replacement.
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [first.instances[0]!.instanceId] }));
    const third = await ensureCapacity(lab);
    assert.equal(third.launched, 1);
    assert.equal(third.registered, 4);
    assert.ok(!third.instances.some((i) => i.instanceId === first.instances[0]!.instanceId));
  } finally {
    await target.close();
  }
});

test('RunInstances is retried on AWS while EC2 does not know a new instance profile yet, and only then', async () => {
  const unknown = Object.assign(new Error('Value (ecsInstanceRole) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name'), { name: 'InvalidParameterValue' });
  const other = Object.assign(new Error('Invalid value \'t9.huge\' for InstanceType.'), { name: 'InvalidParameterValue' });
  assert.equal(isUnknownInstanceProfile(unknown), true);
  assert.equal(isUnknownInstanceProfile(Object.assign(new Error('Value (arn:aws:iam::1:instance-profile/x) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN'), { name: 'InvalidParameterValue' })), true);
  assert.equal(isUnknownInstanceProfile(other), false);
  assert.equal(isUnknownInstanceProfile(Object.assign(new Error(unknown.message), { name: 'UnauthorizedOperation' })), false);
  const retry = { retries: 3, minTimeout: 1, factor: 1, maxTimeout: 5 };
  const answers = (...outcomes: (Error | 'ok')[]) => {
    let calls = 0;
    const send = async () => {
      const outcome = outcomes[Math.min(calls++, outcomes.length - 1)]!;
      if (outcome === 'ok') return { Instances: [{ InstanceId: 'i-0123456789abcdef0' }], $metadata: {} };
      throw outcome;
    };
    return { send, calls: () => calls };
  };

  // AWS: two refusals while the profile propagates, then the launch.
  const propagating = answers(unknown, unknown, 'ok');
  const retried: number[] = [];
  const out = await runInstancesRetryingProfile(propagating.send, { emulated: false, retry, onRetry: (attempt) => retried.push(attempt) });
  assert.equal(out.Instances?.[0]?.InstanceId, 'i-0123456789abcdef0');
  assert.equal(propagating.calls(), 3);
  assert.deepEqual(retried, [1, 2]);

  // AWS: a profile that never appears gives up after the retries with EC2's error.
  const never = answers(unknown);
  await assert.rejects(runInstancesRetryingProfile(never.send, { emulated: false, retry }), { name: 'InvalidParameterValue', message: unknown.message });
  assert.equal(never.calls(), 4);

  // Any other error is not retried.
  const wrong = answers(other, 'ok');
  await assert.rejects(runInstancesRetryingProfile(wrong.send, { emulated: false, retry }), { message: other.message });
  assert.equal(wrong.calls(), 1);

  // A local cloud knows a profile at once: its first answer stands.
  const local = answers(unknown, 'ok');
  await assert.rejects(runInstancesRetryingProfile(local.send, { emulated: true, retry }), { message: unknown.message });
  assert.equal(local.calls(), 1);
});
