/**
 * The offline base image: a Node runtime image made from this machine's own
 * `node` binary and the shared libraries `ldd` lists, imported into the
 * engine's store with `<engine> import` — for machines (CI, air-gapped
 * laptops) that cannot pull `node:20-bookworm-slim` from a registry.
 *
 * It mirrors what the apps' Dockerfiles use from the official image: `node` on
 * PATH at `/usr/local/bin/node`, a `node` user (uid/gid 1000), a writable
 * `/tmp`, and `/bin/sh` — plus `curl`, which the Dockerfiles install with
 * apt-get on the official image (the lab's container health checks are
 * `curl -f …`), copied here from this machine because there is no package
 * manager in it.
 *
 * ```sh
 * npm run image:offline-base                     # builds localhost/ecskit-offline-node:20
 * ECSKIT_NODE_IMAGE=localhost/ecskit-offline-node:20 npx tsx examples/full-lab.ts --driver container
 * ```
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ContainerEngineError, detectContainerEngine, type ContainerEngine } from './engine.js';

const run = promisify(execFile);

/** The label that records which node binary an offline base image holds (its `node --version`). @internal */
export const OFFLINE_NODE_LABEL = 'io.ecskit.offline-node.version';

/** The label that records the image's layout; an image of an older layout is rebuilt. @internal */
export const OFFLINE_LAYOUT_LABEL = 'io.ecskit.offline-node.layout';

/** Layout 2: node, `/bin/sh` and `curl` (layout 1 had node only). */
const OFFLINE_LAYOUT = '2';

/** The machine's tools the image carries besides node, at the path they get in the image. */
const TOOLS = [
  { name: 'sh', from: ['/bin/sh', '/usr/bin/sh'], to: '/bin/sh', fix: 'a POSIX shell at /bin/sh' },
  { name: 'curl', from: ['/usr/bin/curl', '/bin/curl', '/usr/local/bin/curl'], to: '/usr/bin/curl', fix: 'apt-get install -y curl' },
] as const;

/** The offline base image's name for a Node major version: `localhost/ecskit-offline-node:<major>`. @internal */
export function offlineNodeImageName(nodeMajor: number | string = process.versions.node.split('.')[0]!): string {
  return `localhost/ecskit-offline-node:${nodeMajor}`;
}

