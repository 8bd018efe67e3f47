/**
 * Append-only Arrow column builders for checkpoint rows: typed arrays that grow by doubling,
 * a validity bitmap only once a null appears, 64-bit integers written as 32-bit word pairs
 * (no BigInt per value). `finish()` returns an arrow.Data that VIEWS the builder's buffers and
 * starts the next batch in the same buffers: the Data is valid until the next append. Reusing
 * the buffers matters: fresh multi-megabyte buffers per batch trigger full garbage collections,
 * whose cost grows with the heap (a million loaded actions).
 */
import * as arrow from 'apache-arrow';
import { Buffer } from 'node:buffer';
import { bitmapBytes, newData, setBits } from '../arrow/data-utils.js';
import { writeBigInt } from '../arrow/int-words.js';
import type { Scalar } from '../protocol/scalar.js';

const TWO_32 = 4294967296;
const INITIAL = 1024;

/** Validity of the rows appended so far; no bitmap until the first null of a batch. */
class NullMask {
  private bits: Uint8Array | null = null;
  private active = false;
  count = 0;

  valid(i: number): void {
    if (this.active) {
      this.ensure(i);
      this.bits![i >> 3]! |= 1 << (i & 7);
    }
  }

  null(i: number): void {
    if (!this.active) {
      this.active = true;
      const need = Math.max(64, bitmapBytes(i + 1) * 2);
      if (!this.bits || this.bits.length < need) this.bits = new Uint8Array(need);
      else this.bits.fill(0);
      setBits(this.bits, 0, i);
    } else {
      this.ensure(i); // the bit stays 0
    }
    this.count++;
  }

  take(length: number): { nullBitmap?: Uint8Array; nullCount: number } {
    const out = this.active
      ? { nullBitmap: this.bits!.subarray(0, bitmapBytes(length)), nullCount: this.count }
      : { nullCount: 0 };
    this.active = false;
    this.count = 0;
    return out;
  }

  private ensure(i: number): void {
    const need = bitmapBytes(i + 1);
    if (need > this.bits!.length) {
      const grown = new Uint8Array(Math.max(need, this.bits!.length * 2));
      grown.set(this.bits!);
      this.bits = grown;
    }
  }
}

export abstract class ColumnBuilder {
  length = 0;
  protected readonly mask = new NullMask();
  constructor(readonly type: arrow.DataType) {}
  abstract appendNull(): void;
  /** Append a Scalar (protocol/scalar.ts form); values of the wrong kind become null. */
  abstract appendScalar(v: Scalar | undefined): void;
  /** The built column (a view valid until the next append); the builder is empty afterwards. */
  abstract finish(): arrow.Data;
}

type NumberArray = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** Int8/16/32, Float32/64 and Date32 (days). */
export class NumberBuilder extends ColumnBuilder {
  private values: NumberArray;
  constructor(type: arrow.DataType) {
    super(type);
    this.values = this.alloc(INITIAL);
  }
  append(v: number | null | undefined): void {
    const i = this.length++;
    if (i >= this.values.length) this.grow();
    if (v === null || v === undefined || typeof v !== 'number') {
      this.mask.null(i);
      return;
    }
    this.values[i] = v;
    this.mask.valid(i);
  }
  appendNull(): void {
    this.append(null);
  }
  appendScalar(v: Scalar | undefined): void {
    this.append(typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null);
  }
  finish(): arrow.Data {
    const data = newData({
      type: this.type,
      length: this.length,
      values: this.values.subarray(0, this.length),
      ...this.mask.take(this.length),
    });
    this.length = 0;
    return data;
  }
  private alloc(n: number): NumberArray {
    return new (this.type.ArrayType as new (n: number) => NumberArray)(n);
  }
  private grow(): void {
    const grown = this.alloc(this.values.length * 2);
    grown.set(this.values);
    this.values = grown;
  }
}

