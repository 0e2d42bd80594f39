/**
 * The EC2 instance types the local cloud knows: vCPUs, memory, network
 * interfaces, architecture and hypervisor of common general-purpose,
 * compute- and memory-optimised types (a small table, not AWS's 800), and
 * what the ECS agent of the ECS-optimized AMI registers for each.
 *
 * @internal
 */
import { AwsError } from '../../core/types.js';

/** One instance type. */
export interface InstanceTypeInfo {
  /** e.g. `t3.medium`. */
  readonly name: string;
  /** Default vCPUs. */
  readonly vcpus: number;
  /** Installed memory, MiB. */
  readonly memoryMiB: number;
  /** Most network interfaces an instance can have (the primary one included). */
  readonly maxEnis: number;
  /** `x86_64` or `arm64`. */
  readonly architecture: 'x86_64' | 'arm64';
  /** `nitro` or `xen` (DescribeInstanceTypes' notion; DescribeInstances says `xen` for both, as its enum allows no other). */
  readonly hypervisor: 'nitro' | 'xen';
}

type Row = readonly [name: string, vcpus: number, memoryGiB: number, maxEnis: number];

const NITRO_X86: Row[] = [
  ['t3.nano', 2, 0.5, 2], ['t3.micro', 2, 1, 2], ['t3.small', 2, 2, 3], ['t3.medium', 2, 4, 3], ['t3.large', 2, 8, 3], ['t3.xlarge', 4, 16, 4], ['t3.2xlarge', 8, 32, 4],
  ['t3a.nano', 2, 0.5, 2], ['t3a.micro', 2, 1, 2], ['t3a.small', 2, 2, 2], ['t3a.medium', 2, 4, 3], ['t3a.large', 2, 8, 3], ['t3a.xlarge', 4, 16, 4], ['t3a.2xlarge', 8, 32, 4],
  ['m5.large', 2, 8, 3], ['m5.xlarge', 4, 16, 4], ['m5.2xlarge', 8, 32, 4], ['m5.4xlarge', 16, 64, 8], ['m5.8xlarge', 32, 128, 8], ['m5.12xlarge', 48, 192, 8], ['m5.16xlarge', 64, 256, 15], ['m5.24xlarge', 96, 384, 15],
  ['m6i.large', 2, 8, 3], ['m6i.xlarge', 4, 16, 4], ['m6i.2xlarge', 8, 32, 4], ['m6i.4xlarge', 16, 64, 8],
  ['c5.large', 2, 4, 3], ['c5.xlarge', 4, 8, 4], ['c5.2xlarge', 8, 16, 4], ['c5.4xlarge', 16, 32, 8],
  ['c6i.large', 2, 4, 3], ['c6i.xlarge', 4, 8, 4], ['c6i.2xlarge', 8, 16, 4],
  ['r5.large', 2, 16, 3], ['r5.xlarge', 4, 32, 4], ['r5.2xlarge', 8, 64, 4],
];
const NITRO_ARM: Row[] = [
  ['t4g.nano', 2, 0.5, 2], ['t4g.micro', 2, 1, 2], ['t4g.small', 2, 2, 3], ['t4g.medium', 2, 4, 3], ['t4g.large', 2, 8, 3], ['t4g.xlarge', 4, 16, 4], ['t4g.2xlarge', 8, 32, 4],
  ['m6g.large', 2, 8, 3], ['m6g.xlarge', 4, 16, 4], ['m6g.2xlarge', 8, 32, 4],
  ['c6g.large', 2, 4, 3], ['c6g.xlarge', 4, 8, 4],
];
const XEN_X86: Row[] = [
  ['t2.nano', 1, 0.5, 2], ['t2.micro', 1, 1, 2], ['t2.small', 1, 2, 3], ['t2.medium', 2, 4, 3], ['t2.large', 2, 8, 3], ['t2.xlarge', 4, 16, 3], ['t2.2xlarge', 8, 32, 3],
  // RunInstances' default type when InstanceType is absent (previous generation: 1.7 GiB).
  ['m1.small', 1, 1.7, 2],
];

const table = new Map<string, InstanceTypeInfo>();
for (const [rows, architecture, hypervisor] of [
  [NITRO_X86, 'x86_64', 'nitro'],
  [NITRO_ARM, 'arm64', 'nitro'],
  [XEN_X86, 'x86_64', 'xen'],
] as const) {
  for (const [name, vcpus, memoryGiB, maxEnis] of rows) table.set(name, { name, vcpus, memoryMiB: Math.round(memoryGiB * 1024), maxEnis, architecture, hypervisor });
}

/** RunInstances' `InstanceType` when the request names none, as on AWS. */
export const DEFAULT_INSTANCE_TYPE = 'm1.small';

/** The instance type named `name`, or undefined when the local cloud does not know it. */
export function findInstanceType(name: string): InstanceTypeInfo | undefined {
  return table.get(name);
}

/**
 * The instance type named `name`, or EC2's `InvalidParameterValue: Invalid
 * value '…' for InstanceType.` — for a type that is not EC2's, and (naming
 * the ones it knows) for an EC2 type the local cloud's table lacks.
 */
export function requireInstanceType(name: string): InstanceTypeInfo {
  const info = table.get(name);
  if (!info) {
    const known = [...table.keys()].filter((n) => n.split('.')[0] === name.split('.')[0]);
    throw new AwsError(
      'InvalidParameterValue',
      `Invalid value '${name}' for InstanceType. The local cloud knows ${known.length > 0 ? known.join(', ') : 'the t2, t3, t3a, t4g, m5, m6i, m6g, c5, c6i, c6g and r5 families'} (${table.size} types in all).`,
    );
  }
  return info;
}

/** Every instance type the local cloud knows, by name. */
export function instanceTypeNames(): string[] {
  return [...table.keys()].sort();
}

/**
 * What the ECS agent registers for an instance of this type: CPU units
 * (1024 per vCPU) and the memory the operating system reports, less
 * `ECS_RESERVED_MEMORY`. The OS sees the installed memory minus what the
 * kernel and firmware keep, about 99 MiB + 1.32 % here: calibrated on
 * AWS's documented m4.large (8 GiB → 7985 MiB) and a t3.medium's 3943 MiB.
 */
export function ecsRegisteredResources(info: InstanceTypeInfo, reservedMemoryMiB = 0): { cpu: number; memory: number } {
  const osMemory = info.memoryMiB - (99 + Math.round(info.memoryMiB * 0.0132));
  return { cpu: info.vcpus * 1024, memory: Math.max(0, osMemory - reservedMemoryMiB) };
}
