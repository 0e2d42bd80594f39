/**
 * Pushed images as the ECR API shows them: DescribeImages, ListImages,
 * BatchGetImage and BatchDeleteImage over what the registry (`registry.ts`)
 * stored. Deleting by tag removes the tag (and the image with its last tag);
 * deleting by digest removes the image and all its tags, as on AWS.
 *
 * @internal
 */
import { readFileSync } from 'node:fs';
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { paginate } from '../../core/util.js';
import { checkRegistry, notFound } from './repositories.js';
import { ecrState, type EcrState, type RepositoryImages, type StoredImage } from './state.js';

/** `sha256:` + 64 lowercase hex digits. */
export const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** An image tag (the OCI distribution spec's pattern; ECR allows up to 300 characters). */
export const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,299}$/;

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

/** Reads the file holding a blob (or manifest) by digest; registered by the registry that stores them. */
export type BlobPath = (digest: string) => string;
const blobPaths = new WeakMap<object, BlobPath>();

/** Lets BatchGetImage read manifests stored by this cloud's registry (keyed by the cloud's event bus). */
export function setBlobPath(cloud: object, path: BlobPath): void {
  blobPaths.set(cloud, path);
}

interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}

function repository(ctx: RequestContext, input: Record<string, unknown>): { state: EcrState; name: string; images: RepositoryImages | undefined } {
  checkRegistry(ctx, input);
  const state = ecrState(ctx);
  const name = input['repositoryName'];
  if (typeof name !== 'string' || name === '') throw invalid("Invalid parameter at 'repositoryName': required, got: " + String(name));
  if (!Object.hasOwn(state.repositories, name)) throw notFound(ctx, name);
  const images = state.images && Object.hasOwn(state.images, name) ? state.images[name] : undefined;
  return { state, name, images };
}

function imageIds(value: unknown, field = 'imageIds'): ImageId[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > 100) throw invalid(`Invalid parameter at '${field}': a list of 1-100 {imageDigest, imageTag}, got: ${JSON.stringify(value)}`);
  return value.map((id: unknown, i) => {
    if (!id || typeof id !== 'object') throw invalid(`Invalid parameter at '${field}[${i}]': expected {imageDigest, imageTag}`);
    const { imageDigest, imageTag } = id as Record<string, unknown>;
    return { ...(typeof imageDigest === 'string' ? { imageDigest } : {}), ...(typeof imageTag === 'string' ? { imageTag } : {}) };
  });
}

type Resolved = { image: StoredImage } | { failureCode: string; failureReason: string };

/** An image id → the stored image, or ECR's failure code and reason. */
function resolve(images: RepositoryImages | undefined, id: ImageId): Resolved {
  if (id.imageDigest === undefined && id.imageTag === undefined) return { failureCode: 'MissingDigestAndTag', failureReason: 'Missing image digest and image tag' };
  if (id.imageDigest !== undefined && !DIGEST.test(id.imageDigest)) return { failureCode: 'InvalidImageDigest', failureReason: `Invalid image digest: ${id.imageDigest} (expected sha256:<64 hex digits>)` };
  if (id.imageTag !== undefined && !TAG.test(id.imageTag)) return { failureCode: 'InvalidImageTag', failureReason: `Invalid image tag: ${id.imageTag}` };
  const byTag = id.imageTag === undefined ? undefined : images?.tags[id.imageTag];
  if (id.imageTag !== undefined && byTag === undefined) return { failureCode: 'ImageNotFound', failureReason: 'Requested image not found' };
  if (id.imageDigest !== undefined && byTag !== undefined && byTag !== id.imageDigest) return { failureCode: 'ImageTagDoesNotMatchDigest', failureReason: `Invalid parameter: the tag ${id.imageTag} does not match the digest ${id.imageDigest}` };
  const digest = byTag ?? id.imageDigest!;
  const image = images && Object.hasOwn(images.manifests, digest) ? images.manifests[digest] : undefined;
  return image ? { image } : { failureCode: 'ImageNotFound', failureReason: 'Requested image not found' };
}

function tagStatusOf(input: Record<string, unknown>): 'TAGGED' | 'UNTAGGED' | 'ANY' {
  const status = (input['filter'] as { tagStatus?: unknown } | undefined)?.tagStatus ?? 'ANY';
  if (status !== 'TAGGED' && status !== 'UNTAGGED' && status !== 'ANY') throw invalid(`Invalid parameter at 'filter.tagStatus': must be TAGGED, UNTAGGED or ANY, got: ${String(status)}`);
  return status;
}

function matches(image: StoredImage, status: 'TAGGED' | 'UNTAGGED' | 'ANY'): boolean {
  return status === 'ANY' || (status === 'TAGGED') === image.tags.length > 0;
}

function maxResults(input: Record<string, unknown>): number | undefined {
  const value = input['maxResults'];
  if (value === undefined) return undefined;
  const max = Number(value);
  if (!(Number.isInteger(max) && max >= 1 && max <= 1000)) throw invalid(`Invalid parameter at 'maxResults': must be between 1 and 1000, got: ${String(value)}`);
  return max;
}

