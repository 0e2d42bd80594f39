/**
 * Entry of the gateway: reads `HOST`, `PORT`, `INVSYS_URL`,
 * `GATEWAY_TIMEOUT_MS`, `APP_VERSION`, `DRAIN_DELAY_MS`, listens, and drains
 * on SIGTERM.
 *
 * @internal
 * @module
 */
import { stdoutLog } from '../../shared/src/basics.js';
import { createLifecycle } from '../../shared/src/lifecycle.js';
import { intFromEnv, serveApp } from '../../shared/src/serve.js';
import { appVersion } from '../../shared/src/version.js';
import { createGatewayApp, GATEWAY_SERVICE } from './app.js';
import { createUpstream } from './upstream.js';

const env = process.env;
const baseUrl = env.INVSYS_URL || 'http://invsys:5000';
try {
  new URL(baseUrl);
} catch {
  throw new Error(`INVSYS_URL must be an absolute URL such as http://invsys.local:5000, got: ${JSON.stringify(baseUrl)}`);
}
const timeoutMs = intFromEnv('GATEWAY_TIMEOUT_MS', env.GATEWAY_TIMEOUT_MS, 5000);
const lifecycle = createLifecycle();
const app = createGatewayApp({ upstream: createUpstream({ baseUrl, timeoutMs }), version: appVersion(env), lifecycle });
await serveApp(app, {
  host: env.HOST || '0.0.0.0',
  port: intFromEnv('PORT', env.PORT, 5001),
  service: GATEWAY_SERVICE,
  lifecycle,
  drainDelayMs: intFromEnv('DRAIN_DELAY_MS', env.DRAIN_DELAY_MS, 300),
  log: stdoutLog,
});
