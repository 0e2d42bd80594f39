/**
 * Metric math for GetMetricData: arithmetic over query ids and numbers
 * (`m1+m2`, `(m1/m2)*100`) and the SUM/AVG/MIN/MAX functions over
 * series or `METRICS()`.
 *
 * @internal
 */
import { AwsError } from '../../core/types.js';

/** A time series: timestamp (epoch ms) → value. */
export type Series = Map<number, number>;

type Value = number | Series | Series[];

function binary(a: Value, b: Value, op: (x: number, y: number) => number): Value {
  if (Array.isArray(a) || Array.isArray(b)) throw new AwsError('ValidationError', 'Arithmetic on an array of time series is not supported; wrap it in SUM/AVG/MIN/MAX.');
  if (typeof a === 'number' && typeof b === 'number') return op(a, b);
  const out: Series = new Map();
  if (typeof a === 'number') for (const [t, y] of b as Series) out.set(t, op(a, y));
  else if (typeof b === 'number') for (const [t, x] of a) out.set(t, op(x, b));
  else for (const [t, x] of a) {
    const y = b.get(t);
    if (y !== undefined) out.set(t, op(x, y));
  }
  return out;
}

function reduce(args: Value[], fn: string): Series {
  const series = args.flatMap((a) => (Array.isArray(a) ? a : typeof a === 'number' ? [] : [a]));
  const byTime = new Map<number, number[]>();
  for (const s of series) for (const [t, v] of s) byTime.set(t, [...(byTime.get(t) ?? []), v]);
  const out: Series = new Map();
  for (const [t, vs] of byTime) {
    const sum = vs.reduce((x, y) => x + y, 0);
    out.set(t, fn === 'SUM' ? sum : fn === 'AVG' ? sum / vs.length : fn === 'MIN' ? Math.min(...vs) : Math.max(...vs));
  }
  return out;
}

/** Evaluates `expression` with `series` bound to query ids; `METRICS()` returns the `metrics` (MetricStat results only). */
export function evaluateExpression(expression: string, series: ReadonlyMap<string, Series>, metrics: ReadonlyMap<string, Series> = series): Series | number {
  const tokens = expression.match(/\s*(\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/(),\[\]])\s*/g)?.map((t) => t.trim()) ?? [];
  if (tokens.join('') !== expression.replace(/\s+/g, '')) throw new AwsError('ValidationError', `Unsupported metric math expression: ${expression}`);
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string) => {
    const t = tokens[i++];
    if (t === undefined || (expected !== undefined && t !== expected)) throw new AwsError('ValidationError', `Syntax error in metric math expression ${expression}: expected ${expected ?? 'a value'}.`);
    return t;
  };
  /** One left-associative level of binary operators (`ops`) over `operand`. */
  const level =
    (operand: () => Value, ops: Readonly<Record<string, (x: number, y: number) => number>>) =>
    (): Value => {
      let left = operand();
      for (let t = peek(); t !== undefined && Object.hasOwn(ops, t); t = peek()) {
        const op = ops[take()]!;
        left = binary(left, operand(), op);
      }
      return left;
    };
  const expr: () => Value = level(() => term(), { '+': (x, y) => x + y, '-': (x, y) => x - y });
  const term: () => Value = level(() => factor(), { '*': (x, y) => x * y, '/': (x, y) => x / y });
  const factor = (): Value => {
    const t = take();
    if (t === '-') return binary(-1, factor(), (x, y) => x * y);
    if (t === '(') {
      const v = expr();
      take(')');
      return v;
    }
    if (t === '[') {
      const items: Series[] = [];
      while (peek() !== ']') {
        const v = expr();
        if (v instanceof Map) items.push(v);
        if (peek() === ',') take(',');
        else break;
      }
      take(']');
      return items;
    }
    if (/^\d/.test(t)) return Number(t);
    const fn = t.toUpperCase();
    if (peek() === '(' && ['SUM', 'AVG', 'MIN', 'MAX', 'METRICS'].includes(fn)) {
      take('(');
      const args: Value[] = [];
      while (peek() !== ')') {
        args.push(expr());
        if (peek() === ',') take(',');
        else break;
      }
      take(')');
      if (fn === 'METRICS') return [...metrics.values()];
      return reduce(args, fn);
    }
    const s = series.get(t);
    if (!s) throw new AwsError('ValidationError', `Metric math expression ${expression} refers to unknown id ${t}.`);
    return s;
  };
  const result = expr();
  if (i !== tokens.length) throw new AwsError('ValidationError', `Syntax error in metric math expression ${expression}.`);
  if (Array.isArray(result)) throw new AwsError('ValidationError', `Metric math expression ${expression} returns several time series; reduce them with SUM/AVG/MIN/MAX.`);
  return result;
}
