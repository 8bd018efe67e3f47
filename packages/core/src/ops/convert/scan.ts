/**
 * CONVERT TO DELTA's I/O: list the Parquet files under the root (Hive-partitioned `k=v/` or
 * not) and read every footer (ranged reads, bounded concurrency) for the schema and stats.
 */
import type { Engine } from '../../engine/engine.js';
import { InvalidArgumentError, WriteNotAllowedError } from '../../errors.js';
import type { ParquetMetadata } from '../../parquet/types.js';
import { arrowSchemaToDelta } from '../../protocol/arrow-schema.js';
import type { DataType, StructField } from '../../protocol/schema.js';
import { listAll, type ObjectMeta } from '../../storage/object-store.js';
import { mapLimit } from '../../util/concurrency.js';
import { parsePartitionDirs, type PartitionColumn } from './partitions.js';
import type { ConvertOptions } from './types.js';

/** One Parquet file found: where, its footer, its columns and its partition directory values. */
export interface FileInfo {
  meta: ObjectMeta;
  footer: ParquetMetadata;
  fields: StructField[];
  partitionValues: (string | null)[];
}

export interface ParquetDirectory {
  files: FileInfo[];
  /** Partition directory names, outermost first. */
  partitionNames: string[];
}

const COMMIT_RE = /^_delta_log\/\d{20}\.(?:json|checkpoint\..*parquet)$/;

/** The Parquet files under the store's root and their footers; refuses a Delta table. */
export async function scanParquetDirectory(engine: Engine, options: ConvertOptions = {}): Promise<ParquetDirectory> {
  const store = engine.store;
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
    const reader = await engine.parquet.open(store, meta.path, { size: meta.size });
    try {
      // All columns nullable, as Spark converts: REQUIRED in one file says nothing about future data.
      const fields = arrowSchemaToDelta(reader.arrowSchema()).fields.map(asNullable);
      return { meta, footer: reader.metadata, fields, partitionValues: parsePartitionDirs(meta.path).values };
    } finally {
      reader.close();
    }
  });
  return { files, partitionNames };
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
        (say) =>
          `${say({ option: 'partitionBy' })} is (${given.join(', ') || 'none'}) but the directories are partitioned by ` +
          `(${names.join(', ') || 'none'}), e.g. ${first.path}; give the columns in directory order`,
      );
    }
  }
  return names;
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
