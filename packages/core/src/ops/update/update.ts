/**
 * UPDATE table SET col = expr [, ...] [WHERE predicate], as Delta Spark's UpdateCommand: the
 * files that hold matching rows (all files of matching partitions for a partition-only
 * predicate) are rewritten with the new values, or, on tables with deletion vectors, the
 * matching rows are marked deleted and their new versions written to new files. New values
 * obey NOT NULL columns and CHECK constraints; the change data feed gets
 * `update_preimage`/`update_postimage` rows. See ops/dml for the machinery.
 */
import { InvalidArgumentError } from '../../errors.js';
import { isExpr, toSql, type Expression, type LiteralInput } from '../../expr/index.js';
import { toLiteral } from '../../expr/ast.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { runDml, type DmlMetrics, type DmlOptions, type DmlOutcome } from '../dml/index.js';
import { compileAssignments } from './assign.js';

export type UpdateOptions = DmlOptions;

/**
 * What to update: which rows (`where`, as scan filters: builder or SQL text) and the new value
 * of each column: a builder expression, SQL text (`'price * 1.1'`, `"'NZ'"`; as delta-rs's
 * `updates`) or a plain non-string value (number, bigint, boolean, Date, Uint8Array, null).
 * A string is always SQL: use `lit('NZ')` or `"'NZ'"` for a string value.
 */
export interface UpdateSpec {
  where?: Expression | string;
  set: Readonly<Record<string, Expression | LiteralInput>>;
}

export interface UpdateMetrics extends Omit<DmlMetrics, 'numMatchedRows'> {
  numUpdatedRows: number;
}

export interface UpdateResult extends Omit<DmlOutcome, 'metrics'> {
  metrics: UpdateMetrics;
}

/** SQL text of each SET value: expressions print, strings are SQL already, other values become literals. */
export function setClauses(set: UpdateSpec['set']): Record<string, string> {
  if (!set || typeof set !== 'object' || Object.keys(set).length === 0)
    throw new InvalidArgumentError('update needs set: { column: value, ... } with at least one column');
  const out: Record<string, string> = {};
  for (const [column, value] of Object.entries(set)) {
    if (isExpr(value)) out[column] = toSql(value);
    else if (typeof value === 'string') out[column] = value;
    else out[column] = toSql(toLiteral(value));
  }
  return out;
}

/** Update the rows of `snapshot` matching `spec.where` (every row when absent). */
export async function updateRows(
  snapshot: Snapshot,
  spec: UpdateSpec,
  opts: UpdateOptions = {},
): Promise<UpdateResult> {
  const set = setClauses(spec.set);
  compileAssignments(snapshot.schema, set); // fail on a bad SET before any I/O
  const outcome = await runDml(snapshot, { operation: 'UPDATE', predicate: spec.where, set }, opts);
  const { numMatchedRows, ...rest } = outcome.metrics;
  return { ...outcome, metrics: { ...rest, numUpdatedRows: numMatchedRows } };
}
