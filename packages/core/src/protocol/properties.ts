/**
 * Table properties (`metaData.configuration`): validation of the `delta.*` keys this
 * engine knows, and the protocol (versions + table features) a table's properties and
 * schema require. Unknown `delta.*` keys are refused like Delta Spark does; other keys are
 * free-form user properties.
 */
import { InvalidArgumentError } from '../errors.js';
import { parseIntervalMs } from './intervals.js';
import { explicitFeatures } from './protocol-upgrade.js';
import { withRequiredFeatures } from './table-features.js';
import { writeRefusal } from './writer-features.js';
import type { DataType, StructType } from './schema.js';

type Validator = (value: string, key: string) => string | undefined;

const bool: Validator = (v) => (v === 'true' || v === 'false' ? undefined : 'must be true or false');
const int =
  (min: number): Validator =>
  (v) =>
    /^-?\d+$/.test(v) && Number(v) >= min ? undefined : `must be an integer >= ${min}`;
const range =
  (min: number, max: number): Validator =>
  (v) =>
    /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? undefined : `must be an integer from ${min} to ${max}`;
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
  'delta.minReaderVersion': range(1, 3),
  'delta.minWriterVersion': range(1, 7),
  'delta.ignoreProtocolDefaults': bool,
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
    if (key.startsWith('delta.feature.')) continue; // checked below
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
  checkExplicitFeatures(props, schema);
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

/**
 * `delta.feature.<name>=supported`: the name must be a Delta table feature, and the table it
 * makes (with the features that one requires) must be one this engine can write.
 */
function checkExplicitFeatures(props: Readonly<Record<string, string>>, schema: StructType): void {
  for (const asked of explicitFeatures(props)) {
    for (const f of withRequiredFeatures([asked])) {
      const refusal = writeRefusal(f, { schema, configuration: props });
      if (!refusal) continue;
      const what = f === asked ? `feature ${f}` : `feature ${f}, which ${asked} requires,`;
      throw new InvalidArgumentError(
        `delta.feature.${asked}=supported would make a table delta-serverless cannot write: ${what} is not supported ` +
          `(${refusal}). Leave the property out, or create the table with an engine that supports the feature.`,
      );
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

export { protocolsEqual, requiredProtocol } from './protocol-upgrade.js';
