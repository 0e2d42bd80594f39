/**
 * Entry of the inventory service: reads `HOST`, `PORT`, `INVENTORY_DB`,
 * `INVENTORY_SEED`, `APP_VERSION`, `DRAIN_DELAY_MS`, listens, and drains on
 * SIGTERM.
 *
 * @internal
 * @module
 */
import { stdoutLog } from '../../shared/src/basics.js';
import { createLifecycle } from '../../shared/src/lifecycle.js';
import { intFromEnv, serveApp } from '../../shared/src/serve.js';
import { appVersion } from '../../shared/src/version.js';
import { createInventoryApp, INVENTORY_SERVICE } from './app.js';
import { openSqliteStore } from './store.js';

const env = process.env;
const seed = env.INVENTORY_SEED?.trim() ?? '';
if (seed !== '' && seed !== 'demo' && seed !== 'none') {
  throw new Error(`INVENTORY_SEED must be "demo" or unset, got: ${JSON.stringify(seed)}`);
}
const store = openSqliteStore({ path: env.INVENTORY_DB || ':memory:', seed: seed === 'demo' ? 'demo' : 'none' });
const lifecycle = createLifecycle();
const app = createInventoryApp({ store, version: appVersion(env), lifecycle });
await serveApp(app, {
  host: env.HOST || '0.0.0.0',
  port: intFromEnv('PORT', env.PORT, 5000),
  service: INVENTORY_SERVICE,
  lifecycle,
  drainDelayMs: intFromEnv('DRAIN_DELAY_MS', env.DRAIN_DELAY_MS, 300),
  log: stdoutLog,
  onClosed: () => store.close(),
});
