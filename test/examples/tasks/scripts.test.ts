/**
 * Lab Tasks 6–10, troubleshooting and cleanup as scripts: `--help` names the lab task and the
 * flags, bad flags exit 2, and the cleanup dry run on a fresh local cloud
 * changes nothing and finds nothing tagged.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = (script: string, args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', `examples/${script}`, ...args], {
    cwd: root,
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
  });

const HELP: Record<string, RegExp[]> = {
  '06-scaling.ts': [/lab Task 6/, /--requests <value>/],
  '07-health-checks.ts': [/lab Task 7/, /health checks/],
  '08-auto-scaling.ts': [/lab Task 8/, /--load-seconds <value>/, /--scale-in-seconds <value>/, /--request-time-scale <value>/],
  '09-monitoring.ts': [/lab Task 9/, /dashboard, alarms, logs/],
  'cleanup.ts': [/lab cleanup/, /--dry-run/],
  '10-cloudformation.ts': [/lab Task 10/, /--out <value>/, /no AWS calls/],
  'troubleshoot.ts': [/troubleshooting section/, /ok \/ warning \/ problem/],
};

describe('lab scripts for Tasks 6–10, troubleshooting and cleanup', () => {
  for (const [script, patterns] of Object.entries(HELP)) {
    test(`${script} --help names its lab task and its own flags, and exits 0`, async () => {
      const { stdout } = await tsx(script, ['--help']);
      for (const p of patterns) assert.match(stdout, p);
      assert.match(stdout, /--target <value>/);
      assert.match(stdout, /--json/);
    });
  }

  test('an unknown flag is refused with exit code 2 and a message naming it', async () => {
    await assert.rejects(tsx('06-scaling.ts', ['--bogus']), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr ?? '', /bogus/);
      return true;
    });
  });

  test('08-auto-scaling.ts refuses a --request-time-scale that is not a positive number, naming the value, before it creates anything', async () => {
    for (const bad of ['abc', '0', '-0.5', 'Infinity', 'NaN', '', '1e999']) {
      await assert.rejects(tsx('08-auto-scaling.ts', [`--request-time-scale=${bad}`, '--target', 'local']), (error: { code?: number; stderr?: string; stdout?: string }) => {
        assert.notEqual(error.code, 0);
        const out = `${error.stdout ?? ''}${error.stderr ?? ''}`;
        assert.ok(out.includes(`--request-time-scale must be a positive number such as 0.05, got: ${JSON.stringify(bad)}`), `${bad}: ${out}`);
        assert.doesNotMatch(out, /Task 1/, `${bad}: a lab task ran`);
        return true;
      });
    }
  });

  test('08-auto-scaling.ts --request-time-scale against an `ecskit local` elsewhere is refused before anything is created, naming --time-scale', async () => {
    const { startLocalCloud } = await import('../../../src/local/index.js');
    const cloud = await startLocalCloud({ port: 0, timeScale: 0.03, runtime: false });
    try {
      const env = { AWS_ENDPOINT_URL: cloud.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
      await assert.rejects(tsx('08-auto-scaling.ts', ['--request-time-scale', '0.05'], env), (error: { code?: number; stderr?: string; stdout?: string }) => {
        assert.notEqual(error.code, 0);
        assert.match(`${error.stdout ?? ''}${error.stderr ?? ''}`, /needs a local cloud in this process \(--target local\); this target is an ecskit local elsewhere: start it with --time-scale instead/);
        return true;
      });
      const clusters = (await cloud.state.invoke('ecs', 'ListClusters', {}, { region: 'us-east-1' })) as { clusterArns: string[] };
      assert.deepEqual(clusters.clusterArns, []);
    } finally {
      await cloud.stop();
    }
  });

  test('cleanup --dry-run on a fresh local cloud plans nothing, finds nothing tagged and exits 0 (JSON lines)', async () => {
    const { stdout } = await tsx('cleanup.ts', ['--dry-run', '--json', '--target', 'local']);
    const events = stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; status?: string; result?: Record<string, unknown>; ok?: boolean });
    const plan = events.find((e) => e.type === 'step' && e.status === 'ok' && e.result?.dryRun === true);
    assert.ok(plan, 'a dry-run step result');
    assert.equal(plan.result?.planned, 0);
    assert.equal(plan.result?.removed, 0);
    const proof = events.find((e) => e.type === 'step' && e.status === 'ok' && Array.isArray(e.result?.remaining));
    assert.deepEqual(proof?.result?.remaining, []);
    assert.equal(events.at(-1)?.type, 'summary');
    assert.equal(events.at(-1)?.ok, true);
  });

  test('pointed at an `ecskit local` through AWS_ENDPOINT_URL, a script uses the AWS clients at that cloud’s time scale', async () => {
    const { startLocalCloud } = await import('../../../src/local/index.js');
    const cloud = await startLocalCloud({ port: 0, timeScale: 0.03, runtime: false });
    try {
      const { stdout } = await tsx('cleanup.ts', ['--dry-run', '--json'], {
        AWS_ENDPOINT_URL: cloud.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      });
      const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { type: string; ok: boolean; data: { target: string } };
      assert.equal(summary.type, 'summary');
      assert.equal(summary.ok, true);
      assert.equal(summary.data.target, `ecskit local at ${cloud.endpoint} (time scale 0.03, through the AWS clients)`);
    } finally {
      await cloud.stop();
    }
  });
});
