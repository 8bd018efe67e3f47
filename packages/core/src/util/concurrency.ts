/** Map over items with at most `limit` promises in flight; results keep input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * Yield fn(item) in input order while keeping up to `ahead` results in flight — the
 * prefetching pattern of scans (file N+1 downloads while file N is consumed).
 */
export async function* orderedPrefetch<T, R>(
  items: readonly T[],
  ahead: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const inflight: Promise<R>[] = [];
  let next = 0;
  const fill = () => {
    while (inflight.length < Math.max(1, ahead) && next < items.length) {
      const p = fn(items[next++]!);
      p.catch(() => undefined); // surfaced when awaited below
      inflight.push(p);
    }
  };
  fill();
  while (inflight.length > 0) {
    const r = await inflight.shift()!;
    fill();
    yield r;
  }
}
