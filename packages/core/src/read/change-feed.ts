/**
 * Change data feed (`table_changes`): the row-level changes of versions [start, end].
 * A commit with `cdc` actions is read from its change-data files; otherwise changes are
 * derived from its data-changing adds (inserts) and removes (deletes), and an add/remove
 * pair of one file with different deletion vectors yields exactly the rows whose deletion
 * state changed. Every row gets `_change_type`, `_commit_version` and `_commit_timestamp`.
 */
import * as arrow from 'apache-arrow';
import { constantData } from '../arrow/constant.js';
import { InvalidArgumentError, UnsupportedFeatureError } from '../errors.js';
import { loadDeletionVector, storeDvReader, DeletedRows } from '../protocol/deletion-vectors/index.js';
import type { Action, AddFile, DeletionVectorDescriptor, Metadata, RemoveFile } from '../protocol/actions.js';
import { deltaFieldToArrow } from '../protocol/arrow-schema.js';
import { columnMappingMode } from '../protocol/features.js';
import { canonicalLogPath } from '../protocol/paths.js';
import { parseSchemaString, type StructField } from '../protocol/schema.js';
import { readCommit } from '../log/load.js';
import { listLogFiles, type CommitFile } from '../log/segment.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { ObjectStore } from '../storage/object-store.js';
import { mapLimit } from '../util/concurrency.js';
import { parsePartitionValues, type TableColumns } from './file-stats.js';
import {
  streamDataFile,
  type FileScanContext,
  type FileScanMetrics,
  type RowSelector,
  type ScanFileTask,
} from './file-scan.js';

export interface ChangeFeedOptions {
  startVersion: number;
  /** Inclusive; default: the latest version. */
  endVersion?: number;
  columns?: readonly string[];
  batchSize?: number;
}

export const CHANGE_TYPE = '_change_type';
export const COMMIT_VERSION = '_commit_version';
export const COMMIT_TIMESTAMP = '_commit_timestamp';

/** Keep only the listed rows (sorted, unique). */
class OnlyRows implements RowSelector {
  constructor(private readonly rows: DeletedRows) {}
  keepMask(start: number, length: number): Uint8Array | null {
    const mask = new Uint8Array(length);
    const inverted = this.rows.keepMask(start, length);
    if (inverted) for (let i = 0; i < length; i++) mask[i] = 1 - inverted[i]!;
    return mask;
  }
}

function difference(a: DeletedRows, b: DeletedRows): DeletedRows {
  return DeletedRows.fromSortedUnique(a.rows.filter((r) => !b.has(r)));
}

async function dvRows(
  store: ObjectStore,
  dv: DeletionVectorDescriptor | null | undefined,
  path: string,
): Promise<DeletedRows> {
  return dv ? loadDeletionVector(dv, storeDvReader(store), { dataFile: path }) : DeletedRows.EMPTY;
}

interface VersionChanges {
  version: number;
  timestamp: number;
  tasks: ScanFileTask[];
}

