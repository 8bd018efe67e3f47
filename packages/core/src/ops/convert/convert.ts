/**
 * CONVERT TO DELTA: make a directory of Parquet files (Hive-partitioned `k=v/` or not) a Delta
 * table in place, without rewriting data. Every footer is read (ranged reads, bounded
 * concurrency) for the schema and for `add.stats`; version 0 holds protocol, metadata and one
 * add per file, committed as Spark's `CONVERT` operation.
 */
import { randomUUID } from 'node:crypto';
import { commitTransaction, type CommitOptions } from '../../transaction/transaction.js';
import { InvalidArgumentError, SchemaMismatchError, WriteNotAllowedError } from '../../errors.js';
import { openParquetFile } from '../../parquet/reader.js';
import type { ParquetMetadata } from '../../parquet/types.js';
import type { Action, AddFile, Metadata } from '../../protocol/actions.js';
import { arrowSchemaToDelta } from '../../protocol/arrow-schema.js';
import { columnMappingMode } from '../../protocol/features.js';
import { encodePathForLog } from '../../protocol/paths.js';
import { requiredProtocol } from '../../protocol/properties.js';
import { validateTableProperties } from '../../write/constraints.js';
import {
  formatDataType,
  isPrimitive,
  schemaToString,
  type DataType,
  type StructField,
  type StructType,
} from '../../protocol/schema.js';
import { listAll, type ObjectMeta, type ObjectStore } from '../../storage/object-store.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { mapLimit } from '../../util/concurrency.js';
import { statsColumnsFromProperties } from '../../write/stats-columns.js';
import { inferPartitionType, normalizePartitionValue, parsePartitionDirs, type PartitionColumn } from './partitions.js';
import { statsFromFooter } from './stats.js';

export type { PartitionColumn } from './partitions.js';

export interface ConvertOptions extends CommitOptions {
  /** Partition columns in directory order; omitted: taken from the `k=v` directories, types inferred. */
  partitionBy?: PartitionColumn[];
  properties?: Record<string, string>;
  name?: string;
  description?: string;
  /** Footers read at once (default 16). */
  concurrency?: number;
}

export interface ConvertResult {
  version: number;
  numFiles: number;
  numRecords: number;
  schema: StructType;
  partitionColumns: string[];
  snapshot: Snapshot;
}

interface FileInfo {
  meta: ObjectMeta;
  footer: ParquetMetadata;
  fields: StructField[];
  partitionValues: (string | null)[];
}

const COMMIT_RE = /^_delta_log\/\d{20}\.(?:json|checkpoint\..*parquet)$/;