/** Int64 and Timestamp (microseconds): numbers are stored as word pairs, bigints directly. */
export class Int64Builder extends ColumnBuilder {
  private values = new BigInt64Array(INITIAL);
  private words = new Int32Array(this.values.buffer);
  append(v: number | bigint | null | undefined): void {
    const i = this.length++;
    if (i >= this.values.length) this.grow();
    if (typeof v === 'number' && Number.isFinite(v)) {
      const n = Math.trunc(v);
      const hi = Math.floor(n / TWO_32);
      this.words[2 * i] = n - hi * TWO_32;
      this.words[2 * i + 1] = hi;
    } else if (typeof v === 'bigint') {
      this.values[i] = BigInt.asIntN(64, v);
    } else {
      this.mask.null(i);
      return;
    }
    this.mask.valid(i);
  }
  appendNull(): void {
    this.append(null);
  }
  appendScalar(v: Scalar | undefined): void {
    this.append(typeof v === 'number' || typeof v === 'bigint' ? v : null);
  }
  finish(): arrow.Data {
    const data = newData({
      type: this.type,
      length: this.length,
      values: this.values.subarray(0, this.length),
      ...this.mask.take(this.length),
    });
    this.length = 0;
    return data;
  }
  private grow(): void {
    const grown = new BigInt64Array(this.values.length * 2);
    grown.set(this.values);
    this.values = grown;
    this.words = new Int32Array(grown.buffer);
  }
}

