/**
 * The lab's apps as the runtime starts them (`dist/apps/*.js`): builds them
 * once with tsup when missing.
 *
 * @internal
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { builtAppEntry } from '../../../src/local/runtime/images.js';

/** Makes sure `dist/apps/inventory.js` and `dist/apps/gateway.js` exist (runs `npx tsup` if not). */
export function ensureAppsBuilt(): void {
  if (existsSync(builtAppEntry('inventory')) && existsSync(builtAppEntry('gateway'))) return;
  execFileSync('npx', ['tsup'], { stdio: 'ignore', timeout: 120_000 });
  if (!existsSync(builtAppEntry('inventory'))) throw new Error(`npx tsup did not produce ${builtAppEntry('inventory')}`);
}
