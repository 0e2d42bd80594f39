/**
 * End-to-end: `examples/full-lab.ts --driver container --json`: every task a
 * real container of the lab's own images, built and pushed to the local ECR
 * and pulled from it by podman or docker; the same task results as with the
 * process driver, plus the images, the v2.0.0 rollout and no container left.
 * Needs an engine (CI installs podman). Runs as a user would, with no
 * `ECSKIT_NODE_IMAGE`: where no registry answers (CI) the lab builds on the
 * offline base image it makes itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { ContainerEngine } from '../../src/containers/index.js';
import { offlineNodeImageName } from '../../src/containers/offline-base.js';
import { engineSkip, realEngine } from '../containers/helpers.js';
import { assertLabTasks, assertRunSucceeded, runExample, taskResult } from './full-lab-run.js';

test(
  'full-lab.ts --driver container --json: every task a real container, the images built and pushed to the local ECR, v2.0.0 rolled out with 0 failed requests, no container left',
  { skip: await engineSkip(), timeout: 720_000 },
  async (t) => {
    const engine = (await realEngine()) as ContainerEngine;
    // ECSKIT_DEBUG: the runtime's log on stderr, shown when a step fails.
    const run = await runExample(['examples/full-lab.ts', '--driver', 'container', '--json'], 700_000, { ECSKIT_NODE_IMAGE: undefined, ECSKIT_DEBUG: '1' });
    t.after(() => rmSync(run.cwd, { recursive: true, force: true }));
    const events = assertRunSucceeded(run);
    console.log(`full lab, container driver: ${run.seconds.toFixed(1)} s, ${events.length} JSON events`);
    assertLabTasks(events);
    assert.ok(events.some((e) => e.type === 'note' && String(e.message).includes('tasks as containers')), 'the target line names the container driver');
    // Where node:20-bookworm-slim cannot be had (no registry, as in CI), the lab said so and built on the offline base.
    const pulled = await engine.exec(['image', 'exists', 'node:20-bookworm-slim']).then(() => true, () => false);
    const fallback = events.find((e) => e.type === 'note' && String(e.message).startsWith('cannot pull node:20-bookworm-slim'));
    if (!pulled) assert.match(String(fallback?.message), new RegExp(`building on ${offlineNodeImageName().replace(/[.:/]/g, '\\$&')}, made from this machine's node v\\d+`));

    const stepResult = (prefix: string) => {
      const step = events.find((e) => e.type === 'step' && e.status === 'ok' && String(e.step).startsWith(prefix));
      assert.ok(step, `no successful step "${prefix}…"`);
      return step.result as Record<string, any>;
    };
    // Setup built both images and pushed them to the local ECR under their ECR names.
    const latest = stepResult('Setup: build and push the lab images');
    assert.match(latest.invsys, /^\d{12}\.dkr\.ecr\.us-east-1\.amazonaws\.com\/flask-inventory\/invsys:latest$/);
    assert.match(latest.gateway, /^\d{12}\.dkr\.ecr\.us-east-1\.amazonaws\.com\/flask-inventory\/gateway:latest$/);
    // Task 5.2: a real v2.0.0 image, pushed before the rollout; every new task answered 2.0.0 (asserted above, with 0 failed requests).
    const v2 = stepResult('Task 5.2');
    assert.match(v2.imageUri, /\/flask-inventory\/invsys:v2\.0\.0$/);
    assert.match(v2.digest, /^sha256:[a-f0-9]{64}$/);
    const { stdout } = await engine.exec(['image', 'inspect', '--format', '{{index .Config.Labels "org.opencontainers.image.version"}}', 'flask-inventory/invsys:v2.0.0']);
    assert.equal(stdout.trim(), '2.0.0', 'the version is baked into the image');
    // The lab's own `curl -f` container health checks passed inside the containers (Task 7).
    const t7 = taskResult(events, 7);
    assert.equal(t7.failure.replacementHealth, 'HEALTHY');
    // Nothing the run started is left in the engine.
    const left = await engine.exec(['ps', '--all', '--filter', 'label=ecskit.cloud', '--filter', `label=ecskit.pid=${run.pid}`, '--format', '{{.Names}}']);
    assert.equal(left.stdout.trim(), '', `containers left by the run: ${left.stdout}`);
  },
);
