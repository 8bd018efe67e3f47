/**
 * DELETE / UPDATE planning, pure over the snapshot's log (no data is read), as Delta Spark's
 * DeleteCommand / UpdateCommand: prune files by partition values and statistics; a predicate
 * on partition columns only selects whole files (DELETE removes them unread, UPDATE rewrites
 * every row of them); any other predicate leaves candidate files to scan for matching rows.
 * The plan is plain JSON.
 */
import { bind, mayMatch, parseExpression, toSql, type BoundExpression, type Expression } from '../../expr/index.js';
import type { AddFile } from '../../protocol/actions.js';
import { assertNotAppendOnly, assertWritable } from '../../protocol/writer-features.js';
import { fileStatsLookup, parsePartitionValues, type TableColumns } from '../../read/file-stats.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { plainAdd } from '../optimize/plan.js';
import { isPartitionPredicate, partitionMatches } from '../../read/partition-match.js';
import { dmlContext } from './context.js';
import type { DmlFile, DmlOperation, DmlOptions, DmlPlan, DmlStatement, SkippingMetrics } from './types.js';

export function checkWritable(snapshot: Snapshot, operation: DmlOperation): void {
  assertWritable(snapshot.protocol, snapshot.metadata);
  assertNotAppendOnly(snapshot.protocol, snapshot.metadata, operation);
}

/** Bind the statement's predicate; undefined when it selects every row. */
export function bindPredicate(
  snapshot: Snapshot,
  predicate: Expression | string | undefined,
): BoundExpression | undefined {
  if (predicate === undefined) return undefined;
  const expr = typeof predicate === 'string' ? parseExpression(predicate) : predicate;
  return bind(expr, snapshot.schema);
}

/** The table's columns as the pruning and scan paths see them. */
export function tableColumns(snapshot: Snapshot): TableColumns {
  return {
    schema: snapshot.schema,
    mode: snapshot.columnMapping,
    partitionColumns: new Set(snapshot.partitionColumns),
  };
}

/** Files left after pruning, as plain JSON, and Spark's skipping metrics. */
export interface SelectedFiles {
  files: AddFile[];
  skipping: SkippingMetrics;
}

/**
 * The files of `snapshot` that may hold a row satisfying `filter` (every file when it is
 * undefined): pruned by partition values, then by statistics; with `exact` (a partition-only
 * filter) exactly the files whose partition values satisfy it. Shared by DELETE, UPDATE and MERGE.
 */
export function selectFiles(
  snapshot: Snapshot,
  filter: BoundExpression | undefined,
  exact = false,
  cols: TableColumns = tableColumns(snapshot),
): SelectedFiles {
  const files: AddFile[] = [];
  const partitions = new Set<string>();
  let bytesBefore = 0;
  let bytesAfter = 0;
  for (const add of snapshot.activeFiles()) {
    bytesBefore += Number(add.size) || 0;
    if (filter && !candidate(snapshot, cols, filter, add, exact)) continue;
    bytesAfter += Number(add.size) || 0;
    partitions.add(JSON.stringify(add.partitionValues));
    files.push(planAdd(snapshot, add));
  }
  return {
    files,
    skipping: {
      numFilesBeforeSkipping: snapshot.numFiles,
      numBytesBeforeSkipping: bytesBefore,
      numFilesAfterSkipping: files.length,
      numBytesAfterSkipping: bytesAfter,
      ...(snapshot.partitionColumns.length > 0 ? { numPartitionsAfterSkipping: partitions.size } : {}),
    },
  };
}

/** Plan a DELETE or UPDATE of `snapshot`. */
export function planDml(snapshot: Snapshot, stmt: DmlStatement, opts: DmlOptions = {}): DmlPlan {
  checkWritable(snapshot, stmt.operation);
  const cols = tableColumns(snapshot);
  const bound = bindPredicate(snapshot, stmt.predicate);
  const sql =
    stmt.predicate === undefined
      ? undefined
      : toSql(typeof stmt.predicate === 'string' ? parseExpression(stmt.predicate) : stmt.predicate);
  const context = dmlContext(snapshot, stmt, opts, sql);
  const wholeFiles = !bound || isPartitionPredicate(bound, cols);
  const { files: selected, skipping } = selectFiles(snapshot, bound, wholeFiles, cols);
  const unread = wholeFiles && stmt.operation === 'DELETE';
  const removeWhole = unread ? selected : [];
  const files: DmlFile[] = unread ? [] : selected.map((add) => ({ add, allRowsMatch: wholeFiles }));
  return { readVersion: snapshot.version, context, removeWhole, files, skipping };
}

/** The file as plain JSON, with its stats as text even when the checkpoint only had parsed stats. */
function planAdd(snapshot: Snapshot, add: AddFile): AddFile {
  const out = plainAdd(add);
  if (!out.stats) {
    const parsed = snapshot.fileStats(add);
    if (parsed) out.stats = JSON.stringify(parsed, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  }
  return out;
}

/** Whether the file may hold a matching row (exactly, for a partition-only predicate). */
function candidate(
  snapshot: Snapshot,
  cols: TableColumns,
  pred: BoundExpression,
  add: AddFile,
  exact: boolean,
): boolean {
  if (exact) return partitionMatches(pred, cols, add);
  const pv = parsePartitionValues(cols, add.partitionValues);
  if (cols.partitionColumns.size > 0 && !mayMatch(pred, fileStatsLookup(cols, pv, undefined))) return false;
  return mayMatch(pred, fileStatsLookup(cols, pv, snapshot.fileStats(add)));
}
