/**
 * Image operations: build an image with the engine on this machine, log in
 * to ECR with `GetAuthorizationToken` and push — on AWS or to the local
 * cloud's registry, the same calls. Each verb is idempotent: a rebuild of
 * unchanged inputs reports `changed: false` (the engine's layer cache gives
 * the same image id), and a push of an image the repository already holds
 * under that tag (same config digest) pushes nothing.
 *
 * ```ts
 * const clients = await connect({ endpoint: cloud.endpoint });
 * const { imageUri } = await ensureImage({
 *   ecr: clients.ecr,
 *   repository: 'flask-inventory/invsys',
 *   tag: 'v2.0.0',
 *   build: { context: '.', dockerfile: 'apps/inventory/Dockerfile', buildArgs: { APP_VERSION: '2.0.0' } },
 * });
 * // imageUri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/flask-inventory/invsys:v2.0.0
 * ```
 *
 * `ECSKIT_NODE_IMAGE` (or the `nodeImage` option) is passed to every build as
 * `--build-arg NODE_IMAGE=…`: the base image of the apps' Dockerfiles. A
 * `localhost/…` base (the offline one, `npm run image:offline-base`) is built
 * with `--pull=never`.
 *
 * @module
 */
import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  RepositoryNotFoundException,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { ContainerEngineError, detectContainerEngine, type ContainerEngine } from './engine.js';

/** Options every image operation takes. */
export interface ImageEngineOptions {
  /** The engine to drive. Default: {@link detectContainerEngine} (`ECSKIT_CONTAINER_ENGINE` overrides). */
  readonly engine?: ContainerEngine;
  /** Environment read for `ECSKIT_NODE_IMAGE` and engine detection. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Engine output as it arrives (build steps, push progress). */
  readonly onOutput?: (chunk: string) => void;
  /** Kill an engine command after this long. Default 15 minutes. */
  readonly timeoutMs?: number;
}

/** Options of {@link buildImage}. */
export interface BuildImageOptions extends ImageEngineOptions {
  /** The build context directory. */
  readonly context: string;
  /** The Dockerfile; relative paths are from the current directory. Default `<context>/Dockerfile`. */
  readonly dockerfile?: string;
  /** Name(s) to tag the image with, e.g. `flask-inventory/invsys:v2.0.0`. */
  readonly tag: string | readonly string[];
  /** `--build-arg`s (e.g. `{ APP_VERSION: '2.0.0' }`). */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /**
   * The base image, passed as `--build-arg NODE_IMAGE=…`. Default `ECSKIT_NODE_IMAGE`, else the
   * Dockerfile's own default (`node:20-bookworm-slim` for the apps). Empty string: the Dockerfile's default.
   */
  readonly nodeImage?: string;
  /** Pull policy for `FROM` images. Default `never` for a `localhost/…` base, else the engine's default. */
  readonly pull?: 'never' | 'missing' | 'always';
}

/** What {@link buildImage} produced. */
export interface BuiltImage {
  /** The first tag (what {@link pushImage} takes as `image`), as the engine names it (podman: `localhost/…` for a tag without a registry). */
  readonly image: string;
  /** Every tag given, named as {@link image} is. */
  readonly tags: readonly string[];
  /** The engine's image id (`sha256:<hex>`), the digest of the image's config. */
  readonly id: string;
  /** Size in the engine's store, bytes (uncompressed). */
  readonly sizeBytes: number;
  /** `false` when the tag already named this exact image (nothing changed since the last build). */
  readonly changed: boolean;
  /** The base image used (`NODE_IMAGE`), when one was given. */
  readonly nodeImage: string | undefined;
}

/** An image reference: `[registry/]path[:tag][@digest]` (lowercase path components). */
const IMAGE_REF = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d{1,5})?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const REPOSITORY = /^(?=.{2,256}$)[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkRef(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > 512 || !IMAGE_REF.test(value)) {
    throw new TypeError(`${field} must be an image reference like flask-inventory/invsys:v2.0.0 (lowercase name, optional registry and tag), got: ${JSON.stringify(value)?.slice(0, 200)}`);
  }
  return value;
}

const timeout = (options: ImageEngineOptions) => options.timeoutMs ?? 15 * 60_000;
const engineOf = async (options: ImageEngineOptions) => options.engine ?? (await detectContainerEngine({ ...(options.env ? { env: options.env } : {}) }));

/** The image's id and size in the engine's store, or undefined when it has no such image. */
async function inspectImage(engine: ContainerEngine, image: string): Promise<{ id: string; size: number } | undefined> {
  try {
    const { stdout } = await engine.exec(['image', 'inspect', '--format', '{{.Id}} {{.Size}}', image], { timeoutMs: 60_000 });
    const [id = '', size = '0'] = stdout.trim().split(/\s+/);
    return { id: id.startsWith('sha256:') ? id : `sha256:${id}`, size: Number(size) };
  } catch (error) {
    if (error instanceof ContainerEngineError && error.code === 'COMMAND_FAILED') return undefined;
    throw error;
  }
}

