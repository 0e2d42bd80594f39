#!/usr/bin/env -S npx tsx
/**
 * Lab "Cleanup Instructions": removes everything the lab created — every
 * resource tagged `ecskit:stack=flask-inventory-lab` and the dashboards named
 * after the stack — in reverse dependency order, then proves nothing tagged
 * remains.
 *
 * What it fixes from ERRATA:
 * - Cleanup 2: the guide deletes the discovery service right after the ECS
 *   services; AWS answers `ResourceInUse` while instances are registered.
 *   `destroy()` retries until deregistration completes.
 * - Cleanup 3: the guide deletes only one of the two scaling policies.
 * - Cleanup 7: the guide leaves the target groups, listener rule, listener
 *   and ALB to "the previous guide"; they are removed here too.
 * - The guide's `sleep 30` between scaling to 0 and deleting is a wait until
 *   each service is INACTIVE.
 *
 * Safe to run twice and after a crashed or interrupted run (what is already
 * gone is skipped). `--dry-run` lists what would be removed and changes
 * nothing.
 *
 * Run: `npx tsx examples/cleanup.ts [--dry-run] [--target aws|local] [--json]`
 */
import type { DestroyReport, ScriptUsage, StackResource } from 'ecskit';
import { isMain, runScript, type Lab, type ScriptExit } from './01-core-concepts.ts';

/** What the cleanup reports. */
export interface CleanupResult {
  readonly task: 'cleanup';
  readonly dryRun: boolean;
  /** What was (or would be) removed, in order: `kind name`. */
  readonly steps: readonly { readonly kind: string; readonly name: string; readonly action: string; readonly outcome: string }[];
  /** Resources removed by this run. */
  readonly removed: number;
  /** Resources still tagged with the stack afterwards (empty after a real run). */
  readonly remaining: readonly string[];
}

const label = (r: StackResource) => `${r.kind} ${r.name}`;

/**
 * Removes the lab's stack (or, with `dryRun`, only lists it). Throws when a
 * real run leaves a tagged resource behind.
 */
export async function run(lab: Lab, options: { readonly dryRun?: boolean } = {}): Promise<CleanupResult> {
  const { report, ops } = lab;
  const dryRun = options.dryRun ?? false;
  const destroyed: DestroyReport = await report.step(
    dryRun ? `Cleanup (dry run): what would be removed from stack ${lab.names.stack}` : `Cleanup: remove stack ${lab.names.stack} in reverse dependency order`,
    () => ops.destroy({ dryRun }),
    (r) => ({ task: 'cleanup', dryRun: r.dryRun, planned: r.steps.filter((s) => s.outcome === 'planned').length, removed: r.removed.length, steps: r.steps.map((s) => `${s.outcome} ${label(s.resource)}`) }),
  );
  const remaining = await report.step(
    'Cleanup: prove nothing tagged remains',
    async () => {
      const left = (await ops.listStackResources()).map(label);
      if (dryRun) {
        report.note(`dry run: ${left.length} resource(s) tagged ecskit:stack=${lab.names.stack} left as they are`);
        return left;
      }
      if (left.length > 0) throw new Error(`${left.length} resource(s) still tagged ecskit:stack=${lab.names.stack}: ${left.join(', ')}`);
      report.note(`nothing tagged ecskit:stack=${lab.names.stack} remains`);
      return left;
    },
    (left) => ({ task: 'cleanup', remaining: left }),
  );
  // The ALB is gone: the run's summary must not advertise its URL.
  if (!dryRun) lab.albUrl = undefined;
  return {
    task: 'cleanup',
    dryRun,
    steps: destroyed.steps.map((s) => ({ kind: s.resource.kind, name: s.resource.name, action: s.action, outcome: s.outcome })),
    removed: destroyed.removed.length,
    remaining,
  };
}

/** `--help` of the cleanup: what it does, and its own flag `--dry-run`. */
export const USAGE: ScriptUsage = {
  title: 'examples/cleanup.ts — lab cleanup: remove everything tagged ecskit:stack=flask-inventory-lab, then prove nothing remains',
  description:
    'Safe to run twice and after an interrupted run. On the local cloud (a fresh, empty one in this process) there is nothing to remove;\n' +
    'point it at a kept stack with AWS_ENDPOINT_URL=<endpoint printed by --keep>, or use --target aws.',
  options: { 'dry-run': { type: 'boolean', help: 'list what would be removed, change nothing' } },
};

/**
 * The script's `main`, also what the installed package's `ecskit lab cleanup`
 * runs (with its own `--help` title): parses `argv`, runs {@link run} and sets
 * the exit code.
 */
export function main(argv: readonly string[] = process.argv.slice(2), usage: ScriptUsage = USAGE): Promise<ScriptExit> {
  return runScript(usage, async (lab) => {
    await run(lab, { dryRun: lab.flags.extra['dry-run'] === true });
  }, argv);
}

if (isMain(import.meta.url)) {
  await main();
}
