import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, type CliIo } from '../../../../src/cli/run.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { out: (s) => void out.push(s), err: (s) => void err.push(s), untilSignal: () => Promise.resolve('SIGTERM') };
  return { value, out, err };
}

test('ecskit local --list-images shows the built-in images plus those from --image and --config', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecskit-cli-'));
  const config = join(dir, 'local.json');
  writeFileSync(config, JSON.stringify({ images: { 'acme/api:v2': './api.js', 'acme/worker': { command: ['/usr/bin/env', 'python3', 'w.py'], env: { A: 'b' } } } }));
  const { value, out } = io();
  const code = await runCli(['local', '--config', config, '--image', 'acme/web=./web.mjs', '--image', 'acme/bin=cmd:/bin/sleep 5', '--list-images'], value);
  assert.equal(code, 0);
  const lines = out.join('').trim().split('\n');
  assert.ok(lines.includes(`acme/api:v2\t${join(dir, 'api.js')}`), lines.join('\n'));
  assert.ok(lines.includes('acme/worker\t/usr/bin/env python3 w.py'));
  assert.ok(lines.includes(`acme/web\t${join(process.cwd(), 'web.mjs')}`));
  assert.ok(lines.includes('acme/bin\t/bin/sleep 5'));
  assert.ok(lines.some((l) => l.startsWith('flask-inventory/invsys\t')));
});

test('a malformed --image or config value is a usage error that shows the expected form', async () => {
  const bad = io();
  assert.equal(await runCli(['local', '--image', 'no-equals-sign'], bad.value), 2);
  assert.match(bad.err.join(''), /--image must look like repo\[:tag\]=\.\/entry\.js or repo\[:tag\]=cmd:\/path\/to\/bin arg…, got: no-equals-sign/);
  const dir = mkdtempSync(join(tmpdir(), 'ecskit-cli-'));
  const config = join(dir, 'bad.json');
  writeFileSync(config, JSON.stringify({ containerInstances: { count: -1 } }));
  const worse = io();
  assert.equal(await runCli(['local', '--config', config], worse.value), 2);
  assert.match(worse.err.join(''), /containerInstances\.count must be a non-negative integer, got: -1/);
});

test('ecskit local --no-runtime serves the control plane only and says so', async () => {
  const { value, out } = io();
  assert.equal(await runCli(['local', '--port', '0', '--no-runtime'], value), 0);
  assert.match(out.join(''), /Control plane only \(--no-runtime\)/);
});
