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
      // Every flag row keeps its help a column away, however long the flag.
      for (const row of stdout.split('\n').filter((l) => l.startsWith('  --'))) assert.match(row, /^ {2}--[a-z-]+(?: <value>)? {2,}\S/, row);
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

  test('08-auto-scaling.ts --request-time-scale against an `ecskit local` elsewhere without its admin token (or with a wrong one) is refused before anything is created, naming the fix', async () => {
    const { startLocalCloud } = await import('../../../src/local/index.js');
    const cloud = await startLocalCloud({ port: 0, timeScale: 0.03, runtime: false, log: () => {} });
    try {
      const env = { AWS_ENDPOINT_URL: cloud.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
      await assert.rejects(tsx('08-auto-scaling.ts', ['--request-time-scale', '0.05'], env), (error: { code?: number; stderr?: string; stdout?: string }) => {
        assert.notEqual(error.code, 0);
        assert.ok(
          `${error.stdout ?? ''}${error.stderr ?? ''}`.includes(
            `needs a local cloud whose clock this script can change: the local cloud runs elsewhere and this process has no admin token for ${cloud.endpoint} (set ECSKIT_ADMIN_TOKEN to the admin token its \`ecskit local\` banner prints); or start it with --time-scale instead`,
          ),
          `${error.stdout ?? ''}${error.stderr ?? ''}`,
        );
        return true;
      });
      await assert.rejects(tsx('08-auto-scaling.ts', ['--request-time-scale', '0.05'], { ...env, ECSKIT_ADMIN_TOKEN: 'not-the-token-of-this-cloud' }), (error: { code?: number; stderr?: string; stdout?: string }) => {
        assert.notEqual(error.code, 0);
        assert.match(`${error.stdout ?? ''}${error.stderr ?? ''}`, /ECSKIT_ADMIN_TOKEN is not the admin token of the local cloud at http:\/\/127\.0\.0\.1:\d+ \(it answered 403\)/);
        return true;
      });
      assert.equal(cloud.state.timeScale, 0.03);
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
