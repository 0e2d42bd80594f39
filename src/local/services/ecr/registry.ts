/**
 * The local ECR as a real registry: the OCI Distribution API v2 under `/v2/`
 * on the local cloud's endpoint, so `docker push` / `podman push` work.
 *
 * - `GET /v2/` ping; blobs `HEAD`/`GET`, uploads `POST` (monolithic with
 *   `?digest=`, cross-repository `?mount=&from=`), `PATCH` chunks (in order,
 *   `Content-Range` checked), `PUT ?digest=` to finish, `GET`/`DELETE` an upload;
 *   manifests `HEAD`/`GET`/`PUT`/`DELETE` by tag or digest (OCI and Docker v2
 *   schema 2, images and indexes); `GET /v2/<name>/tags/list` (`n`, `last`).
 * - It sits behind the local cloud's request guard (loopback Host names such as
 *   `127.0.0.1` and `<account>.dkr.ecr.<region>.localhost`, no foreign browser
 *   `Origin`), and every request needs the credentials `GetAuthorizationToken`
 *   handed out: Basic `AWS:<password>`, or `Bearer <password>` (not SigV4).
 * - Repositories are ECR's: pushing to one that does not exist is `NAME_UNKNOWN`.
 * - Digests are verified as bytes arrive; a manifest must only reference blobs
 *   pushed to its repository, with the sizes it claims.
 * - Errors are OCI error JSON (`{"errors":[{"code","message","detail"}]}`) with
 *   the spec's status codes; a failed upload leaves no file behind.
 *
 * @internal
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudState } from '../../core/cloud-state.js';
import type { RequestContext } from '../../core/types.js';
import type { GuardRefusal } from '../../server/guard.js';
import type { MountedListener } from '../../server/handler.js';
import { checkPassword, setRegistryEndpoint } from './auth.js';
import { BlobStore, BlobTooLargeError, type Upload } from './blob-store.js';
import { DIGEST, removeImage, setBlobPath, TAG } from './images.js';
import { parseManifest, ManifestError, type ParsedManifest } from './manifest.js';
import { NAME } from './repositories.js';
import { ecrState, repositoryImages, type EcrState, type RepositoryImages, type StoredImage } from './state.js';

/** Options of {@link createRegistry}. */
export interface RegistryOptions {
  /** The cloud whose ECR repositories and images the registry serves. */
  readonly state: CloudState;
  /** Region of requests whose Host is not `<account>.dkr.ecr.<region>.localhost`. */
  readonly region: string;
  /** Directory for blobs. Default: a temporary directory, removed by `close()`. A given directory is kept. */
  readonly dir?: string;
  /** Largest blob (layer) in bytes. Default 2 GiB. */
  readonly maxBlobBytes?: number;
  /** Largest manifest in bytes. Default 4 MiB (the distribution spec's recommendation). */
  readonly maxManifestBytes?: number;
  /** Uploads in progress at once. Default 64. */
  readonly maxUploads?: number;
  /** An upload idle this long is dropped. Default 15 minutes. */
  readonly uploadIdleMs?: number;
  /** Warnings and internal errors. */
  readonly log?: (line: string) => void;
}

/** The registry of one local cloud. */
export interface Registry {
  /** Where blobs are stored. */
  readonly dir: string;
  /** The `/v2/…` listener, mounted behind the cloud's request guard. */
  readonly mount: MountedListener;
  /** Records the cloud's endpoint (GetAuthorizationToken's `proxyEndpoint`). */
  setEndpoint(endpoint: string): void;
  /** Cancels uploads; removes the directory when it was temporary. */
  close(): void;
}

/** An OCI error: the HTTP status, the spec's code, a message and optional detail. */
class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

const MANIFEST_TYPES_HINT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, or an index/list of them';

/** `true` for the paths the registry answers. */
export function isRegistryPath(url: string | undefined): boolean {
  return url !== undefined && (url === '/v2' || url.startsWith('/v2/') || url.startsWith('/v2?'));
}

