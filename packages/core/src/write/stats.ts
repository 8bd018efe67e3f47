/**
 * Per-file Delta statistics (`add.stats`) computed from the Arrow batches written to one file:
 * `{"numRecords":N,"minValues":{...},"maxValues":{...},"nullCount":{...}}`, shaped like the
 * schema (nested structs are nested objects), keyed by physical names under column mapping.
 *
 * What is written follows Delta Spark (StatisticsCollection):
 * - columns: see stats-columns.ts (first 32 leaves, or `delta.dataSkippingStatsColumns`);
 * - nullCount for every selected leaf, arrays/maps/binary/boolean/variant included; a row
 *   whose parent struct is null counts as null; a selected column absent from the batches
 *   counts every row as null;
 * - minValues/maxValues only for numbers, decimal, string, date, timestamp, timestamp_ntz
 *   (never boolean or binary); absent for a column with no non-null value;
 * - strings: min = first 32 code points, max = Spark's truncation with a tie-breaker
 *   (stats-strings.ts: truncateMaxString), or no max when none fits in 64 units;
 * - timestamps: milliseconds, truncated down ("2024-01-01T10:00:00.123Z"; no `Z` for
 *   timestamp_ntz), so readers widen the max by 999 µs (our eval-stats.ts does);
 * - float/double: NaN sorts above all numbers (max "NaN" once a NaN is seen, min "NaN" only
 *   when every value is NaN); ±Infinity and NaN are JSON strings as Spark writes them;
 * - long and decimal: exact JSON number text (no rounding through JS numbers).
 * `tightBounds` is only written when asked (tables with deletion vectors).
 */
import * as arrow from 'apache-arrow';
import { SchemaMismatchError } from '../errors.js';
import { countBits, copyBits, nullBitmapOf } from '../arrow/data-utils.js';
import type { ColumnMappingMode } from '../protocol/features.js';
import type { DataType, StructType } from '../protocol/schema.js';
import { physicalName } from '../protocol/column-mapping.js';
import { hasMinMax, selectStatsSchema, type StatsColumnsSpec } from './stats-columns.js';
import { createValueStats } from './stats-values.js';
import type { ValueStats } from './value-stats.js';

export {
  statsColumnsFromProperties,
  validateStatsColumns,
  NUM_INDEXED_COLS_KEY,
  STATS_COLUMNS_KEY,
  type StatsColumnsSpec,
} from './stats-columns.js';

export interface StatsOptions extends StatsColumnsSpec {
  /** Default 'none' (keys are logical names). */
  columnMapping?: ColumnMappingMode;
  /** Partition columns of the table: never in data files, so never in stats. */
  partitionColumns?: readonly string[];
  /** Write `"tightBounds":true` (Spark does on tables that support deletion vectors). */
  tightBounds?: boolean;
}

interface Leaf {
  kind: 'leaf';
  name: string;
  key: string;
  path: string;
  type: DataType;
  values: ValueStats | undefined;
  nullCount: number;
}

interface Group {
  kind: 'struct';
  name: string;
  key: string;
  path: string;
  children: Node[];
  minMax: boolean;
  leaves: boolean;
}

type Node = Leaf | Group;

/** Accumulates the `add.stats` of one data file over the batches written to it. */
export class StatsCollector {
  private readonly nodes: Node[];
  private rows = 0;
  private readonly minMax: boolean;
  private readonly leaves: boolean;
  private readonly tightBounds: boolean;

  /** `schema`: logical schema of the table (partition columns are dropped via `options.partitionColumns`). */
  constructor(schema: StructType, options: StatsOptions = {}) {
    const mode = options.columnMapping ?? 'none';
    const selected = selectStatsSchema(schema, options, options.partitionColumns);
    this.nodes = buildNodes(selected, mode, '');
    this.minMax = this.nodes.some(hasMinMaxNode);
    this.leaves = this.nodes.some(hasLeaves);
    this.tightBounds = options.tightBounds === true;
  }

  /** Rows seen so far. */
  get numRecords(): number {
    return this.rows;
  }

  /** Fold a batch in. Columns are found by logical name; types must be those of deltaTypeToArrow. */
  update(batch: arrow.RecordBatch): void {
    const n = batch.numRows;
    this.rows += n;
    if (n === 0) return;
    const fields = batch.schema.fields;
    const cols = batch.data.children;
    for (const node of this.nodes) {
      const i = indexOfName(fields, node.name);
      visit(node, i < 0 ? undefined : cols[i], null, n);
    }
  }

  /** The `add.stats` JSON string. */
  toJson(): string {
    let s = `{"numRecords":${this.rows}`;
    if (this.minMax) {
      s += `,"minValues":${boundsObject(this.nodes, 'min')},"maxValues":${boundsObject(this.nodes, 'max')}`;
    }
    if (this.leaves) s += `,"nullCount":${nullCountObject(this.nodes)}`;
    if (this.tightBounds) s += ',"tightBounds":true';
    return `${s}}`;
  }
}

