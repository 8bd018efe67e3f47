/**
 * Row filtering: evaluate a bound predicate over an Arrow RecordBatch (or Table) and
 * return a keep mask. SQL three-valued logic is carried per row as 0 = false, 1 = NULL,
 * 2 = true, so AND = min, OR = max, NOT = 2 - x; only 2 is kept. Column-vs-literal
 * comparisons, IN and simple LIKE run as typed-array loops (fast-loops.ts); dictionary
 * columns are evaluated once per dictionary entry; everything else goes through
 * eval-values.ts.
 */
import { DateUnit, Precision, TimeUnit, Type } from 'apache-arrow';
import type { Data, Date_, Decimal, Float, Int, Timestamp } from 'apache-arrow';
import { ExpressionError } from '../errors.js';
import type { Scalar } from '../protocol/scalar.js';
import type { DataType } from '../protocol/schema.js';
import type { ArrowInput, ColumnSlice } from './arrow-access.js';
import { markNulls, pathKey, resolveColumn, segments } from './arrow-access.js';
import type { BoundColumn, BoundCompare, BoundExpr, BoundIn, BoundLike } from './bound.js';
import { columnsOf } from './columns.js';
import { materialize, isPresent, readValues, sliceOf, valueAt } from './eval-values.js';
import type { SegmentCtx, Vec } from './eval-values.js';
import {
  OP_TABLE,
  bigintWords,
  cmpBool,
  cmpBytes,
  cmpDecimal,
  cmpInt64,
  cmpNumbers,
  inBytes,
  inInt64,
  inNumbers,
  likeBytes,
} from './fast-loops.js';
import { compileLike, likeMatches } from './like.js';
import { compareScalars, isNumberType, isTransparentNumberCast } from './scalar-ops.js';

const FALSE = 0;
const NULL = 1;
const TRUE = 2;

/**
 * Evaluate `bound` (from bind()) on every row; returns 1 where the predicate is TRUE and
 * 0 where it is FALSE or NULL. Columns are found by logical name path.
 */
export function evaluatePredicate(bound: BoundExpr, batch: ArrowInput): Uint8Array {
  const numRows = batch.numRows;
  const mask = new Uint8Array(numRows);
  if (numRows === 0) return mask;
  const paths = columnsOf(bound);
  const keys = paths.map(pathKey);
  const chunks = paths.map((p) => resolveColumn(batch, p));
  for (const seg of segments(numRows, chunks)) {
    const slices = new Map<string, ColumnSlice>();
    keys.forEach((k, i) => slices.set(k, seg.slices[i]));
    const out = mask.subarray(seg.start, seg.start + seg.length);
    evalPred(bound, { len: seg.length, slices }, out);
  }
  statesToMask(mask);
  return mask;
}

/** 2 (TRUE) -> 1, 0/1 (FALSE/NULL) -> 0, four bytes at a time. */
function statesToMask(m: Uint8Array): void {
  const words = m.length >>> 2;
  const w = new Uint32Array(m.buffer, m.byteOffset, words); // fresh buffer, so aligned
  for (let i = 0; i < words; i++) w[i] = (w[i] >>> 1) & 0x01010101;
  for (let i = words << 2; i < m.length; i++) m[i] >>= 1;
}

/** Write the three-valued state of `e` for each row of the segment into `out`. */
function evalPred(e: BoundExpr, ctx: SegmentCtx, out: Uint8Array): void {
  const len = ctx.len;
  switch (e.kind) {
    case 'literal':
      out.fill(e.value === true ? TRUE : e.value === null ? NULL : FALSE);
      return;
    case 'and':
    case 'or': {
      const isAnd = e.kind === 'and';
      evalPred(e.args[0], ctx, out);
      if (e.args.length === 1) return;
      const tmp = new Uint8Array(len);
      for (let k = 1; k < e.args.length; k++) {
        // Short-circuit: nothing left to change once every row is decided.
        if (isAnd ? allEqual(out, FALSE) : allEqual(out, TRUE)) return;
        evalPred(e.args[k], ctx, tmp);
        if (isAnd) for (let i = 0; i < len; i++) out[i] = tmp[i] < out[i] ? tmp[i] : out[i];
        else for (let i = 0; i < len; i++) out[i] = tmp[i] > out[i] ? tmp[i] : out[i];
      }
      return;
    }
    case 'not':
      evalPred(e.arg, ctx, out);
      for (let i = 0; i < len; i++) out[i] = TRUE - out[i];
      return;
    case 'isNull': {
      if (e.arg.kind === 'column') {
        out.fill(FALSE);
        markNulls(sliceOf(ctx, e.arg.path), len, out, TRUE);
        return;
      }
      const v = materialize(e.arg, ctx);
      for (let i = 0; i < len; i++) out[i] = isPresent(v, i) ? FALSE : TRUE;
      return;
    }
    case 'column': {
      // A boolean column used as a predicate.
      const s = sliceOf(ctx, e.path);
      if (s.leaf.type.typeId === Type.Bool)
        cmpBool(s.leaf.values as Uint8Array, s.leaf.offset + s.off, len, true, OP_TABLE['='], out);
      else {
        const vals = readValues(s, len, e.type);
        for (let i = 0; i < len; i++) out[i] = vals[i] === true ? TRUE : FALSE;
      }
      markNulls(s, len, out, NULL);
      return;
    }
    case 'compare':
      if (!fastCompare(e, ctx, out)) genericCompare(e, ctx, out);
      return;
    case 'in':
      if (!fastIn(e, ctx, out)) genericIn(e, ctx, out);
      return;
    case 'like':
      if (!fastLike(e, ctx, out)) genericLike(e, ctx, out);
      return;
    default:
      throw new ExpressionError(`internal: ${e.kind} is not a predicate`);
  }
}

