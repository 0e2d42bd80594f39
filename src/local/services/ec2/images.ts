/**
 * DescribeImages over a small, fixed catalogue of Amazon-owned public AMIs:
 * the ECS-optimized Amazon Linux 2023 AMIs (x86_64 and arm64, two releases
 * each, so "the newest" means something), the ECS-optimized Amazon Linux 2
 * AMI and a plain Amazon Linux 2023 AMI. Their ids are stable per region.
 * There is no AMI registry behind it: RunInstances accepts any well-formed
 * `ami-…` id; an instance launched from one of the ECS-optimized images
 * runs the ECS agent (which joins the `default` cluster when its user data
 * names none), any other image runs it only when its user data configures
 * it (`ECS_CLUSTER=…`).
 *
 * @internal
 */
import { createHash } from 'node:crypto';
import { AwsError, type OperationHandler } from '../../core/types.js';
import { filterValue, matchesFilters, page, strings, tagSet } from './input.js';

/** One catalogue image. */
export interface CatalogueImage {
  readonly imageId: string;
  readonly name: string;
  readonly description: string;
  readonly architecture: 'x86_64' | 'arm64';
  readonly ownerId: string;
  readonly creationDate: string;
  /** The ECS agent runs on it (the ECS-optimized AMIs). */
  readonly ecsOptimized: boolean;
}

/** Owner of the ECS-optimized AMIs (alias `amazon`). */
const ECS_AMI_OWNER = '591542846629';
/** Owner of the Amazon Linux AMIs (alias `amazon`). */
const AMAZON_LINUX_OWNER = '137112412989';

const ENTRIES: ReadonlyArray<Omit<CatalogueImage, 'imageId'>> = [
  ...(['x86_64', 'arm64'] as const).flatMap((architecture) =>
    [
      ['2023.0.20241217', '2024-12-18T21:05:33.000Z'],
      ['2023.0.20250110', '2025-01-13T19:36:14.000Z'],
    ].map(([release, creationDate]) => ({
      name: `al2023-ami-ecs-hvm-${release}-kernel-6.1-${architecture}`,
      description: `Amazon Linux AMI ${release} ${architecture} ECS HVM EBS`,
      architecture,
      ownerId: ECS_AMI_OWNER,
      creationDate: creationDate!,
      ecsOptimized: true,
    })),
  ),
  {
    name: 'amzn2-ami-ecs-hvm-2.0.20250110-x86_64-ebs',
    description: 'Amazon Linux AMI 2.0.20250110 x86_64 ECS HVM GP2',
    architecture: 'x86_64',
    ownerId: ECS_AMI_OWNER,
    creationDate: '2025-01-13T18:02:51.000Z',
    ecsOptimized: true,
  },
  {
    name: 'al2023-ami-2023.6.20250107.0-kernel-6.1-x86_64',
    description: 'Amazon Linux 2023 AMI 2023.6.20250107.0 x86_64 HVM kernel-6.1',
    architecture: 'x86_64',
    ownerId: AMAZON_LINUX_OWNER,
    creationDate: '2025-01-07T23:22:01.000Z',
    ecsOptimized: false,
  },
];

/** The catalogue of `region`: the same ids for the same region, every time. */
export function catalogue(region: string): CatalogueImage[] {
  return ENTRIES.map((entry) => ({ ...entry, imageId: `ami-${createHash('sha256').update(`${region}/${entry.name}`).digest('hex').slice(0, 17)}` }));
}

/** The catalogue image with this id in `region`, or undefined (any other `ami-` id is an image the local cloud knows nothing about). */
export function findCatalogueImage(region: string, imageId: string): CatalogueImage | undefined {
  return catalogue(region).find((image) => image.imageId === imageId);
}

/** `ami-` followed by 8 or 17 hex digits, as EC2 ids are. */
export const AMI_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** EC2's `InvalidAMIID.Malformed` for an id that is not `ami-…`. */
export function requireWellFormedAmi(imageId: string): void {
  if (!AMI_ID.test(imageId)) throw new AwsError('InvalidAMIID.Malformed', `Invalid id: "${imageId}" (expecting "ami-...")`);
}

function imageShape(image: CatalogueImage) {
  return {
    imageId: image.imageId,
    imageLocation: `amazon/${image.name}`,
    imageState: 'available',
    imageOwnerId: image.ownerId,
    creationDate: image.creationDate,
    isPublic: true,
    architecture: image.architecture,
    imageType: 'machine',
    platformDetails: 'Linux/UNIX',
    usageOperation: 'RunInstances',
    enaSupport: true,
    sriovNetSupport: 'simple',
    imageOwnerAlias: 'amazon',
    name: image.name,
    description: image.description,
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: [{ deviceName: '/dev/xvda', ebs: { deleteOnTermination: true, snapshotId: `snap-${image.imageId.slice(4)}`, volumeSize: 30, volumeType: 'gp3', encrypted: false } }],
    virtualizationType: 'hvm',
    hypervisor: 'xen',
    bootMode: image.architecture === 'arm64' ? 'uefi' : 'uefi-preferred',
    imdsSupport: 'v2.0',
    ...tagSet(undefined),
  };
}

/**
 * DescribeImages: the catalogue by `ImageId` list (`InvalidAMIID.Malformed`,
 * `InvalidAMIID.NotFound`), `Owner` (`amazon`, `self` — which owns none — or
 * account ids), filters (`name`, `image-id`, `owner-alias`, `owner-id`,
 * `architecture`, `state`, `is-public`, `image-type`, `platform-details`,
 * `root-device-type`, `virtualization-type`, `description`, tags) and
 * pagination (`MaxResults` not with `ImageId`).
 */
export const describeImages: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const ids = strings(input['ImageId'] ?? input['ImageIds']);
  const owners = strings(input['Owner'] ?? input['Owners']);
  if (ids.length > 0 && input['MaxResults'] !== undefined) {
    throw new AwsError('InvalidParameterCombination', 'The parameter imagesSet cannot be used with the parameter maxResults');
  }
  for (const id of ids) requireWellFormedAmi(id);
  const images = catalogue(ctx.region);
  const missing = ids.filter((id) => !images.some((image) => image.imageId === id));
  if (missing.length > 0) {
    throw new AwsError('InvalidAMIID.NotFound', missing.length > 1 ? `The image ids '[${missing.join(', ')}]' do not exist` : `The image id '[${missing[0]}]' does not exist`);
  }
  const ownedBy = (image: CatalogueImage) =>
    owners.length === 0 || owners.some((owner) => owner === 'amazon' || owner === image.ownerId || (owner === 'self' && image.ownerId === ctx.accountId));
  const matching = images.filter(
    (image) =>
      (ids.length === 0 || ids.includes(image.imageId)) &&
      ownedBy(image) &&
      matchesFilters(
        input,
        (name) =>
          filterValue(
            {
              name: [image.name],
              'image-id': [image.imageId],
              'owner-alias': ['amazon'],
              'owner-id': [image.ownerId],
              architecture: [image.architecture],
              state: ['available'],
              'is-public': ['true'],
              'image-type': ['machine'],
              'platform-details': ['Linux/UNIX'],
              'root-device-type': ['ebs'],
              'root-device-name': ['/dev/xvda'],
              'virtualization-type': ['hvm'],
              hypervisor: ['xen'],
              description: [image.description],
              'creation-date': [image.creationDate],
              'ena-support': ['true'],
            },
            name,
          ),
      ),
  );
  const { page: shown, nextToken } = page(matching, input);
  return { imagesSet: shown.map(imageShape), nextToken };
};
