/**
 * Protocol versions and table features: what this engine can read, and the checks that
 * refuse a table it cannot read correctly (naming the feature, per the protocol's rule).
 */
import { UnsupportedFeatureError } from '../errors.js';
import type { Metadata, Protocol } from './actions.js';

/** Reader features whose read-side requirements this engine implements. */
export const SUPPORTED_READER_FEATURES: ReadonlySet<string> = new Set([
  'columnMapping',
  'deletionVectors',
  'timestampNtz',
  'v2Checkpoint',
  'vacuumProtocolCheck',
  'typeWidening',
  'typeWidening-preview',
  'variantType',
  'variantType-preview',
]);

export const MAX_READER_VERSION = 3;

/** Throws UnsupportedFeatureError unless every reader requirement of the protocol is met. */
export function assertReadable(protocol: Protocol): void {
  const v = protocol.minReaderVersion;
  if (!Number.isInteger(v) || v < 1 || v > MAX_READER_VERSION) {
    throw new UnsupportedFeatureError(
      `readerVersion ${v}`,
      `unsupported protocol (minReaderVersion=${v}): this engine reads reader versions 1 to ${MAX_READER_VERSION}. ` +
        'Use a newer delta-serverless or an engine that supports this protocol.',
    );
  }
  if (v === 3) {
    for (const f of protocol.readerFeatures ?? []) {
      if (!SUPPORTED_READER_FEATURES.has(f)) {
        throw new UnsupportedFeatureError(
          f,
          `table requires reader feature "${f}", which delta-serverless does not support; ` +
            `supported reader features: ${[...SUPPORTED_READER_FEATURES].join(', ')}`,
        );
      }
    }
  }
}

/** True when the feature is active for readers: listed (v3) or implied by the legacy version. */
export function hasReaderFeature(protocol: Protocol, feature: string): boolean {
  if (protocol.minReaderVersion >= 3) return (protocol.readerFeatures ?? []).includes(feature);
  if (feature === 'columnMapping') return protocol.minReaderVersion >= 2;
  return false;
}

/** Writer-only features that legacy writer versions (2-6) imply, by the version that implies them. */
export const LEGACY_WRITER_VERSION: Readonly<Record<string, number>> = {
  appendOnly: 2,
  invariants: 2,
  checkConstraints: 3,
  changeDataFeed: 4,
  generatedColumns: 4,
  columnMapping: 5,
  identityColumns: 6,
};

/** True when the feature is listed (writer v7) or implied by the legacy writer version. */
export function hasWriterFeature(protocol: Protocol, feature: string): boolean {
  if (protocol.minWriterVersion >= 7) return (protocol.writerFeatures ?? []).includes(feature);
  const needed = LEGACY_WRITER_VERSION[feature];
  return needed !== undefined && protocol.minWriterVersion >= needed;
}

export type ColumnMappingMode = 'none' | 'name' | 'id';

export function columnMappingMode(metadata: Metadata): ColumnMappingMode {
  const mode = metadata.configuration['delta.columnMapping.mode'] ?? 'none';
  if (mode !== 'none' && mode !== 'name' && mode !== 'id') {
    throw new UnsupportedFeatureError('columnMapping', `unknown column mapping mode "${mode}"`);
  }
  return mode;
}

/** In-commit timestamps are enabled on the table (commit time comes from commitInfo). */
export function inCommitTimestampsEnabled(metadata: Metadata): boolean {
  return metadata.configuration['delta.enableInCommitTimestamps'] === 'true';
}
