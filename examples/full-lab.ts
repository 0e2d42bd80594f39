#!/usr/bin/env -S npx tsx
/**
 * The whole lab, "Working with Amazon Elastic Container Service — Flask
 * Microservices Edition": setup and Tasks 1–10 in order, then the cleanup
 * (unless `--keep`), with every ERRATA fix of the task scripts. One line per
 * task with its status and elapsed time, the live deployment table while
 * waiting (plain lines in CI, JSON lines with `--json`), and a final summary.
 *
 * With no AWS settings it runs against the local cloud started in this
 * process; `--target aws` runs the same steps in your account. Running it
 * twice in a row creates nothing twice (every step finds what exists); after
 * Ctrl-C, `npx tsx examples/cleanup.ts` removes whatever was created.
 *
 * `--json` prints one event per line; each task's outcome is the `result`
 * of its `step` event (`{ task: 4, devicePosted: 'ecs-device-001',
 * deviceReadBack: true, … }`), the cleanup's is `{ task: 'cleanup', remaining: [] … }`.
 *
 * Run: `npx tsx examples/full-lab.ts [--target aws|local] [--json] [--keep] [--time-scale 0.02]`
 */
import { cleanupCommand, isMain, runScript, run as coreConcepts, type Lab } from './01-core-concepts.ts';
import { run as taskDefinitions } from './02-task-definitions.ts';
import { run as invsysService } from './03-invsys-service.ts';
import { run as gatewayService } from './04-gateway-service.ts';
import { run as rollingDeployment } from './05-rolling-deployment.ts';
import { run as scaling } from './06-scaling.ts';
import { run as healthChecks } from './07-health-checks.ts';
import { run as autoScaling } from './08-auto-scaling.ts';
import { run as monitoring } from './09-monitoring.ts';
import { run as cloudFormation } from './10-cloudformation.ts';
import { run as cleanup } from './cleanup.ts';

/** One lab task of the full run. */
interface LabTask {
  readonly title: string;
  /** The task script's `run`. */
  readonly run: (lab: Lab) => Promise<unknown>;
}

/** Tasks 1–10, in the lab's order. */
export const TASKS: readonly LabTask[] = [
  { title: 'Setup + Task 1: ECS core concepts', run: coreConcepts },
  { title: 'Task 2: task definitions', run: taskDefinitions },
  { title: 'Task 3: invsys service with service discovery', run: invsysService },
  { title: 'Task 4: gateway service behind the ALB', run: gatewayService },
  { title: 'Task 5: rolling deployment and rollback', run: rollingDeployment },
  { title: 'Task 6: scaling', run: (lab) => scaling(lab) },
  { title: 'Task 7: health checks', run: healthChecks },
  { title: 'Task 8: service auto scaling', run: (lab) => autoScaling(lab) },
  { title: 'Task 9: monitoring with CloudWatch', run: monitoring },
  { title: 'Task 10: CloudFormation template', run: (lab) => cloudFormation(lab) },
];

/**
 * Runs every lab task, one reporter step per task (its result is the task's
 * result), then the cleanup unless `--keep`.
 */
export async function runFullLab(lab: Lab): Promise<void> {
  for (const task of TASKS) {
    await lab.report.step(task.title, () => task.run(lab), (result) => result);
  }
  if (lab.flags.keep) {
    lab.report.note(`--keep: the stack stays up; remove it with: ${cleanupCommand(lab.target)}`);
  } else {
    await lab.report.step('Cleanup: remove everything the lab created', () => cleanup(lab), (result) => result);
  }
}

if (isMain(import.meta.url)) {
  await runScript(
    {
      title: 'examples/full-lab.ts — the whole ECS lab: setup, Tasks 1–10 and the cleanup',
      description:
        'Creates (or finds) every lab resource, tagged ecskit:stack=flask-inventory-lab, runs each task with its checks,\n' +
        'then removes everything and proves nothing tagged remains (skip the cleanup with --keep).',
    },
    async (lab) => {
      await runFullLab(lab);
    },
  );
}