function allEqual(a: Uint8Array, v: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== v) return false;
  return true;
}

/** The column under `e` when reading it needs no per-row conversion (a column, or a number widening). */
function directColumn(e: BoundExpr): BoundColumn | undefined {
  if (e.kind === 'column') return e;
  if (e.kind === 'cast' && e.arg.kind === 'column' && isTransparentNumberCast(e.arg.type, e.type)) return e.arg;
  return undefined;
}

type Physical = 'number' | 'int64' | 'decimal' | 'bytes' | 'bool' | undefined;

/** Which fast loop can read this Arrow data as the column's Delta type without conversion. */
function physical(d: Data, type: DataType): Physical {
  const t = d.type;
  switch (t.typeId) {
    case Type.Int: {
      const it = t as Int;
      if (!it.isSigned) return undefined;
      if (it.bitWidth === 64) return type.type === 'long' ? 'int64' : undefined;
      return isNumberType(type) && type.type !== 'date' ? 'number' : undefined;
    }
    case Type.Float:
      return (t as Float).precision !== Precision.HALF && (type.type === 'float' || type.type === 'double')
        ? 'number'
        : undefined;
    case Type.Date:
      return (t as Date_).unit === DateUnit.DAY && type.type === 'date' ? 'number' : undefined;
    case Type.Timestamp:
      return (t as Timestamp).unit === TimeUnit.MICROSECOND &&
        (type.type === 'timestamp' || type.type === 'timestamp_ntz')
        ? 'int64'
        : undefined;
    case Type.Decimal:
      return type.type === 'decimal' && (t as Decimal).scale === type.scale ? 'decimal' : undefined;
    case Type.Utf8:
      return type.type === 'string' ? 'bytes' : undefined;
    case Type.Binary:
      return type.type === 'binary' ? 'bytes' : undefined;
    case Type.Bool:
      return type.type === 'boolean' ? 'bool' : undefined;
    default:
      return undefined;
  }
}

const encoder = new TextEncoder();

function litBytes(v: Scalar): Uint8Array {
  return typeof v === 'string' ? encoder.encode(v) : (v as Uint8Array);
}

function fastCompare(e: BoundCompare, ctx: SegmentCtx, out: Uint8Array): boolean {
  const col = directColumn(e.left);
  if (!col || e.right.kind !== 'literal') return false;
  const s = sliceOf(ctx, col.path);
  if (s.leaf.type.typeId === Type.Dictionary)
    return viaDictionary(e, col, s, ctx.len, out, e.op === '<=>' ? FALSE : NULL);
  const lit = e.right.value;
  if (lit === null) {
    out.fill(NULL);
    return true;
  }
  const d = s.leaf;
  const len = ctx.len;
  const table = OP_TABLE[e.op];
  switch (physical(d, col.type)) {
    case 'number':
      cmpNumbers(d.values as Int32Array, s.off, len, Number(lit), table, out);
      break;
    case 'int64':
      cmpInt64(d.values as BigInt64Array, s.off, len, lit as bigint, table, out);
      break;
    case 'decimal': {
      const stride = (d.type as Decimal).bitWidth / 32;
      const words = bigintWords(lit as bigint, stride);
      if (!words) return false;
      cmpDecimal(d.values as Uint32Array, stride, s.off, len, words, table, out);
      break;
    }
    case 'bytes':
      cmpBytes(d.valueOffsets as Int32Array, d.values as Uint8Array, s.off, len, litBytes(lit), table, out);
      break;
    case 'bool':
      cmpBool(d.values as Uint8Array, d.offset + s.off, len, lit as boolean, table, out);
      break;
    default:
      return false;
  }
  markNulls(s, len, out, e.op === '<=>' ? FALSE : NULL);
  return true;
}