function detail(ctx: RequestContext, name: string, image: StoredImage) {
  return {
    registryId: ctx.accountId,
    repositoryName: name,
    imageDigest: image.digest,
    ...(image.tags.length ? { imageTags: [...image.tags] } : {}),
    imageSizeInBytes: image.sizeInBytes,
    imagePushedAt: new Date(image.pushedAt),
    imageManifestMediaType: image.mediaType,
    ...(image.artifactMediaType ? { artifactMediaType: image.artifactMediaType } : {}),
    imageStatus: 'ACTIVE',
  };
}

/** DescribeImages: every image (or the ones named; `ImageNotFoundException` for any missing), newest push last. */
export const describeImages: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const { name, images } = repository(ctx, input);
  const status = tagStatusOf(input);
  let found = Object.values(images?.manifests ?? {});
  if (input['imageIds'] !== undefined) {
    if (input['nextToken'] !== undefined || input['maxResults'] !== undefined) throw invalid('maxResults and nextToken cannot be used together with imageIds');
    found = imageIds(input['imageIds']).map((id) => {
      const resolved = resolve(images, id);
      if ('failureCode' in resolved) {
        if (resolved.failureCode === 'ImageNotFound') throw new AwsError('ImageNotFoundException', `The image with imageId ${JSON.stringify(id)} does not exist within the repository with name '${name}' in the registry with id '${ctx.accountId}'`);
        throw invalid(resolved.failureReason);
      }
      return resolved.image;
    });
  }
  found = found.filter((image) => matches(image, status)).sort((a, b) => a.pushedAt - b.pushedAt);
  const { page, nextToken } = paginate(found, input['nextToken'] as string | undefined, maxResults(input), {
    pageSize: 100,
    invalidToken: () => invalid('Invalid parameter at nextToken: the token was not issued by DescribeImages'),
  });
  return { imageDetails: page.map((image) => detail(ctx, name, image)), ...(nextToken ? { nextToken } : {}) };
};

/** ListImages: one `{imageDigest, imageTag}` per tag, and `{imageDigest}` for an untagged image. */
export const listImages: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const { images } = repository(ctx, input);
  const status = tagStatusOf(input);
  const ids = Object.values(images?.manifests ?? {})
    .filter((image) => matches(image, status))
    .flatMap((image) => (image.tags.length ? image.tags.map((imageTag) => ({ imageDigest: image.digest, imageTag })) : [{ imageDigest: image.digest }]));
  const { page, nextToken } = paginate(ids, input['nextToken'] as string | undefined, maxResults(input), {
    pageSize: 100,
    invalidToken: () => invalid('Invalid parameter at nextToken: the token was not issued by ListImages'),
  });
  return { imageIds: page, ...(nextToken ? { nextToken } : {}) };
};

/** BatchGetImage: the manifests themselves (what `ensureImage()` compares digests with). */
export const batchGetImage: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const { name, images } = repository(ctx, input);
  const path = blobPaths.get(ctx.events);
  const found: unknown[] = [];
  const failures: unknown[] = [];
  for (const id of imageIds(input['imageIds'])) {
    const resolved = resolve(images, id);
    if ('failureCode' in resolved || !path) {
      failures.push({ imageId: id, ...('failureCode' in resolved ? resolved : { failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }) });
      continue;
    }
    found.push({
      registryId: ctx.accountId,
      repositoryName: name,
      imageId: { imageDigest: resolved.image.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
      imageManifest: readFileSync(path(resolved.image.digest), 'utf8'),
      imageManifestMediaType: resolved.image.mediaType,
    });
  }
  return { images: found, failures };
};

/** BatchDeleteImage: by tag removes the tag (the image goes with its last tag); by digest removes the image and its tags. */
export const batchDeleteImage: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const { name, images } = repository(ctx, input);
  const deleted: ImageId[] = [];
  const failures: unknown[] = [];
  for (const id of imageIds(input['imageIds'])) {
    const resolved = resolve(images, id);
    if ('failureCode' in resolved) {
      failures.push({ imageId: id, ...resolved });
      continue;
    }
    const { image } = resolved;
    if (id.imageTag !== undefined && id.imageDigest === undefined && image.tags.length > 1) {
      removeTag(images!, image, id.imageTag);
      deleted.push({ imageDigest: image.digest, imageTag: id.imageTag });
      continue;
    }
    for (const imageTag of image.tags) deleted.push({ imageDigest: image.digest, imageTag });
    if (image.tags.length === 0) deleted.push({ imageDigest: image.digest });
    removeImage(ctx, images!, image);
  }
  if (deleted.length) ctx.changed();
  return { imageIds: deleted, failures };
};

function removeTag(images: RepositoryImages, image: StoredImage, tag: string): void {
  image.tags = image.tags.filter((t) => t !== tag);
  delete images.tags[tag];
}

/**
 * Removes a manifest and its tags; blobs no other manifest of the repository
 * references are unlinked, and the registry is told so it can delete files no
 * repository links any more.
 */
export function removeImage(ctx: Pick<RequestContext, 'events'>, images: RepositoryImages, image: StoredImage): void {
  for (const tag of image.tags) delete images.tags[tag];
  delete images.manifests[image.digest];
  const stillUsed = new Set(Object.values(images.manifests).flatMap((m) => m.references));
  const released = [image.digest, ...image.references.filter((d) => !stillUsed.has(d) && !Object.hasOwn(images.manifests, d))];
  for (const digest of released) delete images.blobs[digest];
  ctx.events.emit('ecr:blobs-released', { blobs: released });
}
