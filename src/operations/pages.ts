/**
 * Paging and batching, shared by the operations.
 *
 * @internal
 * @module
 */
import { call, type OperationSettings } from './context.js';

/** Every item of every page of a paginated call (`fetch` gets the previous page's token). @internal */
export async function listAll<P, I>(
  fetch: (token: string | undefined) => Promise<P>,
  next: (page: P) => string | undefined,
  items: (page: P) => readonly I[] | undefined,
): Promise<I[]> {
  const out: I[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    out.push(...(items(page) ?? []));
    token = next(page);
  } while (token);
  return out;
}

/** Chunks of `size`. @internal */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Every item of every page of one AWS call made through {@link call} (retried,
 * failures as `OperationError`s naming `operation` and `resource`).
 *
 * @internal
 */
export function callPages<P, I>(
  ctx: OperationSettings,
  operation: string,
  resource: string,
  send: (token: string | undefined) => Promise<P>,
  next: (page: P) => string | undefined,
  items: (page: P) => readonly I[] | undefined,
): Promise<I[]> {
  return listAll((token) => call(ctx, operation, resource, () => send(token)), next, items);
}