/** Creates the registry (its blob directory and event subscriptions). */
export function createRegistry(options: RegistryOptions): Registry {
  const temporary = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ecskit-registry-'));
  const store = new BlobStore(dir);
  const limits = {
    blob: options.maxBlobBytes ?? 2 * 1024 ** 3,
    manifest: options.maxManifestBytes ?? 4 * 1024 ** 2,
    uploads: options.maxUploads ?? 64,
  };
  const { state } = options;
  setBlobPath(state.events, (digest) => store.path(digest));
  const sweep = () => store.sweep(liveBlobs(state));
  state.events.on('ecr:blobs-released', sweep);
  state.events.on('state:reset', sweep);
  sweep(); // blobs a restored state no longer references
  const expiry = setInterval(() => store.expire(options.uploadIdleMs ?? 15 * 60_000), 60_000);
  expiry.unref();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    const request = authenticate(req, state, options.region);
    await route(request, req, res, { state, store, limits });
  };

  return {
    dir,
    mount: {
      handles: isRegistryPath,
      listener: (req, res) => void handle(req, res).catch((error: unknown) => fail(req, res, error, options.log)),
      refuse: (req: IncomingMessage, res: ServerResponse, refusal: GuardRefusal) => {
        res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
        fail(req, res, new RegistryError(refusal.status, 'DENIED', refusal.message, { reason: refusal.reason }), options.log);
      },
    },
    // A wildcard bind address is not an address a client can push to.
    setEndpoint: (endpoint) => setRegistryEndpoint(state.events, endpoint.replace(/^http:\/\/(?:0\.0\.0\.0|\[::\])(?=:)/, 'http://127.0.0.1')),
    close: () => {
      clearInterval(expiry);
      state.events.off('ecr:blobs-released', sweep);
      state.events.off('state:reset', sweep);
      store.close();
      if (temporary) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every blob and manifest digest some repository of this cloud links. */
function liveBlobs(state: CloudState): Set<string> {
  const live = new Set<string>();
  for (const regions of Object.values(state.snapshot())) {
    for (const region of Object.values(regions)) {
      const ecr = region['ecr'] as EcrState | undefined;
      for (const images of Object.values(ecr?.images ?? {})) {
        for (const digest of Object.keys(images.blobs)) live.add(digest);
        for (const digest of Object.keys(images.manifests)) live.add(digest);
      }
    }
  }
  return live;
}

interface Authenticated {
  readonly accountId: string;
  readonly region: string;
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-[a-z]+)+-\d)\.localhost(?::\d{1,5})?$/i;

/**
 * Checks the credentials (the guard has checked Host and Origin); returns the
 * account and region the request is for: from a `<account>.dkr.ecr.<region>.localhost`
 * Host, else the cloud's account and default region.
 */
function authenticate(req: IncomingMessage, state: CloudState, defaultRegion: string): Authenticated {
  const ecrHost = ECR_HOST.exec(req.headers.host ?? '');
  const accountId = ecrHost?.[1] ?? state.accountId;
  const region = ecrHost?.[2]?.toLowerCase() ?? defaultRegion;
  const header = req.headers.authorization ?? '';
  const basic = /^Basic\s+([A-Za-z0-9+/=]{1,4096})\s*$/i.exec(header);
  const bearer = /^Bearer\s+(\S{1,4096})\s*$/i.exec(header);
  if (!basic && !bearer) {
    if (/^Basic\s/i.test(header)) throw unauthorized('malformed Basic credentials (expected base64 of AWS:<password>); log in again with the token from GetAuthorizationToken');
    if (header !== '') throw unauthorized(`unsupported Authorization scheme '${header.split(/\s/)[0]!.slice(0, 20)}': send Basic AWS:<password> or Bearer <password> from GetAuthorizationToken (SigV4 is for the AWS APIs, not the registry)`);
    throw unauthorized('authentication required: log in with the token from GetAuthorizationToken (aws ecr get-login-password | docker login --username AWS --password-stdin <registry>)');
  }
  let password: string;
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString();
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    password = colon < 0 ? '' : decoded.slice(colon + 1);
    if (user !== 'AWS') throw unauthorized(`the user name must be AWS, got: '${user.slice(0, 64)}'`);
  } else {
    // Bearer: the password, or the whole base64 authorizationToken (AWS:<password>).
    const token = bearer![1]!;
    const decoded = /^[A-Za-z0-9+/=]+$/.test(token) ? Buffer.from(token, 'base64').toString() : '';
    password = decoded.startsWith('AWS:') ? decoded.slice(4) : token;
  }
  const check = checkPassword(state.events, password, state.now().getTime());
  if (!check.ok) throw unauthorized(`${check.reason}; get a new one with GetAuthorizationToken (aws ecr get-login-password)`);
  if (check.accountId !== accountId) throw new RegistryError(403, 'DENIED', `the token is for account ${check.accountId}, this registry is account ${accountId}`);
  return { accountId, region };
}

