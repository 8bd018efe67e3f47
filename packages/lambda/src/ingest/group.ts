/**
 * One table's share of an invocation: open the table, skip uploads it already has, refuse
 * events older than its transaction retention, stage the rest (bounded concurrency, each its
 * own data files) and commit them once (commit-group.ts). Never rejects: every object gets an
 * outcome, and failures are logged with the object, table and reason.
 */
import { type ObjectStore, type Snapshot } from '@delta-serverless/core';
import { parseIntervalMs, preloadParquet } from '@delta-serverless/core/internal';
import { IngestDeadlineError, SourceChangedError, StaleEventError } from '../errors.js';
import { describeError, emit } from '../observability.js';
import { applyCdcObjects } from './cdc-group.js';
import { commitGroup, type GroupCommitResult, type ObjectOutcome } from './commit-group.js';
import type { Item, RunContext } from './run-context.js';
import type { Route } from './routes.js';
import { stageLayout, stageObject, type StagedObject } from './stage-object.js';

/** Clock skew allowed between S3's event time and ours when checking an event against the txn retention. */
export const RETENTION_MARGIN_MS = 60 * 60_000;

type Outcomes = Map<string, ObjectOutcome>;

/** Stage and commit one table's objects. */
export async function runGroup(ctx: RunContext, table: string, items: Item[]): Promise<Outcomes> {
  const outcomes: Outcomes = new Map();
  const failed = (item: Item, err: unknown, stage: string) => {
    outcomes.set(item.appId, { status: 'failed', error: err as Error });
    logFailure(ctx, table, item, err, stage);
  };
  let snapshot: Snapshot | undefined;
  let store: ObjectStore;
  preloadParquet(); // cold start: compile the wasm while the snapshot loads (it writes our files)
  try {
    ({ store, snapshot } = await ctx.tables.get(table));
  } catch (err) {
    for (const i of items) failed(i, err, 'open-table');
    return outcomes;
  }
  const todo = items.filter((i) => !alreadyApplied(ctx, table, snapshot, i, outcomes) && !tooOld(snapshot, i, failed));
  if (todo.length === 0) return outcomes;
  if (todo[0]!.route.cdc) {
    const after = await applyCdcObjects(ctx, table, store, todo, outcomes, failed);
    const route = todo[0]!.route;
    const changed = after && (!snapshot || after.metadata.schemaString !== snapshot.metadata.schemaString);
    if (route.catalog && changed) await syncAfterCommit(ctx, route, after);
    return outcomes;
  }

  const staged = await stageAll(ctx, table, store, snapshot, todo, outcomes, failed);
  if (staged.objects.length === 0) return outcomes;
  let res: GroupCommitResult;
  try {
    res = await commitGroup({
      store,
      base: snapshot,
      route: todo[0]!.route,
      staged: staged.objects,
      partitionColumns: staged.partitionColumns,
      invocationId: ctx.invocationId,
      deadline: ctx.deadline,
      onCleanupError: (err, paths) =>
        ctx.logger.error('could not delete staged files; they stay as orphans until a full VACUUM', {
          table,
          paths,
          ...describeError(err),
        }),
      onPostCommitError: (err) =>
        ctx.logger.warn('post-commit checkpoint failed; maintenance writes it', { table, ...describeError(err) }),
    });
  } catch (err) {
    for (const s of staged.objects)
      failed(
        items.find((i) => i.appId === s.appId)!,
        err,
        'commit',
      );
    return outcomes;
  }
  recordCommit(ctx, table, items, res, outcomes);
  if (res.snapshot) ctx.tables.adopt(table, res.snapshot);
  if (res.postCommit?.manifestError)
    ctx.logger.warn('symlink manifests not updated', { table, ...describeError(res.postCommit.manifestError) });
  const route = todo[0]!.route;
  if (route.catalog && res.metadataChanged && res.snapshot) await syncAfterCommit(ctx, route, res.snapshot);
  return outcomes;
}

/** Keep the Glue registration in step with a commit that changed the metadata; never throws. */
async function syncAfterCommit(ctx: RunContext, route: Route, snapshot: Snapshot): Promise<void> {
  if (!ctx.syncCatalog || !route.catalog) return;
  try {
    const r = await ctx.syncCatalog(snapshot, route.catalog);
    ctx.logger.info('catalog synced', { table: route.table, ...r });
  } catch (err) {
    emit(ctx.metrics, 'CatalogSyncFailed', 1);
    ctx.logger.warn('catalog sync failed; the next sync (maintenance run) repairs it', {
      table: route.table,
      ...describeError(err),
    });
  }
}

/** Exactly once, first line: ids the table already has are acknowledged without reading. */
function alreadyApplied(ctx: RunContext, table: string, snapshot: Snapshot | undefined, i: Item, out: Outcomes) {
  if (!snapshot?.txn(i.appId)) return false;
  out.set(i.appId, { status: 'duplicate', version: snapshot.version });
  ctx.logger.info('duplicate delivery: this object is already in the table; nothing to do', {
    messageIds: i.messageIds,
    key: i.obj.key,
    table,
    appId: i.appId,
  });
  emit(ctx.metrics, 'DuplicatesSkipped', 1);
  return true;
}

/**
 * An upload whose event is older than the table's txn retention (less a margin for clock skew)
 * may have been ingested and forgotten: refuse it rather than risk its rows twice. Tables
 * without the property keep txns forever; a table that does not exist yet has none to forget.
 */
