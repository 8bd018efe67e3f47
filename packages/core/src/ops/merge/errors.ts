/** MERGE's typed errors (to move into the package's errors.ts when MERGE is exported). */
import { DeltaError } from '../../errors.js';

/**
 * Two or more source rows matched one target row and a matched clause could change it
 * (Delta's DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE). `key` is the target row's
 * values of the join's key columns.
 */
export class MergeMultipleMatchError extends DeltaError {
  readonly key: Readonly<Record<string, unknown>>;
  readonly sourceRows: number;
  constructor(key: Readonly<Record<string, unknown>>, sourceRows: number) {
    const shown = Object.entries(key)
      .map(([k, v]) => `${k} = ${typeof v === 'bigint' ? v.toString() : JSON.stringify(v)}`)
      .join(', ');
    super(
      'INVALID_ARGUMENT',
      `merge: ${sourceRows} source rows matched the same target row (${shown}); a target row may be updated or deleted by one source row only. ` +
        'Deduplicate the source on the merge keys (e.g. keep the latest change per key) and run the merge again.',
    );
    this.key = key;
    this.sourceRows = sourceRows;
  }
}
