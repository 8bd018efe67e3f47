/**
 * DeltaTable: a handle on a table location that holds its latest loaded snapshot and
 * refreshes it incrementally (only commits after the held version are listed and read).
 */
import * as arrow from 'apache-arrow';
import { InvalidArgumentError } from '../errors.js';
import type { CommitOptions } from '../transaction/index.js';
import { writeCheckpoint, type CheckpointWriteResult } from '../log/checkpoint-write.js';
import { cleanupExpiredLogs } from '../log/cleanup.js';
import { createTable, type CreateTableOptions } from '../ops/create/index.js';
import { restoreTable, type RestoreResult } from '../ops/restore/index.js';
import {
  setTableProperties,
  unsetTableProperties,
  type UnsetPropertiesOptions,
  type UnsetPropertiesResult,
} from '../ops/properties/index.js';
import {
  addConstraint,
  checkConstraintsOf,
  dropConstraint,
  type AddConstraintOptions,
  type ConstraintResult,
  type DropConstraintOptions,
} from '../ops/constraints/index.js';
import { optimize, type OptimizeOptions, type OptimizeResult } from '../ops/optimize/index.js';
import { vacuum, type VacuumOptions, type VacuumResult } from '../ops/vacuum/index.js';
import { writeTable, type WriteOptions, type WriteResult } from '../ops/write/index.js';
import { deleteRows, type DeleteOptions, type DeleteResult } from '../ops/delete/index.js';
import { updateRows, type UpdateOptions, type UpdateResult, type UpdateSpec } from '../ops/update/index.js';
import type { Expression } from '../expr/index.js';
import { UnsupportedFeatureError } from '../errors.js';
import { hasWriterFeature } from '../protocol/features.js';
import type { WriteInput } from '../write/input.js';
import { readChangeFeed, type ChangeFeedOptions } from '../read/change-feed.js';
import { Scan, type ScanOptions } from '../read/scan.js';
import { createEngine, type Engine, type EngineOptions } from '../engine/engine.js';
import {
  convertToDelta as convertParquetDirectory,
  type ConvertOptions,
  type ConvertResult,
} from '../ops/convert/index.js';
import type { ObjectStore } from '../storage/object-store.js';
import { storeForUri, type StorageOptions } from '../storage/registry.js';
import { checkEpochMillis, parseTimestamp } from '../util/numbers.js';
import { loadSnapshot, refreshSnapshot, snapshotAtVersion, tryLoadSnapshot } from '../snapshot/load.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { readHistory, versionAtTimestamp, type HistoryEntry } from '../snapshot/timeline.js';

export type Timestamp = Date | string | number;

export interface TimeTravel {
  version?: number;
  /**
   * A Date, epoch milliseconds (a number), or a string: ISO-8601 (no offset means UTC) or epoch
   * milliseconds with the suffix `ms` (`1714564800000ms`). Anything else is refused.
   */
  timestamp?: Timestamp;
}

/** Where a table is and what engine reads and writes it. */
export interface TableLocationOptions {
  /** Use this store instead of resolving one from the URI. */
  store?: ObjectStore;
  storageOptions?: StorageOptions;
  /** Replace parts of the engine: the Parquet handler, the clock, the id source (tests pin the last two). */
  engine?: EngineOptions;
}

export interface OpenOptions extends TimeTravel, TableLocationOptions {
  /**
   * Load protocol, metadata and app transactions from the version's checksum (`N.crc`) when it
   * has a valid one, without reading the file list; scans and operations read it when they need
   * it, and `await table.snapshot.loadFiles()` reads it for `files()`. What a writer that only
   * appends needs (the ingest Lambda). Without a usable checksum the log is replayed as usual.
   */
  lazyFiles?: boolean;
}

/** The engine for a table URI (or store) and its options. */
function engineFor(uri: string | ObjectStore, options: TableLocationOptions): Engine {
  const store = typeof uri === 'string' ? (options.store ?? storeForUri(uri, options.storageOptions)) : uri;
  return createEngine(store, options.engine);
}

