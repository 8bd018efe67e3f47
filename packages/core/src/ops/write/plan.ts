/**
 * A write's plan: the table layout after this write (schema, partitioning, metadata and
 * protocol changes) and what it replaces. Pure: the snapshot, the input's Arrow schema and
 * the options in; JSON out. New table ids and times come from the engine's ids and clock.
 */
import type * as arrow from 'apache-arrow';
import type { Engine } from '../../engine/engine.js';
import { InvalidArgumentError } from '../../errors.js';
import { toSql } from '../../expr/index.js';
import type { Metadata } from '../../protocol/actions.js';
import { checkColumnNames, checkUniqueNames } from '../../protocol/column-names.js';
import { columnMappingMode } from '../../protocol/features.js';
import { protocolsEqual, requiredProtocol, stripProtocolProperties } from '../../protocol/protocol-upgrade.js';
import { isPrimitive, schemaToString, type StructType } from '../../protocol/schema.js';
import { assertColumnNames, assertDataColumn } from '../../protocol/schema-rules.js';
import type { ParquetCompression } from '../../parquet/writer.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { assignColumnMapping } from '../../write/column-mapping-assign.js';
import { validateTableProperties } from '../../write/constraints.js';
import { planSchema, type SchemaPlan } from '../../write/schema-plan.js';
import { recordTypeChange } from '../../write/type-widening.js';
import type { WriteOptions, WritePlan } from './types.js';

const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;
const DEFAULT_ROW_GROUP_SIZE = 1_048_576;

export function planWrite(
  base: Snapshot | undefined,
  inputSchema: arrow.Schema,
  opts: WriteOptions,
  engine: Pick<Engine, 'clock' | 'ids'>,
): WritePlan {
  checkOptions(base, opts);
  checkUniqueNames(inputSchema.fields.map((f) => f.name));
  const requested = base ? {} : { ...(opts.properties ?? {}) };
  const configuration: Record<string, string> = base ? { ...base.properties } : stripProtocolProperties(requested);
  const overwriteSchema = opts.schemaMode === 'overwrite';
  const typeWidening = configuration['delta.enableTypeWidening'] === 'true';
  const schemaPlan = planSchema(inputSchema, base?.schema, { schemaMode: opts.schemaMode, typeWidening });
  const changed = !base || schemaPlan.changed || overwriteSchema;
  if (changed) assertColumnNames(schemaPlan.schema);
  const partitionColumns = partitioning(base, opts, schemaPlan.schema);
  const mode = columnMappingMode({ configuration } as Metadata);
  const schema = finalSchema(schemaPlan, changed, configuration, engine);
  if (!base) validateTableProperties(requested, schema);
  const protocol = requiredProtocol({ ...requested, ...configuration }, schema, base?.protocol);
  const dynamic = opts.mode === 'overwrite' && opts.partitionOverwrite === 'dynamic';
  if (dynamic && partitionColumns.length === 0)
    throw new InvalidArgumentError('dynamic partition overwrite needs a partitioned table');
  return {
    readVersion: base ? base.version : -1,
    mode: opts.mode ?? 'append',
    schema,
    partitionColumns,
    columnMapping: mode,
    configuration,
    ...(changed ? { metadata: newMetadata(base, opts, schema, partitionColumns, configuration, engine) } : {}),
    ...(!base || !protocolsEqual(protocol, base.protocol) ? { protocol } : {}),
    ...(opts.replaceWhere !== undefined
      ? { replaceWhere: typeof opts.replaceWhere === 'string' ? opts.replaceWhere : toSql(opts.replaceWhere) }
      : {}),
    dynamicPartitionOverwrite: dynamic,
    targetFileSize: opts.targetFileSize ?? (Number(configuration['delta.targetFileSize']) || DEFAULT_TARGET_FILE_SIZE),
    rowGroupSize: opts.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE,
    compression: codecOf(configuration, opts.compression),
  };
}

