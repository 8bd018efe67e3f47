/** DML counters: zero, and the sum of several groups' counters. */
import type { DmlCounters } from './types.js';

export function emptyCounters(): DmlCounters {
  return {
    numMatchedRows: 0,
    numCopiedRows: 0,
    numScannedFiles: 0,
    numTouchedFiles: 0,
    numRemovedFiles: 0,
    numRemovedBytes: 0,
    numAddedFiles: 0,
    numAddedBytes: 0,
    numDeletionVectorsAdded: 0,
    numDeletionVectorsRemoved: 0,
    numDeletionVectorsUpdated: 0,
    numDeletionVectorFiles: 0,
    deletionVectorBytes: 0,
    numAddedChangeFiles: 0,
    changeFileBytes: 0,
    bytesRead: 0,
    scanTimeMs: 0,
    rewriteTimeMs: 0,
  };
}

export function sumCounters(all: readonly DmlCounters[]): DmlCounters {
  const out = emptyCounters();
  for (const c of all) for (const k of Object.keys(out) as (keyof DmlCounters)[]) out[k] += c[k];
  return out;
}
