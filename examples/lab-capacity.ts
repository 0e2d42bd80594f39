/**
 * The lab's EC2 capacity, launched the way "the previous guide" did: EC2
 * instances from the ECS-optimized Amazon Linux 2023 AMI whose user data
 * points the ECS agent at the lab's cluster
 * (`echo ECS_CLUSTER=flask-inventory-cluster >> /etc/ecs/ecs.config`), one
 * per default subnet in turn so they spread over the availability zones,
 * tagged `ecskit:stack=flask-inventory-lab` so the cleanup finds and
 * terminates them. Idempotent: the instances of the stack that are pending
 * or running count, only the missing ones are launched; then it waits until
 * every one of them is registered as a container instance of the cluster.
 *
 * How many: the lab's peak of tasks at once, 8 awsvpc tasks of 256 CPU
 * units / 512 MiB — invsys's 2 replicas at `maximumPercent` 200 during
 * Task 5's rolling update (4) while the gateway runs at Task 6/8's 4. On a
 * t3.medium (2 vCPUs, 3943 MiB registered) CPU and memory would fit 7, but
 * each awsvpc task takes one of the instance's network interfaces and a
 * t3.medium has 3, the primary one included: 2 tasks per instance, so 4
 * instances.
 *
 * The same calls run on both targets. The AMI is the newest image that
 * DescribeImages finds for owner `amazon` and name
 * `al2023-ami-ecs-hvm-*-x86_64` (the local cloud lists a small catalogue
 * with such images). On every target the instances get the instance profile
 * `ecsInstanceRole` (holding the role the ECS agent calls ECS with), which
 * the setup's prerequisites step creates when missing
 * (examples/lab-prerequisites.ts) before this step runs; the local cloud
 * checks it exists as EC2 does. On AWS a new instance profile takes a few
 * seconds to reach EC2 (IAM is eventually consistent), so RunInstances
 * answering "Invalid IAM Instance Profile name" right after it was created
 * is retried a few times with a short backoff ({@link PROFILE_RETRY}).
 * Instances on AWS cost money while they run: the cleanup terminates them.
 */
import { DescribeImagesCommand, DescribeInstancesCommand, RunInstancesCommand, type Instance, type RunInstancesCommandOutput } from '@aws-sdk/client-ec2';
import { DescribeContainerInstancesCommand, ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
import { poll, STACK_TAG } from 'ecskit';
import pRetry from 'p-retry';
import type { Lab } from './01-core-concepts.ts';

/** What the lab's tasks need at their peak (see the module comment). */
export const LAB_PEAK = {
  /** Task 3's invsys replicas (desiredCount 2) rolled by Task 5 at maximumPercent 200 … */
  invsysTasks: 2 * 2,
  /** … while the gateway runs at its peak: Task 6 scales it to 4, Task 8's scalable target allows 4. */
  gatewayTasks: 4,
  /** CPU units per task (Task 2's task definitions). */
  taskCpu: 256,
  /** MiB per task. */
  taskMemoryMiB: 512,
} as const;

/** The instance type the lab launches. */
export const LAB_INSTANCE_TYPE = 't3.medium';
/** What a t3.medium offers ECS: CPU units and MiB as the agent registers them, and its network interfaces. */
const T3_MEDIUM = { cpu: 2048, memoryMiB: 3943, networkInterfaces: 3 } as const;
/** The ECS-optimized Amazon Linux 2023 AMI, x86_64 (the newest one wins). */
export const ECS_AMI_NAME = 'al2023-ami-ecs-hvm-*-x86_64';
/** The instance profile of the container instances (the lab's prerequisites create it). */
export const INSTANCE_PROFILE = 'ecsInstanceRole';

/**
 * How RunInstances is retried on AWS while a new instance profile is not yet
 * visible to EC2 (IAM is eventually consistent; it usually takes a few
 * seconds): 5 retries, 2 s doubling up to 15 s, about a minute at most.
 */
export const PROFILE_RETRY = { retries: 5, minTimeout: 2000, factor: 2, maxTimeout: 15_000 } as const;

/** True for EC2's answer to an instance profile it does not know (yet): `InvalidParameterValue … Invalid IAM Instance Profile name|ARN`. */
export function isUnknownInstanceProfile(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; message?: string } | undefined;
  return (e?.name ?? e?.Code) === 'InvalidParameterValue' && /iamInstanceProfile\.(name|arn)|Invalid IAM Instance Profile/i.test(e?.message ?? '');
}

/**
 * Sends one RunInstances, retrying (`retry`, by default {@link PROFILE_RETRY})
 * while EC2 does not know the instance profile yet. Only on AWS: a local
 * cloud knows a profile as soon as it is created, so there the first answer
 * stands. Any other error is not retried.
 */