export interface TableScanOptions extends ScanOptions, TimeTravel {}

/** A TimeTravel timestamp as epoch milliseconds, parsed strictly (util/numbers.ts). */
export function toEpochMillis(ts: Timestamp, name = 'timestamp'): number {
  if (ts instanceof Date) {
    if (Number.isNaN(ts.getTime())) throw new InvalidArgumentError(`${name} is an invalid Date`);
    return ts.getTime();
  }
  if (typeof ts === 'number') return checkEpochMillis(ts, name);
  if (typeof ts === 'string') return parseTimestamp(ts, name);
  throw new InvalidArgumentError(`${name} must be a Date, epoch milliseconds or an ISO-8601 string`);
}

export class DeltaTable {
  private current: Snapshot;

  private constructor(
    /** The store, Parquet handler, clock and id source this table uses. */
    readonly engine: Engine,
    snapshot: Snapshot,
  ) {
    this.current = snapshot;
  }

  /** Open a table; throws TableNotFoundError when there is none at the location. */
  static async open(uri: string | ObjectStore, options: OpenOptions = {}): Promise<DeltaTable> {
    if (options.version !== undefined && options.timestamp !== undefined) {
      throw new InvalidArgumentError('pass either version or timestamp, not both');
    }
    if (options.timestamp !== undefined) toEpochMillis(options.timestamp); // refuse a bad one before any I/O
    const engine = engineFor(uri, options);
    const latest = await loadSnapshot(engine, options.version, { lazyFiles: options.lazyFiles });
    const table = new DeltaTable(engine, latest);
    if (options.timestamp !== undefined) table.current = await table.snapshotAt({ timestamp: options.timestamp });
    return table;
  }

  /** Create a table (version 0, no data). */
  static async create(
    uri: string | ObjectStore,
    options: CreateTableOptions & TableLocationOptions,
  ): Promise<DeltaTable> {
    const engine = engineFor(uri, options);
    const snapshot = await createTable(engine, () => tryLoadSnapshot(engine), options);
    return new DeltaTable(engine, snapshot);
  }

  get store(): ObjectStore {
    return this.engine.store;
  }
  get uri(): string {
    return this.engine.store.root;
  }
  /** The snapshot this handle currently holds. */
  get snapshot(): Snapshot {
    return this.current;
  }
  get version(): number {
    return this.current.version;
  }

  /** Bring the held snapshot to the latest version, reading only new commits. */
  async refresh(): Promise<Snapshot> {
    this.current = await refreshSnapshot(this.current);
    return this.current;
  }

  /** A snapshot at a version or timestamp, without changing the held one. */
  async snapshotAt(tt: TimeTravel): Promise<Snapshot> {
    if (tt.version !== undefined && tt.timestamp !== undefined) {
      throw new InvalidArgumentError('pass either version or timestamp, not both');
    }
    if (tt.version !== undefined) return snapshotAtVersion(this.current, tt.version);
    if (tt.timestamp !== undefined) {
      const version = await versionAtTimestamp(this.store, this.current, toEpochMillis(tt.timestamp));
      return this.snapshotAt({ version });
    }
    return this.current;
  }

  /** Move the held snapshot to a version or timestamp (time travel), like delta-rs load_version. */
  async load(tt: TimeTravel): Promise<Snapshot> {
    this.current = await this.snapshotAt(tt);
    return this.current;
  }

  /** Scan the held snapshot (or the version/timestamp given): an async iterable of record batches. */
  scan(options: TableScanOptions = {}): Scan {
    const held = this.current;
    const timeTravel = options.version !== undefined || options.timestamp !== undefined;
    return new Scan(() => (timeTravel ? this.snapshotAt(options) : Promise.resolve(held)), options);
  }

  async toArrow(options: TableScanOptions = {}): Promise<arrow.Table> {
    return this.scan(options).toArrow();
  }

