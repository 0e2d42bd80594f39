/**
 * Listening and draining, for the apps' mains only (factories never listen).
 *
 * On SIGTERM (or SIGINT): readiness turns 503 at once, the listener stays
 * open for `drainDelayMs` so load balancers and probes see not-ready, then it
 * stops accepting, in-flight requests finish (idle keep-alive connections are
 * closed as they go idle), `onClosed` runs (the inventory closes its store)
 * and the process exits 0.
 *
 * @internal
 * @module
 */
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Elysia } from 'elysia';
import type { Lifecycle } from './lifecycle.js';

/** Options of {@link serveApp}. @internal */
export interface ServeOptions {
  /** Interface to bind (`HOST`, default `0.0.0.0`). */
  host: string;
  /** Port to bind (`PORT`); 0 picks a free one. */
  port: number;
  /** Service name for the startup and shutdown log lines. */
  service: string;
  /** The app's readiness state; set to draining on SIGTERM. */
  lifecycle: Lifecycle;
  /** How long readiness answers 503 before the listener closes. Default 300 ms. */
  drainDelayMs?: number;
  /** After this long, connections still open are cut. Default 10 s. */
  forceCloseAfterMs?: number;
  /** Runs once the listener is closed and in-flight requests are done. */
  onClosed?: () => void | Promise<void>;
  /** Log sink (one JSON line per call). */
  log: (line: string) => void;
}

/** A listening app. @internal */
export interface ServingApp {
  /** The port actually bound. */
  port: number;
  /** Drains and closes (what SIGTERM does, without exiting). */
  shutdown(): Promise<void>;
}

interface SrvxLike {
  ready(): Promise<unknown>;
  node?: { server?: HttpServer };
}

/** Reads an integer environment variable, naming it in the error. @internal */
export function intFromEnv(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${name} must be a non-negative integer, got: ${JSON.stringify(value)}; unset it to use ${fallback}`);
  }
  return n;
}

/**
 * Listens with the Elysia Node adapter and installs the SIGTERM drain.
 *
 * @internal
 */
export async function serveApp(app: Elysia<any, any, any, any, any, any, any>, options: ServeOptions): Promise<ServingApp> {
  const { lifecycle, log, service } = options;
  const drainDelayMs = options.drainDelayMs ?? 300;
  const forceCloseAfterMs = options.forceCloseAfterMs ?? 10_000;

  let shuttingDown: Promise<void> | undefined;
  let server: HttpServer | undefined;
  const shutdown = (): Promise<void> => {
    shuttingDown ??= (async () => {
      await listening;
      lifecycle.draining = true;
      log(JSON.stringify({ time: new Date().toISOString(), service, msg: 'draining', drainDelayMs }));
      await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
      await new Promise<void>((resolve) => {
        if (!server) return resolve();
        const s = server;
        const idle = setInterval(() => s.closeIdleConnections(), 25);
        const force = setTimeout(() => s.closeAllConnections(), forceCloseAfterMs);
        s.close(() => {
          clearInterval(idle);
          clearTimeout(force);
          resolve();
        });
        s.closeIdleConnections();
      });
      await options.onClosed?.();
      log(JSON.stringify({ time: new Date().toISOString(), service, msg: 'stopped' }));
    })();
    return shuttingDown;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    log(JSON.stringify({ time: new Date().toISOString(), service, msg: 'signal', signal }));
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${service}: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  let markListening!: () => void;
  const listening = new Promise<void>((resolve) => (markListening = resolve));
  let raw: SrvxLike | undefined;
  app.listen(
    {
      hostname: options.host,
      port: options.port,
      // srvx would otherwise install its own SIGINT/SIGTERM handlers.
      gracefulShutdown: false,
      reusePort: false,
    } as Parameters<typeof app.listen>[0],
    (info) => {
      raw = (info as unknown as { raw: SrvxLike }).raw;
    },
  );
  if (!raw?.node?.server) throw new Error(`${service}: the Elysia Node adapter did not create an HTTP server`);
  server = raw.node.server;
  // Signal handlers go in before the "listening" line: a supervisor may send
  // SIGTERM the moment it reads it.
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await raw.ready();
  markListening();
  const port = (server.address() as AddressInfo).port;
  log(JSON.stringify({ time: new Date().toISOString(), service, msg: 'listening', host: options.host, port }));

  return { port, shutdown };
}
