/**
 * ECR state: repositories per account+region. A region starts with none, as
 * on a new AWS account; the lab's repositories come from its setup step or
 * the `lab` account preset (`../../presets.ts`).
 *
 * @internal
 */
import type { RequestContext } from '../../core/types.js';

/** A repository as stored. */
export interface StoredRepository {
  repositoryName: string;
  repositoryArn: string;
  registryId: string;
  repositoryUri: string;
  createdAt: number;
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
  scanOnPush: boolean;
  encryptionType: 'AES256' | 'KMS';
  kmsKey?: string;
  tags: { Key: string; Value: string }[];
}

/** One pushed manifest (an image, or an image index) as stored. */
export interface StoredImage {
  /** `sha256:<hex>` of the manifest's exact bytes. */
  digest: string;
  /** The manifest's media type (OCI or Docker v2 schema 2, image or index). */
  mediaType: string;
  /** The config's media type (ECR's `artifactMediaType`), for image manifests. */
  artifactMediaType?: string;
  /** Length of the manifest in bytes. */
  manifestSize: number;
  /** Sum of the layer sizes (ECR's `imageSizeInBytes`). */
  sizeInBytes: number;
  /** Epoch milliseconds of the (last) push. */
  pushedAt: number;
  /** Tags pointing at it. */
  tags: string[];
  /** Blobs (config, layers) or child manifests it references. */
  references: string[];
}

/** The images of one repository: manifests by digest, tags, and the blobs pushed into it. */
export interface RepositoryImages {
  /** Manifests by digest. */
  manifests: Record<string, StoredImage>;
  /** Tag → manifest digest. */
  tags: Record<string, string>;
  /** Blob digest → size: the blobs this repository may serve and reference. */
  blobs: Record<string, number>;
}

/** The `ecr` slice of one account+region. */
export interface EcrState {
  repositories: Record<string, StoredRepository>;
  /** Pushed images per repository name (absent until the first push). */
  images?: Record<string, RepositoryImages>;
}

/** A repository record with AWS's URI and ARN. */
export function newRepository(ctx: Pick<RequestContext, 'accountId' | 'region'>, name: string, createdAt: number): StoredRepository {
  return {
    repositoryName: name,
    repositoryArn: `arn:aws:ecr:${ctx.region}:${ctx.accountId}:repository/${name}`,
    registryId: ctx.accountId,
    repositoryUri: `${ctx.accountId}.dkr.ecr.${ctx.region}.amazonaws.com/${name}`,
    createdAt,
    imageTagMutability: 'MUTABLE',
    scanOnPush: false,
    encryptionType: 'AES256',
    tags: [],
  };
}

/** The ECR slice of this account+region (created empty on first use). */
export function ecrState(ctx: Pick<RequestContext, 'state' | 'accountId' | 'region' | 'now'> & Partial<Pick<RequestContext, 'changed'>>): EcrState {
  const existing = ctx.state['ecr'] as EcrState | undefined;
  if (existing) return existing;
  const created: EcrState = { repositories: {} };
  ctx.state['ecr'] = created;
  ctx.changed?.();
  return created;
}

/** The images of a repository, created empty on first use. */
export function repositoryImages(state: EcrState, name: string): RepositoryImages {
  const images = (state.images ??= {});
  if (!Object.hasOwn(images, name)) images[name] = { manifests: {}, tags: {}, blobs: {} };
  return images[name]!;
}
