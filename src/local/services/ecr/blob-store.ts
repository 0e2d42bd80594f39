/**
 * The registry's files: content-addressed blobs (`blobs/sha256/<hex>`) and
 * uploads in progress (`uploads/<uuid>`), each hashed as it is written so a
 * digest is verified without reading the file again. Paths are built from
 * validated hex digests and random ids only — never from request text.
 *
 * @internal
 */
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** An upload in progress. */
export interface Upload {
  /** Random id (the `<uuid>` of `/blobs/uploads/<uuid>`). */
  readonly id: string;
  /** Repository it was started in (an upload is only valid there). */
  readonly repository: string;
  /** Account+region key of that repository. */
  readonly scope: string;
  /** Bytes received so far. */
  size: number;
  /** Running sha256 of those bytes. */
  readonly hash: Hash;
  /** Epoch ms of the last activity (idle uploads are dropped). */
  touched: number;
  /** A PATCH or PUT is streaming into it. */
  busy: boolean;
}

/** Thrown when a body would take a blob past the size limit. */
export class BlobTooLargeError extends Error {
  /** Always `'BlobTooLargeError'`. */
  override readonly name = 'BlobTooLargeError';
}

/** Blobs and uploads under one directory. */
export class BlobStore {
  readonly #blobs: string;
  readonly #uploads: string;
  readonly #active = new Map<string, Upload>();

  constructor(readonly dir: string) {
    this.#blobs = join(dir, 'blobs', 'sha256');
    this.#uploads = join(dir, 'uploads');
    mkdirSync(this.#blobs, { recursive: true, mode: 0o700 });
    // Uploads of a previous run cannot be resumed (their hash state is gone).
    rmSync(this.#uploads, { recursive: true, force: true });
    mkdirSync(this.#uploads, { recursive: true, mode: 0o700 });
  }

  /** The file of a blob (digest already validated as `sha256:<hex>`). */
  path(digest: string): string {
    return join(this.#blobs, digest.slice('sha256:'.length));
  }

  /** The blob's size, or undefined when it is not stored. */
  size(digest: string): number | undefined {
    try {
      return statSync(this.path(digest)).size;
    } catch {
      return undefined;
    }
  }

  /** A stream of the blob's bytes. */
  read(digest: string): ReadStream {
    return createReadStream(this.path(digest));
  }

  /** Stores small content whose digest the caller computed (manifests). */
  writeWhole(digest: string, bytes: Buffer): void {
    const path = this.path(digest);
    if (existsSync(path)) return;
    const temp = join(this.#uploads, `${randomUUID()}.tmp`);
    writeFileSync(temp, bytes, { mode: 0o600 });
    renameSync(temp, path);
  }

  /** Starts an upload. */
  start(repository: string, scope: string): Upload {
    const upload: Upload = { id: randomUUID(), repository, scope, size: 0, hash: createHash('sha256'), touched: Date.now(), busy: false };
    writeFileSync(join(this.#uploads, upload.id), '', { mode: 0o600 });
    this.#active.set(upload.id, upload);
    return upload;
  }

  /** The upload with this id, if it is in progress. */
  upload(id: string): Upload | undefined {
    return this.#active.get(id);
  }

  /** How many uploads are in progress. */
  get uploads(): number {
    return this.#active.size;
  }

  /**
   * Appends a request body to an upload, hashing as it goes.
   *
   * @throws {@link BlobTooLargeError} when the blob would pass `limit` bytes (the upload is cancelled).
   */
  async append(upload: Upload, body: Readable, limit: number): Promise<void> {
    upload.busy = true;
    const out = createWriteStream(join(this.#uploads, upload.id), { flags: 'a' });
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        if (upload.size + chunk.length > limit) throw new BlobTooLargeError(`blob exceeds the registry's limit of ${limit} bytes`);
        upload.size += chunk.length;
        upload.hash.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
      }
      out.end();
      await finished(out);
    } catch (error) {
      out.destroy();
      this.cancel(upload);
      throw error;
    } finally {
      upload.busy = false;
      upload.touched = Date.now();
    }
  }

  /** The digest of everything appended so far (the upload stays open). */
  digest(upload: Upload): string {
    return `sha256:${upload.hash.copy().digest('hex')}`;
  }

  /** Moves a finished upload to its blob path (the digest was verified by the caller). */
  commit(upload: Upload, digest: string): void {
    this.#active.delete(upload.id);
    const from = join(this.#uploads, upload.id);
    if (existsSync(this.path(digest))) rmSync(from, { force: true });
    else renameSync(from, this.path(digest));
  }

  /** Drops an upload and its file. */
  cancel(upload: Upload): void {
    this.#active.delete(upload.id);
    rmSync(join(this.#uploads, upload.id), { force: true });
  }

  /** Drops uploads idle for longer than `idleMs`. */
  expire(idleMs: number, now = Date.now()): void {
    for (const upload of this.#active.values()) if (!upload.busy && now - upload.touched > idleMs) this.cancel(upload);
  }

  /** Deletes blob files not in `live` (digests). */
  sweep(live: ReadonlySet<string>): number {
    let removed = 0;
    for (const hex of readdirSync(this.#blobs)) {
      if (!live.has(`sha256:${hex}`)) {
        rmSync(join(this.#blobs, hex), { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Cancels every upload (stop). */
  close(): void {
    for (const upload of [...this.#active.values()]) this.cancel(upload);
  }
}
