/**
 * buildColumn: JS values (CSV text or parsed JSON) -> an Arrow column of a given type,
 * nested types included (structs from objects, lists from arrays, maps from objects; in CSV
 * cells these are JSON text).
 */
import * as arrow from 'apache-arrow';
import { newData } from '../arrow/data-utils.js';
import {
  buildBinary,
  buildBool,
  buildDate,
  buildDecimal,
  buildFloat,
  buildInt64,
  buildSmallInt,
  buildTimestamp,
  buildUtf8,
  fail,
  validity,
  type BuildContext,
  type Values,
} from './build-primitive.js';

const SMALL_INT_NAMES: Record<number, string> = { 8: 'byte', 16: 'short', 32: 'integer' };

/** Build a column of `n` rows of `type` from `values` (null/undefined are nulls). */
export function buildColumn(values: Values, n: number, type: arrow.DataType, ctx: BuildContext): arrow.Data {
  switch (type.typeId) {
    case arrow.Type.Null:
      return newData({ type, length: n, nullCount: n });
    case arrow.Type.Int: {
      const t = type as arrow.Int;
      if (t.bitWidth === 64) return buildInt64(values, n, type, ctx);
      return buildSmallInt(values, n, t, ctx, (t.isSigned ? '' : 'unsigned ') + SMALL_INT_NAMES[t.bitWidth]!);
    }
    case arrow.Type.Float:
      if ((type as arrow.Float).precision === arrow.Precision.HALF) break;
      return buildFloat(values, n, type as arrow.Float, ctx);
    case arrow.Type.Decimal:
      return buildDecimal(values, n, type as arrow.Decimal, ctx);
    case arrow.Type.Bool:
      return buildBool(values, n, type, ctx);
    case arrow.Type.Utf8:
      return buildUtf8(values, n, type, ctx);
    case arrow.Type.Binary:
      return buildBinary(values, n, type, ctx);
    case arrow.Type.Date:
      if ((type as arrow.Date_).unit !== arrow.DateUnit.DAY) break;
      return buildDate(values, n, type, ctx);
    case arrow.Type.Timestamp:
      return buildTimestamp(values, n, type as arrow.Timestamp, ctx);
    case arrow.Type.Struct:
      return buildStruct(values, n, type as arrow.Struct, ctx);
    case arrow.Type.List:
      return buildList(values, n, type as arrow.List, ctx);
    case arrow.Type.Map:
      return buildMap(values, n, type as arrow.Map_, ctx);
    default:
      break;
  }
  fail(ctx, -1, null, String(type), 'this column type cannot be read from CSV or JSON input');
}

/** Nested values: JSON text (CSV cells) is parsed; anything else is taken as is. */
function nested(v: unknown, ctx: BuildContext, i: number, expected: string): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    fail(ctx, i, v, expected, 'expected JSON text');
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function buildStruct(values: Values, n: number, type: arrow.Struct, ctx: BuildContext): arrow.Data {
  const objs: (Record<string, unknown> | null)[] = new Array<Record<string, unknown> | null>(n);
  for (let i = 0; i < n; i++) {
    const v = nested(values[i], ctx, i, 'struct');
    if (v == null) objs[i] = null;
    else if (isRecord(v)) objs[i] = v;
    else fail(ctx, i, values[i], 'struct', 'expected a JSON object');
  }
  const children = type.children.map((f) => {
    const child: unknown[] = new Array<unknown>(n);
    for (let i = 0; i < n; i++) child[i] = objs[i]?.[f.name];
    return buildColumn(child, n, f.type, { path: `${ctx.path}.${f.name}`, rowOf: ctx.rowOf });
  });
  const { bitmap, nulls } = validity(objs, n);
  return newData({ type, length: n, nullCount: nulls, nullBitmap: bitmap, children });
}

function buildList(values: Values, n: number, type: arrow.List, ctx: BuildContext): arrow.Data {
  const offsets = new Int32Array(n + 1);
  const arrays: (unknown[] | null)[] = new Array<unknown[] | null>(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = nested(values[i], ctx, i, 'array');
    if (v == null) arrays[i] = null;
    else if (Array.isArray(v)) {
      arrays[i] = v;
      total += v.length;
    } else fail(ctx, i, values[i], 'array', 'expected a JSON array');
    offsets[i + 1] = total;
  }
  const elems: unknown[] = new Array<unknown>(total);
  const rowOf = new Int32Array(total);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const a = arrays[i];
    if (!a) continue;
    const row = ctx.rowOf ? ctx.rowOf[i]! : i;
    for (let j = 0; j < a.length; j++, k++) {
      elems[k] = a[j];
      rowOf[k] = row;
    }
  }
  const f = type.children[0]!;
  const child = buildColumn(elems, total, f.type, { path: `${ctx.path}[]`, rowOf });
  const { bitmap, nulls } = validity(arrays, n);
  return newData({ type, length: n, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, children: [child] });
}

function buildMap(values: Values, n: number, type: arrow.Map_, ctx: BuildContext): arrow.Data {
  const offsets = new Int32Array(n + 1);
  const objs: (Record<string, unknown> | null)[] = new Array<Record<string, unknown> | null>(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = nested(values[i], ctx, i, 'map');
    if (v == null) objs[i] = null;
    else if (isRecord(v)) {
      objs[i] = v;
      total += Object.keys(v).length;
    } else fail(ctx, i, values[i], 'map', 'expected a JSON object');
    offsets[i + 1] = total;
  }
  const keys: unknown[] = new Array<unknown>(total);
  const vals: unknown[] = new Array<unknown>(total);
  const rowOf = new Int32Array(total);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const o = objs[i];
    if (!o) continue;
    const row = ctx.rowOf ? ctx.rowOf[i]! : i;
    for (const key of Object.keys(o)) {
      keys[k] = key;
      vals[k] = o[key];
      rowOf[k++] = row;
    }
  }
  const entries = type.children[0]!.type as arrow.Struct;
  const [kf, vf] = entries.children;
  const keyData = buildColumn(keys, total, kf!.type, { path: `${ctx.path}.key`, rowOf });
  const valueData = buildColumn(vals, total, vf!.type, { path: `${ctx.path}.value`, rowOf });
  const entryData = newData({ type: entries, length: total, nullCount: 0, children: [keyData, valueData] });
  const { bitmap, nulls } = validity(objs, n);
  return newData({
    type,
    length: n,
    nullCount: nulls,
    nullBitmap: bitmap,
    valueOffsets: offsets,
    children: [entryData],
  });
}
