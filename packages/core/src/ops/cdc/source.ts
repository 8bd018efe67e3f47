/**
 * A change file's batches -> MERGE's source: the last change per key (highest sequence, then
 * position in the file; `ops/merge/latest.ts`), so the source never holds a key twice. Rows
 * with a NULL key are refused (they could never match a row). In tombstone mode a boolean
 * `_cdc_deleted` column is derived from the op, so deletes are upserts of a marked row.
 */
import * as arrow from 'apache-arrow';
import { concatBatches } from '../../arrow/concat.js';
import { batchOf } from '../../arrow/data-utils.js';
import { takeBatch } from '../../arrow/take.js';
import { InvalidArgumentError } from '../../errors.js';
import { CDC_OP_COLUMN } from '../../formats/cdc/index.js';
import { lastChangePerKey, type Sequence } from '../merge/latest.js';
import { CDC_DELETED_COLUMN, type CdcDeletes } from './types.js';

export interface ChangeSource {
  /** One row per key: the table's columns, `_cdc_op` (and `_cdc_deleted` for tombstones). */
  batch: arrow.RecordBatch;
  /** Changes read from the file. */
  changes: number;
}

function columnIndex(batch: arrow.RecordBatch, name: string, what: string, key: string): number {
  const i = batch.schema.fields.findIndex((f) => f.name === name);
  if (i >= 0) return i;
  const lower = batch.schema.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
  if (lower >= 0) return lower;
  const names = batch.schema.fields.filter((f) => f.name !== CDC_OP_COLUMN).map((f) => f.name);
  throw new InvalidArgumentError(`${key}: no ${what} column ${name} in the changes (columns: ${names.join(', ')})`);
}

/** The winning change per key of one file's changes. */
export function changeSource(
  key: string,
  batches: readonly arrow.RecordBatch[],
  opts: { keys: readonly string[]; sequence?: string; deletes?: CdcDeletes },
): ChangeSource {
  const all = concatBatches(batches);
  const keyCols = opts.keys.map((k) => all.getChildAt(columnIndex(all, k, 'key', key))!);
  const seqCol = opts.sequence ? all.getChildAt(columnIndex(all, opts.sequence, 'sequence', key))! : undefined;
  const keyAt = (r: number) => keyCols.map((c) => c.get(r) as unknown);
  for (let r = 0; r < all.numRows; r++) {
    const k = keyAt(r);
    const missing = k.findIndex((v) => v === null || v === undefined);
    if (missing >= 0)
      throw new InvalidArgumentError(
        `${key}: change ${r + 1} has no value for the key column ${opts.keys[missing]}; every change must name its row`,
      );
  }
  const winners = lastChangePerKey(all.numRows, keyAt, seqCol ? (r) => seqCol.get(r) as Sequence : undefined);
  let batch = takeBatch(all, Int32Array.from(winners));
  if (opts.deletes === 'tombstone') batch = withDeletedFlag(batch);
  return { batch, changes: all.numRows };
}

function withDeletedFlag(batch: arrow.RecordBatch): arrow.RecordBatch {
  const op = batch.getChild(CDC_OP_COLUMN)!;
  const flags = Array.from({ length: batch.numRows }, (_, i) => op.get(i) === 'D');
  const data = arrow.vectorFromArray(flags, new arrow.Bool()).data[0]!;
  const fields = [...batch.schema.fields.filter((f) => f.name !== CDC_DELETED_COLUMN)];
  const columns = batch.schema.fields.flatMap((f, i) =>
    f.name === CDC_DELETED_COLUMN ? [] : [batch.data.children[i]!],
  );
  return batchOf(
    new arrow.Schema([...fields, new arrow.Field(CDC_DELETED_COLUMN, new arrow.Bool(), true)]),
    [...columns, data],
    batch.numRows,
  );
}