  /**
   * Change data feed of versions [startVersion, endVersion] (requires
   * delta.enableChangeDataFeed): data columns plus _change_type, _commit_version and
   * _commit_timestamp. Uses the latest schema; refreshes the held snapshot first.
   */
  tableChanges(options: ChangeFeedOptions): ChangeFeed {
    return new ChangeFeed(
      async () =>
        options.endVersion !== undefined && options.endVersion <= this.current.version ? this.current : this.refresh(),
      options,
    );
  }

  /**
   * Write data: append (default), overwrite, replaceWhere or dynamic partition overwrite.
   * The held snapshot moves to the committed version.
   */
  async write(data: WriteInput, options: WriteOptions = {}): Promise<WriteResult> {
    if ((options.mode ?? 'append') !== 'append') await this.refresh();
    const result = await writeTable(this.engine, this.current, data, options);
    if (result.snapshot.version >= this.current.version) this.current = result.snapshot;
    return result;
  }

  append(data: WriteInput, options: Omit<WriteOptions, 'mode'> = {}): Promise<WriteResult> {
    return this.write(data, { ...options, mode: 'append' });
  }

  overwrite(data: WriteInput, options: Omit<WriteOptions, 'mode'> = {}): Promise<WriteResult> {
    return this.write(data, { ...options, mode: 'overwrite' });
  }

  /** Restore the table's data to a version or timestamp, as a new commit. */
  async restore(target: TimeTravel, options: CommitOptions = {}): Promise<RestoreResult> {
    if (target.version === undefined && target.timestamp === undefined) {
      throw new InvalidArgumentError('restore needs the version or the timestamp to restore to');
    }
    const latest = await this.refresh();
    const snap = await this.snapshotAt(target);
    const result = await restoreTable(latest, snap, {
      ...options,
      timestamp: target.timestamp !== undefined ? new Date(toEpochMillis(target.timestamp)).toISOString() : undefined,
    });
    this.current = result.snapshot;
    return result;
  }

  /**
   * DELETE: remove the rows matching `predicate` (builder or SQL text; every row when absent).
   * Uses deletion vectors when the table enables them, else rewrites the files that hold
   * matching rows. Commits nothing when no row matches.
   */
  async delete(predicate?: Expression | string, options: DeleteOptions = {}): Promise<DeleteResult> {
    const result = await deleteRows(await this.refresh(), predicate, options);
    if (result.snapshot.version >= this.current.version) this.current = result.snapshot;
    return result;
  }

  /** UPDATE: set columns of the rows matching `spec.where` (every row when absent). */
  async update(spec: UpdateSpec, options: UpdateOptions = {}): Promise<UpdateResult> {
    const result = await updateRows(await this.refresh(), spec, options);
    if (result.snapshot.version >= this.current.version) this.current = result.snapshot;
    return result;
  }

  /**
   * ALTER TABLE SET TBLPROPERTIES: e.g. `{ 'delta.enableDeletionVectors': 'true' }` (upgrades
   * the protocol to reader 3 / writer 7 with deletionVectors) or
   * `{ 'delta.enableChangeDataFeed': 'true' }`. Known delta.* values are validated and unknown
   * delta.* keys refused; other keys are free-form.
   */
  async setProperties(properties: Record<string, string>, options: CommitOptions = {}): Promise<Snapshot> {
    const outcome = await setTableProperties(await this.refresh(), properties, options);
    this.current = outcome.snapshot;
    return outcome.snapshot;
  }

  /** ALTER TABLE UNSET TBLPROPERTIES [IF EXISTS] (`ifExists`); the protocol never goes down. */
  async unsetProperties(keys: readonly string[], options: UnsetPropertiesOptions = {}): Promise<UnsetPropertiesResult> {
    const result = await unsetTableProperties(await this.refresh(), keys, options);
    this.current = result.snapshot;
    return result;
  }

  /** The CHECK constraints of the held snapshot: name -> SQL expression. */
  constraints(): Record<string, string> {
    return checkConstraintsOf(this.current);
  }

