/**
 * Generic (slower, complete) evaluation of value expressions over one segment: reads any
 * Arrow layout into Delta Scalar form, applies casts and arithmetic. The fast paths in
 * eval-arrow.ts cover the common column-vs-literal shapes without this.
 */
import { DateUnit, Precision, TimeUnit, Type, makeVector } from 'apache-arrow';
import type { Data, Date_, Decimal, Float, Timestamp } from 'apache-arrow';
import { ExpressionError } from '../errors.js';
import type { Scalar } from '../protocol/scalar.js';
import type { DataType } from '../protocol/schema.js';
import { formatDataType } from '../protocol/schema.js';
import type { ColumnSlice } from './arrow-access.js';
import { pathKey, validity } from './arrow-access.js';
import type { BoundExpr } from './bound.js';
import { castScalar, isTransparentNumberCast, pow10 } from './scalar-ops.js';

/** Evaluation state of one segment: its length and the slice of every referenced column. */
export interface SegmentCtx {
  readonly len: number;
  readonly slices: ReadonlyMap<string, ColumnSlice>;
}

/** A column of values for one segment; `constant` vectors hold one value for all rows. */
export interface Vec {
  readonly values: ArrayLike<Scalar>;
  /** 1 = present; null = no nulls (for constants: the value itself may be null). */
  readonly valid: Uint8Array | null;
  readonly constant: boolean;
}

export function isPresent(v: Vec, i: number): boolean {
  return v.constant ? v.values[0] !== null : v.valid === null || v.valid[i] === 1;
}

export function valueAt(v: Vec, i: number): Scalar {
  return v.values[v.constant ? 0 : i];
}

export function sliceOf(ctx: SegmentCtx, path: readonly string[]): ColumnSlice {
  const s = ctx.slices.get(pathKey(path));
  if (!s) throw new ExpressionError(`internal: column ${path.join('.')} was not resolved`);
  return s;
}

/** Evaluate a value expression (column, literal, cast, arithmetic) for every row of the segment. */
export function materialize(e: BoundExpr, ctx: SegmentCtx): Vec {
  switch (e.kind) {
    case 'literal':
      return { values: [e.value], valid: null, constant: true };
    case 'column': {
      const s = sliceOf(ctx, e.path);
      return { values: readValues(s, ctx.len, e.type), valid: validity(s, ctx.len), constant: false };
    }
    case 'cast': {
      const inner = materialize(e.arg, ctx);
      if (isTransparentNumberCast(e.arg.type, e.type) && e.type.type !== 'long') return inner;
      const from = e.arg.type;
      if (inner.constant) return { ...inner, values: [castScalar(inner.values[0], from, e.type)] };
      const out = new Array<Scalar>(ctx.len);
      for (let i = 0; i < ctx.len; i++) out[i] = isPresent(inner, i) ? castScalar(inner.values[i], from, e.type) : null;
      return { values: out, valid: inner.valid, constant: false };
    }
    case 'arith':
      return arith(e.op, e.type, materialize(e.left, ctx), materialize(e.right, ctx), ctx.len);
    default:
      throw new ExpressionError(`internal: ${e.kind} is not a value expression`);
  }
}

function arith(op: string, type: DataType, l: Vec, r: Vec, len: number): Vec {
  const valid = new Uint8Array(len);
  const la = l.values;
  const ra = r.values;
  const lc = l.constant;
  const rc = r.constant;
  const lv = l.valid;
  const rv = r.valid;
  if ((lc && la[0] === null) || (rc && ra[0] === null))
    return { values: new Float64Array(len), valid, constant: false };
  if (type.type === 'long' || type.type === 'decimal') {
    // long: stores wrap to 64 bits, like Spark's non-ANSI long math; decimal (only `%`): exact.
    const out = type.type === 'long' ? new BigInt64Array(len) : new Array<Scalar>(len).fill(null);
    for (let i = 0; i < len; i++) {
      if ((lv !== null && lv[i] === 0) || (rv !== null && rv[i] === 0)) continue;
      const a = la[lc ? 0 : i] as bigint;
      const b = ra[rc ? 0 : i] as bigint;
      if (op === '%' && b === 0n) continue; // remainder by zero is NULL (Spark, non-ANSI)
      out[i] = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a % b; // % keeps the dividend's sign
      valid[i] = 1;
    }
    return { values: out, valid, constant: false };
  }
  const out = new Float64Array(len);
  const code = op === '+' ? 0 : op === '-' ? 1 : op === '*' ? 2 : op === '/' ? 3 : 4;
  for (let i = 0; i < len; i++) {
    if ((lv !== null && lv[i] === 0) || (rv !== null && rv[i] === 0)) continue;
    const a = la[lc ? 0 : i] as number;
    const b = ra[rc ? 0 : i] as number;
    if (code >= 3 && b === 0) continue; // division or remainder by zero is NULL (Spark, non-ANSI)
    out[i] = code === 0 ? a + b : code === 1 ? a - b : code === 2 ? a * b : code === 3 ? a / b : a % b;
    valid[i] = 1;
  }
  return { values: out, valid, constant: false };
}

