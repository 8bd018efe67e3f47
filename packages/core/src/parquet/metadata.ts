/**
 * Parquet footer -> ParquetMetadata. The thrift bytes are decoded with hyparquet's compact
 * protocol reader and mapped here (field ids from parquet-format's parquet.thrift), rather
 * than through hyparquet's `parquetMetadata`, because that one converts statistics to
 * lossy JS numbers and Dates; we need the raw bytes to build exact Scalars.
 */
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { CorruptDataFileError, DeltaError } from '../errors.js';
import type { ObjectStore } from '../storage/object-store.js';
import { StoreFile } from './blob.js';
import { fetchFooter } from './footer.js';
import { decodeStatistic, legacyStatsValid } from './stats.js';
import type {
  ColumnChunkMetadata,
  LogicalType,
  ParquetMetadata,
  ParquetSchemaNode,
  PhysicalType,
  Repetition,
  RowGroupMetadata,
  TimeUnitName,
} from './types.js';

type Thrift = Record<string, unknown>;

const PHYSICAL: PhysicalType[] = [
  'BOOLEAN',
  'INT32',
  'INT64',
  'INT96',
  'FLOAT',
  'DOUBLE',
  'BYTE_ARRAY',
  'FIXED_LEN_BYTE_ARRAY',
];
const REPETITION: Repetition[] = ['REQUIRED', 'OPTIONAL', 'REPEATED'];
const CONVERTED = [
  'UTF8',
  'MAP',
  'MAP_KEY_VALUE',
  'LIST',
  'ENUM',
  'DECIMAL',
  'DATE',
  'TIME_MILLIS',
  'TIME_MICROS',
  'TIMESTAMP_MILLIS',
  'TIMESTAMP_MICROS',
  'UINT_8',
  'UINT_16',
  'UINT_32',
  'UINT_64',
  'INT_8',
  'INT_16',
  'INT_32',
  'INT_64',
  'JSON',
  'BSON',
  'INTERVAL',
];

const CODECS = ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'LZO', 'BROTLI', 'LZ4', 'ZSTD', 'LZ4_RAW'];

const text = new TextDecoder();

/** Fetch (one ranged read, usually) and parse the footer of a Parquet object. */
export async function readParquetMetadata(
  store: ObjectStore,
  path: string,
  opts?: { size?: number },
): Promise<ParquetMetadata> {
  const size = opts?.size ?? (await store.head(path)).size;
  const footer = await fetchFooter(new StoreFile(store, path, size));
  return parseParquetFooter(footer.bytes, path);
}

/**
 * Parse footer bytes (`<FileMetaData> <length> PAR1`, or a whole file). `path` is for messages.
 * A damaged footer is a CorruptDataFileError, whatever part of it is damaged.
 */
export function parseParquetFooter(bytes: Uint8Array, path = '<parquet>'): ParquetMetadata {
  try {
    return parseFooter(bytes, path);
  } catch (err) {
    if (err instanceof DeltaError) throw err;
    throw new CorruptDataFileError(path, `${path}: the Parquet footer is damaged: ${String(err)}`, { cause: err });
  }
}

