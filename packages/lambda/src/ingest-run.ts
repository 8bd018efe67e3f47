/**
 * One invocation's work: route every object, group by table, stage objects with bounded
 * concurrency (each its own data files), commit each table's group once, and report an
 * outcome per object. Messages (SQS records) await the outcomes of their objects.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { type Snapshot } from '@delta-serverless/core';
import { preloadParquet } from '@delta-serverless/core/internal';
import { sourceAppId } from './app-id.js';
import { commitGroup, type ObjectOutcome } from './commit-group.js';
import { ObjectIngestError, SourceChangedError } from './errors.js';
import type { EventMessage, SourceObject } from './events.js';
import { describeError, emit, type IngestLogger, type IngestMetrics } from './observability.js';
import { matchRoute, type Route } from './routes.js';
import { stageLayout, stageObject, type StagedObject } from './stage-object.js';
import type { TableCache } from './table-cache.js';

export interface RunContext {
  routes: readonly Route[];
  tables: TableCache;
  s3: S3Client;
  logger: IngestLogger;
  metrics: IngestMetrics;
  stageConcurrency: number;
  invocationId?: string;
}

interface Item {
  appId: string;
  obj: SourceObject;
  route: Route;
  messageIds: string[];
}

/** Per-message result: undefined on success, else the error to fail that message with. */
export type MessageResult = Promise<Error | undefined>;

const uriOf = (o: SourceObject) => `s3://${o.bucket}/${o.key}`;

/** Run `fn` over items with at most `limit` in flight. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** Start the work for all messages; returns one promise per messageId. */
export function startRun(ctx: RunContext, messages: readonly EventMessage[]): Map<string, MessageResult> {
  const { logger } = ctx;
  const groups = new Map<string, Map<string, Item>>();
  const early = new Map<string, Error | undefined>();
  const objectsOf = new Map<string, { appId: string; obj: SourceObject }[]>();
  for (const m of messages) {
    if (m.error) {
      logger.error('malformed message', { messageId: m.messageId, ...describeError(m.error) });
      emit(ctx.metrics, 'ObjectsFailed', 1);
      early.set(m.messageId, m.error);
      continue;
    }
    if (m.ignored) logger.info('message ignored', { messageId: m.messageId, ignored: m.ignored });
    const mine: { appId: string; obj: SourceObject }[] = [];
    for (const obj of m.objects) {
      const route = matchRoute(ctx.routes, obj);
      if (!route) {
        logger.warn('no route for object; acknowledged without ingesting', {
          messageId: m.messageId,
          bucket: obj.bucket,
          key: obj.key,
        });
        continue;
      }
      let appId: string;
      try {
        appId = sourceAppId(obj);
      } catch (err) {
        early.set(m.messageId, err as Error);
        continue;
      }
      let group = groups.get(route.table);
      if (!group) groups.set(route.table, (group = new Map()));
      const item = group.get(appId);
      if (item) item.messageIds.push(m.messageId);
      else group.set(appId, { appId, obj, route, messageIds: [m.messageId] });
      mine.push({ appId, obj });
    }
    objectsOf.set(m.messageId, mine);
  }

  const outcomes = new Map<string, Promise<ObjectOutcome>>();
  for (const [table, items] of groups) {
    const done = runGroup(ctx, table, [...items.values()]);
    for (const appId of items.keys())
      outcomes.set(
        appId,
        done.then((m) => m.get(appId)!),
      );
  }

  const results = new Map<string, MessageResult>();
  for (const m of messages) {
    if (early.has(m.messageId) && early.get(m.messageId)) {
      results.set(m.messageId, Promise.resolve(early.get(m.messageId)));
      continue;
    }
    results.set(
      m.messageId,
      (async () => {
        const failed: string[] = [];
        for (const { appId, obj } of objectsOf.get(m.messageId) ?? []) {
          const o = await outcomes.get(appId)!;
          if (o.status === 'failed') failed.push(`${uriOf(obj)}: ${o.error.message}`);
        }
        if (failed.length === 0) return undefined;
        return new ObjectIngestError(
          failed.length === 1 ? failed[0]!.split(': ')[0]! : `${failed.length} objects`,
          failed.length === 1 ? failed[0]!.slice(failed[0]!.indexOf(': ') + 2) : failed.join('; '),
        );
      })(),
    );
  }
  return results;
}

