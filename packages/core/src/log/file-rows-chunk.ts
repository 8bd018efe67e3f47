/**
 * One chunk of a checkpoint's adds in columns (see file-rows.ts): copied out of one Arrow
 * `add` column so the decoded batch can be dropped, and turned back into `AddFile` objects
 * on demand. Follows arrow-to-js.ts's slicing rules: value and offset buffers are indexed
 * with the row, null bitmaps and boolean bits with `data.offset + row`; struct children are
 * sliced with their parent.
 */
import * as arrow from 'apache-arrow';
import { CorruptLogError } from '../errors.js';
import type { AddFile, FileStats } from '../protocol/actions.js';
import { arrowTypeToDelta } from '../protocol/arrow-schema.js';
import type { StructType } from '../protocol/schema.js';
import { encodeValue } from '../arrow/json-values.js';
import { dataToJs } from './arrow-to-js.js';

const decoder = new TextDecoder();
/** The fields held in columns (besides the path), in the order addChunkOf checks them. */
const CORE_ORDER = ['size', 'modificationTime', 'dataChange', 'partitionValues', 'stats'];

type PartitionValues = Record<string, string | null>;

const isString = (d: arrow.Data) => d.typeId === arrow.Type.Utf8 || d.typeId === arrow.Type.LargeUtf8;
const isNumber = (d: arrow.Data) => d.typeId === arrow.Type.Int || d.typeId === arrow.Type.Float;

/** Validity of the selected rows (1 valid, 0 null). */
function validityOf(d: arrow.Data, rows: Int32Array | undefined, n: number): Uint8Array {
  const valid = new Uint8Array(n);
  const bitmap = d.nullBitmap;
  if (!bitmap || bitmap.length === 0 || d.nullCount === 0) return valid.fill(1);
  const off = d.offset;
  for (let k = 0; k < n; k++) {
    const j = off + (rows ? rows[k]! : k);
    valid[k] = (bitmap[j >> 3]! >> (j & 7)) & 1;
  }
  return valid;
}

interface Strings {
  /** UTF-8 bytes; row k's are [offsets[k], offsets[k + 1]). */
  bytes: Uint8Array;
  offsets: Int32Array;
  valid: Uint8Array;
}

/**
 * Strings of the selected rows (`rows[k]` is the data row of chunk row k; undefined: every
 * row). `view`: the Arrow buffers are kept as they are, which keeps the decoded batch alive;
 * else the rows' bytes are copied, run by run. Copying costs fresh memory, which is slow
 * (page faults: ~3 s for a 1M-file checkpoint's paths and stats on the 2-core VM).
 */
function stringsOf(d: arrow.Data, rows: Int32Array | undefined, n: number, view: boolean): Strings {
  const valid = validityOf(d, rows, n);
  const src = d.valueOffsets as Int32Array | BigInt64Array;
  const values = d.values as Uint8Array;
  if (view && !rows && src instanceof Int32Array) return { bytes: values, offsets: src.subarray(0, n + 1), valid };
  const at = (k: number) => (rows ? rows[k]! : k);
  const offsets = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) {
    const i = at(k);
    offsets[k + 1] = offsets[k]! + (valid[k] ? Number(src[i + 1]) - Number(src[i]) : 0);
  }
  const bytes = new Uint8Array(offsets[n]!);
  for (let k = 0; k < n;) {
    if (!valid[k]) {
      k++;
      continue;
    }
    let e = k + 1; // extend the run while rows are consecutive and valid
    while (e < n && valid[e] && at(e) === at(e - 1) + 1) e++;
    bytes.set(values.subarray(Number(src[at(k)]), Number(src[at(e - 1) + 1])), offsets[k]);
    k = e;
  }
  return { bytes, offsets, valid };
}

function copyNumbers(d: arrow.Data | undefined, rows: Int32Array | undefined, n: number): Float64Array {
  const out = new Float64Array(n).fill(NaN);
  if (!d) return out;
  const valid = validityOf(d, rows, n);
  const values = d.values as ArrayLike<number | bigint>;
  for (let k = 0; k < n; k++) if (valid[k]) out[k] = Number(values[rows ? rows[k]! : k]);
  return out;
}

/** -1 null, 0 false, 1 true. */
function copyBools(d: arrow.Data | undefined, rows: Int32Array | undefined, n: number): Int8Array {
  const out = new Int8Array(n).fill(-1);
  if (!d) return out;
  const valid = validityOf(d, rows, n);
  const bits = d.values as Uint8Array;
  for (let k = 0; k < n; k++) {
    if (!valid[k]) continue;
    const j = d.offset + (rows ? rows[k]! : k);
    out[k] = (bits[j >> 3]! & (1 << (j & 7))) !== 0 ? 1 : 0;
  }
  return out;
}

