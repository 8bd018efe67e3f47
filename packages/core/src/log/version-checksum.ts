/**
 * Version checksum files (`_delta_log/N.crc`, PROTOCOL.md "Version Checksum File"): the state
 * of the table at version N in one small JSON object — table size, file count, protocol,
 * metadata, app transactions and domain metadata — which Delta Spark writes after every
 * commit and delta-rs and the kernels validate when present. Written best effort: a commit
 * never fails because its checksum could not be written. The checksum of a state is built in
 * table-head.ts (`checksumOfHead`).
 */
import type { DomainMetadata, Metadata, Protocol, Txn } from '../protocol/actions.js';
import type { ObjectStore } from '../storage/object-store.js';
import { LOG_DIR, versionPrefix } from './file-names.js';

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

/** A checksum as read: other writers may leave out app transactions and domain metadata. */
export type ParsedVersionChecksum = Omit<VersionChecksum, 'setTransactions' | 'domainMetadata'> & {
  setTransactions?: Txn[];
  domainMetadata?: DomainMetadata[];
};

export function versionChecksumPath(version: number): string {
  return `${LOG_DIR}/${versionPrefix(version)}.crc`;
}

/** Write `N.crc`; errors are returned, never thrown (the commit already landed). */
export async function writeVersionChecksum(
  store: ObjectStore,
  version: number,
  checksum: VersionChecksum,
): Promise<Error | undefined> {
  try {
    await store.put(versionChecksumPath(version), new TextEncoder().encode(JSON.stringify(checksum)));
    return undefined;
  } catch (err) {
    return err as Error;
  }
}
