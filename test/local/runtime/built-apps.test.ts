import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { builtAppEntry } from '../../../src/local/runtime/images.js';

// The local images `flask-inventory/invsys` and `flask-inventory/gateway` run
// these files with plain node; `npm install` builds them (prepare → build).
for (const app of ['inventory', 'gateway'] as const) {
  test(`the built ${app} entry that the local image runs starts and answers /health/live`, async () => {
    const entry = builtAppEntry(app);
    assert.ok(existsSync(entry), `${entry} is missing: run npm run build (npm install runs it)`);
    const child = spawn(process.execPath, [entry], {
      env: { HOST: '127.0.0.1', PORT: '0', INVENTORY_DB: ':memory:' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const m = /"msg":"listening".*?"port":(\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.once('exit', (code) => reject(new Error(`${app} exited (${code}) before listening: ${stderr.slice(0, 500)}`)));
        setTimeout(() => reject(new Error(`${app} did not listen within 10 s: ${stderr.slice(0, 500)}`)), 10_000).unref();
      });
      const response = await fetch(`http://127.0.0.1:${port}/health/live`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { alive: true });
    } finally {
      child.kill('SIGKILL');
    }
  });
}
