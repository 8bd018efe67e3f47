/**
 * The MERGE a change file becomes (docs/merge.md, "Change streams"): join on the key columns;
 * with a sequence, a change applies only to a row it is newer than (or one without a
 * sequence, loaded before the stream), so an older change arriving late never overwrites a
 * newer row.
 *
 *   remove:    WHEN MATCHED AND s._cdc_op = 'D' AND <not older> THEN DELETE
 *              WHEN MATCHED AND s._cdc_op <> 'D' AND <newer> THEN UPDATE SET *
 *              WHEN NOT MATCHED AND s._cdc_op <> 'D' THEN INSERT *
 *   tombstone: WHEN MATCHED AND (<newer> OR (s.seq = t.seq AND s._cdc_op = 'D')) THEN UPDATE SET *
 *              WHEN NOT MATCHED THEN INSERT *                  (deletes set _cdc_deleted)
 *
 * where <newer> is `(t.seq IS NULL OR s.seq > t.seq)` and <not older> the same with `>=`, or
 * TRUE without a sequence. Equal sequences: a delete wins over an insert or update (whichever
 * arrives first), and an insert or update tied with the row's change is that change again (a
 * replay) and is skipped.
 */
import { InvalidArgumentError } from '../../errors.js';
import { CDC_OP_COLUMN } from '../../formats/cdc/index.js';
import type { MergeOn } from '../merge/types.js';
import type { CdcDeletes } from './types.js';

/** What the statement needs of a MERGE builder (ops/merge/builder.ts). */
export interface CdcMergeClauses<B> {
  whenMatchedUpdate(set: 'all', condition?: string): B;
  whenMatchedDelete(condition?: string): B;
  whenNotMatchedInsert(values: 'all', condition?: string): B;
}

/** A column name as SQL (backticks when it is not a plain identifier). */
export function sqlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

/** The `on` of the change MERGE: every key column equal. */
export function cdcOn(keys: readonly string[]): MergeOn {
  if (keys.length === 0) throw new InvalidArgumentError('cdc: give at least one key column');
  return { on: keys.map((k) => `t.${sqlName(k)} = s.${sqlName(k)}`).join(' AND '), sourceAlias: 's', targetAlias: 't' };
}

/** The clauses, in order, on `builder`. */
export function addCdcClauses<B extends CdcMergeClauses<B>>(
  builder: B,
  opts: { sequence?: string; deletes?: CdcDeletes },
): B {
  const seq = opts.sequence === undefined ? undefined : sqlName(opts.sequence);
  const op = `s.${CDC_OP_COLUMN}`;
  // An upsert must be later than the row's change; a delete wins a tie (equal sequences).
  const newer = seq === undefined ? undefined : `(t.${seq} IS NULL OR s.${seq} > t.${seq})`;
  const notOlder = seq === undefined ? undefined : `(t.${seq} IS NULL OR s.${seq} >= t.${seq})`;
  if (opts.deletes === 'tombstone') {
    if (newer === undefined)
      throw new InvalidArgumentError(
        'cdc: tombstone deletes need a sequence column to tell older changes from newer ones',
      );
    const laterOrDeleteTie = `(t.${seq} IS NULL OR s.${seq} > t.${seq} OR (s.${seq} = t.${seq} AND ${op} = 'D'))`;
    return builder.whenMatchedUpdate('all', laterOrDeleteTie).whenNotMatchedInsert('all');
  }
  const and = (c: string, guard: string | undefined) => (guard === undefined ? c : `${c} AND ${guard}`);
  return builder
    .whenMatchedDelete(and(`${op} = 'D'`, notOlder))
    .whenMatchedUpdate('all', and(`${op} <> 'D'`, newer))
    .whenNotMatchedInsert('all', `${op} <> 'D'`);
}