/** Options of {@link ensureOfflineNodeImage}. */
export interface OfflineNodeImageOptions {
  /** The engine to import into. Default: {@link detectContainerEngine}. */
  readonly engine?: ContainerEngine;
  /** The node executable to package. Default `process.execPath`. */
  readonly node?: string;
  /** Other native files whose libraries the image needs (e.g. `better_sqlite3.node`); their `ldd` libraries are added. */
  readonly extraLibrariesOf?: readonly string[];
  /** Image name. Default `localhost/ecskit-offline-node:<major>` for the node's major version. */
  readonly image?: string;
  /** Rebuild even when the image exists with the same node version. */
  readonly force?: boolean;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** What {@link ensureOfflineNodeImage} did. */
export interface OfflineNodeImageResult {
  /** The image name. */
  readonly image: string;
  /** The image id the engine reports. */
  readonly id: string;
  /** `node --version` of the packaged binary. */
  readonly nodeVersion: string;
  /** `false` when an image with the same node version already existed. */
  readonly built: boolean;
  /** Files copied into the image (node first, then its libraries). */
  readonly files: readonly string[];
}

/**
 * Builds the offline base image unless it already exists for the same node
 * version: a root filesystem with the node binary, the libraries `ldd` lists
 * (and the dynamic loader), `/etc/passwd` with a `node` user, imported with
 * `<engine> import`.
 *
 * @throws {@link ContainerEngineError} when no engine answers or the import fails;
 *   an Error when `ldd` cannot read the binary (a statically linked or foreign node).
 */
export async function ensureOfflineNodeImage(options: OfflineNodeImageOptions = {}): Promise<OfflineNodeImageResult> {
  const engine = options.engine ?? (await detectContainerEngine());
  const node = options.node ?? process.execPath;
  const nodeVersion = (await run(node, ['--version'])).stdout.trim();
  const image = options.image ?? offlineNodeImageName(nodeVersion.replace(/^v/, '').split('.')[0]);
  const existing = await imageLabel(engine, image);
  if (existing && existing.version === nodeVersion && existing.layout === OFFLINE_LAYOUT && !options.force) {
    return { image, id: existing.id, nodeVersion, built: false, files: [] };
  }
  const tools = TOOLS.map((tool) => {
    const from = tool.from.find((path) => existsSync(path));
    if (!from) throw new Error(`the offline base image carries ${tool.name}, which this machine does not have (looked in ${tool.from.join(', ')}). Fix: ${tool.fix}`);
    return { from, to: tool.to };
  });
  const libraries = await sharedLibraries([node, ...tools.map((t) => t.from), ...(options.extraLibrariesOf ?? [])]);
  const files = [node, ...tools.map((t) => t.from), ...libraries];
  const root = mkdtempSync(join(tmpdir(), 'ecskit-offline-node-'));
  try {
    options.log?.(`packaging ${node} (${nodeVersion}), ${tools.map((t) => t.from).join(', ')} and ${libraries.length} libraries`);
    writeRootfs(root, node, tools, libraries);
    const tarball = join(root, '..', `${root.split('/').pop()}.tar`);
    try {
      await run('tar', ['-C', root, '-cf', tarball, ...(process.getuid?.() === 0 ? ['--numeric-owner'] : ['--owner=0', '--group=0', '--numeric-owner']), '.'], { maxBuffer: 16 * 1024 * 1024 });
      options.log?.(`importing as ${image} with ${engine.name}`);
      await engine.exec(['import', ...importChanges(nodeVersion), tarball, image], { timeoutMs: 600_000 });
    } finally {
      rmSync(tarball, { force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const built = await imageLabel(engine, image);
  if (!built) throw new ContainerEngineError('COMMAND_FAILED', `${engine.name} import finished but ${image} is not in its store`, { command: [engine.name, 'import', image] });
  return { image, id: built.id, nodeVersion, built: true, files };
}

/** The Dockerfile-style settings the imported image gets. */
function importChanges(nodeVersion: string): string[] {
  return [
    ['ENV', 'PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin'],
    ['ENV', `NODE_VERSION=${nodeVersion.replace(/^v/, '')}`],
    ['LABEL', `${OFFLINE_NODE_LABEL}=${nodeVersion}`],
    ['LABEL', `${OFFLINE_LAYOUT_LABEL}=${OFFLINE_LAYOUT}`],
    ['CMD', '["node"]'],
  ].flatMap(([instruction, value]) => ['--change', `${instruction} ${value}`]);
}

/** The image's id and offline-node labels, or undefined when the engine does not have it. */
async function imageLabel(engine: ContainerEngine, image: string): Promise<{ id: string; version: string; layout: string } | undefined> {
  try {
    const format = `{{.Id}} {{index .Config.Labels "${OFFLINE_NODE_LABEL}"}} {{index .Config.Labels "${OFFLINE_LAYOUT_LABEL}"}}`;
    const { stdout } = await engine.exec(['image', 'inspect', '--format', format, image], { timeoutMs: 60_000 });
    const [id = '', version = '', layout = ''] = stdout.trim().split(' ');
    return { id, version, layout: layout === '<no' ? '' : layout };
  } catch (error) {
    if (error instanceof ContainerEngineError && error.code === 'COMMAND_FAILED') return undefined;
    throw error;
  }
}

/** Absolute paths of the shared libraries (and loader) the given binaries load, deduplicated. @internal */
export async function sharedLibraries(binaries: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const binary of binaries) {
    let stdout: string;
    try {
      stdout = (await run('ldd', [binary])).stdout;
    } catch (error) {
      throw new Error(`ldd ${binary} failed (${(error as Error).message.split('\n')[0]}); the offline base image needs a dynamically linked node for this machine. Fix: pass another node binary, or build FROM a registry image instead (unset ECSKIT_NODE_IMAGE).`, { cause: error });
    }
    for (const path of parseLdd(stdout)) found.add(path);
  }
  return [...found];
}

/**
 * The library paths in `ldd` output: `libc.so.6 => /lib/…/libc.so.6 (0x…)`
 * and the loader line `/lib64/ld-linux-x86-64.so.2 (0x…)`; the vDSO has no file.
 *
 * @internal
 */
export function parseLdd(output: string): string[] {
  const paths: string[] = [];
  for (const line of output.split('\n')) {
    const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match?.[1]) paths.push(match[1]);
    else if (/=>\s*not found/.test(line)) throw new Error(`ldd: a library is missing on this machine: ${line.trim()}`);
  }
  return paths;
}

function writeRootfs(root: string, node: string, tools: ReadonlyArray<{ from: string; to: string }>, libraries: readonly string[]): void {
  const put = (path: string, mode: number) => {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    return { target, done: () => chmodSync(target, mode) };
  };
  const binary = put('/usr/local/bin/node', 0o755);
  copyFileSync(node, binary.target);
  binary.done();
  for (const tool of tools) {
    const file = put(tool.to, 0o755);
    copyFileSync(tool.from, file.target); // follows symlinks (/bin/sh → dash)
    file.done();
  }
  for (const library of libraries) {
    const file = put(library, 0o755);
    copyFileSync(library, file.target); // follows symlinks: the loader finds the soname's path
    file.done();
  }
  const text = (path: string, content: string) => {
    const file = put(path, 0o644);
    writeFileSync(file.target, content);
    file.done();
  };
  text('/etc/passwd', 'root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:1000:1000::/home/node:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
  text('/etc/group', 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n');
  text('/etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files dns\n');
  for (const dir of ['/tmp', '/root', '/home/node']) mkdirSync(join(root, dir), { recursive: true });
  chmodSync(join(root, 'tmp'), 0o1777);
  if (process.getuid?.() === 0) chownSync(join(root, 'home/node'), 1000, 1000);
}