function unauthorized(message: string): RegistryError {
  return new RegistryError(401, 'UNAUTHORIZED', message);
}

interface Context {
  readonly state: CloudState;
  readonly store: BlobStore;
  readonly limits: { blob: number; manifest: number; uploads: number };
}

const ROUTE = /^\/v2\/(.+)\/(?:blobs\/uploads\/?([^/]*)|blobs\/([^/]+)|manifests\/([^/]+)|(tags\/list))$/;

async function route(auth: Authenticated, req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://registry');
  const rawPath = (req.url ?? '/').split('?')[0]!;
  if (rawPath === '/v2/' || rawPath === '/v2') return send(req, res, 200, {});
  const match = ROUTE.exec(rawPath);
  if (!match) throw new RegistryError(404, 'NOT_FOUND', `no registry route for ${req.method} ${rawPath.slice(0, 200)}`);
  const [, name = '', uploadId, blobDigest, manifestRef, tags] = match;
  if (!NAME.test(name)) throw new RegistryError(400, 'NAME_INVALID', `invalid repository name: '${name.slice(0, 300)}' (lowercase letters, digits, . _ - separators and / between components, 2-256 characters)`, { name: name.slice(0, 300) });
  const repo = openRepository(ctx.state, auth, name);
  const method = req.method ?? 'GET';
  if (uploadId !== undefined) return uploads(method, uploadId, url, req, res, ctx, repo);
  if (blobDigest !== undefined) return blobs(method, blobDigest, req, res, ctx, repo);
  if (manifestRef !== undefined) return manifests(method, manifestRef.replace(/%3a/gi, ':'), req, res, ctx, repo);
  if (tags !== undefined && method === 'GET') return tagList(url, req, res, repo);
  throw unsupported(method, rawPath);
}

interface Repo {
  readonly name: string;
  readonly scope: string;
  readonly ecr: EcrState;
  readonly images: RepositoryImages;
  readonly immutable: boolean;
  readonly state: CloudState;
  /** The context the repository was read through: its changes go to the journal. */
  readonly ctx: RequestContext;
}

/** Saves what a request changed: marks state changed and journals the records, as an API call does. */
function commit(repo: Repo): void {
  repo.state.commit(repo.ctx);
}

function openRepository(state: CloudState, auth: Authenticated, name: string): Repo {
  const ctx = state.context('ecr', 'Registry', auth.region, auth.accountId);
  const ecr = ecrState(ctx);
  const repository = Object.hasOwn(ecr.repositories, name) ? ecr.repositories[name] : undefined;
  if (!repository) {
    throw new RegistryError(404, 'NAME_UNKNOWN', `The repository with name '${name}' does not exist in the registry with id '${auth.accountId}' (region ${auth.region}). Create it first: aws ecr create-repository --repository-name ${name}`, { name });
  }
  return { name, scope: `${auth.accountId}/${auth.region}`, ecr, images: repositoryImages(ecr, name), immutable: repository.imageTagMutability === 'IMMUTABLE', state, ctx };
}

