/**
 * The deletion-vector path for one touched file: merge the matched rows into the file's
 * existing vector (if any) and re-add the file with the merged vector and wide-bounds stats;
 * a file left with no live row is removed instead. The copy-on-write path is rewrite.ts.
 */
import type { Engine } from '../../engine/engine.js';
import type { AddFile } from '../../protocol/actions.js';
import { loadDeletionVector, storeDvReader, type DeletedRows } from '../../protocol/deletion-vectors/index.js';
import type { DeletionVectorWriter } from '../../write/deletion-vectors.js';
import { physicalRowCount, wideStats } from './stats.js';
import type { DmlCounters } from './types.js';

export interface MarkedFile {
  /** The file as it was (the commit removes it). */
  removed: AddFile;
  /** The file again with its new deletion vector; absent when no live row is left. */
  readd?: AddFile;
}

/** Mark `matched` rows of `add` deleted, counting vectors added, updated and removed in `c`. */
export async function markRows(
  engine: Engine,
  dv: DeletionVectorWriter,
  add: AddFile,
  matched: DeletedRows,
  c: DmlCounters,
): Promise<MarkedFile> {
  const existing = add.deletionVector
    ? await loadDeletionVector(add.deletionVector, storeDvReader(engine.store), { dataFile: add.path })
    : undefined;
  const merged = existing ? existing.union(matched) : matched;
  const physical = await physicalRowCount(engine, add);
  if (merged.cardinality >= physical) {
    c.numRemovedFiles++;
    c.numRemovedBytes += Number(add.size) || 0;
    if (add.deletionVector) c.numDeletionVectorsRemoved++;
    return { removed: add };
  }
  const deletionVector = await dv.add(merged);
  if (add.deletionVector) c.numDeletionVectorsUpdated++;
  else c.numDeletionVectorsAdded++;
  return { removed: add, readd: { ...add, deletionVector, stats: wideStats(add.stats, physical), dataChange: true } };
}
