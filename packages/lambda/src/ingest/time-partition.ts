/**
 * Derived time partition columns: `day` -> a DATE column (UTC day of the source timestamp),
 * `hour` -> a STRING column `YYYY-MM-DD-HH` (UTC). Sources: timestamp or date columns (read
 * from their typed arrays), ISO-8601 strings or epoch-millisecond numbers.
 */
import * as arrow from 'apache-arrow';
import { SchemaMismatchError } from '@delta-serverless/core';
import type { TimePartition } from './routes.js';

const MS_PER_DAY = 86_400_000;
const UNIT_TO_MS = [1000, 1, 1e-3, 1e-6]; // arrow.TimeUnit SECOND, MILLISECOND, MICROSECOND, NANOSECOND

/** Epoch milliseconds of every row (NaN for null / unparsable). */
function epochMillis(vector: arrow.Vector, column: string): Float64Array {
  const out = new Float64Array(vector.length);
  const type = vector.type as arrow.DataType;
  let offset = 0;
  for (const data of vector.data) {
    const n = data.length;
    const valid = (i: number) => data.getValid(i);
    if (arrow.DataType.isTimestamp(type)) {
      const scale = UNIT_TO_MS[(type as arrow.Timestamp).unit]!;
      const values = data.values as BigInt64Array;
      for (let i = 0; i < n; i++) out[offset + i] = valid(i) ? Number(values[data.offset + i]!) * scale : NaN;
    } else if (arrow.DataType.isDate(type) && (type as arrow.Date_).unit === arrow.DateUnit.DAY) {
      const values = data.values as Int32Array;
      for (let i = 0; i < n; i++) out[offset + i] = valid(i) ? values[data.offset + i]! * MS_PER_DAY : NaN;
    } else if (arrow.DataType.isUtf8(type) || arrow.DataType.isLargeUtf8(type)) {
      const v = arrow.makeVector(data);
      for (let i = 0; i < n; i++) {
        const s = v.get(i) as string | null;
        out[offset + i] = s === null ? NaN : Date.parse(s);
      }
    } else if (arrow.DataType.isInt(type) || arrow.DataType.isFloat(type) || arrow.DataType.isDate(type)) {
      const v = arrow.makeVector(data);
      for (let i = 0; i < n; i++) {
        const x = v.get(i) as number | bigint | Date | null;
        out[offset + i] = x === null ? NaN : x instanceof Date ? x.getTime() : Number(x);
      }
    } else {
      throw new SchemaMismatchError(
        `timePartition source column ${column} has type ${String(type)}; use a timestamp, date, ISO string or epoch-ms column`,
      );
    }
    offset += n;
  }
  return out;
}

/** The batch with `tp.column` derived from `tp.from` (replacing a column of that name). */
export function addTimePartition(batch: arrow.RecordBatch, tp: TimePartition): arrow.RecordBatch {
  const source = batch.getChild(tp.from);
  if (!source)
    throw new SchemaMismatchError(
      `timePartition source column ${tp.from} is not in the data (columns: ${batch.schema.fields.map((f) => f.name).join(', ')})`,
    );
  const ms = epochMillis(source, tp.from);
  const n = batch.numRows;
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(ms[i]!)) nulls++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  let data: arrow.Data;
  if (tp.granularity === 'day') {
    const days = new Int32Array(n);
    for (let i = 0; i < n; i++) if (!Number.isNaN(ms[i]!)) days[i] = Math.floor(ms[i]! / MS_PER_DAY);
    data = arrow.makeData({ type: new arrow.DateDay(), length: n, nullCount: nulls, nullBitmap: bitmap, data: days });
  } else {
    const hours: (string | null)[] = new Array<string | null>(n);
    for (let i = 0; i < n; i++) {
      const t = ms[i]!;
      hours[i] = Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 13).replace('T', '-');
    }
    data = arrow.vectorFromArray(hours, new arrow.Utf8()).data[0]!;
  }
  const keep = batch.schema.fields.map((f, i) => ({ f, i })).filter(({ f }) => f.name !== tp.column);
  const fields = [...keep.map(({ f }) => f), new arrow.Field(tp.column, data.type, true)];
  const children = [...keep.map(({ i }) => batch.data.children[i]!), data];
  return new arrow.RecordBatch(
    new arrow.Schema(fields, batch.schema.metadata),
    arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children }),
  );
}
