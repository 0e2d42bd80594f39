import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { confirmTarget, describeTarget, ignoredEnvNote, targetLine, TargetNotConfirmedError, type DescribedTarget } from '../../src/script/index.js';
import { FAKE_ACCOUNT, startFakeAws } from './fake-aws.js';

const aws: DescribedTarget = { kind: 'aws', emulated: false, accountId: '123456789012', region: 'eu-west-1', timeScale: 1 };
const local: DescribedTarget = { kind: 'local', emulated: true, accountId: '000000000000', region: 'us-east-1', timeScale: 0.02, endpoint: 'http://127.0.0.1:4000' };

/** A terminal-like input that answers `text` (or ends at once when undefined). */
function tty(text?: string): PassThrough & { isTTY: boolean } {
  const input = Object.assign(new PassThrough(), { isTTY: true });
  if (text === undefined) input.end();
  else setImmediate(() => input.write(text));
  return input;
}

const quiet = () => Object.assign(new PassThrough(), { text: '' });

test('the target line names kind, account, region and endpoint; ignored AWS settings get their own note', () => {
  assert.equal(
    targetLine(describeTarget(aws)),
    "target: AWS · account 123456789012 · region eu-west-1 · endpoint AWS (the region's public endpoints)",
  );
  assert.equal(
    targetLine(describeTarget(local)),
    'target: local cloud (in this process) · account 000000000000 · region us-east-1 · endpoint http://127.0.0.1:4000 · time scale 0.02',
  );
  assert.equal(targetLine(describeTarget({ ...aws, emulated: true, endpoint: 'http://127.0.0.1:4566', timeScale: 0.1 })).split(' · ')[0], 'target: ecskit local cloud');
  // Which driver runs a local cloud's tasks, when known.
  assert.match(targetLine(describeTarget({ ...local, driver: 'container' })), / · time scale 0\.02 · tasks as containers$/);
  assert.match(targetLine(describeTarget({ ...aws, emulated: true, endpoint: 'http://127.0.0.1:4566', timeScale: 0.1, driver: 'process' })), / · tasks as processes$/);
  assert.equal(ignoredEnvNote(describeTarget(local)), undefined);
  assert.match(ignoredEnvNote(describeTarget({ ...local, ignoredEnv: ['AWS_PROFILE'] })) ?? '', /^AWS_PROFILE is set but not used: .*--target aws/);
});

test('a local cloud (in-process or through an endpoint) needs no confirmation, even off a terminal', async () => {
  const input = Object.assign(new PassThrough(), { isTTY: false });
  await confirmTarget(local, { yes: false, input });
  await confirmTarget({ ...aws, emulated: true }, { yes: false, input });
});

test('AWS off a terminal without --yes is refused, naming --yes; with --yes it goes on', async () => {
  const input = Object.assign(new PassThrough(), { isTTY: false });
  await assert.rejects(confirmTarget(aws, { yes: false, input }), (error: Error) => {
    assert.ok(error instanceof TargetNotConfirmedError);
    assert.equal(
      error.message,
      'refusing to run in AWS account 123456789012 (eu-west-1) without a confirmation: stdin is not a terminal, so nobody can be asked; pass --yes to confirm',
    );
    return true;
  });
  await confirmTarget(aws, { yes: true, input });
});

test('AWS on a terminal asks y/N: y or yes goes on; n, an empty answer or end of input stops', async () => {
  for (const answer of ['y\n', 'YES\n', ' Yes \n']) {
    const output = quiet();
    let asked = '';
    output.on('data', (c: Buffer) => (asked += c.toString()));
    await confirmTarget(aws, { yes: false, input: tty(answer), output });
    assert.match(asked, /^Run in AWS account 123456789012 \(eu-west-1\)\? .*\[y\/N\] $/);
  }
  for (const answer of ['n\n', '\n', 'yep\n', undefined]) {
    await assert.rejects(confirmTarget(aws, { yes: false, input: tty(answer), output: quiet() }), {
      name: 'TargetNotConfirmedError',
      message: 'not confirmed: nothing was done in AWS account 123456789012 (eu-west-1) (answer y, or pass --yes)',
    });
  }
});

/** Runs a lab script in a child process with stdin a pipe (not a TTY). */
function runScript(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = fileURLToPath(new URL('../../examples/01-core-concepts.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('a lab script pointed at AWS in a non-TTY child prints the target, then refuses without --yes before any ECS/EC2 call; --yes goes on', async () => {
  const fake = await startFakeAws();
  const env = { AWS_ENDPOINT_URL: fake.url, AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' };
  try {
    const refused = await runScript(['--target', 'aws'], env);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stdout, new RegExp(`target: AWS · account ${FAKE_ACCOUNT} · region eu-west-1 · endpoint ${fake.url}`));
    assert.match(refused.stderr, /refusing to run in AWS account 111122223333 \(eu-west-1\) without a confirmation: .*pass --yes to confirm/);
    assert.deepEqual(fake.calls, ['GET /_ecskit/health', 'sts:GetCallerIdentity'], 'nothing but the probe and STS');

    fake.calls.length = 0;
    const confirmed = await runScript(['--target', 'aws', '--yes', '--json'], env);
    // The fake answers nothing but STS, so the script fails at its first real call: proof it went past the confirmation.
    assert.equal(confirmed.code, 1);
    assert.ok(fake.calls.some((call) => call.startsWith('ec2:')), fake.calls.join(', '));
    const first = JSON.parse(confirmed.stdout.split('\n')[0]!) as { type: string; message: string; data: { kind: string; account: string } };
    assert.equal(first.type, 'note');
    assert.equal(first.data.kind, 'AWS');
    assert.equal(first.data.account, FAKE_ACCOUNT);

    // With the same credentials in the environment but no --target: the local cloud, and the fake is never called.
    fake.calls.length = 0;
    const auto = await runScript(['--json'], { ...env, AWS_ENDPOINT_URL: '' });
    assert.equal(auto.code, 0, auto.stderr);
    assert.match(auto.stdout, /"kind":"local cloud \(in this process\)"/);
    assert.match(auto.stdout, /AWS_ACCESS_KEY_ID is set but not used/);
    assert.deepEqual(fake.calls, []);
  } finally {
    await fake.stop();
  }
});
