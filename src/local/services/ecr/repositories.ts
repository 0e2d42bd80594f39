/**
 * ECR repositories: CreateRepository, DescribeRepositories, DeleteRepository,
 * tags, and GetAuthorizationToken (for `aws ecr get-login-password`).
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { paginate } from '../../core/util.js';
import { issuePassword, registryEndpoint, TOKEN_LIFETIME_MS } from './auth.js';
import { ecrState, newRepository, type StoredRepository } from './state.js';

/** ECR's repository name pattern, 2-256 characters (also guards the registry's paths). */
export const NAME = /^(?=.{2,256}$)((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)$/;

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

/** `RepositoryNotFoundException` with AWS's wording. */
export function notFound(ctx: Pick<RequestContext, 'accountId'>, name: string): AwsError {
  return new AwsError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${ctx.accountId}'`);
}

/** `InvalidParameterException` for a `registryId` that is not this account. */
export function checkRegistry(ctx: RequestContext, input: Record<string, unknown>): void {
  const registryId = input['registryId'] as string | undefined;
  if (registryId !== undefined && registryId !== ctx.accountId) {
    throw invalid(`Invalid parameter at 'registryId' failed to satisfy constraint: 'registryId ${registryId} is not this account (${ctx.accountId}) in the local cloud'`);
  }
}

/** The SDK's `Repository` shape (`createdAt` as a Date, serialised as epoch seconds). */
function repositoryShape(r: StoredRepository) {
  return {
    repositoryArn: r.repositoryArn,
    registryId: r.registryId,
    repositoryName: r.repositoryName,
    repositoryUri: r.repositoryUri,
    createdAt: new Date(r.createdAt),
    imageTagMutability: r.imageTagMutability,
    imageScanningConfiguration: { scanOnPush: r.scanOnPush },
    encryptionConfiguration: { encryptionType: r.encryptionType, ...(r.kmsKey ? { kmsKey: r.kmsKey } : {}) },
  };
}

function tagsOf(value: unknown): { Key: string; Value: string }[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid("Invalid parameter at 'tags': expected a list of {Key, Value}");
  return value.map((t: { Key?: unknown; Value?: unknown }, i) => {
    if (typeof t?.Key !== 'string' || t.Key === '') throw invalid(`Invalid parameter at 'tags[${i}].Key': must be a non-empty string`);
    return { Key: t.Key, Value: String(t.Value ?? '') };
  });
}

/** CreateRepository: `RepositoryAlreadyExistsException` for a taken name. */
export const createRepository: OperationHandler = (input: Record<string, unknown>, ctx) => {
  checkRegistry(ctx, input);
  const state = ecrState(ctx);
  const name = input['repositoryName'];
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw invalid(
      `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*' and be 2-256 characters', got: ${String(name)}`,
    );
  }
  if (Object.hasOwn(state.repositories, name)) {
    throw new AwsError('RepositoryAlreadyExistsException', `The repository with name '${name}' already exists in the registry with id '${ctx.accountId}'`);
  }
  const repo = newRepository(ctx, name, ctx.now().getTime());
  const mutability = input['imageTagMutability'];
  if (mutability !== undefined) {
    if (mutability !== 'MUTABLE' && mutability !== 'IMMUTABLE') throw invalid(`imageTagMutability must be MUTABLE or IMMUTABLE, got: ${String(mutability)}`);
    repo.imageTagMutability = mutability;
  }
  const scanning = input['imageScanningConfiguration'] as { scanOnPush?: unknown } | undefined;
  if (scanning?.scanOnPush !== undefined) repo.scanOnPush = scanning.scanOnPush === true || scanning.scanOnPush === 'true';
  const encryption = input['encryptionConfiguration'] as { encryptionType?: string; kmsKey?: string } | undefined;
  if (encryption?.encryptionType !== undefined) {
    if (encryption.encryptionType !== 'AES256' && encryption.encryptionType !== 'KMS') throw invalid(`encryptionConfiguration.encryptionType must be AES256 or KMS, got: ${encryption.encryptionType}`);
    repo.encryptionType = encryption.encryptionType;
    if (encryption.kmsKey) repo.kmsKey = encryption.kmsKey;
  }
  repo.tags = tagsOf(input['tags']);
  state.repositories[name] = repo;
  return { repository: repositoryShape(repo) };
};

