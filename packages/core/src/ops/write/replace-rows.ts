/**
 * The DELETE half of an overwrite whose replaceWhere reads data columns, as Delta Spark runs it
 * (WriteIntoDelta runs a DeleteCommand): files that hold matching rows get a deletion vector or
 * are rewritten without them, files without a match stay, and on a change-data-feed table the
 * deleted rows go to `_change_data/` as `delete` rows. A commit with change data files must
 * carry every change, so the write also sends its new rows to the feed as `insert` rows
 * (`feedsInserts`); with deletion vectors the feed is derived from the log instead.
 */
import type { AddCDCFile, AddFile, RemoveFile } from '../../protocol/actions.js';
import type { Expression } from '../../expr/index.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { planDelete } from '../delete/index.js';
import { deletionVectorsWritable, executeDmlPlan, sumCounters } from '../dml/index.js';
import { removeOf } from '../optimize/commit.js';

export interface ReplaceWhereDeletion {
  removes: RemoveFile[];
  /** Re-adds with a new deletion vector and rewritten files. */
  adds: AddFile[];
  cdc: AddCDCFile[];
  /** Store keys written (deleted if the commit fails). */
  written: string[];
  /** Candidate files the deletion read (the commit's read set). */
  readFiles: string[];
  deletedRows: number;
  copiedRows: number;
  rewrittenFiles: number;
}

/** Whether a data-column replaceWhere on `base` must also write its new rows to the feed. */
export function replaceWhereFeedsInserts(base: Snapshot): boolean {
  return base.properties['delta.enableChangeDataFeed'] === 'true' && !deletionVectorsWritable(base);
}

export async function deleteForReplaceWhere(
  base: Snapshot,
  predicate: Expression | string,
): Promise<ReplaceWhereDeletion> {
  const plan = planDelete(base, predicate);
  const results = await executeDmlPlan(base, plan);
  const now = base.engine.clock.now();
  const c = sumCounters(results.map((r) => r.counters));
  return {
    removes: [...plan.removeWhole, ...results.flatMap((r) => r.removed)].map((f) => ({
      ...removeOf(f, now),
      dataChange: true,
    })),
    adds: results.flatMap((r) => r.added),
    cdc: results.flatMap((r) => r.cdc),
    written: results.flatMap((r) => r.written),
    readFiles: [...plan.removeWhole, ...plan.files.map((f) => f.add)].map((f) => f.path),
    deletedRows: c.numMatchedRows,
    copiedRows: c.numCopiedRows,
    rewrittenFiles: c.numTouchedFiles,
  };
}
