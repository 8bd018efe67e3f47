/**
 * Protocol-version and table-feature rules (sections Protocol Evolution, Table Features, Writer
 * Version Requirements and the appendix "Valid Feature Names in Table Features").
 */
import type { MetadataAction, ProtocolAction } from './actions.js';
import { someFieldMetadata, someType, type DeltaField } from './delta-schema.js';
import type { Problems } from './problems.js';

/** Features readers must understand (listed in readerFeatures and writerFeatures). */
const READER_WRITER_FEATURES: ReadonlySet<string> = new Set([
  'columnMapping',
  'deletionVectors',
  'timestampNtz',
  'v2Checkpoint',
  'vacuumProtocolCheck',
  'catalogManaged',
  'catalogOwned-preview',
  'typeWidening',
  'typeWidening-preview',
  'variantType',
  'variantType-preview',
  'variantShredding',
  'variantShredding-preview',
]);

/** Features only writers must understand (listed in writerFeatures only). */
const WRITER_ONLY_FEATURES: ReadonlySet<string> = new Set([
  'appendOnly',
  'invariants',
  'checkConstraints',
  'generatedColumns',
  'allowColumnDefaults',
  'changeDataFeed',
  'identityColumns',
  'rowTracking',
  'domainMetadata',
  'icebergCompatV1',
  'icebergCompatV2',
  'icebergWriterCompatV1',
  'clustering',
  'inCommitTimestamp',
  'checkpointProtection',
]);

/** Features implied by a legacy (pre table-features) writer version: each row inherits the previous. */
const LEGACY_WRITER: [number, string[]][] = [
  [2, ['appendOnly', 'invariants']],
  [3, ['checkConstraints']],
  [4, ['changeDataFeed', 'generatedColumns']],
  [5, ['columnMapping']],
  [6, ['identityColumns']],
];

/** Whether writers of this protocol must honour `feature`. */
export function writerSupports(p: ProtocolAction, feature: string): boolean {
  if (p.minWriterVersion === 7) return p.writerFeatures?.includes(feature) ?? false;
  return LEGACY_WRITER.some(([v, fs]) => p.minWriterVersion >= v && fs.includes(feature));
}

/** Whether readers of this protocol must honour `feature` (only reader-writer features). */
export function readerSupports(p: ProtocolAction, feature: string): boolean {
  if (p.minReaderVersion === 3) return p.readerFeatures?.includes(feature) ?? false;
  return p.minReaderVersion === 2 && feature === 'columnMapping';
}

/** Both sides support a reader-writer feature. */
export function supports(p: ProtocolAction, feature: string): boolean {
  return readerSupports(p, feature) && writerSupports(p, feature);
}

/** Checks one protocol action on its own: versions, feature lists, feature names. */
export function checkProtocolRules(p: ProtocolAction, where: string, problems: Problems): void {
  const { minReaderVersion: r, minWriterVersion: w } = p;
  if (r > 3) problems.error(where, `protocol.minReaderVersion ${r} is not defined by the protocol (1..3)`);
  if (w > 7) problems.error(where, `protocol.minWriterVersion ${w} is not defined by the protocol (1..7)`);
  if (p.readerFeatures !== undefined && r !== 3) {
    problems.error(
      where,
      `protocol.readerFeatures may only exist with minReaderVersion 3, but minReaderVersion is ${r}`,
    );
  }
  if (p.writerFeatures !== undefined && w !== 7) {
    problems.error(
      where,
      `protocol.writerFeatures may only exist with minWriterVersion 7, but minWriterVersion is ${w}`,
    );
  }
  if (r === 3 && p.readerFeatures === undefined)
    problems.error(where, 'protocol with minReaderVersion 3 must list readerFeatures');
  if (w === 7 && p.writerFeatures === undefined)
    problems.error(where, 'protocol with minWriterVersion 7 must list writerFeatures');
  if (r === 3 && w !== 7) problems.error(where, `protocol minReaderVersion 3 requires minWriterVersion 7, got ${w}`);
  for (const f of p.readerFeatures ?? []) {
    if (WRITER_ONLY_FEATURES.has(f))
      problems.error(where, `protocol.readerFeatures lists '${f}', which is a writer-only feature`);
    else if (!READER_WRITER_FEATURES.has(f))
      problems.warn(
        where,
        `protocol.readerFeatures lists feature '${f}', unknown to this validator (valid for a newer writer; not checked)`,
      );
    if (!(p.writerFeatures ?? []).includes(f)) {
      problems.error(
        where,
        `protocol.readerFeatures lists '${f}' but writerFeatures does not (reader features must be in both lists)`,
      );
    }
  }
  for (const f of p.writerFeatures ?? []) {
    if (READER_WRITER_FEATURES.has(f)) {
      if (r === 3 && !(p.readerFeatures ?? []).includes(f)) {
        problems.error(where, `protocol.writerFeatures lists reader-writer feature '${f}' but readerFeatures does not`);
      } else if (r < 3 && !(f === 'columnMapping' && r === 2)) {
        problems.error(
          where,
          `protocol.writerFeatures lists reader-writer feature '${f}', which needs minReaderVersion 3 (got ${r})`,
        );
      }
    } else if (!WRITER_ONLY_FEATURES.has(f))
      problems.warn(
        where,
        `protocol.writerFeatures lists feature '${f}', unknown to this validator (valid for a newer writer; not checked)`,
      );
  }
  for (const dup of duplicates(p.readerFeatures)) problems.error(where, `protocol.readerFeatures lists '${dup}' twice`);
  for (const dup of duplicates(p.writerFeatures)) problems.error(where, `protocol.writerFeatures lists '${dup}' twice`);
  if (p.writerFeatures?.includes('rowTracking') && !p.writerFeatures.includes('domainMetadata')) {
    problems.error(where, "feature 'rowTracking' requires 'domainMetadata' in writerFeatures");
  }
  if (p.writerFeatures?.includes('clustering') && !p.writerFeatures.includes('domainMetadata')) {
    problems.error(where, "feature 'clustering' requires 'domainMetadata' in writerFeatures");
  }
}

