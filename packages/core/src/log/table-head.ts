/**
 * The head of a table at one version: what a writer needs to commit on it without its file
 * list — protocol, metadata, app transactions, domain metadata, the in-commit timestamp and,
 * when known exactly, the file count and size. Built from a version checksum (`N.crc`) that
 * agrees with commit N, moved forward commit by commit. Pure: no I/O.
 */
import type { Action, DomainMetadata, Metadata, Protocol, Txn } from '../protocol/actions.js';
import { inCommitTimestampsEnabled } from '../protocol/features.js';
import { normaliseMetadata, type TableState } from './replay.js';
import type { ParsedVersionChecksum, VersionChecksum } from './version-checksum.js';

export interface TableCounts {
  numFiles: number;
  tableSizeBytes: number;
}

export interface TableHead {
  version: number;
  protocol: Protocol;
  metadata: Metadata;
  txns: ReadonlyMap<string, Txn>;
  domains: ReadonlyMap<string, DomainMetadata>;
  /** In-commit timestamp of the commit at `version` (undefined when it has none). */
  inCommitTimestamp: number | undefined;
  /** Active files and their total size, when known exactly without the file list. */
  counts?: TableCounts;
}

/** JSON text with object keys sorted: equal for equal values whatever the key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Two protocols are the same: versions and feature sets (feature order does not matter). */
export function sameProtocol(a: Protocol, b: Protocol): boolean {
  const set = (f: readonly string[] | undefined) => canonicalJson([...(f ?? [])].sort());
  return (
    a.minReaderVersion === b.minReaderVersion &&
    a.minWriterVersion === b.minWriterVersion &&
    set(a.readerFeatures) === set(b.readerFeatures) &&
    set(a.writerFeatures) === set(b.writerFeatures)
  );
}

export const sameMetadata = (a: Metadata, b: Metadata): boolean =>
  canonicalJson(normaliseMetadata(a)) === canonicalJson(normaliseMetadata(b));

const validTxn = (t: Txn): boolean =>
  typeof t === 'object' && t !== null && typeof t.appId === 'string' && Number.isSafeInteger(t.version);

const validDomain = (d: DomainMetadata): boolean =>
  typeof d === 'object' && d !== null && typeof d.domain === 'string' && typeof d.configuration === 'string';

/** Commit N's actions contradict checksum N (or name another transaction): it is not the state after them. */
function contradicts(crc: ParsedVersionChecksum, head: TableHead, commit: readonly Action[]): boolean {
  for (const a of commit) {
    if (a.protocol && !sameProtocol(a.protocol, head.protocol)) return true;
    if (a.metaData && !sameMetadata(a.metaData, head.metadata)) return true;
    if (a.txn && head.txns.get(a.txn.appId)?.version !== a.txn.version) return true;
    const d = a.domainMetadata;
    if (d && (d.removed ? head.domains.has(d.domain) : head.domains.get(d.domain)?.configuration !== d.configuration))
      return true;
    const ci = a.commitInfo;
    if (ci && crc.txnId !== undefined && ci.txnId !== undefined && ci.txnId !== crc.txnId) return true;
    if (ci && typeof ci.inCommitTimestamp === 'number') {
      if (crc.inCommitTimestampOpt !== undefined && crc.inCommitTimestampOpt !== ci.inCommitTimestamp) return true;
    }
  }
  return false;
}

/**
 * The head at `version` from its checksum, checked against commit `version`'s actions; undefined
 * when the checksum cannot stand in for replaying the log: it lacks app transactions or domain
 * metadata (older Delta Spark), an entry is malformed, it disagrees with the commit, or the
 * table has in-commit timestamps and neither gives this version's.
 */
export function headFromChecksum(
  version: number,
  crc: ParsedVersionChecksum,
  commit: readonly Action[],
): TableHead | undefined {
  if (!crc.setTransactions || !crc.domainMetadata) return undefined;
  if (!crc.setTransactions.every(validTxn) || !crc.domainMetadata.every(validDomain)) return undefined;
  const ict = commit.find((a) => a.commitInfo)?.commitInfo?.inCommitTimestamp;
  const head: TableHead = {
    version,
    protocol: crc.protocol,
    metadata: normaliseMetadata(crc.metadata),
    txns: new Map(crc.setTransactions.map((t) => [t.appId, t])),
    domains: new Map(crc.domainMetadata.filter((d) => !d.removed).map((d) => [d.domain, d])),
    inCommitTimestamp: typeof ict === 'number' ? ict : crc.inCommitTimestampOpt,
    counts: { numFiles: crc.numFiles, tableSizeBytes: crc.tableSizeBytes },
  };
  if (contradicts(crc, head, commit)) return undefined;
  if (inCommitTimestampsEnabled(head.metadata) && head.inCommitTimestamp === undefined) return undefined;
  return head;
}

