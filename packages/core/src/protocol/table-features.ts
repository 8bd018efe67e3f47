/**
 * The table features Delta defines (PROTOCOL.md "Table Features", Delta Spark's
 * TableFeature.scala): whether readers need them too, the legacy protocol versions that
 * imply them, and the features each one requires. What this engine can read or write is
 * decided elsewhere (features.ts, writer-features.ts); this is the protocol's own list.
 */

export interface TableFeatureInfo {
  /** A reader-writer feature: listed in readerFeatures as well (reader version 3). */
  readerWriter: boolean;
  /** The legacy (reader, writer) versions that imply the feature, for features older than table features. */
  legacy?: { reader: number; writer: number };
  /** Features that must be supported with it; they are added with it, as Delta Spark does. */
  requires?: readonly string[];
  /** The preview or stable name of the same feature: a table supporting either one satisfies a need for the other. */
  sameAs?: string;
}

const W = (info: Omit<TableFeatureInfo, 'readerWriter'> = {}): TableFeatureInfo => ({ readerWriter: false, ...info });
const RW = (info: Omit<TableFeatureInfo, 'readerWriter'> = {}): TableFeatureInfo => ({ readerWriter: true, ...info });
const legacyWriter = (writer: number) => W({ legacy: { reader: 1, writer } });

export const TABLE_FEATURES: Readonly<Record<string, TableFeatureInfo>> = {
  appendOnly: legacyWriter(2),
  invariants: legacyWriter(2),
  checkConstraints: legacyWriter(3),
  changeDataFeed: legacyWriter(4),
  generatedColumns: legacyWriter(4),
  columnMapping: RW({ legacy: { reader: 2, writer: 5 } }),
  identityColumns: legacyWriter(6),
  deletionVectors: RW(),
  timestampNtz: RW(),
  typeWidening: RW({ sameAs: 'typeWidening-preview' }),
  'typeWidening-preview': RW({ sameAs: 'typeWidening' }),
  variantType: RW({ sameAs: 'variantType-preview' }),
  'variantType-preview': RW({ sameAs: 'variantType' }),
  variantShredding: RW({ requires: ['variantType'] }),
  'variantShredding-preview': RW({ requires: ['variantType'] }),
  v2Checkpoint: RW(),
  vacuumProtocolCheck: RW(),
  domainMetadata: W(),
  rowTracking: W({ requires: ['domainMetadata'] }),
  clustering: W({ requires: ['domainMetadata'] }),
  icebergCompatV1: W({ requires: ['columnMapping'] }),
  icebergCompatV2: W({ requires: ['columnMapping'] }),
  icebergCompatV3: W({ requires: ['columnMapping', 'rowTracking'] }),
  inCommitTimestamp: W(),
  allowColumnDefaults: W(),
  checkpointProtection: W(),
  materializePartitionColumns: W(),
  catalogManaged: RW({ requires: ['inCommitTimestamp', 'vacuumProtocolCheck'] }),
  'coordinatedCommits-preview': W({ requires: ['inCommitTimestamp', 'vacuumProtocolCheck'] }),
  geospatial: RW(),
};

/** True for a feature name Delta defines. */
export function isKnownFeature(name: string): boolean {
  return Object.hasOwn(TABLE_FEATURES, name);
}

/** `names` plus every feature they require, transitively. */
export function withRequiredFeatures(names: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const visit = (f: string): void => {
    if (out.has(f)) return;
    out.add(f);
    for (const r of TABLE_FEATURES[f]?.requires ?? []) visit(r);
  };
  for (const f of names) visit(f);
  return out;
}

/** Writer features a legacy writer version implies (empty at version 7: it lists them). */
export function impliedLegacyWriterFeatures(minWriterVersion: number): string[] {
  if (minWriterVersion >= 7) return [];
  return Object.entries(TABLE_FEATURES)
    .filter(([, info]) => info.legacy && info.legacy.writer <= minWriterVersion)
    .map(([name]) => name);
}
