/**
 * The inventory service (the lab's *invsys*) as an Elysia app.
 *
 * @internal
 * @module
 */
import { Elysia } from 'elysia';
import { node } from '@elysiajs/node';
import { httpBasics, stdoutLog, type RouteSpec } from '../../shared/src/basics.js';
import { HttpError, readTextLimited, ROUTER_OPTIONS } from '../../shared/src/http.js';
import { createLifecycle, type Lifecycle } from '../../shared/src/lifecycle.js';
import type { DeviceStore } from './store.js';
import { ID_PATTERN, validateNewDevice, validatePatch } from './validation.js';

/** Service name reported by `/version` and `/health`. @internal */
export const INVENTORY_SERVICE = 'inventory-system';

/** Every inventory route, for 404 vs 405. @internal */
export const INVENTORY_ROUTES: readonly RouteSpec[] = [
  { path: '/items', methods: ['GET', 'POST'] },
  { path: '/items/:id', methods: ['GET', 'PUT', 'DELETE'] },
  { path: '/version', methods: ['GET'] },
  { path: '/health', methods: ['GET'] },
  { path: '/health/ready', methods: ['GET'] },
  { path: '/health/live', methods: ['GET'] },
];

/** Dependencies of {@link createInventoryApp}. @internal */
export interface InventoryDeps {
  /** Where devices live. */
  store: DeviceStore;
  /** Reported by `/version` and `/health`. */
  version: string;
  /** Readiness state; default: always ready. */
  lifecycle?: Lifecycle;
  /** Request log sink; default stdout. */
  log?: (line: string) => void;
  /** Clock in epoch milliseconds; default `Date.now`. */
  now?: () => number;
}

const notFound = () => new HttpError(404, { message: 'Device not found' });

/**
 * Builds the inventory app. It never listens: tests call `app.handle()`,
 * `main.ts` calls `serveApp()`.
 *
 * @internal
 */
export function createInventoryApp(deps: InventoryDeps) {
  const { store, version } = deps;
  const lifecycle = deps.lifecycle ?? createLifecycle();
  const find = (id: string) => (ID_PATTERN.test(id) ? store.get(id) : undefined);

  return new Elysia({ adapter: node(), ...ROUTER_OPTIONS })
    .use(
      httpBasics({
        service: INVENTORY_SERVICE,
        routes: INVENTORY_ROUTES,
        log: deps.log ?? stdoutLog,
        now: deps.now ?? Date.now,
        lifecycle,
      }),
    )
    .get('/items', () => ({ items: store.list() }))
    .post('/items', async ({ request, set }) => {
      const result = validateNewDevice(await readTextLimited(request));
      if (!result.ok) throw new HttpError(400, result.errors);
      if (!store.insert(result.value)) throw new HttpError(409, { message: 'Device with this ID already exists' });
      set.status = 201;
      return { 'Posted a device': result.value };
    })
    .get('/items/:id', ({ params }) => {
      const device = find(params.id);
      if (!device) throw notFound();
      return device;
    })
    .put('/items/:id', async ({ params, request }) => {
      const result = validatePatch(await readTextLimited(request), params.id);
      if (!result.ok) throw new HttpError(400, result.errors);
      if (!ID_PATTERN.test(params.id) || !store.update(params.id, result.value)) throw notFound();
      return { 'updated device': params.id };
    })
    .delete('/items/:id', ({ params }) => {
      if (!ID_PATTERN.test(params.id) || !store.delete(params.id)) throw notFound();
      return { message: 'Device deleted' };
    })
    .get('/version', () => ({ version, service: INVENTORY_SERVICE }))
    .get('/health', ({ set }) => {
      try {
        store.check();
        return { status: 'healthy', service: INVENTORY_SERVICE, version, checks: { database: 'ok', storage: 'ok' } };
      } catch (error) {
        set.status = 503;
        return { status: 'unhealthy', error: error instanceof Error ? error.message : String(error) };
      }
    })
    .get('/health/ready', ({ set }) => {
      if (lifecycle.draining) {
        set.status = 503;
        return { ready: false };
      }
      return { ready: true };
    })
    .get('/health/live', () => ({ alive: true }));
}

/** The inventory app's type. @internal */
export type InventoryApp = ReturnType<typeof createInventoryApp>;
