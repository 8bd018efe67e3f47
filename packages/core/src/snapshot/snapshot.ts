/**
 * An immutable view of a table at one version: protocol, metadata, schema and the set of
 * active files. Cheap accessors only; all I/O happened when it was loaded.
 */
import type { AddFile, FileStats, Metadata, Protocol, RemoveFile, Txn } from '../protocol/actions.js';
import { columnMappingMode, inCommitTimestampsEnabled, type ColumnMappingMode } from '../protocol/features.js';
import { parseSchemaString, type StructType } from '../protocol/schema.js';
import { parseStatsJson } from '../protocol/stats-json.js';
import type { LoadedCommit } from '../log/load.js';
import type { TableState } from '../log/replay.js';
import type { Engine } from '../engine/engine.js';
import type { ObjectStore } from '../storage/object-store.js';

export class Snapshot {
  private schemaCache?: StructType;
  private filesCache?: AddFile[];

  constructor(
    /** The engine the table was loaded with: its store, Parquet handler, clock and ids. */
    readonly engine: Engine,
    /** @internal */ readonly state: TableState,
    /** Commit of this version (file time and commitInfo), when it was read. */
    private readonly lastCommit: LoadedCommit | undefined,
  ) {}

  get store(): ObjectStore {
    return this.engine.store;
  }
  get uri(): string {
    return this.engine.store.root;
  }
  get version(): number {
    return this.state.version;
  }
  get protocol(): Protocol {
    return this.state.protocol!;
  }
  get metadata(): Metadata {
    return this.state.metadata!;
  }
  get tableId(): string {
    return this.metadata.id;
  }
  get properties(): Readonly<Record<string, string>> {
    return this.metadata.configuration;
  }
  get partitionColumns(): readonly string[] {
    return this.metadata.partitionColumns;
  }
  get schema(): StructType {
    return (this.schemaCache ??= parseSchemaString(this.metadata.schemaString));
  }
  get columnMapping(): ColumnMappingMode {
    return columnMappingMode(this.metadata);
  }

  /**
   * Commit timestamp of this version in ms: the in-commit timestamp when the table has
   * them enabled, else the commit file's modification time (undefined when only a
   * checkpoint is left for this version).
   */
  get timestamp(): number | undefined {
    const ci = this.lastCommit?.commitInfo;
    if (inCommitTimestampsEnabled(this.metadata) && typeof ci?.inCommitTimestamp === 'number')
      return ci.inCommitTimestamp;
    return this.lastCommit?.lastModified;
  }

  /** Active data files. */
  files(): readonly AddFile[] {
    return (this.filesCache ??= [...this.state.files.values()]);
  }

  get numFiles(): number {
    return this.state.files.size;
  }

  /** Removed files (tombstones) still in the log's memory. */
  tombstones(): RemoveFile[] {
    return [...this.state.tombstones.values()];
  }

  /** Parsed statistics of an active file (JSON `stats` or checkpoint `stats_parsed`). */
  fileStats(add: AddFile): FileStats | undefined {
    const parsed = this.state.parsedStats.get(add);
    if (parsed) return parsed;
    if (!add.stats) return undefined;
    const stats = parseStatsJson(add.stats); // undefined when unparsable: only skipping is lost
    if (stats) this.state.parsedStats.set(add, stats);
    return stats;
  }

  /** Latest txn version recorded for an application id. */
  txn(appId: string): Txn | undefined {
    return this.state.txns.get(appId);
  }

  domainMetadata(domain: string): string | undefined {
    return this.state.domains.get(domain)?.configuration;
  }

  /** Total size in bytes of the active files. */
  get sizeInBytes(): number {
    return this.state.filesSizeBytes;
  }
}
