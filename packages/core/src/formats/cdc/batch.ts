/**
 * Turning an input batch into a change batch: the op column replaced by `_cdc_op`, the
 * sequence column checked (present, never NULL), everything else kept as table columns.
 */
import * as arrow from 'apache-arrow';
import { batchOf } from '../../arrow/data-utils.js';
import { InputFormatError } from '../../errors.js';
import { OP_FIELD, opData } from './op-column.js';
import { CDC_OP_COLUMN, type ChangeOp } from './types.js';

/** A name the decoded batches reserve; an input column with it would be ambiguous. */
export function checkReserved(key: string, names: readonly string[]): void {
  const clash = names.find((n) => n.toLowerCase() === CDC_OP_COLUMN);
  if (clash !== undefined)
    throw new InputFormatError(
      key,
      `${key}: the input has a column named ${clash}, which change-stream decoding reserves for the change's op; rename it`,
    );
}

/** `batch` without column `drop` (when given), with `_cdc_op` from `ops` appended. */
export function withOps(batch: arrow.RecordBatch, drop: number, ops: readonly ChangeOp[]): arrow.RecordBatch {
  const fields: arrow.Field[] = [];
  const columns: arrow.Data[] = [];
  batch.schema.fields.forEach((f, i) => {
    if (i === drop) return;
    fields.push(f);
    columns.push(batch.data.children[i]!);
  });
  fields.push(OP_FIELD);
  columns.push(opData(ops));
  return batchOf(new arrow.Schema(fields, batch.schema.metadata), columns, batch.numRows);
}

/** The sequence column must be there and hold a value on every row. */
export function checkSequence(
  key: string,
  batch: arrow.RecordBatch,
  sequence: string | undefined,
  where: (row: number) => string,
  option: string,
): void {
  if (sequence === undefined) return;
  const i = batch.schema.fields.findIndex((f) => f.name === sequence);
  if (i < 0) {
    const names = batch.schema.fields.filter((f) => f.name !== CDC_OP_COLUMN).map((f) => f.name);
    throw new InputFormatError(
      key,
      `${key}: no column named ${sequence} (the ${option}); the changes have ${names.join(', ') || 'no columns'}`,
    );
  }
  const col = batch.getChildAt(i)!;
  if (col.nullCount === 0) return;
  for (let r = 0; r < batch.numRows; r++) {
    if (col.get(r) === null)
      throw new InputFormatError(
        key,
        `${key}: ${where(r)}: the ${option} ${sequence} is empty; every change needs one to be ordered`,
        undefined,
        sequence,
      );
  }
}
