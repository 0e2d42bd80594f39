/**
 * processAlive: a zombie (exited, not reaped) is not alive, another user's
 * process is, and no pid makes it throw. Then removeLeftovers, through a
 * fake container engine, removes what a zombie cloud left and keeps what a
 * live one runs.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mock, test } from 'node:test';
import type { ContainerEngine, EngineResult } from '../../../src/containers/engine.js';
import { CLOUD_LABEL, PID_LABEL, removeLeftovers } from '../../../src/local/runtime/drivers/container-driver.js';
import { processAlive } from '../../../src/local/runtime/process-alive.js';

const linuxOnly = process.platform !== 'linux' && 'zombies are told apart through /proc, on Linux only';

/** The state letter of `/proc/<pid>/stat`, or undefined when unreadable. */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2);
  } catch {
    return undefined;
  }
}

/**
 * A zombie: `sh` starts a subshell in the background, prints its pid, then
 * execs into `sleep 30`, which never reaps it; the subshell exits once it
 * sees its parent is `sleep`. Resolves once `/proc` shows
 * state `Z`; `holder` is the `sleep 30` to kill afterwards (then PID 1 reaps
 * the zombie).
 */
async function makeZombie(): Promise<{ pid: number; holder: ChildProcess }> {
  // The background child exits only once its parent has become `sleep 30`: a shell still running may reap it
  // (with `sleep 0 &` the shell sometimes did, on a busy machine, and there was no zombie to test).
  const holder = spawn('sh', ['-c', 'p=$$; (until [ "$(cat /proc/$p/comm)" = sleep ]; do sleep 0.01; done) & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let out = '';
    holder.stdout!.setEncoding('utf8');
    holder.stdout!.on('data', (chunk: string) => (out += chunk));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const pid = Number(out.split('\n')[0]);
      if (out.includes('\n') && procState(pid) === 'Z') return { pid, holder };
      if (Date.now() > deadline) throw new Error(`no zombie within 10 s: stdout ${JSON.stringify(out)}, state ${out.includes('\n') ? procState(pid) : 'no pid yet'}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch (error) {
    holder.kill('SIGKILL');
    throw error;
  }
}

async function stop(holder: ChildProcess): Promise<void> {
  if (holder.exitCode !== null || holder.signalCode !== null) return;
  const exited = once(holder, 'exit');
  holder.kill('SIGKILL');
  await exited;
}

/** The pid of a process that has exited and been reaped (Node reaps its children before 'exit'). */
async function reapedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  assert.ok(child.pid);
  return child.pid;
}

test('processAlive: this process is alive; a process that exited and was reaped is not', async () => {
  assert.equal(processAlive(process.pid), true);
  const pid = await reapedPid();
  assert.equal(processAlive(pid), false);
});

test('processAlive: hostile pids are not alive and never throw', () => {
  // 0 and -1 would be read by kill as "my process group" and "every process"; the others are not pids.
  for (const pid of [0, -1, -process.pid, NaN, Infinity, -Infinity, 1.5, process.pid + 0.5, Number.MAX_SAFE_INTEGER, 2 ** 31, 2 ** 53, 1e300, 4_194_305]) {
    assert.equal(processAlive(pid), false, `pid ${pid}`);
  }
});

test('processAlive: a zombie (exited, not yet reaped) is not alive, though kill(pid, 0) still succeeds on it', { skip: linuxOnly }, async () => {
  const { pid, holder } = await makeZombie();
  try {
    assert.doesNotThrow(() => process.kill(pid, 0), 'a bare kill(pid, 0) takes the zombie for a live process');
    assert.equal(processAlive(pid), false);
    assert.equal(processAlive(holder.pid!), true, 'its parent, still sleeping, is alive');
  } finally {
    await stop(holder);
  }
});

test('processAlive: EPERM from kill (another user\'s process) counts as alive, unless /proc shows it a zombie', { skip: linuxOnly }, async () => {
  const kill = mock.method(process, 'kill', () => {
    throw Object.assign(new Error('kill EPERM'), { code: 'EPERM', errno: -1, syscall: 'kill' });
  });
  try {
    assert.equal(processAlive(process.pid), true);
    assert.ok(kill.mock.callCount() >= 1, 'the check went through kill');
  } finally {
    kill.mock.restore();
  }
  const { pid, holder } = await makeZombie();
  const again = mock.method(process, 'kill', () => {
    throw Object.assign(new Error('kill EPERM'), { code: 'EPERM', errno: -1, syscall: 'kill' });
  });
  try {
    assert.equal(processAlive(pid), false);
  } finally {
    again.mock.restore();
    await stop(holder);
  }
});

test('processAlive: as another user, a real EPERM on a live process reads alive', { skip: (linuxOnly || (process.getuid?.() !== 0 && 'needs root to run a check as another user')) }, async () => {
  const source = new URL('../../../src/local/runtime/process-alive.ts', import.meta.url).pathname;
  const script = `import { processAlive } from ${JSON.stringify(source)};
let code; try { process.kill(${process.pid}, 0); code = 'ok'; } catch (e) { code = e.code; }
console.log(JSON.stringify({ code, alive: processAlive(${process.pid}) }));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    uid: 65534,
    gid: 65534,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TSX_TSCONFIG_PATH: undefined, HOME: '/tmp' },
    cwd: new URL('../../..', import.meta.url).pathname,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, `the check as uid 65534 failed: ${err}`);
  assert.deepEqual(JSON.parse(out), { code: 'EPERM', alive: true });
});

