/**
 * What an overwrite replaces: every file, the partitions the data has (dynamic partition
 * overwrite), or the rows matching `replaceWhere`: files a partition predicate covers are
 * removed whole; rows a data predicate selects are deleted as DELETE does (replace-rows.ts:
 * deletion vectors or copy-on-write, change data on CDF tables), as Spark runs it.
 */
import type * as arrow from 'apache-arrow';
import { and, bind, col, lit, mayMatch, or, type BoundExpression } from '../../expr/index.js';
import type { Expression } from '../../expr/index.js';
import type { AddFile, RemoveFile } from '../../protocol/actions.js';
import type { Scalar } from '../../protocol/scalar.js';
import { fileStatsLookup, parsePartitionValues, type TableColumns } from '../../read/file-stats.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { ReadSet } from '../../transaction/index.js';
import { isPartitionPredicate, partitionMatches } from '../../read/partition-match.js';
import { deleteForReplaceWhere, type ReplaceWhereDeletion } from './replace-rows.js';
import type { WritePlan } from './types.js';

/** Where rewritten rows go: back into the write, like the input's rows. */
export type BatchSink = (batch: arrow.RecordBatch) => Promise<void>;

export interface Replaced {
  removes: RemoveFile[];
  read: ReadSet;
  /** Files rewritten without the rows a data predicate selects. */
  rewritten: number;
  /** What a data predicate deleted (re-adds, rewrites, change data, objects written). */
  deletion?: ReplaceWhereDeletion;
}

export async function replacedFiles(
  base: Snapshot,
  plan: WritePlan,
  cols: TableColumns,
  replaceWhere: BoundExpression | undefined,
  written: ReadonlyMap<string, ReadonlyMap<string, Scalar>>,
  now: number,
): Promise<Replaced> {
  if (replaceWhere) return replacedByPredicate(base, plan, cols, replaceWhere, now);
  const removes: RemoveFile[] = [];
  if (plan.dynamicPartitionOverwrite) {
    const replaced = new Set(written.keys());
    for (const add of base.activeFiles()) {
      if (replaced.has(scalarKey(plan.partitionColumns, parsePartitionValues(cols, add.partitionValues))))
        removes.push(removeOf(add, now));
    }
    const read: ReadSet = {};
    if (written.size > 0) read.predicates = [bind(partitionsPredicate(plan, written), plan.schema)];
    read.files = removes.map((r) => r.path);
    return { removes, read, rewritten: 0 };
  }
  for (const add of base.activeFiles()) removes.push(removeOf(add, now));
  return { removes, read: { wholeTable: true }, rewritten: 0 };
}

async function replacedByPredicate(
  base: Snapshot,
  plan: WritePlan,
  cols: TableColumns,
  pred: BoundExpression,
  now: number,
): Promise<Replaced> {
  if (!isPartitionPredicate(pred, cols)) {
    const deletion = await deleteForReplaceWhere(base, plan.replaceWhere!);
    const read = { predicates: [pred], files: deletion.readFiles };
    return { removes: deletion.removes, read, rewritten: deletion.rewrittenFiles, deletion };
  }
  const removes: RemoveFile[] = [];
  for (const add of base.activeFiles()) {
    const pv = parsePartitionValues(cols, add.partitionValues);
    if (!mayMatch(pred, fileStatsLookup(cols, pv, base.fileStats(add)))) continue;
    if (partitionMatches(pred, cols, add)) removes.push(removeOf(add, now));
  }
  return { removes, read: { predicates: [pred], files: removes.map((r) => r.path) }, rewritten: 0 };
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
