/**
 * Version checksum files (`_delta_log/N.crc`, PROTOCOL.md "Version Checksum File"): the state
 * of the table at version N in one small JSON object — table size, file count, protocol,
 * metadata, app transactions and domain metadata — which Delta Spark writes after every
 * commit and delta-rs and the kernels validate when present. Written best effort: a commit
 * never fails because its checksum could not be written.
 */
import type { DomainMetadata, Metadata, Protocol, Txn } from '../protocol/actions.js';
import type { ObjectStore } from '../storage/object-store.js';
import { LOG_DIR, versionPrefix } from './file-names.js';
import type { TableState } from './replay.js';

export interface VersionChecksum {
  txnId?: string;
  tableSizeBytes: number;
  numFiles: number;
  numMetadata: number;
  numProtocol: number;
  inCommitTimestampOpt?: number;
  setTransactions: Txn[];
  domainMetadata: DomainMetadata[];
  metadata: Metadata;
  protocol: Protocol;
}

export function versionChecksumPath(version: number): string {
  return `${LOG_DIR}/${versionPrefix(version)}.crc`;
}

/** The checksum of `state` (its version's commit must have been applied to it). */
export function versionChecksumOf(state: TableState, txnId?: string): VersionChecksum {
  return {
    ...(txnId ? { txnId } : {}),
    tableSizeBytes: state.filesSizeBytes,
    numFiles: state.files.size,
    numMetadata: 1,
    numProtocol: 1,
    ...(state.inCommitTimestamp !== undefined ? { inCommitTimestampOpt: state.inCommitTimestamp } : {}),
    setTransactions: [...state.txns.values()],
    domainMetadata: [...state.domains.values()],
    metadata: state.metadata!,
    protocol: state.protocol!,
  };
}

/** Write `N.crc` for `state`; errors are returned, never thrown (the commit already landed). */
export async function writeVersionChecksum(
  store: ObjectStore,
  state: TableState,
  txnId?: string,
): Promise<Error | undefined> {
  if (!state.metadata || !state.protocol) return undefined;
  try {
    const body = JSON.stringify(versionChecksumOf(state, txnId));
    await store.put(versionChecksumPath(state.version), new TextEncoder().encode(body));
    return undefined;
  } catch (err) {
    return err as Error;
  }
}
