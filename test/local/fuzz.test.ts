/**
 * Hostile-input fuzz across every operation of every emulated service,
 * generated from the model data: for each operation a plausible input is
 * built from its shapes, then one member is replaced by a hostile value
 * (wrong type, null, huge or fractional number, long string, bad enum, deep
 * nesting, big list, junk). Asserts no 5xx, no hang, and a healthy cloud.
 *
 * Reproduce a run with `ECSKIT_FUZZ_SEED=<seed printed below>`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { models } from '../../src/local/models/data/index.js';
import type { ServiceModel, Shape } from '../../src/local/models/types.js';
import { services } from '../../src/local/services/index.js';
import type { ServiceDefinition } from '../../src/local/core/types.js';
import { QUERY_VERSIONS, signedPost, startTestCloud, type TestCloud } from './helpers.js';

const SEED = Number(process.env['ECSKIT_FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const CASES_PER_OPERATION = 7;
const REQUEST_TIMEOUT_MS = 10_000;
const CONCURRENCY = 8;
const DEEP = '"__ecskit_deep__"';

/** mulberry32: small, seeded, good enough to pick cases. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

/** A plausible value for a shape (required members only, bounded depth). */
function plausible(model: ServiceModel, name: string, rand: Rand, depth = 0): unknown {
  const shape: Shape | undefined = model.shapes[name];
  if (!shape || depth > 6) return undefined;
  switch (shape.t) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [member, ref] of Object.entries(shape.m)) {
        if (!shape.r?.includes(member) && rand() > 0.25) continue;
        const v = plausible(model, typeof ref === 'string' ? ref : ref[0], rand, depth + 1);
        if (v !== undefined) out[member] = v;
      }
      return out;
    }
    case 'list': {
      const v = plausible(model, shape.m, rand, depth + 1);
      return v === undefined ? [] : [v];
    }
    case 'map': {
      const v = plausible(model, shape.v, rand, depth + 1);
      return v === undefined ? {} : { key1: v };
    }
    case 'string':
      return shape.e ? pick(rand, shape.e) : 'a'.repeat(Math.max(shape.min ?? 1, 1));
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return shape.min ?? 1;
    case 'boolean':
      return rand() < 0.5;
    case 'timestamp':
      return 1_700_000_000;
    case 'blob':
      return 'AAAA';
    default:
      return {};
  }
}

const hostileValues = (): unknown[] => [
  -1,
  0,
  1e12,
  -1e12,
  1.5,
  2 ** 53 + 2,
  1e308,
  true,
  null,
  '',
  'x'.repeat(100_000),
  '\u0000\uffff😀\u202e',
  'NOT_AN_ENUM_VALUE',
  'abc',
  {},
  [],
  [[[[]]]],
  JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'),
  DEEP.slice(1, -1),
  Array.from({ length: 2000 }, () => 'a'),
  Array.from({ length: 50 }, () => ({ nested: [{ deeper: {} }] })),
  { toString: 'x', valueOf: 1 },
];

/** All paths (arrays of keys) into a plausible input, the root excluded. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const out: (string | number)[][] = [];
  for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const p = [...prefix, k];
    out.push(p, ...paths(v, p));
  }
  return out;
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node: any = root;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]!] = value;
}

/** One hostile input for an operation: a plausible input with one member replaced. */
function hostileInput(model: ServiceModel, operation: string, rand: Rand): Record<string, unknown> {
  const shapeName = model.operations[operation]!;
  const base = (shapeName ? plausible(model, shapeName, rand) : {}) as Record<string, unknown>;
  const input = structuredClone(base);
  const top = shapeName ? Object.keys((model.shapes[shapeName] as { m?: object }).m ?? {}) : [];
  const nested = paths(input);
  const path = nested.length > 0 && rand() < 0.5 ? pick(rand, nested) : [top.length > 0 && rand() < 0.9 ? pick(rand, top) : pick(rand, ['unknownMember', '__proto__', 'constructor'])];
  setAt(input, path, pick(rand, hostileValues()));
  return input;
}

