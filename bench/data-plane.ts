/**
 * Benchmark (not a test) of the data plane on the lab's stack in the local
 * cloud (Tasks 1–4: 2 invsys tasks behind Cloud Map, 2 gateway tasks behind
 * the ALB): requests/s and p50/p99 of GET and POST `/items` through the ALB
 * → gateway → invsys, against one gateway task directly, and against one
 * invsys task directly, all in one run with autocannon.
 *
 * Run: `npm run bench -- data-plane` (options: `--duration 5 --connections 20`).
 *
 * @internal
 * @module
 */
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { startLabStack } from './lab-stack.js';
import { machineLine, round, table, writeResult } from './lib.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '20' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);

/** One measured route. */
interface Row {
  path: string;
  method: 'GET' | 'POST';
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

let posted = 0;
async function measure(path: string, url: string, method: 'GET' | 'POST', seconds = duration): Promise<Row> {
  const result = await autocannon({
    url,
    method,
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    ...(method === 'POST'
      ? {
          requests: [
            {
              method: 'POST',
              setupRequest: (req: any) => ({
                ...req,
                body: JSON.stringify({ id: `bench-${process.pid}-${posted++}`, name: 'bench device', location: 'loopback', status: 'on' }),
              }),
            },
          ],
        }
      : {}),
  });
  return {
    path,
    method,
    rps: round(result.requests.average, 0),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const loadBefore = machineLine();
const stack = await startLabStack();
const rows: Row[] = [];
try {
  const [gateway] = await stack.taskUrls('gateway');
  const [invsys] = await stack.taskUrls('invsys');
  if (!gateway || !invsys) throw new Error('the lab stack has no RUNNING gateway or invsys task');
  const paths = [
    ['ALB → gateway → invsys', stack.albUrl],
    ['gateway task directly → invsys', gateway.url],
    ['invsys task directly', invsys.url],
  ] as const;
  await measure('warm-up', `${stack.albUrl}/items`, 'GET', 1);
  for (const method of ['GET', 'POST'] as const) for (const [name, base] of paths) rows.push(await measure(name, `${base}/items`, method));
} finally {
  await stack.stop();
}

console.log(loadBefore);
console.log(`lab stack (Tasks 1–4) on the local cloud in this process; autocannon in this process, ${connections} connections, ${duration} s per row; invsys on one SQLite file shared by its 2 tasks\n`);
table(
  ['route', 'path', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors'],
  rows.map((r) => [`${r.method} /items`, r.path, r.rps, r.p50Ms, r.p99Ms, r.requests, r.non2xx, r.errors]),
);
const ratio = (method: 'GET' | 'POST', a: number, b: number) => {
  const xs = rows.filter((r) => r.method === method);
  return round((xs[a]!.rps / xs[b]!.rps) * 100, 0);
};
const ratios = {
  getAlbVsGateway: ratio('GET', 0, 1),
  getGatewayVsInvsys: ratio('GET', 1, 2),
  getAlbVsInvsys: ratio('GET', 0, 2),
  postAlbVsGateway: ratio('POST', 0, 1),
  postGatewayVsInvsys: ratio('POST', 1, 2),
  postAlbVsInvsys: ratio('POST', 0, 2),
};
console.log(
  `\nthroughput ratios: GET ALB/gateway ${ratios.getAlbVsGateway} %, gateway/invsys ${ratios.getGatewayVsInvsys} %, ALB/invsys ${ratios.getAlbVsInvsys} %; ` +
    `POST ALB/gateway ${ratios.postAlbVsGateway} %, gateway/invsys ${ratios.postGatewayVsInvsys} %, ALB/invsys ${ratios.postAlbVsInvsys} %`,
);
console.log(`load average at end: ${machineLine()}`);
console.log(`→ ${writeResult('data-plane', { duration, connections, rows, ratiosPercent: ratios })}`);
