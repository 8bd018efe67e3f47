/** A held or pending lock on one key: await `ready`, then call `release` exactly when done. */
export interface Lease {
  ready: Promise<void>;
  /** Idempotent; may be called before `ready` resolves (the lease is then given up). */
  release(): void;
}

/** FIFO mutual exclusion per key, as a promise chain per key (no polling, no timers). */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Queues for `key`; the lease is ready once every earlier lease on `key` was released. */
  acquire(key: string): Lease {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    // Forget the key once this lease and all before it are done and nobody queued behind.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    let released = false;
    return {
      ready: previous,
      release: () => {
        if (released) return;
        released = true;
        done();
      },
    };
  }

  /** Number of keys with a held or queued lease (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