  /**
   * ALTER TABLE ADD CONSTRAINT: add CHECK constraint `name` (stored in lower case) once every
   * existing row satisfies `expression`; upgrades the protocol (checkConstraints) if needed.
   * Throws ConstraintViolationError, committing nothing, when some rows do not.
   */
  async addConstraint(name: string, expression: string, options: AddConstraintOptions = {}): Promise<ConstraintResult> {
    const result = await addConstraint(await this.refresh(), name, expression, options);
    this.current = result.snapshot;
    return result;
  }

  /** ALTER TABLE DROP CONSTRAINT [IF EXISTS] (`ifExists`): remove CHECK constraint `name` (any case). */
  async dropConstraint(name: string, options: DropConstraintOptions = {}): Promise<ConstraintResult> {
    const result = await dropConstraint(await this.refresh(), name, options);
    this.current = result.snapshot;
    return result;
  }

  /** OPTIMIZE: compact small files (bin-packing, or Z-order with `zOrderBy`) in one commit. */
  async optimize(options: OptimizeOptions = {}): Promise<OptimizeResult> {
    const result = await optimize(await this.refresh(), options);
    if (result.snapshot.version >= this.current.version) this.current = result.snapshot;
    return result;
  }

  /** VACUUM: delete data files no version inside the retention window references. */
  async vacuum(options: VacuumOptions = {}): Promise<VacuumResult> {
    const result = await vacuum(await this.refresh(), options);
    await this.refresh();
    return result;
  }

  /** Write a checkpoint of the latest version now. */
  async checkpoint(): Promise<CheckpointWriteResult> {
    const latest = await this.refresh();
    if (hasWriterFeature(latest.protocol, 'v2Checkpoint')) {
      throw new UnsupportedFeatureError(
        'v2Checkpoint',
        'this table requires v2 checkpoints, which delta-serverless does not write yet',
      );
    }
    return writeCheckpoint(this.engine, (await latest.loadFiles()).state);
  }

  /** Delete log files older than delta.logRetentionDuration that no version inside it needs. */
  async cleanupLogs(options: { now?: number } = {}): Promise<{ deleted: string[] }> {
    const latest = await this.refresh();
    return cleanupExpiredLogs(this.engine, (await latest.loadFiles()).state, options);
  }

  /** Commit history, newest first. */
  async history(options: { limit?: number } = {}): Promise<HistoryEntry[]> {
    return readHistory(this.store, this.current, options.limit);
  }
}

/** Change feed rows as Arrow record batches. */
export class ChangeFeed implements AsyncIterable<arrow.RecordBatch> {
  constructor(
    private readonly snapshot: () => Promise<Snapshot>,
    private readonly options: ChangeFeedOptions,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<arrow.RecordBatch> {
    yield* readChangeFeed(await this.snapshot(), this.options);
  }

  async toArrow(): Promise<arrow.Table> {
    const batches: arrow.RecordBatch[] = [];
    for await (const b of this) batches.push(b);
    return new arrow.Table(batches);
  }
}

/**
 * Write to the table at `uri`, creating it on first write (like delta-rs write_deltalake).
 * Concurrent first writers race safely: one creates the table, the others append when
 * the created layout fits their data.
 */
export async function writeDeltaTable(
  uri: string | ObjectStore,
  data: WriteInput,
  options: WriteOptions & TableLocationOptions = {},
): Promise<WriteResult> {
  const engine = engineFor(uri, options);
  return writeTable(engine, await tryLoadSnapshot(engine), data, options);
}

/**
 * CONVERT TO DELTA: make the Parquet files under `uri` (Hive-partitioned `k=v/` or not) a
 * Delta table in place, without rewriting them (like delta-rs convert_to_deltalake).
 */
export async function convertToDelta(
  uri: string | ObjectStore,
  options: ConvertOptions & TableLocationOptions = {},
): Promise<ConvertResult> {
  return convertParquetDirectory(engineFor(uri, options), options);
}
