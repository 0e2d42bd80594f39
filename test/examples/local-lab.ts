/**
 * A {@link Lab} on a fresh in-process local cloud for tests that run lab
 * tasks directly: JSON reporting into `output`, `*.elb.localhost` resolved
 * in this process.
 */
import { createReporter, openTarget, type Target } from '../../src/index.js';
import { installLocalhostResolution } from '../../src/local/index.js';
import { createLab, type Lab } from '../../examples/01-core-concepts.ts';

/** The lab, its target (close it when done), and every line the reporter wrote. */
export async function openLocalLab(): Promise<{ lab: Lab; target: Target; output: string[] }> {
  const target = await openTarget({ target: 'local' });
  const output: string[] = [];
  const out = { write: (text: string) => output.push(text) };
  const report = createReporter({ json: true, out });
  const flags = { target: 'local' as const, json: true, keep: false, color: false, extra: {} };
  const lab = createLab({ target, flags, report, out });
  installLocalhostResolution();
  return { lab, target, output };
}
