/**
 * Action reconciliation (PROTOCOL.md "Action Reconciliation"): the latest protocol and
 * metadata win, a file is identified by its canonical path plus deletion-vector id, a
 * remove cancels the add with the same identity, txn versions are kept per appId and
 * domain metadata per domain.
 */
import { CorruptLogError } from '../errors.js';
import type {
  Action,
  AddFile,
  DeletionVectorDescriptor,
  DomainMetadata,
  FileStats,
  Metadata,
  Protocol,
  RemoveFile,
  Txn,
} from '../protocol/actions.js';
import { canonicalLogPath } from '../protocol/paths.js';
import { OverlayMap, type MapBase } from './overlay-map.js';

export function dvId(dv: DeletionVectorDescriptor | null | undefined): string {
  if (!dv) return '';
  return `${dv.storageType}${dv.pathOrInlineDv}${dv.offset !== undefined && dv.offset !== null ? `@${dv.offset}` : ''}`;
}

/**
 * Identity of a logical file: canonical path + DV id. Without a DV the key is the canonical
 * path itself (no second copy of every path in the file map); paths never hold a NUL, so
 * keys with a DV (`path NUL dv`) cannot collide with them.
 */
export function fileKey(path: string, dv: DeletionVectorDescriptor | null | undefined): string {
  const canonical = canonicalLogPath(path);
  return dv ? `${canonical}\u0000${dvId(dv)}` : canonical;
}

/**
 * The reconciled state of a table at one version. Its maps are overlays over shared bases:
 * `clone()` costs the changes since the last fold, not the table's size, and a clone never
 * changes what the original holds (a snapshot keeps seeing its own files).
 */
export class TableState {
  version = -1;
  protocol?: Protocol;
  metadata?: Metadata;
  /** Version of the newest metaData action (a schema change resets some conflict rules). */
  metadataVersion = -1;
  readonly files: OverlayMap<string, AddFile>;
  readonly tombstones: OverlayMap<string, RemoveFile>;
  readonly txns: OverlayMap<string, Txn>;
  readonly domains: OverlayMap<string, DomainMetadata>;
  /** Sum of the active files' `size`, kept as actions are applied. */
  filesSizeBytes = 0;
  /**
   * In-commit timestamp of the commit at `version` (undefined when it has none, or only a
   * checkpoint of it was applied): the next commit's must be later (PROTOCOL.md).
   */
  inCommitTimestamp: number | undefined;
  /**
   * Stats from checkpoint `stats_parsed` columns (and parsed JSON stats, cached), by add
   * object: shared between clones, since an add's stats never change.
   */
  readonly parsedStats: WeakMap<AddFile, FileStats>;

  /**
   * `from`: the state to continue (its maps forked). `files`: a base for a new state's file map
   * (a checkpoint's adds in columns, log/file-rows-map.ts), never mutated, whose typed stats
   * go to `parsedStats`.
   */
  constructor(from?: TableState, files?: MapBase<string, AddFile>, parsedStats?: WeakMap<AddFile, FileStats>) {
    this.files = from ? from.files.fork() : files ? OverlayMap.over(files) : new OverlayMap();
    this.tombstones = from ? from.tombstones.fork() : new OverlayMap();
    this.txns = from ? from.txns.fork() : new OverlayMap();
    this.domains = from ? from.domains.fork() : new OverlayMap();
    this.parsedStats = from ? from.parsedStats : (parsedStats ?? new WeakMap());
    if (!from) return;
    this.version = from.version;
    this.protocol = from.protocol;
    this.metadata = from.metadata;
    this.metadataVersion = from.metadataVersion;
    this.inCommitTimestamp = from.inCommitTimestamp;
    this.filesSizeBytes = from.filesSizeBytes;
  }

  /** A state to apply further commits to; O(changes since the last fold), never O(files). */
  clone(): TableState {
    return new TableState(this);
  }

  /** Apply the actions of one commit (or a whole checkpoint) as version `version`. */
  apply(version: number, actions: readonly Action[]): void {
    let ict: number | undefined;
    for (const a of actions) {
      if (a.add) {
        const add = a.add;
        if (typeof add.path !== 'string') throw new CorruptLogError(`add action without a path at version ${version}`);
        const key = fileKey(add.path, add.deletionVector);
        const old = this.files.get(key);
        if (old) this.filesSizeBytes -= Number(old.size) || 0;
        this.filesSizeBytes += Number(add.size) || 0;
        this.files.set(key, add);
        this.tombstones.delete(key);
      } else if (a.remove) {
        const rm = a.remove;
        if (typeof rm.path !== 'string')
          throw new CorruptLogError(`remove action without a path at version ${version}`);
        const key = fileKey(rm.path, rm.deletionVector);
        const old = this.files.get(key);
        if (old) this.filesSizeBytes -= Number(old.size) || 0;
        this.files.delete(key);
        this.tombstones.set(key, rm);
      } else if (a.metaData) {
        this.metadata = normaliseMetadata(a.metaData);
        this.metadataVersion = version;
      } else if (a.protocol) {
        this.protocol = a.protocol;
      } else if (a.txn) {
        this.txns.set(a.txn.appId, a.txn);
      } else if (a.domainMetadata) {
        if (a.domainMetadata.removed) this.domains.delete(a.domainMetadata.domain);
        else this.domains.set(a.domainMetadata.domain, a.domainMetadata);
      } else if (a.commitInfo && typeof a.commitInfo.inCommitTimestamp === 'number') {
        ict = a.commitInfo.inCommitTimestamp;
      }
    }
    this.version = version;
    this.inCommitTimestamp = ict;
  }
}

/** Metadata with the optional fields a reader fills in (partition columns, configuration, format). */
export function normaliseMetadata(m: Metadata): Metadata {
  return {
    ...m,
    partitionColumns: m.partitionColumns ?? [],
    configuration: m.configuration ?? {},
    format: m.format ?? { provider: 'parquet', options: {} },
  };
}
