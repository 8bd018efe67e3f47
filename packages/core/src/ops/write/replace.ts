/**
 * What an overwrite replaces: every file, the partitions the data has (dynamic partition
 * overwrite), or the rows matching `replaceWhere`, whose files are removed whole when the
 * predicate covers them and rewritten without those rows when it covers them in part.
 */
import * as arrow from 'apache-arrow';
import { constantData } from '../../arrow/constant.js';
import { filterBatch } from '../../arrow/take.js';
import { and, bind, col, evaluatePredicate, lit, mayMatch, or, type BoundExpression } from '../../expr/index.js';
import type { Expression } from '../../expr/index.js';
import type { AddFile, RemoveFile } from '../../protocol/actions.js';
import { deltaFieldToArrow } from '../../protocol/arrow-schema.js';
import type { Scalar } from '../../protocol/scalar.js';
import { streamDataFile, type FileScanContext } from '../../read/file-scan.js';
import { fileStatsLookup, parsePartitionValues, type TableColumns } from '../../read/file-stats.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { ReadSet } from '../../transaction/index.js';
import { conformer } from '../../write/schema-plan.js';
import type { WritePlan } from './types.js';

/** Where rewritten rows go: back into the write, like the input's rows. */
export type BatchSink = (batch: arrow.RecordBatch) => Promise<void>;

export interface Replaced {
  removes: RemoveFile[];
  read: ReadSet;
  /** Files rewritten without the rows a data predicate selects. */
  rewritten: number;
}

export async function replacedFiles(
  base: Snapshot,
  plan: WritePlan,
  cols: TableColumns,
  replaceWhere: BoundExpression | undefined,
  written: ReadonlyMap<string, ReadonlyMap<string, Scalar>>,
  sink: BatchSink,
  now: number,
): Promise<Replaced> {
  if (replaceWhere) return replacedByPredicate(base, plan, cols, replaceWhere, sink, now);
  const removes: RemoveFile[] = [];
  if (plan.dynamicPartitionOverwrite) {
    const replaced = new Set(written.keys());
    for (const add of base.files()) {
      if (replaced.has(scalarKey(plan.partitionColumns, parsePartitionValues(cols, add.partitionValues))))
        removes.push(removeOf(add, now));
    }
    const read: ReadSet = {};
    if (written.size > 0) read.predicates = [bind(partitionsPredicate(plan, written), plan.schema)];
    read.files = removes.map((r) => r.path);
    return { removes, read, rewritten: 0 };
  }
  for (const add of base.files()) removes.push(removeOf(add, now));
  return { removes, read: { wholeTable: true }, rewritten: 0 };
}

async function replacedByPredicate(
  base: Snapshot,
  plan: WritePlan,
  cols: TableColumns,
  pred: BoundExpression,
  sink: BatchSink,
  now: number,
): Promise<Replaced> {
  const removes: RemoveFile[] = [];
  let rewritten = 0;
  const partitionOnly = [...new Set(columnsOfBound(pred))].every((c) => cols.partitionColumns.has(c));
  for (const add of base.files()) {
    const pv = parsePartitionValues(cols, add.partitionValues);
    if (!mayMatch(pred, fileStatsLookup(cols, pv, base.fileStats(add)))) continue;
    if (partitionOnly) {
      if (partitionPredicateMatches(pred, cols, add)) removes.push(removeOf(add, now));
      continue;
    }
    // Data predicate: keep the rows of this file that the predicate does not select.
    rewritten += await rewriteExcluding(base, add, pred, plan, sink);
    removes.push(removeOf(add, now));
  }
  return { removes, read: { predicates: [pred], files: removes.map((r) => r.path) }, rewritten };
}

export function removeOf(add: AddFile, now: number): RemoveFile {
  return {
    path: add.path,
    deletionTimestamp: now,
    dataChange: true,
    extendedFileMetadata: true,
    partitionValues: add.partitionValues,
    size: add.size,
    ...(add.stats ? { stats: add.stats } : {}),
    ...(add.tags ? { tags: add.tags } : {}),
    ...(add.deletionVector ? { deletionVector: add.deletionVector } : {}),
  };
}

/** A canonical key for a partition's scalar values (strings in the log vary by writer). */
export function scalarKey(columns: readonly string[], values: ReadonlyMap<string, Scalar>): string {
  return columns
    .map((c) => {
      const v = values.get(c) ?? null;
      return v === null
        ? 'null'
        : v instanceof Uint8Array
          ? `b:${Array.from(v).join(',')}`
          : `${typeof v}:${String(v)}`;
    })
    .join('\u0000');
}

/** Which partitions a predicate selects exactly: evaluate it on a one-row batch of partition values. */
function partitionPredicateMatches(pred: BoundExpression, cols: TableColumns, add: AddFile): boolean {
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

function columnsOfBound(e: BoundExpression): string[] {
  // Top-level column names referenced by the predicate.
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (o.kind === 'column' && Array.isArray(o.path)) out.push(String((o.path as string[])[0]));
    for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
  };
  walk(e);
  return out;
}

/** `(p1 = a AND p2 = b) OR ...` over the partitions a dynamic overwrite replaces. */
function partitionsPredicate(plan: WritePlan, written: ReadonlyMap<string, ReadonlyMap<string, Scalar>>): Expression {
  const terms = [...written.values()].map((values) =>
    and(
      ...plan.partitionColumns.map((c) => {
        const v = values.get(c) ?? null;
        const t = plan.schema.fields.find((f) => f.name === c)!.type;
        return v === null ? col(c).isNull() : col(c).eq(lit(v, t));
      }),
    ),
  );
  return terms.length === 1 ? terms[0]! : or(...terms);
}

/** Read one file and send the rows `pred` does not select back into the write. Returns 1. */
async function rewriteExcluding(
  base: Snapshot,
  add: AddFile,
  pred: BoundExpression,
  plan: WritePlan,
  sink: BatchSink,
): Promise<number> {
  const fields = base.schema.fields;
  const ctx: FileScanContext = {
    engine: base.engine,
    mode: base.columnMapping,
    readFields: fields,
    outputSchema: new arrow.Schema(fields.map((f) => deltaFieldToArrow(f))),
    batchSize: 65_536,
    tableSchema: base.schema,
  };
  const metrics = { rowGroupsRead: 0, rowGroupsSkipped: 0, rowsRead: 0, rowsDeleted: 0, bytesRead: 0 };
  const task = {
    add,
    partitionValues: parsePartitionValues(
      { schema: base.schema, mode: base.columnMapping, partitionColumns: new Set(base.partitionColumns) },
      add.partitionValues,
    ),
  };
  const conform = conformer(plan.schema);
  for await (const batch of streamDataFile(ctx, task, metrics)) {
    const selected = evaluatePredicate(pred, batch);
    const keep = new Uint8Array(selected.length);
    for (let i = 0; i < keep.length; i++) keep[i] = 1 - selected[i]!;
    const rest = filterBatch(batch, keep);
    if (rest.numRows > 0) await sink(conform(rest));
  }
  return 1;
}