/**
 * Builds an image from a Dockerfile with the engine on this machine (podman:
 * `--isolation chroot --network host --format docker`, so `HEALTHCHECK` is kept).
 *
 * @throws TypeError for a bad tag, build argument, context or Dockerfile (naming the field and value).
 * @throws {@link ContainerEngineError} when no engine answers (`ENGINE_NOT_FOUND`/`ENGINE_NOT_RUNNING`,
 *   the message names the fix) or the build fails (`COMMAND_FAILED`, with the engine's output).
 */
export async function buildImage(options: BuildImageOptions): Promise<BuiltImage> {
  const tags = (typeof options.tag === 'string' ? [options.tag] : [...options.tag]).map((t, i) => checkRef(t, typeof options.tag === 'string' ? 'tag' : `tag[${i}]`));
  if (tags.length === 0) throw new TypeError('tag must name at least one image, like flask-inventory/invsys:v2.0.0');
  const context = resolve(options.context);
  if (!isDirectory(context)) throw new TypeError(`context must be a directory, got: ${JSON.stringify(options.context)} (resolved ${context})`);
  const dockerfile = options.dockerfile === undefined ? join(context, 'Dockerfile') : isAbsolute(options.dockerfile) ? options.dockerfile : resolve(options.dockerfile);
  if (!isFile(dockerfile)) throw new TypeError(`dockerfile ${JSON.stringify(options.dockerfile ?? 'Dockerfile')} does not exist (looked at ${dockerfile})`);
  for (const [name, value] of Object.entries(options.buildArgs ?? {})) {
    if (!ARG_NAME.test(name)) throw new TypeError(`buildArgs: '${name.slice(0, 100)}' is not a build argument name (letters, digits, _)`);
    if (typeof value !== 'string') throw new TypeError(`buildArgs.${name} must be a string, got: ${typeof value}`);
  }
  const env = options.env ?? process.env;
  const nodeImage = options.nodeImage ?? (env['ECSKIT_NODE_IMAGE'] || undefined);
  if (nodeImage) checkRef(nodeImage, options.nodeImage === undefined ? 'ECSKIT_NODE_IMAGE' : 'nodeImage');
  const engine = await engineOf(options);
  const pull = options.pull ?? (nodeImage?.startsWith('localhost/') ? 'never' : undefined);
  // podman resolves a short name against every image it has: `-t flask-inventory/invsys:v2.0.0` re-tags a
  // pulled `127.0.0.1:5000/flask-inventory/invsys:v2.0.0` instead of naming the new build. Name it fully.
  if (engine.name === 'podman') tags.splice(0, tags.length, ...tags.map(qualifiedLocalName));
  const before = await inspectImage(engine, tags[0]!);
  const args = [
    'build',
    ...engine.buildFlags(pull === undefined ? {} : { pull }),
    ...(engine.name === 'podman' ? ['--format', 'docker'] : []),
    '-f',
    dockerfile,
    ...tags.flatMap((t) => ['-t', t]),
    ...(nodeImage ? ['--build-arg', `NODE_IMAGE=${nodeImage}`] : []),
    ...Object.entries(options.buildArgs ?? {}).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
    context,
  ];
  await engine.exec(args, { timeoutMs: timeout(options), ...(options.onOutput ? { onOutput: (chunk) => options.onOutput!(chunk) } : {}) });
  const after = await inspectImage(engine, tags[0]!);
  if (!after) throw new ContainerEngineError('COMMAND_FAILED', `${engine.name} build finished but ${tags[0]} is not in its store`, { command: [engine.name, ...args] });
  return { image: tags[0]!, tags, id: after.id, sizeBytes: after.size, changed: before?.id !== after.id, nodeImage };
}