/** Decimal (128-bit) from unscaled bigints. */
export class DecimalBuilder extends ColumnBuilder {
  private values = new Uint32Array(INITIAL * 4);
  appendNull(): void {
    this.appendScalar(null);
  }
  appendScalar(v: Scalar | undefined): void {
    const i = this.length++;
    if (i * 4 >= this.values.length) {
      const grown = new Uint32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    if (typeof v !== 'bigint' || BigInt.asIntN(128, v) !== v) {
      this.mask.null(i);
      return;
    }
    writeBigInt(this.values, i * 4, 4, v);
    this.mask.valid(i);
  }
  finish(): arrow.Data {
    const data = newData({
      type: this.type,
      length: this.length,
      values: this.values.subarray(0, this.length * 4),
      ...this.mask.take(this.length),
    });
    this.length = 0;
    return data;
  }
}

export class BoolBuilder extends ColumnBuilder {
  private values = new Uint8Array(INITIAL >> 3);
  constructor() {
    super(new arrow.Bool());
  }
  append(v: boolean | null | undefined): void {
    const i = this.length++;
    if (i >> 3 >= this.values.length) {
      const grown = new Uint8Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    // Set or clear explicitly: the buffer is reused from the previous batch.
    if (v === true) this.values[i >> 3]! |= 1 << (i & 7);
    else this.values[i >> 3]! &= ~(1 << (i & 7));
    if (typeof v !== 'boolean') this.mask.null(i);
    else this.mask.valid(i);
  }
  appendNull(): void {
    this.append(null);
  }
  appendScalar(v: Scalar | undefined): void {
    this.append(typeof v === 'boolean' ? v : null);
  }
  finish(): arrow.Data {
    const data = newData({
      type: this.type,
      length: this.length,
      values: this.values.subarray(0, bitmapBytes(this.length)),
      ...this.mask.take(this.length),
    });
    this.length = 0;
    return data;
  }
}

/** Utf8 (strings, encoded in place) and Binary (byte arrays). */
export class BytesBuilder extends ColumnBuilder {
  private offsets = new Int32Array(INITIAL + 1);
  // A Buffer for its write(): twice as fast as TextEncoder.encodeInto and allocation-free.
  private bytes = Buffer.allocUnsafeSlow(INITIAL * 32);
  private used = 0;
  constructor(type: arrow.DataType = new arrow.Utf8()) {
    super(type);
  }
  append(v: string | Uint8Array | null | undefined): void {
    const i = this.length++;
    if (i + 1 >= this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    if (typeof v === 'string') {
      this.reserve(v.length * 3);
      this.used += this.bytes.write(v, this.used, 'utf8');
    } else if (v instanceof Uint8Array) {
      this.reserve(v.length);
      this.bytes.set(v, this.used);
      this.used += v.length;
    } else {
      this.mask.null(i);
      this.offsets[i + 1] = this.used;
      return;
    }
    this.offsets[i + 1] = this.used;
    this.mask.valid(i);
  }
  appendNull(): void {
    this.append(null);
  }
  appendScalar(v: Scalar | undefined): void {
    this.append(typeof v === 'string' || v instanceof Uint8Array ? v : null);
  }
  finish(): arrow.Data {
    const data = newData({
      type: this.type,
      length: this.length,
      valueOffsets: this.offsets.subarray(0, this.length + 1),
      values: new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.used),
      ...this.mask.take(this.length),
    });
    this.used = 0;
    this.length = 0;
    return data;
  }
  private reserve(n: number): void {
    if (this.used + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.used + n));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }
}

/** A struct column: `appendValid()` then one append on every child, or `appendNull()`. */
export class StructBuilder extends ColumnBuilder {
  constructor(
    type: arrow.Struct,
    readonly children: ColumnBuilder[],
  ) {
    super(type);
  }
  appendValid(): void {
    this.mask.valid(this.length++);
  }
  appendNull(): void {
    this.mask.null(this.length++);
    for (const c of this.children) c.appendNull();
  }
  appendScalar(): void {
    this.appendNull(); // structs are filled field by field, never from one Scalar
  }
  finish(): arrow.Data {
    const children = this.children.map((c) => c.finish());
    const data = newData({ type: this.type, length: this.length, children, ...this.mask.take(this.length) });
    this.length = 0;
    return data;
  }
}

/** Offsets + validity shared by list<string> and map<string,string>. */
abstract class NestedStrings extends ColumnBuilder {
  protected offsets = new Int32Array(INITIAL + 1);
  protected count = 0;
  protected begin(): number {
    const i = this.length++;
    if (i + 1 >= this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    return i;
  }
  appendNull(): void {
    const i = this.begin();
    this.offsets[i + 1] = this.count;
    this.mask.null(i);
  }
  appendScalar(): void {
    this.appendNull();
  }
  protected takeOffsets(): Int32Array {
    const out = this.offsets.subarray(0, this.length + 1);
    this.count = 0;
    return out;
  }
}

/** list<string> (e.g. `partitionColumns`, `readerFeatures`). */
export class StringListBuilder extends NestedStrings {
  private readonly items = new BytesBuilder();
  append(list: readonly (string | null)[] | null | undefined): void {
    if (!Array.isArray(list)) return this.appendNull();
    const i = this.begin();
    for (const s of list) this.items.append(s);
    this.count += list.length;
    this.offsets[i + 1] = this.count;
    this.mask.valid(i);
  }
  finish(): arrow.Data {
    const length = this.length;
    const valueOffsets = this.takeOffsets();
    const children = [this.items.finish()];
    this.length = 0;
    return newData({ type: this.type, length, valueOffsets, children, ...this.mask.take(length) });
  }
}

/** map<string,string> from a plain object (e.g. `partitionValues`, `configuration`, `tags`). */
export class StringMapBuilder extends NestedStrings {
  private readonly keys = new BytesBuilder();
  private readonly values = new BytesBuilder();
  append(obj: Readonly<Record<string, string | null>> | null | undefined): void {
    if (!obj || typeof obj !== 'object') return this.appendNull();
    const i = this.begin();
    for (const k in obj) {
      const v = obj[k];
      this.keys.append(k);
      this.values.append(typeof v === 'string' ? v : v === null || v === undefined ? null : String(v));
      this.count++;
    }
    this.offsets[i + 1] = this.count;
    this.mask.valid(i);
  }
  finish(): arrow.Data {
    const length = this.length;
    const entriesType = (this.type as arrow.Map_).children[0]!.type;
    const entryCount = this.count;
    const valueOffsets = this.takeOffsets();
    const entries = newData({
      type: entriesType,
      length: entryCount,
      nullCount: 0,
      children: [this.keys.finish(), this.values.finish()],
    });
    this.length = 0;
    return newData({ type: this.type, length, valueOffsets, children: [entries], ...this.mask.take(length) });
  }
}

/** A builder for a primitive Arrow type, filled from Scalars (stats and partition values). */
export function scalarBuilder(type: arrow.DataType): ColumnBuilder {
  switch (type.typeId) {
    case arrow.Type.Int:
      return (type as arrow.Int).bitWidth === 64 ? new Int64Builder(type) : new NumberBuilder(type);
    case arrow.Type.Float:
    case arrow.Type.Date:
      return new NumberBuilder(type);
    case arrow.Type.Timestamp:
      return new Int64Builder(type);
    case arrow.Type.Decimal:
      return new DecimalBuilder(type);
    case arrow.Type.Bool:
      return new BoolBuilder();
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
      return new BytesBuilder(type);
    default:
      throw new TypeError(`no checkpoint column builder for Arrow type ${String(type)}`);
  }
}