/** Strings of a column by index, hashed and compared without decoding when they are plain UTF-8. */
interface StringColumn {
  same(a: number, b: number): boolean;
  /** `h` mixed with string j (its null-ness included). */
  hash(j: number, h: number): number;
  get(j: number): string | undefined;
}

const mix = (h: number, x: number) => Math.imul(h ^ x, 0x01000193);

function stringColumn(d: arrow.Data): StringColumn {
  if (d.typeId !== arrow.Type.Utf8) {
    const all = dataToJs(d).map((v) => (v === undefined ? undefined : String(v)));
    return {
      same: (a, b) => all[a] === all[b],
      hash: (j, h) => {
        const v = all[j];
        if (v === undefined) return mix(h, -1);
        for (let t = 0; t < v.length; t++) h = mix(h, v.charCodeAt(t));
        return mix(h, -2);
      },
      get: (j) => all[j],
    };
  }
  const offsets = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  const valid = validityOf(d, undefined, d.length);
  return {
    same(a, b) {
      if (valid[a] !== valid[b]) return false;
      const sa = offsets[a]!;
      const sb = offsets[b]!;
      const len = offsets[a + 1]! - sa;
      if (offsets[b + 1]! - sb !== len) return false;
      for (let t = 0; t < len; t++) if (bytes[sa + t] !== bytes[sb + t]) return false;
      return true;
    },
    hash(j, h) {
      if (!valid[j]) return mix(h, -1);
      for (let t = offsets[j]!; t < offsets[j + 1]!; t++) h = mix(h, bytes[t]!);
      return mix(h, -2);
    },
    get: (j) => (valid[j] ? decoder.decode(bytes.subarray(offsets[j], offsets[j + 1])) : undefined),
  };
}

/** Distinct partition value maps, found by a hash of their entries' bytes (decoded once each). */
class PartitionDictionary {
  readonly dict: PartitionValues[] = [];
  /** First entry and entry count of each map's first occurrence. */
  private readonly reps: { s: number; len: number }[] = [];
  private readonly byHash = new Map<number, number[]>();

  constructor(
    private readonly keys: StringColumn,
    private readonly values: StringColumn,
  ) {}

  same(p: number, s: number, len: number): boolean {
    for (let j = 0; j < len; j++) if (!this.keys.same(p + j, s + j) || !this.values.same(p + j, s + j)) return false;
    return true;
  }

  /** Id of the map of entries [s, s + len). */
  idOf(s: number, len: number): number {
    let h = 0x811c9dc5;
    for (let j = s; j < s + len; j++) h = this.values.hash(j, this.keys.hash(j, h));
    const ids = this.byHash.get(h);
    if (ids) for (const id of ids) if (this.reps[id]!.len === len && this.same(this.reps[id]!.s, s, len)) return id;
    const pv: PartitionValues = {};
    for (let j = s; j < s + len; j++) pv[String(this.keys.get(j))] = this.values.get(j) ?? null;
    const id = this.dict.push(pv) - 1;
    this.reps.push({ s, len });
    if (ids) ids.push(id);
    else this.byHash.set(h, [id]);
    return id;
  }
}

/** Partition value maps dictionary-encoded: index per row (-1: none), one object per distinct map. */
function encodePartitionValues(
  d: arrow.Data,
  rows: Int32Array | undefined,
  n: number,
): { ids: Int32Array; dict: PartitionValues[] } {
  const ids = new Int32Array(n).fill(-1);
  const offsets = d.valueOffsets as Int32Array;
  const start = offsets[0]!;
  const end = offsets[d.length]!;
  const whole = d.children[0]!;
  const entries = start === 0 && end - start === whole.length ? whole : whole.slice(start, end - start);
  const dict = new PartitionDictionary(stringColumn(entries.children[0]!), stringColumn(entries.children[1]!));
  const valid = validityOf(d, rows, n);
  // The previous map's entries and id: files of one partition tend to be neighbours.
  let prev = { s: 0, len: -1, id: -1 };
  for (let k = 0; k < n; k++) {
    if (!valid[k]) continue;
    const i = rows ? rows[k]! : k;
    const s = offsets[i]! - start;
    const len = offsets[i + 1]! - start - s;
    if (len === 0) continue;
    const id = len === prev.len && dict.same(prev.s, s, len) ? prev.id : dict.idOf(s, len);
    prev = { s, len, id };
    ids[k] = id;
  }
  return { ids, dict: dict.dict };
}

