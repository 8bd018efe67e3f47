/**
 * Route mode `cdc`: each object is a change file (AWS DMS or Debezium) applied to the table by
 * key through MERGE, one commit per object carrying the object's txn (the same appId as the
 * append routes), so a redelivered or concurrently processed object is applied once. Objects
 * of one table run one after the other (their merges would only conflict); a bad object
 * fails alone.
 */
import { type ObjectStore, type Snapshot } from '@delta-serverless/core';
import { applyChangeFile, createEngine, readChanges } from '@delta-serverless/core/internal';
import { IngestDeadlineError, SourceChangedError } from '../errors.js';
import { emit } from '../observability.js';
import type { ObjectOutcome } from './commit-group.js';
import { INGEST_TABLE_PROPERTIES } from './commit-group.js';
import type { Item, RunContext } from './run-context.js';
import { SourceObjectStore } from './source-store.js';

type Failed = (item: Item, err: unknown, stage: string) => void;

/**
 * Apply each object's changes in turn; outcomes go into `outcomes` (failures through
 * `failed`). Returns the table after the last apply (undefined when none applied).
 */
export async function applyCdcObjects(
  ctx: RunContext,
  table: string,
  store: ObjectStore,
  todo: readonly Item[],
  outcomes: Map<string, ObjectOutcome>,
  failed: Failed,
): Promise<Snapshot | undefined> {
  const engine = createEngine(store);
  let last: Snapshot | undefined;
  for (const item of todo) {
    if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) {
      failed(item, new IngestDeadlineError(`not read: the invocation's deadline is near; SQS redelivers it`), 'decode');
      continue;
    }
    try {
      last = (await applyOne(ctx, table, engine, item, outcomes)) ?? last;
    } catch (err) {
      if (!(err instanceof SourceChangedError)) {
        failed(item, err, 'cdc-merge');
        continue;
      }
      outcomes.set(item.appId, { status: 'superseded', reason: err.message });
      ctx.logger.warn('object version superseded; acknowledged without ingesting', { key: item.obj.key, table });
      emit(ctx.metrics, 'ObjectsSuperseded', 1);
    }
  }
  return last;
}

async function applyOne(
  ctx: RunContext,
  table: string,
  engine: ReturnType<typeof createEngine>,
  item: Item,
  outcomes: Map<string, ObjectOutcome>,
): Promise<Snapshot | undefined> {
  const route = item.route;
  const cdc = route.cdc!;
  const source = new SourceObjectStore(ctx.s3, item.obj);
  const started = Date.now();
  const r = await applyChangeFile(engine, {
    cdc: cdc.format,
    keys: cdc.keys,
    sequence: cdc.sequence,
    deletes: cdc.deletes,
    tombstoneRetention: cdc.tombstoneRetention,
    schemaEvolution: route.schemaMode === 'merge',
    key: `s3://${item.obj.bucket}/${item.obj.key}`,
    txn: { appId: item.appId, version: 1 },
    partitionBy: route.partitionBy,
    properties: { ...INGEST_TABLE_PROPERTIES },
    read: (schema) =>
      readChanges(source, item.obj.key, {
        cdc: cdc.format,
        sequence: cdc.sequence,
        format: route.format,
        compression: route.compression ?? 'auto',
        csv: route.csv,
        encoding: route.encoding,
        maxColumns: route.maxColumns,
        schema,
      }),
  });
  emit(ctx.metrics, 'CommitConflicts', r.conflictsRetried);
  const version = r.snapshot?.version ?? -1;
  if (r.status === 'duplicate') {
    outcomes.set(item.appId, { status: 'duplicate', version });
    emit(ctx.metrics, 'DuplicatesSkipped', 1);
    ctx.logger.info('duplicate delivery: this change file is already applied; nothing to do', {
      key: item.obj.key,
      table,
      appId: item.appId,
    });
    return r.snapshot;
  }
  outcomes.set(item.appId, r.snapshot ? { status: 'committed', version } : { status: 'empty' });
  emit(ctx.metrics, 'ObjectsIngested', 1);
  emit(ctx.metrics, 'RowsIngested', r.keys);
  emit(ctx.metrics, 'CommitLatency', Date.now() - started);
  ctx.logger.info('change file applied', {
    table,
    key: item.obj.key,
    version,
    changes: r.changes,
    keys: r.keys,
    ...r.metrics,
    conflicts: r.conflictsRetried,
  });
  return r.snapshot;
}
