/**
 * Reading a version checksum (`_delta_log/N.crc`) back, validated cheaply: a missing,
 * unparsable or self-inconsistent file is reported as absent (undefined), never thrown, so a
 * caller falls back to log replay exactly as when no checksum was written (they are best
 * effort: PROTOCOL.md "Version Checksum File"). Snapshot loading takes protocol, metadata and
 * app transactions from it when it also agrees with its commit (table-head.ts, load-head.ts).
 */
import { NotFoundError } from '../errors.js';
import type { Metadata, Protocol } from '../protocol/actions.js';
import type { ObjectStore } from '../storage/object-store.js';
import { versionChecksumPath, type ParsedVersionChecksum } from './version-checksum.js';

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function validProtocol(p: unknown): p is Protocol {
  if (typeof p !== 'object' || p === null) return false;
  const { minReaderVersion: r, minWriterVersion: w } = p as Protocol;
  return Number.isInteger(r) && Number.isInteger(w) && r >= 1 && w >= 1;
}

function validMetadata(m: unknown): m is Metadata {
  if (typeof m !== 'object' || m === null) return false;
  const md = m as Metadata;
  return typeof md.id === 'string' && typeof md.schemaString === 'string' && typeof md.format === 'object';
}

/** The checksum's JSON when it is one a reader may trust for protocol and metadata, else undefined. */
export function parseVersionChecksum(bytes: Uint8Array): ParsedVersionChecksum | undefined {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  // Optional fields a writer may spell as null (absent, as Delta Spark's Option).
  const c = Object.fromEntries(Object.entries(json).filter(([, v]) => v !== null)) as ParsedVersionChecksum;
  if (!isCount(c.tableSizeBytes) || !isCount(c.numFiles)) return undefined;
  if (c.numProtocol !== 1 || c.numMetadata !== 1) return undefined;
  if (!validProtocol(c.protocol) || !validMetadata(c.metadata)) return undefined;
  if (c.setTransactions !== undefined && !Array.isArray(c.setTransactions)) return undefined;
  if (c.domainMetadata !== undefined && !Array.isArray(c.domainMetadata)) return undefined;
  if (c.inCommitTimestampOpt !== undefined && !Number.isSafeInteger(c.inCommitTimestampOpt)) return undefined;
  return c; // app transactions and domain metadata stay absent when the writer left them out
}

/** Read and validate `N.crc`; undefined when it is absent or not trustworthy (callers replay the log). */
export async function readVersionChecksum(
  store: ObjectStore,
  version: number,
): Promise<ParsedVersionChecksum | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(versionChecksumPath(version));
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
  return parseVersionChecksum(bytes);
}
