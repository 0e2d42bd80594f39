import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type AppProcess } from '../../shared/test/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'ecskit-inventory-'));
const running = new Set<AppProcess>();
after(async () => {
  await Promise.all([...running].map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<AppProcess> {
  const app = await startApp('inventory', env);
  running.add(app);
  void app.exited.then(() => running.delete(app));
  return app;
}

const device = (id: string) => ({ id, name: `Device ${id}`, location: 'lab', status: 'on' });

async function post(base: string, id: string): Promise<number> {
  const res = await fetch(`${base}/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(device(id)),
  });
  await res.arrayBuffer();
  return res.status;
}

async function listIds(base: string): Promise<string[]> {
  const res = await fetch(`${base}/items`);
  const body = (await res.json()) as { items: { id: string }[] };
  return body.items.map((d) => d.id);
}

describe('inventory processes sharing one SQLite file', () => {
  it('takes 1,000 concurrent POSTs spread over two processes and loses or duplicates none', async () => {
    const db = join(dir, 'shared.db');
    const [a, b] = await Promise.all([start({ INVENTORY_DB: db }), start({ INVENTORY_DB: db })]);
    const ids = Array.from({ length: 1000 }, (_, i) => `dev-${i.toString().padStart(4, '0')}`);
    const statuses = await Promise.all(ids.map((id, i) => post(i % 2 === 0 ? a.url : b.url, id)));
    assert.deepEqual(
      statuses.filter((s) => s !== 201),
      [],
      'every POST is acknowledged with 201',
    );
    for (const app of [a, b]) {
      const seen = await listIds(app.url);
      assert.equal(seen.length, 1000, `${app.url} lists every device`);
      assert.equal(new Set(seen).size, 1000, 'no duplicates');
      assert.deepEqual([...seen].sort(), ids);
    }
    // each device is readable by id from the process that did not write it
    const sample = ids.filter((_, i) => i % 50 === 0);
    for (const id of sample) {
      const other = Number(id.slice(4)) % 2 === 0 ? b : a;
      const res = await fetch(`${other.url}/items/${id}`);
      assert.deepEqual(await res.json(), device(id));
    }
    // a duplicate sent to both processes at once is accepted exactly once
    const race = await Promise.all([post(a.url, 'race'), post(b.url, 'race')]);
    assert.deepEqual([...race].sort(), [201, 409]);
    await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
  });

  it('keeps every write that got a 201 when the process is SIGKILLed mid-load and restarted', async () => {
    const db = join(dir, 'killed.db');
    const first = await start({ INVENTORY_DB: db });
    const acknowledged: string[] = [];
    let n = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const id = `k-${n++}`;
        try {
          if ((await post(first.url, id)) === 201) acknowledged.push(id);
        } catch {
          return; // the process died under this request: not acknowledged
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    while (acknowledged.length < 200) await new Promise((resolve) => setTimeout(resolve, 10));
    first.child.kill('SIGKILL');
    stop = true;
    assert.equal(await first.exited, 'SIGKILL');
    await Promise.all(workers);

    const second = await start({ INVENTORY_DB: db });
    const stored = new Set(await listIds(second.url));
    const lost = acknowledged.filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged writes were lost`);
    assert.ok(acknowledged.length >= 200);
    await second.stop('SIGTERM');
  });
});