function unsupported(method: string, path: string): RegistryError {
  return new RegistryError(405, 'UNSUPPORTED', `${method} is not supported on ${path.slice(0, 200)}`);
}

function digestParam(value: string | null, what: string): string {
  if (value === null || value === '') throw new RegistryError(400, 'DIGEST_INVALID', `${what}: the digest query parameter is required (sha256:<64 hex digits>)`);
  if (!DIGEST.test(value)) throw new RegistryError(400, 'DIGEST_INVALID', `${what}: unsupported or malformed digest '${value.slice(0, 200)}' (expected sha256:<64 lowercase hex digits>)`, { digest: value.slice(0, 200) });
  return value;
}

// ---- blobs ----

async function blobs(method: string, digest: string, req: IncomingMessage, res: ServerResponse, ctx: Context, repo: Repo): Promise<void> {
  if (method === 'DELETE') throw new RegistryError(405, 'UNSUPPORTED', 'ECR does not delete single blobs; delete the image (BatchDeleteImage) and its unreferenced layers go with it');
  if (method !== 'GET' && method !== 'HEAD') throw unsupported(method, req.url ?? '');
  if (!DIGEST.test(digest)) throw new RegistryError(400, 'DIGEST_INVALID', `malformed digest '${digest.slice(0, 200)}'`);
  const size = Object.hasOwn(repo.images.blobs, digest) ? ctx.store.size(digest) : undefined;
  if (size === undefined) throw new RegistryError(404, 'BLOB_UNKNOWN', `blob ${digest} is not in repository ${repo.name}`, { digest });
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size, 'Docker-Content-Digest': digest, ETag: `"${digest}"` });
  if (method === 'HEAD') return void res.end();
  const stream = ctx.store.read(digest);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

async function uploads(method: string, id: string, url: URL, req: IncomingMessage, res: ServerResponse, ctx: Context, repo: Repo): Promise<void> {
  if (id === '') {
    if (method !== 'POST') throw unsupported(method, url.pathname);
    return startUpload(url, req, res, ctx, repo);
  }
  const upload = ctx.store.upload(id);
  if (!upload || upload.repository !== repo.name || upload.scope !== repo.scope) throw new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', `upload ${id.slice(0, 64)} is not in progress in repository ${repo.name}`);
  if (upload.busy) throw new RegistryError(400, 'BLOB_UPLOAD_INVALID', `upload ${id} is receiving another request; send chunks one at a time`);
  if (method === 'GET') return uploadStatus(res, req, repo, upload, 204);
  if (method === 'DELETE') {
    ctx.store.cancel(upload);
    return send(req, res, 204);
  }
  if (method === 'PATCH') {
    checkContentRange(req, upload);
    await receive(req, ctx, upload);
    return uploadStatus(res, req, repo, upload, 202);
  }
  if (method === 'PUT') return finishUpload(url.searchParams.get('digest'), req, res, ctx, repo, upload);
  throw unsupported(method, url.pathname);
}

async function startUpload(url: URL, req: IncomingMessage, res: ServerResponse, ctx: Context, repo: Repo): Promise<void> {
  const mount = url.searchParams.get('mount');
  const from = url.searchParams.get('from');
  if (mount !== null && from !== null && DIGEST.test(mount) && NAME.test(from)) {
    const source = repo.ecr.images && Object.hasOwn(repo.ecr.images, from) ? repo.ecr.images[from] : undefined;
    const size = source && Object.hasOwn(source.blobs, mount) ? ctx.store.size(mount) : undefined;
    if (size !== undefined) {
      link(repo, mount, size);
      return created(req, res, `/v2/${repo.name}/blobs/${mount}`, mount);
    }
    // Not mountable: the spec says fall back to a regular upload.
  }
  if (ctx.store.uploads >= ctx.limits.uploads) throw new RegistryError(429, 'TOOMANYREQUESTS', `${ctx.limits.uploads} uploads are already in progress; finish or cancel some first`);
  const digest = url.searchParams.get('digest');
  if (digest !== null) {
    const expected = digestParam(digest, 'monolithic upload');
    checkDeclaredLength(req, 0, ctx);
    const upload = ctx.store.start(repo.name, repo.scope);
    return finishUpload(expected, req, res, ctx, repo, upload);
  }
  const upload = ctx.store.start(repo.name, repo.scope);
  return uploadStatus(res, req, repo, upload, 202);
}