/** DescribeRepositories: all, or the named ones (`RepositoryNotFoundException` for any missing). */
export const describeRepositories: OperationHandler = (input: Record<string, unknown>, ctx) => {
  checkRegistry(ctx, input);
  const state = ecrState(ctx);
  const names = (input['repositoryNames'] as string[] | undefined) ?? [];
  if (names.length && (input['nextToken'] !== undefined || input['maxResults'] !== undefined)) {
    throw invalid('maxResults and nextToken cannot be used together with repositoryNames');
  }
  let repos = Object.values(state.repositories);
  if (names.length) {
    repos = names.map((name) => {
      const repo = Object.hasOwn(state.repositories, name) ? state.repositories[name] : undefined;
      if (!repo) throw notFound(ctx, name);
      return repo;
    });
  }
  const max = input['maxResults'] === undefined ? undefined : Number(input['maxResults']);
  if (max !== undefined && !(Number.isInteger(max) && max >= 1 && max <= 1000)) throw invalid(`maxResults must be between 1 and 1000, got: ${String(input['maxResults'])}`);
  const { page, nextToken } = paginate(repos, input['nextToken'] as string | undefined, max, {
    pageSize: 100,
    invalidToken: () => invalid('Invalid parameter at nextToken: the token was not issued by DescribeRepositories'),
  });
  return { repositories: page.map(repositoryShape), ...(nextToken ? { nextToken } : {}) };
};

/** DeleteRepository: `RepositoryNotEmptyException` while it holds pushed images, unless `force`. */
export const deleteRepository: OperationHandler = (input: Record<string, unknown>, ctx) => {
  checkRegistry(ctx, input);
  const state = ecrState(ctx);
  const name = String(input['repositoryName'] ?? '');
  const repo = Object.hasOwn(state.repositories, name) ? state.repositories[name] : undefined;
  if (!repo) throw notFound(ctx, name);
  const images = state.images && Object.hasOwn(state.images, name) ? state.images[name] : undefined;
  const force = input['force'] === true || input['force'] === 'true';
  if (images && Object.keys(images.manifests).length > 0 && !force) {
    throw new AwsError('RepositoryNotEmptyException', `The repository with name '${name}' in registry with id '${ctx.accountId}' cannot be deleted because it still contains images`);
  }
  delete state.repositories[name];
  if (images) {
    delete state.images![name];
    ctx.events.emit('ecr:blobs-released', { blobs: Object.keys(images.blobs).concat(Object.keys(images.manifests)) });
  }
  return { repository: repositoryShape(repo) };
};

function repositoryByArn(ctx: RequestContext, resourceArn: unknown): StoredRepository {
  const arn = String(resourceArn ?? '');
  const match = /^arn:aws:ecr:([^:]+):(\d{12}):repository\/(.+)$/.exec(arn);
  if (!match) throw invalid(`Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN', got: ${arn}`);
  const name = match[3] ?? '';
  const repos = ecrState(ctx).repositories;
  const repo = Object.hasOwn(repos, name) ? repos[name] : undefined;
  if (!repo || repo.repositoryArn !== arn) throw notFound(ctx, name);
  return repo;
}

/** TagResource. */
export const tagResource: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const repo = repositoryByArn(ctx, input['resourceArn']);
  for (const tag of tagsOf(input['tags'])) {
    const i = repo.tags.findIndex((t) => t.Key === tag.Key);
    if (i >= 0) repo.tags[i] = tag;
    else repo.tags.push(tag);
  }
  if (repo.tags.length > 50) throw new AwsError('TooManyTagsException', `A repository can have at most 50 tags, got ${repo.tags.length}`);
  return {};
};

/** UntagResource. */
export const untagResource: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const repo = repositoryByArn(ctx, input['resourceArn']);
  const keys = (input['tagKeys'] as string[] | undefined) ?? [];
  repo.tags = repo.tags.filter((t) => !keys.includes(t.Key));
  return {};
};

/** ListTagsForResource. */
export const listTagsForResource: OperationHandler = (input: Record<string, unknown>, ctx) => ({ tags: repositoryByArn(ctx, input['resourceArn']).tags });

/**
 * GetAuthorizationToken: a 12-hour `AWS:<password>` token the local registry
 * accepts; `proxyEndpoint` is the registry's address (the local cloud's own
 * endpoint, e.g. `http://127.0.0.1:4566`), AWS's hostname when no server runs.
 */
export const getAuthorizationToken: OperationHandler = (_input, ctx) => {
  const expiresAt = ctx.now().getTime() + TOKEN_LIFETIME_MS;
  return {
    authorizationData: [
      {
        authorizationToken: Buffer.from(`AWS:${issuePassword(ctx.events, ctx.accountId, expiresAt)}`).toString('base64'),
        expiresAt: new Date(expiresAt),
        proxyEndpoint: registryEndpoint(ctx.events) ?? `https://${ctx.accountId}.dkr.ecr.${ctx.region}.amazonaws.com`,
      },
    ],
  };
};
