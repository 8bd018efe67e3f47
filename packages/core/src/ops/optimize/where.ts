/**
 * OPTIMIZE's `where`: a predicate over partition columns only (as Spark requires), evaluated
 * exactly on each partition's values (one-row batch), once per distinct partition.
 */
import { InvalidArgumentError } from '../../errors.js';
import { bind, columnsOf, parseExpression, toSql, type Expression } from '../../expr/index.js';
import type { TableColumns } from '../../read/file-stats.js';
import { partitionMatches } from '../../read/partition-match.js';

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
      if (hit === undefined) cache.set(key, (hit = partitionMatches(bound, cols, { partitionValues: values })));
      return hit;
    },
  };
}
