/**
 * Low-level helpers shared by the Arrow kernels: validity bitmaps, Data construction,
 * 64-bit offsets and fixed-width value views.
 *
 * Arrow JS layout conventions these kernels rely on (see apache-arrow `visitor/get.ts`):
 * - fixed-width `values` and `valueOffsets` are already sliced to the Data's first row;
 *   `Data.offset` applies only to the validity bitmap and to Bool value bits;
 * - children of variable-size lists/maps are not sliced (offsets index into them);
 *   children of structs and fixed-size lists are sliced with their parent.
 */
import * as arrow from 'apache-arrow';

type DataBuffers = ConstructorParameters<typeof arrow.Data>[4];

export type Offsets = Int32Array | BigInt64Array;
export type Indices = Uint32Array | Int32Array;

export interface DataParts {
  type: arrow.DataType;
  length: number;
  nullCount?: number;
  nullBitmap?: Uint8Array;
  values?: ArrayBufferView;
  valueOffsets?: Offsets;
  children?: arrow.Data[];
  dictionary?: arrow.Vector;
  variadicBuffers?: readonly Uint8Array[];
}

/** Build a Data with offset 0 straight from buffers (no validation or copying). */
export function newData(p: DataParts): arrow.Data {
  const nullCount = p.nullBitmap ? (p.nullCount ?? -1) : (p.nullCount ?? 0);
  const buffers = [p.valueOffsets, p.values, p.nullBitmap] as unknown as DataBuffers;
  return new arrow.Data(
    p.type,
    0,
    p.length,
    nullCount,
    buffers,
    p.children ?? [],
    p.dictionary,
    p.variadicBuffers ?? [],
  );
}

/** A RecordBatch from columns of equal length (the schema is kept as given). */
export function batchOf(schema: arrow.Schema, columns: arrow.Data[], length: number): arrow.RecordBatch {
  const data = newData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children: columns });
  return new arrow.RecordBatch(schema, data as arrow.Data<arrow.Struct>);
}

/** Same rows and validity as `data`, new type and (optionally) new buffers/children; keeps the offset. */
export function withBuffers(
  data: arrow.Data,
  type: arrow.DataType,
  p: { values?: ArrayBufferView; valueOffsets?: Offsets; children?: arrow.Data[]; dictionary?: arrow.Vector },
): arrow.Data {
  const buffers = [
    p.valueOffsets ?? data.valueOffsets,
    p.values ?? data.values,
    data.nullBitmap,
  ] as unknown as DataBuffers;
  return new arrow.Data(
    type,
    data.offset,
    data.length,
    data.nullCount,
    buffers,
    p.children ?? data.children,
    p.dictionary ?? data.dictionary,
    data.variadicBuffers,
  );
}

/** The validity bitmap if `data` has nulls, else null. Null-typed data has no bitmap: check its typeId. */
export function nullBitmapOf(data: arrow.Data): Uint8Array | null {
  const bm = data.nullBitmap;
  if (!bm || bm.length === 0) return null;
  return data.nullCount === 0 ? null : bm;
}

/** True when row `i` of `data` is null. */
export function isNullAt(data: arrow.Data, i: number): boolean {
  if (data.typeId === arrow.Type.Null) return true;
  const bm = nullBitmapOf(data);
  if (bm === null) return false;
  const p = data.offset + i;
  return ((bm[p >> 3] >> (p & 7)) & 1) === 0;
}

export function bitmapBytes(length: number): number {
  return (length + 7) >> 3;
}

