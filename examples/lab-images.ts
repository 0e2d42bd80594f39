/**
 * The lab's own images: build `flask-inventory/invsys` and
 * `flask-inventory/gateway` from this repository's build output
 * (`apps/*\/Dockerfile`, `npm run build` first) and push them to ECR with
 * `ensureImage()` — on AWS whenever a container engine answers, and on the
 * local cloud when it runs tasks as containers (`lab.buildImages`, set by the
 * container driver's flag). Anywhere else nothing is built: the process
 * driver's built-in images serve the lab, and on AWS without an engine the
 * images are assumed to be in ECR already (the previous guide's push).
 *
 * `ECSKIT_NODE_IMAGE` picks the base image. Without it the Dockerfiles'
 * `node:20-bookworm-slim` is used when the engine has it or can pull it;
 * when no registry answers, the offline base image is made from this
 * machine's node (what `npm run image:offline-base` does) and used instead,
 * with a note saying so.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ContainerEngineError, detectContainerEngine, ensureImage, ensureOfflineNodeImage, type ContainerEngine, type EnsuredImage } from 'ecskit';
import type { Lab } from './01-core-concepts.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The lab's two apps: their Dockerfile and ECR repository. */
export const LAB_APPS = {
  invsys: { dockerfile: 'apps/inventory/Dockerfile', bundle: 'dist/apps/inventory.js' },
  gateway: { dockerfile: 'apps/gateway/Dockerfile', bundle: 'dist/apps/gateway.js' },
} as const;

const engines = new WeakMap<Lab, Promise<ContainerEngine | string>>();
const bases = new WeakMap<Lab, Promise<string | undefined>>();

/** The Dockerfiles' default base image. */
const DEFAULT_BASE = 'node:20-bookworm-slim';

/**
 * The base image to build on: `undefined` (the Dockerfiles' default, or
 * `ECSKIT_NODE_IMAGE` when set) when that can be had; else the offline base
 * made from this machine's node, because no registry answers.
 */
function labBaseImage(lab: Lab, engine: ContainerEngine): Promise<string | undefined> {
  let found = bases.get(lab);
  if (!found) {
    found = (async () => {
      if (process.env['ECSKIT_NODE_IMAGE']) return undefined;
      const has = await engine.exec(['image', 'inspect', '--format', '{{.Id}}', DEFAULT_BASE], { timeoutMs: 60_000 }).then(() => true, () => false);
      if (has) return undefined;
      const pulled = await engine.exec(['pull', DEFAULT_BASE], { timeoutMs: 600_000 }).then(
        () => undefined,
        (error: Error) => error.message.split('\n').find((line) => /error/i.test(line))?.trim() ?? error.message.split('\n')[0],
      );
      if (pulled === undefined) return undefined;
      const sqlite = `${ROOT}node_modules/better-sqlite3/build/Release/better_sqlite3.node`;
      const offline = await ensureOfflineNodeImage({ engine, extraLibrariesOf: existsSync(sqlite) ? [sqlite] : [] });
      lab.report.note(
        `cannot pull ${DEFAULT_BASE} (${pulled}): building on ${offline.image}, made from this machine's node ${offline.nodeVersion} ` +
          `(npm run image:offline-base; set ECSKIT_NODE_IMAGE to choose another base)`,
      );
      return offline.image;
    })();
    bases.set(lab, found);
  }
  return found;
}

/**
 * The engine this run builds with, or why it builds nothing: the local cloud
 * without the container driver, or no engine answering (on AWS).
 */
export function labImageEngine(lab: Lab): Promise<ContainerEngine | string> {
  let found = engines.get(lab);
  if (!found) {
    found =
      !lab.buildImages
        ? Promise.resolve("the local cloud's process driver runs its built-in images")
        : detectContainerEngine().catch((error: unknown) => {
            if (error instanceof ContainerEngineError) return error.message;
            throw error;
          });
    engines.set(lab, found);
  }
  return found;
}

/**
 * Builds `app` (with `APP_VERSION` baked in when given) and pushes it as
 * `<repository>:<tag>`; `undefined` (and a note saying why) when this run
 * builds nothing.
 *
 * @throws Error when the build output is missing (`npm run build`) or the engine, login or push fails.
 */
export async function pushLabImage(lab: Lab, app: keyof typeof LAB_APPS, tag: string, appVersion?: string): Promise<EnsuredImage | undefined> {
  const engine = await labImageEngine(lab);
  const repository = app === 'invsys' ? lab.names.invsysRepository : lab.names.gatewayRepository;
  if (typeof engine === 'string') {
    lab.report.note(`not building ${repository}:${tag} (${engine})${lab.target.kind === 'aws' ? '; assuming it is already in ECR (push it as in docs/aws.md)' : ''}`);
    return undefined;
  }
  const { dockerfile, bundle } = LAB_APPS[app];
  if (!existsSync(`${ROOT}${bundle}`)) throw new Error(`${bundle} is missing: the images are built from the repo's build output. Fix: npm run build`);
  const nodeImage = await labBaseImage(lab, engine);
  const result = await ensureImage({
    ecr: lab.clients.ecr,
    engine,
    repository,
    tag,
    build: {
      context: ROOT,
      dockerfile: `${ROOT}${dockerfile}`,
      ...(nodeImage ? { nodeImage } : {}),
      ...(appVersion ? { buildArgs: { APP_VERSION: appVersion } } : {}),
    },
  });
  lab.report.note(
    `${result.built.changed ? 'built' : 'unchanged:'} ${result.built.image} (${(result.built.sizeBytes / 1e6).toFixed(0)} MB), ` +
      `${result.pushed ? 'pushed' : 'already in ECR as'} ${result.imageUri} (${result.digest.slice(0, 19)}…)`,
  );
  return result;
}