/** Decode rows [from, to) of a string column (undefined where null). */
function decodeStrings(
  bytes: Uint8Array,
  offsets: Int32Array,
  valid: Uint8Array | undefined,
  from: number,
  to: number,
): (string | undefined)[] {
  const out = new Array<string | undefined>(to - from);
  const first = offsets[from]!;
  const last = offsets[to]!;
  let ascii = true;
  for (let j = first; j < last && ascii; j++) if (bytes[j]! >= 0x80) ascii = false;
  const all = ascii ? decoder.decode(bytes.subarray(first, last)) : undefined;
  for (let k = from; k < to; k++) {
    if (valid && !valid[k]) continue;
    out[k - from] =
      all !== undefined
        ? all.slice(offsets[k]! - first, offsets[k + 1]! - first)
        : decoder.decode(bytes.subarray(offsets[k], offsets[k + 1]));
  }
  return out;
}

/** Encode one row of a typed struct column in the log's JSON value encoding. */
function encodeTyped(data: arrow.Data, row: number): unknown {
  const deltaType = arrowTypeToDelta(data.type, 'stats_parsed') as StructType;
  return encodeValue(data, row, deltaType);
}

interface Parsed {
  stats?: arrow.Data;
  partitionValues?: arrow.Data;
  /** Data row of each chunk row (undefined: the same). */
  rows: Int32Array | undefined;
}

export class AddChunk {
  constructor(
    readonly n: number,
    readonly pathBytes: Uint8Array,
    readonly pathOffsets: Int32Array,
    private readonly statsBytes: Uint8Array,
    private readonly statsOffsets: Int32Array,
    private readonly statsValid: Uint8Array,
    readonly size: Float64Array,
    private readonly modificationTime: Float64Array,
    private readonly dataChange: Int8Array,
    private readonly pvIds: Int32Array,
    private readonly pvDict: readonly PartitionValues[],
    /** Fields other than the core ones, for the rows that have any. */
    readonly extras: ReadonlyMap<number, Record<string, unknown>>,
    private readonly parsed: Parsed | undefined,
  ) {}

  /** Adds of chunk rows [from, to); typed stats of adds without JSON stats go to `stats`. */
  materialize(from: number, to: number, stats: { set(add: AddFile, stats: FileStats): unknown }): AddFile[] {
    const paths = decodeStrings(this.pathBytes, this.pathOffsets, undefined, from, to);
    const jsonStats = decodeStrings(this.statsBytes, this.statsOffsets, this.statsValid, from, to);
    const out = new Array<AddFile>(to - from);
    for (let k = from; k < to; k++) {
      const pv = this.pvIds[k]!;
      const add = { path: paths[k - from]!, partitionValues: pv < 0 ? {} : { ...this.pvDict[pv] } } as AddFile;
      const size = this.size[k]!;
      if (!Number.isNaN(size)) add.size = size;
      const mtime = this.modificationTime[k]!;
      if (!Number.isNaN(mtime)) add.modificationTime = mtime;
      const dc = this.dataChange[k]!;
      if (dc >= 0) add.dataChange = dc === 1;
      const s = jsonStats[k - from];
      if (s !== undefined) add.stats = s;
      const extra = this.extras.get(k);
      if (extra) Object.assign(add, extra);
      if (this.parsed) applyParsed(add, this.parsed, this.parsed.rows ? this.parsed.rows[k]! : k, stats);
      out[k - from] = add;
    }
    return out;
  }
}

/** Fill an add's stats (into `stats`) and partition values from the typed `*_parsed` columns' row. */
export function applyParsed(
  add: AddFile,
  parsed: { stats?: arrow.Data; partitionValues?: arrow.Data },
  row: number,
  stats: { set(add: AddFile, stats: FileStats): unknown },
): void {
  if (parsed.stats && !add.stats) {
    const typed = encodeTyped(parsed.stats, row) as FileStats | null;
    if (typed && typeof typed === 'object') stats.set(add, typed);
  }
  if (parsed.partitionValues && Object.keys(add.partitionValues).length === 0) {
    const pv = encodeTyped(parsed.partitionValues, row) as Record<string, unknown> | null;
    if (pv) {
      for (const [k, v] of Object.entries(pv))
        add.partitionValues[k] = v === null || v === undefined ? null : String(v);
    }
  }
}

/** Data rows of the valid (non-null) adds; undefined when every row is one. */
function validRows(data: arrow.Data): Int32Array | undefined {
  if (data.nullCount === 0) return undefined;
  const valid = validityOf(data, undefined, data.length);
  const rows = new Int32Array(data.length - data.nullCount);
  let k = 0;
  for (let i = 0; i < data.length; i++) if (valid[i]) rows[k++] = i;
  return rows.subarray(0, k);
}

