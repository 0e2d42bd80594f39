/**
 * The task metadata endpoint (version 4): every container gets
 * `ECS_CONTAINER_METADATA_URI_V4=http://127.0.0.1:<port>/v4/<token>` and can
 * GET `${uri}` (its container), `${uri}/task` (the task), `${uri}/stats` and
 * `${uri}/task/stats`, as on ECS. The token names one container of one task;
 * the runtime supplies the documents through a lookup callback.
 *
 * @internal
 */
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';

/** The documents the endpoint serves for one container. */
export interface ContainerMetadata {
  /** `GET /v4/<token>`: the container metadata document. */
  container(): Record<string, unknown>;
  /** `GET /v4/<token>/task`: the task metadata document. */
  task(): Record<string, unknown>;
  /** `GET /v4/<token>/stats` (Docker stats shape, reduced). */
  stats?(): Record<string, unknown>;
}

/** A running metadata endpoint. */
export interface MetadataServer {
  /** Port on 127.0.0.1. */
  readonly port: number;
  /** Registers a container and returns its `ECS_CONTAINER_METADATA_URI_V4` value. */
  register(metadata: ContainerMetadata): {
    /** The container's `ECS_CONTAINER_METADATA_URI_V4`. */
    uri: string;
    /** Forgets the container (its URI then answers 404). */
    release(): void;
  };
  /** Stops the endpoint. */
  close(): Promise<void>;
}

/** Starts the endpoint on 127.0.0.1 (port 0 = any). */
export async function startMetadataServer(options: { host?: string; port?: number } = {}): Promise<MetadataServer> {
  const host = options.host ?? '127.0.0.1';
  const containers = new Map<string, ContainerMetadata>();
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const match = /^\/v4\/([^/?]+)(\/task)?(\/stats)?\/?(?:\?.*)?$/.exec(req.url ?? '');
    const entry = match ? containers.get(match[1]!) : undefined;
    if (!match || !entry) return send(404, { message: 'no such container metadata' });
    if (req.method !== 'GET') return send(405, { message: 'Method not allowed' });
    try {
      if (match[3]) return send(200, entry.stats?.() ?? {});
      return send(200, match[2] ? entry.task() : entry.container());
    } catch (error) {
      return send(500, { message: (error as Error).message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    register(metadata) {
      const token = randomUUID();
      containers.set(token, metadata);
      return { uri: `http://${host}:${port}/v4/${token}`, release: () => containers.delete(token) };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