/** Options that cannot go together, or not with this table. */
function checkOptions(base: Snapshot | undefined, opts: WriteOptions): void {
  const overwriteSchema = opts.schemaMode === 'overwrite';
  if (overwriteSchema && base && opts.mode !== 'overwrite') {
    throw new InvalidArgumentError(
      (say) =>
        `${say({ option: 'schemaMode', value: 'overwrite' })} replaces the table schema and needs ${say({ option: 'mode', value: 'overwrite' })}`,
    );
  }
  if (overwriteSchema && base && (opts.replaceWhere !== undefined || opts.partitionOverwrite === 'dynamic')) {
    throw new InvalidArgumentError(
      (say) =>
        `${say({ option: 'schemaMode', value: 'overwrite' })} cannot be combined with ${say({ option: 'replaceWhere' })} ` +
        `or ${say({ option: 'partitionOverwrite', value: 'dynamic' })}`,
    );
  }
  if (base && opts.properties) {
    throw new InvalidArgumentError('properties can only be given when the write creates the table');
  }
}

/** The partition columns after this write; they must exist and be primitive. */
function partitioning(base: Snapshot | undefined, opts: WriteOptions, schema: StructType): string[] {
  const overwriteSchema = opts.schemaMode === 'overwrite';
  const partitionColumns = !base || overwriteSchema ? [...(opts.partitionBy ?? [])] : [...base.partitionColumns];
  if (
    base &&
    !overwriteSchema &&
    opts.partitionBy &&
    JSON.stringify([...opts.partitionBy]) !== JSON.stringify(partitionColumns)
  ) {
    const given = opts.partitionBy;
    throw new InvalidArgumentError(
      (say) =>
        `the table is partitioned by [${partitionColumns.join(', ')}], not [${given.join(', ')}]; to change ` +
        `partitioning, write with ${say({ option: 'mode', value: 'overwrite' })} and ${say({ option: 'schemaMode', value: 'overwrite' })}`,
    );
  }
  assertDataColumn(schema, partitionColumns);
  for (const p of partitionColumns) {
    const f = schema.fields.find((x) => x.name === p);
    if (!f)
      throw new InvalidArgumentError(
        `partition column ${p} is not in the data (columns: ${schema.fields.map((x) => x.name).join(', ')})`,
      );
    if (!isPrimitive(f.type) || f.type.type === 'variant')
      throw new InvalidArgumentError(
        `partition column ${p} has type ${f.type.type}; partition columns must be primitive`,
      );
  }
  return partitionColumns;
}

/** The schema with column-mapping ids for new fields and `delta.typeChanges` for widened ones. */
function finalSchema(
  plan: SchemaPlan,
  changed: boolean,
  configuration: Record<string, string>,
  engine: Pick<Engine, 'ids'>,
): StructType {
  let schema = plan.schema;
  if (changed) checkColumnNames(schema, columnMappingMode({ configuration } as Metadata));
  if (changed && columnMappingMode({ configuration } as Metadata) !== 'none') {
    const maxId = Number(configuration['delta.columnMapping.maxColumnId'] ?? 0);
    const assigned = assignColumnMapping(schema, maxId, engine.ids);
    schema = assigned.schema;
    configuration['delta.columnMapping.maxColumnId'] = String(assigned.maxColumnId);
  }
  for (const tc of plan.typeChanges) recordTypeChange(schema, tc.path, tc.from, tc.to);
  return schema;
}

function newMetadata(
  base: Snapshot | undefined,
  opts: WriteOptions,
  schema: StructType,
  partitionColumns: string[],
  configuration: Record<string, string>,
  engine: Pick<Engine, 'clock' | 'ids'>,
): Metadata {
  const name = base?.metadata.name ?? opts.name;
  const description = base?.metadata.description ?? opts.description;
  return {
    id: base?.metadata.id ?? engine.ids.uuid(),
    ...(name ? { name } : {}),
    ...(description ? { description } : {}),
    format: { provider: 'parquet', options: {} },
    schemaString: schemaToString(schema),
    partitionColumns,
    configuration,
    createdTime: base?.metadata.createdTime ?? engine.clock.now(),
  };
}

function codecOf(props: Readonly<Record<string, string>>, opt?: ParquetCompression): ParquetCompression {
  if (opt) return opt;
  const c = props['delta.parquet.compression.codec']?.toLowerCase();
  return c === 'zstd' || c === 'gzip' ? c : c === 'uncompressed' || c === 'none' ? 'none' : 'snappy';
}