/** A fake engine answering `ps`, `rm`, `volume ls` and `volume rm` from lists, recording removals. */
function fakeEngine(containers: Array<{ id: string; labels: Record<string, string> }>, volumes: Array<{ name: string; labels: Record<string, string> }>) {
  const removed: string[] = [];
  const removedVolumes: string[] = [];
  const result = (stdout: string): EngineResult => ({ stdout, stderr: '' });
  const engine = {
    name: 'docker',
    executable: '/fake/docker',
    version: '0.0.0',
    env: {},
    runFlags: () => [],
    buildFlags: () => [],
    spawn: () => {
      throw new Error('removeLeftovers does not spawn');
    },
    exec: async (args: readonly string[]) => {
      if (args[0] === 'ps') return result(containers.map((c) => `${c.id}\t${JSON.stringify(c.labels)}`).join('\n') + '\n');
      if (args[0] === 'rm') {
        removed.push(...args.slice(1).filter((a) => !a.startsWith('--')));
        return result('');
      }
      if (args[0] === 'volume' && args[1] === 'ls') return result(volumes.map((v) => `${v.name}\t${JSON.stringify(v.labels)}`).join('\n') + '\n');
      if (args[0] === 'volume' && args[1] === 'rm') {
        removedVolumes.push(...args.slice(2).filter((a) => !a.startsWith('--')));
        return result('');
      }
      throw new Error(`unexpected engine call: ${args.join(' ')}`);
    },
  } as unknown as ContainerEngine;
  return { engine, removed, removedVolumes };
}

test('removeLeftovers: removes what a zombie or gone cloud left, keeps what a live cloud runs', { skip: linuxOnly }, async () => {
  const { pid: zombie, holder } = await makeZombie();
  try {
    const gone = await reapedPid();
    const labels = (pid: string | number) => ({ [CLOUD_LABEL]: `cloud-${pid}`, [PID_LABEL]: String(pid) });
    const { engine, removed, removedVolumes } = fakeEngine(
      [
        { id: 'c-zombie', labels: labels(zombie) },
        { id: 'c-live', labels: labels(process.pid) },
        { id: 'c-gone', labels: labels(gone) },
        { id: 'c-garbage', labels: labels('12abc') },
        { id: 'c-nopid', labels: { [CLOUD_LABEL]: 'cloud-x' } },
      ],
      [
        { name: 'v-zombie', labels: labels(zombie) },
        { name: 'v-live', labels: labels(process.pid) },
      ],
    );
    assert.equal(await removeLeftovers(engine), 4);
    assert.deepEqual(removed.sort(), ['c-garbage', 'c-gone', 'c-nopid', 'c-zombie']);
    assert.deepEqual(removedVolumes, ['v-zombie']);
  } finally {
    await stop(holder);
  }
});