function buildNodes(struct: StructType, mode: ColumnMappingMode, parent: string): Node[] {
  return struct.fields.map((f): Node => {
    const path = parent ? `${parent}.${f.name}` : f.name;
    const key = physicalName(f, mode);
    if (f.type.type === 'struct') {
      const children = buildNodes(f.type, mode, path);
      return {
        kind: 'struct',
        name: f.name,
        key,
        path,
        children,
        minMax: children.some(hasMinMaxNode),
        leaves: children.some(hasLeaves),
      };
    }
    const values = hasMinMax(f.type) ? createValueStats(f.type, path) : undefined;
    return { kind: 'leaf', name: f.name, key, path, type: f.type, values, nullCount: 0 };
  });
}

const hasMinMaxNode = (n: Node): boolean => (n.kind === 'leaf' ? n.values !== undefined : n.minMax);
const hasLeaves = (n: Node): boolean => n.kind === 'leaf' || n.leaves;

function indexOfName(fields: readonly arrow.Field[], name: string): number {
  const i = fields.findIndex((f) => f.name === name);
  if (i >= 0) return i;
  const lower = name.toLowerCase(); // Delta column names are case-insensitive
  return fields.findIndex((f) => f.name.toLowerCase() === lower);
}

/**
 * Fold `data` (undefined: the column is missing, all null) into `node`. `mask`: validity of
 * the rows inherited from parent structs as a bitmap from bit 0, or null when all are valid.
 */
function visit(node: Node, data: arrow.Data | undefined, mask: Uint8Array | null, n: number): void {
  if (data === undefined) return allNull(node, n);
  if (data.length !== n) {
    throw new SchemaMismatchError(`column ${node.path} has ${data.length} rows but its batch has ${n}`);
  }
  if (node.kind === 'leaf') {
    if (data.typeId === arrow.Type.Null) return allNull(node, n);
    let bm: Uint8Array | null;
    let off: number;
    let nulls: number;
    if (mask === null) {
      bm = nullBitmapOf(data);
      off = data.offset;
      nulls = bm === null ? 0 : data.nullCount;
    } else {
      bm = andValidity(mask, data, n);
      off = 0;
      nulls = n - countBits(bm, n);
    }
    node.nullCount += nulls;
    if (node.values && nulls < n) node.values.update(data, bm, off);
    return;
  }
  if (data.typeId !== arrow.Type.Struct) {
    throw new SchemaMismatchError(`column ${node.path} is a struct in the table but ${String(data.type)} in the data`);
  }
  const inner =
    mask === null ? (nullBitmapOf(data) === null ? null : andValidity(null, data, n)) : andValidity(mask, data, n);
  const fields = (data.type as arrow.Struct).children;
  for (const child of node.children) {
    const i = indexOfName(fields, child.name);
    visit(child, i < 0 ? undefined : data.children[i], inner, n);
  }
}

function allNull(node: Node, n: number): void {
  if (node.kind === 'leaf') node.nullCount += n;
  else for (const c of node.children) allNull(c, n);
}

/** Validity of `data`'s rows AND `mask` (if any), as a fresh bitmap from bit 0. */
function andValidity(mask: Uint8Array | null, data: arrow.Data, n: number): Uint8Array {
  const bm = nullBitmapOf(data);
  if (bm === null) return mask ?? new Uint8Array((n + 7) >> 3).fill(0xff);
  const out = new Uint8Array((n + 7) >> 3);
  copyBits(bm, data.offset, out, 0, n);
  if (mask !== null) for (let k = 0; k < out.length; k++) out[k] &= mask[k];
  return out;
}

function boundsObject(nodes: readonly Node[], which: 'min' | 'max'): string {
  const parts: string[] = [];
  for (const node of nodes) {
    if (node.kind === 'leaf') {
      const v = node.values === undefined ? undefined : which === 'min' ? node.values.min() : node.values.max();
      if (v !== undefined) parts.push(`${JSON.stringify(node.key)}:${v}`);
    } else if (node.minMax) {
      // Spark writes a struct whose fields are all null as {}; readers treat that as no bound.
      parts.push(`${JSON.stringify(node.key)}:${boundsObject(node.children, which)}`);
    }
  }
  return `{${parts.join(',')}}`;
}

function nullCountObject(nodes: readonly Node[]): string {
  const parts: string[] = [];
  for (const node of nodes) {
    if (node.kind === 'leaf') parts.push(`${JSON.stringify(node.key)}:${node.nullCount}`);
    else if (node.leaves) parts.push(`${JSON.stringify(node.key)}:${nullCountObject(node.children)}`);
  }
  return `{${parts.join(',')}}`;
}
