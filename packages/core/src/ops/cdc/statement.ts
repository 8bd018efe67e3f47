/**
 * The MERGE a change file becomes (docs/merge.md, "Change streams"): join on the key columns;
 * with a sequence, a change applies only to a row it is newer than (or one without a
 * sequence, loaded before the stream), so an older change arriving late never overwrites a
 * newer row.
 *
 *   remove:    WHEN MATCHED AND s._cdc_op = 'D' AND <newer> THEN DELETE
 *              WHEN MATCHED AND s._cdc_op <> 'D' AND <newer> THEN UPDATE SET *
 *              WHEN NOT MATCHED AND s._cdc_op <> 'D' THEN INSERT *
 *   tombstone: WHEN MATCHED AND <newer> THEN UPDATE SET *      (deletes set _cdc_deleted)
 *              WHEN NOT MATCHED THEN INSERT *
 *
 * where <newer> is `(t.seq IS NULL OR s.seq > t.seq)`, or TRUE without a sequence.
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
  const newer = seq === undefined ? undefined : `(t.${seq} IS NULL OR s.${seq} > t.${seq})`;
  const op = `s.${CDC_OP_COLUMN}`;
  if (opts.deletes === 'tombstone') {
    if (newer === undefined)
      throw new InvalidArgumentError(
        'cdc: tombstone deletes need a sequence column to tell older changes from newer ones',
      );
    return builder.whenMatchedUpdate('all', newer).whenNotMatchedInsert('all');
  }
  const and = (c: string) => (newer === undefined ? c : `${c} AND ${newer}`);
  return builder
    .whenMatchedDelete(and(`${op} = 'D'`))
    .whenMatchedUpdate('all', and(`${op} <> 'D'`))
    .whenNotMatchedInsert('all', `${op} <> 'D'`);
}
