/**
 * Loads the lab's networking fixtures (`test/fixtures/lab/networking/*.json`).
 *
 * @internal
 */
import { readFileSync } from 'node:fs';

const dir = new URL('../../fixtures/lab/networking/', import.meta.url);

/** @internal Parses one fixture file by name. */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
}
