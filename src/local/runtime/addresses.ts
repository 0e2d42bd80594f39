/**
 * Loopback addresses for awsvpc tasks and load balancers. Linux routes all
 * of 127.0.0.0/8 to the loopback interface, so every task can have its own
 * address and listen on its container port, as with an ENI. macOS only
 * configures 127.0.0.1; there the allocator fails with instructions.
 *
 * @internal
 */
import { createServer } from 'node:net';

/** Thrown when the platform cannot bind extra loopback addresses. */
export class LoopbackUnavailableError extends Error {
  override readonly name = 'LoopbackUnavailableError';
}

/** Hands out unique 127.x.y.z addresses from a /16 block, and takes them back. */
export class AddressPool {
  readonly #prefix: string;
  readonly #used = new Set<number>();
  #next = 2;

  /**
   * `secondOctet` picks the block: tasks use 127.10.x.y, load balancers 127.20.x.y by default.
   * `start` (2-65533) is the first candidate; the runtime starts at a random one so that
   * several local clouds on one machine (parallel test files) rarely pick the same address.
   */
  constructor(secondOctet: number, options: { start?: number } = {}) {
    this.#prefix = `127.${secondOctet}`;
    if (options.start !== undefined) this.#next = Math.min(65_533, Math.max(2, Math.floor(options.start)));
  }

  /** The next free address (never .0 or .255 in the last octet). */
  allocate(): string {
    for (let i = 0; i < 65_536; i++) {
      const n = this.#next;
      this.#next = this.#next >= 65_533 ? 2 : this.#next + 1;
      const last = n & 0xff;
      if (last === 0 || last === 255 || this.#used.has(n)) continue;
      this.#used.add(n);
      return `${this.#prefix}.${n >> 8}.${last}`;
    }
    throw new Error(`no free loopback address left in ${this.#prefix}.0.0/16`);
  }

  /** Returns an address to the pool. */
  release(address: string): void {
    const parts = address.split('.').map(Number);
    if (parts.length === 4) this.#used.delete((parts[2]! << 8) | parts[3]!);
  }
}

/**
 * Checks once that an address other than 127.0.0.1 can be bound, and
 * explains how to fix it where it cannot (macOS).
 */
export async function assertLoopbackRange(probe = '127.10.0.1'): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, probe, () => resolve());
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const fix =
      process.platform === 'darwin'
        ? 'macOS routes only 127.0.0.1 by default; add aliases with ' +
          '`for i in $(seq 0 255); do sudo ifconfig lo0 alias 127.10.0.$i up; sudo ifconfig lo0 alias 127.20.0.$i up; done` ' +
          '(tasks use 127.10.x.y, load balancers 127.20.x.y)'
        : 'make sure the loopback interface carries 127.0.0.0/8 (`ip addr show lo`)';
    throw new LoopbackUnavailableError(
      `the local cloud gives each awsvpc task its own loopback address, but ${probe} cannot be bound (${code}): ${fix}`,
    );
  } finally {
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
