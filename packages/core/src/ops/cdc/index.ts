/**
 * Change streams into a table: `applyChangeFile` decodes one AWS DMS or Debezium file and
 * applies it by key through MERGE with the file's txn (apply.ts, source.ts, statement.ts;
 * docs/merge.md "Change streams").
 */
import type { Engine } from '../../engine/engine.js';
import { mergeInto } from '../merge/index.js';
import { applyChanges, type ApplyChangesOptions, type ApplyChangesResult, type ChangeMergeRunner } from './apply.js';

export { applyChanges, type ApplyChangesOptions, type ApplyChangesResult, type ChangeMergeRunner } from './apply.js';
export { changeSource } from './source.js';
export { DEFAULT_TOMBSTONE_RETENTION, TOMBSTONE_MARK } from './delete-memory.js';
export { TOMBSTONE_FOLDER, tombstoneEngine } from './tombstones.js';
export { addCdcClauses, cdcOn } from './statement.js';
export { CDC_DELETED_COLUMN, type CdcDeletes, type CdcOptions } from './types.js';

/** The MERGE of ops/merge, with the file's txn in its commit. */
export const mergeChanges: ChangeMergeRunner = async (snapshot, source, spec, txn, commit = {}) => {
  const r = await mergeInto(snapshot, source, spec, { ...(txn ? { txn } : {}), ...commit });
  return { snapshot: r.snapshot, noop: r.noop, ...(r.skipped ? { skipped: true } : {}), metrics: { ...r.metrics } };
};

/** Apply one change file with ops/merge's MERGE. */
export function applyChangeFile(
  engine: Engine,
  opts: Omit<ApplyChangesOptions, 'merge'> & { merge?: ChangeMergeRunner },
): Promise<ApplyChangesResult> {
  return applyChanges(engine, { ...opts, merge: opts.merge ?? mergeChanges });
}