/** Read the change feed as Arrow record batches. */
export async function* readChangeFeed(latest: Snapshot, options: ChangeFeedOptions): AsyncGenerator<arrow.RecordBatch> {
  const store = latest.store;
  const end = options.endVersion ?? latest.version;
  if (!Number.isInteger(options.startVersion) || options.startVersion < 0 || end < options.startVersion) {
    throw new InvalidArgumentError(`invalid change feed range [${options.startVersion}, ${end}]`);
  }
  if (end > latest.version)
    throw new InvalidArgumentError(`endVersion ${end} is after the latest version ${latest.version}`);
  const commits = (await listLogFiles(store, options.startVersion)).filter(
    (f): f is CommitFile => f.kind === 'commit' && f.version <= end,
  );
  commits.sort((a, b) => a.version - b.version);
  if (commits[0]?.version !== options.startVersion) {
    throw new InvalidArgumentError(
      `commit ${options.startVersion} is not in the log any more (cleaned up); choose a later startVersion`,
    );
  }
  const actions = await mapLimit(commits, 16, (c) => readCommit(store, c));

  const schema = latest.schema;
  const mode = columnMappingMode(latest.metadata);
  const names = options.columns ?? schema.fields.map((f) => f.name);
  const dataFields = names.map((n) => {
    const f = schema.fields.find((x) => x.name === n);
    if (!f) throw new InvalidArgumentError(`column "${n}" is not in the table`);
    return f;
  });
  const changeType: StructField = { name: CHANGE_TYPE, type: { type: 'string' }, nullable: false, metadata: {} };
  const readFields = [...dataFields, changeType];
  const outSchema = new arrow.Schema([
    ...readFields.map((f) => deltaFieldToArrow(f)),
    new arrow.Field(COMMIT_VERSION, new arrow.Int64(), false),
    new arrow.Field(COMMIT_TIMESTAMP, new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, 'UTC'), false),
  ]);
  const cols = { schema, mode, partitionColumns: new Set(latest.partitionColumns) };
  const ctx: FileScanContext = {
    engine: latest.engine,
    mode,
    readFields,
    outputSchema: new arrow.Schema(readFields.map((f) => deltaFieldToArrow(f))),
    batchSize: options.batchSize ?? 65_536,
    tableSchema: schema,
  };
  const metrics: FileScanMetrics = { rowGroupsRead: 0, rowGroupsSkipped: 0, rowsRead: 0, rowsDeleted: 0, bytesRead: 0 };

  let metadata: Metadata | undefined = latest.metadata;
  for (let i = 0; i < commits.length; i++) {
    const acts = actions[i]!;
    metadata = acts.find((a) => a.metaData)?.metaData ?? metadata;
    const changes = await planVersion(store, commits[i]!, acts, cols);
    if (changes.tasks.length > 0 && metadata?.configuration['delta.enableChangeDataFeed'] !== 'true') {
      throw new UnsupportedFeatureError(
        'changeDataFeed',
        `change data feed is not enabled at version ${commits[i]!.version} (set delta.enableChangeDataFeed=true on the table before the changes you want to read)`,
      );
    }
    if (metadata && parseSchemaString(metadata.schemaString).fields.length === 0) continue;
    for (const task of changes.tasks) {
      for await (const b of streamDataFile(ctx, task, metrics)) {
        const n = b.numRows;
        const children = [
          ...b.data.children,
          constantData(new arrow.Int64(), BigInt(changes.version), n),
          constantData(new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, 'UTC'), BigInt(changes.timestamp) * 1000n, n),
        ];
        yield new arrow.RecordBatch(
          outSchema,
          arrow.makeData({ type: new arrow.Struct(outSchema.fields), length: n, nullCount: 0, children }),
        );
      }
    }
  }
}

async function planVersion(
  store: ObjectStore,
  commit: CommitFile,
  acts: readonly Action[],
  cols: TableColumns,
): Promise<VersionChanges> {
  const info = acts.find((a) => a.commitInfo)?.commitInfo;
  const timestamp = typeof info?.inCommitTimestamp === 'number' ? info.inCommitTimestamp : commit.lastModified;
  const version = commit.version;
  const cdc = acts.filter((a) => a.cdc).map((a) => a.cdc!);
  if (cdc.length > 0) {
    // Change-data files carry _change_type themselves.
    return {
      version,
      timestamp,
      tasks: cdc.map((c) => ({
        add: { path: c.path, size: c.size },
        partitionValues: parsePartitionValues(cols, c.partitionValues),
      })),
    };
  }
  const adds = acts.filter((a) => a.add?.dataChange).map((a) => a.add!);
  const removes = acts.filter((a) => a.remove?.dataChange).map((a) => a.remove!);
  const removedByPath = new Map<string, RemoveFile>();
  for (const r of removes) removedByPath.set(canonicalLogPath(r.path), r);
  const tasks: ScanFileTask[] = [];
  const withType = (pv: Record<string, string | null> | null | undefined, type: string) => {
    const m = parsePartitionValues(cols, pv ?? {});
    m.set(CHANGE_TYPE, type);
    return m;
  };
  const paired = new Set<string>();
  for (const add of adds) {
    const key = canonicalLogPath(add.path);
    const rm = removedByPath.get(key);
    if (rm) {
      // Same file, new deletion vector: rows newly deleted, and rows brought back.
      paired.add(key);
      const [before, after] = await Promise.all([
        dvRows(store, rm.deletionVector, rm.path),
        dvRows(store, add.deletionVector, add.path),
      ]);
      const deleted = difference(after, before);
      const restored = difference(before, after);
      if (deleted.cardinality > 0)
        tasks.push({
          add: fileRef(add),
          partitionValues: withType(add.partitionValues, 'delete'),
          selector: new OnlyRows(deleted),
        });
      if (restored.cardinality > 0)
        tasks.push({
          add: fileRef(add),
          partitionValues: withType(add.partitionValues, 'insert'),
          selector: new OnlyRows(restored),
        });
      continue;
    }
    tasks.push({ add: add, partitionValues: withType(add.partitionValues, 'insert') });
  }
  for (const rm of removes) {
    if (paired.has(canonicalLogPath(rm.path))) continue;
    tasks.push({
      add: { path: rm.path, size: Number(rm.size ?? 0), deletionVector: rm.deletionVector },
      partitionValues: withType(rm.partitionValues, 'delete'),
    });
  }
  return { version, timestamp, tasks };
}

function fileRef(add: AddFile): ScanFileTask['add'] {
  return { path: add.path, size: add.size };
}
