/**
 * Full VACUUM also reclaims what killed writers leave outside any listing, and lite VACUUM
 * counts only files that still exist:
 * - `abandonedWrites`: the store's incomplete writes (LocalStore `.ds-tmp-*` temp files, in the
 *   log directory too; S3 incomplete multipart uploads) that started before the cutoff. A temp
 *   file's time is its last write, so a writer still streaming into one is never taken.
 * - `existing`: lite candidates come from the log's tombstones, which outlive the files; a second
 *   VACUUM must not count (or record) files the first one deleted.
 */
import { NotFoundError } from '../../errors.js';
import type { IncompleteWrite, ObjectStore } from '../../storage/object-store.js';
import { mapLimit } from '../../util/concurrency.js';
import type { VacuumFile } from './types.js';

/** Incomplete writes under the table that started before `cutoff` (none when the store keeps none). */
export async function abandonedWrites(store: ObjectStore, cutoff: number): Promise<IncompleteWrite[]> {
  if (!store.listIncompleteWrites) return [];
  const out: IncompleteWrite[] = [];
  for await (const w of store.listIncompleteWrites('')) if (w.started < cutoff) out.push(w);
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

/** The candidates that still exist (one HEAD each, 16 in flight). */
export async function existing(store: ObjectStore, candidates: readonly VacuumFile[]): Promise<VacuumFile[]> {
  const present = await mapLimit(candidates, 16, async (c) => {
    try {
      await store.head(c.path);
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  });
  return candidates.filter((_, i) => present[i]);
}