function parseFooter(bytes: Uint8Array, path: string): ParquetMetadata {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = bytes.length >= 8 ? view.getUint32(bytes.length - 8, true) : -1;
  if (length < 0 || length > bytes.length - 8) {
    throw new CorruptDataFileError(path, `${path}: Parquet footer is incomplete. Check that the object is complete.`);
  }
  let raw: Thrift;
  try {
    raw = deserializeTCompactProtocol({ view, offset: bytes.length - 8 - length });
  } catch (err) {
    throw new CorruptDataFileError(path, `${path}: cannot decode the Parquet footer: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (raw.field_8 !== undefined) {
    throw new CorruptDataFileError(path, `${path}: the Parquet file is encrypted; encrypted Parquet is not supported.`);
  }
  const { root, leaves } = buildSchema(list(raw.field_2), path);
  const orders = raw.field_7 === undefined ? undefined : list(raw.field_7);
  // min_value/max_value are only defined under a known (type-defined) column order.
  const typeOrder = leaves.map((_, i) => !orders || (orders[i] as Thrift | undefined)?.field_1 !== undefined);
  const rowGroups = list(raw.field_4).map((rg) => readRowGroup(rg as Thrift, leaves, typeOrder));
  const keyValueMetadata = new Map<string, string>();
  for (const kv of list(raw.field_5)) {
    const k = kv as Thrift;
    keyValueMetadata.set(str(k.field_1) ?? '', str(k.field_2) ?? '');
  }
  return {
    numRows: num(raw.field_3) ?? 0,
    createdBy: str(raw.field_6),
    schema: root,
    leaves,
    rowGroups,
    int96Columns: leaves.filter((l) => l.physicalType === 'INT96').map((l) => l.path.join('.')),
    keyValueMetadata,
  };
}

function buildSchema(elements: unknown[], path: string): { root: ParquetSchemaNode; leaves: ParquetSchemaNode[] } {
  const leaves: ParquetSchemaNode[] = [];
  let next = 0;
  const visit = (parentPath: string[], parentRep: number, isRoot: boolean): ParquetSchemaNode => {
    const e = elements[next++] as Thrift | undefined;
    if (!e)
      throw new CorruptDataFileError(path, `${path}: Parquet schema is truncated (num_children exceeds the elements).`);
    const name = str(e.field_4) ?? '';
    const repetition = REPETITION[num(e.field_3) ?? 0] ?? 'REQUIRED';
    const logicalType = readLogicalType(e.field_10 as Thrift | undefined);
    const node: ParquetSchemaNode = {
      name,
      path: isRoot ? [] : [...parentPath, name],
      repetition,
      maxRepetitionLevel: parentRep + (!isRoot && repetition === 'REPEATED' ? 1 : 0),
      children: [],
    };
    if (e.field_1 !== undefined) node.physicalType = PHYSICAL[num(e.field_1)!];
    if (e.field_2 !== undefined) node.typeLength = num(e.field_2);
    if (e.field_6 !== undefined) node.convertedType = CONVERTED[num(e.field_6)!];
    if (logicalType) node.logicalType = logicalType;
    if (logicalType?.type === 'DECIMAL') {
      node.precision = logicalType.precision;
      node.scale = logicalType.scale;
    } else if (node.convertedType === 'DECIMAL') {
      node.precision = num(e.field_8);
      node.scale = num(e.field_7) ?? 0;
    }
    if (e.field_9 !== undefined) node.fieldId = num(e.field_9);
    const childCount = num(e.field_5) ?? 0;
    for (let i = 0; i < childCount; i++) node.children.push(visit(node.path, node.maxRepetitionLevel, false));
    if (!isRoot && childCount === 0) leaves.push(node);
    return node;
  };
  const root = visit([], 0, true);
  return { root, leaves };
}

function readRowGroup(rg: Thrift, leaves: ParquetSchemaNode[], typeOrder: boolean[]): RowGroupMetadata {
  const columns = new Map<string, ColumnChunkMetadata>();
  list(rg.field_1).forEach((chunk, i) => {
    const meta = (chunk as Thrift).field_3 as Thrift | undefined;
    const leaf = leaves[i];
    if (!meta || !leaf?.physicalType) return;
    const col: ColumnChunkMetadata = {
      path: leaf.path,
      physicalType: leaf.physicalType,
      numValues: num(meta.field_5) ?? 0,
      codec: CODECS[num(meta.field_4) ?? 0] ?? 'UNKNOWN',
      compressedSize: num(meta.field_7) ?? 0,
      start: chunkStart(meta),
    };
    const stats = meta.field_12 as Thrift | undefined;
    if (stats) {
      const legacy = legacyStatsValid(leaf);
      const minBytes = bytesOf(stats.field_6) ?? (legacy ? bytesOf(stats.field_2) : undefined);
      const maxBytes = bytesOf(stats.field_5) ?? (legacy ? bytesOf(stats.field_1) : undefined);
      const ordered = typeOrder[i] || (stats.field_6 === undefined && stats.field_5 === undefined);
      if (ordered && minBytes) col.min = decodeStatistic(minBytes, leaf, 'min');
      if (ordered && maxBytes) col.max = decodeStatistic(maxBytes, leaf, 'max');
      if (stats.field_3 !== undefined) col.nullCount = num(stats.field_3);
    }
    columns.set(leaf.path.join('.'), col);
  });
  return { numRows: num(rg.field_3) ?? 0, totalByteSize: num(rg.field_2) ?? 0, columns };
}

/** File offset of a chunk's first page: its dictionary page when it has one, else its first data page. */
function chunkStart(meta: Thrift): number | undefined {
  const dict = num(meta.field_11);
  const data = num(meta.field_9);
  // Some writers record a dictionary offset of 0 for chunks without one.
  if (dict !== undefined && dict > 0 && (data === undefined || dict < data)) return dict;
  return data;
}

function readLogicalType(t: Thrift | undefined): LogicalType | undefined {
  if (!t) return undefined;
  if (t.field_1) return { type: 'STRING' };
  if (t.field_2) return { type: 'MAP' };
  if (t.field_3) return { type: 'LIST' };
  if (t.field_4) return { type: 'ENUM' };
  if (t.field_5) {
    const d = t.field_5 as Thrift;
    return { type: 'DECIMAL', scale: num(d.field_1) ?? 0, precision: num(d.field_2) ?? 0 };
  }
  if (t.field_6) return { type: 'DATE' };
  if (t.field_7 || t.field_8) {
    const d = (t.field_7 ?? t.field_8) as Thrift;
    return { type: t.field_7 ? 'TIME' : 'TIMESTAMP', isAdjustedToUTC: d.field_1 === true, unit: timeUnit(d.field_2) };
  }
  if (t.field_10) {
    const d = t.field_10 as Thrift;
    return { type: 'INTEGER', bitWidth: num(d.field_1) ?? 0, isSigned: d.field_2 === true };
  }
  if (t.field_11) return { type: 'UNKNOWN' };
  if (t.field_12) return { type: 'JSON' };
  if (t.field_13) return { type: 'BSON' };
  if (t.field_14) return { type: 'UUID' };
  if (t.field_15) return { type: 'FLOAT16' };
  if (t.field_16) return { type: 'VARIANT' };
  if (t.field_17) return { type: 'GEOMETRY' };
  if (t.field_18) return { type: 'GEOGRAPHY' };
  return { type: 'OTHER' };
}

function timeUnit(u: unknown): TimeUnitName {
  const t = u as Thrift | undefined;
  return t?.field_1 ? 'MILLIS' : t?.field_3 ? 'NANOS' : 'MICROS';
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
}

function str(v: unknown): string | undefined {
  return v instanceof Uint8Array ? text.decode(v) : undefined;
}

function bytesOf(v: unknown): Uint8Array | undefined {
  return v instanceof Uint8Array ? v : undefined;
}
