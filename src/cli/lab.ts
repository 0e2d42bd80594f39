/**
 * `ecskit lab`: the whole ECS lab (examples/full-lab.ts) from the installed
 * package, and `ecskit lab cleanup` (examples/cleanup.ts) to remove a stack
 * kept with `--keep`.
 *
 * The package ships no `examples/`: tsup bundles this module, with the lab
 * scripts it imports, into `dist/lab.js`, which shares the library's chunks
 * (one copy of `ecskit` and `ecskit/local`). The scripts run exactly as
 * `npx tsx examples/full-lab.ts` runs them, with the same flags; only the
 * `--help` title and the cleanup command the lab prints name `ecskit lab`.
 * `run.ts` imports this module only for `ecskit lab`, so `ecskit local`
 * never loads the lab (nor its load generator).
 *
 * @internal
 */
import { LAB_COMMANDS, type ScriptExit } from '../../examples/01-core-concepts.ts';
import { main as cleanupMain, USAGE as CLEANUP_USAGE } from '../../examples/cleanup.ts';
import { main as fullLabMain, USAGE as FULL_LAB_USAGE } from '../../examples/full-lab.ts';

/** What the lab prints to remove a kept stack: this package's command, not a file of the repository. */
export const CLEANUP_COMMAND = 'npx ecskit lab cleanup';

const LAB_TITLE = 'ecskit lab — the whole ECS lab: setup, Tasks 1–10 and the cleanup (examples/full-lab.ts, as installed)';
const LAB_MORE =
  'With no AWS settings it runs on a local cloud started in this process (no AWS account, no Docker);\n' +
  '--target aws runs the same steps in your account. Remove a stack left with --keep: ecskit lab cleanup\n' +
  '(with the AWS_ENDPOINT_URL=… the run printed); "ecskit lab cleanup --help" shows its options.';

const CLEANUP_TITLE = 'ecskit lab cleanup — remove everything tagged ecskit:stack=flask-inventory-lab, then prove nothing remains (examples/cleanup.ts)';

/**
 * Runs `ecskit lab <argv>` (or `ecskit lab cleanup <argv>`) and resolves with
 * its exit code: 0, 1 naming the failed step, 2 for bad flags, 130 on Ctrl-C.
 * Output goes to the process's stdout/stderr, as the scripts write it.
 */
export async function runLab(argv: readonly string[]): Promise<ScriptExit> {
  LAB_COMMANDS.cleanup = CLEANUP_COMMAND;
  if (argv[0] === 'cleanup') {
    return cleanupMain(argv.slice(1), { ...CLEANUP_USAGE, title: CLEANUP_TITLE });
  }
  const description = [FULL_LAB_USAGE.description, LAB_MORE].filter(Boolean).join('\n\n');
  return fullLabMain(argv, { ...FULL_LAB_USAGE, title: LAB_TITLE, description });
}
