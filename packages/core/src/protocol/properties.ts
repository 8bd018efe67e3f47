/**
 * Table properties (`metaData.configuration`): validation of the `delta.*` keys this
 * engine knows, and the protocol (versions + table features) a table's properties and
 * schema require. Unknown `delta.*` keys are refused like Delta Spark does; other keys are
 * free-form user properties.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Protocol } from './actions.js';
import { LEGACY_WRITER_VERSION } from './features.js';
import { parseIntervalMs } from './intervals.js';
import type { DataType, StructType } from './schema.js';

type Validator = (value: string, key: string) => string | undefined;

const bool: Validator = (v) => (v === 'true' || v === 'false' ? undefined : 'must be true or false');
const int =
  (min: number): Validator =>
  (v) =>
    /^-?\d+$/.test(v) && Number(v) >= min ? undefined : `must be an integer >= ${min}`;
const interval: Validator = (v) => {
  try {
    parseIntervalMs(v);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
};
const oneOf =
  (...values: string[]): Validator =>
  (v) =>
    values.includes(v.toLowerCase()) ? undefined : `must be one of ${values.join(', ')}`;

const KNOWN: Record<string, Validator> = {
  'delta.appendOnly': bool,
  'delta.checkpointInterval': int(1),
  'delta.logRetentionDuration': interval,
  'delta.deletedFileRetentionDuration': interval,
  'delta.setTransactionRetentionDuration': interval,
  'delta.enableExpiredLogCleanup': bool,
  'delta.dataSkippingNumIndexedCols': int(-1),
  'delta.dataSkippingStatsColumns': () => undefined,
  'delta.checkpoint.writeStatsAsJson': bool,
  'delta.checkpoint.writeStatsAsStruct': bool,
  'delta.checkpointPolicy': oneOf('classic', 'v2'),
  'delta.targetFileSize': int(1),
  'delta.parquet.compression.codec': oneOf('snappy', 'zstd', 'gzip', 'uncompressed', 'none'),
  'delta.columnMapping.mode': oneOf('none', 'name', 'id'),
  'delta.columnMapping.maxColumnId': int(0),
  'delta.enableDeletionVectors': bool,
  'delta.enableTypeWidening': bool,
  'delta.enableInCommitTimestamps': bool,
  'delta.inCommitTimestampEnablementVersion': int(0),
  'delta.inCommitTimestampEnablementTimestamp': int(0),
  'delta.enableChangeDataFeed': bool,
  'delta.isolationLevel': oneOf('serializable', 'writeserializable'),
  'delta.minReaderVersion': int(1),
  'delta.minWriterVersion': int(1),
  'delta.tuneFileSizesForRewrites': bool,
  'delta.autoOptimize.optimizeWrite': bool,
  'delta.autoOptimize.autoCompact': bool,
  'delta.randomizeFilePrefixes': bool,
  'delta.randomPrefixLength': int(1),
  'delta.enableRowTracking': bool,
  'delta.universalFormat.enabledFormats': () => undefined,
  'delta.enableIcebergCompatV2': bool,
  'delta.compatibility.symlinkFormatManifest.enabled': bool,
};

/** Properties that turn on behaviour this engine does not write yet. */
const NOT_YET: Record<string, string> = {
  'delta.enableRowTracking': 'row tracking is not supported for writing yet',
  'delta.enableIcebergCompatV2': 'Iceberg compatibility is not supported for writing',
  'delta.universalFormat.enabledFormats': 'UniForm is not supported for writing',
};

/**
 * Validate properties given at create (or set later); throws naming the bad key. CHECK
 * constraints (`delta.constraints.*`) are checked by write/constraints.ts `validateTableProperties`.
 */
