/**
 * Shapes of Parquet file metadata as the engine sees it: the schema tree, row groups and
 * per-leaf column statistics already converted to the engine's Scalar representation.
 */
import type { Scalar } from '../protocol/scalar.js';

export type PhysicalType =
  'BOOLEAN' | 'INT32' | 'INT64' | 'INT96' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY' | 'FIXED_LEN_BYTE_ARRAY';

export type Repetition = 'REQUIRED' | 'OPTIONAL' | 'REPEATED';

export type TimeUnitName = 'MILLIS' | 'MICROS' | 'NANOS';

/** Parquet LogicalType annotation (the modern form of ConvertedType). */
export type LogicalType =
  | { type: 'STRING' | 'MAP' | 'LIST' | 'ENUM' | 'DATE' | 'JSON' | 'BSON' | 'UUID' | 'FLOAT16' | 'UNKNOWN' }
  | { type: 'VARIANT' | 'GEOMETRY' | 'GEOGRAPHY' | 'OTHER' }
  | { type: 'DECIMAL'; precision: number; scale: number }
  | { type: 'TIME' | 'TIMESTAMP'; isAdjustedToUTC: boolean; unit: TimeUnitName }
  | { type: 'INTEGER'; bitWidth: number; isSigned: boolean };

/** One node of the Parquet schema (groups have children, leaves have a physical type). */
export interface ParquetSchemaNode {
  name: string;
  /** Names from the top-level field down to this node (the root has an empty path). */
  path: string[];
  repetition: Repetition;
  /** Leaves only. */
  physicalType?: PhysicalType;
  /** FIXED_LEN_BYTE_ARRAY width. */
  typeLength?: number;
  /** Legacy annotation, e.g. 'UTF8', 'DECIMAL', 'TIMESTAMP_MICROS', 'LIST', 'MAP'. */
  convertedType?: string;
  logicalType?: LogicalType;
  /** Decimal precision/scale (from the logical type, else the legacy fields). */
  precision?: number;
  scale?: number;
  /** Parquet field id (Delta column mapping mode `id` matches on it). */
  fieldId?: number;
  /** Number of REPEATED nodes on the path, this one included (0: not inside a list or map). */
  maxRepetitionLevel: number;
  children: ParquetSchemaNode[];
}

/** Statistics of one leaf column in one row group. */
export interface ColumnChunkMetadata {
  path: string[];
  physicalType: PhysicalType;
  /** Values in the chunk, nulls included (more than the row count inside lists). */
  numValues: number;
  /** Compression codec name, e.g. 'SNAPPY', 'ZSTD', 'UNCOMPRESSED'. */
  codec: string;
  compressedSize: number;
  /** File offset of the chunk's first page (`compressedSize` bytes from there); undefined when the footer lacks it. */
  start?: number;
  /** Lower bound of the non-null values, as a Scalar; undefined when absent or not trustworthy. */
  min?: Scalar;
  /** Upper bound of the non-null values, as a Scalar; undefined when absent or not trustworthy. */
  max?: Scalar;
  nullCount?: number;
}

export interface RowGroupMetadata {
  numRows: number;
  /** Uncompressed bytes of the row group's column data. */
  totalByteSize: number;
  /** Leaf columns keyed by their dotted path (`a.b.c`; lists and maps include their repeated group names). */
  columns: Map<string, ColumnChunkMetadata>;
}

export interface ParquetMetadata {
  numRows: number;
  createdBy?: string;
  /** The root group; its children are the top-level columns. */
  schema: ParquetSchemaNode;
  /** Leaf columns in file order. */
  leaves: ParquetSchemaNode[];
  rowGroups: RowGroupMetadata[];
  /** Dotted paths of INT96 leaves (legacy Spark/Hive timestamps). */
  int96Columns: string[];
  keyValueMetadata: Map<string, string>;
}