/** Copy `length` bits from src (starting at bit srcOff) to dst (starting at bit dstOff). */
export function copyBits(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, length: number): void {
  let s = srcOff;
  let d = dstOff;
  let left = length;
  // Bit by bit until dst is byte-aligned (or done).
  while (left > 0 && (d & 7) !== 0) {
    if ((src[s >> 3] >> (s & 7)) & 1) dst[d >> 3] |= 1 << (d & 7);
    else dst[d >> 3] &= ~(1 << (d & 7));
    s++;
    d++;
    left--;
  }
  const whole = left >> 3;
  if (whole > 0) {
    const shift = s & 7;
    const sb = s >> 3;
    const db = d >> 3;
    if (shift === 0) dst.set(src.subarray(sb, sb + whole), db);
    else for (let k = 0; k < whole; k++) dst[db + k] = (src[sb + k] >> shift) | (src[sb + k + 1] << (8 - shift));
    s += whole << 3;
    d += whole << 3;
    left -= whole << 3;
  }
  for (; left > 0; left--, s++, d++) {
    if ((src[s >> 3] >> (s & 7)) & 1) dst[d >> 3] |= 1 << (d & 7);
    else dst[d >> 3] &= ~(1 << (d & 7));
  }
}

/** Set bits [from, from + length) of dst to 1. */
export function setBits(dst: Uint8Array, from: number, length: number): void {
  let i = from;
  const end = from + length;
  while (i < end && (i & 7) !== 0) {
    dst[i >> 3] |= 1 << (i & 7);
    i++;
  }
  const wholeEnd = end & ~7;
  if (i < wholeEnd) {
    dst.fill(0xff, i >> 3, wholeEnd >> 3);
    i = wholeEnd;
  }
  for (; i < end; i++) dst[i >> 3] |= 1 << (i & 7);
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, i) => {
  let c = 0;
  for (let v = i; v; v >>= 1) c += v & 1;
  return c;
});

/** Count the set bits among the first `length` bits of a bitmap that starts at bit 0. */
export function countBits(bm: Uint8Array, length: number): number {
  let n = 0;
  const whole = length >> 3;
  for (let b = 0; b < whole; b++) n += POPCOUNT[bm[b]];
  for (let i = whole << 3; i < length; i++) n += (bm[i >> 3] >> (i & 7)) & 1;
  return n;
}

/** A 0-length Data of any type (used for empty children and empty batches). */
export function emptyData(type: arrow.DataType): arrow.Data {
  switch (type.typeId) {
    case arrow.Type.Null:
      return newData({ type, length: 0 });
    case arrow.Type.Struct:
      return newData({ type, length: 0, children: type.children.map((f) => emptyData(f.type)) });
    case arrow.Type.List:
    case arrow.Type.Map:
      return newData({
        type,
        length: 0,
        valueOffsets: new Int32Array(1),
        children: [emptyData(type.children[0].type)],
      });
    case arrow.Type.LargeList:
      return newData({
        type,
        length: 0,
        valueOffsets: new BigInt64Array(1),
        children: [emptyData(type.children[0].type)],
      });
    case arrow.Type.FixedSizeList:
      return newData({ type, length: 0, children: [emptyData(type.children[0].type)] });
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
      return newData({ type, length: 0, valueOffsets: new Int32Array(1), values: new Uint8Array(0) });
    case arrow.Type.LargeUtf8:
    case arrow.Type.LargeBinary:
      return newData({ type, length: 0, valueOffsets: new BigInt64Array(1), values: new Uint8Array(0) });
    case arrow.Type.Dictionary: {
      const dict = type as arrow.Dictionary;
      return newData({
        type,
        length: 0,
        values: new dict.indices.ArrayType(0),
        dictionary: new arrow.Vector([emptyData(dict.dictionary)]),
      });
    }
    default:
      return newData({ type, length: 0, values: new (valuesCtor(type))(0) });
  }
}

type TypedArrayCtor = new (length: number) => ArrayBufferView & { length: number };

/** Constructor of the `values` buffer of a fixed-width type. */
export function valuesCtor(type: arrow.DataType): TypedArrayCtor {
  if (type.typeId === arrow.Type.Utf8View || type.typeId === arrow.Type.BinaryView) return Uint8Array;
  // Dictionary.ArrayType is the value type's; the buffer holds the indices.
  if (type.typeId === arrow.Type.Dictionary) return (type as arrow.Dictionary).indices.ArrayType as TypedArrayCtor;
  return type.ArrayType as TypedArrayCtor;
}