/** `name` with podman's `localhost/` when it names no registry (a first component without `.`, `:` or `localhost`). */
export function qualifiedLocalName(name: string): string {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? name : `localhost/${name}`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A registry login {@link loginToEcr} did. */
export interface EcrLogin {
  /** `host[:port]` of the registry: `<account>.dkr.ecr.<region>.amazonaws.com`, or the local cloud's `127.0.0.1:<port>`. */
  readonly registry: string;
  /** `true` for a plain-HTTP registry (the local cloud): podman pushes with `--tls-verify=false`. */
  readonly insecure: boolean;
  /** When the token expires (12 hours on AWS). */
  readonly expiresAt: Date | undefined;
}

/** Options of {@link loginToEcr}. */
export interface EcrLoginOptions extends ImageEngineOptions {
  /** The ECR client (`connect().ecr`): its endpoint, region and credentials pick the registry. */
  readonly ecr: ECRClient;
}

/**
 * Logs the engine in to the account's ECR registry with `GetAuthorizationToken`
 * (user `AWS`, the token's password, `--password-stdin`), as
 * `aws ecr get-login-password | docker login` does.
 *
 * @throws {@link ContainerEngineError} `COMMAND_FAILED` when the registry refuses the login (message names the fix).
 */
export async function loginToEcr(options: EcrLoginOptions): Promise<EcrLogin> {
  const engine = await engineOf(options);
  const data = (await options.ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0];
  if (!data?.authorizationToken || !data.proxyEndpoint) throw new Error('GetAuthorizationToken returned no authorizationData; check the ECR endpoint and credentials');
  const decoded = Buffer.from(data.authorizationToken, 'base64').toString();
  const password = decoded.startsWith('AWS:') ? decoded.slice(4) : decoded;
  const url = new URL(data.proxyEndpoint);
  const registry = url.host;
  const insecure = url.protocol === 'http:';
  const args = ['login', '--username', 'AWS', '--password-stdin', ...(insecure && engine.name === 'podman' ? ['--tls-verify=false'] : []), registry];
  try {
    await engine.exec(args, { input: password, timeoutMs: 120_000 });
  } catch (error) {
    if (!(error instanceof ContainerEngineError) || error.code !== 'COMMAND_FAILED') throw error;
    const fix = insecure && engine.name === 'docker'
      ? ` Fix: docker talks plain HTTP only to 127.0.0.0/8 and its "insecure-registries" (/etc/docker/daemon.json): add "${registry}" there and restart dockerd, or reach the local cloud on 127.0.0.1.`
      : ' Fix: check that the ECR endpoint and credentials are the ones the registry belongs to, and that the registry is reachable from this machine.';
    throw new ContainerEngineError('COMMAND_FAILED', `Registry login to ${registry} failed: ${error.message}.${fix}`, { command: [engine.name, ...args], stderr: error.stderr, ...(error.exitCode === undefined ? {} : { exitCode: error.exitCode }), cause: error });
  }
  return { registry, insecure, expiresAt: data.expiresAt };
}

/** Options of {@link pushImage}. */
export interface PushImageOptions extends EcrLoginOptions {
  /** The local image to push (a tag from {@link buildImage}, or an id). */
  readonly image: string;
  /** ECR repository name, e.g. `flask-inventory/invsys`. */
  readonly repository: string;
  /** Tag to push as, e.g. `v2.0.0`. */
  readonly tag: string;
  /** Create the repository when it does not exist. Default `false` (a missing repository is an error naming the fix). */
  readonly createRepository?: boolean;
}

/** What {@link pushImage} did. */
export interface PushedImage {
  /** What a task definition names: `<repositoryUri>:<tag>` (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`). */
  readonly imageUri: string;
  /** The reference the engine pushed to (`127.0.0.1:<port>/<repo>:<tag>` on the local cloud, else {@link imageUri}). */
  readonly pushedAs: string;
  /** The manifest digest the repository holds for the tag. */
  readonly digest: string;
  /** `false` when the repository already held this image under the tag (nothing was pushed). */
  readonly pushed: boolean;
  /** The repository was created by this call. */
  readonly createdRepository: boolean;
}

/** The image id a pushed manifest describes (its config digest), when it is an image manifest. */
function configDigest(manifest: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(manifest ?? '') as { config?: { digest?: unknown } };
    return typeof parsed.config?.digest === 'string' ? parsed.config.digest : undefined;
  } catch {
    return undefined;
  }
}

async function remoteImage(ecr: ECRClient, repository: string, tag: string): Promise<{ digest: string; config: string | undefined } | undefined> {
  const result = await ecr.send(new BatchGetImageCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }));
  const found = result.images?.[0];
  if (!found?.imageId?.imageDigest) return undefined;
  return { digest: found.imageId.imageDigest, config: configDigest(found.imageManifest) };
}

/**
 * Pushes a local image to an ECR repository under `tag`, logging in first.
 * Idempotent: when the repository's `tag` already describes the same image
 * (config digest = the local image id), nothing is pushed.
 *
 * @throws TypeError for a bad repository name, tag or image reference.
 * @throws `RepositoryNotFoundException` (with the fix in the message) when the repository does not exist and `createRepository` is not set.
 * @throws {@link ContainerEngineError} when no engine answers, the local image does not exist, or the login or push fails.
 */