const decoder = new TextDecoder();

/** Read `len` rows of a slice as Delta Scalars of `type` (null slots hold arbitrary values). */
export function readValues(s: ColumnSlice, len: number, type: DataType): ArrayLike<Scalar> {
  const d = s.leaf;
  const off = s.off;
  const t = d.type;
  switch (t.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Date: {
      if (t.typeId === Type.Float && (t as Float).precision === Precision.HALF) break;
      if (t.typeId === Type.Date && (t as Date_).unit !== DateUnit.DAY) break;
      const v = (d.values as Int32Array | BigInt64Array | Float64Array).subarray(off, off + len);
      const big = v instanceof BigInt64Array || v instanceof BigUint64Array;
      if (type.type === 'long') return big ? v : Array.from(v as Int32Array, (x) => BigInt(x));
      if (type.type === 'decimal')
        return Array.from(v as ArrayLike<number | bigint>, (x) => BigInt(x) * pow10(type.scale));
      return big ? Array.from(v as BigInt64Array, Number) : v;
    }
    case Type.Timestamp: {
      const v = (d.values as BigInt64Array).subarray(off, off + len);
      const unit = (t as Timestamp).unit;
      if (unit === TimeUnit.MICROSECOND) return v;
      const f = unit === TimeUnit.SECOND ? 1_000_000n : unit === TimeUnit.MILLISECOND ? 1000n : 1n;
      return Array.from(v, (x) => (unit === TimeUnit.NANOSECOND ? floorDiv1000(x) : x * f));
    }
    case Type.Decimal: {
      const dt = t as Decimal;
      const stride = dt.bitWidth / 32;
      const words = d.values as Uint32Array;
      const shift = type.type === 'decimal' ? type.scale - dt.scale : 0;
      const out = new Array<Scalar>(len);
      for (let i = 0; i < len; i++) {
        const v = readDecimalWords(words, (off + i) * stride, stride);
        out[i] = shift >= 0 ? v * pow10(shift) : v / pow10(-shift);
      }
      if (type.type === 'double' || type.type === 'float') {
        const scale = dt.scale;
        return out.map((x) => Number(x) / 10 ** scale);
      }
      return out;
    }
    case Type.Utf8:
    case Type.Binary: {
      const offs = d.valueOffsets as Int32Array;
      const bytes = d.values as Uint8Array;
      const out = new Array<Scalar>(len);
      for (let i = 0; i < len; i++) {
        const sub = bytes.subarray(offs[off + i], offs[off + i + 1]);
        out[i] = t.typeId === Type.Utf8 && type.type === 'string' ? decoder.decode(sub) : sub;
      }
      return out;
    }
    case Type.Bool: {
      const bits = d.values as Uint8Array;
      const out = new Array<Scalar>(len);
      for (let i = 0; i < len; i++) {
        const b = d.offset + off + i;
        out[i] = (bits[b >> 3] & (1 << (b & 7))) !== 0;
      }
      return out;
    }
    default:
      break;
  }
  return readViaGet(d, off, len, type);
}

function floorDiv1000(x: bigint): bigint {
  const q = x / 1000n;
  return x % 1000n < 0n ? q - 1n : q;
}

/** Signed two's-complement integer from `stride` little-endian 32-bit words. */
export function readDecimalWords(words: Uint32Array, base: number, stride: number): bigint {
  let v = 0n;
  for (let k = stride - 1; k >= 0; k--) v = (v << 32n) | BigInt(words[base + k]);
  return BigInt.asIntN(32 * stride, v);
}

// Uncommon layouts (dictionary, large/view strings, Date64, ...): Arrow's own accessor, converted.
function readViaGet(d: Data, off: number, len: number, type: DataType): Scalar[] {
  const vec = makeVector(d);
  const out = new Array<Scalar>(len);
  for (let i = 0; i < len; i++) out[i] = toScalar(vec.get(off + i), type);
  return out;
}

function toScalar(v: unknown, type: DataType): Scalar {
  if (v === null || v === undefined) return null;
  switch (type.type) {
    case 'long':
      return typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
    case 'date':
      return Math.floor(Number(v instanceof Date ? v.getTime() : v) / 86_400_000);
    case 'timestamp':
    case 'timestamp_ntz':
      return typeof v === 'bigint' ? v : BigInt(Math.round(Number(v instanceof Date ? v.getTime() : v) * 1000));
    case 'string':
      return String(v);
    case 'boolean':
      return Boolean(v);
    case 'binary':
      return v instanceof Uint8Array ? v : null;
    default:
      if (typeof v === 'number' || typeof v === 'bigint') return v;
      throw new ExpressionError(`cannot read Arrow value of type ${typeof v} as ${formatDataType(type)}`);
  }
}
