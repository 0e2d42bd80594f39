import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { ContainerProcess } from '../../../src/local/runtime/container-process.js';
import { processAlive } from './tasks/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ecskit-container-'));
function program(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

test('a container sees exactly its declared environment, never the host credentials', async () => {
  process.env.AWS_SECRET_ACCESS_KEY = 'host-secret';
  const entry = program('env.mjs', 'console.log(JSON.stringify(process.env));');
  const lines: string[] = [];
  const container = new ContainerProcess({
    image: { kind: 'node', entry },
    env: { FLASK_ENV: 'production', AWS_REGION: 'us-east-1' },
    onOutput: (line) => lines.push(line),
  });
  const exit = await container.exited;
  assert.equal(exit.exitCode, 0);
  assert.deepEqual(JSON.parse(lines[0]!), { FLASK_ENV: 'production', AWS_REGION: 'us-east-1' });
});

test('stdout and stderr arrive line by line, with the stream named', async () => {
  const entry = program('lines.mjs', "process.stdout.write('a\\nb'); process.stderr.write('oops\\n'); process.stdout.write('c\\n');");
  const seen: string[] = [];
  const container = new ContainerProcess({ image: { kind: 'node', entry }, env: {}, onOutput: (l, s) => seen.push(`${s}:${l}`) });
  await container.exited;
  assert.deepEqual(seen.filter((l) => l.startsWith('stdout')), ['stdout:a', 'stdout:bc']);
  assert.deepEqual(seen.filter((l) => l.startsWith('stderr')), ['stderr:oops']);
});

test('stop sends SIGTERM first and a graceful app exits 0', async () => {
  // The handler is in place before 'up' is printed: until then SIGTERM's default action would kill the process.
  const entry = program('graceful.mjs', "process.on('SIGTERM', () => { console.log('draining'); process.exit(0); }); console.log('up'); setInterval(() => {}, 1000);");
  const seen: string[] = [];
  const container = new ContainerProcess({ image: { kind: 'node', entry }, env: {}, onOutput: (l) => seen.push(l) });
  while (!seen.includes('up')) await new Promise((r) => setTimeout(r, 20));
  const exit = await container.stop(5000);
  assert.equal(exit.exitCode, 0);
  assert.ok(seen.includes('draining'));
});

test('stop escalates to SIGKILL after the stop timeout (exit code 137)', async () => {
  const entry = program('stubborn.mjs', "process.on('SIGTERM', () => console.log('ignoring')); console.log('up'); setInterval(() => {}, 1000);");
  const seen: string[] = [];
  const container = new ContainerProcess({ image: { kind: 'node', entry }, env: {}, onOutput: (l) => seen.push(l) });
  while (!seen.includes('up')) await new Promise((r) => setTimeout(r, 20));
  const started = Date.now();
  const exit = await container.stop(300);
  assert.equal(exit.exitCode, 137);
  assert.ok(Date.now() - started >= 250);
});

test('a command image runs with its arguments and reports the exit code', async () => {
  const container = new ContainerProcess({
    image: { kind: 'command', command: ['/bin/sh', '-c', 'exit 3'] },
    env: {},
  });
  assert.equal((await container.exited).exitCode, 3);
});

test('containers exit when the process that started them is SIGKILLed', async () => {
  const entry = program('forever.mjs', "console.log(process.pid); setInterval(() => {}, 1000);");
  const parentSource = program(
    'parent.ts',
    `import { ContainerProcess } from ${JSON.stringify(new URL('../../../src/local/runtime/container-process.ts', import.meta.url).pathname)};
     new ContainerProcess({ image: { kind: 'node', entry: ${JSON.stringify(entry)} }, env: {}, onOutput: (l) => console.log(l) });`,
  );
  const parent = spawn(process.execPath, ['--import', 'tsx', parentSource], { stdio: ['ignore', 'pipe', 'inherit'] });
  const childPid = await new Promise<number>((resolve) => {
    parent.stdout!.setEncoding('utf8');
    parent.stdout!.on('data', (d: string) => {
      const n = Number(d.trim().split('\n')[0]);
      if (n > 0) resolve(n);
    });
  });
  parent.kill('SIGKILL');
  // An orphan that exited is a zombie until PID 1 reaps it, which some inits do only every second or two (more
  // under load): processAlive counts a zombie as exited, as `ps` shows it (state Z).
  const alive = processAlive;
  const deadline = Date.now() + 2000;
  while (alive(childPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(childPid), false, `container process ${childPid} outlived its parent by 2 s`);
});

test('a container resolves private-namespace names through the local DNS server, unchanged app code', async () => {
  const { startDnsServer } = await import('../../../src/local/runtime/dns-server.js');
  const { createServer } = await import('node:http');
  const upstream = createServer((_req, res) => res.end('from invsys')).listen(0, '127.0.0.2');
  await new Promise((r) => upstream.once('listening', r));
  const port = (upstream.address() as { port: number }).port;
  const dns = await startDnsServer({
    resolve: (name) =>
      name === 'invsys.local' ? { records: [{ type: 'A', address: '127.0.0.2', ttl: 60 }] } : name.endsWith('.local') ? 'nxdomain' : 'refused',
  });
  try {
    const entry = program(
      'client.mjs',
      `const r = await fetch('http://invsys.local:${port}/'); console.log(await r.text());
       try { await fetch('http://missing.local:${port}/'); } catch (e) { console.log(e.cause?.code); }`,
    );
    const lines: string[] = [];
    const container = new ContainerProcess({
      image: { kind: 'node', entry },
      env: {},
      dns: { host: '127.0.0.1', port: dns.port, suffixes: ['local'] },
      onOutput: (l) => lines.push(l),
    });
    assert.equal((await container.exited).exitCode, 0, lines.join('\n'));
    assert.deepEqual(lines, ['from invsys', 'ENOTFOUND']);
  } finally {
    upstream.close();
    await dns.close();
  }
});

test('killing a command image kills the command too, not only the shim', async () => {
  const container = new ContainerProcess({
    image: { kind: 'command', command: ['/bin/sh', '-c', 'sleep 30 & echo $!; wait'] },
    env: {},
    onOutput: () => {},
  });
  const sleeper = await new Promise<number>((resolve) => {
    const poll = setInterval(async () => {
      const { execFileSync } = await import('node:child_process');
      try {
        const out = execFileSync('pgrep', ['-g', String(container.pid), 'sleep'], { encoding: 'utf8' }).trim();
        if (out) {
          clearInterval(poll);
          resolve(Number(out.split('\n')[0]));
        }
      } catch {
        /* not started yet */
      }
    }, 20);
  });
  container.kill();
  await container.exited;
  const alive = processAlive; // a zombie (exited, not yet reaped by PID 1) counts as exited
  const deadline = Date.now() + 2000;
  while (alive(sleeper) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(alive(sleeper), false, `the command's process ${sleeper} outlived the SIGKILLed container`);
});