export async function pushImage(options: PushImageOptions): Promise<PushedImage> {
  if (typeof options.repository !== 'string' || !REPOSITORY.test(options.repository)) {
    throw new TypeError(`repository must be an ECR repository name like flask-inventory/invsys (lowercase, 2-256 characters), got: ${JSON.stringify(options.repository)?.slice(0, 300)}`);
  }
  if (typeof options.tag !== 'string' || !TAG.test(options.tag)) throw new TypeError(`tag must be an image tag like v2.0.0 ([A-Za-z0-9_][A-Za-z0-9._-], up to 128), got: ${JSON.stringify(options.tag)?.slice(0, 200)}`);
  if (typeof options.image !== 'string' || options.image === '') throw new TypeError('image must name a local image (a tag or id)');
  const engine = await engineOf(options);
  // podman: a short name means the local build (`localhost/…`) when there is one, not whichever image it resolves to.
  const qualified = engine.name === 'podman' && qualifiedLocalName(options.image) !== options.image ? qualifiedLocalName(options.image) : undefined;
  const ownBuild = qualified ? await inspectImage(engine, qualified) : undefined;
  const image = ownBuild ? qualified! : options.image;
  const local = ownBuild ?? (await inspectImage(engine, image));
  if (!local) {
    throw new ContainerEngineError('COMMAND_FAILED', `${engine.name} has no image ${options.image}. Fix: build it first (buildImage(), or ${engine.name} build -t ${options.image} …), or name an image \`${engine.name} images\` lists.`, { command: [engine.name, 'image', 'inspect', options.image] });
  }
  const { repositoryUri, created } = await repositoryOf(options);
  const imageUri = `${repositoryUri}:${options.tag}`;
  const before = await remoteImage(options.ecr, options.repository, options.tag);
  const login = await loginToEcr({ ...options, engine });
  const pushedAs = `${login.registry}/${options.repository}:${options.tag}`;
  if (before && before.config === local.id) return { imageUri, pushedAs, digest: before.digest, pushed: false, createdRepository: created };
  await engine.exec(['tag', image, pushedAs], { timeoutMs: 60_000 });
  const args = ['push', ...(login.insecure && engine.name === 'podman' ? ['--tls-verify=false'] : []), pushedAs];
  await engine.exec(args, { timeoutMs: timeout(options), ...(options.onOutput ? { onOutput: (chunk) => options.onOutput!(chunk) } : {}) });
  const after = await remoteImage(options.ecr, options.repository, options.tag);
  if (!after) throw new ContainerEngineError('COMMAND_FAILED', `${engine.name} push ${pushedAs} finished but ECR shows no image tagged ${options.tag} in ${options.repository}`, { command: [engine.name, ...args] });
  return { imageUri, pushedAs, digest: after.digest, pushed: true, createdRepository: created };
}

async function repositoryOf(options: PushImageOptions): Promise<{ repositoryUri: string; created: boolean }> {
  try {
    const found = await options.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [options.repository] }));
    return { repositoryUri: found.repositories![0]!.repositoryUri!, created: false };
  } catch (error) {
    if (!(error instanceof RepositoryNotFoundException)) throw error;
    if (!options.createRepository) {
      error.message = `${error.message}. Fix: create it (aws ecr create-repository --repository-name ${options.repository}), or pass createRepository: true.`;
      throw error;
    }
    const created = await options.ecr.send(new CreateRepositoryCommand({ repositoryName: options.repository }));
    return { repositoryUri: created.repository!.repositoryUri!, created: true };
  }
}

/** Options of {@link ensureImage}. */
export interface EnsureImageOptions extends EcrLoginOptions {
  /** ECR repository name, e.g. `flask-inventory/invsys` (created when missing). */
  readonly repository: string;
  /** Tag, e.g. `v2.0.0`. */
  readonly tag: string;
  /** How to build it; the local tag defaults to `<repository>:<tag>`. */
  readonly build: Omit<BuildImageOptions, 'tag' | keyof ImageEngineOptions> & {
    /** The local tag (or tags) to build; default `<repository>:<tag>`. */
    readonly tag?: string | readonly string[];
  };
}

/** What {@link ensureImage} did. */
export interface EnsuredImage extends PushedImage {
  /** The build. */
  readonly built: BuiltImage;
}

/**
 * Builds (cached: unchanged inputs give the same image) and pushes (skipped
 * when ECR already holds it under `tag`) — the step a deployment runs before
 * registering a task definition that names {@link PushedImage.imageUri}.
 */
export async function ensureImage(options: EnsureImageOptions): Promise<EnsuredImage> {
  const engine = await engineOf(options);
  const shared = { engine, ...(options.env ? { env: options.env } : {}), ...(options.onOutput ? { onOutput: options.onOutput } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
  const built = await buildImage({ ...options.build, tag: options.build.tag ?? `${options.repository}:${options.tag}`, ...shared });
  const pushed = await pushImage({ ...shared, ecr: options.ecr, image: built.image, repository: options.repository, tag: options.tag, createRepository: true });
  return { ...pushed, built };
}
