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

export function dvId(dv: DeletionVectorDescriptor | null | undefined): string {
  if (!dv) return '';
  return `${dv.storageType}${dv.pathOrInlineDv}${dv.offset !== undefined && dv.offset !== null ? `@${dv.offset}` : ''}`;
}

/** Identity of a logical file: canonical path + DV id. */
export function fileKey(path: string, dv: DeletionVectorDescriptor | null | undefined): string {
  return `${canonicalLogPath(path)}\u0000${dvId(dv)}`;
}

export class TableState {
  version = -1;
  protocol?: Protocol;
  metadata?: Metadata;
  /** Version of the newest metaData action (a schema change resets some conflict rules). */
  metadataVersion = -1;
  readonly files = new Map<string, AddFile>();
  readonly tombstones = new Map<string, RemoveFile>();
  readonly txns = new Map<string, Txn>();
  readonly domains = new Map<string, DomainMetadata>();
  /**
   * In-commit timestamp of the commit at `version` (undefined when it has none, or only a
   * checkpoint of it was applied): the next commit's must be later (PROTOCOL.md).
   */
  inCommitTimestamp: number | undefined;
  /** Stats from checkpoint `stats_parsed` columns, for adds without a JSON `stats` string. */
  readonly parsedStats = new WeakMap<AddFile, FileStats>();

  clone(): TableState {
    const s = new TableState();
    s.version = this.version;
    s.protocol = this.protocol;
    s.metadata = this.metadata;
    s.metadataVersion = this.metadataVersion;
    s.inCommitTimestamp = this.inCommitTimestamp;
    for (const [k, v] of this.files) {
      s.files.set(k, v);
      const p = this.parsedStats.get(v);
      if (p) s.parsedStats.set(v, p);
    }
    for (const [k, v] of this.tombstones) s.tombstones.set(k, v);
    for (const [k, v] of this.txns) s.txns.set(k, v);
    for (const [k, v] of this.domains) s.domains.set(k, v);
    return s;
  }

  /** Apply the actions of one commit (or a whole checkpoint) as version `version`. */
  apply(version: number, actions: readonly Action[]): void {
    let ict: number | undefined;
    for (const a of actions) {
      if (a.add) {
        const add = a.add;
        if (typeof add.path !== 'string') throw new CorruptLogError(`add action without a path at version ${version}`);
        const key = fileKey(add.path, add.deletionVector);
        this.files.set(key, add);
        this.tombstones.delete(key);
      } else if (a.remove) {
        const rm = a.remove;
        if (typeof rm.path !== 'string')
          throw new CorruptLogError(`remove action without a path at version ${version}`);
        const key = fileKey(rm.path, rm.deletionVector);
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