/** A POST whose body is held back after its first bytes until `finish()`. */
function slowPost(base: string, id: string) {
  const body = JSON.stringify(device(id));
  let settle!: (status: number) => void;
  const result = new Promise<number>((resolve) => (settle = resolve));
  const req = httpRequest(
    `${base}/items`,
    { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
    (res) => {
      res.resume();
      res.on('end', () => settle(res.statusCode ?? 0));
    },
  );
  req.on('error', () => settle(-1));
  const connected = new Promise<void>((resolve) => req.on('socket', (socket) => socket.once('connect', resolve)));
  req.write(body.slice(0, 10));
  return { connected, result, finish: () => req.end(body.slice(10)) };
}

describe('inventory shutdown on SIGTERM', () => {
  it('answers not-ready before closing the listener, finishes in-flight requests and exits 0', async () => {
    const db = join(dir, 'drain.db');
    const app = await start({ INVENTORY_DB: db, DRAIN_DELAY_MS: '1500' });

    // 10 POSTs whose bodies are half sent when SIGTERM arrives: truly in flight.
    const inflight = Array.from({ length: 10 }, (_, i) => slowPost(app.url, `drain-${i}`));
    await Promise.all(inflight.map((r) => r.connected));
    // plus a burst of complete requests on connections already open when the signal goes out
    const burst = Array.from({ length: 60 }, (_, i) => {
      const r = slowPost(app.url, `burst-${i}`);
      r.finish();
      return r;
    });
    await Promise.all(burst.map((r) => r.connected));
    app.child.kill('SIGTERM');
    // Wait for the event, not for a time: the "draining" line is logged once
    // readiness turned 503. Then probe one after the other until the listener
    // refuses; the drain window (DRAIN_DELAY_MS) is long enough that even a
    // loaded machine answers the first probe inside it.
    await app.waitForLine((line) => line.includes('"msg":"draining"'));
    const drainingSeen = performance.now();
    let refusedAfter = 0;
    const probes: ('ready' | 'not-ready' | 'refused')[] = [];
    const deadline = Date.now() + 15_000;
    while (probes.at(-1) !== 'refused' && Date.now() < deadline) {
      probes.push(
        await fetch(`${app.url}/health/ready`, { headers: { connection: 'close' } }).then(
          async (res) => {
            await res.arrayBuffer();
            return res.status === 503 ? ('not-ready' as const) : ('ready' as const);
          },
          () => {
            refusedAfter = performance.now() - drainingSeen;
            return 'refused' as const;
          },
        ),
      );
    }
    const firstNotReady = probes.indexOf('not-ready');
    const firstRefused = probes.indexOf('refused');
    assert.equal(firstNotReady, 0, `readiness answers 503 once draining: ${probes.join(',')}`);
    assert.ok(firstRefused > firstNotReady, `listener closed before readiness turned 503: ${probes.join(',')}`);
    assert.ok(!probes.slice(firstNotReady).includes('ready'), 'readiness stays 503 once draining');
    // a lower bound only: the listener stays open for the whole DRAIN_DELAY_MS
    assert.ok(refusedAfter >= 1_400, `listener closed ${Math.round(refusedAfter)} ms after draining began, DRAIN_DELAY_MS is 1500`);

    // the listener is closed now; the half-sent requests still complete
    for (const r of inflight) r.finish();
    const statuses = await Promise.all(inflight.map((r) => r.result));
    assert.deepEqual(statuses, Array(10).fill(201));
    assert.deepEqual(await Promise.all(burst.map((r) => r.result)), Array(60).fill(201));
    assert.equal(await app.exited, 0);

    const again = await start({ INVENTORY_DB: db });
    const ids = new Set(await listIds(again.url));
    for (let i = 0; i < 10; i++) assert.ok(ids.has(`drain-${i}`), `drain-${i} was acknowledged and kept`);
    for (let i = 0; i < 60; i++) assert.ok(ids.has(`burst-${i}`), `burst-${i} was acknowledged and kept`);
    await again.stop('SIGTERM');
  });
});

describe('DRAIN_DELAY_MS', () => {
  for (const app of ['inventory', 'gateway'] as const) {
    for (const value of ['abc', '-1', '1.5', '1e99x']) {
      it(`${app} refuses DRAIN_DELAY_MS=${value} at start, naming the variable and the fix`, async () => {
        await assert.rejects(startApp(app, { DRAIN_DELAY_MS: value }), (error: Error) => {
          assert.match(error.message, /exited \(1\) before listening/);
          assert.match(error.message, new RegExp(`DRAIN_DELAY_MS must be a non-negative integer, got: "${value.replace('.', '\\.')}"; unset it to use 300`));
          return true;
        });
      });
    }
  }
});
