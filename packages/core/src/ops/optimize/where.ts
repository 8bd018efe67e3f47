/**
 * OPTIMIZE's `where`: a predicate over partition columns only (as Spark requires), evaluated
 * exactly on each partition's values (one-row batch), once per distinct partition.
 */
import * as arrow from 'apache-arrow';
import { constantData } from '../../arrow/constant.js';
import { InvalidArgumentError } from '../../errors.js';
import {
  bind,
  columnsOf,
  evaluatePredicate,
  parseExpression,
  toSql,
  type BoundExpression,
  type Expression,
} from '../../expr/index.js';
import { deltaFieldToArrow } from '../../protocol/arrow-schema.js';
import { parsePartitionValues, type TableColumns } from '../../read/file-stats.js';

export interface PartitionFilter {
  /** SQL text for commitInfo. */
  sql: string;
  /** Whether a file's partition (raw `add.partitionValues`) is selected. */
  matches(partitionValues: Record<string, string | null>): boolean;
}

/** Bind `where` and refuse references to non-partition columns (InvalidArgumentError). */
export function partitionFilter(where: string | Expression, cols: TableColumns): PartitionFilter {
  const expr = typeof where === 'string' ? parseExpression(where) : where;
  const bound = bind(expr, cols.schema);
  const partitionCols = [...cols.partitionColumns];
  for (const path of columnsOf(bound)) {
    const name = path[0]!;
    if (path.length !== 1 || !cols.partitionColumns.has(name)) {
      throw new InvalidArgumentError(
        `OPTIMIZE where predicate references non-partition column ${path.join('.')}; ` +
          `only partition columns may be used (${partitionCols.length ? partitionCols.join(', ') : 'the table is not partitioned'}). ` +
          'Use ZORDER BY or a table scan filter for data columns.',
      );
    }
  }
  const cache = new Map<string, boolean>();
  return {
    sql: typeof where === 'string' ? where : toSql(bound),
    matches(values) {
      const key = JSON.stringify(values);
      let hit = cache.get(key);
      if (hit === undefined) cache.set(key, (hit = evaluateOnPartition(bound, cols, values)));
      return hit;
    },
  };
}

function evaluateOnPartition(pred: BoundExpression, cols: TableColumns, raw: Record<string, string | null>): boolean {
  const values = parsePartitionValues(cols, raw);
  const fields = [...cols.partitionColumns].map((name) => cols.schema.fields.find((f) => f.name === name)!);
  const arrowFields = fields.map((f) => deltaFieldToArrow(f));
  const children = fields.map((f, i) => constantData(arrowFields[i]!.type, values.get(f.name) ?? null, 1));
  const batch = new arrow.RecordBatch(
    new arrow.Schema(arrowFields),
    arrow.makeData({ type: new arrow.Struct(arrowFields), length: 1, nullCount: 0, children }),
  );
  return evaluatePredicate(pred, batch)[0] === 1;
}
