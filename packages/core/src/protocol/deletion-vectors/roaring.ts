/**
 * Delta's "RoaringBitmapArray" serialization: little-endian int32 magic 1681511377, then
 * a 64-bit RoaringBitmap in the portable format (RoaringFormatSpec "extension for 64-bit
 * implementations"): uint64 bucket count, then per bucket a uint32 high key and a standard
 * portable 32-bit RoaringBitmap. All numbers little-endian.
 *
 * 32-bit portable bitmap: a cookie — 12346 followed by a uint32 container count, or
 * 12347 | (count-1) << 16 followed by a bitset of run containers — then per container a
 * uint16 key and uint16 cardinality-1, then (always for 12346, for 12347 only when there
 * are >= 4 containers) a uint32 offset per container, then the containers: run
 * (uint16 run count + (start, length-1) pairs), array (<= 4096 sorted uint16) or bitmap
 * (8 KiB, 65536 bits).
 */
import { CorruptDataError, UnsupportedFeatureError } from '../../errors.js';
import { DeletedRows, sortedUniqueRowIndexes } from './deleted-rows.js';

export const ROARING_BITMAP_ARRAY_MAGIC = 1681511377;

const COOKIE_NO_RUNS = 12346;
const COOKIE_RUNS = 12347;
/** With the run cookie, the offset header appears only from this many containers on. */
const NO_OFFSET_THRESHOLD = 4;
const MAX_ARRAY_CARDINALITY = 4096;
const BITMAP_BYTES = 8192;
const TWO_32 = 4294967296;
/** High keys at or above this give row indexes >= 2^53, which doubles cannot hold exactly. */
const MAX_SAFE_HIGH_KEY = 2 ** 21;

const KIND_ARRAY = 0;
const KIND_BITMAP = 1;
const KIND_RUN = 2;

/** Container directory gathered by the first pass, so the second can fill one exact-size array. */
interface Containers {
  kind: number[];
  /** Byte position of the container's data. */
  pos: number[];
  card: number[];
  /** high32 * 2^32 + key16 * 2^16: added to each 16-bit value. */
  base: number[];
  total: number;
}

/** Parse serialized RoaringBitmapArray bytes. Throws CorruptDataError (`where` names the source). */
export function parseRoaringBitmapArray(bytes: Uint8Array, where = 'deletion vector'): DeletedRows {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new CorruptDataError(`${where}: ${why}; the deletion vector cannot be read (the table may be damaged)`);
  };
  const need = (pos: number, n: number): void => {
    if (pos + n > bytes.length) fail(`bitmap truncated (needs ${pos + n} bytes, has ${bytes.length})`);
  };
  need(0, 12);
  const magic = view.getInt32(0, true);
  if (magic !== ROARING_BITMAP_ARRAY_MAGIC) {
    fail(`bad bitmap magic number ${magic} (expected ${ROARING_BITMAP_ARRAY_MAGIC})`);
  }
  const bucketsLo = view.getUint32(4, true);
  if (view.getUint32(8, true) !== 0 || bucketsLo > bytes.length) fail('implausible bucket count');
  const c: Containers = { kind: [], pos: [], card: [], base: [], total: 0 };
  let pos = 12;
  let prevHigh = -1;
  for (let b = 0; b < bucketsLo; b++) {
    need(pos, 4);
    const high = view.getUint32(pos, true);
    if (high <= prevHigh) fail('bucket keys not in ascending order');
    if (high >= MAX_SAFE_HIGH_KEY) {
      throw new UnsupportedFeatureError(
        'deletionVectors',
        `${where}: row indexes >= 2^53 are not supported (bucket key ${high})`,
      );
    }
    prevHigh = high;
    pos = scanBitmap32(view, pos + 4, high * TWO_32, c, need, fail);
  }
  if (pos !== bytes.length) fail(`${bytes.length - pos} unexpected trailing bytes after the bitmap`);
  return DeletedRows.fromSortedUnique(fillRows(view, c, fail));
}

