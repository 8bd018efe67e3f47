/**
 * Write a classic single-file V1 checkpoint (`<version>.checkpoint.parquet`) for a table
 * state, then point `_delta_log/_last_checkpoint` at it. Rows are the reconciled state
 * (PROTOCOL.md "Checkpoints"): protocol, metadata, txns (minus expired ones), non-removed
 * domain metadata, every active file and the tombstones not yet expired. The Parquet file is
 * streamed to the store in row batches, so memory stays bounded by one batch however many
 * files the table has.
 */
import { InvalidArgumentError } from '../errors.js';
import type { AddFile } from '../protocol/actions.js';
import { arrowSchemaToDelta } from '../protocol/arrow-schema.js';
import { tableDurationMs } from '../protocol/intervals.js';
import { dataTypeToJson } from '../protocol/schema.js';
import { assertLogWritable } from '../protocol/writer-features.js';
import type { Engine } from '../engine/engine.js';
import type { ObjectStore } from '../storage/object-store.js';
import { CheckpointBatcher, type ActionKind, type ActionTypes } from './checkpoint-batches.js';
import { checkpointLayout } from './checkpoint-schema.js';
import { classicCheckpointPath, LAST_CHECKPOINT } from './file-names.js';
import { serializeLastCheckpoint, type LastCheckpointJson } from './last-checkpoint-json.js';
import type { TableState } from './replay.js';
import { readLastCheckpoint } from './segment.js';

export const DEFAULT_TOMBSTONE_RETENTION = 'interval 1 week';
/** Actions per Parquet row group. */
export const CHECKPOINT_BATCH_SIZE = 50_000;
/**
 * Most actions per Arrow batch handed to the encoder (it fills the row group from several):
 * what the builders, the IPC hand-off and the encoder's copy of it hold at a time, a few MB
 * (~800 B per add with JSON stats) instead of a whole row group's ~40 MB three times over.
 */
export const CHECKPOINT_FEED_ROWS = 8192;
/** Spark leaves `checkpointSchema` out of `_last_checkpoint` when it is very large; so do we. */
const MAX_SCHEMA_JSON = 64 * 1024;

export interface WriteCheckpointOptions {
  /** Time (ms since the epoch) for tombstone and txn expiry; default: the engine's clock. */
  now?: number;
  /** Actions per Parquet row group (default 50,000). */
  batchSize?: number;
}

export interface CheckpointWriteResult {
  version: number;
  /** Key of the checkpoint file. */
  path: string;
  /** Number of actions (rows) in the checkpoint. */
  size: number;
  sizeInBytes: number;
  numOfAddFiles: number;
  numOfRemoveFiles: number;
  /** False when `_last_checkpoint` already named a newer checkpoint and was left alone. */
  lastCheckpointUpdated: boolean;
}

/** Write the checkpoint of `state.version` and update `_last_checkpoint`. */
export async function writeCheckpoint(
  engine: Engine,
  state: TableState,
  options: WriteCheckpointOptions = {},
): Promise<CheckpointWriteResult> {
  const { protocol, metadata, version } = state;
  if (!protocol || !metadata || version < 0) {
    throw new InvalidArgumentError(
      'cannot checkpoint a table state without protocol and metadata; load the table first',
    );
  }
  assertLogWritable(protocol); // a checkpoint is written by writers that know every writer feature
  const batchSize = options.batchSize ?? CHECKPOINT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize <= 0)
    throw new InvalidArgumentError(`batchSize must be a positive integer, got ${batchSize}`);
  const now = options.now ?? engine.clock.now();
  const layout = checkpointLayout(metadata, protocol);
  const path = classicCheckpointPath(version);
  const counts = await writeRows(engine, path, layout, state, checkpointRows(state, now), batchSize);
  const { rows, adds, removes, written } = counts;

  const lastCheckpointUpdated = await updateLastCheckpoint(engine.store, {
    version,
    size: rows,
    sizeInBytes: written.size,
    numOfAddFiles: adds,
    schema: dataTypeToJson(arrowSchemaToDelta(layout.schema)) as LastCheckpointJson,
  });
  return {
    version,
    path,
    size: rows,
    sizeInBytes: written.size,
    numOfAddFiles: adds,
    numOfRemoveFiles: removes,
    lastCheckpointUpdated,
  };
}

export type Row = { [K in ActionKind]: [K, ActionTypes[K]] }[ActionKind];

/** Which rows of the checkpoint to produce (a part of a checkpoint written in parts). */
export interface RowSelection {
  /** Protocol, metadata, txns and domain metadata (default true). */
  tableActions?: boolean;
  /** Only the adds and tombstones whose path this accepts (default all). */
  files?: (path: string) => boolean;
}

/**
 * The checkpoint's rows in order (PROTOCOL.md "Checkpoints"): protocol, metadata, txns not
 * expired, domain metadata not removed, every active file, tombstones not expired.
 */
