/**
 * `npm run image:offline-base`: builds `localhost/ecskit-offline-node:<major>`
 * from this machine's node binary and the libraries `ldd` lists, with
 * whichever engine answers (docker or podman; `ECSKIT_CONTAINER_ENGINE`
 * overrides). No registry is needed. Then build with
 * `ECSKIT_NODE_IMAGE=localhost/ecskit-offline-node:20`.
 *
 * Flags: `--node <path>` (default: this node), `--force` (rebuild even when
 * the image holds the same node version).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ContainerEngineError, ensureOfflineNodeImage } from '../src/containers/index.js';

const { values } = parseArgs({ options: { node: { type: 'string' }, force: { type: 'boolean', default: false } } });
const nativeSqlite = new URL('../node_modules/better-sqlite3/build/Release/better_sqlite3.node', import.meta.url).pathname;
try {
  const result = await ensureOfflineNodeImage({
    ...(values.node ? { node: values.node } : {}),
    force: values.force,
    // The inventory's native SQLite module loads these too (a subset of node's today; checked, not assumed).
    extraLibrariesOf: existsSync(nativeSqlite) ? [nativeSqlite] : [],
    log: (line) => console.log(line),
  });
  console.log(`${result.built ? 'built' : 'up to date:'} ${result.image} (node ${result.nodeVersion}, ${result.id.slice(0, 12)})`);
  console.log(`use it: ECSKIT_NODE_IMAGE=${result.image}`);
} catch (error) {
  if (error instanceof ContainerEngineError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
