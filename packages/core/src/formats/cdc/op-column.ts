/**
 * The `_cdc_op` column of a decoded batch: DMS's `Op` values checked and copied, or built from
 * Debezium's `op` letters. A value that is not a known change is an InputFormatError naming
 * the row (its line for text input).
 */
import * as arrow from 'apache-arrow';
import { InputFormatError } from '../../errors.js';
import { CDC_OP_COLUMN, type ChangeOp } from './types.js';

export const OP_FIELD = new arrow.Field(CDC_OP_COLUMN, new arrow.Utf8(), false);

/** Build the op column from per-row ops. */
export function opData(ops: readonly ChangeOp[]): arrow.Data {
  return arrow.vectorFromArray(ops as ChangeOp[], new arrow.Utf8()).data[0]!;
}

/**
 * Read DMS's `Op` column (`I`, `U`, `D`; surrounding blanks ignored) into change ops.
 * `where(row)` names a row for errors (e.g. "line 12").
 */
export function dmsOps(key: string, column: arrow.Vector, where: (row: number) => string): ChangeOp[] {
  const out: ChangeOp[] = new Array<ChangeOp>(column.length);
  for (let i = 0; i < column.length; i++) {
    const v: unknown = column.get(i);
    const op = typeof v === 'string' ? v.trim().toUpperCase() : v;
    if (op !== 'I' && op !== 'U' && op !== 'D') {
      throw new InputFormatError(
        key,
        `${key}: ${where(i)}: the Op column holds ${JSON.stringify(v === null ? null : String(v))}, not I, U or D ` +
          '(insert, update, delete); is this an AWS DMS change file?',
        undefined,
        'Op',
      );
    }
    out[i] = op;
  }
  return out;
}