function uploadStatus(res: ServerResponse, req: IncomingMessage, repo: Repo, upload: Upload, status: 202 | 204): void {
  res.writeHead(status, {
    Location: `/v2/${repo.name}/blobs/uploads/${upload.id}`,
    Range: `0-${Math.max(upload.size - 1, 0)}`,
    'Docker-Upload-UUID': upload.id,
    'Content-Length': 0,
  });
  res.end();
  drain(req);
}

/** A PATCH that says where its chunk starts must start where the upload ends (chunks in order). */
function checkContentRange(req: IncomingMessage, upload: Upload): void {
  const range = req.headers['content-range'];
  if (range === undefined) return;
  const match = /^(?:bytes )?(\d+)-(\d+)$/.exec(range.trim());
  if (!match || Number(match[1]) !== upload.size || Number(match[2]) < Number(match[1])) {
    throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', `Content-Range '${range.slice(0, 100)}' does not continue the upload, which has ${upload.size} bytes (send ${upload.size}-<end>)`, { size: upload.size });
  }
}

function checkDeclaredLength(req: IncomingMessage, current: number, ctx: Context): void {
  const length = Number(req.headers['content-length'] ?? 0);
  if (current + length > ctx.limits.blob) throw tooLarge(ctx.limits.blob);
}

function tooLarge(limit: number): RegistryError {
  return new RegistryError(413, 'SIZE_INVALID', `blob exceeds the local registry's limit of ${limit} bytes (startLocalCloud({ registry: { maxBlobBytes } }) raises it)`, { limit });
}

async function receive(req: IncomingMessage, ctx: Context, upload: Upload): Promise<void> {
  try {
    checkDeclaredLength(req, upload.size, ctx);
  } catch (error) {
    ctx.store.cancel(upload);
    throw error;
  }
  try {
    await ctx.store.append(upload, req, ctx.limits.blob);
  } catch (error) {
    if (error instanceof BlobTooLargeError) throw tooLarge(ctx.limits.blob);
    throw error;
  }
}

async function finishUpload(digestValue: string | null, req: IncomingMessage, res: ServerResponse, ctx: Context, repo: Repo, upload: Upload): Promise<void> {
  let expected: string;
  try {
    expected = digestParam(digestValue, 'finishing an upload');
  } catch (error) {
    ctx.store.cancel(upload);
    throw error;
  }
  await receive(req, ctx, upload);
  const actual = ctx.store.digest(upload);
  if (actual !== expected) {
    ctx.store.cancel(upload);
    throw new RegistryError(400, 'DIGEST_INVALID', `the uploaded content's digest is ${actual}, not ${expected}; the upload was discarded`, { expected, actual });
  }
  const size = upload.size;
  ctx.store.commit(upload, expected);
  link(repo, expected, size);
  created(req, res, `/v2/${repo.name}/blobs/${expected}`, expected);
}

function link(repo: Repo, digest: string, size: number): void {
  repo.images.blobs[digest] = size;
  commit(repo);
}

function created(req: IncomingMessage, res: ServerResponse, location: string, digest: string): void {
  res.writeHead(201, { Location: location, 'Docker-Content-Digest': digest, 'Content-Length': 0 });
  res.end();
  drain(req);
}

// ---- manifests ----

