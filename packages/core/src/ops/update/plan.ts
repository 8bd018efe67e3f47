/**
 * UPDATE's plan (pure): the SET values as SQL, bound and type-checked against the schema
 * before any I/O (a bad SET fails here), then the files to rewrite: every file of the
 * partitions a partition-only predicate selects, else the candidate files left after
 * partition and statistics pruning, to scan for matching rows.
 */
import type { Snapshot } from '../../snapshot/snapshot.js';
import { compileAssignments, planDml, type DmlPlan } from '../dml/index.js';
import { setClauses } from './set-clause.js';
import type { UpdateOptions, UpdateSpec } from './types.js';

export function planUpdate(snapshot: Snapshot, spec: UpdateSpec, opts: UpdateOptions = {}): DmlPlan {
  const set = setClauses(spec.set);
  compileAssignments(snapshot.schema, set);
  return planDml(snapshot, { operation: 'UPDATE', predicate: spec.where, set }, opts);
}
