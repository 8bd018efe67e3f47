/**
 * Which protocol a table needs: the features its properties and schema need (explicit
 * `delta.feature.<name>=supported` included, with the features they require), and the
 * smallest change to the current protocol that supports them. A protocol that already
 * supports every needed feature is kept as it is (same lists, same order), so an operation
 * commits a protocol action only when it needs one, as Delta Spark does.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Protocol } from './actions.js';
import type { DataType, StructType } from './schema.js';
import { impliedLegacyWriterFeatures, isKnownFeature, TABLE_FEATURES, withRequiredFeatures } from './table-features.js';

const FEATURE_PREFIX = 'delta.feature.';
/** Properties about the protocol rather than the table: Delta Spark keeps none of them in metaData.configuration. */
const PROTOCOL_PROPERTIES = new Set([
  'delta.minReaderVersion',
  'delta.minWriterVersion',
  'delta.ignoreProtocolDefaults',
]);

/** True when the protocol supports `feature` (listed, implied by its legacy versions, or its preview/stable twin). */
export function protocolSupports(protocol: Protocol, feature: string): boolean {
  const info = TABLE_FEATURES[feature];
  const names = info?.sameAs ? [feature, info.sameAs] : [feature];
  return names.some((name) => supportsExactly(protocol, name));
}

function supportsExactly(protocol: Protocol, feature: string): boolean {
  const info = TABLE_FEATURES[feature];
  const writer =
    protocol.minWriterVersion >= 7
      ? (protocol.writerFeatures ?? []).includes(feature)
      : info?.legacy !== undefined && protocol.minWriterVersion >= info.legacy.writer;
  if (!writer || !info?.readerWriter) return writer;
  if (protocol.minReaderVersion >= 3) return (protocol.readerFeatures ?? []).includes(feature);
  return info.legacy !== undefined && protocol.minReaderVersion >= info.legacy.reader;
}

/** The feature names of `delta.feature.<name>` properties; throws for values other than supported/enabled. */
export function explicitFeatures(props: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    if (!key.startsWith(FEATURE_PREFIX)) continue;
    const name = key.slice(FEATURE_PREFIX.length);
    if (value !== 'supported' && value !== 'enabled')
      throw new InvalidArgumentError(`${key}=${JSON.stringify(value)}: the only value is "supported"`);
    if (!isKnownFeature(name))
      throw new InvalidArgumentError(
        `${key}: "${name}" is not a Delta table feature; known features: ${Object.keys(TABLE_FEATURES).join(', ')}`,
      );
    out.push(name);
  }
  return out;
}

/**
 * The configuration without `delta.feature.*`, `delta.minReaderVersion` and
 * `delta.minWriterVersion`: they ask for a protocol and are not table properties, so Delta
 * Spark does not keep them in metaData.configuration.
 */
export function stripProtocolProperties(props: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(props).filter(([k]) => !k.startsWith(FEATURE_PREFIX) && !PROTOCOL_PROPERTIES.has(k)),
  );
}

function typesIn(t: DataType, out: Set<string>): void {
  out.add(t.type);
  if (t.type === 'struct') t.fields.forEach((f) => typesIn(f.type, out));
  else if (t.type === 'array') typesIn(t.elementType, out);
  else if (t.type === 'map') {
    typesIn(t.keyType, out);
    typesIn(t.valueType, out);
  }
}

function hasInvariants(t: DataType): boolean {
  if (t.type !== 'struct') return false;
  return t.fields.some((f) => 'delta.invariants' in f.metadata || hasInvariants(f.type));
}

/** Features the properties ask for (`delta.enable*`, constraints, column mapping, `delta.feature.*`). */
function featuresOfProperties(props: Readonly<Record<string, string>>): string[] {
  const on = (k: string) => props[k] === 'true';
  const out: string[] = [];
  if (on('delta.appendOnly')) out.push('appendOnly');
  if (Object.keys(props).some((k) => k.startsWith('delta.constraints.'))) out.push('checkConstraints');
  if (on('delta.enableChangeDataFeed')) out.push('changeDataFeed');
  const cm = props['delta.columnMapping.mode'];
  if (cm === 'name' || cm === 'id') out.push('columnMapping');
  if (on('delta.enableDeletionVectors')) out.push('deletionVectors');
  if (on('delta.enableTypeWidening')) out.push('typeWidening');
  if (on('delta.enableInCommitTimestamps')) out.push('inCommitTimestamp');
  if (on('delta.enableRowTracking')) out.push('rowTracking');
  if (on('delta.enableIcebergCompatV2')) out.push('icebergCompatV2');
  if (props['delta.checkpointPolicy'] === 'v2') out.push('v2Checkpoint');
  return [...out, ...explicitFeatures(props)];
}

/** Every feature the properties and schema need, with the features those require. */
export function featuresNeeded(props: Readonly<Record<string, string>>, schema: StructType): Set<string> {
  const needed = featuresOfProperties(props);
  if (hasInvariants(schema)) needed.push('invariants');
  const types = new Set<string>();
  typesIn(schema, types);
  if (types.has('timestamp_ntz')) needed.push('timestampNtz');
  if (types.has('variant')) needed.push('variantType');
  return withRequiredFeatures(needed);
}

/**
 * The protocol a table with these properties and schema needs, never below `current`:
 * `current` itself when it supports every needed feature. New tables get the lowest
 * protocol: legacy versions when they suffice (reader 1-2, writer 2-6), table features
 * (writer 7, and reader 3 when a reader feature other than column mapping is needed)
 * otherwise, or when a `delta.feature.*` property asks for them explicitly.
 */