async function manifests(method: string, reference: string, req: IncomingMessage, res: ServerResponse, ctx: Context, repo: Repo): Promise<void> {
  const isDigest = reference.startsWith('sha256:') || reference.includes(':');
  if (isDigest ? !DIGEST.test(reference) : !TAG.test(reference)) {
    throw new RegistryError(400, isDigest ? 'DIGEST_INVALID' : 'TAG_INVALID', `invalid manifest reference '${reference.slice(0, 200)}' (a tag [A-Za-z0-9_][A-Za-z0-9._-]{0,127} or sha256:<hex>)`);
  }
  if (method === 'PUT') return putManifest(reference, isDigest, req, res, ctx, repo);
  if (method !== 'GET' && method !== 'HEAD' && method !== 'DELETE') throw unsupported(method, req.url ?? '');
  const digest = isDigest ? reference : repo.images.tags[reference];
  const image = digest !== undefined && Object.hasOwn(repo.images.manifests, digest) ? repo.images.manifests[digest] : undefined;
  if (!image) throw new RegistryError(404, 'MANIFEST_UNKNOWN', `manifest ${reference} is not in repository ${repo.name}`, { reference });
  if (method === 'DELETE') {
    if (isDigest || image.tags.length <= 1) removeImage(repo.state, repo.images, image);
    else {
      image.tags = image.tags.filter((t) => t !== reference);
      delete repo.images.tags[reference];
    }
    commit(repo);
    return send(req, res, 202);
  }
  res.writeHead(200, { 'Content-Type': image.mediaType, 'Content-Length': image.manifestSize, 'Docker-Content-Digest': image.digest, ETag: `"${image.digest}"` });
  if (method === 'HEAD') return void res.end();
  ctx.store.read(image.digest).on('error', () => res.destroy()).pipe(res);
}

async function putManifest(reference: string, isDigest: boolean, req: IncomingMessage, res: ServerResponse, ctx: Context, repo: Repo): Promise<void> {
  const body = await readBody(req, ctx.limits.manifest);
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  if (isDigest && digest !== reference) throw new RegistryError(400, 'DIGEST_INVALID', `the manifest's digest is ${digest}, not ${reference}`, { expected: reference, actual: digest });
  let parsed: ParsedManifest;
  try {
    parsed = parseManifest(body, req.headers['content-type']);
  } catch (error) {
    if (error instanceof ManifestError) throw new RegistryError(400, 'MANIFEST_INVALID', `${error.message} (supported: ${MANIFEST_TYPES_HINT})`);
    throw error;
  }
  checkReferences(parsed, repo);
  if (!isDigest && repo.immutable) {
    const current = repo.images.tags[reference];
    if (current !== undefined && current !== digest) {
      throw new RegistryError(400, 'TAG_INVALID', `The image tag '${reference}' already exists in the '${repo.name}' repository and cannot be overwritten because the repository is immutable.`, { tag: reference });
    }
  }
  ctx.store.writeWhole(digest, body);
  storeImage(repo, digest, body.length, parsed, isDigest ? undefined : reference);
  res.writeHead(201, { Location: `/v2/${repo.name}/manifests/${digest}`, 'Docker-Content-Digest': digest, 'Content-Length': 0 });
  res.end();
}

/** Every blob (image) or child manifest (index) must be in the repository, with the size the manifest says. */
function checkReferences(parsed: ParsedManifest, repo: Repo): void {
  for (const descriptor of parsed.references) {
    if (parsed.kind === 'index') {
      const child = Object.hasOwn(repo.images.manifests, descriptor.digest) ? repo.images.manifests[descriptor.digest] : undefined;
      if (!child) throw new RegistryError(400, 'MANIFEST_BLOB_UNKNOWN', `the index references manifest ${descriptor.digest}, which is not in repository ${repo.name}; push it first`, { digest: descriptor.digest });
      continue;
    }
    const size = Object.hasOwn(repo.images.blobs, descriptor.digest) ? repo.images.blobs[descriptor.digest] : undefined;
    if (size === undefined) throw new RegistryError(400, 'MANIFEST_BLOB_UNKNOWN', `the manifest references blob ${descriptor.digest}, which was not pushed to repository ${repo.name}; push the blob first`, { digest: descriptor.digest });
    if (size !== descriptor.size) throw new RegistryError(400, 'MANIFEST_INVALID', `the manifest says blob ${descriptor.digest} has ${descriptor.size} bytes; it has ${size}`, { digest: descriptor.digest });
  }
}

