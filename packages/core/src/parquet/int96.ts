/**
 * INT96 timestamps (legacy Spark/Hive/Impala). parquet-wasm decodes them to int64
 * nanoseconds, which overflows outside 1677..2262 (Spark writes 9999-12-31 as a "max date").
 * We find INT96 leaves in each batch and replace them with Timestamp(MICROSECOND, 'UTC'):
 * leaves reachable through structs only are decoded again, exactly, with hyparquet (the
 * row group's column chunk is read a second time; INT96 files are legacy and rare); leaves
 * inside lists or maps (or compressed with a codec hyparquet cannot decode here: LZ4, LZO,
 * ZSTD before Node 22.15) are converted from the parquet-wasm nanoseconds, which is exact
 * only inside the nanosecond range.
 */
import * as arrow from 'apache-arrow';
import type { FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import { CorruptDataError, CorruptDataFileError, DeltaError } from '../errors.js';
import { floorDiv } from '../protocol/scalar.js';
import type { StoreFile } from './blob.js';
import { JS_CODECS, JS_COMPRESSORS } from './codecs.js';
import type { ParquetMetadata, ParquetSchemaNode } from './types.js';

/** Where an INT96 leaf sits in an Arrow schema. */
export interface Int96Location {
  /** Dotted Parquet path of the leaf. */
  parquetPath: string;
  /** Child indexes from the batch down to the leaf (first: top-level column). */
  arrowPath: number[];
  /** True when only structs lie between the batch and the leaf (rows align 1:1). */
  exact: boolean;
}

/** The Arrow type INT96 leaves are returned as. */
export const INT96_ARROW_TYPE = new arrow.TimestampMicrosecond('UTC');

/** Locate the INT96 leaves of `metadata` in `schema` (a file schema or a projection of it). */
export function findInt96(schema: arrow.Schema, metadata: ParquetMetadata): Int96Location[] {
  const out: Int96Location[] = [];
  if (metadata.int96Columns.length === 0) return out;
  schema.fields.forEach((f, i) => {
    const node = metadata.schema.children.find((c) => c.name === f.name);
    if (node) walk(f.type, node, [i], true, out);
  });
  // Chunks compressed with a codec hyparquet cannot decode here fall back to the nanoseconds.
  for (const loc of out) {
    loc.exact &&= metadata.rowGroups.every((g) => JS_CODECS.has(g.columns.get(loc.parquetPath)?.codec ?? ''));
  }
  return out;
}

function walk(type: arrow.DataType, node: ParquetSchemaNode, at: number[], exact: boolean, out: Int96Location[]): void {
  if (node.physicalType === 'INT96') {
    if (arrow.DataType.isTimestamp(type)) out.push({ parquetPath: node.path.join('.'), arrowPath: at, exact });
    return;
  }
  if (arrow.DataType.isStruct(type)) {
    type.children.forEach((c, i) => {
      const child = node.children.find((n) => n.name === c.name);
      if (child) walk(c.type, child, [...at, i], exact, out);
    });
  } else if (arrow.DataType.isList(type) || arrow.DataType.isLargeList(type)) {
    const element = listElement(node);
    if (element) walk(type.children[0]!.type, element, [...at, 0], false, out);
  } else if (arrow.DataType.isMap(type)) {
    const kv = node.children[0];
    const entries = type.children[0]!.type;
    if (!kv || kv.children.length !== 2) return;
    walk(entries.children[0]!.type, kv.children[0]!, [...at, 0, 0], false, out);
    walk(entries.children[1]!.type, kv.children[1]!, [...at, 0, 1], false, out);
  }
}

/** The element node of a Parquet list, following the format's backward-compatibility rules. */
function listElement(node: ParquetSchemaNode): ParquetSchemaNode | undefined {
  if (node.repetition === 'REPEATED' && node.logicalType?.type !== 'LIST' && node.convertedType !== 'LIST') return node;
  const rep = node.children[0];
  if (!rep) return undefined;
  if (rep.children.length !== 1) return rep; // primitive (2-level) or struct elements
  if (rep.name === 'array' || rep.name === `${node.name}_tuple`) return rep;
  return rep.children[0];
}

/** Reads exact INT96 values (as micros) of one leaf and one row group with hyparquet. */
export class Int96Reader {
  private hyMeta: FileMetaData | undefined;
  private readonly cache = new Map<string, BigInt64Array>();

  constructor(
    private readonly file: StoreFile,
    private readonly footer: Uint8Array,
    private readonly metadata: ParquetMetadata,
  ) {}

  /** Micros of every row of row group `rg` (nulls read as 0; the Arrow validity is kept). */
  async rowGroupValues(parquetPath: string, rg: number): Promise<BigInt64Array> {
    const key = `${rg}\u0000${parquetPath}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    for (const k of this.cache.keys()) if (!k.startsWith(`${rg}\u0000`)) this.cache.delete(k); // keep one row group
    const values = await this.read(parquetPath, rg);
    this.cache.set(key, values);
    return values;
  }

  private async read(parquetPath: string, rg: number): Promise<BigInt64Array> {
    const leafIndex = this.metadata.leaves.findIndex((l) => l.path.join('.') === parquetPath);
    const path = this.metadata.leaves[leafIndex]!.path;
    let rowStart = 0;
    for (let i = 0; i < rg; i++) rowStart += this.metadata.rowGroups[i]!.numRows;
    const numRows = this.metadata.rowGroups[rg]!.numRows;
    const out = new BigInt64Array(numRows);
    let rows: unknown[][] = [];
    try {
      this.hyMeta ??= parquetMetadata(this.footer, { geoparquet: false });
      const pruned = pruneToLeaf(this.hyMeta, path, leafIndex);
      await parquetRead({
        file: this.file.asyncBuffer(),
        metadata: pruned,
        columns: [path[0]!],
        rowStart,
        rowEnd: rowStart + numRows,
        utf8: false,
        compressors: JS_COMPRESSORS,
        parsers: { timestampFromNanoseconds: (nanos: bigint) => nanos as unknown as Date },
        onComplete: (r: unknown[][]) => {
          rows = r;
        },
      });
    } catch (err) {
      if (err instanceof DeltaError && !(err instanceof CorruptDataError)) throw err; // storage
      throw new CorruptDataFileError(
        this.file.path,
        `${this.file.path}: cannot decode INT96 column ${parquetPath}: ${String(err)}`,
        { cause: err },
      );
    }
    for (let i = 0; i < numRows; i++) {
      let v: unknown = rows[i]?.[0];
      for (let d = 1; d < path.length && v !== null && v !== undefined; d++)
        v = (v as Record<string, unknown>)[path[d]!];
      if (typeof v === 'bigint') out[i] = floorDiv(v, 1000n);
    }
    return out;
  }
}

/** hyparquet metadata reduced to one leaf, so it fetches and decodes only that column chunk. */
function pruneToLeaf(md: FileMetaData, path: string[], leafIndex: number): FileMetaData {
  let node: SchemaTree = parquetSchema(md);
  const schema: SchemaElement[] = [{ ...node.element, num_children: 1 }];
  for (const name of path) {
    const child = node.children.find((c) => c.element.name === name);
    if (!child) throw new CorruptDataError(`INT96 column ${path.join('.')} not found in the Parquet schema`);
    node = child;
    schema.push(node.children.length > 0 ? { ...node.element, num_children: 1 } : node.element);
  }
  return { ...md, schema, row_groups: md.row_groups.map((g) => ({ ...g, columns: [g.columns[leafIndex]!] })) };
}

/** `schema` with the INT96 leaves typed as they are returned (Timestamp(us, UTC)). */
export function int96Schema(schema: arrow.Schema, locations: Int96Location[]): arrow.Schema {
  if (locations.length === 0) return schema;
  const fields = schema.fields.slice();
  for (const { arrowPath } of locations) {
    const [top, ...rest] = arrowPath as [number, ...number[]];
    fields[top] = fields[top]!.clone({ type: withLeafType(fields[top]!.type, rest, INT96_ARROW_TYPE) });
  }
  return new arrow.Schema(fields, schema.metadata);
}

/** Replace the leaf at `arrowPath` in `batch` using `convert`, rebuilding the parents around it. */
export function replaceLeaf(
  batch: arrow.RecordBatch,
  arrowPath: number[],
  convert: (leaf: arrow.Data) => arrow.Data,
): arrow.RecordBatch {
  const data = replaceIn(batch.data, arrowPath, convert) as arrow.Data<arrow.Struct>;
  const schema = new arrow.Schema(data.type.children, batch.schema.metadata);
  return new arrow.RecordBatch(schema, data);
}

function replaceIn(data: arrow.Data, path: number[], convert: (leaf: arrow.Data) => arrow.Data): arrow.Data {
  if (path.length === 0) return convert(data);
  const [i, ...rest] = path as [number, ...number[]];
  const children = data.children.slice();
  children[i] = replaceIn(children[i]!, rest, convert);
  const type = withChildType(data.type, i, children[i]!.type);
  return data.clone(type, data.offset, data.length, data.nullCount, data.buffers, children);
}

function withLeafType(type: arrow.DataType, path: number[], leafType: arrow.DataType): arrow.DataType {
  if (path.length === 0) return leafType;
  const [i, ...rest] = path as [number, ...number[]];
  return withChildType(type, i, withLeafType(type.children[i]!.type, rest, leafType));
}

function withChildType(type: arrow.DataType, i: number, childType: arrow.DataType): arrow.DataType {
  const fields = type.children.map((f, j) => (j === i ? f.clone({ type: childType }) : f));
  if (arrow.DataType.isStruct(type)) return new arrow.Struct(fields);
  if (arrow.DataType.isList(type)) return new arrow.List(fields[0]!);
  if (arrow.DataType.isLargeList(type)) return new arrow.LargeList(fields[0]!);
  if (arrow.DataType.isMap(type)) return new arrow.Map_(fields[0]! as arrow.Field<arrow.Struct>, type.keysSorted);
  throw new CorruptDataError(`unexpected Arrow type ${String(type)} above an INT96 column`);
}

/** A Timestamp(us, UTC) leaf with `leaf`'s validity and the given micros (element i = row i). */
export function micros(leaf: arrow.Data, values: BigInt64Array): arrow.Data {
  return arrow.makeData({
    type: INT96_ARROW_TYPE,
    offset: leaf.offset,
    length: leaf.length,
    nullCount: leaf.nullCount,
    nullBitmap: leaf.nullBitmap,
    data: values,
  });
}

/** Nanosecond leaf -> micros leaf (floor), for INT96 leaves inside lists and maps. */
export function nanosToMicros(leaf: arrow.Data): arrow.Data {
  const src = leaf.values as BigInt64Array;
  const out = new BigInt64Array(leaf.length);
  for (let i = 0; i < out.length; i++) out[i] = floorDiv(src[i]!, 1000n);
  return micros(leaf, out);
}
