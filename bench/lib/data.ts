/**
 * Deterministic synthetic data: 7 columns built straight into Arrow buffers (no per-row
 * objects), so generating 1M rows takes tens of milliseconds and never dominates a timing.
 *
 *   id int64 (= row number), ts timestamp[us, UTC], category string (12 values),
 *   value double, qty int32, flag boolean, note string (20% null)
 */
import * as arrow from 'apache-arrow';

const CATEGORIES = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'zeta',
  'eta',
  'theta',
  'iota',
  'kappa',
  'lambda',
  'mu',
];
const CATEGORY_BYTES = CATEGORIES.map((c) => new TextEncoder().encode(c));
const BASE_MICROS = Date.UTC(2024, 0, 1) * 1000;
const TWO_32 = 0x1_0000_0000;

export const SCHEMA = new arrow.Schema([
  new arrow.Field('id', new arrow.Int64(), false),
  new arrow.Field('ts', new arrow.TimestampMicrosecond('UTC'), false),
  new arrow.Field('category', new arrow.Utf8(), false),
  new arrow.Field('value', new arrow.Float64(), false),
  new arrow.Field('qty', new arrow.Int32(), false),
  new arrow.Field('flag', new arrow.Bool(), false),
  new arrow.Field('note', new arrow.Utf8(), true),
]);

/** 32-bit integer hash (murmur3 finaliser): cheap, deterministic pseudo-randomness per row. */
function hash(x: number): number {
  let h = Math.imul(x ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function utf8Data(
  type: arrow.Utf8,
  offsets: Int32Array,
  bytes: Uint8Array,
  n: number,
  valid?: Uint8Array,
  nulls = 0,
): arrow.Data<arrow.Utf8> {
  return arrow.makeData({ type, length: n, nullCount: nulls, nullBitmap: valid, valueOffsets: offsets, data: bytes });
}

/** Rows [start, start + n) as one record batch. */
export function makeBatch(start: number, n: number): arrow.RecordBatch {
  if (start + n > 0xffff_ffff) throw new RangeError('bench data: row numbers must stay below 2^32');
  const ids = new BigInt64Array(n);
  const ts = new BigInt64Array(n);
  // int64 values are written as two 32-bit halves: BigInt arithmetic per row is 10x slower.
  const idWords = new Uint32Array(ids.buffer);
  const tsWords = new Uint32Array(ts.buffer);
  const values = new Float64Array(n);
  const qty = new Int32Array(n);
  const flags = new Uint8Array((n + 7) >> 3);
  const catOffsets = new Int32Array(n + 1);
  const catBytes = new Uint8Array(n * 7);
  const noteOffsets = new Int32Array(n + 1);
  const noteBytes = new Uint8Array(n * 10);
  const noteValid = new Uint8Array((n + 7) >> 3);
  let catPos = 0;
  let notePos = 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const row = start + i;
    const h = hash(row);
    idWords[2 * i] = row >>> 0; // rows stay below 2^32: the high word is 0
    const micros = BASE_MICROS + row * 1_000_000 + (h & 0xfffff); // < 2^53: exact
    const hi = Math.floor(micros / TWO_32);
    tsWords[2 * i] = micros - hi * TWO_32;
    tsWords[2 * i + 1] = hi;
    values[i] = (h / 0xffffffff) * 1000 - 500;
    qty[i] = (h >>> 7) % 10_000;
    if (h & 0x100) flags[i >> 3]! |= 1 << (i & 7);
    const cat = CATEGORY_BYTES[h % CATEGORIES.length]!;
    for (let k = 0; k < cat.length; k++) catBytes[catPos++] = cat[k]!;
    catOffsets[i + 1] = catPos;
    if ((h >>> 20) % 5 === 0) {
      nulls++;
    } else {
      noteValid[i >> 3]! |= 1 << (i & 7);
      // "n-" + 1..5 decimal digits
      let v = (h >>> 3) % 100_000;
      noteBytes[notePos++] = 110; // 'n'
      noteBytes[notePos++] = 45; // '-'
      const digits = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10_000 ? 4 : 5;
      for (let d = digits - 1; d >= 0; d--) {
        noteBytes[notePos + d] = 48 + (v % 10);
        v = Math.floor(v / 10);
      }
      notePos += digits;
    }
    noteOffsets[i + 1] = notePos;
  }
  const f = SCHEMA.fields;
  const children = [
    arrow.makeData({ type: f[0]!.type as arrow.Int64, length: n, nullCount: 0, data: ids }),
    arrow.makeData({ type: f[1]!.type as arrow.TimestampMicrosecond, length: n, nullCount: 0, data: ts }),
    utf8Data(f[2]!.type as arrow.Utf8, catOffsets, catBytes.subarray(0, catPos), n),
    arrow.makeData({ type: f[3]!.type as arrow.Float64, length: n, nullCount: 0, data: values }),
    arrow.makeData({ type: f[4]!.type as arrow.Int32, length: n, nullCount: 0, data: qty }),
    arrow.makeData({ type: f[5]!.type as arrow.Bool, length: n, nullCount: 0, data: flags }),
    utf8Data(f[6]!.type as arrow.Utf8, noteOffsets, noteBytes.subarray(0, notePos), n, noteValid, nulls),
  ];
  return new arrow.RecordBatch(
    SCHEMA,
    arrow.makeData({ type: new arrow.Struct(SCHEMA.fields), length: n, nullCount: 0, children }),
  );
}

/** `rows` rows as one in-memory table of batches of `batchRows`. */
export function makeTable(rows: number, batchRows = 100_000): arrow.Table {
  const batches: arrow.RecordBatch[] = [];
  for (let start = 0; start < rows; start += batchRows)
    batches.push(makeBatch(start, Math.min(batchRows, rows - start)));
  return new arrow.Table(SCHEMA, batches);
}

/** `rows` rows generated lazily, `batchRows` at a time: only one batch is alive at once. */
export async function* batchStream(rows: number, batchRows = 100_000): AsyncGenerator<arrow.RecordBatch> {
  for (let start = 0; start < rows; start += batchRows) yield makeBatch(start, Math.min(batchRows, rows - start));
}
