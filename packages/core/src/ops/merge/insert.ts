/**
 * MERGE's not-matched source rows: after every candidate file has been joined, the source
 * rows no target row matched go through the whenNotMatched clauses (first TRUE condition
 * wins) into new data files and `insert` change rows, in slices of the scan's batch size.
 */
import { filterBatch } from '../../arrow/take.js';
import type { Constraint } from '../../write/constraints.js';
import type { RewriteLane } from '../dml/lane.js';
import { SCAN_BATCH_ROWS } from '../dml/scan-matches.js';
import { decideSourceRows, NO_CLAUSE } from './clauses.js';
import type { MergeRun } from './join.js';
import { clauseOutput, combine, conditionMasks, sourceRows, truths } from './rows.js';
import type { MergeRowCounts } from './types.js';

/** Insert the unmatched source rows; returns how many were inserted. */
export async function insertUnmatched(
  run: MergeRun,
  lane: RewriteLane,
  constraints: readonly Constraint[],
  rows: MergeRowCounts,
): Promise<void> {
  if (!run.m.spec.clauses.some((c) => c.kind === 'notMatched')) return;
  const unmatched: number[] = [];
  for (let i = 0; i < run.matchedAny.length; i++) if (!run.matchedAny[i]) unmatched.push(i);
  for (let at = 0; at < unmatched.length; at += SCAN_BATCH_ROWS) {
    const slice = sourceRows(run.source, Int32Array.from(unmatched.slice(at, at + SCAN_BATCH_ROWS)));
    const combined = combine(run.m, undefined, slice);
    const conds = conditionMasks(run.m.clauses, combined, (c) => c.clause.kind === 'notMatched');
    const decided = decideSourceRows(run.m.spec, new Uint8Array(slice.numRows), truths(conds));
    for (const ci of new Set(decided)) {
      if (ci === NO_CLAUSE) continue;
      const picked = combine(
        run.m,
        undefined,
        filterBatch(
          slice,
          Uint8Array.from(decided, (d) => (d === ci ? 1 : 0)),
        ),
      );
      const out = clauseOutput(run.m, run.m.clauses[ci]!, picked, constraints);
      rows.inserted += out.numRows;
      await lane.writeData(out);
      await lane.writeChange(out, 'insert');
    }
  }
}