/** Stage and commit one table's objects; never rejects (failures become outcomes). */
// eslint-disable-next-line max-lines-per-function -- split by #18's restructure of packages/lambda (lands next)
async function runGroup(ctx: RunContext, table: string, items: Item[]): Promise<Map<string, ObjectOutcome>> {
  const { logger, metrics } = ctx;
  const outcomes = new Map<string, ObjectOutcome>();
  const logFailure = (item: Item, err: unknown, stage: string) => {
    logger.error('object not ingested', {
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
    emit(metrics, 'ObjectsFailed', 1);
  };
  let snapshot: Snapshot | undefined;
  let store;
  preloadParquet(); // cold start: compile the wasm while the snapshot loads (it writes our files)
  try {
    ({ store, snapshot } = await ctx.tables.get(table));
  } catch (err) {
    for (const i of items) {
      outcomes.set(i.appId, { status: 'failed', error: err as Error });
      logFailure(i, err, 'open-table');
    }
    return outcomes;
  }

  // Exactly once, first line: ids the table already has are acknowledged without reading.
  const todo = items.filter((i) => {
    const applied = snapshot?.txn(i.appId);
    if (!applied) return true;
    outcomes.set(i.appId, { status: 'duplicate', version: snapshot!.version });
    logger.info('object already ingested; skipped', {
      messageIds: i.messageIds,
      key: i.obj.key,
      table,
      appId: i.appId,
    });
    emit(metrics, 'DuplicatesSkipped', 1);
    return false;
  });
  if (todo.length === 0) return outcomes;

  const route = todo[0]!.route;
  let layout = stageLayout(snapshot, route);
  const staged: StagedObject[] = [];
  const stage = async (item: Item) => {
    try {
      staged.push(await stageObject({ s3: ctx.s3, store: store!, layout, route: item.route }, item.obj, item.appId));
    } catch (err) {
      if (err instanceof SourceChangedError) {
        outcomes.set(item.appId, { status: 'superseded', reason: err.message });
        logger.warn('object version superseded; acknowledged without ingesting', {
          messageIds: item.messageIds,
          key: item.obj.key,
          table,
          reason: err.message,
        });
        emit(metrics, 'ObjectsSuperseded', 1);
        return;
      }
      outcomes.set(item.appId, { status: 'failed', error: err as Error });
      logFailure(item, err, 'decode');
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
  if (staged.length === 0) return outcomes;

  let res;
  try {
    res = await commitGroup({
      store: store!,
      base: snapshot,
      route,
      staged,
      partitionColumns: layout.partitionColumns,
      invocationId: ctx.invocationId,
    });
  } catch (err) {
    for (const s of staged) {
      outcomes.set(s.appId, { status: 'failed', error: err as Error });
      logFailure(
        items.find((i) => i.appId === s.appId)!,
        err,
        'commit',
      );
    }
    return outcomes;
  }
  const byId = new Map(items.map((i) => [i.appId, i]));
  let committed = 0;
  for (const [appId, o] of res.outcomes) {
    outcomes.set(appId, o);
    const item = byId.get(appId)!;
    if (o.status === 'failed') logFailure(item, o.error, 'commit');
    else if (o.status === 'duplicate') {
      emit(metrics, 'DuplicatesSkipped', 1);
      logger.info('object ingested concurrently by another invocation; dropped', { key: item.obj.key, table, appId });
    } else if (o.status === 'committed') committed++;
  }
  emit(metrics, 'CommitConflicts', res.conflicts);
  if (res.version !== undefined) {
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
  return outcomes;
}