/** Query/EC2 form parameters for an input (lists as .member.N or .N, maps as .entry.N.key/value). */
function flatten(value: unknown, prefix: string, ec2: boolean, out: [string, string][]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    if (value.length === 0) out.push([prefix, '']);
    value.forEach((v, i) => flatten(v, ec2 ? `${prefix}.${i + 1}` : `${prefix}.member.${i + 1}`, ec2, out));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k.charAt(0).toUpperCase()}${k.slice(1)}` : k.charAt(0).toUpperCase() + k.slice(1), ec2, out);
  } else if (value === DEEP.slice(1, -1)) out.push([`${prefix}${'.A'.repeat(40)}`, '1']);
  else out.push([prefix, String(value)]);
}

const nestedJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

interface Request {
  label: string;
  service: ServiceDefinition;
  headers: Record<string, string>;
  body: string;
}

function jsonRequest(def: ServiceDefinition, operation: string, input: Record<string, unknown>, version: '1.0' | '1.1'): Request {
  const body = JSON.stringify(input).replace(DEEP, nestedJson(5000));
  return { label: `${def.signingName} ${operation} (JSON)`, service: def, headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': `${def.targetPrefix}.${operation}` }, body };
}

function queryRequest(def: ServiceDefinition, operation: string, input: Record<string, unknown>): Request {
  const params: [string, string][] = [];
  flatten(input, '', def.protocols.includes('ec2'), params);
  const form = new URLSearchParams([['Action', operation], ['Version', QUERY_VERSIONS[def.signingName] ?? ''], ...params]);
  return { label: `${def.signingName} ${operation} (Query)`, service: def, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: form.toString() };
}

/** Every request of a run, in order, from the seed. */
function requests(seed: number): Request[] {
  const rand = prng(seed);
  const out: Request[] = [];
  for (const def of services) {
    const model = models[def.signingName];
    assert.ok(model, `no model for ${def.signingName}`);
    for (const operation of Object.keys(model.operations)) {
      for (let i = 0; i < CASES_PER_OPERATION; i++) {
        const input = hostileInput(model, operation, rand);
        const json = def.protocols.find((p) => p === 'json1.0' || p === 'json1.1');
        const form = def.protocols.some((p) => p === 'query' || p === 'ec2');
        const useJson = json && (!form || rand() < 0.5);
        out.push(useJson ? jsonRequest(def, operation, input, json === 'json1.0' ? '1.0' : '1.1') : queryRequest(def, operation, input));
      }
    }
    // Junk bodies for each service.
    for (let i = 0; i < 3; i++) {
      const junk = Array.from({ length: 64 }, () => String.fromCharCode(Math.floor(rand() * 0xd7ff))).join('');
      const op = pick(rand, Object.keys(model.operations));
      const base = def.targetPrefix ? jsonRequest(def, op, {}, '1.1') : queryRequest(def, op, {});
      out.push({ ...base, label: `${base.label} junk`, body: def.targetPrefix ? junk : `${base.body}&${encodeURIComponent(junk)}=${encodeURIComponent(junk)}` });
    }
  }
  return out;
}

describe('fuzz: hostile requests generated from the AWS models', () => {
  let t: TestCloud;
  const logs: string[] = [];
  before(async () => {
    t = await startTestCloud({ log: (line) => logs.push(line) });
  });
  after(() => t.stop());

  it('every emulated operation answers hostile input with a 4xx, never a 5xx or a hang, and the cloud stays healthy', async () => {
    console.log(`fuzz seed ${SEED} (ECSKIT_FUZZ_SEED=${SEED} reproduces this run)`);
    const all = requests(SEED);
    assert.ok(all.length >= 1000, `only ${all.length} requests`);
    const coveredOps = new Set(all.map((r) => r.label.replace(/ \((JSON|Query)\).*$/, '')));
    const servedOps = services.reduce((n, s) => n + Object.keys(models[s.signingName]!.operations).length, 0);
    assert.equal(coveredOps.size, servedOps);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < all.length; i += CONCURRENCY) {
      await Promise.all(
        all.slice(i, i + CONCURRENCY).map(async (r, j) => {
          const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS, 'timeout').unref());
          const answer = await Promise.race([signedPost(t.cloud.endpoint, r.service.signingName, t.cloud.region, r.headers, r.body).catch((e: Error) => e), timeout]);
          if (answer === 'timeout') problems.push(`#${i + j} ${r.label}: no answer in ${REQUEST_TIMEOUT_MS} ms`);
          else if (answer instanceof Error) problems.push(`#${i + j} ${r.label}: ${answer.message}`);
          else {
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            if (answer.status >= 500) problems.push(`#${i + j} ${r.label}: ${answer.status} ${answer.text.slice(0, 300)} ← ${r.body.slice(0, 300)}`);
          }
        }),
      );
    }
    console.log(`fuzz: ${all.length} requests over ${coveredOps.size} operations; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(logs.filter((l) => /failed/.test(l)), []);

    const health = await fetch(new URL('/_ecskit/health', t.cloud.endpoint));
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    const ok = await t.json('ecs', 'AmazonEC2ContainerServiceV20141113.CreateCluster', { clusterName: 'after-fuzz' });
    assert.equal(ok.status, 200, ok.text);
    assert.doesNotThrow(() => JSON.stringify(t.cloud.state.snapshot()));
  });
});