export function requiredProtocol(
  props: Readonly<Record<string, string>>,
  schema: StructType,
  current?: Protocol,
): Protocol {
  const needed = featuresNeeded(props, schema);
  if (current) {
    const raised = raiseVersions(current, props);
    const missing = [...needed].filter((f) => !protocolSupports(raised, f));
    return missing.length === 0 ? raised : upgrade(raised, missing);
  }
  const floor = {
    reader: Number(props['delta.minReaderVersion'] ?? 1),
    writer: Number(props['delta.minWriterVersion'] ?? 2),
  };
  const explicit = explicitFeatures(props).length > 0;
  const legacyOnly = [...needed].every((f) => TABLE_FEATURES[f]?.legacy !== undefined);
  if (legacyOnly && !explicit && floor.writer < 7 && floor.reader < 3) {
    const legacy = [...needed].map((f) => TABLE_FEATURES[f]!.legacy!);
    return {
      minReaderVersion: Math.max(floor.reader, ...legacy.map((l) => l.reader)),
      minWriterVersion: Math.max(floor.writer, ...legacy.map((l) => l.writer)),
    };
  }
  const base: Protocol =
    floor.reader >= 3
      ? { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: [], writerFeatures: [] }
      : { minReaderVersion: floor.reader, minWriterVersion: 7, writerFeatures: [] };
  return upgrade(base, [...needed].sort());
}

/**
 * `current` raised to the `delta.minReaderVersion` / `delta.minWriterVersion` the properties
 * ask for, as Delta Spark's SET TBLPROPERTIES does: never lowered (a lower or equal version
 * changes nothing; dropping a feature is how a protocol goes down). Moving to writer 7 lists
 * the features the legacy writer version implied; reader 3 needs writer 7 and lists the
 * reader-writer features among them.
 */
function raiseVersions(current: Protocol, props: Readonly<Record<string, string>>): Protocol {
  const asked = (key: string, floor: number) => (props[key] === undefined ? floor : Number(props[key]));
  let reader = Math.max(current.minReaderVersion, asked('delta.minReaderVersion', 0));
  let writer = Math.max(current.minWriterVersion, asked('delta.minWriterVersion', 0));
  if (reader >= 3) writer = 7;
  if (reader === current.minReaderVersion && writer === current.minWriterVersion) return current;
  if (writer < 7) return { minReaderVersion: reader, minWriterVersion: writer };
  const writerFeatures =
    current.minWriterVersion >= 7
      ? [...(current.writerFeatures ?? [])]
      : impliedLegacyWriterFeatures(current.minWriterVersion);
  if (reader < 3) return { minReaderVersion: reader, minWriterVersion: 7, writerFeatures };
  const readerFeatures =
    current.minReaderVersion >= 3
      ? [...(current.readerFeatures ?? [])]
      : writerFeatures.filter((f) => TABLE_FEATURES[f]?.readerWriter && supportsExactly(current, f));
  reader = 3;
  return { minReaderVersion: reader, minWriterVersion: 7, readerFeatures, writerFeatures };
}

/** `current` plus `added`: table features, listing what the legacy versions of `current` implied. */
function upgrade(current: Protocol, added: readonly string[]): Protocol {
  const allLegacy = added.every((f) => TABLE_FEATURES[f]?.legacy !== undefined);
  if (current.minWriterVersion < 7 && allLegacy) {
    const legacy = added.map((f) => TABLE_FEATURES[f]!.legacy!);
    return {
      minReaderVersion: Math.max(current.minReaderVersion, ...legacy.map((l) => l.reader)),
      minWriterVersion: Math.max(current.minWriterVersion, ...legacy.map((l) => l.writer)),
    };
  }
  const writer = [...(current.writerFeatures ?? [])];
  for (const f of [...impliedLegacyWriterFeatures(current.minWriterVersion), ...[...added].sort()])
    if (!writer.includes(f)) writer.push(f);
  const readerNeeded = writer.filter((f) => TABLE_FEATURES[f]?.readerWriter);
  // Reader version 3 lists reader features; column mapping alone is served by legacy reader version 2.
  const needsReaderFeatures =
    current.minReaderVersion >= 3 || readerNeeded.some((f) => TABLE_FEATURES[f]?.legacy === undefined);
  if (!needsReaderFeatures) {
    const reader = Math.max(current.minReaderVersion, ...readerNeeded.map((f) => TABLE_FEATURES[f]!.legacy!.reader));
    return { minReaderVersion: reader, minWriterVersion: 7, writerFeatures: writer };
  }
  const readerFeatures = [...(current.minReaderVersion >= 3 ? (current.readerFeatures ?? []) : [])];
  for (const f of readerNeeded) if (!readerFeatures.includes(f)) readerFeatures.push(f);
  return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures, writerFeatures: writer };
}

/** Same versions and the same feature sets (the order of the lists does not matter). */
export function protocolsEqual(a: Protocol, b: Protocol): boolean {
  const set = (xs: readonly string[] | undefined) => [...new Set(xs ?? [])].sort().join('\u0000');
  return (
    a.minReaderVersion === b.minReaderVersion &&
    a.minWriterVersion === b.minWriterVersion &&
    set(a.readerFeatures) === set(b.readerFeatures) &&
    set(a.writerFeatures) === set(b.writerFeatures)
  );
}
