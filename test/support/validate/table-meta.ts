/** The table metadata in effect at some version, with its parsed schema and partition columns. */
import type { MetadataAction, ProtocolAction } from './actions.js';
import { maxColumnId, parseSchemaString, typeName, type ColumnMappingMode, type DeltaField } from './delta-schema.js';
import type { Problems } from './problems.js';
import { supports } from './protocol-rules.js';

export interface TableMeta {
  metadata: MetadataAction;
  mode: ColumnMappingMode;
  /** Undefined when schemaString is unusable (already reported). */
  fields: DeltaField[] | undefined;
  /** Partition columns resolved in the schema, in partitionColumns order. */
  partitionFields: DeltaField[];
}

/** Parses and checks a metaData action: column mapping mode, schema, partition columns. */
export function buildTableMeta(md: MetadataAction, where: string, problems: Problems): TableMeta {
  const rawMode = md.configuration['delta.columnMapping.mode'] ?? 'none';
  let mode: ColumnMappingMode = 'none';
  if (rawMode === 'name' || rawMode === 'id' || rawMode === 'none') mode = rawMode;
  else problems.error(where, `delta.columnMapping.mode must be none, name or id, got '${rawMode}'`);
  const fields = parseSchemaString(md.schemaString, mode, where, problems);
  const partitionFields: DeltaField[] = [];
  if (fields) {
    const seen = new Set<string>();
    for (const col of md.partitionColumns) {
      if (seen.has(col)) problems.error(where, `metaData.partitionColumns lists '${col}' twice`);
      seen.add(col);
      const f = fields.find((x) => x.name === col) ?? fields.find((x) => x.name.toLowerCase() === col.toLowerCase());
      if (!f) {
        problems.error(
          where,
          `partition column '${col}' is not a top-level column of the schema (${fields.map((x) => x.name).join(', ')})`,
        );
        continue;
      }
      if (f.type.kind !== 'primitive' || f.type.name === 'variant' || f.type.name === 'void') {
        problems.error(where, `partition column '${col}' must have a primitive type, got ${typeName(f.type)}`);
      }
      partitionFields.push(f);
    }
    if (mode !== 'none') {
      const maxId = Number(md.configuration['delta.columnMapping.maxColumnId']);
      const used = maxColumnId(fields);
      if (!Number.isInteger(maxId))
        problems.error(where, 'column mapping needs table property delta.columnMapping.maxColumnId');
      else if (maxId < used)
        problems.error(
          where,
          `delta.columnMapping.maxColumnId ${maxId} is below the largest column id in use (${used})`,
        );
    }
  }
  for (const [k, v] of Object.entries(md.configuration)) {
    if (k.startsWith('delta.') && BOOLEAN_PROPS.has(k) && !/^(true|false)$/i.test(v)) {
      problems.error(where, `table property ${k} must be 'true' or 'false', got '${v}'`);
    }
  }
  return { metadata: md, mode, fields, partitionFields };
}

const BOOLEAN_PROPS: ReadonlySet<string> = new Set([
  'delta.appendOnly',
  'delta.enableChangeDataFeed',
  'delta.enableDeletionVectors',
  'delta.enableRowTracking',
  'delta.enableInCommitTimestamps',
  'delta.enableTypeWidening',
  'delta.checkpoint.writeStatsAsJson',
  'delta.checkpoint.writeStatsAsStruct',
]);

/** True when data files may legally repeat partition columns (Iceberg compatibility materializes them). */
export function partitionColumnsMaterialized(meta: TableMeta): boolean {
  const c = meta.metadata.configuration;
  return c['delta.enableIcebergCompatV1'] === 'true' || c['delta.enableIcebergCompatV2'] === 'true';
}

/** True when the protocol lets column types widen, so older files may hold narrower types. */
export function typeWideningAllowed(p: ProtocolAction | undefined): boolean {
  return p !== undefined && (supports(p, 'typeWidening') || supports(p, 'typeWidening-preview'));
}
