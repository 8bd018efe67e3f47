/**
 * CONVERT TO DELTA's plan: version 0 of a table over the files found, without rewriting them:
 * one schema for all files, partition columns from the directories, one add per file with
 * stats from its footer. Pure: the directory's footers in, JSON out.
 */
import { InvalidArgumentError, SchemaMismatchError } from '../../errors.js';
import type { AddFile, Metadata } from '../../protocol/actions.js';
import { checkColumnNames } from '../../protocol/column-names.js';
import { columnMappingMode } from '../../protocol/features.js';
import { encodePathForLog } from '../../protocol/paths.js';
import { requiredProtocol, stripProtocolProperties } from '../../protocol/protocol-upgrade.js';
import { formatDataType, isPrimitive, type StructField, type StructType } from '../../protocol/schema.js';
import { validateTableProperties } from '../../write/constraints.js';
import { statsColumnsFromProperties } from '../../write/stats-columns.js';
import { inferPartitionType, normalizePartitionValue, type PartitionColumn } from './partitions.js';
import type { FileInfo, ParquetDirectory } from './scan.js';
import { statsFromFooter } from './stats.js';
import type { ConvertOptions, ConvertPlan } from './types.js';

export function planConvert(dir: ParquetDirectory, options: ConvertOptions = {}): ConvertPlan {
  const { files, partitionNames } = dir;
  const dataSchema = unifySchemas(files, partitionNames);
  const partitions: PartitionColumn[] =
    options.partitionBy ??
    partitionNames.map((name, i) => ({ name, type: inferPartitionType(files.map((f) => f.partitionValues[i]!)) }));
  for (const p of partitions) {
    if (!isPrimitive(p.type) || p.type.type === 'variant')
      throw new InvalidArgumentError(`partition column ${p.name} must have a primitive type`);
  }
  const schema: StructType = {
    type: 'struct',
    fields: [
      ...dataSchema.fields,
      ...partitions.map((p) => ({ name: p.name, type: p.type, nullable: true, metadata: {} })),
    ],
  };
  const props = { ...(options.properties ?? {}) };
  validateTableProperties(props, schema);
  const configuration = stripProtocolProperties(props);
  checkColumnNames(schema, 'none');
  if (columnMappingMode({ configuration } as Metadata) !== 'none') {
    throw new InvalidArgumentError(
      'convert cannot enable column mapping (the files carry no field ids); convert first, then enable it',
    );
  }
  const spec = statsColumnsFromProperties(configuration);
  const adds = files.map((f): AddFile => {
    const partitionValues: Record<string, string | null> = {};
    partitions.forEach(
      (p, i) => (partitionValues[p.name] = normalizePartitionValue(f.partitionValues[i]!, p, f.meta.path)),
    );
    return {
      path: encodePathForLog(f.meta.path),
      partitionValues,
      size: f.meta.size,
      modificationTime: f.meta.lastModified,
      dataChange: true,
      stats: statsFromFooter(f.footer, dataSchema, spec),
    };
  });
  return {
    schema,
    partitionColumns: partitions.map((p) => p.name),
    configuration,
    protocol: requiredProtocol(props, schema),
    adds,
    numRecords: files.reduce((s, f) => s + f.footer.numRows, 0),
    ...(options.name ? { name: options.name } : {}),
    ...(options.description ? { description: options.description } : {}),
  };
}

/** One schema for all files: the union of their columns, each with the same type in every file. */
function unifySchemas(files: readonly FileInfo[], partitionNames: readonly string[]): StructType {
  const byName = new Map<string, { field: StructField; file: string }>();
  const parts = new Set(partitionNames.map((p) => p.toLowerCase()));
  for (const f of files) {
    for (const field of f.fields) {
      if (parts.has(field.name.toLowerCase())) {
        throw new SchemaMismatchError(
          `${f.meta.path} has a column ${field.name}, which is also a partition directory name; ` +
            'remove the column from the files or the directory level',
        );
      }
      const key = field.name.toLowerCase();
      const seen = byName.get(key);
      if (!seen) {
        byName.set(key, { field, file: f.meta.path });
        continue;
      }
      if (formatDataType(seen.field.type) !== formatDataType(field.type) || seen.field.name !== field.name) {
        throw new SchemaMismatchError(
          `column ${field.name} is ${formatDataType(field.type)} in ${f.meta.path} but ` +
            `${seen.field.name} ${formatDataType(seen.field.type)} in ${seen.file}; rewrite one of the files so the types agree`,
        );
      }
    }
  }
  return { type: 'struct', fields: [...byName.values()].map((s) => s.field) };
}