export function* checkpointRows(state: TableState, now: number, select: RowSelection = {}): Generator<Row> {
  const protocol = state.protocol!;
  const metadata = state.metadata!;
  const config = metadata.configuration ?? {};
  const minTombstoneTime =
    now - tableDurationMs(config, 'delta.deletedFileRetentionDuration', DEFAULT_TOMBSTONE_RETENTION);
  const txnRetention = config['delta.setTransactionRetentionDuration'];
  const minTxnTime =
    txnRetention === undefined
      ? -Infinity
      : now - tableDurationMs(config, 'delta.setTransactionRetentionDuration', txnRetention);
  if (select.tableActions ?? true) {
    yield ['protocol', protocol];
    yield ['metaData', metadata];
    for (const txn of state.txns.values()) {
      // Txns without lastUpdated never expire (nothing says how old they are).
      if (typeof txn.lastUpdated === 'number' && txn.lastUpdated <= minTxnTime) continue;
      yield ['txn', txn];
    }
    for (const domain of state.domains.values()) if (!domain.removed) yield ['domainMetadata', domain];
  }
  const keep = select.files ?? (() => true);
  for (const add of state.files.values()) if (keep(add.path)) yield ['add', add];
  for (const rm of state.tombstones.values()) {
    // As Spark: a tombstone without deletionTimestamp counts as deleted at time 0 (expired).
    if ((typeof rm.deletionTimestamp === 'number' ? rm.deletionTimestamp : 0) <= minTombstoneTime) continue;
    if (keep(rm.path)) yield ['remove', rm];
  }
}

/**
 * Stream `rows` into a Parquet file at `path` with row groups of `batchSize` rows, fed to the
 * encoder in batches of at most CHECKPOINT_FEED_ROWS rows of one kind (a batch never mixes
 * kinds: each sets one column). Memory: the builders and encoder hold one feed batch and the
 * row group being encoded, whatever the number of rows.
 */
export async function writeRows(
  engine: Engine,
  path: string,
  layout: ReturnType<typeof checkpointLayout>,
  state: TableState,
  rows: Iterable<Row>,
  batchSize: number,
  keyValueMetadata?: Record<string, string>,
): Promise<{ rows: number; adds: number; removes: number; written: { size: number } }> {
  const batcher = new CheckpointBatcher(layout, (add: AddFile) => state.parsedStats.get(add));
  const writer = await engine.parquet.createWriter(layout.schema, { rowGroupSize: batchSize, keyValueMetadata });
  const upload = engine.store.putStream(path, writer.bytes);
  // A failed upload stops reading the bytes, which would leave `write` waiting forever.
  const uploadFailed = new Promise<never>((_, reject) => void upload.catch(reject));
  uploadFailed.catch(() => undefined);
  const counts = { rows: 0, adds: 0, removes: 0 };
  const feedRows = Math.min(batchSize, CHECKPOINT_FEED_ROWS);
  const flush = async (kind: ActionKind) => {
    const batch = batcher.flush(kind);
    if (!batch) return;
    counts.rows += batch.numRows;
    await Promise.race([writer.write(batch), uploadFailed]);
  };
  try {
    let current: ActionKind | undefined;
    for (const [kind, action] of rows) {
      if (current !== undefined && kind !== current) await flush(current);
      current = kind;
      batcher.append(kind, action as never); // the Row union pairs each kind with its action type
      if (kind === 'add') counts.adds++;
      if (kind === 'remove') counts.removes++;
      if (batcher.pending(kind) >= feedRows) await flush(kind);
    }
    if (current !== undefined) await flush(current);
  } catch (err) {
    await writer.abort(err);
    await upload.catch(() => undefined);
    throw err;
  }
  const [written] = await Promise.all([writer.close(), upload]);
  return { ...counts, written };
}

/** Write `_last_checkpoint` unless it already names a newer checkpoint (a concurrent writer's). */
export async function updateLastCheckpoint(
  store: ObjectStore,
  cp: {
    version: number;
    size: number;
    sizeInBytes: number;
    numOfAddFiles: number;
    schema?: LastCheckpointJson;
    parts?: number;
  },
): Promise<boolean> {
  const current = await readLastCheckpoint(store);
  if (current && current.version > cp.version) return false;
  const fields: { [k: string]: LastCheckpointJson } = {
    version: cp.version,
    size: cp.size,
    sizeInBytes: cp.sizeInBytes,
    numOfAddFiles: cp.numOfAddFiles,
  };
  if (cp.parts !== undefined) fields.parts = cp.parts;
  if (cp.schema && JSON.stringify(cp.schema).length <= MAX_SCHEMA_JSON) fields.checkpointSchema = cp.schema;
  await store.put(LAST_CHECKPOINT, serializeLastCheckpoint(fields));
  return true;
}