function storeImage(repo: Repo, digest: string, manifestSize: number, parsed: ParsedManifest, tag: string | undefined): void {
  const now = repo.state.now().getTime();
  const existing = Object.hasOwn(repo.images.manifests, digest) ? repo.images.manifests[digest] : undefined;
  const image: StoredImage = existing ?? {
    digest,
    mediaType: parsed.mediaType,
    ...(parsed.artifactMediaType ? { artifactMediaType: parsed.artifactMediaType } : {}),
    manifestSize,
    sizeInBytes: parsed.layersSize,
    pushedAt: now,
    tags: [],
    references: parsed.references.map((d) => d.digest),
  };
  image.pushedAt = now;
  repo.images.manifests[digest] = image;
  if (tag !== undefined) {
    const previous = repo.images.tags[tag];
    if (previous !== undefined && previous !== digest && Object.hasOwn(repo.images.manifests, previous)) {
      const old = repo.images.manifests[previous]!;
      old.tags = old.tags.filter((t) => t !== tag); // stays as an untagged image, as on ECR
    }
    repo.images.tags[tag] = digest;
    if (!image.tags.includes(tag)) image.tags.push(tag);
  }
  commit(repo);
}

function tagList(url: URL, req: IncomingMessage, res: ServerResponse, repo: Repo): void {
  const n = url.searchParams.get('n');
  const last = url.searchParams.get('last');
  const limit = n === null ? undefined : Number(n);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0 && limit <= 1000)) throw new RegistryError(400, 'PAGINATION_NUMBER_INVALID', `n must be an integer 0-1000, got: '${n!.slice(0, 20)}'`);
  let tags = Object.keys(repo.images.tags).sort();
  if (last !== null) tags = tags.filter((t) => t > last);
  const page = limit === undefined ? tags : tags.slice(0, limit);
  if (limit !== undefined && tags.length > page.length && page.length > 0) {
    res.setHeader('Link', `</v2/${repo.name}/tags/list?n=${limit}&last=${encodeURIComponent(page.at(-1)!)}>; rel="next"`);
  }
  send(req, res, 200, { name: repo.name, tags: page });
}

// ---- plumbing ----

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw new RegistryError(413, 'SIZE_INVALID', `manifest exceeds the limit of ${limit} bytes`, { limit });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new RegistryError(413, 'SIZE_INVALID', `manifest exceeds the limit of ${limit} bytes`, { limit });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), 'Content-Length': Buffer.byteLength(text) });
  res.end(req.method === 'HEAD' ? undefined : text);
  drain(req);
}

/** Reads and discards what is left of a request body, so the connection can be reused. */
function drain(req: IncomingMessage): void {
  if (!req.complete) req.resume();
}

/** Answers an error; a request whose body was not read closes its connection rather than reading a possibly huge rest. */
function fail(req: IncomingMessage, res: ServerResponse, error: unknown, log: ((line: string) => void) | undefined): void {
  const known = error instanceof RegistryError;
  if (!known) log?.(`[ecskit local] registry: ${req.method} ${req.url}: ${(error as Error)?.stack ?? String(error)}`);
  const status = known ? error.status : 500;
  const body = { errors: [{ code: known ? error.code : 'UNKNOWN', message: known ? error.message : 'internal error in the local registry', ...(known && error.detail !== undefined ? { detail: error.detail } : {}) }] };
  if (res.headersSent) return void res.destroy();
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) };
  if (status === 401) headers['WWW-Authenticate'] = `Basic realm="ecskit local ECR", service="ecr.amazonaws.com"`;
  const unread = !req.complete;
  if (unread) headers['Connection'] = 'close';
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : text, () => {
    if (unread) req.socket.destroy();
  });
}
