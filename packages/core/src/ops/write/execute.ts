/**
 * A write's I/O: stream the input through schema enforcement and CHECK constraints into
 * rolling Parquet files (one per partition, split at the target size), then work out what the
 * write replaces: every file (overwrite), the partitions written (dynamic overwrite) or the
 * rows matching `replaceWhere` (files the predicate covers only in part are rewritten without
 * those rows). Nothing is visible until the commit; on failure the files written are deleted.
 */
import type * as arrow from 'apache-arrow';
import type { Engine } from '../../engine/engine.js';
import { WriteNotAllowedError } from '../../errors.js';
import { bind, evaluatePredicate, parseExpression, toSql, type BoundExpression } from '../../expr/index.js';
import type { Scalar } from '../../protocol/scalar.js';
import type { TableColumns } from '../../read/file-stats.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { checkConstraints, tableConstraints } from '../../write/constraints.js';
import { DataFileWriter, type WrittenFiles } from '../../write/data-files.js';
import { splitByPartition } from '../../write/partition-split.js';
import { conformer } from '../../write/schema-plan.js';
import { statsColumnsFromProperties } from '../../write/stats.js';
import { ChangeDataWriter, type WrittenChangeData } from '../../write/change-data.js';
import { isPartitionPredicate } from '../../read/partition-match.js';
import { replaceWhereFeedsInserts } from './replace-rows.js';
import { replacedFiles, scalarKey, type BatchSink, type Replaced } from './replace.js';
import type { WritePlan, WrittenData } from './types.js';

/** Write the input's batches as data files of `plan` and find the files they replace in `base`. */
export async function executeWrite(
  engine: Engine,
  base: Snapshot | undefined,
  plan: WritePlan,
  batches: AsyncIterable<arrow.RecordBatch>,
): Promise<WrittenData> {
  const replaceWhere =
    plan.replaceWhere !== undefined ? bind(parseExpression(plan.replaceWhere), plan.schema) : undefined;
  const writer = dataFileWriter(engine, plan);
  const cols: TableColumns = {
    schema: plan.schema,
    mode: plan.columnMapping,
    partitionColumns: new Set(plan.partitionColumns),
  };
  const inserts = insertFeed(engine, base, plan, cols, replaceWhere);
  const written = new Map<string, ReadonlyMap<string, Scalar>>();
  const sink: BatchSink = async (batch) => {
    for (const slice of splitByPartition(batch, plan.schema, plan.partitionColumns, plan.columnMapping)) {
      written.set(scalarKey(plan.partitionColumns, slice.scalars), slice.scalars);
      await writer.write(slice);
    }
    await inserts?.write(batch, 'insert');
  };
  let files: WrittenFiles;
  let changes: WrittenChangeData | undefined;
  let replaced: Replaced = { removes: [], read: {}, rewritten: 0 };
  try {
    await writeBatches(plan, batches, replaceWhere, sink);
    if (base && plan.mode === 'overwrite')
      replaced = await replacedFiles(base, plan, cols, replaceWhere, written, engine.clock.now());
    files = await writer.finish();
    changes = await inserts?.finish();
  } catch (err) {
    await writer.abort(err);
    await inserts?.abort(err);
    await engine.store.deleteMany(replaced.deletion?.written ?? []).catch(() => undefined);
    throw err;
  }
  const { removes, read, rewritten, deletion } = replaced;
  const newCdc = changes?.cdc ?? [];
  return {
    adds: files.adds,
    removes,
    extraAdds: deletion?.adds ?? [],
    cdc: [...(deletion?.cdc ?? []), ...newCdc],
    written: [...(deletion?.written ?? []), ...newCdc.map((c) => decodeURIComponent(c.path))],
    ...(deletion ? { deleted: { rows: deletion.deletedRows, copiedRows: deletion.copiedRows } } : {}),
    read,
    metrics: {
      numFiles: files.adds.length,
      numOutputRows: files.numOutputRows,
      numOutputBytes: files.numOutputBytes,
      numRemovedFiles: removes.length,
      numRemovedBytes: removes.reduce((n, r) => n + Number(r.size ?? 0), 0),
      numRewrittenFiles: rewritten,
    },
  };
}

/**
 * On a change-data-feed table without deletion vectors, a replaceWhere on data columns deletes
 * rows copy-on-write into `_change_data/`: the new rows must go to the feed too (as `insert`).
 */
function insertFeed(
  engine: Engine,
  base: Snapshot | undefined,
  plan: WritePlan,
  cols: TableColumns,
  replaceWhere: BoundExpression | undefined,
): ChangeDataWriter | undefined {
  if (!base || plan.mode !== 'overwrite' || !replaceWhere || isPartitionPredicate(replaceWhere, cols)) return undefined;
  if (!replaceWhereFeedsInserts(base)) return undefined;
  return new ChangeDataWriter({
    engine,
    schema: plan.schema,
    partitionColumns: plan.partitionColumns,
    mode: plan.columnMapping,
    targetFileSize: plan.targetFileSize,
    rowGroupSize: plan.rowGroupSize,
    compression: plan.compression,
  });
}

function dataFileWriter(engine: Engine, plan: WritePlan): DataFileWriter {
  return new DataFileWriter({
    engine,
    schema: plan.schema,
    partitionColumns: plan.partitionColumns,
    mode: plan.columnMapping,
    targetFileSize: plan.targetFileSize,
    rowGroupSize: plan.rowGroupSize,
    compression: plan.compression,
    stats: statsColumnsFromProperties(plan.configuration),
  });
}

/** Conform each batch to the table, check constraints and `replaceWhere`, and write it. */
async function writeBatches(
  plan: WritePlan,
  batches: AsyncIterable<arrow.RecordBatch>,
  replaceWhere: BoundExpression | undefined,
  sink: BatchSink,
): Promise<void> {
  const conform = conformer(plan.schema);
  const constraints = tableConstraints(plan.configuration, plan.schema);
  for await (const raw of batches) {
    const batch = conform(raw);
    checkConstraints(batch, constraints, plan.schema);
    if (replaceWhere) {
      const bad = evaluatePredicate(replaceWhere, batch).indexOf(0);
      if (bad >= 0) {
        throw new WriteNotAllowedError(
          `replaceWhere: row ${bad} of the data does not match the predicate ${toSql(replaceWhere)}; every written row must match it. Nothing was committed.`,
        );
      }
    }
    await sink(batch);
  }
}