export async function runInstancesRetryingProfile(
  send: () => Promise<RunInstancesCommandOutput>,
  options: { emulated: boolean; signal?: AbortSignal; onRetry?: (attempt: number, error: unknown) => void; retry?: { retries: number; minTimeout: number; factor: number; maxTimeout: number } },
): Promise<RunInstancesCommandOutput> {
  if (options.emulated) return send();
  return pRetry(send, {
    ...(options.retry ?? PROFILE_RETRY),
    randomize: true,
    ...(options.signal && { signal: options.signal }),
    shouldRetry: ({ error }) => isUnknownInstanceProfile(error),
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (isUnknownInstanceProfile(error) && retriesLeft > 0) options.onRetry?.(attemptNumber, error);
    },
  });
}

/** How many t3.medium instances the lab's peak needs (each awsvpc task takes a network interface). */
export function instancesNeeded(peak: { readonly [K in keyof typeof LAB_PEAK]: number } = LAB_PEAK): number {
  const tasks = peak.invsysTasks + peak.gatewayTasks;
  const perInstance = Math.min(Math.floor(T3_MEDIUM.cpu / peak.taskCpu), Math.floor(T3_MEDIUM.memoryMiB / peak.taskMemoryMiB), T3_MEDIUM.networkInterfaces - 1);
  return Math.ceil(tasks / perInstance);
}