function duplicates(xs: string[] | undefined): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const x of xs ?? []) {
    if (seen.has(x)) out.push(x);
    seen.add(x);
  }
  return out;
}

/** Table properties and schema contents that need a feature the protocol must support. */
export function checkFeatureRequirements(
  p: ProtocolAction,
  md: MetadataAction,
  fields: DeltaField[] | undefined,
  where: string,
  problems: Problems,
): void {
  const conf = md.configuration;
  const isTrue = (k: string): boolean => conf[k]?.toLowerCase() === 'true';
  const needWriter = (feature: string, why: string): void => {
    if (!writerSupports(p, feature)) {
      problems.error(
        where,
        `${why} requires writer feature '${feature}' (writerFeatures at writer version 7, or a legacy writer version that implies it); protocol is ${protocolText(p)}`,
      );
    }
  };
  const needBoth = (features: string[], why: string): void => {
    if (!features.some((f) => supports(p, f))) {
      problems.error(
        where,
        `${why} requires reader+writer feature '${features[0]}' in the protocol; protocol is ${protocolText(p)}`,
      );
    }
  };
  if (isTrue('delta.appendOnly')) needWriter('appendOnly', 'delta.appendOnly=true');
  if (Object.keys(conf).some((k) => k.startsWith('delta.constraints.')))
    needWriter('checkConstraints', 'a CHECK constraint (delta.constraints.*)');
  if (isTrue('delta.enableChangeDataFeed')) needWriter('changeDataFeed', 'delta.enableChangeDataFeed=true');
  if (isTrue('delta.enableDeletionVectors')) needBoth(['deletionVectors'], 'delta.enableDeletionVectors=true');
  if (isTrue('delta.enableRowTracking')) needWriter('rowTracking', 'delta.enableRowTracking=true');
  if (isTrue('delta.enableInCommitTimestamps')) needWriter('inCommitTimestamp', 'delta.enableInCommitTimestamps=true');
  if (isTrue('delta.enableTypeWidening'))
    needBoth(['typeWidening', 'typeWidening-preview'], 'delta.enableTypeWidening=true');
  if (conf['delta.checkpointPolicy'] === 'v2') needBoth(['v2Checkpoint'], 'delta.checkpointPolicy=v2');
  if (isTrue('delta.enableIcebergCompatV2')) needWriter('icebergCompatV2', 'delta.enableIcebergCompatV2=true');
  const mode = conf['delta.columnMapping.mode'];
  if (mode !== undefined && mode !== 'none') needBoth(['columnMapping'], `delta.columnMapping.mode=${mode}`);
  if (!fields) return;
  if (someType(fields, (t) => t.kind === 'primitive' && t.name === 'timestamp_ntz'))
    needBoth(['timestampNtz'], 'a timestamp_ntz column');
  if (someType(fields, (t) => t.kind === 'primitive' && t.name === 'variant'))
    needBoth(['variantType', 'variantType-preview'], 'a variant column');
  if (someFieldMetadata(fields, (k) => k === 'delta.invariants'))
    needWriter('invariants', 'a column invariant (delta.invariants)');
  if (someFieldMetadata(fields, (k) => k === 'delta.generationExpression'))
    needWriter('generatedColumns', 'a generated column');
  if (someFieldMetadata(fields, (k) => k.startsWith('delta.identity.')))
    needWriter('identityColumns', 'an identity column');
  if (someFieldMetadata(fields, (k) => k === 'CURRENT_DEFAULT'))
    needWriter('allowColumnDefaults', 'a column default (CURRENT_DEFAULT)');
}

/** `(3,7,[deletionVectors],[deletionVectors,appendOnly])` style rendering for messages. */
export function protocolText(p: ProtocolAction): string {
  const parts = [String(p.minReaderVersion), String(p.minWriterVersion)];
  if (p.readerFeatures) parts.push(`readerFeatures=[${p.readerFeatures.join(',')}]`);
  if (p.writerFeatures) parts.push(`writerFeatures=[${p.writerFeatures.join(',')}]`);
  return `(${parts.join(', ')})`;
}
