/**
 * Delete keys in batches of `batchSize` per deleteMany call (S3 DeleteObjects takes up to
 * 1000), with a few batches in flight, reporting progress after each batch. On a failure no
 * new batch starts; the error is rethrown once the batches in flight settle, carrying how
 * many keys were deleted before it.
 */
import { StorageError } from '../../errors.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { VacuumProgress } from './types.js';

export interface DeleteBatchOptions {
  batchSize: number;
  concurrency: number;
  onProgress?: (p: VacuumProgress) => void;
}

/** Thrown when a batch fails; `deleted` keys were deleted before (batches are all-or-unknown). */
export class VacuumDeleteError extends StorageError {
  constructor(
    readonly deleted: number,
    readonly total: number,
    cause: unknown,
  ) {
    super(
      `VACUUM deleted ${deleted} of ${total} files, then deleting failed: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'The table is intact (only unreferenced files were deleted); run VACUUM again to finish.',
      { cause },
    );
  }
}

/** Delete every key; resolves to the number deleted. */
export async function deleteInBatches(
  store: ObjectStore,
  keys: readonly string[],
  opts: DeleteBatchOptions,
): Promise<number> {
  const size = Math.max(1, Math.floor(opts.batchSize));
  const total = keys.length;
  let next = 0;
  let done = 0;
  let failure: { err: unknown } | undefined;
  opts.onProgress?.({ phase: 'delete', done: 0, total });
  const worker = async () => {
    while (!failure && next < total) {
      const batch = keys.slice(next, next + size);
      next += batch.length;
      try {
        await store.deleteMany(batch);
      } catch (err) {
        failure ??= { err };
        return;
      }
      done += batch.length;
      opts.onProgress?.({ phase: 'delete', done, total });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, Math.ceil(total / size))) }, worker));
  if (failure) throw new VacuumDeleteError(done, total, failure.err);
  return done;
}
