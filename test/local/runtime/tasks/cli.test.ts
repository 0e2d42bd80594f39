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

test('a --config file can name the preset: the account starts with the lab prerequisites', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecskit-cli-'));
  const config = join(dir, 'lab.json');
  writeFileSync(config, JSON.stringify({ preset: 'lab', timeScale: 0.5 }));
  const out: string[] = [];
  let health: { preset?: string; timeScale?: number } | undefined;
  const value: CliIo = {
    out: (s) => void out.push(s),
    err: () => {},
    untilSignal: async () => {
      const endpoint = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out.join(''))![1];
      health = (await (await fetch(`${endpoint}/_ecskit/health`)).json()) as typeof health;
      return 'SIGTERM';
    },
  };
  assert.equal(await runCli(['local', '--port', '0', '--no-runtime', '--config', config], value), 0);
  assert.equal(health?.preset, 'lab');
  assert.equal(health?.timeScale, 0.5);
});

test('a --config file with an unknown key, a wrong shape or a bad preset is a usage error naming the key and the value', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecskit-cli-'));
  const cases: Array<[string, RegExp]> = [
    ['{"timescale": 0.05}', /unknown key "timescale" \(known: timeScale, preset, runtime, images, containerInstances\)/],
    ['{"presets": "lab"}', /unknown key "presets"/],
    ['{"__proto__": {"timeScale": 0.05}}', /unknown key "__proto__"/],
    ['{"constructor": 1}', /unknown key "constructor"/],
    ['{"containerInstances": {"cnt": 2}}', /unknown key "cnt" in containerInstances \(known: count, cpu, memory\)/],
    ['{"containerInstances": 3}', /containerInstances must be an object such as \{ "count": 2 \}, got: 3/],
    ['{"containerInstances": null}', /containerInstances must be an object such as \{ "count": 2 \}, got: null/],
    ['{"images": "acme/api=./api.js"}', /images must be an object of image name → how to run it, got: "acme\/api=\.\/api\.js"/],
    ['{"images": ["./api.js"]}', /images must be an object of image name → how to run it, got: \["\.\/api\.js"\]/],
    ['{"preset": "LAB"}', /preset must be lab \(leave it out for a fresh account\), got: "LAB"/],
    ['{"preset": "__proto__"}', /preset must be lab .*got: "__proto__"/],
    ['{"preset": 1}', /preset must be lab .*got: 1/],
    ['{"preset": null}', /preset must be lab .*got: null/],
    ['[]', /the file must be a JSON object, got: \[\]/],
  ];
  for (const [json, expected] of cases) {
    const config = join(dir, 'bad.json');
    writeFileSync(config, json);
    const { value, err } = io();
    assert.equal(await runCli(['local', '--port', '0', '--no-runtime', '--config', config], value), 2, json);
    assert.match(err.join(''), expected, json);
  }
});