function tooOld(snapshot: Snapshot | undefined, i: Item, failed: (i: Item, err: unknown, stage: string) => void) {
  const retention = snapshot?.properties['delta.setTransactionRetentionDuration'];
  if (retention === undefined || i.obj.eventTime === undefined) return false;
  let retentionMs: number;
  try {
    retentionMs = parseIntervalMs(retention);
  } catch {
    return false; // the table's own readers reject it; nothing expires on a value we cannot read
  }
  if (Date.now() - i.obj.eventTime <= retentionMs - RETENTION_MARGIN_MS) return false;
  const uri = `s3://${i.obj.bucket}/${i.obj.key}`;
  const at = new Date(i.obj.eventTime).toISOString();
  failed(
    i,
    new StaleEventError(
      uri,
      `${uri}: its upload event (${at}) is older than the table's delta.setTransactionRetentionDuration ` +
        `(${retention}) less 1 hour, so the table can no longer tell whether it was ingested; refused to avoid ` +
        'duplicate rows. To ingest it, upload the object again (a new upload event) or raise the retention',
    ),
    'too-old',
  );
  return true;
}

/** Stage every object; a new table takes its schema from the first object that decodes. */
async function stageAll(
  ctx: RunContext,
  table: string,
  store: ObjectStore,
  snapshot: Snapshot | undefined,
  todo: Item[],
  outcomes: Outcomes,
  failed: (i: Item, err: unknown, stage: string) => void,
): Promise<{ objects: StagedObject[]; partitionColumns: string[] }> {
  let layout = stageLayout(snapshot, todo[0]!.route);
  const staged: StagedObject[] = [];
  const stage = async (item: Item) => {
    if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) {
      failed(item, new IngestDeadlineError(`not read: the invocation's deadline is near; SQS redelivers it`), 'decode');
      return;
    }
    try {
      staged.push(await stageObject({ s3: ctx.s3, store, layout, route: item.route }, item.obj, item.appId));
    } catch (err) {
      if (!(err instanceof SourceChangedError)) return failed(item, err, 'decode');
      outcomes.set(item.appId, { status: 'superseded', reason: err.message });
      ctx.logger.warn('object version superseded; acknowledged without ingesting', {
        messageIds: item.messageIds,
        key: item.obj.key,
        table,
        reason: err.message,
      });
      emit(ctx.metrics, 'ObjectsSuperseded', 1);
    }
  };
  let rest = todo;
  if (!layout.schema) {
    // New table: the first object (in batch order) that decodes defines the schema; the others
    // are then decoded into its types (CSV/NDJSON inference would otherwise vary per object).
    while (rest.length > 0 && !staged.some((s) => s.files.schema)) {
      await stage(rest[0]!);
      rest = rest.slice(1);
    }
    const first = staged.find((s) => s.files.schema);
    if (first) layout = { ...layout, schema: first.files.schema };
  }
  await mapLimit(rest, ctx.stageConcurrency, stage);
  // Batch order decides whose schema creates a table: sort back into it.
  const order = new Map(todo.map((t, i) => [t.appId, i]));
  staged.sort((a, b) => order.get(a.appId)! - order.get(b.appId)!);
  return { objects: staged, partitionColumns: [...layout.partitionColumns] };
}

/** Outcomes, metrics and the commit log line of a group commit. */
function recordCommit(ctx: RunContext, table: string, items: Item[], res: GroupCommitResult, outcomes: Outcomes) {
  const { logger, metrics } = ctx;
  const byId = new Map(items.map((i) => [i.appId, i]));
  let committed = 0;
  for (const [appId, o] of res.outcomes) {
    outcomes.set(appId, o);
    const item = byId.get(appId)!;
    if (o.status === 'failed') logFailure(ctx, table, item, o.error, 'commit');
    else if (o.status === 'duplicate') {
      emit(metrics, 'DuplicatesSkipped', 1);
      logger.info('duplicate delivery: another invocation committed this object first; nothing to do', {
        key: item.obj.key,
        table,
        appId,
      });
    } else if (o.status === 'committed') committed++;
  }
  emit(metrics, 'CommitConflicts', res.conflicts);
  if (res.version === undefined) return;
  emit(metrics, 'RowsIngested', res.rows);
  emit(metrics, 'FilesWritten', res.files);
  emit(metrics, 'BytesWritten', res.bytes);
  emit(metrics, 'CommitLatency', res.latencyMs);
  emit(metrics, 'ObjectsIngested', committed);
  logger.info('committed', {
    table,
    version: res.version,
    objects: committed,
    rows: res.rows,
    files: res.files,
    bytes: res.bytes,
    conflicts: res.conflicts,
    latencyMs: res.latencyMs,
  });
}

function logFailure(ctx: RunContext, table: string, item: Item, err: unknown, stage: string): void {
  ctx.logger.error('object not ingested', {
    messageIds: item.messageIds,
    messageId: item.messageIds[0],
    bucket: item.obj.bucket,
    key: item.obj.key,
    versionId: item.obj.versionId,
    eTag: item.obj.eTag,
    table,
    appId: item.appId,
    stage,
    ...describeError(err),
  });
  emit(ctx.metrics, 'ObjectsFailed', 1);
}

/** Run `fn` over items with at most `limit` in flight. */
async function mapLimit<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}
