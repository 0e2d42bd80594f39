/**
 * Local images: what a task's `image` runs as on this machine. ECS pulls a
 * container image; the local cloud looks the image's repository up here and
 * starts a Node module or a command instead. The registry host is ignored
 * (`123456789012.dkr.ecr.us-east-1.amazonaws.com/flask-inventory/invsys:v2`
 * and `flask-inventory/invsys` are the same repository); a tag-specific
 * entry (`repo:tag`) wins over the repository entry.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How a local image starts. */
export type LocalImage =
  | {
      /** Runs a Node ES module (plain `node`, no compile step). */
      readonly kind: 'node';
      /** Absolute path of the entry module. */
      readonly entry: string;
      /** Extra environment the image bakes in (the task definition's environment wins). */
      readonly env?: Readonly<Record<string, string>>;
      /**
       * Why the image cannot start on this machine (e.g. a missing optional
       * dependency), or undefined when it can. Asked before each start; a
       * reason stops the task with it as `CannotStartContainerError`.
       */
      readonly unavailable?: () => string | undefined;
    }
  | {
      /** Runs a command (argv form). */
      readonly kind: 'command';
      /** Executable and arguments (ECS `entryPoint` + `command` replace them when set). */
      readonly command: readonly string[];
      /** Extra environment the image bakes in (the task definition's environment wins). */
      readonly env?: Readonly<Record<string, string>>;
    };

/** An image reference split into its parts. */
export interface ImageReference {
  /** Registry host, if the reference named one (`123456789012.dkr.ecr.us-east-1.amazonaws.com`). */
  readonly registry?: string;
  /** Repository name (`flask-inventory/invsys`). */
  readonly repository: string;
  /** Tag (`latest` when absent). */
  readonly tag: string;
  /** Whether the reference named a tag itself. */
  readonly tagged: boolean;
  /** Digest (`sha256:…`), if pinned. */
  readonly digest?: string;
}

/**
 * Splits `registry/repo:tag@digest`. The first path component is a registry
 * when it contains a `.` or `:` or is `localhost` (Docker's rule).
 */
export function parseImage(image: string): ImageReference {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag = 'latest';
  const colon = rest.lastIndexOf(':');
  const tagged = colon > rest.lastIndexOf('/');
  if (tagged) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { ...(registry ? { registry } : {}), repository: rest, tag, tagged, ...(digest ? { digest } : {}) };
}

/** The package root (works from `src/local/runtime` under tsx and from `dist/` when built). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
}

/** Absolute path of a built lab app (`dist/apps/<name>.js`). */
export function builtAppEntry(name: 'inventory' | 'gateway'): string {
  return join(packageRoot(), 'dist', 'apps', `${name}.js`);
}

/** Entries whose native dependency loaded (a failure is not remembered: installing it fixes the next start). */
const nativeLoaded = new Set<string>();

/**
 * Why the native package `name` cannot be loaded by the module at `entry`, or
 * undefined when it loads. better-sqlite3 (the inventory app's database) is an
 * optional dependency of ecskit: npm skips it where it cannot be built, and
 * `--ignore-scripts` installs it without its binary. Loads it once per entry.
 *
 * @internal
 */
export function nativeDependencyProblem(entry: string, name = 'better-sqlite3'): string | undefined {
  const key = `${entry}\0${name}`;
  if (nativeLoaded.has(key)) return undefined;
  try {
    const loaded = createRequire(entry)(name) as unknown;
    // better-sqlite3 loads its binary on the first database, so open one.
    if (name === 'better-sqlite3') new (loaded as new (path: string) => { close(): void })(':memory:').close();
    nativeLoaded.add(key);
    return undefined;
  } catch (error) {
    const detail = String((error as Error).message).split('\n')[0];
    return (
      `${name} (an optional dependency of ecskit) cannot be loaded from ${entry}: ${detail}. ` +
      `Install it with \`npm install ${name}\` (it needs a prebuilt binary for this platform or a C++ toolchain, ` +
      `and install scripts enabled)`
    );
  }
}

/** Registries made by this process (part of each one's data file name). */
let registries = 0;

/** Absolute path of one of the runtime's demo image programs (the source, or its copy in `dist/local/images`). */
function fixtureEntry(name: string): string {
  const root = packageRoot();
  const source = join(root, 'src', 'local', 'runtime', 'images', `${name}.mjs`);
  return existsSync(source) ? source : join(root, 'dist', 'local', 'images', `${name}.mjs`);
}

/**
 * A registry of local images. Starts with the lab's apps
 * (`flask-inventory/invsys`, `flask-inventory/gateway`, any tag) and two
 * images for demos: `ecskit/unhealthy` (serves HTTP but fails every health
 * check: every path answers 500) and `ecskit/crash` (exits 1 at once).
 */
export class ImageRegistry {
  readonly #images = new Map<string, LocalImage>();
  readonly #dataFiles: string[] = [];

  constructor(options: { builtins?: boolean } = {}) {
    if (options.builtins !== false) {
      const inventory = builtAppEntry('inventory');
      // Every invsys task of this local cloud keeps its devices in one SQLite
      // file, as if the image mounted a shared volume: the lab runs two
      // replicas behind one name, and a device POSTed through one must be
      // readable through the other (the Flask original kept a dict per
      // process). A task definition's own INVENTORY_DB wins.
      const database = join(tmpdir(), `ecskit-invsys-${process.pid}-${++registries}-${randomBytes(4).toString('hex')}.db`);
      this.#dataFiles.push(database, `${database}-wal`, `${database}-shm`);
      this.register('flask-inventory/invsys', {
        kind: 'node',
        entry: inventory,
        env: { INVENTORY_DB: database },
        unavailable: () => {
          const problem = nativeDependencyProblem(inventory);
          return problem && `image flask-inventory/invsys needs ${problem}`;
        },
      });
      this.register('flask-inventory/gateway', { kind: 'node', entry: builtAppEntry('gateway') });
      this.register('ecskit/unhealthy', { kind: 'node', entry: fixtureEntry('unhealthy') });
      this.register('ecskit/crash', { kind: 'node', entry: fixtureEntry('crash') });
    }
  }

  /**
   * Registers `repository` (any tag) or `repository:tag` (that tag only).
   * A registry host in `name` is ignored.
   */
  register(name: string, image: LocalImage): this {
    const ref = parseImage(name);
    this.#images.set(ref.tagged ? `${ref.repository}:${ref.tag}` : ref.repository, image);
    return this;
  }

  /** Deletes the data files the built-in images kept (the local runtime calls it when it stops). */
  dispose(): void {
    for (const file of this.#dataFiles) rmSync(file, { force: true });
  }

  /** The local image for a task definition's `image`, or undefined (→ `CannotPullContainerError`). */
  resolve(image: string): LocalImage | undefined {
    const ref = parseImage(image);
    return this.#images.get(`${ref.repository}:${ref.tag}`) ?? this.#images.get(ref.repository);
  }

  /** Registered names, for `ecskit local --list-images` and error messages. */
  names(): string[] {
    return [...this.#images.keys()].sort();
  }
}