/** A checksum says what `head` says: protocol, metadata, app transactions and domain metadata. */
export function checksumAgrees(crc: ParsedVersionChecksum, head: TableHead): boolean {
  if (!crc.setTransactions || !crc.domainMetadata) return false;
  if (!sameProtocol(crc.protocol, head.protocol) || !sameMetadata(crc.metadata, head.metadata)) return false;
  const txns = new Map(crc.setTransactions.map((t) => [t.appId, t.version]));
  if (txns.size !== head.txns.size || [...head.txns.values()].some((t) => txns.get(t.appId) !== t.version))
    return false;
  const domains = new Map(crc.domainMetadata.filter((d) => !d.removed).map((d) => [d.domain, d.configuration]));
  return (
    domains.size === head.domains.size &&
    [...head.domains.values()].every((d) => domains.get(d.domain) === d.configuration)
  );
}

/** The head of a fully loaded state. */
export function headOfState(state: TableState): TableHead {
  const tableSizeBytes = state.filesSizeBytes; // kept as actions are applied: O(1), not O(files)
  return {
    version: state.version,
    protocol: state.protocol!,
    metadata: state.metadata!,
    txns: state.txns,
    domains: state.domains,
    inCommitTimestamp: state.inCommitTimestamp,
    counts: { numFiles: state.files.size, tableSizeBytes },
  };
}

/**
 * The head after commit `version` (PROTOCOL.md "Action Reconciliation", as TableState.apply):
 * the newest protocol and metadata win, txns per appId, domain metadata per domain. File counts
 * stay exact only through a commit whose adds are files just written (`freshAdds`: our own
 * commit, so no add replaces an active file) and which removes nothing; otherwise they become
 * unknown.
 */
export function advanceHead(
  head: TableHead,
  version: number,
  actions: readonly Action[],
  freshAdds: boolean,
): TableHead {
  const next: TableHead = { ...head, version, inCommitTimestamp: undefined };
  let txns: Map<string, Txn> | undefined;
  let domains: Map<string, DomainMetadata> | undefined;
  let counts = freshAdds ? head.counts : undefined;
  for (const a of actions) {
    if (a.add && counts) {
      counts = { numFiles: counts.numFiles + 1, tableSizeBytes: counts.tableSizeBytes + (Number(a.add.size) || 0) };
    } else if (a.remove) {
      counts = undefined;
    } else if (a.metaData) {
      next.metadata = normaliseMetadata(a.metaData);
    } else if (a.protocol) {
      next.protocol = a.protocol;
    } else if (a.txn) {
      (txns ??= new Map(head.txns)).set(a.txn.appId, a.txn);
    } else if (a.domainMetadata) {
      domains ??= new Map(head.domains);
      if (a.domainMetadata.removed) domains.delete(a.domainMetadata.domain);
      else domains.set(a.domainMetadata.domain, a.domainMetadata);
    } else if (a.commitInfo && typeof a.commitInfo.inCommitTimestamp === 'number') {
      next.inCommitTimestamp = a.commitInfo.inCommitTimestamp;
    }
  }
  if (txns) next.txns = txns;
  if (domains) next.domains = domains;
  next.counts = counts;
  return next;
}

/** The checksum of `head`, or undefined when its file counts are not known. */
export function checksumOfHead(head: TableHead, txnId?: string): VersionChecksum | undefined {
  if (!head.counts) return undefined;
  return {
    ...(txnId ? { txnId } : {}),
    tableSizeBytes: head.counts.tableSizeBytes,
    numFiles: head.counts.numFiles,
    numMetadata: 1,
    numProtocol: 1,
    ...(head.inCommitTimestamp !== undefined ? { inCommitTimestampOpt: head.inCommitTimestamp } : {}),
    setTransactions: [...head.txns.values()],
    domainMetadata: [...head.domains.values()],
    metadata: head.metadata,
    protocol: head.protocol,
  };
}
