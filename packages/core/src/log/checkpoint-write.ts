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
import { createParquetWriter } from '../parquet/writer.js';
import type { ObjectStore } from '../storage/object-store.js';
import { CheckpointBatcher, type ActionKind } from './checkpoint-batches.js';
import { checkpointLayout } from './checkpoint-schema.js';
import { classicCheckpointPath, LAST_CHECKPOINT } from './file-names.js';
import { serializeLastCheckpoint, type LastCheckpointJson } from './last-checkpoint-json.js';
import type { TableState } from './replay.js';
import { readLastCheckpoint } from './segment.js';

export const DEFAULT_TOMBSTONE_RETENTION = 'interval 1 week';
/** Actions per Arrow batch and per Parquet row group. */
export const CHECKPOINT_BATCH_SIZE = 50_000;
/** Spark leaves `checkpointSchema` out of `_last_checkpoint` when it is very large; so do we. */
const MAX_SCHEMA_JSON = 64 * 1024;

export interface WriteCheckpointOptions {
  /** Clock (ms since the epoch) for tombstone and txn expiry; default Date.now(). */
  now?: number;
  /** Actions per batch / row group (default 50,000). */
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
  store: ObjectStore,
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
  const now = options.now ?? Date.now();
  const config = metadata.configuration ?? {};
  const minTombstoneTime =
    now - tableDurationMs(config, 'delta.deletedFileRetentionDuration', DEFAULT_TOMBSTONE_RETENTION);
  const txnRetention = config['delta.setTransactionRetentionDuration'];
  const minTxnTime =
    txnRetention === undefined
      ? -Infinity
      : now - tableDurationMs(config, 'delta.setTransactionRetentionDuration', txnRetention);

  const layout = checkpointLayout(metadata, protocol);
  const batcher = new CheckpointBatcher(layout, (add: AddFile) => state.parsedStats.get(add));
  const writer = await createParquetWriter(layout.schema, { rowGroupSize: batchSize });
  const path = classicCheckpointPath(version);
  const upload = store.putStream(path, writer.bytes);
  // A failed upload stops reading the bytes, which would leave `write` waiting forever.
  const uploadFailed = new Promise<never>((_, reject) => void upload.catch(reject));
  uploadFailed.catch(() => undefined);

  let rows = 0;
  let adds = 0;
  let removes = 0;
  const flush = async (kind: ActionKind) => {
    const batch = batcher.flush(kind);
    if (batch) {
      rows += batch.numRows;
      await Promise.race([writer.write(batch), uploadFailed]);
    }
  };
  try {
    batcher.append('protocol', protocol);
    await flush('protocol');
    batcher.append('metaData', metadata);
    await flush('metaData');
    for (const txn of state.txns.values()) {
      // Txns without lastUpdated never expire (nothing says how old they are).
      if (typeof txn.lastUpdated === 'number' && txn.lastUpdated <= minTxnTime) continue;
      batcher.append('txn', txn);
      if (batcher.pending('txn') >= batchSize) await flush('txn');
    }
    await flush('txn');
    for (const domain of state.domains.values()) {
      if (domain.removed) continue;
      batcher.append('domainMetadata', domain);
      if (batcher.pending('domainMetadata') >= batchSize) await flush('domainMetadata');
    }
    await flush('domainMetadata');
    for (const add of state.files.values()) {
      batcher.append('add', add);
      adds++;
      if (batcher.pending('add') >= batchSize) await flush('add');
    }
    await flush('add');
    for (const rm of state.tombstones.values()) {
      // As Spark: a tombstone without deletionTimestamp counts as deleted at time 0 (expired).
      if ((typeof rm.deletionTimestamp === 'number' ? rm.deletionTimestamp : 0) <= minTombstoneTime) continue;
      batcher.append('remove', rm);
      removes++;
      if (batcher.pending('remove') >= batchSize) await flush('remove');
    }
    await flush('remove');
  } catch (err) {
    await writer.abort(err);
    await upload.catch(() => undefined);
    throw err;
  }
  const [written] = await Promise.all([writer.close(), upload]);

  const lastCheckpointUpdated = await updateLastCheckpoint(store, {
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

/** Write `_last_checkpoint` unless it already names a newer checkpoint (a concurrent writer's). */
async function updateLastCheckpoint(
  store: ObjectStore,
  cp: { version: number; size: number; sizeInBytes: number; numOfAddFiles: number; schema: LastCheckpointJson },
): Promise<boolean> {
  const current = await readLastCheckpoint(store);
  if (current && current.version > cp.version) return false;
  const fields: { [k: string]: LastCheckpointJson } = {
    version: cp.version,
    size: cp.size,
    sizeInBytes: cp.sizeInBytes,
    numOfAddFiles: cp.numOfAddFiles,
  };
  if (JSON.stringify(cp.schema).length <= MAX_SCHEMA_JSON) fields.checkpointSchema = cp.schema;
  await store.put(LAST_CHECKPOINT, serializeLastCheckpoint(fields));
  return true;
}
