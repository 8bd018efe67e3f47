/**
 * An immutable view of a table at one version: protocol, metadata, schema and the set of
 * active files. Cheap accessors only; all I/O happened when it was loaded, except for a
 * snapshot loaded from its version checksum without its file list (`lazyFiles`): that one
 * knows its head (table-head.ts) and reads the file list on `loadFiles()`, which every
 * operation that needs files awaits first.
 */
import { FilesNotLoadedError } from '../errors.js';
import type { AddFile, FileStats, Metadata, Protocol, RemoveFile, Txn } from '../protocol/actions.js';
import { columnMappingMode, inCommitTimestampsEnabled, type ColumnMappingMode } from '../protocol/features.js';
import { parseSchemaString, type StructType } from '../protocol/schema.js';
import { parseStatsJson } from '../protocol/stats-json.js';
import { loadState, type LoadedCommit } from '../log/load.js';
import { TableState } from '../log/replay.js';
import type { TableHead } from '../log/table-head.js';
import type { Engine } from '../engine/engine.js';
import type { ObjectStore } from '../storage/object-store.js';

export class Snapshot {
  private schemaCache?: StructType;
  private filesCache?: AddFile[];
  private full: TableState | undefined;
  private loading: Promise<this> | undefined;
  /** @internal What is known without the file list (undefined when the state was loaded whole). */
  readonly head: TableHead | undefined;

  constructor(
    /** The engine the table was loaded with: its store, Parquet handler, clock and ids. */
    readonly engine: Engine,
    /** The whole replayed state, or only the head of this version (files read on `loadFiles()`). */
    source: TableState | TableHead,
    /** Commit of this version (file time and commitInfo), when it was read. */
    private readonly lastCommit: LoadedCommit | undefined,
  ) {
    if (source instanceof TableState) this.full = source;
    else this.head = source;
  }

  /** @internal The replayed state: only once the file list is loaded. */
  get state(): TableState {
    return this.full ?? this.notLoaded('its state');
  }

  /** Whether the file list is in memory (always, unless the table was opened with `lazyFiles`). */
  get filesLoaded(): boolean {
    return this.full !== undefined;
  }

  /**
   * Read the file list when this snapshot was loaded without it (a replay of the log at this
   * version); a no-op otherwise. Resolves to the snapshot itself.
   */
  loadFiles(): Promise<this> {
    if (this.full) return Promise.resolve(this);
    this.loading ??= loadState(this.engine, this.version).then(
      ({ state }) => {
        this.full = state;
        return this;
      },
      (err: unknown) => {
        this.loading = undefined; // a failed read can be retried
        throw err;
      },
    );
    return this.loading;
  }

  private notLoaded(what: string): never {
    throw new FilesNotLoadedError(this.uri, this.version, what);
  }

  private get known(): TableState | TableHead {
    return (this.full ?? this.head)!;
  }

  /** @internal In-commit timestamp of this version's commit (the next commit's must be later). */
  get inCommitTimestamp(): number | undefined {
    return this.known.inCommitTimestamp;
  }

  get store(): ObjectStore {
    return this.engine.store;
  }
  get uri(): string {
    return this.engine.store.root;
  }
  get version(): number {
    return this.known.version;
  }
  get protocol(): Protocol {
    return this.known.protocol!;
  }
  get metadata(): Metadata {
    return this.known.metadata!;
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
    if (inCommitTimestampsEnabled(this.metadata)) {
      if (typeof ci?.inCommitTimestamp === 'number') return ci.inCommitTimestamp;
      if (this.head?.inCommitTimestamp !== undefined) return this.head.inCommitTimestamp;
    }
    return this.lastCommit?.lastModified;
  }

  /**
   * Active data files, as one array this snapshot keeps: O(files) objects on the first call
   * (a checkpoint's files are held in columns and built into objects here). Code that only
   * walks the files uses `activeFiles()`, which builds them a chunk at a time and keeps none.
   */
  files(): readonly AddFile[] {
    return (this.filesCache ??= [...(this.full ?? this.notLoaded('its files')).files.values()]);
  }

  /**
   * Iterate the active data files without keeping them (the array of `files()` when it was
   * already built). Objects of files from a checkpoint are new on every iteration.
   */
  activeFiles(): Iterable<AddFile> {
    return this.filesCache ?? (this.full ?? this.notLoaded('its files')).files.values();
  }

  get numFiles(): number {
    return this.full ? this.full.files.size : (this.head!.counts?.numFiles ?? this.notLoaded('its file count'));
  }

  /** Removed files (tombstones) still in the log's memory. */
  tombstones(): RemoveFile[] {
    return [...(this.full ?? this.notLoaded('its removed files')).tombstones.values()];
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
    return this.known.txns.get(appId);
  }

  domainMetadata(domain: string): string | undefined {
    return this.known.domains.get(domain)?.configuration;
  }

  /** Total size in bytes of the active files. */
  get sizeInBytes(): number {
    if (!this.full) return this.head!.counts?.tableSizeBytes ?? this.notLoaded('its size');
    return this.full.filesSizeBytes;
  }
}