/** Copy the valid rows of one Arrow `add` column into a chunk. */
export function addChunkOf(data: arrow.Data, version: number): AddChunk {
  const rows = validRows(data);
  const n = rows ? rows.length : data.length;
  const fields = (data.type as arrow.Struct).children;
  const child = (name: string) => {
    const i = fields.findIndex((f) => f.name === name);
    return i >= 0 ? data.children[i] : undefined;
  };
  const path = child('path');
  if (!path || !isString(path)) throw new CorruptLogError(`add action without a path at version ${version}`);
  // A core field of an unexpected type is decoded as a generic one (as arrow-to-js would).
  const typed = (name: string, ok: (d: arrow.Data) => boolean) => {
    const d = child(name);
    return d && ok(d) ? d : undefined;
  };
  const statsData = typed('stats', isString);
  const view = worthViewing(path, statsData, rows);
  const paths = stringsOf(path, rows, n, view);
  if (paths.valid.includes(0)) throw new CorruptLogError(`add action without a path at version ${version}`);
  const size = typed('size', isNumber);
  const mtime = typed('modificationTime', isNumber);
  const dataChange = typed('dataChange', (d) => d.typeId === arrow.Type.Bool);
  const pvData = typed('partitionValues', (d) => d.typeId === arrow.Type.Map);
  const handled = new Set([
    'path',
    ...[size, mtime, dataChange, pvData, statsData].flatMap((d, i) => (d ? [CORE_ORDER[i]!] : [])),
  ]);
  const generic = fields.filter((f, i) => !handled.has(f.name) && !f.name.endsWith('_parsed') && data.children[i]);
  const stats = statsData ? stringsOf(statsData, rows, n, view) : emptyStrings(n);
  const pv = pvData ? encodePartitionValues(pvData, rows, n) : { ids: new Int32Array(n).fill(-1), dict: [] };
  return new AddChunk(
    n,
    paths.bytes,
    paths.offsets,
    stats.bytes,
    stats.offsets,
    stats.valid,
    copyNumbers(size, rows, n),
    copyNumbers(mtime, rows, n),
    copyBools(dataChange, rows, n),
    pv.ids,
    pv.dict,
    extrasOf(generic, child, rows, n),
    parsedOf(child, rows, stats.valid, pv.ids),
  );
}

/**
 * Keep views of the batch's path and stats bytes when they are most of the batch's buffer
 * (a checkpoint batch of adds: at least half of it), else copy them out.
 */
function worthViewing(path: arrow.Data, stats: arrow.Data | undefined, rows: Int32Array | undefined): boolean {
  if (rows) return false;
  const buffer = (path.values as Uint8Array).buffer;
  if (stats && (stats.values as Uint8Array).buffer !== buffer) return false;
  const span = (d: arrow.Data) => {
    const o = d.valueOffsets as Int32Array;
    return o[d.length]! - o[0]!;
  };
  return 2 * (span(path) + (stats ? span(stats) : 0)) >= buffer.byteLength;
}

function emptyStrings(n: number) {
  return { bytes: new Uint8Array(0), offsets: new Int32Array(n + 1), valid: new Uint8Array(n) };
}

/** The non-core fields, decoded, for the rows where any is set. */
function extrasOf(
  fields: readonly arrow.Field[],
  child: (name: string) => arrow.Data | undefined,
  rows: Int32Array | undefined,
  n: number,
): Map<number, Record<string, unknown>> {
  const extras = new Map<number, Record<string, unknown>>();
  for (const f of fields) {
    const d = child(f.name)!;
    if (d.nullCount === d.length) continue;
    const values = dataToJs(d);
    for (let k = 0; k < n; k++) {
      const v = values[rows ? rows[k]! : k];
      if (v === undefined) continue;
      let o = extras.get(k);
      if (!o) extras.set(k, (o = {}));
      o[f.name] = v;
    }
  }
  return extras;
}

/** The typed `*_parsed` columns, kept only when some add needs them (no JSON stats / values). */
function parsedOf(
  child: (name: string) => arrow.Data | undefined,
  rows: Int32Array | undefined,
  statsValid: Uint8Array,
  pvIds: Int32Array,
): Parsed | undefined {
  const stats = statsValid.includes(0) ? child('stats_parsed') : undefined;
  const partitionValues = pvIds.includes(-1) ? child('partitionValues_parsed') : undefined;
  if (!stats && !partitionValues) return undefined;
  return { stats, partitionValues, rows };
}