/** Convert the Parquet files under the store's root into a Delta table (version 0). */
export async function convertToDelta(store: ObjectStore, options: ConvertOptions = {}): Promise<ConvertResult> {
  const existing = (await listAll(store, '_delta_log/')).filter((m) => COMMIT_RE.test(m.path));
  if (existing.length > 0) {
    throw new WriteNotAllowedError(
      `${store.root} is already a Delta table (${existing[0]!.path} exists); there is nothing to convert`,
    );
  }
  const metas = (await listAll(store, '')).filter((m) => isDataFile(m.path));
  if (metas.length === 0) {
    throw new InvalidArgumentError(
      `no Parquet files under ${store.root} (files and directories starting with _ or . are skipped)`,
    );
  }
  const partitionNames = partitionLayout(metas, options.partitionBy);
  const files = await mapLimit(metas, options.concurrency ?? 16, async (meta): Promise<FileInfo> => {
    const reader = await openParquetFile(store, meta.path, { size: meta.size });
    try {
      // All columns nullable, as Spark converts: REQUIRED in one file says nothing about future data.
      const fields = arrowSchemaToDelta(reader.arrowSchema()).fields.map(asNullable);
      return { meta, footer: reader.metadata, fields, partitionValues: parsePartitionDirs(meta.path).values };
    } finally {
      reader.close();
    }
  });
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
  const configuration = { ...(options.properties ?? {}) };
  validateTableProperties(configuration, schema);
  if (columnMappingMode({ configuration } as Metadata) !== 'none') {
    throw new InvalidArgumentError(
      'convert cannot enable column mapping (the files carry no field ids); convert first, then enable it',
    );
  }
  const spec = statsColumnsFromProperties(configuration);
  const adds: Action[] = files.map((f): Action => {
    const partitionValues: Record<string, string | null> = {};
    partitions.forEach(
      (p, i) => (partitionValues[p.name] = normalizePartitionValue(f.partitionValues[i]!, p, f.meta.path)),
    );
    const add: AddFile = {
      path: encodePathForLog(f.meta.path),
      partitionValues,
      size: f.meta.size,
      modificationTime: f.meta.lastModified,
      dataChange: true,
      stats: statsFromFooter(f.footer, dataSchema, spec),
    };
    return { add };
  });
  const metadata: Metadata = {
    id: randomUUID(),
    ...(options.name ? { name: options.name } : {}),
    ...(options.description ? { description: options.description } : {}),
    format: { provider: 'parquet', options: {} },
    schemaString: schemaToString(schema),
    partitionColumns: partitions.map((p) => p.name),
    configuration,
    createdTime: Date.now(),
  };
  const outcome = await commitTransaction(
    store,
    undefined,
    {
      actions: [{ protocol: requiredProtocol(configuration, schema) }, { metaData: metadata }, ...adds],
      operation: 'CONVERT',
      operationParameters: {
        numFiles: files.length,
        partitionedBy: JSON.stringify(partitions.map((p) => p.name)),
        collectStats: true,
      },
      isBlindAppend: false,
    },
    options,
  );
  return {
    version: outcome.version,
    numFiles: files.length,
    numRecords: files.reduce((s, f) => s + f.footer.numRows, 0),
    schema,
    partitionColumns: partitions.map((p) => p.name),
    snapshot: outcome.snapshot,
  };
}

/** `*.parquet` outside `_`/`.`-prefixed files and directories. */
function isDataFile(path: string): boolean {
  if (!path.toLowerCase().endsWith('.parquet')) return false;
  return path.split('/').every((seg) => seg.length > 0 && !seg.startsWith('_') && !seg.startsWith('.'));
}

/** The partition column names shared by every file's directories (checked against `partitionBy`). */
function partitionLayout(metas: readonly ObjectMeta[], partitionBy: readonly PartitionColumn[] | undefined): string[] {
  const first = metas[0]!;
  const names = parsePartitionDirs(first.path).names;
  for (const m of metas) {
    const n = parsePartitionDirs(m.path).names;
    if (n.join('/') !== names.join('/')) {
      throw new InvalidArgumentError(
        `partition directories differ: ${first.path} has (${names.join(', ') || 'none'}) but ${m.path} has ` +
          `(${n.join(', ') || 'none'}); every file must sit under the same name=value directories`,
      );
    }
  }
  if (partitionBy) {
    const given = partitionBy.map((p) => p.name);
    if (given.join('/') !== names.join('/')) {
      throw new InvalidArgumentError(
        `partitionBy is (${given.join(', ') || 'none'}) but the directories are partitioned by ` +
          `(${names.join(', ') || 'none'}), e.g. ${first.path}; give the columns in directory order`,
      );
    }
  }
  return names;
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

function asNullable(f: StructField): StructField {
  return { ...f, type: nullableType(f.type), nullable: true };
}

function nullableType(t: DataType): DataType {
  switch (t.type) {
    case 'struct':
      return { type: 'struct', fields: t.fields.map(asNullable) };
    case 'array':
      return { type: 'array', elementType: nullableType(t.elementType), containsNull: true };
    case 'map':
      return { type: 'map', keyType: t.keyType, valueType: nullableType(t.valueType), valueContainsNull: true };
    default:
      return t;
  }
}