/** Walk one 32-bit portable bitmap, recording its containers; returns the end position. */
function scanBitmap32(
  view: DataView,
  start: number,
  highBase: number,
  c: Containers,
  need: (pos: number, n: number) => void,
  fail: (why: string) => never,
): number {
  need(start, 4);
  const cookie = view.getUint32(start, true);
  let n: number;
  let runFlags = -1;
  let header: number;
  let hasOffsets: boolean;
  if ((cookie & 0xffff) === COOKIE_RUNS) {
    n = (cookie >>> 16) + 1;
    runFlags = start + 4;
    header = runFlags + ((n + 7) >>> 3);
    hasOffsets = n >= NO_OFFSET_THRESHOLD;
  } else if (cookie === COOKIE_NO_RUNS) {
    need(start, 8);
    n = view.getUint32(start + 4, true);
    if (n > 65536) fail(`container count ${n} exceeds 65536`);
    header = start + 8;
    hasOffsets = true;
  } else {
    return fail(`unknown roaring cookie ${cookie}`);
  }
  need(header, n * 4);
  let pos = header + n * 4 + (hasOffsets ? n * 4 : 0);
  let prevKey = -1;
  for (let i = 0; i < n; i++) {
    const key = view.getUint16(header + i * 4, true);
    const card = view.getUint16(header + i * 4 + 2, true) + 1;
    if (key <= prevKey) fail('container keys not in ascending order');
    prevKey = key;
    const isRun = runFlags >= 0 && (view.getUint8(runFlags + (i >>> 3)) & (1 << (i & 7))) !== 0;
    c.pos.push(pos);
    c.card.push(card);
    c.base.push(highBase + key * 65536);
    if (isRun) {
      need(pos, 2);
      const runs = view.getUint16(pos, true);
      c.kind.push(KIND_RUN);
      need(pos + 2, runs * 4);
      let sum = 0;
      for (let r = 0; r < runs; r++) {
        const s = view.getUint16(pos + 2 + r * 4, true);
        const len = view.getUint16(pos + 4 + r * 4, true) + 1;
        if (s + len > 65536) fail('run container overflows 16 bits');
        sum += len;
      }
      if (sum !== card) fail(`run container holds ${sum} values, header says ${card}`);
      pos += 2 + runs * 4;
    } else if (card <= MAX_ARRAY_CARDINALITY) {
      c.kind.push(KIND_ARRAY);
      need(pos, card * 2);
      pos += card * 2;
    } else {
      c.kind.push(KIND_BITMAP);
      need(pos, BITMAP_BYTES);
      pos += BITMAP_BYTES;
    }
    c.total += card;
  }
  return pos;
}

/** Second pass: decode every container into one Float64Array of row indexes. */
function fillRows(view: DataView, c: Containers, fail: (why: string) => never): Float64Array {
  const out = new Float64Array(c.total);
  let n = 0;
  for (let k = 0; k < c.kind.length; k++) {
    const base = c.base[k];
    const p = c.pos[k];
    const kind = c.kind[k];
    const first = n;
    if (kind === KIND_ARRAY) {
      const card = c.card[k];
      for (let i = 0; i < card; i++) out[n++] = base + view.getUint16(p + i * 2, true);
    } else if (kind === KIND_RUN) {
      const runs = view.getUint16(p, true);
      for (let r = 0; r < runs; r++) {
        const s = base + view.getUint16(p + 2 + r * 4, true);
        const e = s + view.getUint16(p + 4 + r * 4, true);
        for (let v = s; v <= e; v++) out[n++] = v;
      }
    } else {
      const card = c.card[k];
      for (let w = 0; w < 2048; w++) {
        let word = view.getUint32(p + w * 4, true);
        while (word !== 0) {
          const low = word & -word;
          if (n - first >= card) fail(`bitmap container holds more values than its header's ${card}`);
          out[n++] = base + w * 32 + (31 - Math.clz32(low));
          word = (word ^ low) >>> 0;
        }
      }
      if (n - first !== card) fail(`bitmap container holds ${n - first} values, header says ${card}`);
    }
  }
  // A valid bitmap is strictly ascending; tolerate a sloppy writer's arrays or runs by sorting.
  for (let i = 1; i < n; i++) if (out[i] <= out[i - 1]) return sortedUniqueRowIndexes(out);
  return out;
}

export interface SerializeOptions {
  /**
   * Use run containers where they are smaller (default false). Off by default because
   * Spark writes none and some readers have lacked run-container support.
   */
  runs?: boolean;
}

/**
 * Serialize row indexes (any order, duplicates allowed) as RoaringBitmapArray bytes, in the
 * layout Spark writes: cookie 12346, array containers up to 4096 values, else bitmaps.
 */
export function serializeRoaringBitmapArray(rows: ArrayLike<number>, options: SerializeOptions = {}): Uint8Array {
  const values = sortedUniqueRowIndexes(rows);
  const layout = new RoaringLayout(values, !!options.runs);
  let total = 12;
  for (const b of layout.buckets) total += 4 + layout.bucketSize(b);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setInt32(0, ROARING_BITMAP_ARRAY_MAGIC, true);
  view.setUint32(4, layout.buckets.length, true); // uint64 count; high word stays 0
  let pos = 12;
  for (const b of layout.buckets) {
    view.setUint32(pos, b.high, true);
    pos = writeBucket(out, view, pos + 4, b, layout);
  }
  return out;
}

interface Bucket {
  /** The high 32 bits shared by the bucket's values. */
  high: number;
  /** Its containers: indexes [from, to) into RoaringLayout's container arrays. */
  from: number;
  to: number;
}

/** Buckets (high 32 bits) -> containers (next 16 bits) as index ranges into the sorted values. */
class RoaringLayout {
  readonly buckets: Bucket[] = [];
  /** Per container: first value index (plus one final entry: values.length), kind, runs. */
  readonly start: number[] = [];
  readonly kind: number[] = [];
  readonly runs: number[] = [];

