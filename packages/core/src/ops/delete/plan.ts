/**
 * DELETE's plan (pure): files whose partition values satisfy a partition-only predicate (or
 * every file, without a predicate) are removed unread; the candidate files left after
 * partition and statistics pruning are scanned for matching rows.
 */
import type { Expression } from '../../expr/index.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { planDml, type DmlPlan } from '../dml/index.js';
import type { DeleteOptions } from './types.js';

export function planDelete(snapshot: Snapshot, predicate?: Expression | string, opts: DeleteOptions = {}): DmlPlan {
  return planDml(snapshot, { operation: 'DELETE', predicate }, opts);
}