/** The user data that makes the ECS agent join the cluster. */
export function userData(cluster: string): string {
  return Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config\n`).toString('base64');
}

/** What {@link ensureCapacity} found, launched and saw registered. */
export interface CapacityResult {
  /** The stack's pending/running instances, after launching. */
  readonly instances: readonly { readonly instanceId: string; readonly availabilityZone: string; readonly launched: boolean }[];
  /** How many this run launched. */
  readonly launched: number;
  readonly instanceType: string;
  /** The AMI new instances were launched from (none when nothing was launched). */
  readonly imageId?: string;
  /** Container instances of the cluster backed by the stack's instances. */
  readonly registered: number;
  /** Seconds until they were all registered. */
  readonly waitedSeconds: number;
}

const errorText = (error: unknown) => `${(error as { name?: string }).name ?? 'Error'}: ${(error as Error).message}`;

/** The newest ECS-optimized AL2023 x86_64 AMI of the region. */
async function ecsAmi(lab: Lab): Promise<{ imageId: string; name: string }> {
  const out = await lab.clients.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: [ECS_AMI_NAME] }, { Name: 'state', Values: ['available'] }] }));
  const newest = (out.Images ?? []).filter((i) => i.ImageId && i.CreationDate).sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
  if (!newest?.ImageId) throw new Error(`no ECS-optimized AMI (${ECS_AMI_NAME}, owner amazon) in ${lab.region}`);
  return { imageId: newest.ImageId, name: newest.Name ?? newest.ImageId };
}

/** The stack's instances that are pending or running. */
async function stackInstances(lab: Lab): Promise<Instance[]> {
  const found: Instance[] = [];
  let NextToken: string | undefined;
  do {
    const out = await lab.clients.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: `tag:${STACK_TAG}`, Values: [lab.names.stack] },
          { Name: 'instance-state-name', Values: ['pending', 'running'] },
        ],
        NextToken,
      }),
    );
    for (const r of out.Reservations ?? []) found.push(...(r.Instances ?? []));
    NextToken = out.NextToken;
  } while (NextToken);
  return found;
}

/** EC2 instance ids of the cluster's ACTIVE container instances. */
async function registeredInstanceIds(lab: Lab): Promise<Set<string>> {
  const ids = new Set<string>();
  let nextToken: string | undefined;
  do {
    const list = await lab.clients.ecs.send(new ListContainerInstancesCommand({ cluster: lab.names.cluster, status: 'ACTIVE', nextToken }));
    const arns = list.containerInstanceArns ?? [];
    if (arns.length > 0) {
      const described = await lab.clients.ecs.send(new DescribeContainerInstancesCommand({ cluster: lab.names.cluster, containerInstances: arns }));
      for (const ci of described.containerInstances ?? []) if (ci.ec2InstanceId && ci.agentConnected !== false) ids.add(ci.ec2InstanceId);
    }
    nextToken = list.nextToken;
  } while (nextToken);
  return ids;
}

/**
 * Finds or launches the lab's EC2 instances (see the module comment) and
 * waits until each is a container instance of the cluster. New instances
 * are added to `lab.created` as `{ action: 'created', kind: 'instance', name: 'i-…', detail: 't3.medium, us-east-1a' }`.
 */
export async function ensureCapacity(lab: Lab): Promise<CapacityResult> {
  const started = Date.now();
  const wanted = instancesNeeded();
  const existing = await stackInstances(lab);
  const launchedIds = new Set<string>();
  let imageId: string | undefined;
  if (existing.length < wanted) {
    const network = lab.network ?? (await lab.ops.lookupDefaultNetwork());
    const subnets = 'subnets' in network ? network.subnets : undefined;
    const zones = subnets ?? network.subnetIds.map((subnetId) => ({ subnetId, availabilityZone: '' }));
    const perZone = new Map(zones.map((z) => [z.subnetId, existing.filter((i) => i.SubnetId === z.subnetId).length]));
    const ami = await ecsAmi(lab);
    imageId = ami.imageId;
    for (let n = existing.length; n < wanted; n++) {
      // The subnet (zone) with the fewest of the stack's instances.
      const subnet = [...zones].sort((a, b) => (perZone.get(a.subnetId) ?? 0) - (perZone.get(b.subnetId) ?? 0))[0]!;
      perZone.set(subnet.subnetId, (perZone.get(subnet.subnetId) ?? 0) + 1);
      const command = new RunInstancesCommand({
        ImageId: ami.imageId,
        InstanceType: LAB_INSTANCE_TYPE,
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnet.subnetId,
        UserData: userData(lab.names.cluster),
        // The agent's role, on every target (the prerequisites step created the profile when missing).
        IamInstanceProfile: { Name: INSTANCE_PROFILE },
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [
              { Key: STACK_TAG, Value: lab.names.stack },
              { Key: 'Name', Value: `${lab.names.cluster}-${n + 1}` },
            ],
          },
        ],
      });
      let out;
      try {
        out = await runInstancesRetryingProfile(() => lab.clients.ec2.send(command), {
          emulated: lab.target.emulated,
          signal: lab.signal,
          onRetry: (attempt) => lab.report.note(`EC2 does not see the instance profile ${INSTANCE_PROFILE} yet (IAM is eventually consistent): RunInstances retried (attempt ${attempt + 1})`),
        });
      } catch (error) {
        if (isUnknownInstanceProfile(error)) {
          throw new Error(
            `${errorText(error)} — the container instances need the instance profile ${INSTANCE_PROFILE} holding the role ${INSTANCE_PROFILE} (policy AmazonEC2ContainerServiceforEC2Role); the setup's prerequisites step creates it when missing: check that it ran, that the caller may iam:CreateInstanceProfile, iam:AddRoleToInstanceProfile and iam:PassRole on ${INSTANCE_PROFILE} (docs/aws.md#iam-roles), then run the lab again`,
          );
        }
        throw error;
      }
      for (const instance of out.Instances ?? []) {
        if (!instance.InstanceId) continue;
        launchedIds.add(instance.InstanceId);
        const zone = instance.Placement?.AvailabilityZone ?? subnet.availabilityZone;
        lab.created.push({ action: 'created', kind: 'instance', name: instance.InstanceId, detail: `${LAB_INSTANCE_TYPE}, ${zone}` });
        lab.report.note(`launched ${LAB_INSTANCE_TYPE} ${instance.InstanceId} in ${zone} (${ami.name}), user data ECS_CLUSTER=${lab.names.cluster}`);
      }
    }
  }
  const instances = await stackInstances(lab);
  const ids = instances.map((i) => i.InstanceId ?? '').filter(Boolean);
  // Booting and the ECS agent's registration take a minute or two on AWS (seconds, scaled, locally).
  const result = await poll({
    observe: () => registeredInstanceIds(lab),
    accept: (registered) => {
      const missing = ids.filter((id) => !registered.has(id));
      return missing.length === 0 ? { state: 'done', value: registered } : { state: 'pending', reason: `${ids.length - missing.length}/${ids.length} registered; waiting for ${missing.join(', ')}` };
    },
    intervalSeconds: lab.wait.intervalSeconds,
    timeoutSeconds: lab.wait.timeoutSeconds,
    signal: lab.signal,
  });
  if (result.state !== 'done') {
    throw new Error(
      `the lab's EC2 instances did not all register with ${lab.names.cluster} (${result.state}: ${result.reason ?? ''}); check that their security group allows outbound HTTPS to ECS and that ${INSTANCE_PROFILE} grants the agent's permissions`,
    );
  }
  return {
    instances: instances.map((i) => ({ instanceId: i.InstanceId ?? '', availabilityZone: i.Placement?.AvailabilityZone ?? '', launched: launchedIds.has(i.InstanceId ?? '') })),
    launched: launchedIds.size,
    instanceType: LAB_INSTANCE_TYPE,
    ...(imageId && { imageId }),
    registered: ids.filter((id) => result.value.has(id)).length,
    waitedSeconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** The capacity step of the lab's setup (reported like the other steps). */
export async function capacityStep(lab: Lab): Promise<CapacityResult> {
  const result = await lab.report.step(
    `Setup: EC2 capacity (${instancesNeeded()} × ${LAB_INSTANCE_TYPE} registered with ${lab.names.cluster})`,
    () => ensureCapacity(lab),
    (r) => ({ instances: r.instances.length, launched: r.launched, registered: r.registered, zones: [...new Set(r.instances.map((i) => i.availabilityZone))].sort() }),
  );
  lab.extra.capacity = result;
  return result;
}