  constructor(
    readonly values: Float64Array,
    useRuns: boolean,
  ) {
    for (let i = 0; i < values.length;) {
      const high = Math.floor(values[i] / TWO_32);
      const b = { high, from: this.start.length, to: 0 };
      while (i < values.length && Math.floor(values[i] / TWO_32) === high) i = this.addContainer(i, high, useRuns);
      b.to = this.start.length;
      this.buckets.push(b);
    }
    this.start.push(values.length);
  }

  /** Add the container of the values from `i` that share its high 48 bits; returns the next index. */
  private addContainer(i: number, high: number, useRuns: boolean): number {
    const values = this.values;
    const key = (values[i] % TWO_32) >>> 16;
    const start = i;
    let runs = 1;
    i++;
    while (i < values.length && Math.floor(values[i] / TWO_32) === high && (values[i] % TWO_32) >>> 16 === key) {
      if (values[i] !== values[i - 1] + 1) runs++;
      i++;
    }
    const card = i - start;
    const plain = card <= MAX_ARRAY_CARDINALITY ? card * 2 : BITMAP_BYTES;
    this.start.push(start);
    this.runs.push(runs);
    this.kind.push(
      useRuns && 2 + runs * 4 < plain ? KIND_RUN : card <= MAX_ARRAY_CARDINALITY ? KIND_ARRAY : KIND_BITMAP,
    );
    return i;
  }

  containerSize(k: number): number {
    if (this.kind[k] === KIND_RUN) return 2 + this.runs[k] * 4;
    return this.kind[k] === KIND_ARRAY ? (this.start[k + 1] - this.start[k]) * 2 : BITMAP_BYTES;
  }

  hasRun(b: Bucket): boolean {
    return this.kind.slice(b.from, b.to).includes(KIND_RUN);
  }

  headerSize(b: Bucket): number {
    const n = b.to - b.from;
    if (!this.hasRun(b)) return 8 + n * 8;
    return 4 + ((n + 7) >>> 3) + n * 4 + (n >= NO_OFFSET_THRESHOLD ? n * 4 : 0);
  }

  /** The bucket's bytes after its 4-byte high key. */
  bucketSize(b: Bucket): number {
    let n = this.headerSize(b);
    for (let k = b.from; k < b.to; k++) n += this.containerSize(k);
    return n;
  }
}

/** Write one bucket's portable-format bitmap at `pos` (after its high key); returns the end. */
function writeBucket(out: Uint8Array, view: DataView, pos: number, b: Bucket, layout: RoaringLayout): number {
  const start = pos;
  const n = b.to - b.from;
  let header: number;
  let offsets = -1;
  if (layout.hasRun(b)) {
    view.setUint32(pos, (COOKIE_RUNS | ((n - 1) << 16)) >>> 0, true);
    for (let k = b.from; k < b.to; k++) {
      const i = k - b.from;
      if (layout.kind[k] === KIND_RUN) out[pos + 4 + (i >>> 3)] |= 1 << (i & 7);
    }
    header = pos + 4 + ((n + 7) >>> 3);
    if (n >= NO_OFFSET_THRESHOLD) offsets = header + n * 4;
  } else {
    view.setUint32(pos, COOKIE_NO_RUNS, true);
    view.setUint32(pos + 4, n, true);
    header = pos + 8;
    offsets = header + n * 4;
  }
  let data = start + layout.headerSize(b);
  for (let k = b.from; k < b.to; k++) {
    const i = k - b.from;
    const from = layout.start[k];
    const to = layout.start[k + 1];
    view.setUint16(header + i * 4, (layout.values[from] % TWO_32) >>> 16, true);
    view.setUint16(header + i * 4 + 2, to - from - 1, true);
    if (offsets >= 0) view.setUint32(offsets + i * 4, data - start, true);
    writeContainer(view, data, layout.kind[k], layout.values, from, to, layout.runs[k]);
    data += layout.containerSize(k);
  }
  return data;
}

/** Write one container's data for `values[from, to)` (all sharing the same high 48 bits). */
function writeContainer(
  view: DataView,
  pos: number,
  kind: number,
  values: Float64Array,
  from: number,
  to: number,
  runs: number,
): void {
  const low = (i: number): number => values[i] % 65536;
  if (kind === KIND_ARRAY) {
    for (let i = from; i < to; i++) view.setUint16(pos + (i - from) * 2, low(i), true);
  } else if (kind === KIND_RUN) {
    view.setUint16(pos, runs, true);
    let r = 0;
    let s = from;
    for (let i = from + 1; i <= to; i++) {
      if (i === to || values[i] !== values[i - 1] + 1) {
        view.setUint16(pos + 2 + r * 4, low(s), true);
        view.setUint16(pos + 4 + r * 4, i - s - 1, true);
        r++;
        s = i;
      }
    }
  } else {
    const words = new Uint32Array(2048);
    for (let i = from; i < to; i++) {
      const v = low(i);
      words[v >>> 5] |= 1 << (v & 31);
    }
    for (let w = 0; w < 2048; w++) view.setUint32(pos + w * 4, words[w], true);
  }
}