/** Elements of `values` per row for a fixed-width type (Arrow JS "stride"). */
export function strideOf(type: arrow.DataType): number {
  switch (type.typeId) {
    case arrow.Type.Decimal:
      return (type as arrow.Decimal).bitWidth / 32;
    case arrow.Type.FixedSizeBinary:
      return (type as arrow.FixedSizeBinary).byteWidth;
    case arrow.Type.FixedSizeList:
      return (type as arrow.FixedSizeList).listSize;
    case arrow.Type.Interval:
      return (type as arrow.Interval).unit === arrow.IntervalUnit.MONTH_DAY_NANO
        ? 4
        : (type as arrow.Interval).unit + 1;
    case arrow.Type.Utf8View:
    case arrow.Type.BinaryView:
      return 16;
    default:
      return 1;
  }
}

/** Same physical layout and parameters (field names and nullability ignored). */
export function sameType(a: arrow.DataType, b: arrow.DataType): boolean {
  if (a === b) return true;
  if (a.typeId !== b.typeId) return false;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  for (const k of ['bitWidth', 'isSigned', 'precision', 'scale', 'unit', 'byteWidth', 'listSize']) {
    if (x[k] !== y[k]) return false;
  }
  if ((x.timezone ?? null) !== (y.timezone ?? null)) return false;
  if (a.typeId === arrow.Type.Dictionary) {
    const [da, db] = [a as arrow.Dictionary, b as arrow.Dictionary];
    return sameType(da.indices, db.indices) && sameType(da.dictionary, db.dictionary);
  }
  const ca = a.children ?? [];
  const cb = b.children ?? [];
  return ca.length === cb.length && ca.every((f, i) => sameType(f.type, cb[i].type));
}

/** Types whose rows are a fixed number of bytes in `values` (Bool excluded: it is bit-packed). */
export function isFixedWidth(type: arrow.DataType): boolean {
  switch (type.typeId) {
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Decimal:
    case arrow.Type.Date:
    case arrow.Type.Time:
    case arrow.Type.Timestamp:
    case arrow.Type.Interval:
    case arrow.Type.Duration:
    case arrow.Type.FixedSizeBinary:
    case arrow.Type.Dictionary:
    case arrow.Type.Utf8View:
    case arrow.Type.BinaryView:
      return true;
    default:
      return false;
  }
}

/** Int32 view (2 words per value, little-endian) over a 64-bit integer array, for BigInt-free copies. */
export function int32Words(a: BigInt64Array | BigUint64Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length * 2);
}

const TWO_32 = 4294967296;

/** Value offsets as plain numbers: Int32 offsets are returned as is, 64-bit ones converted. */
export function offsetsAsNumbers(offsets: Offsets, count: number): Int32Array | Float64Array {
  if (offsets instanceof Int32Array) return offsets;
  const w = int32Words(offsets);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = w[2 * i + 1] * TWO_32 + (w[2 * i] >>> 0);
  return out;
}

/** Float64 offsets (non-negative, < 2^53) -> BigInt64Array without per-value BigInt allocation. */
export function toBigOffsets(offsets: Float64Array): BigInt64Array {
  const out = new BigInt64Array(offsets.length);
  const w = int32Words(out);
  for (let i = 0; i < offsets.length; i++) {
    const v = offsets[i];
    const hi = Math.floor(v / TWO_32);
    w[2 * i] = v - hi * TWO_32;
    w[2 * i + 1] = hi;
  }
  return out;
}

/** Bytes of row `i` of a Utf8View/BinaryView Data (16-byte views, inline or in a variadic buffer). */
export function viewBytes(data: arrow.Data, i: number): Uint8Array {
  const views = data.values as Uint8Array;
  const at = i * 16;
  const dv = new DataView(views.buffer, views.byteOffset + at, 16);
  const size = dv.getInt32(0, true);
  if (size <= 0) return new Uint8Array(0);
  if (size <= 12) return views.subarray(at + 4, at + 4 + size);
  const buf = data.variadicBuffers[dv.getInt32(8, true)];
  const off = dv.getInt32(12, true);
  return buf.subarray(off, off + size);
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