function fastIn(e: BoundIn, ctx: SegmentCtx, out: Uint8Array): boolean {
  const col = directColumn(e.arg);
  if (!col) return false;
  const s = sliceOf(ctx, col.path);
  if (s.leaf.type.typeId === Type.Dictionary) return viaDictionary(e, col, s, ctx.len, out, NULL);
  const d = s.leaf;
  const miss = e.hasNull ? NULL : FALSE;
  switch (physical(d, col.type)) {
    case 'number':
      inNumbers(d.values as Int32Array, s.off, ctx.len, e.values.map(Number), miss, out);
      break;
    case 'int64':
      inInt64(d.values as BigInt64Array, s.off, ctx.len, e.values as bigint[], miss, out);
      break;
    case 'bytes':
      inBytes(d.valueOffsets as Int32Array, d.values as Uint8Array, s.off, ctx.len, e.values.map(litBytes), miss, out);
      break;
    default:
      return false;
  }
  markNulls(s, ctx.len, out, NULL);
  return true;
}

function fastLike(e: BoundLike, ctx: SegmentCtx, out: Uint8Array): boolean {
  if (e.arg.kind !== 'column') return false;
  const s = sliceOf(ctx, e.arg.path);
  if (s.leaf.type.typeId === Type.Dictionary) return viaDictionary(e, e.arg, s, ctx.len, out, NULL);
  const p = compileLike(e.pattern, e.escape);
  if (p.shape === 'regex' || s.leaf.type.typeId !== Type.Utf8) return false;
  const d = s.leaf;
  likeBytes(d.valueOffsets as Int32Array, d.values as Uint8Array, s.off, ctx.len, p.shape, encoder.encode(p.text), out);
  markNulls(s, ctx.len, out, NULL);
  return true;
}

/**
 * Dictionary-encoded column: evaluate the predicate once per dictionary entry, then
 * gather by index. `nullState` is the result for rows whose index is null.
 */
function viaDictionary(
  e: BoundExpr,
  col: BoundColumn,
  s: ColumnSlice,
  len: number,
  out: Uint8Array,
  nullState: number,
): boolean {
  const dict = s.leaf.dictionary;
  if (!dict) return false;
  const states = new Uint8Array(dict.length);
  const key = pathKey(col.path);
  let at = 0;
  for (const d of dict.data) {
    const sub = new Map([[key, { leaf: d, parents: [], off: 0 }]]);
    evalPred(e, { len: d.length, slices: sub }, states.subarray(at, at + d.length));
    at += d.length;
  }
  const idx = s.leaf.values as Int32Array;
  for (let i = 0; i < len; i++) out[i] = states[Number(idx[s.off + i])];
  markNulls(s, len, out, nullState);
  return true;
}

function genericCompare(e: BoundCompare, ctx: SegmentCtx, out: Uint8Array): void {
  const l = materialize(e.left, ctx);
  const r = materialize(e.right, ctx);
  const table = OP_TABLE[e.op];
  const nullSafe = e.op === '<=>';
  // Computed numbers (e.g. arithmetic) against a constant still get a typed-array loop.
  const c = r.constant ? r.values[0] : null;
  if (c !== null && !l.constant && (l.values instanceof Float64Array || l.values instanceof BigInt64Array)) {
    if (l.values instanceof Float64Array) cmpNumbers(l.values, 0, ctx.len, Number(c), table, out);
    else cmpInt64(l.values, 0, ctx.len, c as bigint, table, out);
    const v = l.valid;
    if (v) for (let i = 0; i < ctx.len; i++) if (v[i] === 0) out[i] = nullSafe ? FALSE : NULL;
    return;
  }
  for (let i = 0; i < ctx.len; i++) {
    const lp = isPresent(l, i);
    const rp = isPresent(r, i);
    if (!lp || !rp) out[i] = nullSafe ? (lp === rp ? TRUE : FALSE) : NULL;
    else out[i] = table[compareScalars(valueAt(l, i), valueAt(r, i)) + 1];
  }
}

function genericIn(e: BoundIn, ctx: SegmentCtx, out: Uint8Array): void {
  const v: Vec = materialize(e.arg, ctx);
  const keys = new Set(e.values.map(setKey));
  const miss = e.hasNull ? NULL : FALSE;
  for (let i = 0; i < ctx.len; i++) out[i] = !isPresent(v, i) ? NULL : keys.has(setKey(valueAt(v, i))) ? TRUE : miss;
}

// Set key with value equality for every Scalar kind (bytes by content).
function setKey(v: Scalar): Scalar {
  return v instanceof Uint8Array ? `\u0000bin:${Array.from(v).join(',')}` : v;
}

function genericLike(e: BoundLike, ctx: SegmentCtx, out: Uint8Array): void {
  const p = compileLike(e.pattern, e.escape);
  const v = materialize(e.arg, ctx);
  for (let i = 0; i < ctx.len; i++)
    out[i] = !isPresent(v, i) ? NULL : likeMatches(p, String(valueAt(v, i))) ? TRUE : FALSE;
}
