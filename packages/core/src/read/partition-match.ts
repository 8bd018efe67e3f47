/**
 * Exact evaluation of a predicate that references partition columns only, on one file's
 * partition values (a one-row batch of constants): such a predicate selects whole files
 * (DELETE and replaceWhere remove them unread, OPTIMIZE's `where` picks partitions).
 */
import * as arrow from 'apache-arrow';
import { constantData } from '../arrow/constant.js';
import { columnsOf, evaluatePredicate, type BoundExpression } from '../expr/index.js';
import type { AddFile } from '../protocol/actions.js';
import { deltaFieldToArrow } from '../protocol/arrow-schema.js';
import { parsePartitionValues, type TableColumns } from './file-stats.js';

/** True when every column the predicate reads is a partition column. */
export function isPartitionPredicate(pred: BoundExpression, cols: TableColumns): boolean {
  return columnsOf(pred).every((p) => p.length === 1 && cols.partitionColumns.has(p[0]!));
}

/** Whether a partition-only predicate is TRUE for the file's partition values. */
export function partitionMatches(
  pred: BoundExpression,
  cols: TableColumns,
  add: Pick<AddFile, 'partitionValues'>,
): boolean {
  const values = parsePartitionValues(cols, add.partitionValues);
  const fields = [...cols.partitionColumns].map((name) => cols.schema.fields.find((f) => f.name === name)!);
  const arrowFields = fields.map((f) => deltaFieldToArrow(f));
  const children = fields.map((f, i) => constantData(arrowFields[i]!.type, values.get(f.name) ?? null, 1));
  const batch = new arrow.RecordBatch(
    new arrow.Schema(arrowFields),
    arrow.makeData({ type: new arrow.Struct(arrowFields), length: 1, nullCount: 0, children }),
  );
  return evaluatePredicate(pred, batch)[0] === 1;
}
