/**
 * Locating columns in Arrow batches/tables and walking them chunk by chunk. Follows
 * Arrow JS's own Data conventions: `values`/`valueOffsets` are already sliced to the
 * Data's first row, while validity bits (and Bool values) are addressed at `offset + i`.
 */
import { Type } from 'apache-arrow';
import type { Data, RecordBatch, Table } from 'apache-arrow';
import { ExpressionError } from '../errors.js';
import { formatPath } from './print.js';

export type ArrowInput = RecordBatch | Table;

/** One Arrow chunk of a (possibly nested) column: the leaf data and its struct ancestors. */
export interface ColumnChunk {
  readonly leaf: Data;
  readonly parents: readonly Data[];
  /** Row index of the chunk's first row in the whole input. */
  readonly start: number;
  readonly length: number;
}

/** A column's view of one evaluation segment: rows `off .. off + len` of `leaf`. */
export interface ColumnSlice {
  readonly leaf: Data;
  readonly parents: readonly Data[];
  readonly off: number;
}

export function pathKey(path: readonly string[]): string {
  return path.join('\u0000');
}

/** Find a column by logical path (top-level field, then struct children); exact name first, then case-insensitive. */
export function resolveColumn(input: ArrowInput, path: readonly string[]): ColumnChunk[] {
  const top = findIndex(
    input.schema.fields.map((f) => f.name),
    path[0],
  );
  if (top < 0)
    throw new ExpressionError(
      `column ${formatPath(path)} is not in the Arrow data (fields: ${input.schema.fields.map((f) => f.name).join(', ')}); ` +
        'add it to the projection before filtering',
    );
  const vector = input.getChildAt(top)!;
  const chunks: ColumnChunk[] = [];
  let start = 0;
  for (const d of vector.data) {
    let cur: Data = d;
    const parents: Data[] = [];
    for (let k = 1; k < path.length; k++) {
      if (cur.type.typeId !== Type.Struct)
        throw new ExpressionError(`column ${formatPath(path.slice(0, k))} is not a struct in the Arrow data`);
      const names = (cur.type.children as { name: string }[]).map((f) => f.name);
      const j = findIndex(names, path[k]);
      if (j < 0)
        throw new ExpressionError(
          `field ${formatPath(path.slice(0, k + 1))} is not in the Arrow data (struct fields: ${names.join(', ')})`,
        );
      parents.push(cur);
      cur = cur.children[j];
    }
    chunks.push({ leaf: cur, parents, start, length: d.length });
    start += d.length;
  }
  return chunks;
}

function findIndex(names: string[], name: string): number {
  const i = names.indexOf(name);
  if (i >= 0) return i;
  const lower = name.toLowerCase();
  return names.findIndex((n) => n.toLowerCase() === lower);
}

export interface Segment {
  readonly start: number;
  readonly length: number;
  /** One slice per requested column, in the same order. */
  readonly slices: ColumnSlice[];
}

/**
 * Split rows 0..numRows into segments where every column stays inside one chunk, so
 * evaluation loops run over plain typed arrays even when chunk boundaries differ.
 */
export function segments(numRows: number, columns: readonly ColumnChunk[][]): Segment[] {
  const cuts = new Set<number>([0, numRows]);
  for (const chunks of columns) for (const c of chunks) if (c.start < numRows) cuts.add(c.start);
  const bounds = [...cuts].sort((a, b) => a - b);
  const cursor = columns.map(() => 0);
  const out: Segment[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const start = bounds[k];
    const length = bounds[k + 1] - start;
    if (length <= 0) continue;
    const slices = columns.map((chunks, ci) => {
      while (chunks[cursor[ci]].start + chunks[cursor[ci]].length <= start) cursor[ci]++;
      const c = chunks[cursor[ci]];
      return { leaf: c.leaf, parents: c.parents, off: start - c.start };
    });
    out.push({ start, length, slices });
  }
  return out;
}

function dataHasNulls(d: Data): boolean {
  return d.nullBitmap !== undefined && d.nullBitmap.length > 0 && d.nullCount > 0;
}

/** True if any row of the slice may be null (in the leaf or an enclosing struct). */
export function sliceHasNulls(s: ColumnSlice): boolean {
  return dataHasNulls(s.leaf) || s.parents.some(dataHasNulls);
}

/** Set `out[i] = state` for every row that is null in the slice (leaf or any parent struct). */
export function markNulls(s: ColumnSlice, len: number, out: Uint8Array, state: number): void {
  markDataNulls(s.leaf, s.off, len, out, state);
  for (const p of s.parents) markDataNulls(p, s.off, len, out, state);
}

function markDataNulls(d: Data, off: number, len: number, out: Uint8Array, state: number): void {
  if (!dataHasNulls(d)) return;
  const bm = d.nullBitmap!;
  const base = d.offset + off;
  for (let i = 0; i < len; i++) {
    const b = base + i;
    if ((bm[b >> 3] & (1 << (b & 7))) === 0) out[i] = state;
  }
}

/** Per-row validity (1 = value present), or null when no row is null. */
export function validity(s: ColumnSlice, len: number): Uint8Array | null {
  if (!sliceHasNulls(s)) return null;
  const v = new Uint8Array(len).fill(1);
  markNulls(s, len, v, 0);
  return v;
}