export function validateProperties(props: Readonly<Record<string, string>>, schema: StructType): void {
  for (const [key, value] of Object.entries(props)) {
    if (!key.startsWith('delta.')) continue;
    // CHECK constraints are expressions: write/constraints.ts validates them.
    if (key.startsWith('delta.constraints.')) continue;
    if (key.startsWith('delta.feature.')) {
      if (value !== 'supported' && value !== 'enabled') throw new InvalidArgumentError(`${key} must be "supported"`);
      continue;
    }
    const validate = KNOWN[key];
    if (!validate) {
      throw new InvalidArgumentError(
        `unknown table property ${key}; known delta.* properties: ${Object.keys(KNOWN).join(', ')}`,
      );
    }
    const problem = validate(value, key);
    if (problem) throw new InvalidArgumentError(`table property ${key}=${JSON.stringify(value)} ${problem}`);
    if (NOT_YET[key] && value === 'true')
      throw new InvalidArgumentError(`table property ${key}=true is rejected: ${NOT_YET[key]}`);
  }
  if (
    props['delta.compatibility.symlinkFormatManifest.enabled'] === 'true' &&
    props['delta.enableDeletionVectors'] === 'true'
  ) {
    // Delta Spark refuses the same pair: manifests cannot hide the rows a deletion vector deletes.
    throw new InvalidArgumentError(
      'delta.compatibility.symlinkFormatManifest.enabled=true and delta.enableDeletionVectors=true cannot be set together: ' +
        'engines reading through symlink manifests would return rows that deletion vectors delete. Turn one of them off.',
    );
  }
  const statsCols = props['delta.dataSkippingStatsColumns'];
  if (statsCols) {
    for (const c of statsCols.split(',').map((s) => s.trim().replace(/`/g, ''))) {
      if (c && !hasColumn(schema, c.split('.'))) {
        throw new InvalidArgumentError(`delta.dataSkippingStatsColumns names column ${c}, which is not in the schema`);
      }
    }
  }
}

function hasColumn(schema: StructType, path: string[]): boolean {
  let t: DataType = schema;
  for (const p of path) {
    if (t.type !== 'struct') return false;
    const f: { type: DataType } | undefined = t.fields.find((x) => x.name.toLowerCase() === p.toLowerCase());
    if (!f) return false;
    t = f.type;
  }
  return true;
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

/** Features that need a reader (and so reader version 3 with explicit lists). */
const READER_WRITER = new Set([
  'columnMapping',
  'deletionVectors',
  'timestampNtz',
  'typeWidening',
  'v2Checkpoint',
  'vacuumProtocolCheck',
  'variantType',
]);

/**
 * The lowest protocol the table's properties and schema need, never below `current`.
 * Legacy versions when they suffice (reader 1-2, writer 2-6), table features
 * (reader 3 / writer 7) only when a feature requires them.
 */
export function requiredProtocol(
  props: Readonly<Record<string, string>>,
  schema: StructType,
  current?: Protocol,
): Protocol {
  const features = new Set<string>();
  if (props['delta.appendOnly'] === 'true') features.add('appendOnly');
  if (hasInvariants(schema)) features.add('invariants');
  if (Object.keys(props).some((k) => k.startsWith('delta.constraints.'))) features.add('checkConstraints');
  const cm = props['delta.columnMapping.mode'];
  if (cm === 'name' || cm === 'id') features.add('columnMapping');
  if (props['delta.enableDeletionVectors'] === 'true') features.add('deletionVectors');
  if (props['delta.enableChangeDataFeed'] === 'true') features.add('changeDataFeed');
  if (props['delta.enableTypeWidening'] === 'true') features.add('typeWidening');
  if (props['delta.enableInCommitTimestamps'] === 'true') features.add('inCommitTimestamp');
  if (props['delta.checkpointPolicy'] === 'v2') features.add('v2Checkpoint');
  for (const [k, v] of Object.entries(props))
    if (k.startsWith('delta.feature.') && (v === 'supported' || v === 'enabled'))
      features.add(k.slice('delta.feature.'.length));
  const types = new Set<string>();
  typesIn(schema, types);
  if (types.has('timestamp_ntz')) features.add('timestampNtz');
  if (types.has('variant')) features.add('variantType');

  const needsFeatures =
    [...features].some((f) => !(f in LEGACY_WRITER_VERSION)) || (current?.minWriterVersion ?? 0) >= 7;
  let next: Protocol;
  if (!needsFeatures) {
    const writer = Math.max(2, ...[...features].map((f) => LEGACY_WRITER_VERSION[f]!));
    const reader = features.has('columnMapping') ? 2 : 1;
    next = { minReaderVersion: reader, minWriterVersion: writer };
  } else {
    // Table features: list every feature the legacy versions of `current` implied, too.
    for (const [f, v] of Object.entries(LEGACY_WRITER_VERSION))
      if (current && current.minWriterVersion < 7 && current.minWriterVersion >= v) features.add(f);
    for (const f of current?.writerFeatures ?? []) features.add(f);
    const readerFeatures = new Set([...features].filter((f) => READER_WRITER.has(f)));
    for (const f of current?.readerFeatures ?? []) readerFeatures.add(f);
    const needsReader = readerFeatures.size > 0 && [...readerFeatures].some((f) => f !== 'columnMapping');
    next = needsReader
      ? {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: [...readerFeatures].sort(),
          writerFeatures: [...features].sort(),
        }
      : {
          minReaderVersion: features.has('columnMapping') ? 2 : 1,
          minWriterVersion: 7,
          writerFeatures: [...features].sort(),
        };
  }
  if (!current) return next;
  return mergeProtocol(current, next);
}

/** The union of two protocols (a protocol never goes down). */
function mergeProtocol(a: Protocol, b: Protocol): Protocol {
  const reader = Math.max(a.minReaderVersion, b.minReaderVersion);
  const writer = Math.max(a.minWriterVersion, b.minWriterVersion);
  const out: Protocol = { minReaderVersion: reader, minWriterVersion: writer };
  if (reader >= 3) out.readerFeatures = [...new Set([...(a.readerFeatures ?? []), ...(b.readerFeatures ?? [])])].sort();
  if (writer >= 7) out.writerFeatures = [...new Set([...(a.writerFeatures ?? []), ...(b.writerFeatures ?? [])])].sort();
  return out;
}

export function protocolsEqual(a: Protocol, b: Protocol): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
