/**
 * Request accounting: every S3 and DynamoDB call made through our clients is counted by
 * kind (command name), so benchmarks and tests can state round trips.
 */
export class RequestCounter {
  private readonly counts = new Map<string, number>();

  record(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  /** Calls of one kind (e.g. `GetObject`, `PutItem`), or of all kinds. */
  count(kind?: string): number {
    if (kind !== undefined) return this.counts.get(kind) ?? 0;
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.counts.clear();
  }
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** Count each logical call (not each HTTP retry) of an SDK v3 client. */
export function countRequests(client: MiddlewareClient, counter: RequestCounter, prefix = ''): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counter.record(`${prefix}${context.commandName?.replace(/Command$/, '') ?? 'unknown'}`);
      return next(args);
    },
    { step: 'initialize', name: 'deltaServerlessRequestCounter' },
  );
}
