/**
 * Decodes AWS Query / EC2 Query form parameters into handler input.
 *
 * Folding rules (one decoder for both protocols):
 * - `A=x` → `{ A: 'x' }`; `A.B=x` → `{ A: { B: 'x' } }`. Scalars stay
 *   strings; handlers coerce with `num()` / `bool()`.
 * - Lists: `A.member.N…` (Query) and `A.N…` (EC2, flattened Query lists)
 *   → `{ A: [...] }`, ordered by N (gaps closed).
 *   `Filter.1.Name=vpc-id&Filter.1.Value.1=x` → `{ Filter: [{ Name: 'vpc-id', Value: ['x'] }] }`.
 * - Maps: `A.entry.N.key=k&A.entry.N.value=v` (any capitalisation of
 *   key/value) → a **plain object** `{ A: { k: 'v' } }`, the same shape a
 *   JSON-protocol handler receives for a map. An entry without a key is dropped.
 * - `Action` and `Version` are removed from the input.
 * - An empty list is sent by the SDK as `A=` and arrives as `A: ''`.
 *
 * Conflicting keys (`A=x&A.B=y`) throw {@link QueryDecodeError}.
 *
 * @internal
 */

/** A parameter set that cannot be folded into one object. */
export class QueryDecodeError extends Error {
  override readonly name = 'QueryDecodeError';
}

type Node = { kind: 'scalar'; value: string } | { kind: 'object'; children: Map<string, Node> } | { kind: 'list'; items: Map<number, Node> } | { kind: 'map'; entries: Map<number, Node> };

const INDEX = /^[0-9]{1,9}$/;
const MAX_DEPTH = 32;

function child(parent: Node, key: string, want: Node['kind'], path: string): Node {
  let store: Map<string | number, Node>;
  let k: string | number = key;
  if (parent.kind === 'object') store = parent.children as Map<string | number, Node>;
  else if (parent.kind === 'list') {
    store = parent.items as Map<string | number, Node>;
    k = Number(key);
  } else if (parent.kind === 'map') {
    store = parent.entries as Map<string | number, Node>;
    k = Number(key);
  } else throw new QueryDecodeError(`Parameter ${path} is both a value and a structure.`);
  const existing = store.get(k);
  if (existing) {
    if (existing.kind !== want) throw new QueryDecodeError(`Parameter ${path} is used both as ${existing.kind} and as ${want}.`);
    return existing;
  }
  const created: Node =
    want === 'object' ? { kind: 'object', children: new Map() } : want === 'list' ? { kind: 'list', items: new Map() } : want === 'map' ? { kind: 'map', entries: new Map() } : { kind: 'scalar', value: '' };
  store.set(k, created);
  return created;
}

/** Folds flat `name=value` pairs into nested handler input (see module docs). */
export function foldQueryParams(params: Iterable<[string, string]>): Record<string, unknown> {
  const root: Node = { kind: 'object', children: new Map() };
  for (const [name, value] of params) {
    if (name === 'Action' || name === 'Version') continue;
    if (name === '') throw new QueryDecodeError('A parameter has an empty name.');
    const parts = name.split('.');
    if (parts.length > MAX_DEPTH) throw new QueryDecodeError(`Parameter ${name.slice(0, 200)} is nested too deeply.`);
    if (parts.some((p) => p === '')) throw new QueryDecodeError(`Parameter ${name.slice(0, 200)} has an empty path segment.`);
    let node: Node = root;
    let i = 0;
    while (i < parts.length) {
      const part = parts[i]!;
      const next = parts[i + 1];
      const afterNext = parts[i + 2];
      const isLast = i === parts.length - 1;
      if (node.kind !== 'object' && node.kind !== 'list' && node.kind !== 'map') throw new QueryDecodeError(`Parameter ${name.slice(0, 200)} is both a value and a structure.`);
      if ((node.kind === 'list' || node.kind === 'map') && !INDEX.test(part)) throw new QueryDecodeError(`Parameter ${name.slice(0, 200)}: expected a list index, got "${part.slice(0, 50)}".`);
      if (isLast) {
        const leaf = child(node, part, 'scalar', name);
        if (leaf.kind === 'scalar') {
          if (leaf.value !== '' && leaf.value !== value) throw new QueryDecodeError(`Parameter ${name.slice(0, 200)} is given twice.`);
          leaf.value = value;
        }
        break;
      }
      if (node.kind === 'object' && next === 'member' && afterNext !== undefined && INDEX.test(afterNext)) {
        node = child(node, part, 'list', name);
        i += 2; // skip "member"; the index is consumed on the next round
        continue;
      }
      if (node.kind === 'object' && next === 'entry' && afterNext !== undefined && INDEX.test(afterNext)) {
        node = child(node, part, 'map', name);
        i += 2;
        continue;
      }
      if (node.kind === 'object' && next !== undefined && INDEX.test(next)) {
        node = child(node, part, 'list', name);
        i += 1;
        continue;
      }
      // Inside a list/map the part is an index; the element is a structure unless
      // the index is the last segment (a list of scalars).
      node = child(node, part, 'object', name);
      i += 1;
    }
  }
  return materialise(root) as Record<string, unknown>;
}

function materialise(node: Node): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of node.children) Object.defineProperty(out, k, { value: materialise(v), enumerable: true, writable: true, configurable: true });
      return out;
    }
    case 'list':
      return [...node.items.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => materialise(v));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [, entry] of [...node.entries.entries()].sort((a, b) => a[0] - b[0])) {
        const value = materialise(entry);
        if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
        const e = value as Record<string, unknown>;
        const key = e.key ?? e.Key ?? e.name ?? e.Name;
        if (typeof key !== 'string') continue;
        Object.defineProperty(out, key, { value: e.value ?? e.Value, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
  }
}
