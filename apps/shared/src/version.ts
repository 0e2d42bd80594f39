/**
 * The version an app reports on `/version`.
 *
 * @internal
 * @module
 */
import { version as packageVersion } from '../../../package.json';

/**
 * `APP_VERSION` when set (the lab deploys image `v2.0.0` with
 * `APP_VERSION=2.0.0`), otherwise the package version.
 *
 * @internal
 */
export function appVersion(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env.APP_VERSION?.trim();
  return fromEnv ? fromEnv : packageVersion;
}
